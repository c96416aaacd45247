/* Unit tests for harness/common/eventspec.c: the text form of a counter that the
 * front end writes and the engine reads back. No libpfm4 involved. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "eventspec.h"

static struct event_spec spec(const char *name, uint32_t type, uint64_t config,
			      uint64_t config1, uint64_t config2)
{
	struct event_spec e = { .type = type, .config = config, .config1 = config1,
				.config2 = config2 };

	snprintf(e.name, sizeof e.name, "%s", name);
	return e;
}

static void round_trip(struct event_spec e, const char *want)
{
	char text[EVENT_SPEC_TEXT_LEN], err[160] = "";
	struct event_spec back;

	memset(&back, 0xa5, sizeof back);
	assert_int_equal(event_spec_format(&e, text, sizeof text), 0);
	if (want)
		assert_string_equal(text, want);
	if (event_spec_parse(text, &back, err, sizeof err))
		fail_msg("event_spec_parse(\"%s\") failed: %s", text, err);
	assert_string_equal(back.name, e.name);
	assert_true(back.type == e.type);
	assert_true(back.config == e.config);
	assert_true(back.config1 == e.config1);
	assert_true(back.config2 == e.config2);
}

static void test_round_trip(void **state)
{
	round_trip(spec("page_faults", 1, 2, 0, 0), "page_faults:1:2:0:0");
	round_trip(spec("cycles", 0, 0, 0, 0), "cycles:0:0:0:0");
	round_trip(spec("l1d_read_miss", 3, 65536, 0, 0), "l1d_read_miss:3:65536:0:0");
	round_trip(spec("x", UINT32_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX),
		   "x:4294967295:18446744073709551615:18446744073709551615:18446744073709551615");
	round_trip(spec("a_0_z", 4, 0x530076, 1, 2), "a_0_z:4:5439606:1:2");
}

/* The longest name and the largest numbers fit EVENT_SPEC_TEXT_LEN. */
static void test_longest_fits(void **state)
{
	char name[EVENT_NAME_LEN];

	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	round_trip(spec(name, UINT32_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX), NULL);
}

static void test_format_refuses(void **state)
{
	struct event_spec e = spec("page_faults", 1, 2, 0, 0);
	char small[8], text[EVENT_SPEC_TEXT_LEN];

	assert_int_equal(event_spec_format(&e, small, sizeof small), -1);
	e = spec("page-faults", 1, 2, 0, 0);
	assert_int_equal(event_spec_format(&e, text, sizeof text), -1);
	e = spec("", 1, 2, 0, 0);
	assert_int_equal(event_spec_format(&e, text, sizeof text), -1);
	e = spec("a:b", 1, 2, 0, 0);
	assert_int_equal(event_spec_format(&e, text, sizeof text), -1);
}

/* Rejected, e untouched, and a one-line reason that quotes the input. */
static void reject(const char *s, const char *why)
{
	char err[512] = "";
	struct event_spec e, before;

	memset(&e, 0x5a, sizeof e);
	before = e;
	if (event_spec_parse(s, &e, err, sizeof err) == 0)
		fail_msg("event_spec_parse(\"%s\") accepted it", s);
	assert_memory_equal(&e, &before, sizeof e);
	assert_null(strchr(err, '\n'));
	if (!strstr(err, s))
		fail_msg("error for \"%s\" does not quote it: %s", s, err);
	if (why && !strstr(err, why))
		fail_msg("error for \"%s\" does not say \"%s\": %s", s, why, err);
}

static void test_parse_rejects(void **state)
{
	char longname[EVENT_NAME_LEN + 16];

	reject("", "fields");
	reject("page_faults", "fields");
	reject("page_faults:1:2:0", "fields");
	reject("page_faults:1:2:0:0:0", "fields");
	reject(":1:2:0:0", "name");
	reject("Page_faults:1:2:0:0", "name");
	reject("page-faults:1:2:0:0", "name");
	reject("page faults:1:2:0:0", "name");
	reject("page_faults::2:0:0", "type");
	reject("page_faults:1:2::0", "config1");
	reject("page_faults:1:2:0:", "config2");
	reject("page_faults:-1:2:0:0", "type");
	reject("page_faults:+1:2:0:0", "type");
	reject("page_faults: 1:2:0:0", "type");
	reject("page_faults:1:2 :0:0", "config");
	reject("page_faults:1:0x10:0:0", "config");
	reject("page_faults:1:2:0:0 ", "config2");
	reject("page_faults:4294967296:2:0:0", "type");
	reject("page_faults:1:18446744073709551616:0:0", "config");
	reject("page_faults:1:99999999999999999999999:0:0", "config");
	memset(longname, 'n', EVENT_NAME_LEN);
	strcpy(longname + EVENT_NAME_LEN, ":1:2:0:0");
	reject(longname, "name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_longest_fits),
		cmocka_unit_test(test_format_refuses),
		cmocka_unit_test(test_parse_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
