/* A 95% percentile-bootstrap interval for the ratio of two medians,
 * NEW/BASE: how much slower (or faster) a cell became, with its doubt. */
#ifndef SPAWNCOST_RATIOCI_H
#define SPAWNCOST_RATIOCI_H

#include <stddef.h>
#include <stdint.h>

/* Resample pairs drawn. Each costs O(1) whatever the sample sizes (see
 * ratioci.c), so this can be generous: the 2.5% point then rests on 250
 * draws and moves by well under 0.1% between seeds on real cells. */
#define RATIO_RESAMPLES 10000

/* Draws come from a fixed seed: the same samples always give the same
 * interval. */
#define RATIO_SEED 0x5eedc0de5eedc0deULL

/* The median of sorted x, type 7 (as in stats.h). */
double median_sorted(const double *x, size_t n);

/* Interval [lo, hi] at the given level (0.95) of median(nw) / median(base),
 * both sorted ascending, both medians of every resample positive. Returns 0,
 * or -1 when memory could not be had. */
int ratio_ci(const double *base, size_t nb, const double *nw, size_t nn, double level,
	     double *lo, double *hi);

/* One bootstrap median of sorted x (exposed for the tests). */
double boot_median(const double *x, size_t n, uint64_t *seed);

#endif
