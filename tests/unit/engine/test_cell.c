/* Unit tests for harness/engine/cell.c: the stopping rule, the deadlines,
 * the window budget and a cell measured with a method that only counts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/mman.h>

#include "cell.h"
#include "counting.h"

/* n samples around 1000 ns: tight (+-0.5%) or wide (1000 and 3000 alike). */
static void fill(struct samples *s, size_t n, bool wide)
{
	s->n = n;
	for (size_t i = 0; i < n; i++)
		s->ns[i] = wide ? (i % 2 ? 3000 : 1000) : 995 + (i * 7) % 11;
}

static void test_precise_enough(void **state)
{
	struct samples s;

	(void)state;
	assert_int_equal(samples_init(&s, 0), 0);
	fill(&s, 100, false);
	assert_true(cell_precise_enough(&s, 2));
	fill(&s, 100, true);
	assert_false(cell_precise_enough(&s, 2));
	assert_true(cell_precise_enough(&s, 200));
	samples_free(&s);
}

static void test_fixed_count_stops_at_the_count(void **state)
{
	struct budget b = { .iterations = 40 };
	struct samples s;
	uint64_t next = 0;

	(void)state;
	assert_int_equal(samples_init(&s, 0), 0);
	fill(&s, 39, true);
	assert_false(cell_budget_spent(&b, &s, 1000000000000ull, &next));
	fill(&s, 40, true);
	assert_true(cell_budget_spent(&b, &s, 0, &next));
	samples_free(&s);
}

static void test_time_budget(void **state)
{
	struct budget b = { .min_time = 0.1, .max_time = 1.0, .precision_pct = 2,
			    .min_iterations = 30 };
	const uint64_t ms = 1000000;
	struct samples s;
	uint64_t next = 100 * ms;

	(void)state;
	assert_int_equal(samples_init(&s, 0), 0);
	/* before min_time, and before the minimum count, never */
	fill(&s, 200, false);
	assert_false(cell_budget_spent(&b, &s, 50 * ms, &next));
	fill(&s, 29, false);
	assert_false(cell_budget_spent(&b, &s, 150 * ms, &next));
	/* tight: stops at its first check */
	fill(&s, 200, false);
	assert_true(cell_budget_spent(&b, &s, 100 * ms, &next));
	/* wide: extends, doubling the time to the next check ... */
	fill(&s, 200, true);
	next = 100 * ms;
	assert_false(cell_budget_spent(&b, &s, 120 * ms, &next));
	assert_int_equal(next, 240 * ms);
	assert_false(cell_budget_spent(&b, &s, 200 * ms, &next));
	/* ... until max_time */
	assert_true(cell_budget_spent(&b, &s, 1000 * ms, &next));
	/* precision 0: stops at min_time whatever the spread */
	b.precision_pct = 0;
	next = 100 * ms;
	assert_true(cell_budget_spent(&b, &s, 100 * ms, &next));
	samples_free(&s);
}

static void test_deadline(void **state)
{
	struct deadline d = { 0 };
	const uint64_t floor = (uint64_t)(DEADLINE_FLOOR * 1e9);

	(void)state;
	assert_int_equal(deadline_ns(&d), floor);	/* nothing learned yet */
	for (int i = 0; i < 5; i++)
		deadline_learn(&d, 1000000);		/* 1 ms: 100 ms is under the floor */
	assert_int_equal(deadline_ns(&d), floor);
	d = (struct deadline){ 0 };
	uint64_t took[] = { 3000000000ull, 1000000000ull, 2000000000ull, 9000000000ull,
			    1500000000ull };
	for (int i = 0; i < 5; i++)
		deadline_learn(&d, took[i]);
	assert_int_equal(deadline_ns(&d), 200000000000ull);	/* 100 x the median, 2 s */
	deadline_learn(&d, 1);				/* the sixth is not learned */
	assert_int_equal(deadline_ns(&d), 200000000000ull);
	d = (struct deadline){ .fixed = 300000000 };	/* --timeout 0.3 */
	assert_int_equal(deadline_ns(&d), 300000000);
}

static void test_window_budget(void **state)
{
	struct budget b = { .iterations = 10, .min_time = 0.6, .max_time = 6 };
	uint64_t sum = 0;

	(void)state;
	for (unsigned r = 0; r < 3; r++) {
		struct budget w = window_budget(&b, r, 3);
		assert_int_equal(w.iterations, r == 0 ? 4 : 3);
		assert_true(w.min_time > 0.19 && w.min_time < 0.21);
		assert_true(w.max_time > 1.99 && w.max_time < 2.01);
		assert_int_equal(w.min_iterations, 10);	/* 30 over 3 windows */
		sum += w.iterations;
	}
	assert_int_equal(sum, 10);
	b.iterations = 2;				/* fewer than rounds: some get none */
	assert_int_equal(window_budget(&b, 2, 3).iterations, 0);
}

static const struct method method_counting = { .name = "counting", .once = counting };

static void test_cell_counts_and_probes(void **state)
{
	uint64_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				-1, 0);
	struct spawn_ctx c = { .shared = shared };
	struct budget b = { .iterations = 50, .warmup = 2 };
	struct cell_result r;
	struct samples s;

	(void)state;
	assert_int_equal(samples_init(&s, 0), 0);
	calls = fail_at = 0;
	assert_int_equal(cell_measure(&method_counting, &c, &b, &s, &r), 0);
	assert_int_equal(s.n, 50);
	/* a probe first, then one after the 16th, 32nd and 48th */
	assert_int_equal(s.nprobe, 4);
	assert_int_equal(calls, 2 + 50 + 4);
	assert_string_equal(r.error, "");
	assert_true(r.fork.maps > 0);
	assert_true(r.rss_kib > 0);
	for (size_t i = 0; i < s.nprobe; i++)
		assert_int_equal(s.probe[i].cpu & 0xffff, CPU_UNKNOWN);	/* no child to note */
	/* a failure is an error, never a sample */
	calls = 0;
	fail_at = 20;
	assert_int_equal(cell_measure(&method_counting, &c, &b, &s, &r), -1);
	assert_string_equal(r.error, "EXIT3: child exited with status 3");
	samples_free(&s);
	munmap(shared, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precise_enough),
		cmocka_unit_test(test_fixed_count_stops_at_the_count),
		cmocka_unit_test(test_time_budget),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_window_budget),
		cmocka_unit_test(test_cell_counts_and_probes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
