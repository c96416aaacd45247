/* The claims' pairs in one line each, as hyperfine sums up a comparison:
 * "fork-exit ran 4.27× [4.18, 4.44] slower than vfork-exit at 0 MiB".
 *
 * One answer per pair at each size the run measured it: fork-exit /
 * vfork-exit, fork-exec / vfork-exec (claims 1 and 2), fork-exec /
 * posix-spawn (the claims chart's) and claim 3's cheapest other method /
 * cheapest thread-flag clone. The ratio and its interval are the claims'
 * (claims.h): the median of the per-round ratios of the two cells' windows
 * taken side by side, never a ratio of pooled medians. Claim 4 sets
 * fork-exit against itself, which its own lines (fork's cost per GiB) say
 * better. */
#ifndef SPAWNCOST_ANSWERS_H
#define SPAWNCOST_ANSWERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "claims.h"

/* The most a run can have: four pairs at each size and THP setting. */
#define MAX_ANSWERS (4 * MAX_THP * MAX_RSS)

struct answer {
	const char *a, *b;	/* the ratio is a / b */
	const char *thp;
	double rss_mib;
	struct est r;		/* the ratio and its 95% interval (NaN: none) */
	size_t rounds;		/* rounds the ratio rests on */
	bool decided;		/* the interval lies wholly above or below 1 */
};

/* Every answer of c, in the order the report prints them (THP setting,
 * pair, rising size), into out (at most max). Returns how many. */
size_t answers_of(const struct claims *c, struct answer *out, size_t max);

/* "fork-exit ran 4.27× [4.18, 4.44] slower than vfork-exit at 0 MiB",
 * "... faster than ...", or "fork-exec and vfork-exec: no decided
 * difference at 0 MiB: 1.01× [0.97, 1.04]"; with ", THP on" after the size
 * when thp_named. Into buf (size len); returns buf. */
char *answer_text(const struct answer *a, bool thp_named, char *buf, size_t len);

/* Every answer of c, a line each ("  " before it, or "- " for report.md). */
void answer_lines(FILE *f, const struct claims *c, bool md);

#endif
