/* What people read: progress on stderr and the closing table on stdout. */
#ifndef SPAWNCOST_TABLE_H
#define SPAWNCOST_TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "memory.h"
#include "method.h"
#include "phases.h"
#include "stats.h"
#include "windows.h"

struct table_row {
	const struct method *method;
	uint64_t ballast_kib;	/* the ballast: rss_mib x 1024 (refined sizes are
				 * fractions of a MiB: see mib_text) */
	bool refined;		/* added by --refine */
	char variant[64];	/* a runtime method's runtime version, as its driver said */
	enum thp_mode thp;
	enum ballast_kind kind;
	uint64_t fds, threads;	/* the parent's shape: --fds, --threads */
	uint64_t parallel;	/* spawners at once (--parallel; 1 without) */
	double rate_sum;	/* round trips per second (probes included),
				 * summed over spawners, summed over windows */
	long rss_kib, pte_kib, thp_kib;	/* the largest in any window */
	long fork_maps, fork_rss_kib;	/* what fork copies: the largest in any window */
	size_t probes;		/* untimed probe iterations (where children ran) */
	unsigned modes;		/* modes of the samples; 0: too few to tell */
	uint64_t pages;		/* pages a per_page method wrote; 0 otherwise */
	unsigned windows;	/* windows (rounds) that measured it */
	unsigned contended;	/* of them, contended (harness/engine/windows.h) */
	double child_same_cpu_pct;	/* < 0: the child's CPU was not seen */
	double window_lo, window_hi;	/* the smallest and largest window median
					 * (ns), from the window records at the
					 * end; 0 with fewer than two */
	double phase_ns[NPHASES];	/* --phases medians; < 0 where not seen */
	double per_op[16];	/* counters per operation (NAN: not counted) */
	bool counted, scaled;
	struct stats stats;
	char error[160];
};


/* Progress of window `round` (0-based) of cell i (1-based) of n
 * (harness/engine/progress.c: a line per window in a log, one line redrawn
 * on a terminal). */
void progress_start(unsigned round, unsigned rounds, size_t i, size_t n, const struct table_row *t);
/* The window just measured: why it failed, or its n samples' median
 * (median < 0: none) and its record (NULL: none), which says whether the
 * machine took the CPU from it. Called for every window progress_start
 * began, an abandoned one too: a terminal's line is cleared here. */
void progress_done(const char *error, size_t n, double median, const struct window_rec *w);
void table_print(FILE *f, const struct table_row *rows, size_t n);

#endif
