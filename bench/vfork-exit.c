/* vfork-exit: vfork(); the child _exit(0)s; the parent waitpid()s. */
/* The twin of fork-exit.c on purpose: a vfork child must not return from the
 * function that called vfork, so the call cannot move into a shared helper. */
#include <errno.h>
#include <unistd.h>

#include "method.h"

static int vfork_exit(struct spawn_ctx *c, const struct method *m)
{
	pid_t pid = vfork();

	if (pid < 0)
		return spawn_failed(c, FAIL_ERRNO, errno, "vfork");
	if (pid == 0) {
		note_child_start(c);
		note_phase(c, SLOT_EXIT);
		_exit(0);
	}
	note_phase(c, SLOT_PARENT_RESUME);
	return reap(c, pid);
}

const struct method method_vfork_exit = {
	.name = "vfork-exit",
	.summary = "vfork(); the child _exit(0)s; waitpid()",
	.syscall = "vfork(), exit_group",
	.group = "core",
	.once = HOOK(vfork_exit),
};
