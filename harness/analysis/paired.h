/* The ratio of two cells of one run, from their windows taken side by side.
 *
 * A run measures every cell once per round, the cells of a round one after
 * the other, so the windows of two cells in the same round saw the same
 * state of the machine: a slow spell that doubles both leaves their ratio
 * alone. The ratio is estimated once per round, and its interval is the
 * distribution-free one of the median of those per-round ratios
 * (harness/common/winstats.h). Runs without windows.csv fall back on the
 * conservative ratio of the two cells' intervals (verdict.h, est_ratio). */
#ifndef SPAWNCOST_PAIRED_H
#define SPAWNCOST_PAIRED_H

#include <stdbool.h>
#include <stddef.h>

#include "rundir.h"
#include "stats.h"

struct paired {
	struct est r;		/* median of the per-round ratios, 95% interval */
	double spread_lo, spread_hi;	/* smallest and largest per-round ratio */
	size_t rounds;		/* rounds in which both cells were measured */
	double level;		/* the coverage the interval has (below 0.95 with
				 * fewer than WINDOWS_FOR_95 rounds) */
	bool paired;		/* false: from the cells' intervals (no windows) */
};

/* a / b. Returns 0, or -1 when there is no figure (p->r is NaN then). */
int paired_ratio(const struct cell_data *a, const struct cell_data *b, struct paired *p);

#endif
