/* Unit tests for harness/common/parse.c: strict numbers and comma lists. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

static double absd(double v)
{
	return __builtin_fabs(v);
}

/* parse_u64 -------------------------------------------------------------- */

static void accept_u64(const char *s, uint64_t min, uint64_t max, uint64_t want)
{
	char err[PARSE_ERR_LEN] = "";
	uint64_t v = 0xdeadbeef;

	if (parse_u64(s, min, max, &v, err) != 0)
		fail_msg("parse_u64(\"%s\", %llu, %llu) failed: %s", s, (unsigned long long)min,
			 (unsigned long long)max, err);
	if (v != want)
		fail_msg("parse_u64(\"%s\") = %llu, expected %llu", s, (unsigned long long)v,
			 (unsigned long long)want);
}

/* Rejects s; the error mentions the input and, if given, the word `why`. */
static void reject_u64(const char *s, uint64_t min, uint64_t max, const char *why)
{
	char err[PARSE_ERR_LEN] = "";
	uint64_t v = 0xdeadbeef;

	if (parse_u64(s, min, max, &v, err) == 0)
		fail_msg("parse_u64(\"%s\", %llu, %llu) accepted it as %llu", s,
			 (unsigned long long)min, (unsigned long long)max, (unsigned long long)v);
	assert_true(v == 0xdeadbeef);	/* out untouched on error */
	assert_true(err[0] != '\0');
	assert_non_null(memchr(err, '\0', PARSE_ERR_LEN));
	char quoted[PARSE_ERR_LEN];
	snprintf(quoted, sizeof quoted, "'%s'", s);
	if (!strstr(err, quoted))
		fail_msg("error for \"%s\" does not quote the input: %s", s, err);
	if (why && !strstr(err, why))
		fail_msg("error for \"%s\" does not say \"%s\": %s", s, why, err);
}

static void test_u64_accepts(void **state)
{
	accept_u64("0", 0, 100, 0);
	accept_u64("42", 0, 100, 42);
	accept_u64("100", 0, 100, 100);		/* max exactly */
	accept_u64("5", 5, 10, 5);		/* min exactly */
	accept_u64("007", 0, 100, 7);		/* leading zeros are still decimal */
	accept_u64("18446744073709551615", 0, UINT64_MAX, UINT64_MAX);
	accept_u64("4294967296", 0, UINT64_MAX, 4294967296ULL);
}

static void test_u64_rejects_syntax(void **state)
{
	reject_u64("", 0, 100, "not a whole number");
	reject_u64("-1", 0, 100, "not a whole number");
	reject_u64("-0", 0, 100, "not a whole number");
	reject_u64("+5", 0, 100, "not a whole number");
	reject_u64(" 5", 0, 100, "not a whole number");
	reject_u64("5 ", 0, 100, "not a whole number");
	reject_u64("\t5", 0, 100, "not a whole number");
	reject_u64("5\n", 0, 100, "not a whole number");
	reject_u64("5x", 0, 100, "not a whole number");
	reject_u64("0x10", 0, 100, "not a whole number");
	reject_u64("1e3", 0, 10000, "not a whole number");
	reject_u64("1.0", 0, 100, "not a whole number");
	reject_u64("1,000", 0, 10000, "not a whole number");
	reject_u64("abc", 0, 100, "not a whole number");
}

static void test_u64_rejects_range(void **state)
{
	reject_u64("101", 0, 100, "too large");
	reject_u64("1000000", 0, 100, "too large");
	reject_u64("99999999999999999999999", 0, UINT64_MAX, "too large");
	reject_u64("18446744073709551616", 0, UINT64_MAX, "too large");	/* 2^64 */
	reject_u64("99999999999999999999999", 0, 100, "too large");
	reject_u64("0", 1, 100, "too small");
	reject_u64("4", 5, 10, "too small");
}

static void test_u64_error_mentions_bound(void **state)
{
	char err[PARSE_ERR_LEN];
	uint64_t v;

	assert_int_equal(parse_u64("101", 0, 100, &v, err), -1);
	assert_non_null(strstr(err, "100"));
	assert_int_equal(parse_u64("4", 5, 10, &v, err), -1);
	assert_non_null(strstr(err, "5"));
}

static void test_u64_long_input_error_fits(void **state)
{
	char s[400];
	char err[PARSE_ERR_LEN];
	uint64_t v;

	memset(s, '9', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	assert_int_equal(parse_u64(s, 0, 100, &v, err), -1);
	/* Truncated, but terminated and within the buffer. */
	assert_true(strlen(err) < PARSE_ERR_LEN);
}

/* parse_double ----------------------------------------------------------- */

static void accept_double(const char *s, double min, double max, double want)
{
	char err[PARSE_ERR_LEN] = "";
	double v = -12345;

	if (parse_double(s, min, max, &v, err) != 0)
		fail_msg("parse_double(\"%s\", %g, %g) failed: %s", s, min, max, err);
	if (!(absd(v - want) < 1e-12))
		fail_msg("parse_double(\"%s\") = %.17g, expected %.17g", s, v, want);
}

static void reject_double(const char *s, double min, double max, const char *why)
{
	char err[PARSE_ERR_LEN] = "";
	double v = -12345;

	if (parse_double(s, min, max, &v, err) == 0)
		fail_msg("parse_double(\"%s\", %g, %g) accepted it as %.17g", s, min, max, v);
	assert_true(v == -12345);
	assert_true(err[0] != '\0');
	char quoted[PARSE_ERR_LEN];
	snprintf(quoted, sizeof quoted, "'%s'", s);
	if (!strstr(err, quoted))
		fail_msg("error for \"%s\" does not quote the input: %s", s, err);
	if (why && !strstr(err, why))
		fail_msg("error for \"%s\" does not say \"%s\": %s", s, why, err);
}

static void test_double_accepts(void **state)
{
	accept_double("0.5", 0, 10, 0.5);
	accept_double(".5", 0, 10, 0.5);
	accept_double("3", 0, 10, 3.0);
	accept_double("3.", 0, 10, 3.0);
	accept_double("0", 0, 10, 0.0);
	accept_double("10", 0, 10, 10.0);		/* max exactly */
	accept_double("0.001", 0.001, 86400, 0.001);	/* min exactly */
	accept_double("86400", 0.001, 86400, 86400.0);
	accept_double("0.25", 0.001, 86400, 0.25);
}

static void test_double_rejects_syntax(void **state)
{
	reject_double("-0.5", 0, 10, "not a number");
	reject_double("-0", 0, 10, "not a number");
	reject_double("+1", 0, 10, "not a number");
	reject_double(" 1", 0, 10, "not a number");
	reject_double("1 ", 0, 10, "not a number");
	reject_double("nan", 0, 10, "not a number");
	reject_double("NaN", 0, 10, "not a number");
	reject_double("inf", 0, 10, "not a number");
	reject_double("infinity", 0, 10, "not a number");
	reject_double("abc", 0, 10, "not a number");
	reject_double("", 0, 10, "not a number");
	reject_double(".", 0, 10, "not a number");
	reject_double("0.5s", 0, 10, "not a number");
	reject_double("1..2", 0, 10, "not a number");
	reject_double("5x", 0, 10, "not a number");
}

static void test_double_rejects_range(void **state)
{
	/* Overflows to infinity: rejected whatever the wording. */
	reject_double("1e999", 0, 1e300, "too large");
	reject_double("1e-400", 0.001, 86400, "too small");
	/* strtod reads hex; a decimal option must not. */
	reject_double("0x10", 0, 100, "not a number");
	reject_double("0x1p-2", 0, 100, "not a number");
	reject_double("10.5", 0, 10, "too large");
	reject_double("86401", 0.001, 86400, "too large");
	reject_double("0.0005", 0.001, 86400, "too small");
	reject_double("0", 0.001, 86400, "too small");
	reject_double(".5", 1, 10, "too small");
}

/* A sign where the range has negative numbers (fit.csv's intercept), and
 * only there. */
static void test_double_signed(void **state)
{
	accept_double("-0.5", -10, 10, -0.5);
	accept_double("-.5e1", -INFINITY, INFINITY, -5);
	accept_double("0.5", -10, 10, 0.5);
	reject_double("--1", -10, 10, "not a number");
	reject_double("-", -10, 10, "not a number");
	reject_double("+1", -10, 10, "not a number");
	reject_double("-11", -10, 10, "too small");
	reject_double("-1e999", -INFINITY, INFINITY, "too small");
	reject_double("1e999", -INFINITY, INFINITY, "too large");
	reject_double("-0", 0, INFINITY, "not a number");
}

/* split_list ------------------------------------------------------------- */

static void test_split_three(void **state)
{
	char buf[] = "a,b,c";
	char *items[8];
	char err[PARSE_ERR_LEN] = "";
	size_t n = 99;

	assert_int_equal(split_list(buf, items, 8, &n, err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(items[0], "a");
	assert_string_equal(items[1], "b");
	assert_string_equal(items[2], "c");
	/* Pointers into buf. */
	assert_ptr_equal(items[0], buf);
	assert_ptr_equal(items[1], buf + 2);
	assert_ptr_equal(items[2], buf + 4);
}

static void test_split_one(void **state)
{
	char buf[] = "fork-exec";
	char *items[4];
	char err[PARSE_ERR_LEN] = "";
	size_t n = 99;

	assert_int_equal(split_list(buf, items, 4, &n, err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0], "fork-exec");
}

static void test_split_words(void **state)
{
	char buf[] = "16M,256M,1G";
	char *items[3];
	char err[PARSE_ERR_LEN] = "";
	size_t n = 0;

	/* Exactly max items is fine. */
	assert_int_equal(split_list(buf, items, 3, &n, err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(items[0], "16M");
	assert_string_equal(items[1], "256M");
	assert_string_equal(items[2], "1G");
}

static void reject_split(const char *list, size_t max, const char *why)
{
	char buf[64];
	char *items[8];
	char err[PARSE_ERR_LEN] = "";
	size_t n = 99;

	assert_true(max <= 8);
	snprintf(buf, sizeof buf, "%s", list);
	if (split_list(buf, items, max, &n, err) == 0)
		fail_msg("split_list(\"%s\", max %zu) accepted it (%zu items)", list, max, n);
	assert_true(err[0] != '\0');
	if (why && !strstr(err, why))
		fail_msg("error for \"%s\" does not say \"%s\": %s", list, why, err);
	assert_true(n <= max);
}

static void test_split_rejects_empty(void **state)
{
	reject_split("", 8, "empty");
	reject_split(",a", 8, "empty");
	reject_split("a,", 8, "empty");
	reject_split("a,,b", 8, "empty");
	reject_split(",", 8, "empty");
	reject_split(",,", 8, "empty");
}

static void test_split_rejects_too_many(void **state)
{
	reject_split("a,b,c", 2, "too many");
	reject_split("a,b", 1, "too many");
	reject_split("a", 0, "too many");
	reject_split("a,b,c,d,e,f,g,h,i", 8, "too many");
}

static void test_split_too_many_mentions_max(void **state)
{
	char buf[] = "a,b,c";
	char *items[2];
	char err[PARSE_ERR_LEN] = "";
	size_t n;

	assert_int_equal(split_list(buf, items, 2, &n, err), -1);
	assert_non_null(strstr(err, "2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_accepts),
		cmocka_unit_test(test_u64_rejects_syntax),
		cmocka_unit_test(test_u64_rejects_range),
		cmocka_unit_test(test_u64_error_mentions_bound),
		cmocka_unit_test(test_u64_long_input_error_fits),
		cmocka_unit_test(test_double_accepts),
		cmocka_unit_test(test_double_rejects_syntax),
		cmocka_unit_test(test_double_rejects_range),
		cmocka_unit_test(test_double_signed),
		cmocka_unit_test(test_split_three),
		cmocka_unit_test(test_split_one),
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_split_rejects_empty),
		cmocka_unit_test(test_split_rejects_too_many),
		cmocka_unit_test(test_split_too_many_mentions_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
