/* Unit tests for harness/engine/window.c: which kind of window takes a
 * cell, and the plain and isolated kinds measuring a stub method (one that
 * only counts its calls) through the job they are handed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/mman.h>

#include "counting.h"
#include "window.h"


static const struct method plain = { .name = "counting", .once = counting };
static const struct method threaded = { .name = "threaded", .once = counting, .isolate = true };
static const struct method scripted = { .name = "rt-stub", .runtime = "python" };

static const char *kind(const struct method *m, uint64_t threads, bool parallel)
{
	struct table_row t = { .method = m, .threads = threads };
	struct run_opts o = { .parallel_given = parallel };

	return window_kind_of(&t, &o)->name;
}

static void test_the_kind_that_takes_a_cell(void **state)
{
	(void)state;
	assert_string_equal(kind(&plain, 0, false), "plain");
	assert_string_equal(kind(&threaded, 0, false), "isolated");
	assert_string_equal(kind(&plain, 4, false), "isolated");	/* the parent has threads */
	assert_string_equal(kind(&plain, 0, true), "parallel");
	assert_string_equal(kind(&scripted, 0, true), "runtime");	/* first in the table */
	assert_string_equal(kind(&scripted, 0, false), "runtime");
}

/* One window of method m through the kind that takes it: its rc, the
 * samples in s, its figures in res. */
static int window(const struct method *m, struct samples *s, struct cell_result *res)
{
	static uint64_t *shared;
	struct table_row t = { .method = m };
	struct run_opts o = { 0 };
	struct budget b = { .iterations = 50, .warmup = 2 };
	struct spawn_ctx c;
	struct window_job j = { .t = &t, .ctx = &c, .w = &b, .s = s, .o = &o };

	if (!shared)
		shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	c = (struct spawn_ctx){ .shared = shared };
	calls = 0;
	return window_kind_of(&t, &o)->measure(&j, res);
}

static void test_plain_and_isolated_windows_hand_the_same_samples(void **state)
{
	struct samples s;
	struct cell_result r;

	(void)state;
	assert_int_equal(samples_init(&s, 0), 0);
	fail_at = 0;
	assert_int_equal(window(&plain, &s, &r), 0);
	assert_int_equal(s.n, 50);
	assert_int_equal(s.nprobe, 4);
	assert_int_equal(calls, 2 + 50 + 4);	/* in this process */
	assert_int_equal(window(&threaded, &s, &r), 0);
	assert_int_equal(s.n, 50);		/* handed back from the child */
	assert_int_equal(s.nprobe, 4);
	assert_int_equal(calls, 0);		/* none here: the child made them */
	assert_string_equal(r.error, "");
	samples_free(&s);
}

static void test_a_failure_in_the_child_comes_back_as_an_error(void **state)
{
	struct samples s;
	struct cell_result r;

	(void)state;
	assert_int_equal(samples_init(&s, 0), 0);
	fail_at = 20;
	assert_int_equal(window(&threaded, &s, &r), -1);
	assert_string_equal(r.error, "EXIT3: child exited with status 3");
	fail_at = 0;
	samples_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_kind_that_takes_a_cell),
		cmocka_unit_test(test_plain_and_isolated_windows_hand_the_same_samples),
		cmocka_unit_test(test_a_failure_in_the_child_comes_back_as_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
