/* The front end's `run` after its checks: start the engine, wait for it,
 * then settle the run's samples (engine_wait.c). */
#ifndef SPAWNCOST_ENGINE_WAIT_H
#define SPAWNCOST_ENGINE_WAIT_H

#include <stdbool.h>

/* Run engine with args (args[0] is its path; they include --dir-fd dirfd,
 * a memory file the engine writes its result folder into, when dirfd is
 * not -1), pass on the signals meant for the run, then leave samples.csv as
 * samples (--samples) asks, and with json print the run on stdout as one
 * JSON document (the engine's own stdout then goes to stderr). Returns the
 * run's exit status: the engine's. */
int engine_wait(const char *engine, char **args, int dirfd, const char *samples, bool json);

#endif
