/* Unit tests for harness/analysis/gate.c, the gate's decision: cells of
 * windows made by hand, through compare_base_levels, compare_pair and
 * compare_judge_run as compare runs them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

#define NCELLS 6
#define NWIN 10
#define MAXRUNS 6

static struct window_data wins[MAXRUNS][NCELLS][NWIN];
static struct cell_data cells[MAXRUNS][NCELLS];

/* Run r's cell i: NWIN windows around v, spread +-1% in a fixed pattern
 * that differs by run, so that no two runs' windows tie. */
static void fill(size_t r, size_t i, double v)
{
	for (size_t w = 0; w < NWIN; w++) {
		double wobble = (double)((w * 7 + r * 3) % 5) - 2;
		wins[r][i][w] = (struct window_data){ .round = (unsigned)w + 1,
						      .median_us = v * (1 + 0.005 * wobble + 0.0001 * (double)r),
						      .iterations = 100 };
	}
	cells[r][i] = (struct cell_data){ .error = "", .win = wins[r][i], .nwin = NWIN };
}

/* The same with windows spread +-10% (a cell that wobbles within a run). */
static void fill_wide(size_t r, size_t i, double v)
{
	fill(r, i, v);
	for (size_t w = 0; w < NWIN; w++)
		wins[r][i][w].median_us = v * (1 + 0.05 * ((double)((w * 7 + r * 3) % 5) - 2));
}

/* Every cell's instructions per op, NEW over BASE, as compare reads them
 * from summary.csv; 0 for runs that counted none (no PMU). */
static double counted;

/* Runs 0..nbases-1 are BASE, run nbases NEW; the gate as compare runs it. */
static void decide(struct comparison *c, struct pair *pairs, size_t nbases)
{
	*c = (struct comparison){ .nbases = nbases, .threshold_pct = 5, .alpha = 0.01,
				  .pairs = pairs, .npairs = NCELLS };
	for (size_t i = 0; i < NCELLS; i++) {
		pairs[i] = (struct pair){ .base = &cells[0][i], .nw = &cells[nbases][i],
					  .instr_ratio = counted };
		for (size_t k = 0; k < nbases; k++)
			pairs[i].bases[k] = &cells[k][i];
	}
	assert_int_equal(compare_base_levels(c), 0);
	for (size_t i = 0; i < NCELLS; i++)
		assert_int_equal(compare_pair(&pairs[i], c->base_level, nbases, 5, 0.01), 0);
	compare_judge_run(c);
}

static void test_identical_runs_do_not_change(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	for (size_t i = 0; i < NCELLS; i++) {
		fill(0, i, 100.0 * (double)(i + 1));
		fill(1, i, 100.0 * (double)(i + 1));
	}
	decide(&c, pairs, 1);
	for (size_t i = 0; i < NCELLS; i++)
		assert_int_equal(pairs[i].verdict, V_SAME);
}

/* The whole run 6% faster, one cell 3% slower as measured: against the
 * run it moved +10%, so it may be inconclusive, never "no change". */
static void test_cell_against_the_run_is_not_no_change(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	for (size_t i = 0; i < NCELLS; i++) {
		fill(0, i, 100.0 * (double)(i + 1));
		fill(1, i, 100.0 * (double)(i + 1) * (i == 3 ? 1.03 : 0.94));
	}
	decide(&c, pairs, 1);
	assert_true(c.common < 0.95);
	assert_int_not_equal(pairs[3].verdict, V_SAME);
	assert_int_equal(pairs[3].verdict, V_INCONCLUSIVE);
	assert_int_equal(pairs[0].verdict, V_INCONCLUSIVE);
}

/* Five BASE runs, one of them made while the machine was 10% slower as a
 * whole; NEW at the others' level with one cell 12% slower. The slow run's
 * level is found and taken out, so the slow cell is a regression and the
 * others no change. */
static void test_base_levels_taken_out(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	for (size_t k = 0; k < 5; k++)
		for (size_t i = 0; i < NCELLS; i++)
			fill(k, i, 100.0 * (double)(i + 1) * (k == 2 ? 1.10 : 1.0));
	for (size_t i = 0; i < NCELLS; i++)
		fill(5, i, 100.0 * (double)(i + 1) * (i == 1 ? 1.12 : 1.0));
	decide(&c, pairs, 5);
	/* against the runs' geometric mean: the slow one +7.9%, the others -1.9% */
	assert_true(fabs(c.base_level[2] / c.base_level[0] - 1.10) < 0.01);
	assert_true(fabs(c.base_level[0] - pow(1.10, -0.2)) < 0.01);
	assert_true(fabs(c.base_spread - 0.8 * log(1.10)) < 0.005);
	assert_false(c.shift_kept);
	assert_int_equal(pairs[1].verdict, V_REGRESSION);
	assert_int_equal(pairs[0].verdict, V_SAME);
	assert_int_equal(pairs[4].verdict, V_SAME);
}

/* Cells that wobble within a run move between runs too: here every cell
 * moved +-8% on its own between the runs, beyond what its windows' noise
 * explains. A cell that moved +20% is then not told apart from that with
 * one run a side: inconclusive, not a regression (its windows' interval
 * alone would call it one). */
static void test_cells_moving_between_runs_widen_intervals(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	for (size_t i = 0; i < NCELLS; i++) {
		fill_wide(0, i, 100.0 * (double)(i + 1));
		fill_wide(1, i, 100.0 * (double)(i + 1) * (i == 0 ? 1.20 : i % 2 ? 1.08 : 0.92));
	}
	decide(&c, pairs, 1);
	assert_true(c.between > 0.5);
	assert_int_equal(pairs[0].verdict, V_INCONCLUSIVE);
}

/* One BASE run: no levels to take out. */
static void test_one_base_has_no_levels(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	for (size_t i = 0; i < NCELLS; i++) {
		fill(0, i, 100.0 * (double)(i + 1) * 1.2);
		fill(1, i, 100.0 * (double)(i + 1));
	}
	decide(&c, pairs, 1);
	assert_true(c.base_level[0] == 1);
	assert_true(isnan(c.base_spread));
}

/* Every cell counts towards a BASE run's level, however many the runs have
 * (a fixed table of 4096 a run once dropped the rest): of 5000 cells, BASE
 * run 0 reads 90 against run 1's 110 in the first 2048 and 110 against 90
 * in the 2952 others, so its level is sqrt(110 / 90) against the runs'
 * geometric mean (about 1 from the first 4096). */
static void test_base_levels_take_every_cell(void **state)
{
	enum { MANY = 5000, LOW = 2048 };
	struct cell_data *runs = calloc(2 * MANY, sizeof *runs);
	struct pair *pairs = calloc(MANY, sizeof *pairs);
	struct comparison c = { .nbases = 2, .pairs = pairs, .npairs = MANY };

	assert_non_null(runs);
	assert_non_null(pairs);
	for (size_t i = 0; i < MANY; i++) {
		runs[i] = (struct cell_data){ .error = "", .med.v = i < LOW ? 90 : 110 };
		runs[MANY + i] = (struct cell_data){ .error = "", .med.v = i < LOW ? 110 : 90 };
		pairs[i] = (struct pair){ .base = &runs[i], .nw = &runs[i],
					  .bases = { &runs[i], &runs[MANY + i] } };
	}
	assert_int_equal(compare_base_levels(&c), 0);
	assert_true(fabs(c.base_level[0] - sqrt(110.0 / 90)) < 1e-9);
	assert_true(fabs(c.base_level[1] - sqrt(90.0 / 110)) < 1e-9);
	free(pairs);
	free(runs);
}

/* A change to several cells (a heavier parent: every fork cell dearer)
 * is found in each: how far cells move between runs on their own comes
 * from the cells' robust spread, which the changed ones do not blow up
 * (a root mean square over the cells made 4 of 12 fork cells 3-16 times
 * dearer inconclusive, with every interval [0.07, 12]). */
static void test_a_change_to_several_cells_is_found(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	for (size_t i = 0; i < NCELLS; i++) {
		fill(0, i, 100.0 * (double)(i + 1));
		fill(1, i, 100.0 * (double)(i + 1) * (i < 2 ? 4.0 : 1.0));
	}
	decide(&c, pairs, 1);
	assert_int_equal(pairs[0].verdict, V_REGRESSION);
	assert_int_equal(pairs[1].verdict, V_REGRESSION);
	assert_int_equal(pairs[2].verdict, V_SAME);
}

/* The verdicts are adjusted over the cells: a cell whose 95% interval
 * clears the threshold (a one-sided 2.5% test of one cell) is a regression
 * only when its p past the threshold, adjusted over the cells compared
 * (Holm), is below alpha. Windows +-10%: +18% clears 1.05 at 95% but not
 * over six cells; +25% does. */
static void test_verdicts_adjusted_over_the_cells(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];
	const double moved[] = { 1.18, 1.25 };

	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < NCELLS; i++) {
			fill(0, i, 100.0 * (double)(i + 1));
			fill(1, i, 100.0 * (double)(i + 1));
		}
		fill_wide(0, 0, 100.0);
		fill_wide(1, 0, 100.0 * moved[k]);
		decide(&c, pairs, 1);
		assert_true(pairs[0].lo > 1.05);
		assert_true(pairs[0].p_adj < 0.01);
		assert_true(pairs[0].p_beyond < 0.01);
		assert_int_equal(pairs[0].verdict, k ? V_REGRESSION : V_INCONCLUSIVE);
		assert_true(k ? pairs[0].p_beyond_adj < 0.01 : pairs[0].p_beyond_adj >= 0.01);
	}
}

/* Five BASE runs whose levels spread as a calm minute's do (-1.5% to
 * +1.8%, the VM's on 12-06), then NEW 9% slower as a whole: a next run
 * may land there by the machine alone (t with 4 degrees of freedom), so
 * the shift is taken out and no cell is a regression. The largest BASE
 * level plus the threshold, the rule before, kept it: its cells judged as
 * measured, +9% to +10%, and one was a regression in identical runs. */
static const double calm[] = { 0.985, 0.993, 1.018, 1.008, 1.0 };

/* Runs 0-4 at those levels, then NEW (run 5) moved by rest, its cell 0 by
 * first; with wobbling, the last half of the cells' windows spread +-10%
 * (fill_wide), the others +-1%. */
static void fill_calm(double rest, double first, bool wobbling)
{
	for (size_t r = 0; r < 6; r++)
		for (size_t i = 0; i < NCELLS; i++) {
			double v = 100.0 * (double)(i + 1) * (r < 5 ? calm[r] : i ? rest : first);

			if (wobbling && i >= NCELLS / 2)
				fill_wide(r, i, v);
			else
				fill(r, i, v);
		}
}

static void test_a_drift_past_calm_base_runs_is_no_regression(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	fill_calm(1.09, 1.09 * 1.01, false);
	decide(&c, pairs, 5);
	assert_int_equal(c.nlevels, 5);
	assert_true(c.base_level_sd > 0.01);
	assert_false(c.shift_kept);
	for (size_t i = 0; i < NCELLS; i++)
		assert_int_not_equal(pairs[i].verdict, V_REGRESSION);
	assert_int_equal(pairs[0].verdict, V_INCONCLUSIVE);
}

/* The same BASE runs, NEW 30% slower as a whole, and its instructions per
 * op 20% up: far past where they put a next run, and the count that does
 * not drift moved too, so the shift is kept and every cell is a
 * regression, its interval carrying where the machine may put a run's
 * level. */
static void test_a_change_to_every_cell_past_the_base_runs_is_found(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	fill_calm(1.30, 1.30, false);
	counted = 1.20;
	decide(&c, pairs, 5);
	counted = 0;
	assert_false(c.shift_unwitnessed);
	assert_true(fabs(c.instr_shift - 1.20) < 1e-9);
	assert_true(c.shift_kept);
	assert_true(c.level_halfwidth > 0.02);
	assert_true(pairs[0].hi / pairs[0].lo > exp(2 * c.level_halfwidth));
	for (size_t i = 0; i < NCELLS; i++)
		assert_int_equal(pairs[i].verdict, V_REGRESSION);
}

/* The same BASE run given twice (or runs whose levels are all alike) shows
 * no spread of the machine's, which is not a spread of 0: NEW 30% slower
 * as a whole is then taken out as against one BASE run, its cells
 * inconclusive. A spread of 0 kept the shift past the threshold alone,
 * and failed the gate on a drift one BASE run calls inconclusive. */
static void test_base_runs_alike_keep_no_shift(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	for (size_t i = 0; i < NCELLS; i++) {
		fill(0, i, 100.0 * (double)(i + 1));
		cells[1][i] = cells[0][i];
		fill(2, i, 100.0 * (double)(i + 1) * 1.30);
	}
	decide(&c, pairs, 2);
	assert_int_equal(c.nlevels, 2);
	assert_false(c.shift_kept);
	for (size_t i = 0; i < NCELLS; i++)
		assert_int_equal(pairs[i].verdict, V_INCONCLUSIVE);
}

/* NEW 30% slower, or 30% faster, as a whole than calm BASE runs: the
 * shift is kept either way, and how far cells move between runs on their
 * own is measured against it, not against no shift (which read the kept
 * shift as tight cells moving 35 times their windows' spread and wobbling
 * ones 3.5 times, and widened the wobbling ones' intervals past any
 * verdict). Every cell is a regression, or, faster, an improvement; c.common
 * is the shift as measured, which the report prints. */
static void test_a_faster_run_mirrors_a_slower_one(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	fill_calm(1.30, 1.30, true);
	counted = 1.30;
	decide(&c, pairs, 5);
	assert_true(c.shift_kept);
	assert_true(c.between < 0.5);
	assert_true(fabs(c.common - 1.30) < 0.02);
	for (size_t i = 0; i < NCELLS; i++)
		assert_int_equal(pairs[i].verdict, V_REGRESSION);
	fill_calm(1 / 1.30, 1 / 1.30, true);
	counted = 1 / 1.30;
	decide(&c, pairs, 5);
	counted = 0;
	assert_true(c.shift_kept);
	assert_true(c.between < 0.5);
	assert_true(fabs(c.common - 1 / 1.30) < 0.02);
	for (size_t i = 0; i < NCELLS; i++)
		assert_int_equal(pairs[i].verdict, V_IMPROVEMENT);
}

/* k BASE runs at factors f (times fill's 0.01% a run), each of the first
 * three also 2u up in two cells of six and u down in the four others
 * (u = 0 for none), so that every run's level, the median over its cells,
 * is u down: their levels' mean is -u, not 0. NEW is at a level (against
 * the BASE runs' geometric mean, as theirs are) sign (edge + past) from
 * that mean, edge being the threshold plus t s sqrt(1 + 1/k), s the
 * levels' standard deviation over k - 1, t Student's one-tailed at
 * 1 - alpha with k - 1 degrees of freedom, from the printed tables. Is
 * NEW's shift kept? */
static bool kept_at(const double *f, size_t k, double u, double t, double sign, double past)
{
	struct comparison c;
	struct pair pairs[NCELLS];
	double l[MAXRUNS], at = 0, ss = 0;

	for (size_t r = 0; r < k; r++)
		at += (l[r] = log(f[r] * (1 + 0.0001 * (double)r))) / (double)k;
	for (size_t r = 0; r < k; r++)
		ss += (l[r] - at) * (l[r] - at);
	double edge = log(1.05) + t * sqrt(ss / (double)(k - 1)) * sqrt(1 + 1 / (double)k);
	double g = exp(at - u + sign * (edge + past)) / (1 + 0.0001 * (double)k);

	for (size_t r = 0; r <= k; r++)
		for (size_t i = 0; i < NCELLS; i++)
			fill(r, i, 100.0 * (double)(i + 1) *
				   (r == k ? g : f[r] * exp((i / 2 == r ? 2 : -1) * u)));
	counted = sign > 0 ? 1.5 : 1 / 1.5;	/* moved with it: the prediction decides */
	decide(&c, pairs, k);
	counted = 0;
	return c.shift_kept;
}

static void test_the_shift_is_kept_past_the_prediction(void **state)
{
	/* five calm runs: t(0.99, 4) = 3.747 */
	assert_false(kept_at(calm, 5, 0, 3.747, 1, -0.002));
	assert_true(kept_at(calm, 5, 0, 3.747, 1, 0.002));
	assert_false(kept_at(calm, 5, 0, 3.747, -1, -0.002));
	assert_true(kept_at(calm, 5, 0, 3.747, -1, 0.002));
}

/* Three runs whose levels' mean is 5% down (u = 0.05): NEW is measured
 * from that mean, and on the scale of the levels: against the pooled
 * BASE windows' median it read 0.5% lower here, and the edge moved by as
 * much. t(0.99, 2) = 6.965. */
static void test_the_shift_is_measured_from_the_levels_mean(void **state)
{
	const double three[] = { 1.01, 1.0, 0.99 };

	assert_false(kept_at(three, 3, 0.05, 6.965, 1, -0.002));
	assert_true(kept_at(three, 3, 0.05, 6.965, 1, 0.002));
	assert_false(kept_at(three, 3, 0.05, 6.965, -1, -0.002));
	assert_true(kept_at(three, 3, 0.05, 6.965, -1, 0.002));
}

/* With the shift kept, NEW's level is one draw of the machine's for every
 * cell, a refined size's too: its interval carries that spread like the
 * others', and a refined cell 2% up while the rest moved 30% is not "no
 * change" on its windows' interval alone. */
static void test_a_refined_cell_carries_the_kept_spread(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	fill_calm(1.30, 1.02, false);
	cells[5][0].refined = true;
	counted = 1.30;
	decide(&c, pairs, 5);
	counted = 0;
	assert_true(c.shift_kept);
	assert_true(pairs[0].hi > 1.05);
	assert_int_equal(pairs[0].verdict, V_INCONCLUSIVE);
}

/* The same five calm BASE runs, then NEW 30% slower as a whole, as the
 * VM made one after four calm runs when its host turned slow: past where
 * the BASE runs put a next run, but with no instructions counted (no PMU)
 * nothing says it was NEW's. The shift is taken out: no cell is a
 * regression, each inconclusive and saying what would tell. */
static void test_a_shift_no_count_witnessed_is_taken_out(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	fill_calm(1.30, 1.30, false);
	decide(&c, pairs, 5);
	assert_true(isfinite(c.keep_bound));
	assert_true(fabs(c.new_level - c.base_level_mean) > c.keep_bound);
	assert_false(c.shift_kept);
	assert_true(c.shift_unwitnessed);
	assert_true(isnan(c.instr_shift));
	for (size_t i = 0; i < NCELLS; i++)
		assert_int_equal(pairs[i].verdict, V_INCONCLUSIVE);
	assert_non_null(strstr(pairs[1].why, "instructions counted in both runs would tell"));
}

/* Counted, but the instructions per op did not move past the threshold
 * (+2%), or moved against the time (-10%): the machine's, not NEW's. */
static void test_a_shift_its_instructions_do_not_follow_is_taken_out(void **state)
{
	const double moved[] = { 1.02, 0.90 };
	struct comparison c;
	struct pair pairs[NCELLS];

	for (size_t k = 0; k < 2; k++) {
		fill_calm(1.30, 1.30, false);
		counted = moved[k];
		decide(&c, pairs, 5);
		counted = 0;
		assert_false(c.shift_kept);
		assert_true(c.shift_unwitnessed);
		for (size_t i = 0; i < NCELLS; i++)
			assert_int_equal(pairs[i].verdict, V_INCONCLUSIVE);
		assert_non_null(strstr(pairs[1].why, "its instructions per op did not move with it"));
	}
}

/* A run 30% slower as a whole, taken out, still shows the one cell that
 * moved 50% beyond it. */
static void test_one_cell_beyond_a_shift_taken_out_is_found(void **state)
{
	struct comparison c;
	struct pair pairs[NCELLS];

	fill_calm(1.30, 1.30 * 1.5, false);
	decide(&c, pairs, 5);
	assert_false(c.shift_kept);
	assert_int_equal(pairs[0].verdict, V_REGRESSION);
	for (size_t i = 1; i < NCELLS; i++)
		assert_int_equal(pairs[i].verdict, V_INCONCLUSIVE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_runs_do_not_change),
		cmocka_unit_test(test_cell_against_the_run_is_not_no_change),
		cmocka_unit_test(test_base_levels_taken_out),
		cmocka_unit_test(test_one_base_has_no_levels),
		cmocka_unit_test(test_cells_moving_between_runs_widen_intervals),
		cmocka_unit_test(test_base_levels_take_every_cell),
		cmocka_unit_test(test_a_change_to_several_cells_is_found),
		cmocka_unit_test(test_verdicts_adjusted_over_the_cells),
		cmocka_unit_test(test_a_drift_past_calm_base_runs_is_no_regression),
		cmocka_unit_test(test_a_change_to_every_cell_past_the_base_runs_is_found),
		cmocka_unit_test(test_base_runs_alike_keep_no_shift),
		cmocka_unit_test(test_a_faster_run_mirrors_a_slower_one),
		cmocka_unit_test(test_the_shift_is_kept_past_the_prediction),
		cmocka_unit_test(test_the_shift_is_measured_from_the_levels_mean),
		cmocka_unit_test(test_a_refined_cell_carries_the_kept_spread),
		cmocka_unit_test(test_a_shift_no_count_witnessed_is_taken_out),
		cmocka_unit_test(test_a_shift_its_instructions_do_not_follow_is_taken_out),
		cmocka_unit_test(test_one_cell_beyond_a_shift_taken_out_is_found),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
