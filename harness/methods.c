#include <string.h>

#include "methods.h"

extern const struct method method_fork_exec, method_vfork_exec, method_posix_spawn,
	method_fork_exit, method_vfork_exit, method_pthread;

/* The order is the order of a run: process methods first, pthread last,
 * because glibc keeps a joined thread's stack cached (a mapping the later
 * fork-based cells would otherwise copy). */
const struct method *const methods[] = {
	&method_fork_exec,
	&method_vfork_exec,
	&method_posix_spawn,
	&method_fork_exit,
	&method_vfork_exit,
	&method_pthread,
	NULL,
};

const struct method *method_find(const char *name)
{
	for (const struct method *const *m = methods; *m; m++)
		if (strcmp((*m)->name, name) == 0)
			return *m;
	return NULL;
}
