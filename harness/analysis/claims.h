/* The four claims the suite exists to settle, worked out from one run, for
 * each THP setting it has. The report writes them as sentences and tables;
 * the charts draw the same numbers (one computation, two views).
 *
 * What each claim is taken to mean, so a verdict can be checked:
 * 1. "vfork is 4-5x faster than fork": fork/vfork median ratio, for the
 *    -exit and the -exec pair, inside [4, 5].
 * 2. "fork+exec is just as efficient as vfork+exec": fork-exec at most 10%
 *    above vfork-exec, ratio inside [0, 1.10].
 * 3. "clone with the thread flags is the cheapest way to start an execution
 *    context": the cheapest of clone-thread and pthread (glibc's
 *    pthread_create is clone3 with those flags) below every other spawn,
 *    ratio cheapest-other / cheapest-thread inside [1, inf).
 * 4. "copy-on-write means fork copies nothing": fork-exit at each RSS at
 *    most 10% above fork-exit at the smallest RSS, ratio inside [0, 1.10];
 *    with fork's cost per GiB and, when measured, per COW page.
 * Every ratio comes from the two cells' windows taken in the same round
 * (paired.h): one ratio per round, and the interval of their median. A
 * claim holds at an RSS when that whole interval is in its band, does not
 * hold when it is wholly outside, and is undecided otherwise: a verdict
 * moves between runs through "undecided", not from one side to the other. */
#ifndef SPAWNCOST_CLAIMS_H
#define SPAWNCOST_CLAIMS_H

#include "bands.h"
#include "results.h"
#include "verdict.h"

#define MAX_RSS 128	/* the sweep's sizes and those --refine added */
#define MAX_THP 4
#define MAX_CROSS 8

/* A ratio a/b of two methods across the sweep, at one THP setting. */
struct curve {
	const char *a, *b, *thp;
	double band_lo, band_hi;
	size_t n;
	struct point pt[MAX_RSS];
	struct est ea[MAX_RSS], eb[MAX_RSS];	/* the medians behind each ratio */
	const char *na[MAX_RSS], *nb[MAX_RSS];	/* which methods (claim 3) */
	size_t nmissing;
	double missing[MAX_RSS];	/* RSS where a cell was absent or an error */
	struct verdict v;
	size_t ncross;
	struct point cross[MAX_CROSS];	/* where the ratio crosses band edges */
	struct bracket br[MAX_CROSS];	/* what measured sizes bracket each */
	double ref_rss;	/* claim 4: the RSS every ratio is taken against */
};

/* Claim 4 beyond the curve: how fork's cost grows. */
struct growth {
	bool ok;		/* a line was fitted: fork-exit at two sizes or more */
	size_t sizes;		/* the sizes fork-exit was measured at (0 or 1: no line,
				 * and no claim 4, and the report says so) */
	bool from_fit_csv;	/* else a least-squares fit of the medians here */
	double fixed_us, us_per_gib, r2;
	struct est slope;	/* µs per GiB between the end points, conservative */
	double ns_per_page;	/* us_per_gib per page of page_size */
	double page_kib;
	double top_rss, top_pte_kib;	/* the largest parent and its VmPTE */
	/* per_page_ns of the COW methods at the largest RSS they ran, NaN when
	 * the run has none. */
	double cow_rss, cow_ns, first_touch_ns, rewrite_ns;
	struct est cow;
};

struct claims {
	/* run --refine: NULL when it did not run, else why it stopped
	 * (env.txt's refine_stopped: converged, time, ...) */
	const char *refine;
	size_t nthp;
	const char *thp[MAX_THP];
	size_t nrss;
	double rss[MAX_RSS];
	struct curve vfork_exit[MAX_THP];	/* 1: fork-exit / vfork-exit */
	struct curve vfork_exec[MAX_THP];	/* 1: fork-exec / vfork-exec */
	struct curve efficient[MAX_THP];	/* 2: fork-exec / vfork-exec, within 10% */
	struct curve spawn[MAX_THP];		/* chart: fork-exec / posix-spawn */
	struct curve cheapest[MAX_THP];		/* 3 */
	bool raw_clone_thread;			/* 3: clone-thread ran (else pthread only) */
	struct curve copies[MAX_THP];		/* 4: fork-exit / fork-exit at the smallest */
	struct growth growth[MAX_THP];
};

void claims_compute(const struct rundir *r, struct claims *c);

/* A curve of a/b with its band and verdict, at thp (exposed for tests). */
void curve_pair(const struct rundir *r, struct curve *cv, const char *a, const char *b,
		const char *thp, double lo, double hi, const double *rss, size_t nrss);

#endif
