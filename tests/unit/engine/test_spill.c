/* Unit tests for harness/engine/spill.c: every window's samples and probes
 * kept until the end, and read back grouped by cell in measuring order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

#include <stdlib.h>
#include <unistd.h>

#include "spill.h"

/* A folder of the test's own for the spill file. */
static const char *scratch(void)
{
	static char dir[64];

	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/spawncost-spill-XXXXXX");
		if (!mkdtemp(dir))
			return ".";
	}
	return dir;
}

static void test_round_trip(void **state)
{
	struct spill sp;
	struct spill_data d;
	uint64_t a[] = { 10, 11, 12 }, b[] = { 20, 21 }, a2[] = { 13 };
	struct probe p[] = { { .ns = 99, .cpu = 1u << 16 | 1,
			       .phase = { { 1, 2, PHASE_NONE, 4 } } } };

	(void)state;
	assert_int_equal(spill_open(&sp, scratch()), 0);
	assert_int_equal(spill_add(&sp, 0, a, 3), 0);		/* cell 0, window 1 */
	assert_int_equal(spill_add(&sp, 1, b, 2), 0);		/* cell 1, window 1 */
	assert_int_equal(spill_add_probes(&sp, 1, p, 1), 0);
	assert_int_equal(spill_add(&sp, 0, a2, 1), 0);		/* cell 0, window 2 */
	assert_int_equal(spill_add(&sp, 7, a, 3), 0);		/* no such cell: left out */
	assert_int_equal(spill_load(&sp, 2, &d), 0);
	assert_int_equal(d.count[0], 4);
	assert_int_equal(d.ns[0][0], 10);
	assert_int_equal(d.ns[0][3], 13);			/* in the order measured */
	assert_int_equal(d.count[1], 2);
	assert_int_equal(d.ns[1][1], 21);
	assert_int_equal(d.nprobes[0], 0);
	assert_int_equal(d.nprobes[1], 1);
	assert_int_equal(d.probes[1][0].ns, 99);
	assert_int_equal(d.probes[1][0].cpu, 1u << 16 | 1);
	assert_int_equal(d.probes[1][0].phase[2], PHASE_NONE);
	assert_int_equal(d.probes[1][0].phase[3], 4);
	spill_free(&d);
	spill_close(&sp);
}

static void test_many_records(void **state)
{
	enum { N = 200000 };	/* more than the first mapping holds */
	static uint64_t ns[N];
	struct spill sp;
	struct spill_data d;

	(void)state;
	for (size_t i = 0; i < N; i++)
		ns[i] = i;
	assert_int_equal(spill_open(&sp, scratch()), 0);
	assert_int_equal(spill_add(&sp, 0, ns, N), 0);
	assert_int_equal(spill_load(&sp, 1, &d), 0);
	assert_int_equal(d.count[0], N);
	assert_int_equal(d.ns[0][N - 1], N - 1);
	spill_free(&d);
	spill_close(&sp);
}

int main(void)
{
	int rc;

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_many_records),
	};
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(scratch());
	return rc;
}
