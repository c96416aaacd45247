/* latency = fixed + slope x ballast, by least squares over a sweep (fit_line,
 * in stats.h): the "ms of fork per GiB" people compare with published
 * tables, as fit.csv and the run's closing lines; and the same over the
 * parent's descriptors or threads. */
#ifndef SPAWNCOST_FIT_H
#define SPAWNCOST_FIT_H

#include <stddef.h>
#include <stdio.h>

#include "options.h"
#include "stats.h"
#include "table.h"

/* Appended since: x (what the line is against: ballast_gib, fds or
 * threads), us_per_x (its slope, µs per one of x) and rss_mib (the size a
 * line over fds or threads was measured at). */
#define FIT_COLUMNS \
	"method,target,thp,ballast,fixed_us,us_per_gib,r2,run_id,host,vmas,points,fds,threads," \
	"parallel,spawners,x,us_per_x,rss_mib"

/* One line per (method, thp, ballast, parent shape) over the rows' sizes
 * (GiB of ballast against median µs; error rows left out), and, where
 * --fds or --threads swept two values or more, one over them at each size:
 * a CSV row each into csv (with target, run_id, host and vmas as given by
 * the callbacks' caller), and the lines over the ballast as readable lines
 * into text. r2 is empty, and the text says "2 points: no fit", for a line
 * through two points. */
void fit_rows(const struct table_row *rows, size_t n, FILE *csv, FILE *text,
	      const char *(*target)(const struct method *m, const struct run_opts *o),
	      const struct run_opts *o,
	      const char *run_id, const char *host, unsigned long vmas, const char *spawners);

/* The lines over --fds and over --threads (each at one size, thp and the
 * other dimension): what one descriptor or one thread of the parent adds
 * to a round trip, as readable lines into text. */
void fit_shapes(const struct table_row *rows, size_t n, FILE *text);

#endif
