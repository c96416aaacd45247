/* windows.csv read back and attached to the cells (see rundir.h): the
 * windows' medians every interval of the analysis rests on. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parse.h"
#include "rundir.h"

static const char *const needs[] = { "round", "median_us", "contended", NULL };

static double pct(const struct csv_table *t, size_t row, int col)
{
	bool bad = false;
	double v = col < 0 ? NAN : field_num(csv_cell(t, row, col), FIELD_FIGURE, &bad);

	return bad ? NAN : v;
}

/* A window has round trips, and each takes time: a median of 0 would be a
 * run infinitely fast to every ratio and logarithm after. */
static int window_median(const char *s, double *med, char *perr)
{
	if (field_parse(s, FIELD_FIGURE, med, perr))
		return -1;
	if (*med > 0)
		return 0;
	snprintf(perr, PARSE_ERR_LEN, "'%s' is no window's time (above 0)", s);
	return -1;
}

static int attach(struct rundir *r, const struct csv_table *t, const char *path, char *err)
{
	int kcol[NKEYS], cr = csv_col(t, "round"), cm = csv_col(t, "median_us"),
	    cc = csv_col(t, "contended"), cd = csv_col(t, "delay_pct"), cs = csv_col(t, "steal_pct"),
	    ci = csv_col(t, "iterations");
	size_t last = 0;

	for (int k = 0; k < NKEYS; k++)
		kcol[k] = csv_col(t, key_names[k]);
	for (size_t row = 0; row < t->nrows; row++) {
		struct cell_data *c = rundir_row_cell(r, t, row, kcol, r->has_key, &last);
		char perr[PARSE_ERR_LEN];
		uint64_t round;
		double med, iters = 0;
		struct window_data *w;

		if (!c || c->error[0]) {
			snprintf(err, RUNDIR_ERR_LEN, "%s: a window of a cell %s at line %zu", path,
				 c ? "that has an error in summary.csv" : "not in summary.csv",
				 row + 2);
			return -1;
		}
		const char *bad =
			parse_u64(csv_cell(t, row, cr), 1, 1000000, &round, perr) ? "round"
			: window_median(csv_cell(t, row, cm), &med, perr) ? "median_us"
			: ci >= 0 && field_parse(csv_cell(t, row, ci), FIELD_COUNT, &iters, perr)
				? "iterations" : NULL;

		if (bad) {
			snprintf(err, RUNDIR_ERR_LEN, "%s: %s %s at line %zu", path, bad, perr,
				 row + 2);
			return -1;
		}
		for (size_t i = 0; i < c->nwin; i++)
			if (c->win[i].round == round) {
				snprintf(err, RUNDIR_ERR_LEN, "%s: a second window of round %llu of a "
					 "cell at line %zu", path, (unsigned long long)round, row + 2);
				return -1;
			}
		if (!(w = realloc(c->win, (c->nwin + 1) * sizeof *w))) {
			snprintf(err, RUNDIR_ERR_LEN, "%s: out of memory", path);
			return -1;
		}
		c->win = w;
		c->win[c->nwin++] = (struct window_data){
			.round = (unsigned)round, .median_us = med,
			.iterations = (uint64_t)iters,
			.delay_pct = pct(t, row, cd), .steal_pct = pct(t, row, cs),
			.contended = strcmp(csv_cell(t, row, cc), "yes") == 0,
		};
	}
	return 0;
}

int rundir_windows(struct rundir *r, char *err)
{
	char path[PATH_MAX + 16], cerr[CSV_ERR_LEN];
	struct csv_table t;
	struct stat st;
	int rc = -1;

	snprintf(path, sizeof path, "%s/windows.csv", r->dir);
	if (stat(path, &st) != 0 && errno == ENOENT)
		return 0;	/* a run made before windows.csv */
	if (csv_read(path, &t, cerr)) {
		snprintf(err, RUNDIR_ERR_LEN, "%s: %s", path, cerr);
		return -1;
	}
	for (const char *const *n = needs; *n; n++)
		if (csv_col(&t, *n) < 0) {
			snprintf(err, RUNDIR_ERR_LEN, "%s: no column '%s'", path, *n);
			goto out;
		}
	if (attach(r, &t, path, err))
		goto out;
	r->has_windows = true;
	rc = 0;
out:
	csv_table_free(&t);
	return rc;
}
