/* Unit tests for harness/analysis/jsontext.c: text from a run as the UTF-8
 * that JSON must be, each stray byte as \xHH, valid UTF-8 unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "jsontext.h"

static void expect(const char *in, const char *want)
{
	char *got = utf8_text(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_valid_unchanged(void **state)
{
	expect("", "");
	expect("/tmp/run a,b\\x", "/tmp/run a,b\\x");
	expect("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80 \xf4\x8f\xbf\xbf",
	       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80 \xf4\x8f\xbf\xbf");
}

/* What RFC 3629 (and jansson) refuse, byte by byte. */
static void test_stray_bytes(void **state)
{
	expect("out\xff", "out\\xff");
	expect("\x80x", "\\x80x");				/* a lone continuation */
	expect("\xc3", "\\xc3");				/* cut short at the end */
	expect("\xc3(", "\\xc3(");				/* cut short before ASCII */
	expect("\xc0\x80", "\\xc0\\x80");			/* overlong NUL */
	expect("\xe0\x80\xaf", "\\xe0\\x80\\xaf");		/* overlong '/' */
	expect("\xed\xa0\x80", "\\xed\\xa0\\x80");		/* a surrogate */
	expect("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* past U+10FFFF */
	expect("\xf0\x9f\x9a", "\\xf0\\x9f\\x9a");		/* 4 bytes cut to 3 */
}

static void test_json_string(void **state)
{
	json_t *j = json_text("tg\xff");

	assert_non_null(j);
	assert_string_equal(json_string_value(j), "tg\\xff");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_unchanged),
		cmocka_unit_test(test_stray_bytes),
		cmocka_unit_test(test_json_string),
	};
	return cmocka_run_group_tests_name("jsontext", tests, NULL, NULL);
}
