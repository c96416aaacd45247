/* fork-exec: fork(); the child execve()s the target; the parent waitpid()s. */
/* The twin of vfork-exec.c on purpose: a vfork child must not return from the
 * function that called vfork, so the call cannot move into a shared helper. */
#include <errno.h>
#include <unistd.h>

#include "method.h"

static int fork_exec(struct spawn_ctx *c, const struct method *m)
{
	pid_t pid = fork();

	if (pid < 0)
		return spawn_failed(c, FAIL_ERRNO, errno, "fork");
	if (pid == 0)
		child_exec(c);
	note_phase(c, SLOT_PARENT_RESUME);
	return reap(c, pid);
}

const struct method method_fork_exec = {
	.name = "fork-exec",
	.summary = "fork(); the child execve()s the target; waitpid()",
	.syscall = "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD), execve",
	.group = "core",
	.execs = true,
	.once = HOOK(fork_exec),
};
