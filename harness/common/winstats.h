/* Statistics whose unit is the window, not the sample.
 *
 * A cell is measured in several windows spread over the run (rounds). The
 * samples inside one window are close to each other; what moves a figure
 * is the machine between windows (a neighbour, a frequency change, a host
 * that takes the CPU away for seconds). So every interval the suite prints
 * rests on the windows' own medians, treated as the independent draws
 * (Kalibera & Jones, "Rigorous Benchmarking in Reasonable Time", ISMM 2013:
 * replicate at the level whose variance dominates).
 *
 * The interval of a median of W values is the distribution-free one of the
 * sign test: order statistics X(d) and X(W-d+1), the narrowest pair whose
 * coverage, which follows from the binomial distribution alone, is at least
 * the level asked for (97.9% for 10 windows at 95%). Conservative on
 * purpose: windows are not quite independent draws (a machine that drifts
 * moves neighbouring windows together), and an interval interpolated down
 * to exactly 95% held the next run's median less often than it claimed
 * here. It needs no assumption about the shape of the windows'
 * distribution, one wild window moves it by one rank, and it needs no libm
 * (the engine maps none). With fewer than 6 windows no pair of order
 * statistics reaches 95%: the interval is then the range of the
 * windows, and *level says how much less than 95% it holds. */
#ifndef SPAWNCOST_WINSTATS_H
#define SPAWNCOST_WINSTATS_H

#include <stddef.h>

/* Windows below which no distribution-free 95% interval of a median exists
 * (the range of 5 holds the median with 93.75%). */
#define WINDOWS_FOR_95 6

/* P(Binomial(n, 1/2) <= k). */
double binom_half_cdf(size_t n, size_t k);

/* The median of x[0..n) and its distribution-free interval at `level`
 * (0.95), x sorted ascending in place first. *achieved: the coverage the
 * interval really has (at least level, or less when n is too small).
 * Returns 0, or -1 when n is 0. */
int window_median_ci(double *x, size_t n, double level, double *median, double *lo, double *hi,
		     double *achieved);

/* Sort n doubles ascending. */
void sort_doubles(double *x, size_t n);

#endif
