#include <math.h>
#include <stdlib.h>

#include "winstats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void sort_doubles(double *x, size_t n)
{
	qsort(x, n, sizeof *x, cmp_double);
}

/* Term by term from P(0) = 2^-n: exact enough for the n of windows (up to
 * a few hundred); 2^-n stays a normal double up to n = 1022. */
double binom_half_cdf(size_t n, size_t k)
{
	double p = 1, sum;

	if (k >= n)
		return 1;
	for (size_t i = 0; i < n; i++)
		p /= 2;
	sum = p;
	for (size_t i = 1; i <= k; i++) {
		p = p * (double)(n - i + 1) / (double)i;
		sum += p;
	}
	return sum;
}

/* Coverage of [X(d), X(n-d+1)] (1-based d) as an interval of the median. */
static double coverage(size_t n, size_t d)
{
	return 1 - 2 * binom_half_cdf(n, d - 1);
}

int window_median_ci(double *x, size_t n, double level, double *median, double *lo, double *hi,
		     double *achieved)
{
	size_t d;

	if (n == 0)
		return -1;
	sort_doubles(x, n);
	*median = n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
	if (n > 1000) {
		/* the normal approximation of the sign test's order statistics */
		double h = 0.98 * sqrt((double)n);
		*lo = x[(size_t)((double)n / 2 - h)];
		*hi = x[(size_t)((double)n / 2 + h)];
		*achieved = level;
		return 0;
	}
	*lo = x[0];
	*hi = x[n - 1];
	*achieved = n > 1 ? coverage(n, 1) : 0;
	if (*achieved <= level)
		return 0;	/* too few windows: their range, with less than level */
	/* the narrowest pair still at or above the level: X(d), X(n-d+1) */
	for (d = 1; d + 1 <= n / 2 && coverage(n, d + 1) >= level; d++)
		;
	*lo = x[d - 1];
	*hi = x[n - d];
	*achieved = coverage(n, d);
	return 0;
}
