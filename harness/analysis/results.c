#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "results.h"

const char *const phase_columns[NPHASES] = {
	[PH_CHILD_START] = "child_start_us",
	[PH_EXEC] = "exec_us",
	[PH_EXIT_REAP] = "exit_reap_us",
	[PH_PARENT_RESUME] = "parent_resume_us",
};

/* What every summary.csv has had since the core; the rest is optional. */
static const char *const required[] = {
	"run_id", "host", "method", "target", "rss_mib", "thp", "rss_kib", "iterations",
	"median_us", "p10_us", "p90_us", "ci_lo_us", "ci_hi_us", "error",
};

/* Methods that time page writes rather than a spawn (the COW issue). */
static const char *const per_page_methods[] = { "cow-child", "cow-parent", "first-touch",
						"rewrite" };

double field_num(const char *s, bool *bad)
{
	char *end;
	double v;

	if (!s || !*s)
		return NAN;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || !isfinite(v)) {
		*bad = true;
		return NAN;
	}
	return v;
}

int method_rank(const char *name)
{
	int i = 0;

	for (const struct method *const *m = methods; *m; m++, i++)
		if (strcmp((*m)->name, name) == 0)
			return i;
	return 1000;
}

static const char *str_at(const struct csv_table *t, size_t row, int col)
{
	return col < 0 ? "" : csv_cell(t, row, col);
}

static void read_env(struct run *r)
{
	char path[PATH_MAX + 16], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	snprintf(path, sizeof path, "%s/env.txt", r->dir);
	f = fopen(path, "r");
	if (!f)
		return;	/* optional: the report says what it lacks */
	while ((len = getline(&line, &cap, f)) > 0) {
		char **p = realloc(r->env, (r->nenv + 1) * sizeof *p);

		if (!p)
			break;
		r->env = p;
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (!(r->env[r->nenv] = strdup(line)))
			break;
		r->nenv++;
	}
	free(line);
	fclose(f);
}

const char *run_env(const struct run *r, const char *key)
{
	size_t k = strlen(key);

	for (size_t i = 0; i < r->nenv; i++)
		if (strncmp(r->env[i], key, k) == 0 && r->env[i][k] == '=')
			return r->env[i] + k + 1;
	return NULL;
}

const char *run_label(const struct run *r, char *buf, size_t len)
{
	const char *host = r->ncells ? str_at(&r->sum, 0, csv_col(&r->sum, "host")) : "";
	const char *id = r->ncells ? str_at(&r->sum, 0, csv_col(&r->sum, "run_id")) : r->dir;
	size_t h = strlen(host);

	if (h && strncmp(id, host, h) == 0 && id[h] == '-')
		snprintf(buf, len, "%s", id);
	else
		snprintf(buf, len, "%s%s%s", host, *host ? " " : "", id);
	return buf;
}

/* One row of summary.csv into c; -1 when a number is garbled. */
static int read_cell(struct run *r, size_t row, struct cell *c, char *err)
{
	const struct csv_table *t = &r->sum;
	bool bad = false;
	const char *name = "";

#define NUM(field, col)                                                          \
	do {                                                                     \
		bool b_ = false;                                                 \
		field = field_num(str_at(t, row, csv_col(t, col)), &b_);         \
		if (b_ && !bad) {                                                \
			bad = true;                                              \
			name = col;                                              \
		}                                                                \
	} while (0)

	c->row = row;
	c->method = str_at(t, row, csv_col(t, "method"));
	c->target = str_at(t, row, csv_col(t, "target"));
	c->thp = str_at(t, row, csv_col(t, "thp"));
	c->ballast = str_at(t, row, csv_col(t, "ballast"));
	c->variant = str_at(t, row, csv_col(t, "variant"));
	c->error = str_at(t, row, csv_col(t, "error"));
	NUM(c->rss_mib, "rss_mib");
	NUM(c->rss_kib, "rss_kib");
	NUM(c->pte_kib, "pte_kib");
	NUM(c->iterations, "iterations");
	NUM(c->med.v, "median_us");
	NUM(c->med.lo, "ci_lo_us");
	NUM(c->med.hi, "ci_hi_us");
	NUM(c->p10, "p10_us");
	NUM(c->p90, "p90_us");
	NUM(c->per_page_ns, "per_page_ns");
	NUM(c->thp_kib, "thp_kib");
	for (int p = 0; p < NPHASES; p++)
		NUM(c->phase[p], phase_columns[p]);
#undef NUM
	if (bad) {
		snprintf(err, RESULTS_ERR_LEN, "%s/summary.csv: row %zu: %s '%s' is not a number",
			 r->dir, row + 2, name, str_at(t, row, csv_col(t, name)));
		return -1;
	}
	if (isnan(c->rss_mib)) {
		snprintf(err, RESULTS_ERR_LEN, "%s/summary.csv: row %zu: no rss_mib", r->dir,
			 row + 2);
		return -1;
	}
	return 0;
}

static void find_optional(struct run *r)
{
	const struct csv_table *t = &r->sum;
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

int run_load(const char *dir, struct run *r, char *err)
{
	char path[PATH_MAX + 16], why[CSV_ERR_LEN];

	memset(r, 0, sizeof *r);
	snprintf(r->dir, sizeof r->dir, "%s", dir);
	snprintf(path, sizeof path, "%s/summary.csv", dir);
	if (csv_read(path, &r->sum, why)) {
		snprintf(err, RESULTS_ERR_LEN, "%s: %s", path, why);
		return -1;
	}
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		if (csv_col(&r->sum, required[i]) < 0) {
			snprintf(err, RESULTS_ERR_LEN, "%s: no column '%s'", path, required[i]);
			goto fail;
		}
	if (r->sum.nrows == 0) {
		snprintf(err, RESULTS_ERR_LEN, "%s: no cells, only a header", path);
		goto fail;
	}
	r->cells = calloc(r->sum.nrows, sizeof *r->cells);
	if (!r->cells) {
		snprintf(err, RESULTS_ERR_LEN, "%s: out of memory", path);
		goto fail;
	}
	for (size_t i = 0; i < r->sum.nrows; i++)
		if (read_cell(r, i, &r->cells[r->ncells++], err))
			goto fail;
	find_optional(r);
	read_env(r);
	snprintf(path, sizeof path, "%s/fit.csv", dir);
	if (csv_read(path, &r->fit, why))
		memset(&r->fit, 0, sizeof r->fit);	/* optional */
	return 0;
fail:
	run_free(r);
	return -1;
}

void run_free(struct run *r)
{
	csv_table_free(&r->sum);
	csv_table_free(&r->fit);
	for (size_t i = 0; i < r->nenv; i++)
		free(r->env[i]);
	free(r->env);
	free(r->cells);
	memset(r, 0, sizeof *r);
}

bool cell_ok(const struct cell *c)
{
	return !*c->error && est_ok(c->med);
}

bool cell_plain(const struct cell *c)
{
	return (!*c->ballast || strcmp(c->ballast, "anon") == 0) && !*c->variant;
}

bool cell_per_page(const struct cell *c)
{
	for (size_t i = 0; i < sizeof per_page_methods / sizeof per_page_methods[0]; i++)
		if (strcmp(c->method, per_page_methods[i]) == 0)
			return true;
	return !isnan(c->per_page_ns);
}

const struct cell *run_cell(const struct run *r, const char *method, double rss, const char *thp)
{
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell *c = &r->cells[i];

		if (strcmp(c->method, method) || c->rss_mib != rss || strcmp(c->thp, thp) ||
		    !cell_plain(c) || !cell_ok(c))
			continue;
		if (strcmp(c->target, "none") && strcmp(c->target, r->target))
			continue;
		return c;
	}
	return NULL;
}

bool run_has_method(const struct run *r, const char *method)
{
	for (size_t i = 0; i < r->ncells; i++)
		if (strcmp(r->cells[i].method, method) == 0)
			return true;
	return false;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

size_t run_rss(const struct run *r, double *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		size_t j = 0;

		while (j < n && out[j] != r->cells[i].rss_mib)
			j++;
		if (j == n && n < max)
			out[n++] = r->cells[i].rss_mib;
	}
	qsort(out, n, sizeof *out, cmp_double);
	return n;
}

size_t run_thps(const struct run *r, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		size_t j = 0;

		while (j < n && strcmp(out[j], r->cells[i].thp))
			j++;
		if (j == n && n < max)
			out[n++] = r->cells[i].thp;
	}
	for (size_t j = 1; j < n; j++)
		if (strcmp(out[j], "off") == 0) {
			const char *t = out[0];

			out[0] = out[j];
			out[j] = t;
		}
	return n;
}

double run_resident(const struct run *r, double rss)
{
	double sum = 0;
	size_t n = 0;

	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].rss_mib == rss && !isnan(r->cells[i].rss_kib)) {
			sum += r->cells[i].rss_kib;
			n++;
		}
	/* A run without rss_kib: place 0 MiB of ballast at 1 MiB. */
	return n ? sum / (double)n / 1024 : (rss > 0 ? rss : 1);
}

const char *run_title(const struct run *r, char *buf, size_t len)
{
	const char *kernel = run_env(r, "kernel_release"), *cpu = run_env(r, "cpu_model");
	const char *n = run_env(r, "cpu_count"), *allowed = run_env(r, "cpus_allowed");
	int k;

	run_label(r, buf, len);
	k = (int)strlen(buf);
	if (kernel && (size_t)k < len)
		k += snprintf(buf + k, len - (size_t)k, " · Linux %s", kernel);
	if (cpu && n && (size_t)k < len)
		k += snprintf(buf + k, len - (size_t)k, " · %s, %s CPUs", cpu, n);
	if (allowed && n && (size_t)k < len && strchr(allowed, '-') == NULL &&
	    strchr(allowed, ',') == NULL)
		snprintf(buf + k, len - (size_t)k, ", pinned to CPU %s", allowed);
	return buf;
}
