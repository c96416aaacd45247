/* Unit tests for harness/common/winstats.c: the interval of a median from
 * windows' medians. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "stats.h"
#include "winstats.h"

#define assert_near(a, b, eps)                                                          \
	do {                                                                            \
		double a_ = (a), b_ = (b);                                              \
		if (!(fabs(a_ - b_) < (eps)))                                           \
			fail_msg("%s = %.12g, expected %.12g (+- %g)", #a, a_, b_, (double)(eps)); \
	} while (0)

static void test_binomial(void **state)
{
	assert_near(binom_half_cdf(10, 0), 1.0 / 1024, 1e-15);
	assert_near(binom_half_cdf(10, 1), 11.0 / 1024, 1e-15);
	assert_near(binom_half_cdf(10, 5), 638.0 / 1024, 1e-15);
	assert_near(binom_half_cdf(10, 10), 1, 1e-15);
	assert_near(binom_half_cdf(400, 200), 0.5 + 0.5 * 0.039869302, 1e-8);
}

/* Identical windows: the interval is that value, at full confidence. */
static void test_identical_windows(void **state)
{
	double x[10], m, lo, hi, level;

	for (int i = 0; i < 10; i++)
		x[i] = 100;
	assert_int_equal(window_median_ci(x, 10, 0.95, &m, &lo, &hi, &level), 0);
	assert_near(m, 100, 1e-12);
	assert_near(lo, 100, 1e-12);
	assert_near(hi, 100, 1e-12);
	assert_near(level, 1 - 22.0 / 1024, 1e-12);	/* X(2), X(9) of 10 */
}

/* The half-width of windows whose medians drift linearly by `drift`
 * (a share of the level) across the run. */
static double half_width_with_drift(double drift)
{
	double x[10], m, lo, hi, level;

	for (int i = 0; i < 10; i++)
		x[i] = 100 * (1 + drift * i / 9.0) + (i % 2 ? 0.5 : -0.5);
	assert_int_equal(window_median_ci(x, 10, 0.95, &m, &lo, &hi, &level), 0);
	assert_true(lo <= m);
	assert_true(m <= hi);
	return (hi - lo) / 2;
}

static void test_interval_widens_with_drift(void **state)
{
	double none = half_width_with_drift(0), some = half_width_with_drift(0.1),
	       much = half_width_with_drift(0.4);

	assert_true(none < 1);
	assert_true(some > 3 * none);
	assert_true(much > 3 * some);
	/* 40% drift: the interval holds most of it, not a sliver */
	assert_true(much > 10);
}

/* Order does not matter, and one wild window moves a bound by one rank. */
static void test_one_wild_window(void **state)
{
	double x[10] = { 100, 101, 99, 100, 102, 98, 100, 101, 99, 5000 }, m, lo, hi, level;

	assert_int_equal(window_median_ci(x, 10, 0.95, &m, &lo, &hi, &level), 0);
	assert_near(m, 100, 1e-12);
	assert_true(hi <= 102);
	assert_true(lo >= 98);
}

/* Too few windows for 95%: their range, and the coverage it has. */
static void test_few_windows(void **state)
{
	double x[3] = { 3, 1, 2 }, m, lo, hi, level;

	assert_int_equal(window_median_ci(x, 3, 0.95, &m, &lo, &hi, &level), 0);
	assert_near(lo, 1, 1e-12);
	assert_near(hi, 3, 1e-12);
	assert_near(level, 0.75, 1e-12);
	assert_int_equal(window_median_ci(x, 0, 0.95, &m, &lo, &hi, &level), -1);
}

/* Coverage, by simulation: windows drawn from a skewed distribution whose
 * median is known hold it in at least about 95% of runs (97-98% for 6 and
 * 10 windows: the order statistics are conservative), for 6, 10 and 25. */
static void test_coverage(void **state)
{
	uint64_t seed = 42;
	const size_t sizes[] = { 6, 10, 25 };

	for (size_t s = 0; s < 3; s++) {
		size_t n = sizes[s], held = 0, tries = 4000;
		double x[25], m, lo, hi, level;

		for (size_t t = 0; t < tries; t++) {
			for (size_t i = 0; i < n; i++) {
				/* exponential with median 1 */
				double u = ((double)(boot_random(&seed) >> 11) + 0.5) / 9007199254740992.0;
				x[i] = -log(u) / log(2);
			}
			window_median_ci(x, n, 0.95, &m, &lo, &hi, &level);
			held += lo <= 1 && 1 <= hi;
		}
		double cover = (double)held / (double)tries;
		if (cover < 0.94 || cover > 0.995)
			fail_msg("%zu windows: coverage %.3f", n, cover);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binomial),
		cmocka_unit_test(test_identical_windows),
		cmocka_unit_test(test_interval_widens_with_drift),
		cmocka_unit_test(test_one_wild_window),
		cmocka_unit_test(test_few_windows),
		cmocka_unit_test(test_coverage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
