/* Finding the bundled exec target next to the spawncost binary, so that a
 * build tree and an installed tree both work without configuration. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

const char *bundled_target(void)
{
	static char path[PATH_MAX];
	static const char *const places[] = {
		"%s/spawncost-noop",			/* build/ */
		"%s/../libexec/spawncost/spawncost-noop",	/* PREFIX/bin */
	};
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n < 0)
		return NULL;
	self[n] = '\0';
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s", self);
		snprintf(path, sizeof path, places[i], dirname(dir));
		if (access(path, X_OK) == 0)
			return path;
	}
	errno = ENOENT;
	return NULL;
}
