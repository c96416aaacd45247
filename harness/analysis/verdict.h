/* The arithmetic behind the report's verdicts, kept apart from any file so
 * tests can feed it numbers: ratios of medians with an interval, where an
 * interval lies against a band, what a sweep of such points says, where a
 * curve crosses a level. (struct est, a figure and its interval, and the
 * straight-line fit are stats.h's.) */
#ifndef SPAWNCOST_VERDICT_H
#define SPAWNCOST_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "bands.h"
#include "stats.h"

/* a / b. The interval is the conservative one from the two intervals,
 * lo = a.lo / b.hi and hi = a.hi / b.lo: it holds the true ratio whenever
 * both intervals hold their medians, and is wider than a joint 95% interval
 * would be. NaN in all three when either figure is missing or b is not
 * positive. */
struct est est_ratio(struct est a, struct est b);

bool est_ok(struct est e);


/* One RSS of a claim: the figure there and whether the claim holds. */
enum status {
	ST_HOLDS,
	ST_FAILS,
	ST_UNSURE,	/* the interval straddles the line the claim draws */
};

struct point {
	double rss_mib;	/* the ballast asked for: the sweep's coordinate */
	double res_mib;	/* the parent's resident size there (VmRSS) */
	struct est r;		/* the ratio and its 95% interval */
	double spread_lo, spread_hi;	/* the smallest and largest ratio of one
					 * round (NaN: not paired by round) */
	size_t rounds;		/* rounds the ratio rests on (0: not paired) */
	enum side side;
	enum status st;
};

/* A claim that holds inside the band: WITHIN holds, BELOW and ABOVE fail. */
enum status status_in_band(enum side s);

/* What a sweep says, points in rising RSS. */
enum verdict_kind {
	V_NO_DATA,	/* no point */
	V_HOLDS,	/* holds at every RSS */
	V_HOLDS_ONLY,	/* holds at some: from..to (and unsure or failing elsewhere) */
	V_FAILS,	/* holds nowhere, and fails somewhere sure */
	V_UNDECIDED,	/* holds nowhere, fails nowhere: every interval straddles */
};

struct verdict {
	enum verdict_kind kind;
	double from, to;	/* V_HOLDS_ONLY: lowest and highest RSS where it holds */
	bool gaps;		/* V_HOLDS_ONLY: some RSS between from and to does not hold */
	size_t holds, fails, unsure;
};

struct verdict verdict_of(const struct point *p, size_t n);

/* "holds", "holds only for RSS in [0, 16] MiB", "holds only at RSS 0 MiB",
 * "does not hold", ... into buf (size len). Returns buf. */
char *verdict_phrase(const struct verdict *v, char *buf, size_t len);

/* Where the curve of p (rising RSS) crosses level, by straight-line
 * interpolation between neighbouring points (fork's cost is close to linear
 * in the parent's size). At most max crossings go into at[]; each gets the
 * interpolated rss_mib and res_mib, r.v = level. Returns how many. */
size_t crossings(const struct point *p, size_t n, double level, struct point *at, size_t max);

/* How well a crossing is known from the sizes measured around it. */
enum bracket_kind {
	BR_MEASURED,	/* two measured sizes on either side of the level, with only
			 * sizes across it between, and close: within a quarter MiB
			 * or 10% of the larger (what run --refine searches for) */
	BR_WIDE,	/* such sizes, but further apart: interpolated between */
	BR_UNDECIDED,	/* no size wholly on one side next to it: interpolated */
	BR_TOUCH,	/* the sizes next to it are on the same side: the medians
			 * only touch the level within their intervals, no crossing */
};

struct bracket {
	enum bracket_kind kind;
	double from, to;	/* the sizes (rss_mib) that bracket it */
	double res_from, res_to;	/* their resident sizes */
};

/* The bracket of the crossing of level at rss (from crossings()) in the
 * curve p (rising RSS). */
struct bracket crossing_bracket(const struct point *p, size_t n, double level, double rss);

/* The slope between two points with intervals, conservatively:
 * v from the medians, lo = (b.lo - a.hi) / dx, hi = (b.hi - a.lo) / dx. */
struct est est_slope(struct est a, struct est b, double dx);

#endif
