/* The process every cell forks (harness/engine/parent.c). */
#ifndef SPAWNCOST_PARENT_H
#define SPAWNCOST_PARENT_H

#include <sched.h>
#include <stdint.h>

#include "options.h"

/* The CPUs the run may use less its --cpus, for the watchdog; empty when
 * unpinned or when nothing is left. */
void watchdog_cpus(const struct run_opts *o, cpu_set_t *away);

/* Pin the run (and so every child) to --cpus. Returns 0 or an errno. */
int bind_cpus(const struct run_opts *o);

/* Put in place, before the sweep, what would otherwise appear part-way
 * through it (see parent.c). */
void settle_parent(void);

/* The page children leave results in, the watchdog's in its second half;
 * with --phases also the stamp target's descriptor argument. NULL when it
 * cannot be had. */
uint64_t *shared_page(struct run_opts *o);

/* For the path methods: PATH becomes k empty folders (made under /tmp)
 * then the no-op's folder. Returns 0 or an errno value. */
int settle_path(const char *noop, unsigned k);
void remove_path_dirs(void);

/* --fds: hold n more open descriptors (close-on-exec copies of /dev/null),
 * raising the soft RLIMIT_NOFILE as far as the hard one if need be; 0 or
 * an errno value (none are then held). fds_release() closes them. */
int fds_hold(uint64_t n);
void fds_release(void);

#endif
