#ifndef SPAWNCOST_RUN_H
#define SPAWNCOST_RUN_H

/* `spawncost run ...`: argv[0] is "run". Returns the exit status. */
int cmd_run(int argc, char **argv);

/* `spawncost run ...` in the front end: check the arguments, then hand them
 * to the lean measuring engine. Returns the exit status. */
int cmd_run_front(int argc, char **argv);

/* The path of a program bundled with spawncost, found relative to the
 * running binary, written into path; NULL and errno set when not there. */
const char *bundled(const char *name, char *path, size_t len);

#endif
