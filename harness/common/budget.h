/* How long a cell runs: what `run` parses (harness/common/options.c) and
 * the engine spends (harness/engine/cell.c). */
#ifndef SPAWNCOST_BUDGET_H
#define SPAWNCOST_BUDGET_H

#include <stdint.h>

/* Fewest timed iterations of a time-budgeted cell. */
#define MIN_ITERATIONS 30

/* How long a cell runs. A fixed count is exactly that many iterations. A
 * time budget runs at least min_time and MIN_ITERATIONS, then keeps going
 * (doubling its time) while the median's 95% interval is wider than
 * precision_pct of the median, until max_time: noisy cells get more samples,
 * quiet ones stop early. */
struct budget {
	uint64_t iterations;	/* fixed count; 0 means: use the time budget */
	double min_time;	/* seconds */
	double max_time;	/* seconds; at least min_time */
	double precision_pct;	/* wanted CI half-width, % of the median; 0: off */
	uint64_t min_iterations;	/* fewest timed iterations of a time budget */
	uint64_t warmup;	/* untimed iterations first */
	double timeout;		/* seconds one iteration may take; 0: the default,
				 * 100 x the first iterations' median, at least
				 * DEADLINE_FLOOR */
};

#define DEADLINE_FLOOR 10.0	/* seconds */

#endif
