/* report.md's command (harness/analysis/runcmd.c): env.txt's command= line
 * with the -o path named by the folder's own name and the front end's
 * hand-off to the engine left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runcmd.h"

static const char *shown(const char *cmd, const char *dir)
{
	static char out[512];

	return runcmd_shown(cmd, dir, out, sizeof out);
}

/* As the front end hands over: --pin same --cpus 1 (its pick, which a user
 * may type too), then --pin-why, whose words hold spaces, and the rest. */
static void test_handoff_left_out(void **state)
{
	(void)state;
	assert_string_equal(shown("spawncost run -m core -o /tmp/ref/x --pin same --cpus 1 "
				  "--pin-why from the end of CPUs 0-1, away from CPU 0's "
				  "interrupts --event-spec cycles:0:0:0:0 --front "
				  "/work/main/build/spawncost --facts-fd 4", "results/reference/core/"),
			    "spawncost run -m core -o core --pin same --cpus 1");
}

/* A path with spaces, and the other spellings of -o. */
static void test_output_spellings(void **state)
{
	(void)state;
	assert_string_equal(shown("spawncost run -o /tmp/a b/c -r 0 --front /x", "r1"),
			    "spawncost run -o r1 -r 0");
	assert_string_equal(shown("spawncost run --output /tmp/a -n 5", "r1"),
			    "spawncost run --output r1 -n 5");
	assert_string_equal(shown("spawncost run --output=/tmp/a -n 5", "r1"),
			    "spawncost run --output=r1 -n 5");
	assert_string_equal(shown("spawncost run -o/tmp/a -n 5", "/x/r1"),
			    "spawncost run -or1 -n 5");
}

/* No -o: the default folder, nothing to name. */
static void test_no_output(void **state)
{
	(void)state;
	assert_string_equal(shown("spawncost run --profile quick --facts-fd 3", "r1"),
			    "spawncost run --profile quick");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handoff_left_out),
		cmocka_unit_test(test_output_spellings),
		cmocka_unit_test(test_no_output),
	};
	return cmocka_run_group_tests_name("runcmd", tests, NULL, NULL);
}
