/* clone(2) with named flag sets: what each flag shares or creates, as a
 * method of its own. The child runs on a stack of its own and _exit(0)s (or
 * exec's the target, for clone-custom --then exec); the parent reaps it.
 *
 * One once() serves the family, named sets, namespaces and the user's own
 * set (clone-custom) alike: the entry's flags say what to ask for, and the
 * refusal hints for namespaces live here with them. */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "method.h"

/* The flags glibc's pthread_create passes (nptl's create_thread). */
#define THREAD_FLAGS                                                                       \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

/* A thread cannot be waitpid()ed: the kernel clears *tid and wakes the
 * futex on it when the thread exits (CLONE_CHILD_CLEARTID), which is how
 * pthread_join waits too. */
static int wait_cleared(struct spawn_ctx *c, volatile pid_t *tid)
{
	pid_t t;

	while ((t = *tid) != 0)
		if (syscall(SYS_futex, tid, FUTEX_WAIT, t, NULL, NULL, 0) < 0 && errno != EAGAIN &&
		    errno != EINTR)
			return spawn_failed(c, FAIL_ERRNO, errno, "futex");
	return 0;
}

/* Why a clone was refused, in words a user can act on. */
static int clone_refused(struct spawn_ctx *c, int err, unsigned long flags)
{
	const unsigned long ns = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID |
				 CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWCGROUP;

	spawn_failed(c, FAIL_ERRNO, err, "clone");
	if ((flags & ns) && err == EPERM)
		c->fail.why = "needs CAP_SYS_ADMIN or unprivileged user namespaces";
	else if ((flags & ns) && (err == ENOSPC || err == EUSERS))
		c->fail.why = "namespace limit reached (/proc/sys/user/max_*_namespaces)";
	else if (err == EINVAL)
		c->fail.why = "the kernel refuses this flag set";
	return -1;
}

/* Run one child with these flags. */
static int clone_with(struct spawn_ctx *c, unsigned long flags, bool then_exec)
{
	static __thread volatile pid_t tid;	/* one per spawner thread */
	char *stack = child_stack(flags);
	void *top;
	int (*fn)(void *) = then_exec ? child_stack_exec : child_stack_exit;
	pid_t pid;

	if (!stack)
		return spawn_failed(c, FAIL_ERRNO, ENOMEM, "the child's stack");
	top = stack + CHILD_STACK_SIZE;
	if (flags & CLONE_THREAD) {
		/* Same TLS as the parent: the child touches none of it. */
		void *tls = __builtin_thread_pointer();
		flags |= CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
		pid = clone(fn, top, (int)flags, c, &tid, tls, &tid);
		if (pid < 0)
			return clone_refused(c, errno, flags);
		note_phase(c, SLOT_PARENT_RESUME);
		return wait_cleared(c, &tid);
	}
	pid = clone(fn, top, (int)(flags | SIGCHLD), c);
	if (pid < 0)
		return clone_refused(c, errno, flags);
	note_phase(c, SLOT_PARENT_RESUME);
	return reap(c, pid);
}

static int clone_named(struct spawn_ctx *c, const struct method *m)
{
	return clone_with(c, m->flags, false);
}

static int clone_custom(struct spawn_ctx *c, const struct method *m)
{
	(void)m;
	return clone_with(c, c->clone_flags, c->then_exec);
}

#define CLONE_METHOD(id, label, f, fs, what)                                   \
	const struct method method_##id = {                                  \
		.name = label,                                               \
		.summary = what "; the child _exit(0)s; waitpid()",          \
		.syscall = "clone(" fs ")",                                  \
		.group = "clone",                                            \
		.flags = (f) & ~(unsigned long)SIGCHLD,                      \
		.once = HOOK(clone_named),                                         \
	}

CLONE_METHOD(clone_fork, "clone-fork", SIGCHLD, "SIGCHLD", "clone() as fork asks: nothing shared");
CLONE_METHOD(clone_vm, "clone-vm", CLONE_VM | SIGCHLD, "CLONE_VM|SIGCHLD", "clone() sharing the address space");
CLONE_METHOD(clone_vfork, "clone-vfork", CLONE_VM | CLONE_VFORK | SIGCHLD, "CLONE_VM|CLONE_VFORK|SIGCHLD",
	     "clone() as vfork asks: shared memory, parent held until the child exits");
CLONE_METHOD(clone_files, "clone-files", CLONE_FILES | SIGCHLD, "CLONE_FILES|SIGCHLD",
	     "clone() sharing the file descriptor table");
CLONE_METHOD(clone_fs, "clone-fs", CLONE_FS | SIGCHLD, "CLONE_FS|SIGCHLD",
	     "clone() sharing cwd, root and umask");
CLONE_METHOD(clone_sighand, "clone-sighand", CLONE_VM | CLONE_SIGHAND | SIGCHLD, "CLONE_VM|CLONE_SIGHAND|SIGCHLD",
	     "clone() sharing memory and signal handlers");

const struct method method_clone_thread = {
	.name = "clone-thread",
	.summary = "clone() with pthread_create's flags; the thread exit(2)s; waited for "
		   "through the cleared child tid",
	.syscall = "clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|"
		   "CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID)",
	.group = "clone",
	.flags = THREAD_FLAGS,
	.once = HOOK(clone_named),
};

const struct method method_clone_custom = {
	.name = "clone-custom",
	.summary = "clone() with the flags of --clone-flags; the child _exit(0)s or, with "
		   "--then exec, execs the target; reaped",
	.syscall = "clone(--clone-flags|SIGCHLD)",
	.group = "custom",
	.execs = true,
	.once = HOOK(clone_custom),
};

/* Namespaces: the same round trip, each creating one kind. */
#define NS_METHOD(id, label, f, fs, what)                                    \
	const struct method method_##id = {                                \
		.name = label,                                             \
		.summary = "clone() into a new " what "; the child _exit(0)s; waitpid()", \
		.syscall = "clone(" fs "|SIGCHLD)",                        \
		.group = "ns",                                             \
		.flags = (f),                                              \
		.once = HOOK(clone_named),                                       \
	}

NS_METHOD(clone_newpid, "clone-newpid", CLONE_NEWPID, "CLONE_NEWPID", "PID namespace");
NS_METHOD(clone_newns, "clone-newns", CLONE_NEWNS, "CLONE_NEWNS", "mount namespace");
NS_METHOD(clone_newuts, "clone-newuts", CLONE_NEWUTS, "CLONE_NEWUTS", "UTS namespace");
NS_METHOD(clone_newipc, "clone-newipc", CLONE_NEWIPC, "CLONE_NEWIPC", "IPC namespace");
NS_METHOD(clone_newnet, "clone-newnet", CLONE_NEWNET, "CLONE_NEWNET", "network namespace");
NS_METHOD(clone_newuser, "clone-newuser", CLONE_NEWUSER, "CLONE_NEWUSER", "user namespace");
NS_METHOD(clone_container, "clone-container",
	  CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET, "CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET",
	  "user, PID, mount, UTS, IPC and network namespace at once, as a container");
