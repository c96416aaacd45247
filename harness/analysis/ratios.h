/* The claims' ratios of one run as series a tracker or `history` can follow
 * from run to run: each distinct pair of bands[] (fork-exit/vfork-exit,
 * fork-exec/vfork-exec, fork-exec/posix-spawn) at each size the run swept
 * and each THP setting, from the two cells' windows taken side by side
 * (paired.h). Sizes that only --refine measured are left out: they lie
 * where each run's own figures put them, so they differ from run to run and
 * would break a series into points of one run each.
 *
 * The name is the series' identity, the same in export and history:
 * "ratio fork-exit/vfork-exit at 0 MiB", with ", thp on" (the setting)
 * added when THP was not off. */
#ifndef SPAWNCOST_RATIOS_H
#define SPAWNCOST_RATIOS_H

#include <stddef.h>

#include "paired.h"
#include "rundir.h"

#define RATIO_NAME_LEN 96

struct claim_ratio {
	char name[RATIO_NAME_LEN];
	const char *a, *b, *thp;	/* a / b, at thp */
	double rss_mib;
	struct paired p;		/* the figure and its interval */
};

/* The run's claim ratios that have a figure, in *out (malloc'd; free it),
 * in band order, then THP, then size. Returns 0, or -1 out of memory. */
int claim_ratios(const struct rundir *r, struct claim_ratio **out, size_t *n);

#endif
