#ifndef SPAWNCOST_RUN_H
#define SPAWNCOST_RUN_H

/* `spawncost run ...` in the engine: argv[0] is "run". Returns the exit
 * status. */
int cmd_run(int argc, char **argv);

#endif
