/* Finding the programs bundled with spawncost (the exec target and the
 * measuring engine) next to the running binary, so that a build tree and an
 * installed tree both work without configuration. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
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
