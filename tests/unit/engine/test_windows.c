/* Unit tests for harness/engine/windows.c: the record each window leaves
 * (what disturbed it), and a cell's figures pooled from its windows at the
 * end of a run: the windows' medians, their spread, the interval of the
 * cell's median, how many were contended. Windows are fed by hand, with
 * clocks made up, so nothing here depends on how fast the machine is. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>

#include "cell.h"
#include "stats.h"
#include "windows.h"

static const int one_cpu[] = { 0 };

/* A window of cell `cell` in `round` with median `median` (ns), n samples,
 * lasting 100 ms of which the engine waited `delay_pct` percent for a CPU. */
static struct window_rec *add(struct windows *w, uint32_t cell, unsigned round, uint64_t n,
			      double median, double delay_pct)
{
	uint64_t at = w->start_ns + (uint64_t)round * 200000000ull, len = 100000000ull;
	struct window_clock a = { .wall_ns = at, .delay_ok = true },
			    b = { .wall_ns = at + len, .delay_ok = true,
				  .delay_ns = (uint64_t)(delay_pct / 100 * (double)len) };

	return windows_add(w, cell, round, n, n + 4, median, &a, &b);
}

static void test_a_window_record(void **state)
{
	struct windows w;
	struct window_rec *r;

	(void)state;
	assert_int_equal(windows_init(&w, 8, one_cpu, 1), 0);
	r = add(&w, 3, 2, 50, 1234, 1);
	assert_non_null(r);
	assert_int_equal(r->cell, 3);
	assert_int_equal(r->round, 2);
	assert_int_equal(r->n, 50);
	assert_int_equal(r->trips, 54);
	assert_true(r->median_ns == 1234);
	assert_true(r->length_s > 0.099 && r->length_s < 0.101);
	assert_true(r->start_s > 0.399 && r->start_s < 0.401);
	assert_true(r->delay_pct > 0.99 && r->delay_pct < 1.01);
	assert_true(r->steal_pct < 0);		/* the made-up clocks read none */
	assert_false(r->contended);
	assert_true(add(&w, 3, 3, 50, 1234, 2 * CONTENDED_PCT)->contended);
	windows_free(&w);
}

/* The engine could not read its run delay: unknown, never contended. */
static void test_unknown_delay(void **state)
{
	struct windows w;
	struct window_clock a = { 0 }, b = { 0 };
	struct window_rec *r;

	(void)state;
	assert_int_equal(windows_init(&w, 1, one_cpu, 1), 0);
	a.wall_ns = w.start_ns;
	b.wall_ns = w.start_ns + 1000000;
	b.delay_ns = 1000000;
	r = windows_add(&w, 0, 0, 10, 10, 500, &a, &b);
	assert_true(r->delay_pct < 0);
	assert_false(r->contended);
	assert_null(windows_add(&w, 0, 1, 10, 10, 500, &a, &b));	/* full */
	windows_free(&w);
}

/* A cell's window medians, in round order: not another cell's, not a
 * window without samples. */
static void test_a_cells_windows(void **state)
{
	struct windows w;
	double x[8];

	(void)state;
	assert_int_equal(windows_init(&w, 8, one_cpu, 1), 0);
	add(&w, 0, 0, 50, 100, 0);
	add(&w, 1, 0, 50, 900, 0);
	add(&w, 0, 1, 0, 0, 0);		/* no samples */
	add(&w, 0, 2, 50, 300, 0);
	add(&w, 1, 1, 50, 800, 50);
	assert_int_equal(windows_of(&w, 0, x, 8), 2);
	assert_true(x[0] == 100);
	assert_true(x[1] == 300);
	assert_int_equal(windows_of(&w, 0, x, 1), 1);	/* no more than room */
	assert_int_equal(windows_contended(&w, 0), 0);
	assert_int_equal(windows_contended(&w, 1), 1);
	windows_free(&w);
}

/* Ratios of two cells' windows taken in the same round, never across. */
static void test_paired_by_round(void **state)
{
	struct windows w;
	double x[8];

	(void)state;
	assert_int_equal(windows_init(&w, 8, one_cpu, 1), 0);
	add(&w, 0, 0, 50, 400, 0);
	add(&w, 1, 0, 50, 100, 0);
	add(&w, 0, 1, 50, 900, 0);	/* cell 1 has no round 1 */
	add(&w, 0, 2, 50, 600, 0);
	add(&w, 1, 2, 50, 200, 0);
	assert_int_equal(windows_paired(&w, 0, 1, x, 8), 2);
	assert_true(x[0] == 4);
	assert_true(x[1] == 3);
	windows_free(&w);
}

/* The figures of cell 0 after windows of the given medians (ns). */
static struct window_figures figures(const double *median, size_t n, double pooled)
{
	struct windows w;
	struct window_figures f;

	assert_int_equal(windows_init(&w, 2 * n, one_cpu, 1), 0);
	for (size_t i = 0; i < n; i++) {
		add(&w, 0, (unsigned)i, 50, median[i], i == 3 ? 50 : 0);
		add(&w, 1, (unsigned)i, 50, 99999, 0);	/* a neighbour: not counted */
	}
	windows_figures(&w, 0, pooled, &f);
	windows_free(&w);
	return f;
}

static void test_identical_windows(void **state)
{
	double x[10];
	struct window_figures f;

	(void)state;
	for (int i = 0; i < 10; i++)
		x[i] = 1000;
	f = figures(x, 10, 1000);
	assert_int_equal(f.windows, 10);
	assert_int_equal(f.contended, 1);
	assert_true(f.lo == 1000);
	assert_true(f.hi == 1000);
	assert_true(f.ci_lo == 1000);
	assert_true(f.ci_hi == 1000);
}

/* The spread, and an interval around the windows' median, whatever
 * order the windows came in. */
static void test_spread_and_interval(void **state)
{
	double x[10] = { 1040, 990, 1010, 970, 1000, 1060, 1020, 980, 1030, 1050 };
	struct window_figures f;

	(void)state;
	f = figures(x, 10, 1015);
	assert_true(f.lo == 970);
	assert_true(f.hi == 1060);
	assert_true(f.ci_lo == 980);	/* of 10 windows: X(2) and X(9) */
	assert_true(f.ci_hi == 1050);
}

/* Half the width of the interval of windows whose medians drift by
 * `drift` (a share of the level) over the run. */
static double half_width(double drift)
{
	double x[10];
	struct window_figures f;

	for (int i = 0; i < 10; i++)
		x[i] = 1000 * (1 + drift * i / 9.0) + (i % 2 ? 2 : -2);
	f = figures(x, 10, x[5]);
	assert_true(f.ci_lo <= x[5]);
	assert_true(f.ci_hi >= x[5]);
	return (f.ci_hi - f.ci_lo) / 2;
}

static void test_drifting_windows_widen_the_interval(void **state)
{
	double steady = half_width(0), some = half_width(0.05), much = half_width(0.3);

	(void)state;
	assert_true(some > 3 * steady);
	assert_true(much > 3 * some);
}

/* One window: no interval, no spread; but it is counted. */
static void test_one_window(void **state)
{
	double x[] = { 1000 };
	struct window_figures f;

	(void)state;
	f = figures(x, 1, 1000);
	assert_int_equal(f.windows, 1);
	assert_true(isnan(f.ci_lo));
	assert_true(isnan(f.ci_hi));
	assert_true(f.lo == 0);
	assert_true(f.hi == 0);
}

/* Samples in unequal windows, pooled as a run pools them: one long window
 * at long_ns, nine short ones at short_ns. The median of all samples is
 * the long window's; the windows' median and its interval are the short
 * ones'. Returns the cell's figures, the pooled median in *pooled. */
static struct window_figures unequal_windows(uint64_t long_ns, uint64_t short_ns,
					     double *pooled)
{
	enum { LONG = 800, SHORT = 40, ROUNDS = 10 };
	static uint64_t ns[LONG + (ROUNDS - 1) * SHORT];
	struct windows w;
	struct window_figures f;
	struct stats all;
	size_t n = 0;

	assert_int_equal(windows_init(&w, ROUNDS, one_cpu, 1), 0);
	for (unsigned round = 0; round < ROUNDS; round++) {
		size_t first = n, len = round == 0 ? LONG : SHORT;
		double median, half;
		for (size_t i = 0; i < len; i++)
			ns[n++] = (round == 0 ? long_ns : short_ns) + i % 5;
		assert_int_equal(median_interval(ns + first, len, &median, &half), 0);
		add(&w, 0, round, len, median, 0);
	}
	stats_compute(ns, n, &all);
	windows_figures(&w, 0, all.median, &f);
	windows_free(&w);
	assert_int_equal(f.windows, ROUNDS);
	*pooled = all.median;
	return f;
}

/* The interval reaches out to the figure printed with it, below ... */
static void test_pooled_median_below_the_windows_interval(void **state)
{
	double pooled;
	struct window_figures f = unequal_windows(1000, 2000, &pooled);

	(void)state;
	assert_true(pooled < 1010);
	assert_true(f.lo < 1010);
	assert_true(f.hi >= 2000);
	assert_true(f.ci_lo == pooled);
	assert_true(f.ci_hi >= 2000);
}

/* ... and above it. */
static void test_pooled_median_above_the_windows_interval(void **state)
{
	double pooled;
	struct window_figures f = unequal_windows(2000, 1000, &pooled);

	(void)state;
	assert_true(pooled >= 2000);
	assert_true(f.ci_lo < 1010);
	assert_true(f.ci_hi == pooled);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_window_record),
		cmocka_unit_test(test_unknown_delay),
		cmocka_unit_test(test_a_cells_windows),
		cmocka_unit_test(test_paired_by_round),
		cmocka_unit_test(test_identical_windows),
		cmocka_unit_test(test_spread_and_interval),
		cmocka_unit_test(test_drifting_windows_widen_the_interval),
		cmocka_unit_test(test_one_window),
		cmocka_unit_test(test_pooled_median_below_the_windows_interval),
		cmocka_unit_test(test_pooled_median_above_the_windows_interval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
