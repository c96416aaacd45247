/* Unit tests for harness/analysis/history_detect.c: E-Divisive with means
 * and its permutation test, on synthetic series of runs.
 *
 * The noise is a fixed LCG of the test's own (not the detector's PRNG):
 * each series is the same on every machine, and so is every answer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "history_detect.h"

/* A level times (1 + noise), noise uniform in [-amp, amp]. */
static double noisy(uint32_t *s, double level, double amp)
{
	*s = *s * 1664525u + 1013904223u;
	return level * (1 + amp * (2 * ((double)(*s >> 8) / (1 << 24)) - 1));
}

/* n points at level, then the rest at level * step from point at on. */
static void series(double *x, size_t n, size_t at, double step, double amp, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		x[i] = noisy(&seed, i < at ? 100 : 100 * step, amp);
}

static int detect(const double *x, size_t n, double threshold, struct change **c)
{
	struct detect_opts o = DETECT_DEFAULTS;

	o.threshold_pct = threshold;
	return detect_changes(x, n, &o, c);
}

static void test_no_change_in_noise(void **state)
{
	double x[40];
	struct change *c;

	for (uint32_t seed = 1; seed <= 20; seed++) {
		series(x, 40, 40, 1, 0.05, seed);
		assert_int_equal(detect(x, 40, 5, &c), 0);
		free(c);
	}
}

/* Ten runs, then ten 50% slower: one change, at the 11th run, p at its
 * floor (no reordering of the 20 runs scores as high), the step ~ +50%. */
static void test_one_step(void **state)
{
	double x[20];
	struct change *c;

	series(x, 20, 10, 1.5, 0.05, 7);
	assert_int_equal(detect(x, 20, 5, &c), 1);
	assert_int_equal(c[0].at, 10);
	assert_true(c[0].p <= 0.001 + 1e-12);
	assert_int_equal(c[0].lo, 0);
	assert_int_equal(c[0].hi, 20);
	assert_true(c[0].step.v > 1.4 && c[0].step.v < 1.6);
	assert_true(c[0].step.lo <= c[0].step.v && c[0].step.v <= c[0].step.hi);
	assert_true(c[0].step.lo > 1.3);
	assert_true(c[0].level >= 0.95 * 0.95);
	free(c);
}

/* Up 30% at 10, down 40% at 20: both, in order, each against its own
 * neighbouring segment. */
static void test_two_steps(void **state)
{
	double x[30];
	struct change *c;
	uint32_t s = 3;

	for (size_t i = 0; i < 30; i++)
		x[i] = noisy(&s, i < 10 ? 100 : i < 20 ? 130 : 78, 0.03);
	assert_int_equal(detect(x, 30, 5, &c), 2);
	assert_int_equal(c[0].at, 10);
	assert_int_equal(c[1].at, 20);
	assert_int_equal(c[0].hi, 20);
	assert_int_equal(c[1].lo, 10);
	assert_true(c[0].step.v > 1.2 && c[0].step.v < 1.4);
	assert_true(c[1].step.v > 0.5 && c[1].step.v < 0.7);
	free(c);
}

/* A regression, fixed fifteen runs later, three times over: up 40% and
 * down again, fifteen runs each. Over the whole series no split tells the
 * halves apart (each holds both levels); in windows of 30 runs every step
 * is found. */
static void test_regression_and_fix(void **state)
{
	struct detect_opts o = DETECT_DEFAULTS;
	double x[90];
	struct change *c;
	uint32_t s = 21;

	for (size_t i = 0; i < 90; i++)
		x[i] = noisy(&s, (i / 15) % 2 ? 140 : 100, 0.03);
	assert_int_equal(detect_changes(x, 90, &o, &c), 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(c[i].at, 15 * (i + 1));
	free(c);
	o.window = 0;
	assert_true(detect_changes(x, 90, &o, &c) < 5);
	free(c);
}

/* The changes found in n runs at 100 (noise 4%), those from..to-1 at
 * level instead. */
static int dip(size_t n, size_t from, size_t to, double level, uint32_t *s)
{
	double x[60];
	struct change *c;
	int k;

	for (size_t i = 0; i < n; i++)
		x[i] = noisy(s, i >= from && i < to ? level : 100, 0.04);
	k = detect(x, n, 5, &c);
	free(c);
	return k;
}

/* Four runs 25% faster in the middle of twenty, then back: the machine's
 * passing dip, no lasting step. */
static void test_passing_dip(void **state)
{
	uint32_t s = 17;

	assert_int_equal(dip(20, 13, 17, 75, &s), 0);
}

/* The same dip where a window of 30 runs ends (runs 25-28 of 60): that
 * window alone would read it as a step up at its end, and the next window
 * (starting at that "change") as a step back down at its start. Runs
 * 29-60 show it did not last: no change point, as in mid-window. */
static void test_passing_dip_at_window_edge(void **state)
{
	uint32_t s = 17;

	assert_int_equal(dip(60, 24, 28, 130, &s), 0);
	assert_int_equal(dip(60, 39, 43, 75, &s), 0);
}

/* A lasting step anywhere in the second half of the first window is found
 * once, at its run: the next window sees it with runs on both sides. */
static void test_step_late_in_a_window(void **state)
{
	double x[60];
	struct change *c;

	for (size_t at = 15; at <= 28; at++) {
		series(x, 60, at, 1.3, 0.04, (uint32_t)at);
		assert_int_equal(detect(x, 60, 5, &c), 1);
		assert_int_equal(c[0].at, at);
		free(c);
	}
}

/* One run five times slower, in the middle or last: no alarm. */
static void test_one_outlier_is_no_change(void **state)
{
	double x[20];
	struct change *c;

	series(x, 20, 20, 1, 0.05, 11);
	x[7] *= 5;
	assert_int_equal(detect(x, 20, 5, &c), 0);
	free(c);
	series(x, 20, 20, 1, 0.05, 11);
	x[19] *= 5;
	assert_int_equal(detect(x, 20, 5, &c), 0);
	free(c);
}

/* Even where a split of one run would pass the test (--alpha 0.2: it
 * scores p = 0.09), one run alone is no side. */
static void test_one_run_is_no_side(void **state)
{
	struct detect_opts o = DETECT_DEFAULTS;
	double x[20];
	struct change *c;

	o.alpha = 0.2;
	series(x, 20, 20, 1, 0.05, 11);
	x[19] *= 5;
	assert_int_equal(detect_changes(x, 20, &o, &c), 0);
	free(c);
}

/* Up 100% at 10, then down to 130 at 20: the first split is the larger
 * step, and the second is found in the runs after it. */
static void test_step_after_the_first_split(void **state)
{
	double x[30];
	struct change *c;
	uint32_t s = 3;

	for (size_t i = 0; i < 30; i++)
		x[i] = noisy(&s, i < 10 ? 100 : i < 20 ? 200 : 130, 0.03);
	assert_int_equal(detect(x, 30, 5, &c), 2);
	assert_int_equal(c[0].at, 10);
	assert_int_equal(c[1].at, 20);
	free(c);
}

/* A real shift of 3% on a quiet series is significant, and below the
 * default threshold: dropped at 5%, kept at 1%. */
static void test_threshold(void **state)
{
	double x[30];
	struct change *c;

	series(x, 30, 15, 1.03, 0.005, 5);
	assert_int_equal(detect(x, 30, 5, &c), 0);
	free(c);
	assert_int_equal(detect(x, 30, 1, &c), 1);
	assert_int_equal(c[0].at, 15);
	free(c);
}

/* Two steps, the first below the threshold: it goes, and the second is
 * measured against everything before it. */
static void test_small_step_merged(void **state)
{
	double x[45];
	struct change *c;
	uint32_t s = 9;

	for (size_t i = 0; i < 45; i++)
		x[i] = noisy(&s, i < 15 ? 100 : i < 30 ? 103 : 150, 0.005);
	assert_int_equal(detect(x, 45, 5, &c), 1);
	assert_int_equal(c[0].at, 30);
	assert_int_equal(c[0].lo, 0);
	free(c);
}

/* A step needs min_size runs on each side: too short a series has none. */
static void test_too_short(void **state)
{
	double x[3] = { 100, 100, 500 };
	struct change *c;

	assert_int_equal(detect(x, 3, 5, &c), 0);
	free(c);
	assert_int_equal(detect(x, 0, 5, &c), 0);
	free(c);
}

/* The same series, the same answer: the permutations start from a fixed
 * seed. */
static void test_deterministic(void **state)
{
	double x[24];
	struct change *a, *b;

	series(x, 24, 12, 1.15, 0.06, 13);
	assert_int_equal(detect(x, 24, 5, &a), detect(x, 24, 5, &b));
	assert_int_equal(a[0].at, b[0].at);
	assert_true(a[0].p == b[0].p);
	free(a);
	free(b);
}

/* A step of 2x on ten runs a side: the medians and their intervals are the
 * sides' own (order statistics 2 and 9 of 10, winstats.h). */
static void test_sides_exact(void **state)
{
	double x[20];
	struct change *c;

	for (size_t i = 0; i < 20; i++)
		x[i] = (i < 10 ? 100 : 200) + (double)(i % 10);	/* 100..109, 200..209 */
	assert_int_equal(detect(x, 20, 5, &c), 1);
	assert_int_equal(c[0].at, 10);
	assert_true(c[0].before.v == 104.5);
	assert_true(c[0].before.lo == 101 && c[0].before.hi == 108);
	assert_true(c[0].after.v == 204.5);
	assert_true(c[0].step.v == 204.5 / 104.5);
	assert_true(c[0].step.lo == 201.0 / 108 && c[0].step.hi == 208.0 / 101);
	/* both sides' intervals hold together: 1 - 2 * 11/1024 each, squared */
	assert_true(fabs(c[0].level - 0.978515625 * 0.978515625) < 1e-12);
	free(c);
}

static void test_permutations(void **state)
{
	assert_int_equal(detect_permutations(0.01), 999);
	assert_int_equal(detect_permutations(0.05), 999);
	assert_int_equal(detect_permutations(0.001), 9999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_change_in_noise),
		cmocka_unit_test(test_one_step),
		cmocka_unit_test(test_two_steps),
		cmocka_unit_test(test_regression_and_fix),
		cmocka_unit_test(test_passing_dip),
		cmocka_unit_test(test_passing_dip_at_window_edge),
		cmocka_unit_test(test_step_late_in_a_window),
		cmocka_unit_test(test_one_outlier_is_no_change),
		cmocka_unit_test(test_one_run_is_no_side),
		cmocka_unit_test(test_step_after_the_first_split),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_small_step_merged),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_sides_exact),
		cmocka_unit_test(test_permutations),
	};
	return cmocka_run_group_tests_name("history_detect", tests, NULL, NULL);
}
