/* Machine facts that explain a figure: `spawncost env` and env.txt. */
#ifndef SPAWNCOST_ENV_H
#define SPAWNCOST_ENV_H

#include <stdio.h>

/* Write key=value lines, one fact per line, to f. */
void env_write(FILE *f);

/* The short host name, for run ids and the host column. */
const char *env_host(void);

#endif
