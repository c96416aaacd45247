/* The table of methods: one line per bench/<method>.c. */
#ifndef SPAWNCOST_METHODS_H
#define SPAWNCOST_METHODS_H

#include "method.h"

extern const struct method *const methods[];

/* The method called name, or NULL. */
const struct method *method_find(const char *name);

/* Groups -m accepts besides names: all, core (the default), clone, ns,
 * clone3, exec, cow. A group leaves out clone-custom (run by --clone-flags) and
 * what this build cannot run. */
bool is_group(const char *name);
bool method_in_group(const struct method *m, const char *group);

#endif
