/* The contract between the harness and a spawn method (bench/<method>.c).
 *
 * A method does one round trip per call of once(): create the child or
 * thread, let it run to its end, reap it. It never reads a clock, prints,
 * pins or counts: the harness does all of that around once(), the same way
 * for every method. */
#ifndef SPAWNCOST_METHOD_H
#define SPAWNCOST_METHOD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

/* The front end links the methods for their names and descriptions only
 * (list, -m, the groups): built with METHOD_DESCRIPTIONS, a method's hooks
 * are NULL and its code is left out, so that no method's code, nor what
 * only the methods call, is in the front end. The engine links them whole. */
#ifdef METHOD_DESCRIPTIONS
#define HOOK(f) NULL
#else
#define HOOK(f) f
#endif

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
	const char *why;	/* if set, said instead of "<call> failed", e.g.
				 * "needs CAP_SYS_ADMIN or unprivileged user namespaces" */
};

/* Everything a method may use; set up by the harness before a cell. */
struct spawn_ctx {
	const char *target;	/* exec target's path */
	char *const *argv;	/* its argv */
	char *const *envp;	/* its environment (fixed and small) */
	const char *noop;	/* the bundled static no-op (system, popen) */
	const char *chain;	/* the bundled self-exec'ing target (exec-only) */
	/* The ballast, for the methods that write it (bench/cow.c). */
	char *const *chunk;	/* its mappings */
	size_t nchunks, chunk_bytes;
	int ballast_kind;	/* enum ballast_kind */
	int thp;		/* enum thp_mode */
	uint64_t *shared;	/* a MAP_SHARED page children leave results in:
				 * [0] cow-child's time, [1] the child's CPU,
				 * with --phases [2] child start, [3] parent
				 * resume, [4] target entry, [5] target or child
				 * exit (CLOCK_MONOTONIC ns; 0: not reached) */
	bool phases;		/* take the phase timestamps (probes of --phases) */
	bool note_cpu;		/* record where the child runs (probes only) */
	bool want_phases;	/* --phases: probes take the phase timestamps */
	const char *probe_target;	/* if set, probes exec this target (the stamp */
	char *const *probe_argv;	/* target of --phases) with this argv */
	uint64_t inner_ns;	/* a per_page method's timed interval */
	unsigned long clone_flags;	/* clone-custom: the user's flags */
	bool then_exec;		/* clone-custom: the child execs (else _exit) */
	void *state;		/* the method's own, from setup() */
	struct spawn_fail fail;	/* filled when a hook returns -1 */
	volatile uint64_t *progress;	/* --parallel: round trips so far, stored
					 * after each (for the engine's deadline);
					 * NULL in the engine */
};

struct method {
	const char *name;	/* kebab-case, the road taken: "fork-exec" */
	const char *summary;	/* one line for `spawncost list` */
	const char *syscall;	/* what reaches the kernel: "clone(CLONE_VM|SIGCHLD)" */
	const char *group;	/* for -m: core, clone, ns, clone3, exec */
	const char *unavailable;	/* why this build cannot run it, or NULL */
	bool execs;		/* runs the exec target (--target applies) */
	const char *fixed_target;	/* the target column of a method that
					 * always runs the same program */
	unsigned ops;		/* operations in one round trip (0 means 1): the
				 * harness divides each sample by it */
	bool per_page;		/* the sample is the interval the method had the
				 * harness time (inner_ns), reported per ballast
				 * page too; needs a ballast */
	unsigned long flags;	/* for a family of methods: this entry's flags */
	bool isolate;		/* creates threads: measured in a child process,
				 * so that the engine stays single-threaded
				 * (harness/engine/isolate.c) */
	/* A language runtime's own spawn (bench/runtimes.c): the driver
	 * bench/runtimes/<runtime>/ times it in its own process, with its own
	 * ballast (harness/engine/runtime.c); once is NULL. */
	const char *runtime;	/* python, go, rust, node, java, ruby, perl */
	const char *api;	/* the driver's API argument */
	const char *package;	/* the Debian package that provides the runtime */
	/* Optional, once per cell, untimed: 0, or -1 with c->fail set (the
	 * cell is then an error row, e.g. a namespace the user may not make). */
	int (*setup)(struct spawn_ctx *c, const struct method *m);
	void (*teardown)(struct spawn_ctx *c, const struct method *m);
	/* One round trip: 0, or -1 with c->fail set. */
	int (*once)(struct spawn_ctx *c, const struct method *m);
};

/* Shared by methods (harness/engine/child.c). */

#define CPU_UNKNOWN 0xffffu

/* Where a child (or thread) runs, for the child_cpu column: one store from
 * the child's own code path. On x86_64 it is rdtscp's TSC_AUX, which Linux
 * sets to the CPU number: a few cycles, and right in a CLONE_VM child, where
 * glibc's sched_getcpu would read the parent's rseq area. Elsewhere the
 * column stays empty rather than add a system call to the timed path.
 * Only in probes (harness/engine/cell.h): a forked child inherits no page-table
 * entry for the shared page, so its first store there is a page fault, a
 * few µs here, that no timed iteration may pay. */
static inline void note_child_cpu(const struct spawn_ctx *c)
{
#if defined(__x86_64__)
	if (c->note_cpu) {
		unsigned aux;
		__builtin_ia32_rdtscp(&aux);
		c->shared[1] = aux & 0xfff;
	}
#else
	(void)c;
#endif
}

/* Phase edges (--phases), each one stamp into the shared page when asked
 * for and a not-taken branch otherwise. On x86_64 the stamp is the TSC
 * (rdtsc: no system call, and no page fault on the vDSO, which a forked or
 * freshly exec'd process takes at its first clock read, a few µs here); the
 * harness converts each iteration's TSC edges with that iteration's own ns
 * per tick, read around it. Elsewhere it is CLOCK_MONOTONIC ns. */
enum { SLOT_CHILD_START = 2, SLOT_PARENT_RESUME, SLOT_TARGET_ENTRY, SLOT_EXIT, SLOT_EXEC_ERRNO };

static inline uint64_t phase_stamp(void)
{
#if defined(__x86_64__)
	return __builtin_ia32_rdtsc();
#else
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

static inline void note_phase(const struct spawn_ctx *c, int slot)
{
	if (c->phases)
		c->shared[slot] = phase_stamp();
}

/* The child's first moment after the creating call: where and when. */
static inline void note_child_start(const struct spawn_ctx *c)
{
	note_child_cpu(c);
	note_phase(c, SLOT_CHILD_START);
}

/* Code that runs on a child's own stack (clone, clone3) is not instrumented
 * by AddressSanitizer: before a noreturn call ASan unpoisons "the rest of
 * the stack", which it takes to be the thread's, and on a foreign stack
 * that walk never ends. */
#define CHILD_STACK_CODE __attribute__((no_sanitize_address))

/* In the child after fork/vfork: exec the target; on failure report errno
 * in shared[SLOT_EXEC_ERRNO] and _exit(127). Safe in a vfork child: it only calls
 * execve, write and _exit. */
CHILD_STACK_CODE __attribute__((noreturn)) void child_exec(const struct spawn_ctx *c);

/* For children started on a stack of their own (clone, clone3): one child
 * runs at a time, so one stack serves all, and the two things such a child
 * does. Each returns into the exit(2) of the thread, not exit_group.
 *
 * Which stack depends on the flags. A child that shares our memory
 * (CLONE_VM) writes its stack in our memory: that stack is in the engine's
 * book (a shared mapping whose pages no fork copies), so that what it left
 * resident is in no later fork. A child with a copy of our memory writes
 * only its copy: that stack, the heap's first 64 KiB, is written by us only
 * in its top page, touched at once. Either way the parent that fork-based
 * cells time does not grow when a clone cell has run. */
#define CHILD_STACK_SIZE (64 * 1024)
/* The lowest address of the stack a child with these clone flags runs on. */
char *child_stack(unsigned long flags);	/* NULL: out of memory */
void child_stack_settle(void);	/* the engine's, first thing in main */
/* In a fork child of the engine, which must not run CLONE_VM children on
 * the engine's stack for them (shared with the engine): make a new one
 * when next asked. */
void child_stack_forget(void);
CHILD_STACK_CODE int child_stack_exit(void *ctx);	/* note where and when, exit 0 */
CHILD_STACK_CODE int child_stack_exec(void *ctx);	/* child_exec(ctx) */

/* Wait for pid and judge how it ended: 0 for exit status 0, else -1 with
 * c->fail saying why. */
int reap(struct spawn_ctx *c, pid_t pid);

/* The same for a child known by a pidfd (waitid(P_PIDFD)); closes it. */
int reap_pidfd(struct spawn_ctx *c, int pidfd);

/* Judge a wait status from waitpid, system or pclose: 0 for exit status 0. */
int judge_status(struct spawn_ctx *c, int status);

/* Record a failure and return -1. */
int spawn_failed(struct spawn_ctx *c, enum fail_kind kind, int code, const char *call);

/* clone3(2) with the child on its own stack running fn(arg), then
 * exit(2)ing with its result: glibc has no wrapper, and a child that
 * returned from a plain syscall() on a shared stack would corrupt the
 * parent's frame. Returns the child's tid, or -1 with errno. On an
 * architecture without the trampoline, fails with ENOSYS. */
struct clone_args;
long clone3_run(struct clone_args *args, int (*fn)(void *), void *arg);

#endif
