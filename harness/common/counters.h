/* Performance counters per operation, in the engine, from raw event specs
 * the front end resolved with libpfm4 (harness/front/events.c). They count in a
 * pass of their own after a cell's timed windows: an inherited counter is
 * copied into every child at fork, which would slow the very forks being
 * timed. */
#ifndef SPAWNCOST_COUNTERS_H
#define SPAWNCOST_COUNTERS_H

#include <stdbool.h>
#include <stdio.h>

#include "eventspec.h"
#include "method.h"

struct counters {
	size_t n;
	struct event_spec spec[EVENT_MAX];
	bool ok[EVENT_MAX];		/* this machine can count it */
	bool user_only;			/* kernel work could not be included */
	char unavailable[512];		/* "cycles,instructions (ENOENT: no hardware PMU)" */
	char user_only_why[160];
};

/* Open e on this process as a run counts it: disabled, inherited by
 * children and threads, kernel work included unless user_only, time enabled
 * and running read alongside. The descriptor, or -1 with errno. Shared by
 * the engine's counting and the front end's `spawncost events` probe. */
int counter_open(const struct event_spec *e, bool user_only);

/* Probe each event once on this process; say on stderr, once, what cannot
 * be counted and whether kernel work is left out. */
void counters_prepare(struct counters *cs);

/* How many round trips a cell's counting pass takes after `timed` timed
 * ones: a tenth as many, 10 to 200. */
unsigned counters_round_trips(uint64_t timed);

/* Count iterations round trips of m; per_op[i] is event i per operation
 * (NAN where not counted); *scaled when the kernel multiplexed a counter
 * and the value was scaled by time enabled / time running. Returns 0, or -1
 * when an iteration failed (the counts are then not used). */
int counters_measure(const struct counters *cs, const struct method *m, struct spawn_ctx *c,
		     unsigned iterations, double *per_op, bool *scaled);

/* env.txt lines: counters_unavailable=..., counters_kernel=yes|no (why). */
void counters_facts(const struct counters *cs, FILE *f);

#endif
