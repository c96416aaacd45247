/* --refine: measure where each claim stops holding instead of interpolating
 * it. After the sweep, for every claim pair that ran, each stretch of the
 * size sweep where the pair's ratio interval crosses a band edge is searched
 * by bisection on a log scale (sizes in steps of REFINE_STEP_KIB) until the
 * crossing lies between two measured sizes whose intervals are on opposite
 * sides of the edge, no more than REFINE_STEP_KIB or 10% of the larger size
 * apart, or until the time runs out. */
#ifndef SPAWNCOST_REFINE_H
#define SPAWNCOST_REFINE_H

#include <stddef.h>
#include <stdint.h>

#define REFINE_STEP_KIB 256	/* a quarter of a MiB: the finest size searched */
#define REFINE_MAX_CELLS 96	/* cells the search may add, all pairs together */

/* The ratio's interval a/b at one measured size. */
struct rpoint {
	uint64_t kib;
	double lo, hi;
};

/* Which side of edge an interval lies on: -1 wholly below, +1 wholly
 * above, 0 across it (the data cannot tell). */
int refine_side(const struct rpoint *p, double edge);

/* Is the bracket [lo_kib, hi_kib] narrow enough: at most REFINE_STEP_KIB or
 * 10% of hi_kib wide? */
int refine_narrow(uint64_t lo_kib, uint64_t hi_kib);

/* The next size (KiB) to measure for edge, given the sizes measured so far
 * (rising kib): inside the widest bracket (relative to how narrow it must
 * get) of two decided points on opposite sides, at the log-midpoint of its
 * widest gap, on the REFINE_STEP_KIB grid. 0 when every bracket is narrow
 * enough or cannot be split further. */
uint64_t refine_next(const struct rpoint *p, size_t n, double edge);

struct samples;
struct spawn_ctx;
struct sweep;

/* What the search did, for env.txt (refine_*). */
struct refine_outcome {
	unsigned sizes;		/* sizes added (not cells, not pairs) */
	const char *stopped;	/* why it stopped: converged, time, cells, ... */
};

/* The search itself, after the sweep: adds cells (refined = true) to the
 * sweep's and measures them, --rounds windows each, within o.refine_time.
 * Says on stderr what it added, and why it stopped. */
void refine_sweep(struct sweep *sw, struct refine_outcome *out, struct samples *s,
		  struct spawn_ctx *ctx);

#endif
