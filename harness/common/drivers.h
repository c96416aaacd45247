/* The drivers of the runtime methods (bench/runtimes.c): the command line
 * that starts one, for the engine (harness/engine/runtime.c) and for
 * `spawncost driver`, which prints it (scripts/runtime-syscalls runs it
 * under strace). */
#ifndef SPAWNCOST_DRIVERS_H
#define SPAWNCOST_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

#include "method.h"

/* argv (NULL-terminated, at most 15 entries) of m's driver in dir (the
 * runtimes folder next to the no-op), spawning noop with kib of ballast,
 * count round trips or for seconds; the strings in buf. 0, or -1 when buf
 * is too small. An interpreter is a bare name: see driver_exec. */
int driver_argv(const struct method *m, const char *dir, const char *noop, uint64_t kib,
		uint64_t count, double seconds, char *buf, size_t len, char **argv);

/* execv argv, an interpreter's bare name looked for in the system's folders
 * (not PATH, which --path-dirs rewrites for the path methods); path is
 * scratch. Returns only when nothing could be run, errno saying why. */
void driver_exec(char **argv, char *path, size_t len);

#endif
