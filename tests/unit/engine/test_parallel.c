/* Unit tests for harness/engine/parallel.c: windows of --parallel N, with
 * the stub method of counting.h run by N spawners at once. Every spawner's
 * samples come back; one that fails, dies or hangs fails the cell. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "counting.h"
#include "window.h"
#include "window.h"

enum { SPAWNERS = 3, ITERATIONS = 40 };

/* Which way the stub goes wrong, in the first spawner to reach call
 * fail_at (one only: they race for the claim, in a shared page). */
static enum { FAILS, DIES, HANGS } how;
static uint32_t *claim;

static int one_spawner_fails(struct spawn_ctx *c, const struct method *m)
{
	(void)m;
	if (++calls != fail_at || __atomic_exchange_n(claim, 1, __ATOMIC_SEQ_CST))
		return 0;
	if (how == DIES)
		_exit(9);
	if (how == HANGS)
		for (;;)
			pause();
	return spawn_failed(c, FAIL_STATUS, 3, NULL);
}

static const struct method all_well = { .name = "counting", .once = counting };
static const struct method one_fails = { .name = "one-fails", .once = one_spawner_fails };

/* One window of m by SPAWNERS spawners (threads of one process, or
 * processes): its rc, the samples in s, the cell's figures in res. */
static int window(const struct method *m, bool threads, double timeout, struct samples *s,
		  struct cell_result *res)
{
	static uint64_t *shared;
	struct run_opts o = { .parallel_given = true, .nparallel = 1, .parallel = { SPAWNERS },
			      .spawner_threads = threads, .budget = { .timeout = timeout } };
	struct table_row t = { .method = m, .parallel = SPAWNERS };
	struct budget b = { .iterations = ITERATIONS, .warmup = 2 };
	struct spawn_ctx c;
	struct window_job j = { .t = &t, .ctx = &c, .w = &b, .s = s, .o = &o,
				.spawners = spawners_area(&o) };
	int rc;

	if (!shared)
		shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!claim)
		claim = (uint32_t *)mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_non_null(j.spawners);
	assert_string_equal(window_kind_of(&t, &o)->name, "parallel");
	c = (struct spawn_ctx){ .shared = shared };
	calls = 0;
	*claim = 0;
	memset(res, 0, sizeof *res);
	rc = window_kind_of(&t, &o)->measure(&j, res);
	munmap(j.spawners, (SPAWNERS + 1) * page_bytes());
	return rc;
}

/* Every spawner's samples, each marked with its spawner. */
static void every_spawner_counted(const struct samples *s)
{
	size_t per[SPAWNERS] = { 0 };

	assert_int_equal(s->n, SPAWNERS * ITERATIONS);
	assert_int_equal(s->nprobe, SPAWNERS * 3);	/* first, after 16 and 32 */
	for (size_t i = 0; i < s->n; i++) {
		assert_true(s->spawner[i] < SPAWNERS);
		per[s->spawner[i]]++;
	}
	for (size_t i = 0; i < SPAWNERS; i++)
		assert_int_equal(per[i], ITERATIONS);
}

/* Spawners as processes, then as threads of one process. */
static void test_every_spawners_samples_come_back(void **state)
{
	struct samples s;
	struct cell_result r;

	(void)state;
	assert_int_equal(samples_init(&s, 0), 0);
	fail_at = 0;
	for (int threads = 0; threads < 2; threads++) {
		assert_int_equal(window(&all_well, threads, 0, &s, &r), 0);
		assert_string_equal(r.error, "");
		every_spawner_counted(&s);
		assert_int_equal(calls, 0);	/* none here: the spawners made them */
		assert_true(r.rate > 0);
		assert_true(r.rss_kib > 0);	/* the parent's figures: spawner 0's */
	}
	samples_free(&s);
}

/* A window in which the first spawner to reach its 20th round trip goes
 * wrong `way`: it fails, its error in *r. */
static void one_goes_wrong(int way, double timeout, struct cell_result *r)
{
	struct samples s;

	assert_int_equal(samples_init(&s, 0), 0);
	fail_at = 20;
	how = way;
	assert_int_equal(window(&one_fails, false, timeout, &s, r), -1);
	fail_at = 0;
	samples_free(&s);
}

/* A spawner whose round trip fails: the cell is an error, with why. */
static void test_a_failed_round_trip_fails_the_cell(void **state)
{
	struct cell_result r;

	(void)state;
	one_goes_wrong(FAILS, 0, &r);
	assert_true(strncmp(r.error, "spawner ", 8) == 0);
	assert_non_null(strstr(r.error, ": EXIT3: child exited with status 3"));
}

/* A spawner process that dies mid-window: the cell is an error, whatever
 * the others measured. */
static void test_a_spawner_that_dies_fails_the_cell(void **state)
{
	struct cell_result r;

	(void)state;
	one_goes_wrong(DIES, 0, &r);
	assert_true(strncmp(r.error, "spawner process ", 16) == 0);
	assert_non_null(strstr(r.error, " exited with status 9"));
}

/* A spawner that hangs: once no spawner has made a round trip for the
 * deadline (--timeout 1), all are killed and the cell is an error. */
static void test_a_hung_spawner_is_killed(void **state)
{
	struct cell_result r;

	(void)state;
	one_goes_wrong(HANGS, 1, &r);
	assert_string_equal(r.error, "ETIME: no spawner made a round trip in 1 s; all were killed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_spawners_samples_come_back),
		cmocka_unit_test(test_a_failed_round_trip_fails_the_cell),
		cmocka_unit_test(test_a_spawner_that_dies_fails_the_cell),
		cmocka_unit_test(test_a_hung_spawner_is_killed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
