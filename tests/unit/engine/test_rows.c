/* Unit tests for harness/engine/rows.c: a cell that failed takes back the
 * rows of its earlier windows, wherever they are in the file, and the rows
 * of the other cells close up in their order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rows.h"

static char path[64];

/* A header, then a window of cell 0, of cell 1, of 0, of 1 (4 bytes each
 * in samples, none in probes). */
static const char rows[] = "hdr\na-1\nb-1\na-2\nb-2\n";

static void setup_file(struct row_spans *s)
{
	FILE *f;

	snprintf(path, sizeof path, "/tmp/spawncost-rows-XXXXXX");
	assert_true(mkstemp(path) >= 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(rows, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(row_spans_init(s, 4), 0);
	for (int w = 0; w < 4; w++) {
		off_t from[2] = { 4 + 4 * w, 0 }, to[2] = { 8 + 4 * w, 0 };
		assert_int_equal(row_spans_add(s, (uint32_t)(w % 2), from, to), 0);
	}
}

static char *contents(void)
{
	static char buf[64];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool is_cell(uint32_t cell, const void *which)
{
	return cell == *(const uint32_t *)which;
}

static bool none(uint32_t cell, const void *arg)
{
	return false;
}

static void test_cut_each_cell(void **state)
{
	for (uint32_t cell = 0; cell < 2; cell++) {
		struct row_spans s;
		off_t len = sizeof rows - 1;

		setup_file(&s);
		assert_int_equal(row_spans_cut(&s, 0, path, &len, is_cell, &cell), 0);
		assert_string_equal(contents(), cell ? "hdr\na-1\na-2\n" : "hdr\nb-1\nb-2\n");
		assert_int_equal(len, 12);
		row_spans_free(&s);
		unlink(path);
	}
}

/* Nothing failed, or the failed cell has no rows in the file (probes):
 * the file is not even opened. */
static void test_nothing_to_cut(void **state)
{
	struct row_spans s;
	off_t len = sizeof rows - 1;
	uint32_t cell = 1;

	setup_file(&s);
	assert_int_equal(row_spans_cut(&s, 0, path, &len, none, NULL), 0);
	assert_int_equal(row_spans_cut(&s, 1, "/nonexistent/file", &len, is_cell, &cell), 0);
	assert_string_equal(contents(), rows);
	assert_int_equal(len, sizeof rows - 1);
	row_spans_free(&s);
	unlink(path);
}

static void test_full(void **state)
{
	struct row_spans s;
	off_t at[2] = { 0, 0 };

	assert_int_equal(row_spans_init(&s, 1), 0);
	assert_int_equal(row_spans_add(&s, 0, at, at), 0);
	assert_int_equal(row_spans_add(&s, 0, at, at), ENOSPC);
	row_spans_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_each_cell),
		cmocka_unit_test(test_nothing_to_cut),
		cmocka_unit_test(test_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
