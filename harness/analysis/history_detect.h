/* Change points in a series of runs: E-Divisive with means and a
 * permutation test (Matteson & James, "A Nonparametric Approach for
 * Multiple Change Point Analysis of Multivariate Data", JASA 109(505),
 * 2014), the detector MongoDB put into its CI (Daly et al., "The Use of
 * Change Point Detection to Identify Software Performance Regressions in a
 * Continuous Integration System", ICPE 2020) and that Hunter, now Apache
 * Otava, carries on. Our own code, on one number per run.
 *
 * The unit is the run: each point is one run's figure (its median), and
 * the test asks whether the runs before a split and those after it could
 * be one population, by reshuffling the runs. The windows inside a run
 * are not independent of each other the way runs are (they share the
 * run's machine state), so they are left to the intervals printed beside
 * each point, never counted as evidence of a change.
 *
 * On a series:
 * 1. the split that maximises the energy statistic Q: Székely and Rizzo's
 *    energy distance between the runs before it and the runs after it,
 *    scaled by their counts n m / (n + m), with at least min_size runs on
 *    each side (one run alone never makes a side: a single noisy run
 *    raises no alarm). The side after a split runs to the segment's end,
 *    as in MongoDB's and Hunter's E-Divisive: a step is a lasting change.
 *    Matteson & James also let that side end anywhere (their kappa), which
 *    finds a level that comes and goes again; a machine's passing dips (4
 *    runs 25% faster, when its neighbours went quiet) look exactly like
 *    that, and a step is what a CI tracker must date and blame;
 * 2. its p-value: the share of random reorderings of the segment's runs
 *    whose best split scores as high (permutations, from a fixed seed:
 *    the same input gives the same answer); significant below alpha;
 * 3. a significant split divides the segment, and each side is searched
 *    again (the bisection of E-Divisive), until no split is significant;
 *    this within windows of `window` runs, each starting half a window on
 *    or at the last change found, whichever is later (as Hunter does): a
 *    test's cost grows with the runs it reorders, a long series' ups and
 *    downs would leave no split that tells its halves apart, and a step is
 *    judged against the runs around it, not against months before. A
 *    window that stops short of the newest run keeps only the changes with
 *    about half a window of runs after them (the next window judges the
 *    others): its end is our cut, not the series', and a passing dip there
 *    would read as a step up at its end and one down where the next
 *    window starts;
 * 4. then, like Otava's minimum magnitude, a change whose step (the ratio
 *    of the medians of the segments on either side) is below the threshold
 *    is dropped and its two segments merged, the smallest first, until
 *    every change left is at least threshold: a drifting machine shifts
 *    a few percent for real, and that is no alarm.
 * The statistic is taken on the logarithms of the figures: steps are
 * ratios, and a 10% step weighs the same at 40 us and at 4 ms. */
#ifndef SPAWNCOST_HISTORY_DETECT_H
#define SPAWNCOST_HISTORY_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

struct detect_opts {
	double alpha;		/* significance of each split (0.01) */
	double threshold_pct;	/* the smallest step kept, % either way (5) */
	size_t min_size;	/* runs on each side of a split, at least (2) */
	size_t window;		/* runs searched at once (30; 0: all) */
};

#define DETECT_DEFAULTS { .alpha = 0.01, .threshold_pct = 5, .min_size = 2, .window = 30 }

/* Permutations of a test: enough that p can go ten times below alpha
 * (999 at alpha = 0.01: the smallest p is 1/1000). */
size_t detect_permutations(double alpha);

struct change {
	size_t at;		/* the first point of the new level */
	double p;		/* the permutation test's p-value */
	size_t lo, hi;		/* the segments it joins: points lo..at-1, at..hi-1 */
	struct est before, after;	/* the median of each side's points and its
					 * distribution-free interval (winstats.h) */
	struct est step;	/* after / before, from those two intervals */
	double level;		/* the coverage both side intervals have at least
				 * together (below 0.95 with fewer than 6 runs a side) */
};

/* The change points of x[0..n) (positive figures), in order, in *out
 * (malloc'd, free it; NULL when none). Returns how many, or -1 out of
 * memory. */
int detect_changes(const double *x, size_t n, const struct detect_opts *o,
		   struct change **out);

#endif
