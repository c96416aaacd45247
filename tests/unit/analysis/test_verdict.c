/* Unit tests for harness/analysis/verdict.c (the arithmetic behind the report's
 * verdicts) and harness/analysis/claims.c (the four claims worked out from a run),
 * on numbers chosen by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "claims.h"
#include "verdict.h"

#define EPS 1e-9

#define assert_near(a, b, eps)                                                     \
	do {                                                                       \
		double a_ = (a), b_ = (b);                                         \
		if (!(__builtin_fabs(a_ - b_) < (eps)))                            \
			fail_msg("%s = %.12g, expected %.12g (+- %g)", #a, a_, b_, \
				 (double)(eps));                                   \
	} while (0)

/* A median known to within +-0.5%, as a tight bootstrap interval gives. */
static struct est med(double v)
{
	return (struct est){ v, v * 0.995, v * 1.005 };
}

/* A point of a claim with band [lo, hi] at rss, ratio r known to +-1%. */
static struct point pt(double rss, double r, double lo, double hi)
{
	struct point p = { .rss_mib = rss, .res_mib = rss + 2, .r = { r, r * 0.99, r * 1.01 } };

	p.side = band_side(p.r, lo, hi);
	p.st = status_in_band(p.side);
	return p;
}

/* Ratios ------------------------------------------------------------------ */

static void test_ratio_interval_is_conservative(void **state)
{
	struct est r = est_ratio(med(45), med(10));

	assert_near(r.v, 4.5, EPS);
	assert_near(r.lo, 45 * 0.995 / (10 * 1.005), EPS);	/* a_lo / b_hi */
	assert_near(r.hi, 45 * 1.005 / (10 * 0.995), EPS);	/* a_hi / b_lo */
	assert_true(r.lo < r.v && r.v < r.hi);
}

static void test_ratio_of_missing_or_zero_is_nan(void **state)
{
	struct est none = { NAN, NAN, NAN }, zero = { 0, 0, 0 };

	assert_true(isnan(est_ratio(none, med(10)).v));
	assert_true(isnan(est_ratio(med(10), none).lo));
	assert_true(isnan(est_ratio(med(10), zero).hi));
	assert_false(est_ok(est_ratio(med(10), zero)));
}

static void test_slope_between_end_points(void **state)
{
	/* 106 us at 0 GiB, 28979 us at 1 GiB. */
	struct est a = { 106.4, 106.3, 106.5 }, b = { 28979, 28672, 29292 };
	struct est s = est_slope(a, b, 1.0);

	assert_near(s.v, 28979 - 106.4, EPS);
	assert_near(s.lo, 28672 - 106.5, EPS);
	assert_near(s.hi, 29292 - 106.3, EPS);
	assert_true(isnan(est_slope(a, b, 0).v));
}

/* Where an interval lies against a band --------------------------------- */

static void test_band_sides(void **state)
{
	assert_int_equal(band_side((struct est){ 4.5, 4.4, 4.6 }, 4, 5), SIDE_WITHIN);
	assert_int_equal(band_side((struct est){ 4, 4, 4.1 }, 4, 5), SIDE_WITHIN); /* edges count */
	assert_int_equal(band_side((struct est){ 2.2, 2.1, 2.3 }, 4, 5), SIDE_BELOW);
	assert_int_equal(band_side((struct est){ 24, 23, 25 }, 4, 5), SIDE_ABOVE);
	assert_int_equal(band_side((struct est){ 4.0, 3.96, 4.04 }, 4, 5), SIDE_ACROSS);
	assert_int_equal(band_side((struct est){ 5.0, 4.95, 5.05 }, 4, 5), SIDE_ACROSS);
	/* An interval wider than the band straddles both edges. */
	assert_int_equal(band_side((struct est){ 4.5, 3, 6 }, 4, 5), SIDE_ACROSS);
	/* Open bands: claim 3's [1, inf) and claim 2's [0, 1.10]. */
	assert_int_equal(band_side((struct est){ 1.27, 1.26, 1.28 }, 1, INFINITY), SIDE_WITHIN);
	assert_int_equal(band_side((struct est){ 0.88, 0.87, 0.89 }, 1, INFINITY), SIDE_BELOW);
	assert_int_equal(band_side((struct est){ 1.05, 1.04, 1.06 }, 0, 1.10), SIDE_WITHIN);
	assert_int_equal(band_side((struct est){ 2.23, 2.22, 2.24 }, 0, 1.10), SIDE_ABOVE);
}

static void test_status_of_sides(void **state)
{
	assert_int_equal(status_in_band(SIDE_WITHIN), ST_HOLDS);
	assert_int_equal(status_in_band(SIDE_BELOW), ST_FAILS);
	assert_int_equal(status_in_band(SIDE_ABOVE), ST_FAILS);
	assert_int_equal(status_in_band(SIDE_ACROSS), ST_UNSURE);
}

/* Verdicts over a sweep -------------------------------------------------- */

static void test_ratio_45_at_one_rss_holds_there_only(void **state)
{
	const struct point p[] = { pt(0, 4.5, 4, 5), pt(16, 24.5, 4, 5), pt(1024, 1186, 4, 5) };
	struct verdict v = verdict_of(p, 3);
	char buf[128];

	assert_int_equal(p[0].st, ST_HOLDS);
	assert_int_equal(v.kind, V_HOLDS_ONLY);
	assert_near(v.from, 0, EPS);
	assert_near(v.to, 0, EPS);
	assert_false(v.gaps);
	assert_int_equal(v.holds, 1);
	assert_int_equal(v.fails, 2);
	/* one size is no range: not "[0, 0]" */
	assert_string_equal(verdict_phrase(&v, buf, sizeof buf), "holds only at RSS 0 MiB");
}

static void test_holds_at_every_rss(void **state)
{
	const struct point p[] = { pt(0, 4.2, 4, 5), pt(16, 4.5, 4, 5), pt(64, 4.8, 4, 5) };
	struct verdict v = verdict_of(p, 3);
	char buf[128];

	assert_int_equal(v.kind, V_HOLDS);
	assert_string_equal(verdict_phrase(&v, buf, sizeof buf), "holds");
}

static void test_holds_for_a_middle_range(void **state)
{
	const struct point p[] = { pt(0, 2.2, 4, 5), pt(16, 4.1, 4, 5), pt(64, 4.9, 4, 5),
				   pt(256, 20, 4, 5) };
	struct verdict v = verdict_of(p, 4);
	char buf[128];

	assert_int_equal(v.kind, V_HOLDS_ONLY);
	assert_string_equal(verdict_phrase(&v, buf, sizeof buf),
			    "holds only for RSS in [16, 64] MiB");
}

static void test_holds_with_a_gap(void **state)
{
	const struct point p[] = { pt(0, 4.5, 4, 5), pt(16, 9, 4, 5), pt(64, 4.5, 4, 5) };
	struct verdict v = verdict_of(p, 3);
	char buf[128];

	assert_true(v.gaps);
	assert_string_equal(verdict_phrase(&v, buf, sizeof buf),
			    "holds only for RSS in [0, 64] MiB (not at every RSS between)");
}

static void test_never_within_does_not_hold(void **state)
{
	/* The -exec pair of the committed run: 2.2x, then 9x and more. */
	const struct point p[] = { pt(0, 2.23, 4, 5), pt(16, 9.08, 4, 5), pt(1024, 315, 4, 5) };
	struct verdict v = verdict_of(p, 3);
	char buf[128];

	assert_int_equal(v.kind, V_FAILS);
	assert_string_equal(verdict_phrase(&v, buf, sizeof buf), "does not hold");
}

static void test_straddling_everywhere_is_undecided(void **state)
{
	const struct point p[] = { pt(0, 4.0, 4, 5), pt(16, 5.0, 4, 5) };
	struct verdict v = verdict_of(p, 2);

	assert_int_equal(p[0].st, ST_UNSURE);
	assert_int_equal(v.kind, V_UNDECIDED);
	assert_int_equal(v.unsure, 2);
	/* ... but one sure failure makes it "does not hold". */
	{
		const struct point q[] = { pt(0, 4.0, 4, 5), pt(16, 9, 4, 5) };

		assert_int_equal(verdict_of(q, 2).kind, V_FAILS);
	}
}

static void test_no_points_no_data(void **state)
{
	struct verdict v = verdict_of(NULL, 0);
	char buf[64];

	assert_int_equal(v.kind, V_NO_DATA);
	assert_string_equal(verdict_phrase(&v, buf, sizeof buf), "no data");
}

/* Crossings ---------------------------------------------------------------- */

static void test_crossing_interpolates_linearly(void **state)
{
	/* 4.43x at 0 MiB, 24.53x at 16 MiB: 5x at 16 * 0.57 / 20.1. */
	const struct point p[] = { pt(0, 4.43, 4, 5), pt(16, 24.53, 4, 5), pt(64, 79.5, 4, 5) };
	struct point at[4];

	assert_int_equal(crossings(p, 3, 5, at, 4), 1);
	assert_near(at[0].rss_mib, 16 * 0.57 / 20.1, 1e-9);
	assert_near(at[0].res_mib, 2 + 16 * 0.57 / 20.1, 1e-9);
	assert_near(at[0].r.v, 5, EPS);
	assert_int_equal(crossings(p, 3, 4, at, 4), 0);	/* starts above 4x */
}

static void test_crossing_down_and_on_a_point(void **state)
{
	const struct point down[] = { pt(0, 10, 4, 5), pt(10, 0, 4, 5) };
	const struct point on[] = { pt(0, 3, 4, 5), pt(16, 5, 4, 5), pt(64, 7, 4, 5) };
	const struct point touch[] = { pt(0, 3, 4, 5), pt(16, 5, 4, 5), pt(64, 3, 4, 5) };
	struct point at[4];

	assert_int_equal(crossings(down, 2, 5, at, 4), 1);
	assert_near(at[0].rss_mib, 5, EPS);
	/* A point on the level is one crossing, not two. */
	assert_int_equal(crossings(on, 3, 5, at, 4), 1);
	assert_near(at[0].rss_mib, 16, EPS);
	/* A curve that only touches the level does not cross it. */
	assert_int_equal(crossings(touch, 3, 5, at, 4), 0);
	/* No more than max. */
	assert_int_equal(crossings(touch, 3, 4, at, 1), 1);
}

/* The four claims on a fixture run ---------------------------------------- */

/* tests/fixtures/plots/full: hand-made numbers (see its summary.csv). */
static int load_full(void **state)
{
	static struct rundir r;
	char err[RUNDIR_ERR_LEN];

	if (rundir_open(&r, "tests/fixtures/plots/full", FOR_REPORT, err)) {
		print_error("%s\n", err);
		return -1;
	}
	*state = &r;
	return 0;
}

static int free_full(void **state)
{
	rundir_free(*state);
	return 0;
}

static void test_claims_on_the_fixture(void **state)
{
	const struct rundir *r = *state;
	static struct claims c;

	claims_compute(r, &c);
	assert_int_equal(c.nthp, 2);
	assert_string_equal(c.thp[0], "off");
	assert_int_equal(c.nrss, 3);

	/* 1: fork-exit 45 / vfork-exit 10 = 4.5 at 0 MiB, 10 and 30 after. */
	assert_int_equal(c.vfork_exit[0].v.kind, V_HOLDS_ONLY);
	assert_near(c.vfork_exit[0].v.from, 0, EPS);
	assert_near(c.vfork_exit[0].v.to, 0, EPS);
	assert_near(c.vfork_exit[0].pt[0].r.v, 4.5, 1e-9);
	/* the -exec pair reaches the band only at 64 MiB (90 / 20) */
	assert_int_equal(c.vfork_exec[0].v.kind, V_HOLDS_ONLY);
	assert_near(c.vfork_exec[0].v.from, 64, EPS);
	/* THP on: 40 / 10 = 4.0 exactly straddles the edge, then above. */
	assert_int_equal(c.vfork_exit[1].pt[0].st, ST_UNSURE);
	assert_int_equal(c.vfork_exit[1].v.kind, V_FAILS);

	/* 2: fork-exec 21 / vfork-exec 20 = 1.05, within 10% at 0 MiB only. */
	assert_int_equal(c.efficient[0].v.kind, V_HOLDS_ONLY);
	assert_near(c.efficient[0].v.to, 0, EPS);
	assert_int_equal(c.efficient[0].ncross, 1);
	assert_near(c.efficient[0].cross[0].r.v, AS_EFFICIENT, EPS);

	/* 3: clone-thread 8 beats vfork-exit 10 at 0 and 16 MiB; clone-vm's
	 * 7 beats it at 64. clone-custom (a variant) and the failed
	 * clone-newuser do not count. No thread method ran with THP on. */
	assert_int_equal(c.cheapest[0].v.kind, V_HOLDS_ONLY);
	assert_near(c.cheapest[0].v.to, 16, EPS);
	assert_string_equal(c.cheapest[0].nb[0], "clone-thread");
	assert_string_equal(c.cheapest[0].na[0], "vfork-exit");
	assert_string_equal(c.cheapest[0].na[2], "clone-vm");
	assert_true(c.raw_clone_thread);
	assert_int_equal(c.cheapest[1].v.kind, V_NO_DATA);

	/* 4: fork-exit 45 -> 100 -> 300: more than 10% dearer at once; the
	 * slope comes from fit.csv, the per-page figures from per_page_ns. */
	assert_int_equal(c.copies[0].v.kind, V_FAILS);
	assert_int_equal(c.copies[0].n, 2);
	assert_near(c.copies[0].pt[0].r.v, 100.0 / 45, 1e-9);
	assert_true(c.growth[0].from_fit_csv);
	assert_near(c.growth[0].us_per_gib, 4080, EPS);
	assert_near(c.growth[0].ns_per_page, 4080 * 1000.0 / 262144, 1e-9);
	assert_near(c.growth[0].cow_ns, 240, EPS);
	assert_near(c.growth[0].first_touch_ns, 140, EPS);
	assert_near(c.growth[0].rewrite_ns, 1.8, EPS);
	assert_near(c.growth[1].us_per_gib, 960, EPS);
}

static void test_growth_fitted_when_no_fit_csv(void **state)
{
	struct rundir r;
	static struct claims c;
	char err[RUNDIR_ERR_LEN];

	/* The committed run trimmed: fork-exit 106.4 us at 0 MiB ... 28979 us
	 * at 1024 MiB; no fit.csv, so least squares over the five medians. */
	assert_int_equal(rundir_open(&r, "tests/fixtures/plots/core", FOR_REPORT, err), 0);
	claims_compute(&r, &c);
	assert_false(c.growth[0].from_fit_csv);
	assert_true(c.growth[0].us_per_gib > 28000 && c.growth[0].us_per_gib < 30000);
	assert_true(c.growth[0].r2 > 0.999);
	assert_true(isnan(c.growth[0].cow_ns));
	/* the end-point slope's interval holds the fitted slope */
	assert_true(c.growth[0].slope.lo < c.growth[0].us_per_gib + 200);
	/* 1: the -exit pair holds at 0 MiB only, the -exec pair nowhere. */
	assert_int_equal(c.vfork_exit[0].v.kind, V_HOLDS_ONLY);
	assert_near(c.vfork_exit[0].v.to, 0, EPS);
	assert_int_equal(c.vfork_exec[0].v.kind, V_FAILS);
	/* 2 fails from the smallest parent; 3 holds (pthread only). */
	assert_int_equal(c.efficient[0].v.kind, V_FAILS);
	assert_int_equal(c.cheapest[0].v.kind, V_HOLDS);
	assert_false(c.raw_clone_thread);
	rundir_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratio_interval_is_conservative),
		cmocka_unit_test(test_ratio_of_missing_or_zero_is_nan),
		cmocka_unit_test(test_slope_between_end_points),
		cmocka_unit_test(test_band_sides),
		cmocka_unit_test(test_status_of_sides),
		cmocka_unit_test(test_ratio_45_at_one_rss_holds_there_only),
		cmocka_unit_test(test_holds_at_every_rss),
		cmocka_unit_test(test_holds_for_a_middle_range),
		cmocka_unit_test(test_holds_with_a_gap),
		cmocka_unit_test(test_never_within_does_not_hold),
		cmocka_unit_test(test_straddling_everywhere_is_undecided),
		cmocka_unit_test(test_no_points_no_data),
		cmocka_unit_test(test_crossing_interpolates_linearly),
		cmocka_unit_test(test_crossing_down_and_on_a_point),
		cmocka_unit_test_setup_teardown(test_claims_on_the_fixture, load_full, free_full),
		cmocka_unit_test(test_growth_fitted_when_no_fit_csv),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
