#ifndef SPAWNCOST_TARGET_H
#define SPAWNCOST_TARGET_H

#include <stddef.h>

/* The path of a program bundled with spawncost, found relative to the
 * running binary, written into path; NULL and errno set when not there. */
const char *bundled(const char *name, char *path, size_t len);

#endif
