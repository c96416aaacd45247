/* Percentile bootstrap of a ratio of medians, drawn without resampling.
 *
 * The plain bootstrap draws n indices with replacement and takes the median
 * of what they pick: O(n) per resample, 2 x 10000 resamples of 30000-sample
 * cells is 6e8 draws. But only the middle order statistic of the drawn
 * indices matters, and its law is known. Draw the n indices as
 * floor(n U_i) with U_i uniform on (0,1): floor is monotone, so the k-th
 * smallest index is floor(n U_(k)), and the k-th smallest of n uniforms is
 * Beta(k, n - k + 1). Given U_(k) = u, the next one up is the smallest of the
 * n - k uniforms above u: u + (1 - u) W with W ~ Beta(1, n - k), that is
 * W = 1 - V^(1/(n-k)). x is sorted, so the resample's k-th smallest value is
 * x[floor(n U_(k))]. That is the same distribution as resampling, in O(1):
 * no sample needs capping for speed. tests/unit/analysis/test_mwu.c checks
 * it against stats.c's literal resample_median, which the engine keeps
 * because this needs libm. The percentile step and the random numbers are
 * stats.c's boot_interval and boot_random. */
#include <math.h>

#include "ratioci.h"
#include "stats.h"

/* Uniform on the open interval (0, 1): 53 random bits, never 0. */
static double uniform(uint64_t *s)
{
	return ((double)(boot_random(s) >> 11) + 0.5) * 0x1.0p-53;
}

/* Standard normal, Box–Muller (one of the pair; simple beats fast here). */
static double normal(uint64_t *s)
{
	double u = uniform(s), v = uniform(s);
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* Gamma(a, 1) for a >= 1: Marsaglia and Tsang (2000), "A simple method for
 * generating gamma variables", ACM TOMS 26(3). */
static double gamma_draw(double a, uint64_t *s)
{
	double d = a - 1.0 / 3, c = 1 / sqrt(9 * d);

	for (;;) {
		double x = normal(s), v = 1 + c * x;
		if (v <= 0)
			continue;
		v = v * v * v;
		double u = uniform(s);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

/* Beta(a, b), a, b >= 1, as G_a / (G_a + G_b). */
static double beta_draw(double a, double b, uint64_t *s)
{
	double ga = gamma_draw(a, s), gb = gamma_draw(b, s);
	return ga / (ga + gb);
}

static size_t index_of(double u, size_t n)
{
	size_t i = (size_t)(u * (double)n);
	return i < n ? i : n - 1;
}

double median_sorted(const double *x, size_t n)
{
	return quantile_sorted_d(x, n, 0.5);
}

double boot_median(const double *x, size_t n, uint64_t *seed)
{
	/* Type 7 median: order statistic k = (n+1)/2 (1-based) when n is odd,
	 * the mean of k = n/2 and k + 1 when even. */
	size_t k = n % 2 ? (n + 1) / 2 : n / 2;
	double uk, uk1;

	if (n == 1)
		return x[0];
	uk = beta_draw((double)k, (double)(n - k + 1), seed);
	if (n % 2)
		return x[index_of(uk, n)];
	uk1 = uk + (1 - uk) * (1 - pow(uniform(seed), 1.0 / (double)(n - k)));
	return (x[index_of(uk, n)] + x[index_of(uk1, n)]) / 2;
}

/* One draw of the ratio: BASE's resample first, then NEW's, from one stream. */
struct ratio_pair {
	const double *base, *nw;
	size_t nb, nn;
};

static double draw_ratio(void *arg, uint64_t *seed)
{
	const struct ratio_pair *p = arg;
	double mb = boot_median(p->base, p->nb, seed);

	return boot_median(p->nw, p->nn, seed) / mb;
}

int ratio_ci(const double *base, size_t nb, const double *nw, size_t nn, double level,
	     double *lo, double *hi)
{
	struct ratio_pair p = { .base = base, .nw = nw, .nb = nb, .nn = nn };

	return boot_interval(draw_ratio, &p, RATIO_RESAMPLES, RATIO_SEED, (1 - level) / 2,
			     1 - (1 - level) / 2, lo, hi);
}
