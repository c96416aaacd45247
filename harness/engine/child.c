/* Creating, exec'ing and reaping children: the pieces every method shares. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#include "book.h"
#include "method.h"

#include <sched.h>
#include <sys/mman.h>

#include "memory.h"

/* The stack of children that do not share our memory: the first 64 KiB
 * of the heap (child_stack_settle), not a .bss array, which would make the
 * .bss a mapping of its own, one more for every fork to copy. The parent
 * writes only its top page (glibc's clone puts the function and its
 * argument there), touched here at once so that what fork copies is the
 * same before the first clone cell and after; the child's first use of
 * every other page is a zero fill, as with any fresh stack. */
static char *own_stack;

void child_stack_settle(void)
{
	size_t page = page_bytes();
	char *block;

	if (own_stack)
		return;
	/* The engine calls this first thing, so that malloc's arena follows
	 * it in the same mapping (elsewhere malloc copes with a foreign sbrk). */
	block = sbrk((intptr_t)(CHILD_STACK_SIZE + page));
	if (block == (void *)-1)
		return;
	own_stack = (char *)(((uintptr_t)block + page - 1) & ~(uintptr_t)(page - 1));
	own_stack[CHILD_STACK_SIZE - 1] = 0;
}

/* The stack of CLONE_VM children: one per thread (spawner threads of
 * --parallel each have their own), from the book (harness/common/book.h);
 * a fork child of the engine makes its own (child_stack_forget). */
static __thread char *shared;

void child_stack_forget(void)
{
	shared = NULL;
}

char *child_stack(unsigned long flags)
{
	if (!own_stack)
		child_stack_settle();	/* a test, or a spawner thread's first call */
	if (!(flags & CLONE_VM))
		return own_stack;
	if (!shared)
		shared = book_alloc(CHILD_STACK_SIZE);	/* before the sweep */
	return shared;
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
