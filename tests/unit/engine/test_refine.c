/* Unit tests for the search of harness/engine/refine.c, on synthetic ratio
 * curves: a curve is "measured" at the sizes the search asks for, and the
 * search must end with each crossing bracketed closely by sizes whose
 * intervals lie on either side of the edge. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "refine.h"

/* A ratio curve of the ballast in MiB, with a relative half-width. */
struct curve {
	double (*ratio)(double mib);
	double half;
};

static double rising(double mib)
{
	return 2.5 + 0.3 * mib;	/* 4 at 5 MiB, 5 at 8.33 MiB */
}

static double steep(double mib)
{
	return 3.9 + 4 * mib;	/* 4 at 0.025 MiB: inside the first step */
}

static double flat(double mib)
{
	return 6 + 0 * mib;	/* never crosses 4 or 5 */
}

static struct rpoint at(const struct curve *c, uint64_t kib)
{
	double r = c->ratio((double)kib / 1024);

	return (struct rpoint){ kib, r * (1 - c->half), r * (1 + c->half) };
}

/* Run the search from the sizes given until it asks for nothing; returns
 * how many sizes it asked for, the points (rising) in p, their count in *n. */
static int search(const struct curve *c, double edge, struct rpoint *p, size_t *n)
{
	int asked = 0;
	uint64_t kib;

	while ((kib = refine_next(p, *n, edge)) != 0) {
		size_t i = *n;

		assert_true(asked < 64);	/* it ends */
		assert_int_equal(kib % REFINE_STEP_KIB, 0);
		while (i > 0 && p[i - 1].kib > kib) {
			p[i] = p[i - 1];
			i--;
		}
		assert_true(i == 0 || p[i - 1].kib != kib);	/* never the same size twice */
		p[i] = at(c, kib);
		(*n)++;
		asked++;
	}
	return asked;
}

/* The final bracket of edge: decided sizes on either side, close. */
static void bracketed(const struct rpoint *p, size_t n, double edge, double true_mib)
{
	for (size_t i = 0; i + 1 < n; i++) {
		size_t j = i + 1;
		if (refine_side(&p[i], edge) == 0)
			continue;
		while (j < n && refine_side(&p[j], edge) == 0)
			j++;
		if (j < n && refine_side(&p[j], edge) == -refine_side(&p[i], edge)) {
			assert_true(refine_narrow(p[i].kib, p[j].kib));
			assert_true((double)p[i].kib / 1024 <= true_mib);
			assert_true((double)p[j].kib / 1024 >= true_mib);
			return;
		}
	}
	fail_msg("no bracket of %g", edge);
}

static void test_brackets_both_edges(void **state)
{
	struct curve c = { rising, 0.01 };
	struct rpoint p[80] = { at(&c, 0), at(&c, 16 * 1024) };
	size_t n = 2;
	int asked;

	(void)state;
	asked = search(&c, 4, p, &n);
	assert_true(asked >= 2);	/* the done-when: at least two new sizes */
	bracketed(p, n, 4, 5.0);
	search(&c, 5, p, &n);
	bracketed(p, n, 5, 25.0 / 3);
}

static void test_crossing_below_a_step(void **state)
{
	struct curve c = { steep, 0.001 };
	struct rpoint p[80] = { at(&c, 0), at(&c, 16 * 1024) };
	size_t n = 2;

	(void)state;
	search(&c, 4, p, &n);
	/* the finest bracket: 0 and one step */
	bracketed(p, n, 4, 0.025);
	assert_int_equal(p[1].kib, REFINE_STEP_KIB);
}

static void test_nothing_to_search(void **state)
{
	struct curve c = { flat, 0.01 };
	struct rpoint p[4] = { at(&c, 0), at(&c, 16 * 1024), at(&c, 64 * 1024) };

	(void)state;
	assert_int_equal(refine_next(p, 3, 4), 0);
	assert_int_equal(refine_next(p, 3, 5), 0);
	assert_int_equal(refine_next(p, 0, 4), 0);
	assert_int_equal(refine_next(p, 1, 4), 0);
}

/* Sizes already close enough, and sizes whose intervals straddle the edge
 * with no decided point beyond: nothing to ask for. */
static void test_narrow_and_undecided(void **state)
{
	struct rpoint close[2] = { { 1024, 3.8, 3.9 }, { 1280, 4.1, 4.2 } };
	struct rpoint wide10[2] = { { 100 * 1024, 3.8, 3.9 }, { 109 * 1024, 4.1, 4.2 } };
	struct rpoint across[2] = { { 0, 3.9, 4.1 }, { 16 * 1024, 3.95, 4.2 } };
	struct rpoint far[2] = { { 0, 3.8, 3.9 }, { 16 * 1024, 4.1, 4.2 } };

	(void)state;
	assert_int_equal(refine_next(close, 2, 4), 0);
	assert_int_equal(refine_next(wide10, 2, 4), 0);	/* under 10% of 109 MiB */
	assert_int_equal(refine_next(across, 2, 4), 0);
	/* the log-midpoint of 0 (taken as one step) and 16 MiB: 2 MiB */
	assert_int_equal(refine_next(far, 2, 4), 2048);
	assert_int_equal(refine_side(&across[0], 4), 0);
	assert_int_equal(refine_side(&far[0], 4), -1);
	assert_int_equal(refine_side(&far[1], 4), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_brackets_both_edges),
		cmocka_unit_test(test_crossing_below_a_step),
		cmocka_unit_test(test_nothing_to_search),
		cmocka_unit_test(test_narrow_and_undecided),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
