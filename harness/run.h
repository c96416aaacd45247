#ifndef SPAWNCOST_RUN_H
#define SPAWNCOST_RUN_H

/* `spawncost run ...`: argv[0] is "run". Returns the exit status. */
int cmd_run(int argc, char **argv);

/* Where the bundled exec target is, found relative to the binary; NULL and
 * errno set when it is not there. */
const char *bundled_target(void);

#endif
