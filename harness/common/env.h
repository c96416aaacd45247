/* Machine facts that explain a figure: `spawncost env` and env.txt. */
#ifndef SPAWNCOST_ENV_H
#define SPAWNCOST_ENV_H

#include <stddef.h>
#include <stdio.h>

/* Write key=value lines, one fact per line, to f. */
void env_write(FILE *f);

/* The 1, 5 and 15 minute load averages as "0.12 0.34 0.56" (from
 * /proc/loadavg) into buf; "" when unreadable. Returns buf. */
const char *env_loadavg(char *buf, size_t len);

/* Write one line key=<the load averages now>, e.g. load_avg_start=0.12 0.34 0.56.
 * env_write leaves the load out: a run records it at its start and end. */
void env_write_load(FILE *f, const char *key);

/* The machine as hardware, as 16 hex digits into buf: a hash of the
 * architecture, CPU model, CPUs present, memory (whole GiB) and DMI
 * product and board. The same across kernels, boots, users and host names;
 * never the host name. Returns buf. */
const char *env_machine_id(char *buf, size_t len);

/* The CPUs this process may run on (its affinity, which a cgroup cpuset
 * narrows too), as a list like "0-3,6" into buf; "" when unreadable.
 * Returns buf. */
const char *env_cpus_allowed(char *buf, size_t len);

/* The short host name, for run ids and the host column. */
const char *env_host(void);

#endif
