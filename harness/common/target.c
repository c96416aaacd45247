/* Finding the programs bundled with spawncost (the exec target and the
 * measuring engine) next to the running binary, so that a build tree and an
 * installed tree both work without configuration; and the exec target's
 * environment, and a first try of it. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target.h"

const char *bundled(const char *name, char *path, size_t len)
{
	static const char *const places[] = {
		"%s/%s",			/* build/, or PREFIX/libexec/spawncost/ */
		"%s/../libexec/spawncost/%s",	/* PREFIX/bin */
	};
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n < 0)
		return NULL;
	self[n] = '\0';
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s", self);
		snprintf(path, len, places[i], dirname(dir), name);
		if (access(path, X_OK) == 0)
			return path;
	}
	errno = ENOENT;
	return NULL;
}

/* Fixed and small, so that hosts with different login environments copy
 * the same strings at exec. */
char *const target_envp[] = { "PATH=/usr/bin:/bin", NULL };

int target_try(const char *path, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid;
	int err;

	if ((err = posix_spawn_file_actions_init(&fa)))
		return 0;
	if ((err = posix_spawnattr_init(&at))) {
		posix_spawn_file_actions_destroy(&fa);
		return 0;
	}
	/* its own process group, so that what it starts goes with it */
	if (!(err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) &&
	    !(err = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)) &&
	    !(err = posix_spawn_file_actions_adddup2(&fa, 1, 2)) &&
	    !(err = posix_spawnattr_setpgroup(&at, 0)) &&
	    !(err = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP)) &&
	    !(err = posix_spawn(&pid, path, &fa, &at, argv, target_envp))) {
		/* It runs: that is all there was to know. */
		kill(-pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	/* out of processes or memory: the run says so, cell by cell */
	return err == EAGAIN || err == ENOMEM ? 0 : err;
}
