#ifndef SPAWNCOST_LAUNCH_H
#define SPAWNCOST_LAUNCH_H

/* `spawncost run ...` in the front end: check the arguments, then hand them
 * to the lean measuring engine. Returns the exit status. */
int cmd_run_front(int argc, char **argv);

/* --json (launch_json.c): run the engine args as a child, its stdout on our
 * stderr, then print the run as JSON on stdout. Returns the exit status. */
struct run_opts;
int launch_json(const struct run_opts *o, char *engine, char **args);

#endif
