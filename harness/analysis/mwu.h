/* The Mann–Whitney U test (Wilcoxon rank-sum), two-sided: does one sample
 * tend to take larger values than the other? Distribution-free, so the
 * long right tail of spawn times (a preemption, a page-cache miss) does not
 * break it the way it breaks a t test. */
#ifndef SPAWNCOST_MWU_H
#define SPAWNCOST_MWU_H

#include <stdbool.h>
#include <stddef.h>

/* Both samples at most this size and no ties: the p-value is exact,
 * counted over every ordering, instead of the normal approximation. */
#define MWU_EXACT_MAX 30

struct mwu {
	double u;	/* U of x: pairs (x_i, y_j) with x_i > y_j, a tie counting 1/2 */
	double mean, sd;	/* of U under the null, sd with the tie correction */
	double z;	/* (U - mean), continuity corrected, over sd; 0 when sd is 0 */
	double p;	/* two-sided */
	bool exact;	/* p counted exactly rather than from z */
};

/* Test x (nx values) against y (ny values), both at least 1. The inputs are
 * sorted in place. Returns 0, or -1 when memory for the exact count could
 * not be had. */
int mwu_test(double *x, size_t nx, double *y, size_t ny, struct mwu *r);

#endif
