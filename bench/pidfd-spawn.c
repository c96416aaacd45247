/* pidfd-spawn: glibc's pidfd_spawn() (2.39 and later) of the target, waited
 * for through the pidfd. Built only where the libc has it; elsewhere the
 * method is listed as unavailable and a run that names it gets an error row. */
#include <errno.h>
#include <spawn.h>
#include <unistd.h>

#include "method.h"

#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 39)
static int pidfd_spawn_once(struct spawn_ctx *c, const struct method *m)
{
	int pidfd;
	int err = pidfd_spawn(&pidfd, c->target, NULL, NULL, c->argv, c->envp);

	(void)m;
	if (err)
		return spawn_failed(c, FAIL_EXEC, err, "pidfd_spawn");
	return reap_pidfd(c, pidfd);
}
#define UNAVAILABLE NULL
#else
static int pidfd_spawn_once(struct spawn_ctx *c, const struct method *m)
{
	(void)m;
	spawn_failed(c, FAIL_ERRNO, ENOSYS, "pidfd_spawn");
	c->fail.why = "needs glibc 2.39 or later at build time";
	return -1;
}
#define UNAVAILABLE "needs glibc 2.39 or later at build time"
#endif

const struct method method_pidfd_spawn = {
	.name = "pidfd-spawn",
	.summary = "pidfd_spawn() of the target; waitid(P_PIDFD)",
	.syscall = "clone3(CLONE_VM|CLONE_VFORK|CLONE_PIDFD) (glibc), execve",
	.group = "clone3",
	.unavailable = UNAVAILABLE,
	.execs = true,
	.once = HOOK(pidfd_spawn_once),
};
