/* The runtime methods of a run (run -m runtimes): each runtime API's round
 * trip against its driver's resident memory, with the C fork-exec and
 * posix-spawn as references, for the runtimes chart and report.md. */
#ifndef SPAWNCOST_RUNTIMES_H
#define SPAWNCOST_RUNTIMES_H

#include <stdio.h>

#include "rundir.h"
#include "stats.h"

#define RT_POINTS 32
#define RT_SERIES 24

/* One method at every size, THP off, plain ballast: x the VmRSS of the
 * process that spawned (the driver's for a runtime method, the engine's for
 * a C one), in MiB. */
struct rt_series {
	const char *method;
	const char *version;	/* the variant column: the runtime's version */
	bool reference;		/* a C method drawn for comparison */
	size_t n;
	double x_mib[RT_POINTS], median_us[RT_POINTS];
	struct line_fit fit;	/* median µs against VmRSS GiB; points 0: none */
};

/* The runtime methods that measured, then fork-exec and posix-spawn when
 * the run has them. Returns how many series (0: no runtime method). */
size_t runtime_series(const struct rundir *r, struct rt_series *out, size_t max);

/* report.md's section: each runtime API's round trip at the smallest and
 * largest parent, the fit's slope per GiB of its own heap, whether it grows,
 * and the system calls `spawncost list` says it makes. Nothing when the run
 * has no runtime method. */
void runtimes_section(FILE *f, const struct rundir *r);

#endif
