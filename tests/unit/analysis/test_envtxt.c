/* Unit tests for harness/analysis/envtxt.c, the one reader of env.txt: what
 * it keeps of each line, so that meta can refuse and the others pass over. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envtxt.h"

/* len bytes of text as an env.txt, read back into e. */
static void read_text(const char *text, size_t len, struct envtxt *e)
{
	char path[] = "/tmp/spawncost-test-envtxt-XXXXXX", err[256];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	assert_int_equal(envtxt_read(path, e, err, sizeof err), 0);
	unlink(path);
}

static void test_lines(void **state)
{
	static const char text[] = "host=a\n\nnot a fact\n=nokey\nk=v=w\nhost=b\nlast=no newline";
	struct envtxt e;

	read_text(text, sizeof text - 1, &e);
	assert_int_equal(e.nlines, 7);
	assert_true(e.line[1].empty);
	assert_null(e.line[1].val);
	assert_string_equal(e.line[2].key, "not a fact");
	assert_null(e.line[2].val);
	assert_null(e.line[3].val);		/* no key before the '=' */
	assert_string_equal(e.line[4].val, "v=w");	/* split at the first '=' */
	assert_int_equal(e.line[6].lineno, 7);
	assert_string_equal(envtxt_get(&e, "host"), "a");	/* the first one */
	assert_string_equal(envtxt_get(&e, "last"), "no newline");
	assert_null(envtxt_get(&e, "missing"));
	envtxt_free(&e);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "a=1\0junk\nb=2\n";
	struct envtxt e;

	read_text(text, sizeof text - 1, &e);
	assert_int_equal(e.nlines, 2);
	assert_true(e.line[0].nul);
	assert_string_equal(e.line[0].val, "1");	/* the value ends at the NUL */
	assert_false(e.line[1].nul);
	assert_string_equal(envtxt_get(&e, "b"), "2");	/* and the lines after it count */
	envtxt_free(&e);
}

static void test_missing_and_unreadable(void **state)
{
	char err[256];
	struct envtxt e;

	assert_int_equal(envtxt_read("/nonexistent/env.txt", &e, err, sizeof err), 1);
	assert_string_equal(err, "/nonexistent/env.txt: No such file or directory");
	assert_int_equal(e.nlines, 0);
	assert_int_equal(envtxt_read("/", &e, err, sizeof err), -1);
	assert_string_equal(err, "/: not a regular file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_missing_and_unreadable),
	};
	return cmocka_run_group_tests_name("envtxt", tests, NULL, NULL);
}
