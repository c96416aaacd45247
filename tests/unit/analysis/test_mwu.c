/* Unit tests for harness/analysis/mwu.c (Mann–Whitney U).
 *
 * The expected values are worked out by hand below, not by the code under
 * test. Where a normal tail probability is needed, it was evaluated by
 * Simpson integration of the normal density in awk (200000 steps), which
 * shares nothing with the erfc the code uses:
 *
 *   awk 'function f(x){return exp(-x*x/2)/sqrt(2*3.141592653589793)}
 *        function t(z, n,h,s,i){n=200000;h=z/n;s=f(0)+f(z);
 *          for(i=1;i<n;i++)s+=(i%2?4:2)*f(i*h);return .5-s*h/3}
 *        BEGIN{printf "%.10f\n", 2*t(6.5/sqrt(15.416666666666666))}'
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>


#include "mwu.h"
#include "stats.h"

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

/* Mann–Whitney U -------------------------------------------------------- */

/* x = {19, 22, 16, 29, 24}, y = {20, 11, 17, 12}; no ties, small: exact.
 *
 * U of x counts the y below each x: 16 > {11, 12}: 2; 19 > {11, 12, 17}: 3;
 * 22, 24, 29 > all four: 4 + 4 + 4. U = 17 (of nx ny = 20). By ranks: the
 * pooled order is 11y 12y 16x 17y 19x 20y 22x 24x 29x, x holds ranks
 * 3 5 7 8 9 = 32, and U = 32 - 5*6/2 = 17.
 *
 * Exact p: under the null all C(9, 4) = 126 orderings are equally likely.
 * U >= 17 means U' = 20 - U <= 3 for y, and the orderings with U' = u are the
 * partitions of u into at most 4 parts of at most 5: u = 0: 1, 1: 1,
 * 2: 2 (2, 1+1), 3: 3 (3, 2+1, 1+1+1). So P(U >= 17) = 7/126 and the
 * two-sided p = 14/126 = 0.1111111111.
 *
 * (The normal approximation would give mean 10, var 5*4*10/12 = 16.667,
 * z = (7 - 0.5)/4.0825 = 1.5922, p = 0.1113468865.) */
static void test_exact_small(void **state)
{
	double x[] = { 19, 22, 16, 29, 24 }, y[] = { 20, 11, 17, 12 };
	struct mwu r;

	assert_int_equal(mwu_test(x, 5, y, 4, &r), 0);
	assert_near(r.u, 17, 1e-12);
	assert_near(r.mean, 10, 1e-12);
	assert_near(r.sd, 4.0824829046, 1e-9);
	assert_near(r.z, 1.5921683328, 1e-9);
	assert_true(r.exact);
	assert_near(r.p, 14.0 / 126, 1e-12);
}

/* The tortoise and the hare (the example in Wikipedia's article): six of
 * each race, finishing order T H H H H H T T T T T H. With places as the
 * values, x = tortoises {1, 7, 8, 9, 10, 11}, y = hares {2, 3, 4, 5, 6, 12}.
 * U of x: 1 beats no hare; 7..11 each beat the five hares 2..6: U = 25, and
 * U of y = 36 - 25 = 11.
 *
 * Exact p: P(U_y <= 11) over C(12, 6) = 924 orderings. The orderings with
 * U_y = u are the partitions of u into at most 6 parts of at most 6:
 *   u:      0 1 2 3 4 5  6  7  8  9 10 11
 *   count:  1 1 2 3 5 7 11 13 18 22 28 32
 * (p(u) less the partitions with a part above 6 and, by conjugation, as many
 * with more than 6 parts; e.g. u = 11: p(11) = 56, 12 have a part >= 7, 12
 * have >= 7 parts, none both as that needs 13). Sum 143: two-sided
 * p = 286/924 = 0.3095238095, as R's wilcox.test prints for this data. */
static void test_tortoise_and_hare(void **state)
{
	double t[] = { 1, 7, 8, 9, 10, 11 }, h[] = { 2, 3, 4, 5, 6, 12 };
	struct mwu r;

	assert_int_equal(mwu_test(t, 6, h, 6, &r), 0);
	assert_near(r.u, 25, 1e-12);
	assert_true(r.exact);
	assert_near(r.p, 286.0 / 924, 1e-12);
	/* The other way round: U = 11, the same two-sided p. */
	assert_int_equal(mwu_test(h, 6, t, 6, &r), 0);
	assert_near(r.u, 11, 1e-12);
	assert_near(r.p, 286.0 / 924, 1e-12);
}

/* Ties: x = {1, 2, 2, 3}, y = {2, 3, 3, 4, 4}; the normal approximation.
 *
 * Pooled: 1(x) | 2(x x y) | 3(x y y) | 4(y y). Ranks: 1; positions 2-4 share
 * midrank 3; 5-7 share 6; 8-9 share 8.5. x's rank sum: 1 + 3 + 3 + 6 = 13,
 * U = 13 - 4*5/2 = 3. By pairs: the 1 beats nothing; each 2 ties one y (1/2
 * each); the 3 beats the y at 2 and ties two (1 + 1): 0 + 1 + 2 = 3.
 *
 * Ties: groups of 1, 3, 3, 2: sum(t^3 - t) = 0 + 24 + 24 + 6 = 54.
 * Var U = 4*5/12 * ((9 + 1) - 54/(9*8)) = 5/3 * 9.25 = 15.4166667,
 * sd = 3.9264021. Mean 10; U - mean = -7, continuity corrected -6.5:
 * z = -6.5/3.9264021 = -1.6554578039, two-sided p = 0.0978316690. */
static void test_ties_normal(void **state)
{
	double x[] = { 3, 2, 1, 2 }, y[] = { 4, 3, 2, 4, 3 };
	struct mwu r;

	assert_int_equal(mwu_test(x, 4, y, 5, &r), 0);
	assert_near(r.u, 3, 1e-12);
	assert_near(r.mean, 10, 1e-12);
	assert_near(r.sd * r.sd, 15.0 + 5.0 / 12, 1e-9);
	assert_false(r.exact);
	assert_near(r.z, -1.6554578039, 1e-9);
	assert_near(r.p, 0.0978316690, 1e-8);
}

/* Past the exact sizes, no ties: x = {2, 4, ..., 80}, y = {1, 3, ..., 79}.
 * The k-th x, 2k, beats the k odd numbers below it: U = 1 + ... + 40 = 820.
 * Mean 800, var 40*40*81/12 = 10800, z = 19.5/103.9230485 = 0.1876388375,
 * p = 0.8511597790. */
static void test_normal_no_ties(void **state)
{
	double x[40], y[40];
	struct mwu r;

	for (int i = 0; i < 40; i++) {
		x[i] = 2 * (i + 1);
		y[i] = 2 * (i + 1) - 1;
	}
	assert_int_equal(mwu_test(x, 40, y, 40, &r), 0);
	assert_false(r.exact);
	assert_near(r.u, 820, 1e-12);
	assert_near(r.sd, 103.9230484541, 1e-9);
	assert_near(r.z, 0.1876388375, 1e-9);
	assert_near(r.p, 0.8511597790, 1e-8);
}

/* Identical samples: U is its mean exactly, p = 1. All values equal: the
 * variance vanishes with the tie correction, and p is 1, not NaN. */
static void test_identical_and_constant(void **state)
{
	double x[100], y[100];
	struct mwu r;

	for (int i = 0; i < 100; i++)
		x[i] = y[i] = 1000 + (i * 37) % 101;
	assert_int_equal(mwu_test(x, 100, y, 100, &r), 0);
	assert_near(r.u, 5000, 1e-9);
	assert_near(r.p, 1, 1e-12);
	for (int i = 0; i < 100; i++)
		x[i] = y[i] = 5;
	assert_int_equal(mwu_test(x, 100, y, 60, &r), 0);
	assert_near(r.u, 3000, 1e-9);
	assert_true(r.sd == 0);
	assert_near(r.p, 1, 1e-12);
}

/* Complete separation at sizes the exact count covers: U = nx ny, and the
 * p is 2/C(N, nx): only one ordering of 30 + 30 is that extreme each way. */
static void test_separated_exact(void **state)
{
	double x[30], y[30];
	struct mwu r;
	double c = 1;	/* C(60, 30), built up as a product */

	for (int i = 0; i < 30; i++) {
		x[i] = 100 + i;
		y[i] = i;
	}
	for (int i = 1; i <= 30; i++)
		c = c * (30 + i) / i;
	assert_int_equal(mwu_test(x, 30, y, 30, &r), 0);
	assert_true(r.exact);
	assert_near(r.u, 900, 1e-12);
	assert_near(r.p / (2 / c), 1, 1e-9);
}

/* The bootstrap median ------------------------------------------------- */

/* The ratio interval --------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_small),
		cmocka_unit_test(test_tortoise_and_hare),
		cmocka_unit_test(test_ties_normal),
		cmocka_unit_test(test_normal_no_ties),
		cmocka_unit_test(test_identical_and_constant),
		cmocka_unit_test(test_separated_exact),
	};
	return cmocka_run_group_tests_name("mwu", tests, NULL, NULL);
}
