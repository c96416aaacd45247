/* Unit tests for harness/analysis/student.c: Student's t quantiles. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "student.h"

#define assert_near(a, b, eps)                                                     \
	do {                                                                       \
		double a_ = (a), b_ = (b);                                         \
		if (!(fabs(a_ - b_) < (eps)))                                      \
			fail_msg("%s = %.12g, expected %.12g (+- %g)", #a, a_, b_, \
				 (double)(eps));                                   \
	} while (0)

/* t_quantile: against the printed tables, odd and even degrees of freedom,
 * one tail and two. */
static void test_t_quantile_tables(void **state)
{
	assert_near(t_quantile(0.975, 1), 12.706, 1e-3);
	assert_near(t_quantile(0.975, 2), 4.303, 1e-3);
	assert_near(t_quantile(0.99, 2), 6.965, 1e-3);
	assert_near(t_quantile(0.975, 3), 3.182, 1e-3);
	assert_near(t_quantile(0.975, 4), 2.776, 1e-3);
	assert_near(t_quantile(0.99, 4), 3.747, 1e-3);
	assert_near(t_quantile(0.995, 9), 3.250, 1e-3);
	assert_near(t_quantile(0.975, 30), 2.042, 1e-3);
	assert_near(t_quantile(0.975, 1000), 1.962, 1e-3);
	assert_true(isnan(t_quantile(0.4, 4)));
	assert_true(isnan(t_quantile(1, 4)));
	assert_true(isnan(t_quantile(0.975, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t_quantile_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
