/* The machinery under plotdata.c: numbered series with their names, the
 * numeric tables, and OUT/charts.gp, where each chart's names, colours and
 * dash types become gnuplot arrays (lat_label[i] names series i of
 * latency.csv, and so on). */
#ifndef SPAWNCOST_PLOTGP_H
#define SPAWNCOST_PLOTGP_H

#include <stdio.h>

#include "claims.h"
#include "results.h"

#define LABEL_LEN 128
#define MAX_SERIES 128

/* The series of one chart: series i (1-based in the tables) is entry i-1. */
struct names {
	const char *prefix;	/* "lat": lat_label, lat_color, lat_dt in charts.gp */
	size_t n;
	char label[MAX_SERIES][LABEL_LEN];
	int color[MAX_SERIES];	/* a line style of plots/common.gp: one per method */
	int dt[MAX_SERIES];	/* the variant: 1 plain, 2 THP on, 3 another ballast or
				 * variant, then the next free one, so that no two
				 * series share colour and variant (plots/common.gp
				 * draws it as dash(color, dt)) */
};

struct plot {
	const struct rundir *r;
	const struct claims *c;
	char out[PATH_MAX];
	FILE *f;		/* the table being written */
	char path[PATH_MAX + 64];
	int err;		/* the first errno met, and where */
	char err_path[PATH_MAX + 64];
	size_t nmethods;
	const char *methods[MAX_SERIES];	/* colour i + 1 is methods[i] */
	struct names lat, clm, crs, bar, cdf, cow, fit, cnt, ev, ph, scl, rt;
	struct names cmp, cmr, cmq;	/* compare: methods, runs, ratio pairs */
	double bar_rss, cdf_rss, ph_rss[2];
	double clm_zoom[2];	/* the claim chart's zoom: ballast from, to (inf: none) */
	size_t ph_rows[2];
	int ev_log[MAX_COUNTERS];
	char ev_zero[LABEL_LEN];	/* the events 0 in every cell: "cpu_migrations" */
	bool emulated;		/* a run drawn was emulated: every title says so */
};

/* Cells that pass a filter, in series order (methods table order, THP off
 * first, then target, ballast, variant), rising RSS within a series. */
struct sorted {
	const struct cell_data **c;
	size_t n;
};

typedef bool cell_filter(const struct claims *cl, const struct cell_data *c);
/* spawn_cell: a spawn measured without error; plain_off_cell: a plain one at
 * the run's first THP setting; per_page_cell: a page-write timing
 * (cow-child, ...); phase_cell: a plain_off_cell with phase figures. */
cell_filter spawn_cell, plain_off_cell, per_page_cell, phase_cell;
bool any_cell(const struct rundir *r, const struct claims *cl, cell_filter *keep);

int sorted_cells(const struct plot *p, struct sorted *s, cell_filter *keep);
bool same_series(const struct cell_data *a, const struct cell_data *b);
/* "fork-exec", "fork-exit, THP", "fork-exit [dontfork]" ... (a static buffer) */
const char *series_label(const struct rundir *r, const struct cell_data *c);

void plot_init(struct plot *p, const struct rundir *r, const struct claims *c, const char *out);
void series_add(struct plot *p, struct names *n, const struct cell_data *c, const char *label);
void series_add_raw(struct plot *p, struct names *n, const char *label, int color, int dt);
int method_color(struct plot *p, const char *method);

void csv_open(struct plot *p, const char *name, const char *header);
void row(struct plot *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void csv_close(struct plot *p);

/* A number for a table ("" for NaN), from a small ring of buffers: up to 12
 * may be live in one call. */
const char *num(double v);
/* An interpolated size, rounded for a label: "0.5", "12", "230". */
const char *approx(double v);

/* s as a gnuplot string: quoted, backslash and double quote escaped. */
void gp_string(FILE *f, const char *s);

/* Write charts.gp; 0, or -1 with the first failure in err. */
int plot_finish(struct plot *p, char *err);

/* plotextra.c */
void distribution(struct plot *p, double rss);
void fork_fit(struct plot *p);
void counters(struct plot *p);
void phases(struct plot *p);

#endif
