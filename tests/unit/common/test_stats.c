/* Unit tests for harness/common/stats.c: quantiles, moments, bootstrap interval. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define EPS 1e-9

/* No libm: builtins only. */
static double absd(double v)
{
	return __builtin_fabs(v);
}

#define assert_near(a, b, eps)                                                     \
	do {                                                                       \
		double a_ = (a), b_ = (b);                                         \
		if (!(absd(a_ - b_) < (eps)))                                      \
			fail_msg("%s = %.12g, expected %.12g (+- %g)", #a, a_, b_, \
				 (double)(eps));                                   \
	} while (0)

/* quantile_sorted ------------------------------------------------------- */

static void test_quantile_four(void **state)
{
	const uint64_t x[] = { 10, 20, 30, 40 };

	assert_near(quantile_sorted(x, 4, 0.1), 13.0, EPS);
	assert_near(quantile_sorted(x, 4, 0.25), 17.5, EPS);
	assert_near(quantile_sorted(x, 4, 0.5), 25.0, EPS);
	assert_near(quantile_sorted(x, 4, 0.9), 37.0, EPS);
	assert_near(quantile_sorted(x, 4, 0.99), 39.7, EPS);
}

static void test_quantile_endpoints(void **state)
{
	const uint64_t x[] = { 3, 7, 7, 100, 250 };

	assert_near(quantile_sorted(x, 5, 0.0), 3.0, EPS);
	assert_near(quantile_sorted(x, 5, 1.0), 250.0, EPS);
	/* q hitting an order statistic exactly: no interpolation. */
	assert_near(quantile_sorted(x, 5, 0.25), 7.0, EPS);
	assert_near(quantile_sorted(x, 5, 0.5), 7.0, EPS);
	assert_near(quantile_sorted(x, 5, 0.75), 100.0, EPS);
}

static void test_quantile_n1(void **state)
{
	const uint64_t x[] = { 42 };

	assert_near(quantile_sorted(x, 1, 0.0), 42.0, EPS);
	assert_near(quantile_sorted(x, 1, 0.1), 42.0, EPS);
	assert_near(quantile_sorted(x, 1, 0.5), 42.0, EPS);
	assert_near(quantile_sorted(x, 1, 0.99), 42.0, EPS);
	assert_near(quantile_sorted(x, 1, 1.0), 42.0, EPS);
}

static void test_quantile_two(void **state)
{
	const uint64_t x[] = { 100, 200 };

	assert_near(quantile_sorted(x, 2, 0.0), 100.0, EPS);
	assert_near(quantile_sorted(x, 2, 0.5), 150.0, EPS);
	assert_near(quantile_sorted(x, 2, 0.99), 199.0, EPS);
	assert_near(quantile_sorted(x, 2, 1.0), 200.0, EPS);
}

static void test_quantile_large_values(void **state)
{
	/* Values beyond 2^53 still interpolate sensibly (relative accuracy). */
	const uint64_t x[] = { 1ULL << 60, (1ULL << 60) + (1ULL << 20) };
	double want = (double)(1ULL << 60) + (double)(1ULL << 19);

	assert_near(quantile_sorted(x, 2, 0.5), want, 1e3);
}

static void test_quantile_d(void **state)
{
	const double x[] = { 10, 20, 30, 40 };

	assert_near(quantile_sorted_d(x, 4, 0.0), 10.0, EPS);
	assert_near(quantile_sorted_d(x, 4, 0.1), 13.0, EPS);
	assert_near(quantile_sorted_d(x, 4, 0.5), 25.0, EPS);
	assert_near(quantile_sorted_d(x, 4, 0.99), 39.7, EPS);
	assert_near(quantile_sorted_d(x, 4, 1.0), 40.0, EPS);
	assert_near(quantile_sorted_d(x, 1, 0.5), 10.0, EPS);
}

/* stats_compute ---------------------------------------------------------- */

static void test_compute_classic(void **state)
{
	/* Unsorted on purpose. Sorted: 2 4 4 4 5 5 7 9. */
	uint64_t x[] = { 9, 4, 5, 2, 7, 4, 5, 4 };
	struct stats s;

	assert_int_equal(stats_compute(x, 8, &s), 0);
	assert_int_equal(s.n, 8);
	assert_near(s.mean, 5.0, EPS);
	/* sum of squares 32, n-1 = 7 */
	assert_near(s.stddev, __builtin_sqrt(32.0 / 7.0), EPS);
	assert_near(s.stddev, 2.13809, 1e-5);
	assert_near(s.min, 2.0, EPS);
	assert_near(s.max, 9.0, EPS);
	/* h = 7q: median h=3.5 -> (4+5)/2; p10 h=0.7 -> 2+0.7*2; p90 h=6.3 ->
	 * 7+0.3*2; p99 h=6.93 -> 7+0.93*2 */
	assert_near(s.median, 4.5, EPS);
	assert_near(s.p10, 3.4, EPS);
	assert_near(s.p90, 7.6, EPS);
	assert_near(s.p99, 8.86, EPS);
}

static void test_compute_odd(void **state)
{
	/* Sorted: 1 2 3 4 100; h = 4q. */
	uint64_t x[] = { 100, 3, 1, 4, 2 };
	struct stats s;

	assert_int_equal(stats_compute(x, 5, &s), 0);
	assert_int_equal(s.n, 5);
	assert_near(s.median, 3.0, EPS);
	assert_near(s.p10, 1.4, EPS);
	assert_near(s.p90, 4.0 + 0.6 * 96.0, EPS);
	assert_near(s.p99, 4.0 + 0.96 * 96.0, EPS);
	assert_near(s.mean, 22.0, EPS);
	/* deviations -21 -20 -19 -18 78: squares 441+400+361+324+6084 = 7610 */
	assert_near(s.stddev, __builtin_sqrt(7610.0 / 4.0), 1e-9);
	assert_near(s.min, 1.0, EPS);
	assert_near(s.max, 100.0, EPS);
}

static void test_compute_sorts_input(void **state)
{
	uint64_t x[] = { 50, 10, 40, 30, 20, 60, 0, 5 };
	const uint64_t want[] = { 0, 5, 10, 20, 30, 40, 50, 60 };
	struct stats s;

	assert_int_equal(stats_compute(x, 8, &s), 0);
	assert_memory_equal(x, want, sizeof want);
}

static void test_compute_sorts_large_values(void **state)
{
	/* Comparison must not overflow/truncate for values above INT_MAX. */
	uint64_t x[] = { UINT64_MAX, 1, (1ULL << 40), 0, (1ULL << 32) + 1, 1ULL << 32 };
	const uint64_t want[] = { 0, 1, 1ULL << 32, (1ULL << 32) + 1, 1ULL << 40, UINT64_MAX };
	struct stats s;

	assert_int_equal(stats_compute(x, 6, &s), 0);
	assert_memory_equal(x, want, sizeof want);
	assert_near(s.min, 0.0, EPS);
	assert_true(s.max == (double)UINT64_MAX);
}

static void test_compute_n1(void **state)
{
	uint64_t x[] = { 1234 };
	struct stats s;

	assert_int_equal(stats_compute(x, 1, &s), 0);
	assert_int_equal(s.n, 1);
	assert_near(s.median, 1234.0, EPS);
	assert_near(s.p10, 1234.0, EPS);
	assert_near(s.p90, 1234.0, EPS);
	assert_near(s.p99, 1234.0, EPS);
	assert_near(s.mean, 1234.0, EPS);
	assert_true(s.stddev == 0.0);
	assert_near(s.min, 1234.0, EPS);
	assert_near(s.max, 1234.0, EPS);
	assert_true(s.ci_lo == s.median);
	assert_true(s.ci_hi == s.median);
}

static void test_compute_n2(void **state)
{
	uint64_t x[] = { 300, 100 };
	struct stats s;

	assert_int_equal(stats_compute(x, 2, &s), 0);
	assert_near(s.median, 200.0, EPS);
	assert_near(s.mean, 200.0, EPS);
	assert_near(s.stddev, __builtin_sqrt(20000.0), 1e-9);
	assert_true(s.ci_lo >= 100.0 && s.ci_lo <= s.median);
	assert_true(s.ci_hi <= 300.0 && s.ci_hi >= s.median);
}

static void test_compute_constant(void **state)
{
	uint64_t x[257];
	struct stats s;

	for (size_t i = 0; i < 257; i++)
		x[i] = 777;
	assert_int_equal(stats_compute(x, 257, &s), 0);
	assert_near(s.median, 777.0, EPS);
	assert_near(s.mean, 777.0, EPS);
	assert_near(s.stddev, 0.0, EPS);
	assert_true(s.min == 777.0 && s.max == 777.0);
	assert_true(s.ci_lo == s.median);
	assert_true(s.ci_hi == s.median);
}

/* A simple fixed-seed LCG (Knuth MMIX constants), top bits only. */
static uint64_t lcg_state;

static uint64_t lcg_next(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return lcg_state >> 33;	/* 31 bits */
}

static void fill_uniform(uint64_t *x, size_t n, uint64_t seed, uint64_t range)
{
	lcg_state = seed;
	for (size_t i = 0; i < n; i++)
		x[i] = (uint64_t)((double)lcg_next() / 2147483648.0 * (double)range);
}

static void test_ci_contains_median(void **state)
{
	static const size_t sizes[] = { 2, 3, 5, 10, 11, 50, 101, 1000 };

	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k];
		uint64_t *x = malloc(n * sizeof *x);
		struct stats s;

		assert_non_null(x);
		fill_uniform(x, n, 12345 + k, 1000000);
		assert_int_equal(stats_compute(x, n, &s), 0);
		if (!(s.ci_lo <= s.median && s.median <= s.ci_hi))
			fail_msg("n=%zu: median %g outside [%g, %g]", n, s.median, s.ci_lo,
				 s.ci_hi);
		if (!(s.min <= s.ci_lo && s.ci_hi <= s.max))
			fail_msg("n=%zu: interval [%g, %g] outside [%g, %g]", n, s.ci_lo,
				 s.ci_hi, s.min, s.max);
		free(x);
	}
}

static void test_ci_skewed(void **state)
{
	/* A long right tail (outliers) must not pull the interval out of range. */
	uint64_t x[200];
	struct stats s;

	for (size_t i = 0; i < 200; i++)
		x[i] = 1000 + i % 17;
	x[3] = 1000000;
	x[77] = 5000000;
	assert_int_equal(stats_compute(x, 200, &s), 0);
	assert_true(s.ci_lo <= s.median && s.median <= s.ci_hi);
	assert_true(s.ci_lo >= s.min && s.ci_hi <= s.max);
	assert_true(s.ci_hi < 1100.0);
}

static void test_ci_deterministic(void **state)
{
	enum { N = 500 };
	uint64_t a[N], b[N], c[N];
	struct stats sa, sb, sc;

	fill_uniform(a, N, 99, 1000000);
	memcpy(b, a, sizeof a);
	/* Same values, different order: sorted first, so the same result. */
	for (size_t i = 0; i < N; i++)
		c[i] = a[N - 1 - i];
	assert_int_equal(stats_compute(a, N, &sa), 0);
	assert_int_equal(stats_compute(b, N, &sb), 0);
	assert_int_equal(stats_compute(c, N, &sc), 0);
	assert_true(sa.ci_lo == sb.ci_lo && sa.ci_hi == sb.ci_hi);
	assert_true(sa.ci_lo == sc.ci_lo && sa.ci_hi == sc.ci_hi);
	/* And a second call on already-sorted data. */
	assert_int_equal(stats_compute(a, N, &sb), 0);
	assert_true(sa.ci_lo == sb.ci_lo && sa.ci_hi == sb.ci_hi);
	/* A non-degenerate sample gives a non-degenerate interval. */
	assert_true(sa.ci_lo < sa.ci_hi);
}

static void test_ci_width_uniform(void **state)
{
	enum { N = 10001 };
	const double range = 1e6;
	uint64_t *x = malloc(N * sizeof *x);
	struct stats s;

	assert_non_null(x);
	fill_uniform(x, N, 20240601, (uint64_t)range);
	assert_int_equal(stats_compute(x, N, &s), 0);

	/* Sanity of the sample itself. */
	assert_near(s.median, range / 2, range * 0.02);
	assert_near(s.mean, range / 2, range * 0.02);
	/* uniform sd = range/sqrt(12) */
	assert_near(s.stddev, range / __builtin_sqrt(12.0), range * 0.01);
	assert_near(s.p10, range * 0.1, range * 0.02);
	assert_near(s.p90, range * 0.9, range * 0.02);
	assert_near(s.p99, range * 0.99, range * 0.01);

	/* Asymptotic sd of the sample median: sqrt(p(1-p)/n) / f(m), with
	 * f = 1/range for the uniform. 95% half-width = 1.96 of that. */
	double half = 1.96 * __builtin_sqrt(0.25 / N) * range;	/* ~9800 */
	double width = s.ci_hi - s.ci_lo;

	if (!(width > 0.6 * 2 * half && width < 1.6 * 2 * half))
		fail_msg("interval [%g, %g] width %g, expected about %g", s.ci_lo, s.ci_hi, width,
			 2 * half);
	assert_true(s.ci_lo <= s.median && s.median <= s.ci_hi);
	/* Roughly centred on the median. */
	assert_true(s.median - s.ci_lo > 0.3 * half && s.median - s.ci_lo < 1.7 * half);
	assert_true(s.ci_hi - s.median > 0.3 * half && s.ci_hi - s.median < 1.7 * half);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantile_four),
		cmocka_unit_test(test_quantile_endpoints),
		cmocka_unit_test(test_quantile_n1),
		cmocka_unit_test(test_quantile_two),
		cmocka_unit_test(test_quantile_large_values),
		cmocka_unit_test(test_quantile_d),
		cmocka_unit_test(test_compute_classic),
		cmocka_unit_test(test_compute_odd),
		cmocka_unit_test(test_compute_sorts_input),
		cmocka_unit_test(test_compute_sorts_large_values),
		cmocka_unit_test(test_compute_n1),
		cmocka_unit_test(test_compute_n2),
		cmocka_unit_test(test_compute_constant),
		cmocka_unit_test(test_ci_contains_median),
		cmocka_unit_test(test_ci_skewed),
		cmocka_unit_test(test_ci_deterministic),
		cmocka_unit_test(test_ci_width_uniform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
