/* Reading a run folder back: summary.csv, env.txt and fit.csv (see
 * rundir.h; samples.csv is rundir_samples.c's). */
#include <ctype.h>
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

const char *const phase_columns[NPHASES] = {
	[PH_CHILD_START] = "child_start_us",
	[PH_PARENT_RESUME] = "parent_resume_us",
	[PH_EXEC] = "exec_us",
	[PH_EXIT_REAP] = "exit_reap_us",
};

_Static_assert(offsetof(struct cell_data, spawners) == offsetof(struct cell_data, key[KEY_SPAWNERS]),
	       "the keys by name and by index must be the same pointers");

#define CELL(field) offsetof(struct cell_data, field)

/* The numbers of a row. The report refuses the first garbled one, in this
 * order, of all but the last two (it never read mean_us and stddev_us);
 * the gate checks its own (gate_row). */
static const struct number {
	const char *col;
	size_t off;
} numbers[] = {
	{ "rss_mib", CELL(rss_mib) },
	{ "rss_kib", CELL(rss_kib) },
	{ "pte_kib", CELL(pte_kib) },
	{ "iterations", CELL(iterations) },
	{ "median_us", CELL(med.v) },
	{ "ci_lo_us", CELL(med.lo) },
	{ "ci_hi_us", CELL(med.hi) },
	{ "p10_us", CELL(p10) },
	{ "p90_us", CELL(p90) },
	{ "per_page_ns", CELL(per_page_ns) },
	{ "thp_kib", CELL(thp_kib) },
	{ "child_start_us", CELL(phase[PH_CHILD_START]) },
	{ "exec_us", CELL(phase[PH_EXEC]) },
	{ "exit_reap_us", CELL(phase[PH_EXIT_REAP]) },
	{ "parent_resume_us", CELL(phase[PH_PARENT_RESUME]) },
	{ "throughput_per_s", CELL(throughput) },
	{ "windows", CELL(windows) },
	{ "contended_windows", CELL(contended) },
	{ "mean_us", CELL(mean) },
	{ "stddev_us", CELL(stddev) },
};
#define NNUMBERS (sizeof numbers / sizeof numbers[0])
#define REPORT_NUMBERS (NNUMBERS - 2)

/* The statistics the gate reads, which must be numbers in a measured row. */
static const char *const gate_stats[] = { "median_us", "p10_us", "p90_us", "mean_us",
					  "stddev_us" };

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

double field_num(const char *s, bool *bad)
{
	char *end;
	double v;

	if (!s || !*s)
		return NAN;
	/* One grammar for every reader: decimal, as the run writes it; no
	 * space, hex, inf or nan, which strtod would take. */
	if ((!isdigit((unsigned char)s[0]) && s[0] != '-' && s[0] != '.') ||
	    s[strspn(s, "0123456789.eE+-")] != '\0') {
		*bad = true;
		return NAN;
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || !isfinite(v)) {
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
 * is no number (it reads as NaN), or -1. */
static int decode(const struct csv_table *t, size_t row, const int *kcol, const int *ncol,
		  int ecol, struct cell_data *c)
{
	int garbled = -1;

	c->row = row;
	for (int k = 0; k < NKEYS; k++)
		c->key[k] = field(t, row, kcol[k]);
	c->error = field(t, row, ecol);
	c->refined = strcmp(field(t, row, csv_col(t, "refined")), "yes") == 0;
	for (size_t i = 0; i < NNUMBERS; i++) {
		bool bad = false;

		*(double *)((char *)c + numbers[i].off) = field_num(field(t, row, ncol[i]), &bad);
		if (bad && garbled < 0)
			garbled = (int)i;
	}
	return garbled;
}

/* The gate's row: whole keys, a count, statistics that are numbers. */
static int gate_row(const struct rundir *r, const struct cell_data *c, char *err)
{
	const struct csv_table *t = &r->summary;
	char perr[PARSE_ERR_LEN];
	uint64_t count;

	for (int k = 0; k < NBASE_KEYS; k++)
		if (!c->key[k][0])
			return refuse(err, "%s: empty %s at line %zu", r->summary_path,
				      key_names[k], line_of(c->row));
	if (parse_u64(field(t, c->row, csv_col(t, "iterations")), 0, UINT64_MAX, &count, perr))
		return refuse(err, "%s: iterations %s at line %zu", r->summary_path, perr,
			      line_of(c->row));
	for (size_t f = 0; f < sizeof gate_stats / sizeof gate_stats[0] && !c->error[0]; f++) {
		const char *s = field(t, c->row, csv_col(t, gate_stats[f]));
		double v;

		/* one sample has no spread: the run leaves stddev_us empty */
		if (count == 1 && !s[0] && strcmp(gate_stats[f], "stddev_us") == 0)
			continue;
		if (parse_double(s, 0, INFINITY, &v, perr))
			return refuse(err, "%s: %s '%s' is not a number at line %zu",
				      r->summary_path, gate_stats[f], s, line_of(c->row));
	}
	if (!c->error[0] && count == 0)
		return refuse(err, "%s: a measured cell with 0 iterations at line %zu",
			      r->summary_path, line_of(c->row));
	return 0;
}

/* The report's row: numbers where there are any, and a size. */
static int report_row(const struct rundir *r, const struct cell_data *c, int garbled,
		      char *err)
{
	const struct csv_table *t = &r->summary;

	if (garbled >= 0 && (size_t)garbled < REPORT_NUMBERS) {
		const char *col = numbers[garbled].col;

		return refuse(err, "%s: row %zu: %s '%s' is not a number", r->summary_path,
			      line_of(c->row), col, field(t, c->row, csv_col(t, col)));
	}
	if (isnan(c->rss_mib))
		return refuse(err, "%s: row %zu: no rss_mib", r->summary_path, line_of(c->row));
	if (!c->error[0] && (c->med.v < 0 || c->p10 < 0 || c->p90 < 0 || c->rss_mib < 0))
		return refuse(err, "%s: row %zu: a negative time or size", r->summary_path,
			      line_of(c->row));
	if (!isnan(c->iterations) && (c->iterations < 0 || c->iterations != floor(c->iterations) ||
				      c->iterations > 9007199254740992.0))
		return refuse(err, "%s: row %zu: iterations '%s' is not a count", r->summary_path,
			      line_of(c->row), field(&r->summary, c->row,
						     csv_col(&r->summary, "iterations")));
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
		int garbled = decode(t, i, kcol, ncol, ecol, c);

		if (who == FOR_GATE ? gate_row(r, c, err) : report_row(r, c, garbled, err))
			return -1;
	}
	return 0;
}

/* The optional columns the run has, and the exec target it compares on. */
static void find_optional(struct rundir *r)
{
	const struct csv_table *t = &r->summary;
	static const char suffix[] = "_per_op";

	r->has_per_page = csv_col(t, "per_page_ns") >= 0;
	for (int p = 0; p < NPHASES; p++)
		if (csv_col(t, phase_columns[p]) >= 0)
			r->has_phases = true;
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
	snprintf(r->samples_path, sizeof r->samples_path, "%s/samples.csv", dir);
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
