/* Summary statistics of one cell's samples (nanoseconds), the percentile
 * bootstrap, and the least-squares line through a sweep. */
#ifndef SPAWNCOST_STATS_H
#define SPAWNCOST_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats {
	size_t n;
	double median, p10, p90, p99;
	double mean, stddev;	/* stddev: sample (n-1); 0 when n < 2 */
	double min, max;
	double ci_lo, ci_hi;	/* 95% interval of the median, from the windows'
				 * medians (winstats.h); NaN until the engine
				 * sets it */
};

/* A figure and its 95% interval: a median with the bootstrap interval of
 * summary.csv, or a ratio of two such. */
struct est {
	double v, lo, hi;
};

/* Sorts x in place and fills s (its interval NaN). n must be at least 1. */
void stats_compute(uint64_t *x, size_t n, struct stats *s);

/* Quantile q (0..1) of sorted x, linear interpolation between order
 * statistics (Hyndman & Fan type 7, R's and numpy's default). */
double quantile_sorted(const uint64_t *x, size_t n, double q);
double quantile_sorted_d(const double *x, size_t n, double q);

/* The percentile bootstrap, whatever the statistic: nboot draws of
 * draw(arg, &state), state starting at seed, and the q_lo and q_hi
 * quantiles of the draws into lo and hi. Returns 0, or -1 when memory could
 * not be had. */
int boot_interval(double (*draw)(void *arg, uint64_t *state), void *arg, size_t nboot,
		  uint64_t seed, double q_lo, double q_hi, double *lo, double *hi);

/* The bootstrap's random numbers: splitmix64. */
uint64_t boot_random(uint64_t *state);

/* Least squares y = fixed + slope x: fit.csv's lines, and the report's
 * when a run has no fit.csv. */
struct line_fit {
	double fixed, slope;	/* y = fixed + slope * x */
	double r2;		/* 1 - SS_res / SS_tot (1 when every y is equal);
				 * NAN with two points: no test of the line */
	size_t points;
};

/* Fit n points. Returns 0, or -1 when fewer than two distinct x. */
int fit_line(const double *x, const double *y, size_t n, struct line_fit *f);

/* How many modes the sorted samples x have (see stats.c); 0 when there
 * are fewer than MODES_MIN_SAMPLES to tell. */
#define MODES_MIN_SAMPLES 60
unsigned count_modes(const uint64_t *x, size_t n);

#endif
