/* vfork-exec: vfork(); the child execve()s the target; the parent waitpid()s.
 *
 * glibc's vfork() on Linux is the vfork system call (CLONE_VM|CLONE_VFORK):
 * the parent sleeps until the child's exec or exit releases the shared
 * address space. tests/cli/methods.bats checks the syscall with strace,
 * because some libcs have shipped vfork as a plain fork. */
/* The twin of fork-exec.c on purpose: a vfork child must not return from the
 * function that called vfork, so the call cannot move into a shared helper. */
#include <errno.h>
#include <unistd.h>

#include "method.h"

static int vfork_exec(struct spawn_ctx *c, const struct method *m)
{
	pid_t pid = vfork();

	if (pid < 0)
		return spawn_failed(c, FAIL_ERRNO, errno, "vfork");
	if (pid == 0)
		child_exec(c);
	note_phase(c, SLOT_PARENT_RESUME);
	return reap(c, pid);
}

const struct method method_vfork_exec = {
	.name = "vfork-exec",
	.summary = "vfork(); the child execve()s the target; waitpid()",
	.syscall = "vfork(), execve",
	.group = "core",
	.execs = true,
	.once = HOOK(vfork_exec),
};
