#ifndef SPAWNCOST_LAUNCH_H
#define SPAWNCOST_LAUNCH_H

/* `spawncost run ...` in the front end: check the arguments, then hand them
 * to the lean measuring engine. Returns the exit status. */
int cmd_run_front(int argc, char **argv);

#endif
