/* The least-squares line of harness/common/stats.c (fit.csv's, and the
 * report's when a run has none), on points worked out by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats.h"

static double d_abs(double d)
{
	return d < 0 ? -d : d;
}

static int near(double a, double b)
{
	return d_abs(a - b) < 1e-9;
}

/* y = 1 + 2x exactly: fixed 1, slope 2, r2 1. */
static void test_exact_line(void **state)
{
	double x[] = { 0, 1, 2 }, y[] = { 1, 3, 5 };
	struct line_fit f;

	(void)state;
	assert_int_equal(fit_line(x, y, 3, &f), 0);
	assert_true(near(f.fixed, 1));
	assert_true(near(f.slope, 2));
	assert_true(near(f.r2, 1));
	assert_int_equal(f.points, 3);
}

/* x = 0,1,2,3; y = 1,3,2,4. mean x 1.5, mean y 2.5.
 * Sxx = 2.25+0.25+0.25+2.25 = 5; Sxy = 2.25-0.25-0.25+2.25 = 4:
 * slope 0.8, fixed 2.5 - 0.8*1.5 = 1.3. Predictions 1.3, 2.1, 2.9, 3.7;
 * residuals -0.3, 0.9, -0.9, 0.3: SS_res = 1.8; SS_tot = 5; r2 = 0.64. */
static void test_noisy_line(void **state)
{
	double x[] = { 0, 1, 2, 3 }, y[] = { 1, 3, 2, 4 };
	struct line_fit f;

	(void)state;
	assert_int_equal(fit_line(x, y, 4, &f), 0);
	assert_true(near(f.slope, 0.8));
	assert_true(near(f.fixed, 1.3));
	assert_true(near(f.r2, 0.64));
}

/* A flat line through equal values explains them all. */
static void test_flat(void **state)
{
	double x[] = { 0, 0.25, 1 }, y[] = { 20, 20, 20 };
	struct line_fit f;

	(void)state;
	assert_int_equal(fit_line(x, y, 3, &f), 0);
	assert_true(near(f.slope, 0));
	assert_true(near(f.fixed, 20));
	assert_true(near(f.r2, 1));
}

/* One point, or one size repeated, gives no line. */
static void test_too_few(void **state)
{
	double x[] = { 1, 1, 1 }, y[] = { 2, 3, 4 };
	struct line_fit f;

	(void)state;
	assert_int_equal(fit_line(x, y, 1, &f), -1);
	assert_int_equal(fit_line(x, y, 2, &f), -1);
	assert_int_equal(fit_line(x, y, 3, &f), -1);
}

/* A sweep's sizes in GiB on a line: 100 us + 28 ms/GiB. */
static void test_sweep_line(void **state)
{
	const double x[] = { 0, 0.015625, 0.0625, 0.25, 1 };
	double y[5];
	struct line_fit f;

	(void)state;
	for (int i = 0; i < 5; i++)
		y[i] = 100 + 28000 * x[i];
	assert_int_equal(fit_line(x, y, 5, &f), 0);
	assert_true(near(f.fixed, 100));
	assert_true(d_abs(f.slope - 28000) < 1e-6);
	assert_true(near(f.r2, 1));
}

/* mx = my = 1.5; Sxx = 5, Sxy = 3, Syy = 5: slope 0.6, fixed 0.6, and
 * r2 = Sxy^2 / (Sxx Syy) = 0.36, the same as 1 - SS_res / SS_tot. */
static void test_r2_of_noisy_points(void **state)
{
	const double x[] = { 0, 1, 2, 3 }, y[] = { 1, 0, 3, 2 };
	struct line_fit f;

	(void)state;
	assert_int_equal(fit_line(x, y, 4, &f), 0);
	assert_true(near(f.slope, 0.6));
	assert_true(near(f.fixed, 0.6));
	assert_true(near(f.r2, 0.36));
}

/* Two points: the line through them, but no r2 (it would be 1 whatever
 * the points, even for a slope that is noise). */
static void test_two_points_no_r2(void **state)
{
	const double x[] = { 0, 0.0625 }, y[] = { 10.4, 10.3 };
	struct line_fit f;

	(void)state;
	assert_int_equal(fit_line(x, y, 2, &f), 0);
	assert_true(d_abs(f.slope + 1.6) < 1e-9);
	assert_int_equal(f.points, 2);
	assert_true(isnan(f.r2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_line),
		cmocka_unit_test(test_noisy_line),
		cmocka_unit_test(test_flat),
		cmocka_unit_test(test_too_few),
		cmocka_unit_test(test_sweep_line),
		cmocka_unit_test(test_r2_of_noisy_points),
		cmocka_unit_test(test_two_points_no_r2),
	};
	return cmocka_run_group_tests_name("fit", tests, NULL, NULL);
}
