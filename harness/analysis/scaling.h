/* Spawn throughput against the number of spawners (run --parallel): the
 * series the scaling chart draws and the report's efficiency table read. */
#ifndef SPAWNCOST_SCALING_H
#define SPAWNCOST_SCALING_H

#include <stdio.h>

#include "rundir.h"

#define SCALE_POINTS 8	/* values of --parallel (MAX_SHAPES) */
#define SCALE_SERIES 64

/* One method at one size, THP setting and kind of spawner, measured at
 * several N: round trips per second summed over the N spawners. */
struct scale {
	const struct cell_data *first;	/* its cell at the smallest N */
	size_t n;
	double parallel[SCALE_POINTS], rate[SCALE_POINTS];	/* rising N */
};

/* The run's series with two N or more (error-free plain-parent cells with a
 * throughput); at most max. Returns how many. */
size_t scaling_series(const struct rundir *r, struct scale *out, size_t max);

/* The report's section: for each series, the throughput at 1 and at the
 * largest N, the speed-up and the efficiency (speed-up / N). Nothing when
 * the run has no series. */
void scaling_section(FILE *f, const struct rundir *r);

#endif
