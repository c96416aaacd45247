/* posix-spawn: posix_spawn() of the target; waitpid().
 *
 * glibc spawns with clone(CLONE_VM|CLONE_VFORK) on a separate stack and
 * returns the child's exec errno itself, so a failed exec comes back as
 * posix_spawn's result rather than through the error pipe. */
#include <errno.h>
#include <spawn.h>

#include "method.h"

/* posix_spawn returns the errno of whichever step failed: creating the
 * child (EAGAIN, ENOMEM) or its exec. These are exec's own. */
static bool exec_errno(int err)
{
	switch (err) {
	case ENOENT: case EACCES: case ENOEXEC: case ENOTDIR: case ELOOP:
	case ENAMETOOLONG: case E2BIG: case ETXTBSY: case EISDIR: case ELIBBAD:
	case EPERM: case EFAULT: case EIO: case EMFILE: case ENFILE:
		return true;
	default:
		return false;
	}
}

static int posix_spawn_once(struct spawn_ctx *c, const struct method *m)
{
	pid_t pid;
	int err = posix_spawn(&pid, c->target, NULL, NULL, c->argv, c->envp);

	if (err)
		return spawn_failed(c, exec_errno(err) ? FAIL_EXEC : FAIL_ERRNO, err,
				    "posix_spawn");
	note_phase(c, SLOT_PARENT_RESUME);
	return reap(c, pid);
}

const struct method method_posix_spawn = {
	.name = "posix-spawn",
	.summary = "posix_spawn() of the target; waitpid()",
	.syscall = "clone3(CLONE_VM|CLONE_VFORK) on its own stack (glibc 2.34+; clone before), execve",
	.group = "core",
	.execs = true,
	.once = HOOK(posix_spawn_once),
};
