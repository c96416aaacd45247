/* What keeps a run safe to interrupt and impossible to hang: SIGINT and
 * SIGTERM end it cleanly, a per-iteration deadline kills a stuck child, and
 * a second SIGINT leaves at once with valid files. None of it adds a system
 * call to the timed path: the deadline is one store, checked by a coarse
 * periodic SIGALRM. */
#ifndef SPAWNCOST_GUARD_H
#define SPAWNCOST_GUARD_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

/* Set by the handlers; read by the run between iterations. */
extern volatile sig_atomic_t guard_stop;	/* 0, or the signal that asked to stop */
extern volatile sig_atomic_t guard_timed_out;	/* the current iteration was killed */
/* When the running iteration must be over (CLOCK_MONOTONIC ns); 0: none. */
extern volatile uint64_t guard_deadline;

/* Install the handlers. Returns 0 or an errno value. */
int guard_install(void);

/* Check deadlines every interval_ns while a cell runs; 0 stops checking. */
void guard_tick(uint64_t interval_ns);

/* Kill every child of this process with SIGKILL (async-signal-safe). The
 * killed children stay to be reaped by whoever waits for them. */
void guard_kill_children(void);

/* Kill and reap every process left below us: a killed shell's own children
 * come back to us (we are a child subreaper) and are killed in turn. For
 * between cells only: it waits for any child. */
void guard_reap_strays(void);

/* A result file to finish if a second signal leaves at once: its
 * temporary name, final name, descriptor, and how much of it is whole. */
void guard_file(int slot, const char *tmp, const char *final, int fd);
void guard_file_whole(int slot, off_t length);

/* A folder to remove if a second signal leaves at once (a cgroup). */
void guard_dir(const char *path);

#endif
