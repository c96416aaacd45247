/* The PATH search of execvp and posix_spawnp: the no-op run by its bare
 * name, found after --path-dirs empty folders in PATH (the engine puts them
 * there before the sweep), so that what the search costs shows.
 *
 * Like execvp and posix_spawnp in any program, the search reads the
 * spawning process's own PATH; the target still gets the fixed environment
 * (execvpe). */
#include <errno.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

#include "method.h"

/* The bare name, from the bundled no-op's path: no allocation. */
static int name_setup(struct spawn_ctx *c, const struct method *m)
{
	const char *slash = strrchr(c->noop, '/');

	(void)m;
	c->state = (void *)(slash ? slash + 1 : c->noop);
	return 0;
}

static int fork_execvp(struct spawn_ctx *c, const struct method *m)
{
	pid_t pid = fork();

	(void)m;
	if (pid < 0)
		return spawn_failed(c, FAIL_ERRNO, errno, "fork");
	if (pid == 0) {
		note_child_start(c);
		execvpe(c->state, c->argv, c->envp);
		c->shared[SLOT_EXEC_ERRNO] = (uint64_t)errno;
		_exit(127);
	}
	note_phase(c, SLOT_PARENT_RESUME);
	return reap(c, pid);
}

static int spawnp(struct spawn_ctx *c, const struct method *m)
{
	pid_t pid;
	int err = posix_spawnp(&pid, c->state, NULL, NULL, c->argv, c->envp);

	(void)m;
	if (err)
		return spawn_failed(c, FAIL_ERRNO, err, "posix_spawnp");
	note_phase(c, SLOT_PARENT_RESUME);
	return reap(c, pid);
}

const struct method method_execvp = {
	.name = "execvp",
	.summary = "fork(); the child execvp()s the no-op by its bare name, searching PATH; waitpid()",
	.syscall = "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD), execve per PATH folder",
	.group = "path",
	.fixed_target = "static",
	.setup = HOOK(name_setup),
	.once = HOOK(fork_execvp),
};

const struct method method_posix_spawnp = {
	.name = "posix-spawnp",
	.summary = "posix_spawnp() of the no-op by its bare name, searching PATH; waitpid()",
	.syscall = "clone3(CLONE_VM|CLONE_VFORK), execve per PATH folder",
	.group = "path",
	.fixed_target = "static",
	.setup = HOOK(name_setup),
	.once = HOOK(spawnp),
};
