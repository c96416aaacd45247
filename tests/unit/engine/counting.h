/* The stub method of the engine's unit tests: it only counts its calls,
 * and fails at call fail_at if set (one copy per test program). */
#ifndef SPAWNCOST_TEST_COUNTING_H
#define SPAWNCOST_TEST_COUNTING_H

#include "method.h"

static unsigned calls, fail_at;

static int counting(struct spawn_ctx *c, const struct method *m)
{
	(void)m;
	if (++calls == fail_at)
		return spawn_failed(c, FAIL_STATUS, 3, NULL);
	return 0;
}

#endif
