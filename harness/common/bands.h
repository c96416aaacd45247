/* The claims' ratios and the bands they are judged against, in one table
 * that both programs read: the report's claims (analysis/claims.c) and
 * charts, and the engine's --refine search for where a ratio crosses a
 * band's edge (engine/refine.c). What each claim means is in
 * harness/analysis/claims.h. */
#ifndef SPAWNCOST_BANDS_H
#define SPAWNCOST_BANDS_H

#include "stats.h"

#define CLAIM1_LO 4.0
#define CLAIM1_HI 5.0
#define AS_EFFICIENT 1.10	/* "as efficient", "copies nothing": within 10% */

/* A ratio a/b of two plain cells at the same size and its band [lo, hi]
 * (lo may be 0 and hi INFINITY: no edge there). */
struct band {
	const char *a, *b;
	double lo, hi;
	int search;	/* --refine: 0, a claim's, searched first; 1, drawn
			 * on the claims chart, searched after */
};

enum { BAND_VFORK_EXIT, BAND_VFORK_EXEC, BAND_EFFICIENT, BAND_SPAWN_4X, BAND_SPAWN_EFFICIENT,
       NBANDS };

/* 1: fork-exit / vfork-exit and fork-exec / vfork-exec within [4, 5];
 * 2: fork-exec / vfork-exec within 10%; and fork-exec / posix-spawn, which
 * the claims chart draws against the same edges. */
extern const struct band bands[NBANDS];

/* Where an interval lies against the band [lo, hi] (inclusive). */
enum side {
	SIDE_BELOW,	/* wholly below lo */
	SIDE_WITHIN,	/* wholly inside */
	SIDE_ABOVE,	/* wholly above hi */
	SIDE_ACROSS,	/* across an edge: the data cannot tell */
};

enum side band_side(struct est e, double lo, double hi);

#endif
