/* Summary statistics of one cell's samples (nanoseconds). */
#ifndef SPAWNCOST_STATS_H
#define SPAWNCOST_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats {
	size_t n;
	double median, p10, p90, p99;
	double mean, stddev;	/* stddev: sample (n-1); 0 when n < 2 */
	double min, max;
	double ci_lo, ci_hi;	/* 95% bootstrap interval of the median */
};

/* Resamples drawn for the bootstrap interval. */
#define BOOTSTRAP_RESAMPLES 2000

/* Sorts x in place and fills s. n must be at least 1. The bootstrap uses a
 * fixed seed, so the same samples always give the same interval. Returns 0,
 * or -1 when memory for the bootstrap could not be had. */
int stats_compute(uint64_t *x, size_t n, struct stats *s);

/* Quantile q (0..1) of sorted x, linear interpolation between order
 * statistics (Hyndman & Fan type 7, R's and numpy's default). */
double quantile_sorted(const uint64_t *x, size_t n, double q);
double quantile_sorted_d(const double *x, size_t n, double q);

/* How many modes the sorted samples x have (see stats.c); 0 when there
 * are fewer than MODES_MIN_SAMPLES to tell. */
#define MODES_MIN_SAMPLES 60
unsigned count_modes(const uint64_t *x, size_t n);

#endif
