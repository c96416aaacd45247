/* Creating, exec'ing and reaping children: the pieces every method shares. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#include "method.h"

#include <sched.h>
#include <sys/mman.h>

#include "memory.h"

static char own_stack[CHILD_STACK_SIZE] __attribute__((aligned(16)));

/* The stack of CLONE_VM children: one per thread (spawner threads of
 * --parallel each have their own), MADV_DONTFORK so that a fork child of
 * the engine does not have it (child_stack_forget). */
static __thread char *shared;

void child_stack_forget(void)
{
	shared = NULL;
}

char *child_stack(unsigned long flags)
{
	if (!(flags & CLONE_VM))
		return own_stack;
	if (!shared)
		shared = map_dontfork(CHILD_STACK_SIZE);	/* before the sweep */
	return shared ? shared : own_stack;
}

CHILD_STACK_CODE int child_stack_exit(void *ctx)
{
	note_child_start(ctx);
	note_phase(ctx, SLOT_EXIT);
	return 0;
}

CHILD_STACK_CODE int child_stack_exec(void *ctx)
{
	child_exec(ctx);
}

int spawn_failed(struct spawn_ctx *c, enum fail_kind kind, int code, const char *call)
{
	c->fail.kind = kind;
	c->fail.code = code;
	c->fail.call = call;
	return -1;
}

CHILD_STACK_CODE void child_exec(const struct spawn_ctx *c)
{
	note_child_start(c);
	execve(c->target, c->argv, c->envp);
	/* Only reached when exec failed. In a vfork child errno and the stack
	 * are the parent's, so keep to async-signal-safe calls and leave. */
	c->shared[SLOT_EXEC_ERRNO] = (uint64_t)errno;
	_exit(127);
}

/* The child exited 127: an exec failure if it left an errno in the shared
 * page (cleared at each window's start: a failure ends the cell, so it is
 * never stale), otherwise the target itself said 127. */
static int exit127(struct spawn_ctx *c)
{
	int err = (int)c->shared[SLOT_EXEC_ERRNO];

	if (err)
		return spawn_failed(c, FAIL_EXEC, err, "execve");
	return spawn_failed(c, FAIL_STATUS, 127, NULL);
}

int reap(struct spawn_ctx *c, pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return spawn_failed(c, FAIL_ERRNO, errno, "waitpid");
	return judge_status(c, status);
}

int reap_pidfd(struct spawn_ctx *c, int pidfd)
{
	siginfo_t info;
	int rc;

	for (;;) {
		info.si_pid = 0;
		if (waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED) == 0)
			break;
		if (errno != EINTR) {
			rc = errno;
			close(pidfd);
			return spawn_failed(c, FAIL_ERRNO, rc, "waitid");
		}
	}
	close(pidfd);
	if (info.si_code == CLD_EXITED)
		return judge_status(c, W_EXITCODE(info.si_status, 0));
	return spawn_failed(c, FAIL_SIGNAL, info.si_status, NULL);
}

int judge_status(struct spawn_ctx *c, int status)
{
	if (status == -1)
		return spawn_failed(c, FAIL_ERRNO, errno, "fork");
	if (WIFSIGNALED(status))
		return spawn_failed(c, FAIL_SIGNAL, WTERMSIG(status), NULL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return exit127(c);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return spawn_failed(c, FAIL_STATUS, WEXITSTATUS(status), NULL);
	return 0;
}
