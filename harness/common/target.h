#ifndef SPAWNCOST_TARGET_H
#define SPAWNCOST_TARGET_H

#include <stddef.h>

/* The path of a program bundled with spawncost, found relative to the
 * running binary, written into path; NULL and errno set when not there. */
const char *bundled(const char *name, char *path, size_t len);

/* The exec target's environment: PATH=/usr/bin:/bin alone. */
extern char *const target_envp[];

/* Exec path once with argv and target_envp, in a child whose standard
 * streams are /dev/null, and stop it (and what it started) as soon as it
 * runs. 0 when the kernel ran it, or when the try could not be made for
 * want of processes or memory; else the exec's errno (ENOEXEC: not an ELF
 * program for this machine, and no #! line; EACCES: a noexec mount; ENOENT:
 * its #! interpreter or ELF loader is missing). */
int target_try(const char *path, char *const argv[]);

#endif
