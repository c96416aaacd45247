/* The front end's `run`: check what the user asked, then hand the same
 * arguments to spawncost-measure, the engine that does the sweep.
 *
 * Why two programs: a fork copies the parent's page tables, so everything
 * mapped into the measuring process is part of what fork-based cells time.
 * Linking hwloc, libpfm4 and jansson into it made the 0 MiB parent 4.5 MiB
 * resident and fork-exit 55% slower here. The engine links only libc; the
 * front end may link whatever the other commands need. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "run.h"

int cmd_run_front(int argc, char **argv)
{
	struct run_opts o;
	char engine[PATH_MAX];
	char **args;
	int rc = run_parse(argc, argv, &o, false);

	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = run_check(&o)))
		return rc;
	if (!bundled("spawncost-measure", engine, sizeof engine)) {
		fprintf(stderr, "spawncost run: the engine spawncost-measure is not next to "
				"spawncost (build it with make)\n");
		return 2;
	}
	args = calloc((size_t)argc + 2, sizeof *args);
	if (!args) {
		fprintf(stderr, "spawncost run: out of memory\n");
		return 2;
	}
	args[0] = engine;
	memcpy(args + 1, argv, (size_t)argc * sizeof *args);
	fflush(NULL);
	execv(engine, args);
	fprintf(stderr, "spawncost run: cannot start %s: %s\n", engine, strerror(errno));
	free(args);
	return 2;
}
