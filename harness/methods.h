/* The table of methods: one line per bench/<method>.c. */
#ifndef SPAWNCOST_METHODS_H
#define SPAWNCOST_METHODS_H

#include "method.h"

extern const struct method *const methods[];

/* The method called name, or NULL. */
const struct method *method_find(const char *name);

#endif
