/* Unit tests for harness/common/csv.c: RFC 4180 fields and atomic result files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"

/* In-memory CSV -------------------------------------------------------------- */

struct mem {
	char *buf;
	size_t len;
	struct csv c;
};

static int mem_setup(void **state)
{
	struct mem *m = calloc(1, sizeof *m);

	if (!m)
		return -1;
	m->c.f = open_memstream(&m->buf, &m->len);
	if (!m->c.f) {
		free(m);
		return -1;
	}
	m->c.col = 0;
	*state = m;
	return 0;
}

static int mem_teardown(void **state)
{
	struct mem *m = *state;

	if (m->c.f)
		fclose(m->c.f);
	free(m->buf);
	free(m);
	return 0;
}

/* What has been written so far. */
static const char *mem_text(struct mem *m)
{
	assert_int_equal(fflush(m->c.f), 0);
	return m->buf ? m->buf : "";
}

static void test_plain_fields(void **state)
{
	struct mem *m = *state;

	csv_str(&m->c, "fork-exec");
	csv_str(&m->c, "hello world");
	csv_str(&m->c, "");
	csv_end(&m->c);
	assert_string_equal(mem_text(m), "fork-exec,hello world,\n");
}

static void test_single_field(void **state)
{
	struct mem *m = *state;

	csv_str(&m->c, "only");
	csv_end(&m->c);
	assert_string_equal(mem_text(m), "only\n");
}

static void test_quote_comma(void **state)
{
	struct mem *m = *state;

	csv_str(&m->c, "a,b");
	csv_str(&m->c, "x");
	csv_end(&m->c);
	assert_string_equal(mem_text(m), "\"a,b\",x\n");
}

static void test_quote_quote(void **state)
{
	struct mem *m = *state;

	csv_str(&m->c, "say \"hi\"");
	csv_end(&m->c);
	csv_str(&m->c, "\"");
	csv_end(&m->c);
	csv_str(&m->c, "\"\"");
	csv_end(&m->c);
	assert_string_equal(mem_text(m), "\"say \"\"hi\"\"\"\n"
					 "\"\"\"\"\n"
					 "\"\"\"\"\"\"\n");
}

static void test_quote_newline(void **state)
{
	struct mem *m = *state;

	csv_str(&m->c, "line1\nline2");
	csv_str(&m->c, "cr\rhere");
	csv_str(&m->c, "crlf\r\n");
	csv_end(&m->c);
	assert_string_equal(mem_text(m), "\"line1\nline2\",\"cr\rhere\",\"crlf\r\n\"\n");
}

static void test_quote_mixed(void **state)
{
	struct mem *m = *state;

	csv_u64(&m->c, 1);
	csv_str(&m->c, "Intel(R) Xeon(R), \"Gold\" 6248\n");
	csv_u64(&m->c, 2);
	csv_end(&m->c);
	assert_string_equal(mem_text(m), "1,\"Intel(R) Xeon(R), \"\"Gold\"\" 6248\n\",2\n");
}

static void test_integers(void **state)
{
	struct mem *m = *state;

	csv_u64(&m->c, 0);
	csv_u64(&m->c, 42);
	csv_u64(&m->c, UINT64_MAX);
	csv_i64(&m->c, -7);
	csv_i64(&m->c, INT64_MIN);
	csv_i64(&m->c, INT64_MAX);
	csv_end(&m->c);
	assert_string_equal(mem_text(m), "0,42,18446744073709551615,-7,"
					 "-9223372036854775808,9223372036854775807\n");
}

static void test_us(void **state)
{
	struct mem *m = *state;

	csv_us(&m->c, 1234);
	csv_us(&m->c, 5);
	csv_us(&m->c, 0);
	csv_us(&m->c, 1000);
	csv_us(&m->c, 1234567.0);
	csv_us(&m->c, 999.6);	/* rounds to the nearest nanosecond */
	csv_end(&m->c);
	assert_string_equal(mem_text(m), "1.234,0.005,0.000,1.000,1234.567,1.000\n");
}

static void test_us_half_ns(void **state)
{
	struct mem *m = *state;

	/* Medians of an even sample end in .5 ns; either neighbour is fine. */
	csv_us(&m->c, 1234.5);
	csv_end(&m->c);
	const char *t = mem_text(m);
	assert_true(strcmp(t, "1.234\n") == 0 || strcmp(t, "1.235\n") == 0);
}

static void test_empty(void **state)
{
	struct mem *m = *state;

	csv_empty(&m->c);
	csv_u64(&m->c, 1);
	csv_empty(&m->c);
	csv_str(&m->c, "x");
	csv_empty(&m->c);
	csv_end(&m->c);
	csv_empty(&m->c);
	csv_end(&m->c);
	csv_empty(&m->c);
	csv_empty(&m->c);
	csv_end(&m->c);
	assert_string_equal(mem_text(m), ",1,,x,\n\n,\n");
}

static void test_header_then_rows(void **state)
{
	struct mem *m = *state;

	csv_header(&m->c, "method,rss_bytes,median_us,error");
	csv_str(&m->c, "fork-exec");
	csv_u64(&m->c, 16777216);
	csv_us(&m->c, 152340);
	csv_empty(&m->c);
	csv_end(&m->c);
	csv_str(&m->c, "vfork-exec");
	csv_u64(&m->c, 0);
	csv_empty(&m->c);
	csv_str(&m->c, "spawn failed: No such file, or directory");
	csv_end(&m->c);
	assert_string_equal(mem_text(m), "method,rss_bytes,median_us,error\n"
					 "fork-exec,16777216,152.340,\n"
					 "vfork-exec,0,,\"spawn failed: No such file, or directory\"\n");
}

static void test_header_resets_column(void **state)
{
	struct mem *m = *state;

	/* A header after a half-written row still starts the next row fresh. */
	m->c.col = 3;
	csv_header(&m->c, "a,b");
	csv_u64(&m->c, 1);
	csv_u64(&m->c, 2);
	csv_end(&m->c);
	assert_string_equal(mem_text(m), "a,b\n1,2\n");
}

static void test_tmpfile(void **state)
{
	struct csv c = { .f = tmpfile(), .col = 0 };
	char buf[128];
	size_t got;

	assert_non_null(c.f);
	csv_header(&c, "x,y");
	csv_str(&c, "a\"b");
	csv_us(&c, 5);
	csv_end(&c);
	rewind(c.f);
	got = fread(buf, 1, sizeof buf - 1, c.f);
	buf[got] = '\0';
	assert_string_equal(buf, "x,y\n\"a\"\"b\",0.005\n");
	fclose(c.f);
}

/* Result files ------------------------------------------------------------------ */

struct dir {
	char path[64];
};

static int dir_setup(void **state)
{
	struct dir *d = calloc(1, sizeof *d);
	const char *base = getenv("TMPDIR");

	if (!d)
		return -1;
	snprintf(d->path, sizeof d->path, "%s/spawncost-csv-XXXXXX",
		 base && *base && strlen(base) < 30 ? base : "/tmp");
	if (!mkdtemp(d->path)) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

/* Only what these tests create: a few plain files, then the directory. */
static int dir_teardown(void **state)
{
	struct dir *d = *state;
	DIR *dp = opendir(d->path);
	struct dirent *e;
	char p[PATH_MAX];

	if (dp) {
		while ((e = readdir(dp)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(p, sizeof p, "%s/%s", d->path, e->d_name);
			unlink(p);
		}
		closedir(dp);
	}
	rmdir(d->path);
	free(d);
	return 0;
}

static int count_entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

static int exists(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

static char *slurp(const char *dir, const char *name)
{
	char p[PATH_MAX];
	static char buf[4096];
	FILE *f;
	size_t got;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "r");
	assert_non_null(f);
	got = fread(buf, 1, sizeof buf - 1, f);
	buf[got] = '\0';
	fclose(f);
	return buf;
}

static void test_outfile_commit(void **state)
{
	struct dir *d = *state;
	struct outfile o;
	struct csv c = { 0 };

	assert_int_equal(outfile_open(&o, d->path, "summary.csv"), 0);
	assert_non_null(o.f);
	/* While open: only a temporary file, nothing under the final name. */
	assert_false(exists(d->path, "summary.csv"));
	assert_int_equal(count_entries(d->path), 1);
	assert_true(exists(d->path, ".summary.csv.tmp"));

	c.f = o.f;
	csv_header(&c, "a,b");
	csv_u64(&c, 1);
	csv_str(&c, "x,y");
	csv_end(&c);

	assert_int_equal(outfile_commit(&o), 0);
	assert_null(o.f);
	assert_true(exists(d->path, "summary.csv"));
	assert_false(exists(d->path, ".summary.csv.tmp"));
	assert_int_equal(count_entries(d->path), 1);
	assert_string_equal(slurp(d->path, "summary.csv"), "a,b\n1,\"x,y\"\n");
}

static void test_outfile_commit_replaces(void **state)
{
	struct dir *d = *state;
	struct outfile o;

	/* A second write of the same name replaces the first whole. */
	assert_int_equal(outfile_open(&o, d->path, "env.txt"), 0);
	fputs("complete=no\nlonger first version\n", o.f);
	assert_int_equal(outfile_commit(&o), 0);
	assert_string_equal(slurp(d->path, "env.txt"), "complete=no\nlonger first version\n");

	assert_int_equal(outfile_open(&o, d->path, "env.txt"), 0);
	/* The old complete file stays readable until the commit. */
	assert_string_equal(slurp(d->path, "env.txt"), "complete=no\nlonger first version\n");
	fputs("complete=yes\n", o.f);
	assert_int_equal(outfile_commit(&o), 0);
	assert_string_equal(slurp(d->path, "env.txt"), "complete=yes\n");
	assert_int_equal(count_entries(d->path), 1);
}

static void test_outfile_commit_empty(void **state)
{
	struct dir *d = *state;
	struct outfile o;
	char p[PATH_MAX];
	struct stat st;

	assert_int_equal(outfile_open(&o, d->path, "empty.csv"), 0);
	assert_int_equal(outfile_commit(&o), 0);
	snprintf(p, sizeof p, "%s/empty.csv", d->path);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(count_entries(d->path), 1);
}

static void test_outfile_commit_twice(void **state)
{
	struct dir *d = *state;
	struct outfile o;

	assert_int_equal(outfile_open(&o, d->path, "once.csv"), 0);
	assert_int_equal(outfile_commit(&o), 0);
	/* Committing again is an error, not a crash, and changes nothing. */
	assert_int_equal(outfile_commit(&o), EBADF);
	assert_true(exists(d->path, "once.csv"));
	assert_int_equal(count_entries(d->path), 1);
}

static void test_outfile_abandon(void **state)
{
	struct dir *d = *state;
	struct outfile o;

	assert_int_equal(outfile_open(&o, d->path, "samples.csv"), 0);
	fputs("half a row,", o.f);
	outfile_abandon(&o);
	assert_null(o.f);
	assert_false(exists(d->path, "samples.csv"));
	assert_false(exists(d->path, ".samples.csv.tmp"));
	assert_int_equal(count_entries(d->path), 0);
	/* Abandoning twice is harmless. */
	outfile_abandon(&o);
	assert_int_equal(count_entries(d->path), 0);
}

static void test_outfile_abandon_keeps_old(void **state)
{
	struct dir *d = *state;
	struct outfile o;

	assert_int_equal(outfile_open(&o, d->path, "summary.csv"), 0);
	fputs("old\n", o.f);
	assert_int_equal(outfile_commit(&o), 0);

	assert_int_equal(outfile_open(&o, d->path, "summary.csv"), 0);
	fputs("new but abandoned\n", o.f);
	outfile_abandon(&o);
	assert_string_equal(slurp(d->path, "summary.csv"), "old\n");
	assert_int_equal(count_entries(d->path), 1);
}

static void test_outfile_missing_dir(void **state)
{
	struct dir *d = *state;
	struct outfile o;
	char missing[PATH_MAX];
	int err;

	snprintf(missing, sizeof missing, "%s/no-such-dir", d->path);
	err = outfile_open(&o, missing, "summary.csv");
	assert_int_equal(err, ENOENT);
	assert_null(o.f);
	assert_false(exists(d->path, "no-such-dir"));
	assert_int_equal(count_entries(d->path), 0);
	/* Abandoning after a failed open is harmless. */
	outfile_abandon(&o);
	assert_int_equal(count_entries(d->path), 0);
}

static void test_outfile_dir_is_file(void **state)
{
	struct dir *d = *state;
	struct outfile o;
	char file[PATH_MAX];
	FILE *f;

	snprintf(file, sizeof file, "%s/plain", d->path);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(outfile_open(&o, file, "summary.csv"), ENOTDIR);
	assert_int_equal(count_entries(d->path), 1);
}

static void test_outfile_name_too_long(void **state)
{
	struct dir *d = *state;
	struct outfile o;
	static char name[PATH_MAX + 16];

	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(outfile_open(&o, d->path, name), ENAMETOOLONG);
	assert_int_equal(count_entries(d->path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain_fields, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_single_field, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_quote_comma, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_quote_quote, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_quote_newline, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_quote_mixed, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_integers, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_us, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_us_half_ns, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_empty, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_header_then_rows, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_header_resets_column, mem_setup, mem_teardown),
		cmocka_unit_test(test_tmpfile),
		cmocka_unit_test_setup_teardown(test_outfile_commit, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_outfile_commit_replaces, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_outfile_commit_empty, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_outfile_commit_twice, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_outfile_abandon, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_outfile_abandon_keeps_old, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_outfile_missing_dir, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_outfile_dir_is_file, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_outfile_name_too_long, dir_setup, dir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
