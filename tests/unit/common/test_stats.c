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

	stats_compute(x, 8, &s);
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

	stats_compute(x, 5, &s);
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

	stats_compute(x, 8, &s);
	assert_memory_equal(x, want, sizeof want);
}

static void test_compute_sorts_large_values(void **state)
{
	/* Comparison must not overflow/truncate for values above INT_MAX. */
	uint64_t x[] = { UINT64_MAX, 1, (1ULL << 40), 0, (1ULL << 32) + 1, 1ULL << 32 };
	const uint64_t want[] = { 0, 1, 1ULL << 32, (1ULL << 32) + 1, 1ULL << 40, UINT64_MAX };
	struct stats s;

	stats_compute(x, 6, &s);
	assert_memory_equal(x, want, sizeof want);
	assert_near(s.min, 0.0, EPS);
	assert_true(s.max == (double)UINT64_MAX);
}

static void test_compute_n1(void **state)
{
	uint64_t x[] = { 1234 };
	struct stats s;

	stats_compute(x, 1, &s);
	assert_int_equal(s.n, 1);
	assert_near(s.median, 1234.0, EPS);
	assert_near(s.p10, 1234.0, EPS);
	assert_near(s.p90, 1234.0, EPS);
	assert_near(s.p99, 1234.0, EPS);
	assert_near(s.mean, 1234.0, EPS);
	assert_true(s.stddev == 0.0);
	assert_near(s.min, 1234.0, EPS);
	assert_near(s.max, 1234.0, EPS);
}

static void test_compute_n2(void **state)
{
	uint64_t x[] = { 300, 100 };
	struct stats s;

	stats_compute(x, 2, &s);
	assert_near(s.median, 200.0, EPS);
	assert_near(s.mean, 200.0, EPS);
	assert_near(s.stddev, __builtin_sqrt(20000.0), 1e-9);
}

static void test_compute_constant(void **state)
{
	uint64_t x[257];
	struct stats s;

	for (size_t i = 0; i < 257; i++)
		x[i] = 777;
	stats_compute(x, 257, &s);
	assert_near(s.median, 777.0, EPS);
	assert_near(s.mean, 777.0, EPS);
	assert_near(s.stddev, 0.0, EPS);
	assert_true(s.min == 777.0 && s.max == 777.0);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
