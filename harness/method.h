/* The contract between the harness and a spawn method (bench/<method>.c).
 *
 * A method does one round trip per call of once(): create the child or
 * thread, let it run to its end, reap it. It never reads a clock, prints,
 * pins or counts: the harness does all of that around once(), the same way
 * for every method. */
#ifndef SPAWNCOST_METHOD_H
#define SPAWNCOST_METHOD_H

#include <stdbool.h>
#include <sys/types.h>

/* Why an operation failed. A failure ends the cell as an error row; it is
 * never turned into a sample. */
enum fail_kind {
	FAIL_NONE = 0,
	FAIL_ERRNO,	/* a call in the parent failed; code is errno */
	FAIL_EXEC,	/* the child's exec failed; code is the child's errno */
	FAIL_SIGNAL,	/* the child was killed; code is the signal */
	FAIL_STATUS,	/* the child exited non-zero; code is the status */
};

struct spawn_fail {
	enum fail_kind kind;
	int code;
	const char *call;	/* the call that failed, for FAIL_ERRNO */
};

/* Everything a method may use; set up by the harness before a cell. */
struct spawn_ctx {
	const char *target;	/* exec target's path */
	char *const *argv;	/* its argv */
	char *const *envp;	/* its environment (fixed and small) */
	int errpipe[2];		/* close-on-exec pipe: a child whose exec failed
				 * writes its errno here, then _exit(127)s */
	struct spawn_fail fail;	/* filled when once() returns -1 */
};

struct method {
	const char *name;	/* kebab-case, the road taken: "fork-exec" */
	const char *summary;	/* one line for `spawncost list` */
	bool execs;		/* runs the exec target */
	int (*once)(struct spawn_ctx *c);	/* 0, or -1 with c->fail set */
};

/* Shared by methods (harness/child.c). */

/* In the child after fork/vfork: exec the target; on failure report errno
 * over c->errpipe and _exit(127). Safe in a vfork child: it only calls
 * execve, write and _exit. */
__attribute__((noreturn)) void child_exec(const struct spawn_ctx *c);

/* Wait for pid and judge how it ended: 0 for exit status 0, else -1 with
 * c->fail saying why. */
int reap(struct spawn_ctx *c, pid_t pid);

/* Record a failure and return -1. */
int spawn_failed(struct spawn_ctx *c, enum fail_kind kind, int code, const char *call);

#endif
