/* The tables the chart scripts (plots/<chart>.gp) read, reshaped from a run by
 * `spawncost report --plot-data OUT DIR...`, which scripts/plots calls.
 *
 * Why reshape in C: a ratio, a crossing of the 4-5x band or a distribution
 * is worked out here once, by the same code the verdicts use, so a chart
 * never says something the report does not. The tables hold numbers only
 * (series are numbered); the names go into OUT/charts.gp as gnuplot arrays,
 * so no label ever has to survive a comma-separated field. */
#ifndef SPAWNCOST_PLOTDATA_H
#define SPAWNCOST_PLOTDATA_H

#include <stddef.h>

#include "claims.h"
#include "results.h"

#define PLOT_ERR_LEN (2 * PATH_MAX)

struct chart {
	const char *name;	/* plots/<name>.gp draws <name>.svg and .png */
	const char *title;
	/* why the run lacks what the chart draws, or NULL when it has it */
	const char *(*absent)(const struct rundir *r, const struct claims *c);
};

/* The charts of one run, in the order the report shows them. */
extern const struct chart charts[];
extern const size_t ncharts;

/* Why chart name cannot be drawn from this run (into why), or NULL when it
 * can. */
const char *chart_absent(const struct rundir *r, const struct claims *c, const char *name,
			 char *why, size_t len);

/* Write the tables of every drawable chart of r into the folder out.
 * cdf_rss: the parent size of the distribution chart (NaN: the smallest).
 * Returns 0 or -1 with a reason in err. */
int plot_data(const struct rundir *r, const struct claims *c, const char *out, double cdf_rss,
	      char *err);

/* The overlay of several runs: compare-latency and compare-claims tables. */
int plot_compare(const struct rundir *runs, const struct claims *const *c, size_t n,
		 const char *out, char *err);

#endif
