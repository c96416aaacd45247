/* Reading a run folder back: summary.csv, env.txt and fit.csv (see
 * rundir.h; samples.csv is rundir_samples.c's). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parse.h"
#include "rundir.h"

const char *const key_names[NKEYS] = { "method", "target", "rss_mib", "thp", "pin",
				       "variant", "ballast", "vmas", "fds", "threads",
				       "parallel", "spawners" };
const char *const key_plain[NKEYS] = { [KEY_FDS] = "0", [KEY_THREADS] = "0",
				       [KEY_PARALLEL] = "1", [KEY_SPAWNERS] = "processes" };

_Static_assert(offsetof(struct cell_data, spawners) == offsetof(struct cell_data, key[KEY_SPAWNERS]),
	       "the keys by name and by index must be the same pointers");

#define CELL(field) offsetof(struct cell_data, field)

/* The numbers of a row, each of its kind (rundir.h's one grammar). Both
 * readers refuse the first that is no number of its kind, in this order;
 * the gate also refuses a row without a count, or a measured row without
 * the statistics it decides on (need). */
enum need { NEED_NONE, NEED_ALWAYS, NEED_MEASURED };

static const struct number {
	const char *col;
	size_t off;
	enum field_kind kind;
	enum need gate;
} numbers[] = {
	{ "rss_mib", CELL(rss_mib), FIELD_FIGURE, NEED_NONE },
	{ "rss_kib", CELL(rss_kib), FIELD_COUNT, NEED_NONE },
	{ "pte_kib", CELL(pte_kib), FIELD_COUNT, NEED_NONE },
	{ "iterations", CELL(iterations), FIELD_COUNT, NEED_ALWAYS },
	{ "median_us", CELL(med.v), FIELD_FIGURE, NEED_MEASURED },
	{ "ci_lo_us", CELL(med.lo), FIELD_FIGURE, NEED_NONE },
	{ "ci_hi_us", CELL(med.hi), FIELD_FIGURE, NEED_NONE },
	{ "p10_us", CELL(p10), FIELD_FIGURE, NEED_MEASURED },
	{ "p90_us", CELL(p90), FIELD_FIGURE, NEED_MEASURED },
	{ "per_page_ns", CELL(per_page_ns), FIELD_FIGURE, NEED_NONE },
	{ "thp_kib", CELL(thp_kib), FIELD_COUNT, NEED_NONE },
	{ "child_start_us", CELL(phase[PH_CHILD_START]), FIELD_FIGURE, NEED_NONE },
	{ "exec_us", CELL(phase[PH_EXEC]), FIELD_FIGURE, NEED_NONE },
	{ "exit_reap_us", CELL(phase[PH_EXIT_REAP]), FIELD_FIGURE, NEED_NONE },
	{ "parent_resume_us", CELL(phase[PH_PARENT_RESUME]), FIELD_FIGURE, NEED_NONE },
	{ "throughput_per_s", CELL(throughput), FIELD_FIGURE, NEED_NONE },
	{ "windows", CELL(windows), FIELD_COUNT, NEED_NONE },
	{ "contended_windows", CELL(contended), FIELD_COUNT, NEED_NONE },
	{ "mean_us", CELL(mean), FIELD_FIGURE, NEED_MEASURED },
	{ "stddev_us", CELL(stddev), FIELD_FIGURE, NEED_MEASURED },
};
#define NNUMBERS (sizeof numbers / sizeof numbers[0])

/* What each reader refuses a summary.csv without, in the order it says so. */
static const char *const gate_needs[] = {
	"method", "target", "rss_mib", "thp", "pin", "iterations", "median_us", "p10_us",
	"p90_us", "mean_us", "stddev_us", "error", NULL,
};

static const char *const report_needs[] = {
	"run_id", "host", "method", "target", "rss_mib", "thp", "rss_kib", "iterations",
	"median_us", "p10_us", "p90_us", "ci_lo_us", "ci_hi_us", "error", NULL,
};

static int refuse(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, RUNDIR_ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

/* A row's line in the file: the header is line 1. Our files quote no
 * newlines, so rows and lines agree. */
static size_t line_of(size_t row)
{
	return row + 2;
}

int field_parse(const char *s, enum field_kind kind, double *v, char *perr)
{
	uint64_t n;

	switch (kind) {
	case FIELD_COUNT:
		if (parse_u64(s, 0, 1ULL << 53, &n, perr))
			return -1;
		*v = (double)n;
		return 0;
	case FIELD_FIGURE:
		return parse_double(s, 0, INFINITY, v, perr);
	default:
		return parse_double(s, -INFINITY, INFINITY, v, perr);
	}
}

double field_num(const char *s, enum field_kind kind, bool *bad)
{
	char perr[PARSE_ERR_LEN];
	double v;

	if (!s || !*s)
		return NAN;
	if (field_parse(s, kind, &v, perr)) {
		*bad = true;
		return NAN;
	}
	return v;
}

static const char *field(const struct csv_table *t, size_t row, int col)
{
	return col < 0 ? "" : csv_cell(t, row, col);
}

/* Row `row` into c. Returns the index in numbers[] of the first field that
 * is no number of its kind (it reads as NaN), with why in perr, or -1. */
static int decode(const struct csv_table *t, size_t row, const int *kcol, const int *ncol,
		  int ecol, struct cell_data *c, char *perr)
{
	int garbled = -1;

	c->row = row;
	for (int k = 0; k < NKEYS; k++)
		c->key[k] = field(t, row, kcol[k]);
	c->error = field(t, row, ecol);
	c->refined = strcmp(field(t, row, csv_col(t, "refined")), "yes") == 0;
	for (size_t i = 0; i < NNUMBERS; i++) {
		const char *s = field(t, row, ncol[i]);
		double *v = (double *)((char *)c + numbers[i].off);
		char why[PARSE_ERR_LEN];

		*v = NAN;
		if (*s && field_parse(s, numbers[i].kind, v, why) && garbled < 0) {
			garbled = (int)i;
			snprintf(perr, PARSE_ERR_LEN, "%s", why);
		}
	}
	return garbled;
}

/* The gate's row: whole keys, numbers of their kind, a count, and the
 * statistics of a measured row. */
static int gate_row(const struct rundir *r, const struct cell_data *c, int garbled,
		    const char *perr, char *err)
{
	for (int k = 0; k < NBASE_KEYS; k++)
		if (!c->key[k][0])
			return refuse(err, "%s: empty %s at line %zu", r->summary_path,
				      key_names[k], line_of(c->row));
	if (garbled >= 0)
		return refuse(err, "%s: %s %s at line %zu", r->summary_path,
			      numbers[garbled].col, perr, line_of(c->row));
	for (size_t i = 0; i < NNUMBERS; i++) {
		const struct number *n = &numbers[i];

		if (n->gate == NEED_NONE || (n->gate == NEED_MEASURED && c->error[0]) ||
		    !isnan(*(const double *)((const char *)c + n->off)))
			continue;
		/* one sample has no spread: the run leaves stddev_us empty */
		if (c->iterations == 1 && strcmp(n->col, "stddev_us") == 0)
			continue;
		return refuse(err, "%s: %s '' is not a %s at line %zu", r->summary_path, n->col,
			      n->kind == FIELD_COUNT ? "whole number" : "number", line_of(c->row));
	}
	if (!c->error[0] && c->iterations == 0)
		return refuse(err, "%s: a measured cell with 0 iterations at line %zu",
			      r->summary_path, line_of(c->row));
	return 0;
}

/* The report's row: numbers where there are any, and a size. */
static int report_row(const struct rundir *r, const struct cell_data *c, int garbled,
		      char *err)
{
	const struct csv_table *t = &r->summary;

	if (garbled >= 0) {
		const char *col = numbers[garbled].col;

		return refuse(err, "%s: row %zu: %s '%s' is not a %s", r->summary_path,
			      line_of(c->row), col, field(t, c->row, csv_col(t, col)),
			      numbers[garbled].kind == FIELD_COUNT ? "count" : "number");
	}
	if (isnan(c->rss_mib))
		return refuse(err, "%s: row %zu: no rss_mib", r->summary_path, line_of(c->row));
	if (!c->error[0] && !(c->iterations >= 1))
		return refuse(err, "%s: row %zu: a measured cell with %s iterations",
			      r->summary_path, line_of(c->row),
			      isnan(c->iterations) ? "no" : "0");
	return 0;
}

static int read_cells(struct rundir *r, enum rundir_reader who, char *err)
{
	const struct csv_table *t = &r->summary;
	const char *const *need = who == FOR_GATE ? gate_needs : report_needs;
	int kcol[NKEYS], ncol[NNUMBERS], ecol = csv_col(t, "error");

	for (; *need; need++)
		if (csv_col(t, *need) < 0)
			return refuse(err, "%s: no column '%s'", r->summary_path, *need);
	if (t->nrows == 0)
		return refuse(err, who == FOR_GATE ? "%s: no cells (a header and nothing else)"
						   : "%s: no cells, only a header",
			      r->summary_path);
	for (int k = 0; k < NKEYS; k++)
		r->has_key[k] = (kcol[k] = csv_col(t, key_names[k])) >= 0;
	for (size_t i = 0; i < NNUMBERS; i++)
		ncol[i] = csv_col(t, numbers[i].col);
	r->cells = calloc(t->nrows, sizeof *r->cells);
	if (!r->cells)
		return refuse(err, "%s: out of memory", r->summary_path);
	for (size_t i = 0; i < t->nrows; i++) {
		struct cell_data *c = &r->cells[r->ncells++];
		char perr[PARSE_ERR_LEN];
		int garbled = decode(t, i, kcol, ncol, ecol, c, perr);

		if (who == FOR_GATE ? gate_row(r, c, garbled, perr, err)
				    : report_row(r, c, garbled, err))
			return -1;
	}
	return 0;
}

/* The counter columns the run has, and the exec target it compares on. */
static void find_optional(struct rundir *r)
{
	const struct csv_table *t = &r->summary;
	static const char suffix[] = "_per_op";

	for (size_t c = 0; c < t->ncols && r->ncounters < MAX_COUNTERS; c++) {
		size_t len = strlen(t->header[c]);

		if (len > sizeof suffix - 1 &&
		    strcmp(t->header[c] + len - (sizeof suffix - 1), suffix) == 0)
			r->counter_col[r->ncounters++] = (int)c;
	}
	/* Exec pairs compare on one target: the bundled no-op when the run
	 * has it, else the first one the run used. */
	for (size_t i = 0; i < r->ncells; i++) {
		const char *tg = r->cells[i].target;

		if (strcmp(tg, "none") == 0 || !*tg)
			continue;
		if (!r->target || strcmp(tg, "static") == 0)
			r->target = tg;
	}
	if (!r->target)
		r->target = "static";
}

/* env.txt and fit.csv, both optional. An env.txt that is there but cannot
 * be read stops the gate; the report says in report.md that it has none. */
static int read_extras(struct rundir *r, enum rundir_reader who, char *err)
{
	char path[PATH_MAX + 16], why[RUNDIR_ERR_LEN];
	int rc;

	snprintf(path, sizeof path, "%s/env.txt", r->dir);
	rc = envtxt_read(path, &r->env, why, sizeof why);
	if (rc < 0 && who == FOR_GATE)
		return refuse(err, "%s", why);
	r->has_env = rc == 0;
	snprintf(path, sizeof path, "%s/fit.csv", r->dir);
	if (csv_read(path, &r->fit, why))
		memset(&r->fit, 0, sizeof r->fit);
	return 0;
}

int rundir_open(struct rundir *r, const char *dir, enum rundir_reader who, char *err)
{
	char cerr[CSV_ERR_LEN];
	struct stat st;

	memset(r, 0, sizeof *r);
	/* The gate names a missing folder; the report, the file it wanted. */
	if (snprintf(r->dir, sizeof r->dir, "%s", dir) >= (int)sizeof r->dir && who == FOR_GATE)
		return refuse(err, "%.64s...: path too long", dir);
	if (who == FOR_GATE && stat(dir, &st) != 0)
		return refuse(err, "%s: %s", dir, strerror(errno));
	if (who == FOR_GATE && !S_ISDIR(st.st_mode))
		return refuse(err, "%s: not a folder (give a run folder)", dir);
	snprintf(r->summary_path, sizeof r->summary_path, "%s/summary.csv", dir);
	if (rundir_samples_path(r, err))
		goto fail;
	if (csv_read(r->summary_path, &r->summary, cerr)) {
		refuse(err, "%s: %s", r->summary_path, cerr);
		goto fail;
	}
	if (read_cells(r, who, err) || read_extras(r, who, err) || rundir_windows(r, err))
		goto fail;
	find_optional(r);
	return 0;
fail:
	rundir_free(r);
	return -1;
}

const char *rundir_env(const struct rundir *r, const char *key)
{
	return envtxt_get(&r->env, key);
}

void rundir_free(struct rundir *r)
{
	for (size_t i = 0; i < r->ncells; i++) {
		free(r->cells[i].name);
		free(r->cells[i].ns);
		free(r->cells[i].win);
		free(r->cells[i].round_of);
	}
	free(r->cells);
	csv_table_free(&r->summary);
	csv_table_free(&r->fit);
	envtxt_free(&r->env);
	memset(r, 0, sizeof *r);
}
