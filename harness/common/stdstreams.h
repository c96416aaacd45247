/* Standard streams that cannot betray a run. */
#ifndef SPAWNCOST_STDSTREAMS_H
#define SPAWNCOST_STDSTREAMS_H

/* Descriptors 0, 1 and 2 that were closed are opened on /dev/null, so that
 * no file the program opens later becomes one of them (with stderr closed,
 * progress would be written into env.txt). */
void std_fds_open(void);

/* After a command: if stdout could not be written (a full disk, /dev/full,
 * a closed pipe), say so in one line and return 2; else rc. */
int stdout_checked(const char *prog, int rc);

#endif
