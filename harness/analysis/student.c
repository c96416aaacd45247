/* Student's t distribution's quantiles, for compare's prediction of where
 * a next run's level falls (gate.c). Not in harness/common/stats.c: the
 * trigonometry needs libm, and the engine links libc only. */
#include <math.h>

#include "student.h"

/* P(|T| <= t) for Student's t with df (1 or more) degrees of freedom, in
 * theta = atan(t / sqrt(df)): the finite sums of Abramowitz and Stegun,
 * 26.7.3 (df odd) and 26.7.4 (df even). */
static double t_within(double theta, unsigned df)
{
	double c2 = cos(theta) * cos(theta), term, sum;

	if (df % 2 == 0) {	/* sin(theta) (1 + c2/2 + 1.3/(2.4) c2^2 + ...) */
		term = sum = 1;
		for (unsigned k = 2; k < df; k += 2) {
			term *= c2 * (double)(k - 1) / (double)k;
			sum += term;
		}
		return sin(theta) * sum;
	}
	if (df == 1)
		return 2 * theta / M_PI;
	term = sum = cos(theta);	/* cos + 2/3 cos^3 + 2.4/(3.5) cos^5 + ... */
	for (unsigned k = 3; k < df; k += 2) {
		term *= c2 * (double)(k - 1) / (double)k;
		sum += term;
	}
	return 2 / M_PI * (theta + sin(theta) * sum);
}

double t_quantile(double p, unsigned df)
{
	double lo = 0, hi = M_PI / 2;

	if (!(p > 0.5 && p < 1) || df == 0)
		return NAN;
	for (int i = 0; i < 100; i++) {	/* bisection in theta */
		double mid = (lo + hi) / 2;
		if (t_within(mid, df) < 2 * p - 1)
			lo = mid;
		else
			hi = mid;
	}
	return sqrt((double)df) * tan((lo + hi) / 2);
}
