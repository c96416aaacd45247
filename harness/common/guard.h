/* What keeps a run safe to interrupt and impossible to hang: SIGINT,
 * SIGTERM and every other signal that would end the engine end the run
 * cleanly, a per-iteration deadline kills a stuck child, and a second
 * signal leaves at once with valid files. None of it is in the
 * timed path: the deadline is stored before an iteration starts and cleared
 * after it ends, and a watchdog process outside the engine checks it now
 * and then (no timer or signal ever reaches the engine). */
#ifndef SPAWNCOST_GUARD_H
#define SPAWNCOST_GUARD_H

#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Set by the handlers; read by the run between iterations. */
extern volatile sig_atomic_t guard_stop;	/* 0, or the signal that asked to stop */

/* Shared with the watchdog process (a MAP_SHARED page). */
struct guard_watch {
	volatile uint64_t deadline;	/* CLOCK_MONOTONIC ns the running
					 * iteration must end by; 0: none */
	volatile uint64_t interval;	/* how often the watchdog looks; 0: idle */
	volatile uint32_t timed_out;	/* the watchdog killed an iteration */
	volatile uint32_t leave;	/* the run is over */
	volatile uint32_t killing;	/* the watchdog is killing the children
					 * of an iteration it took the deadline of */
};
extern struct guard_watch *guard_watch;

/* The signals that end a run as SIGTERM does (every one whose default
 * action ends the process, but a fault's: harness/common/guard.c), into
 * set. */
void guard_stop_signals(sigset_t *set);

/* Each of them back to its default action: in a child about to be
 * something else (the watchdog, a runtime driver before its exec). */
void guard_default_signals(void);

/* sig's name without SIG, as glibc has it (TERM, USR1, POLL), and the
 * real-time ones as bash counts them (RTMIN+2, RTMAX-1). */
const char *guard_signal_name(int sig, char *buf, size_t len);

/* Install the handlers and start the watchdog, which keeps to the CPUs in
 * away when there are any (not the run's own) and shares *shared with us (a
 * MAP_SHARED area, forkable until the watchdog is started). Returns 0 or an
 * errno value. */
int guard_install(const cpu_set_t *away, struct guard_watch *shared);

/* Stop the watchdog and reap it: at the end of a run. */
void guard_finish(void);

/* Look at deadlines every interval_ns (10 ms to 1 s) while a cell runs; 0
 * stops looking. */
void guard_check_every(uint64_t interval_ns);

/* Set before an iteration starts, cleared after it ends: plain stores to a
 * page already mapped. */
/* Set (or clear: 0) the deadline; called outside the timed span only.
 * One atomic swap, against the watchdog's compare-and-swap: an iteration
 * the watchdog took (its deadline swapped to 0) is not armed again behind
 * its back, and the engine waits while the watchdog kills, so that the
 * kill cannot land on the next iteration's child. The wait happens only
 * after a timeout, which makes the cell an error anyway. */
static inline void guard_arm(uint64_t deadline)
{
	if (!guard_watch)
		return;
	__atomic_exchange_n(&guard_watch->deadline, deadline, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&guard_watch->killing, __ATOMIC_SEQ_CST))
		sched_yield();
}

/* Did the watchdog kill the last iteration? Clears the mark. */
static inline bool guard_took_timeout(void)
{
	if (!guard_watch || !guard_watch->timed_out)
		return false;
	guard_watch->timed_out = 0;
	return true;
}

/* Kill every child of this process with SIGKILL (async-signal-safe). The
 * killed children stay to be reaped by whoever waits for them. */
void guard_kill_children(void);

/* How many children of this thread are left, zombies included, not
 * counting the watchdog. */
int guard_children(void);

/* Kill and reap every process left below us: a killed shell's own children
 * come back to us (we are a child subreaper) and are killed in turn. For
 * between cells only: it waits for any child. */
void guard_reap_strays(void);

/* A result file to finish if a second signal leaves at once: its
 * temporary and final names (NULL: none), and how much of it is whole. */
void guard_file(int slot, const char *tmp, const char *final);
void guard_file_whole(int slot, off_t length);

/* The run folder's lock file, to remove if a second signal leaves at once
 * (NULL: none). The string must live as long as the run. */
void guard_lock(const char *path);
/* A scratch file of the run (the spill), to remove likewise (NULL: none). */
void guard_scratch(const char *path);

/* A folder to remove if a second signal leaves at once (a cgroup); the
 * name stays its owner's (NULL: none). */
void guard_dir(const char *path);

#endif
