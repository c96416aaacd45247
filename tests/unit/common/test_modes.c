/* Unit tests for count_modes() in harness/common/stats.c: how many modes a
 * cell's samples have, for the modes column and its warning. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "stats.h"

static uint64_t x[4000];

/* A deterministic spread: a triangle around centre, width w. */
static uint64_t around(uint64_t centre, uint64_t w, unsigned i)
{
	unsigned a = (i * 2654435761u) % 1000, b = (i * 40503u + 7) % 1000;
	return centre - w + (uint64_t)((a + b) * w / 1000);
}

static int cmp(const void *a, const void *b)
{
	uint64_t p = *(const uint64_t *)a, q = *(const uint64_t *)b;
	return (p > q) - (p < q);
}

static unsigned modes(size_t n)
{
	qsort(x, n, sizeof x[0], cmp);
	return count_modes(x, n);
}

static void test_one_mode(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 3000; i++)
		x[i] = around(50000, 2000, i);
	assert_int_equal(modes(3000), 1);
}

static void test_a_long_tail_is_one_mode(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 3000; i++)
		x[i] = around(50000, 2000, i) + (i % 10 == 0 ? (i % 97) * 400 : 0);
	assert_int_equal(modes(3000), 1);
}

static void test_two_modes(void **state)
{
	(void)state;
	/* a child on the parent's CPU or on the other: 50 and 62 µs */
	for (unsigned i = 0; i < 3000; i++)
		x[i] = i % 3 ? around(50000, 1500, i) : around(62000, 1500, i);
	assert_int_equal(modes(3000), 2);
}

static void test_too_few_to_tell(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 59; i++)
		x[i] = i % 2 ? 1000 : 5000;
	assert_int_equal(modes(59), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_mode),
		cmocka_unit_test(test_a_long_tail_is_one_mode),
		cmocka_unit_test(test_two_modes),
		cmocka_unit_test(test_too_few_to_tell),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
