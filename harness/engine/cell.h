/* Measuring one cell: one method at one parent size, many iterations. */
#ifndef SPAWNCOST_CELL_H
#define SPAWNCOST_CELL_H

#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "memory.h"
#include "method.h"
#include "phases.h"
#include "stats.h"


/* The phases of one iteration (--phases), ns, indexed by enum phase;
 * PHASE_NONE where the method cannot see that edge. */
#define PHASE_NONE UINT32_MAX
struct phases {
	uint32_t v[NPHASES];
};

/* Probes: untimed iterations, one before a window's timed iterations and one
 * after every PROBE_EVERY of them, whose children say where they ran (and,
 * with --phases, stamp where the time went). Watching a forked child costs
 * it a page fault on the page it writes to (a few µs on a VM); a timed
 * child is never watched, so the timed path is the same with or without
 * pinning or --phases. */
#define PROBE_EVERY 16
struct probe {
	uint64_t ns;		/* the probe's own round trip: not a sample */
	uint32_t cpu;		/* parent CPU << 16 | child CPU (CPU_UNKNOWN) */
	uint16_t spawner;	/* --parallel: which spawner took it */
	struct phases phase;
};

/* One window's timed iterations and probes. The buffers are in the
 * engine's book (harness/common/book.h), a shared mapping whose pages no
 * fork copies: what a fork costs is the ballast and the process, not the
 * harness's bookkeeping. */
struct samples {
	uint64_t *ns;
	uint32_t *cpu;		/* parent CPU << 16 | CPU_UNKNOWN */
	uint16_t *spawner;	/* --parallel: which spawner took it (else 0) */
	size_t n, cap;
	struct probe *probe;
	size_t nprobe, probe_cap;
};

int samples_init(struct samples *s, size_t cap);
/* Room for n samples and nprobe probes. Returns 0 or ENOMEM. */
int samples_reserve(struct samples *s, size_t n, size_t nprobe);
void samples_free(struct samples *s);

struct cell_result {
	long rss_kib, pte_kib;	/* the parent's VmRSS and VmPTE in the window */
	long thp_kib;		/* of it, what huge pages back (asking is not getting) */
	struct footprint fork;	/* what a fork of the parent copies, in the window
				 * (maps < 0: unreadable) */
	double rate;		/* round trips per second over the timed
				 * iterations, probes included (summed over
				 * spawners with --parallel) */
	char error[160];	/* "" when every iteration succeeded */
};

/* Run warm-up and timed iterations of m into s (s->n is reset). Returns 0
 * when the cell succeeded; -1 with r->error saying why (the samples must not
 * be used); CELL_ABANDONED when a signal asked the run to stop. */
#define CELL_ABANDONED 1
int cell_measure(const struct method *m, struct spawn_ctx *c, const struct budget *b,
		 struct samples *s, struct cell_result *r);

/* The pieces cell_measure() is made of, for the tests too. */

/* The share of the budget window `round` of `rounds` gets: a fixed count
 * split over the rounds, or the time split over them, each window at least
 * its share of MIN_ITERATIONS. */
struct budget window_budget(const struct budget *b, unsigned round, unsigned rounds);

/* Is the median of s known to within pct percent (its distribution-free
 * 95% interval)? */
bool cell_precise_enough(const struct samples *s, double pct);

/* After the iteration that ended elapsed ns into the window: is it done?
 * *next_check is when a time budget next looks at the precision; it
 * doubles each time the median is not yet precise enough. */
bool cell_budget_spent(const struct budget *b, const struct samples *s, uint64_t elapsed,
		       uint64_t *next_check);

/* The deadline of one iteration: --timeout (fixed, ns), or 100 x the median
 * of the first five iterations (warm-up included), never under
 * DEADLINE_FLOOR. */
struct deadline {
	uint64_t fixed, first[5];
	unsigned nfirst;
};
uint64_t deadline_ns(const struct deadline *d);
void deadline_learn(struct deadline *d, uint64_t took);

/* The median of n durations and the half-width of its distribution-free
 * 95% interval, from a sorted copy in a scratch mapping (no heap: see
 * harness/engine/run.c). Returns 0, or -1 when n is 0 or no scratch could be had. */
int median_interval(const uint64_t *ns, size_t n, double *median, double *half);

/* "ENOENT: execve failed" and the like, for the error column. */
void fail_format(const struct spawn_fail *f, char *buf, size_t len);

#endif
