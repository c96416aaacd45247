/* A run folder's cells told apart by their keys, and samples.csv (or
 * samples.csv.gz) attached to them, strictly (see rundir.h): what compare
 * and export's gbench need. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "rundir.h"
#include "winstats.h"

/* A row's line in the file: the header is line 1. */
static size_t line_of(size_t row)
{
	return row + 2;
}

/* Whether a target is the default one (the bundled no-op, or none for
 * methods that do not exec): names leave it out, as users expect
 * `fork-exec/rss_mib:64/thp:off/pin:none`. */
static bool default_target(const char *t)
{
	return strcmp(t, "static") == 0 || strcmp(t, "none") == 0;
}

static char *cell_name(const struct cell_data *c, const bool use[NKEYS])
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	fputs(c->key[KEY_METHOD], f);
	for (int k = 1; k < NKEYS; k++) {
		if (!use[k] || (k == KEY_TARGET && default_target(c->key[k])) ||
		    (k >= NBASE_KEYS && !c->key[k][0]) ||
		    (key_plain[k] && strcmp(c->key[k], key_plain[k]) == 0))
			continue;
		fprintf(f, "/%s:%s", key_names[k], c->key[k]);
	}
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

bool cell_same(const struct cell_data *a, const struct cell_data *b, const bool use[NKEYS])
{
	for (int k = 0; k < NKEYS; k++)
		if (use[k] && strcmp(a->key[k], b->key[k]) != 0)
			return false;
	return true;
}

int rundir_index(struct rundir *r, const bool use[NKEYS], char *err)
{
	memcpy(r->use_key, use, sizeof r->use_key);
	for (size_t i = 0; i < r->ncells; i++) {
		struct cell_data *c = &r->cells[i];

		free(c->name);
		if (!(c->name = cell_name(c, use))) {
			snprintf(err, RUNDIR_ERR_LEN, "%s: out of memory", r->summary_path);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (cell_same(&r->cells[j], c, use)) {
				snprintf(err, RUNDIR_ERR_LEN,
					 "%s: cell %s appears twice (lines %zu and %zu)",
					 r->summary_path, c->name, line_of(r->cells[j].row),
					 line_of(c->row));
				return -1;
			}
	}
	return 0;
}

struct cell_data *rundir_row_cell(struct rundir *r, const struct csv_table *t, size_t row,
				  const int kcol[NKEYS], const bool use[NKEYS], size_t *last)
{
	for (size_t tries = 0; tries < r->ncells; tries++) {
		struct cell_data *c = &r->cells[(*last + tries) % r->ncells];
		bool same = true;

		for (int k = 0; k < NKEYS && same; k++)
			same = !use[k] || kcol[k] < 0 ||
			       strcmp(c->key[k], csv_cell(t, row, kcol[k])) == 0;
		if (same) {
			*last = (size_t)(c - r->cells);
			return c;
		}
	}
	return NULL;
}

/* Room for each measured cell's samples: no more than the file has rows,
 * whatever iterations claims (a row past iterations is refused). */
static int make_room(struct rundir *r, size_t rows)
{
	for (size_t i = 0; i < r->ncells; i++) {
		struct cell_data *c = &r->cells[i];
		size_t cap = c->iterations < (double)rows ? (size_t)c->iterations : rows;

		if (!c->error[0] && !(c->ns = malloc((cap ? cap : 1) * sizeof *c->ns)))
			return -1;
		if (!c->error[0] && !r->has_windows &&
		    !(c->round_of = malloc((cap ? cap : 1) * sizeof *c->round_of)))
			return -1;
	}
	return 0;
}

/* A run made before windows.csv: each cell's windows from its samples'
 * round column (their per-round medians), so that the gate still decides
 * on windows. A run without rounds keeps none. */
static int windows_from_rounds(struct rundir *r)
{
	for (size_t i = 0; i < r->ncells; i++) {
		struct cell_data *c = &r->cells[i];
		size_t first = 0;

		if (c->error[0] || c->nwin || !c->n)
			continue;
		/* samples come window by window: a round is a run of rows */
		for (size_t k = 1; k <= c->n; k++) {
			if (k < c->n && c->round_of[k] == c->round_of[first])
				continue;
			size_t m = k - first;
			double *x = malloc(m * sizeof *x);
			struct window_data *w = realloc(c->win, (c->nwin + 1) * sizeof *w);
			if (!x || !w) {
				free(x);
				if (w)
					c->win = w;
				return -1;
			}
			c->win = w;
			for (size_t j = 0; j < m; j++)
				x[j] = (double)c->ns[first + j] / 1000;
			sort_doubles(x, m);
			c->win[c->nwin++] = (struct window_data){
				.round = c->round_of[first],
				.iterations = m,
				.median_us = m % 2 ? x[m / 2] : (x[m / 2 - 1] + x[m / 2]) / 2,
				.delay_pct = NAN, .steal_pct = NAN,
			};
			free(x);
			first = k;
		}
	}
	return 0;
}

/* Every row to its cell; a cell's samples past its count are refused. */
static int attach(struct rundir *r, const struct csv_table *t, const int kcol[NKEYS], int ns,
		  char *err)
{
	size_t last = 0;
	int cround = csv_col(t, "round");

	for (size_t row = 0; row < t->nrows; row++) {
		struct cell_data *c = rundir_row_cell(r, t, row, kcol, r->use_key, &last);
		char perr[PARSE_ERR_LEN];
		uint64_t v, round = 1;

		if (!c || c->error[0]) {
			snprintf(err, RUNDIR_ERR_LEN, "%s: a sample of a cell %s at line %zu",
				 r->samples_path,
				 c ? "that has an error in summary.csv" : "not in summary.csv",
				 line_of(row));
			return -1;
		}
		const char *bad = parse_u64(csv_cell(t, row, ns), 1, UINT64_MAX, &v, perr) ? "ns"
				  : cround >= 0 && parse_u64(csv_cell(t, row, cround), 1, 1000000,
							     &round, perr) ? "round" : NULL;

		if (bad) {
			snprintf(err, RUNDIR_ERR_LEN, "%s: %s %s at line %zu", r->samples_path,
				 bad, perr, line_of(row));
			return -1;
		}
		if ((double)c->n == c->iterations) {
			snprintf(err, RUNDIR_ERR_LEN,
				 "%s: more samples of %s than its %.0f iterations at line %zu",
				 r->samples_path, c->name, c->iterations, line_of(row));
			return -1;
		}
		if (c->round_of)
			c->round_of[c->n] = (unsigned)round;
		c->ns[c->n++] = v;
	}
	return 0;
}

int rundir_samples_path(struct rundir *r, char *err)
{
	char plain[PATH_MAX + 16];

	snprintf(plain, sizeof plain, "%s/samples.csv", r->dir);
	snprintf(r->samples_path, sizeof r->samples_path, "%s/samples.csv.gz", r->dir);
	if (access(r->samples_path, F_OK) != 0) {
		snprintf(r->samples_path, sizeof r->samples_path, "%s", plain);
		return 0;
	}
	if (access(plain, F_OK) == 0) {
		snprintf(err, RUNDIR_ERR_LEN, "%s: holds both samples.csv and samples.csv.gz, "
			 "and either may be the run's: remove the one that is not", r->dir);
		return -1;
	}
	return 0;
}

int rundir_samples(struct rundir *r, char *err)
{
	struct csv_table t;
	char cerr[CSV_ERR_LEN];
	int kcol[NKEYS], ns;
	int rc = -1;

	if (csv_read(r->samples_path, &t, cerr)) {
		snprintf(err, RUNDIR_ERR_LEN, "%s: %s", r->samples_path, cerr);
		return -1;
	}
	for (int k = 0; k < NKEYS; k++)
		if (r->use_key[k] && (kcol[k] = csv_col(&t, key_names[k])) < 0) {
			snprintf(err, RUNDIR_ERR_LEN, "%s: no column '%s'", r->samples_path,
				 key_names[k]);
			goto out;
		}
	if ((ns = csv_col(&t, "ns")) < 0) {
		snprintf(err, RUNDIR_ERR_LEN, "%s: no column 'ns'", r->samples_path);
		goto out;
	}
	if (make_room(r, t.nrows)) {
		snprintf(err, RUNDIR_ERR_LEN, "%s: out of memory", r->samples_path);
		goto out;
	}
	if (attach(r, &t, kcol, ns, err))
		goto out;
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell_data *c = &r->cells[i];

		if (!c->error[0] && (double)c->n != c->iterations) {
			snprintf(err, RUNDIR_ERR_LEN, "%s: %zu samples of %s where summary.csv "
				 "counts %.0f (file cut short?)", r->samples_path, c->n, c->name,
				 c->iterations);
			goto out;
		}
	}
	if (!r->has_windows && csv_col(&t, "round") >= 0 &&
	    windows_from_rounds(r)) {
		snprintf(err, RUNDIR_ERR_LEN, "%s: out of memory", r->samples_path);
		goto out;
	}
	rc = 0;
out:
	csv_table_free(&t);
	return rc;
}

int rundir_gate_windows(struct rundir *r, char *err)
{
	if (r->has_windows)
		return 0;
	if (access(r->samples_path, F_OK) != 0 && errno == ENOENT) {
		r->bare = true;
		return 0;
	}
	return rundir_samples(r, err);
}
