/* Reading a run folder back, strictly: see rundir.h. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parse.h"
#include "rundir.h"

const char *const key_names[NKEYS] = { "method", "target", "rss_mib", "thp", "pin",
				       "variant", "ballast", "vmas" };

/* The summary columns compare and export read, beside the keys. */
static const char *const summary_needs[] = { "iterations", "median_us", "p10_us", "p90_us",
					     "mean_us", "stddev_us", "error" };

static int fail(char *err, const char *fmt, ...)
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

/* A finite, non-negative decimal number, the whole field. */
static int number(const char *s, double *out)
{
	char perr[PARSE_ERR_LEN];

	return parse_double(s, 0, INFINITY, out, perr);
}

static int read_env(struct rundir *r, char *err)
{
	char path[PATH_MAX + 16];
	FILE *f;
	size_t len = 0, cap = 0, n = 0;

	snprintf(path, sizeof path, "%s/env.txt", r->dir);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : fail(err, "%s: %s", path, strerror(errno));
	for (;;) {
		if (len + 1 >= cap) {
			char *p = realloc(r->env_text, cap = cap ? cap * 2 : 8192);
			if (!p) {
				fclose(f);
				return fail(err, "%s: out of memory", path);
			}
			r->env_text = p;
		}
		size_t got = fread(r->env_text + len, 1, cap - len - 1, f);
		if (got == 0)
			break;
		len += got;
	}
	fclose(f);
	r->env_text[len] = '\0';
	for (size_t i = 0; i < len; i++)
		n += r->env_text[i] == '\n';
	r->env_key = calloc(n + 1, sizeof *r->env_key);
	r->env_val = calloc(n + 1, sizeof *r->env_val);
	if (!r->env_key || !r->env_val)
		return fail(err, "%s: out of memory", path);
	/* key=value lines; anything else (a blank line) is passed over. */
	for (char *line = r->env_text, *next; line && *line; line = next) {
		char *eq;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		eq = strchr(line, '=');
		if (!eq || eq == line)
			continue;
		*eq = '\0';
		r->env_key[r->nenv] = line;
		r->env_val[r->nenv++] = eq + 1;
	}
	r->has_env = true;
	return 0;
}

static int read_cells(struct rundir *r, char *err)
{
	const struct csv_table *t = &r->summary;
	int kcol[NKEYS], ncol[sizeof summary_needs / sizeof summary_needs[0]];

	for (int k = 0; k < NKEYS; k++) {
		kcol[k] = csv_col(t, key_names[k]);
		r->has_key[k] = kcol[k] >= 0;
		if (k < NBASE_KEYS && kcol[k] < 0)
			return fail(err, "%s: no column '%s'", r->summary_path, key_names[k]);
	}
	for (size_t c = 0; c < sizeof ncol / sizeof ncol[0]; c++)
		if ((ncol[c] = csv_col(t, summary_needs[c])) < 0)
			return fail(err, "%s: no column '%s'", r->summary_path, summary_needs[c]);
	if (t->nrows == 0)
		return fail(err, "%s: no cells (a header and nothing else)", r->summary_path);
	r->cells = calloc(t->nrows, sizeof *r->cells);
	if (!r->cells)
		return fail(err, "%s: out of memory", r->summary_path);
	r->ncells = t->nrows;

	for (size_t i = 0; i < t->nrows; i++) {
		struct cell *c = &r->cells[i];
		double *num[] = { NULL, &c->median_us, &c->p10_us, &c->p90_us, &c->mean_us,
				  &c->stddev_us };
		char perr[PARSE_ERR_LEN];

		c->line = line_of(i);
		for (int k = 0; k < NKEYS; k++)
			c->key[k] = kcol[k] >= 0 ? csv_cell(t, i, kcol[k]) : NULL;
		for (int k = 0; k < NBASE_KEYS; k++)
			if (!c->key[k][0])
				return fail(err, "%s: empty %s at line %zu", r->summary_path,
					    key_names[k], c->line);
		c->error = csv_cell(t, i, ncol[6]);
		if (parse_u64(csv_cell(t, i, ncol[0]), 0, UINT64_MAX, &c->iterations, perr))
			return fail(err, "%s: iterations %s at line %zu", r->summary_path, perr,
				    c->line);
		for (size_t f = 1; f < 6; f++) {
			const char *s = csv_cell(t, i, ncol[f]);
			if (c->error[0]) {
				*num[f] = NAN;	/* an error row has empty statistics */
			} else if (number(s, num[f])) {
				return fail(err, "%s: %s '%s' is not a number at line %zu",
					    r->summary_path, summary_needs[f], s, c->line);
			}
		}
		if (!c->error[0] && c->iterations == 0)
			return fail(err, "%s: a measured cell with 0 iterations at line %zu",
				    r->summary_path, c->line);
	}
	return 0;
}

int rundir_open(struct rundir *r, const char *dir, char *err)
{
	char cerr[CSV_ERR_LEN];
	struct stat st;

	memset(r, 0, sizeof *r);
	if (snprintf(r->dir, sizeof r->dir, "%s", dir) >= (int)sizeof r->dir)
		return fail(err, "%.64s...: path too long", dir);
	if (stat(dir, &st) != 0)
		return fail(err, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(err, "%s: not a folder (give a run folder)", dir);
	snprintf(r->summary_path, sizeof r->summary_path, "%s/summary.csv", dir);
	snprintf(r->samples_path, sizeof r->samples_path, "%s/samples.csv", dir);
	if (csv_read(r->summary_path, &r->summary, cerr)) {
		fail(err, "%s: %s", r->summary_path, cerr);
		rundir_free(r);
		return -1;
	}
	if (read_cells(r, err) || read_env(r, err)) {
		rundir_free(r);
		return -1;
	}
	return 0;
}

/* Whether a target is the default one (the bundled no-op, or none for
 * methods that do not exec): names leave it out, as users expect
 * `fork-exec/rss_mib:64/thp:off/pin:none`. */
static bool default_target(const char *t)
{
	return strcmp(t, "static") == 0 || strcmp(t, "none") == 0;
}

static char *cell_name(const struct cell *c, const bool use[NKEYS])
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	fputs(c->key[KEY_METHOD], f);
	for (int k = 1; k < NKEYS; k++) {
		if (!use[k] || (k == KEY_TARGET && default_target(c->key[k])) ||
		    (k >= NBASE_KEYS && !c->key[k][0]))
			continue;
		fprintf(f, "/%s:%s", key_names[k], c->key[k]);
	}
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

bool cell_same(const struct cell *a, const struct cell *b, const bool use[NKEYS])
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
		struct cell *c = &r->cells[i];

		free(c->name);
		if (!(c->name = cell_name(c, use)))
			return fail(err, "%s: out of memory", r->summary_path);
		for (size_t j = 0; j < i; j++)
			if (cell_same(&r->cells[j], c, use))
				return fail(err, "%s: cell %s appears twice (lines %zu and %zu)",
					    r->summary_path, c->name, r->cells[j].line, c->line);
	}
	return 0;
}

/* The cell a samples row belongs to; rows come in cell order, so the last
 * one found is tried first. */
static struct cell *find_cell(struct rundir *r, const struct csv_table *t, size_t row,
			      const int kcol[NKEYS], size_t *last)
{
	for (size_t tries = 0; tries < r->ncells; tries++) {
		struct cell *c = &r->cells[(*last + tries) % r->ncells];
		bool same = true;

		for (int k = 0; k < NKEYS && same; k++)
			same = !r->use_key[k] || strcmp(c->key[k], csv_cell(t, row, kcol[k])) == 0;
		if (same) {
			*last = (size_t)(c - r->cells);
			return c;
		}
	}
	return NULL;
}

int rundir_samples(struct rundir *r, char *err)
{
	struct csv_table t;
	char cerr[CSV_ERR_LEN];
	int kcol[NKEYS], ns;
	size_t last = 0;
	int rc = -1;

	if (csv_read(r->samples_path, &t, cerr))
		return fail(err, "%s: %s", r->samples_path, cerr);
	for (int k = 0; k < NKEYS; k++)
		if (r->use_key[k] && (kcol[k] = csv_col(&t, key_names[k])) < 0) {
			fail(err, "%s: no column '%s'", r->samples_path, key_names[k]);
			goto out;
		}
	if ((ns = csv_col(&t, "ns")) < 0) {
		fail(err, "%s: no column 'ns'", r->samples_path);
		goto out;
	}
	for (size_t i = 0; i < r->ncells; i++) {
		struct cell *c = &r->cells[i];
		/* No more than the file has rows, whatever iterations claims; a row
		 * past iterations is an error below. */
		size_t cap = c->iterations < t.nrows ? (size_t)c->iterations : t.nrows;
		if (!c->error[0] && !(c->ns = malloc((cap ? cap : 1) * sizeof *c->ns))) {
			fail(err, "%s: out of memory", r->samples_path);
			goto out;
		}
	}
	for (size_t row = 0; row < t.nrows; row++) {
		struct cell *c = find_cell(r, &t, row, kcol, &last);
		char perr[PARSE_ERR_LEN];
		uint64_t v;

		if (!c || c->error[0]) {
			fail(err, "%s: a sample of a cell %s at line %zu", r->samples_path,
			     c ? "that has an error in summary.csv" : "not in summary.csv",
			     line_of(row));
			goto out;
		}
		if (parse_u64(csv_cell(&t, row, ns), 1, UINT64_MAX, &v, perr)) {
			fail(err, "%s: ns %s at line %zu", r->samples_path, perr, line_of(row));
			goto out;
		}
		if (c->n == c->iterations) {
			fail(err, "%s: more samples of %s than its %llu iterations at line %zu",
			     r->samples_path, c->name, (unsigned long long)c->iterations,
			     line_of(row));
			goto out;
		}
		c->ns[c->n++] = v;
	}
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell *c = &r->cells[i];
		if (!c->error[0] && c->n != c->iterations) {
			fail(err, "%s: %zu samples of %s where summary.csv counts %llu "
				  "(file cut short?)", r->samples_path, c->n, c->name,
			     (unsigned long long)c->iterations);
			goto out;
		}
	}
	rc = 0;
out:
	csv_table_free(&t);
	return rc;
}

const char *rundir_env(const struct rundir *r, const char *key)
{
	for (size_t i = 0; i < r->nenv; i++)
		if (strcmp(r->env_key[i], key) == 0)
			return r->env_val[i];
	return NULL;
}

void rundir_free(struct rundir *r)
{
	for (size_t i = 0; i < r->ncells; i++) {
		free(r->cells[i].name);
		free(r->cells[i].ns);
	}
	free(r->cells);
	csv_table_free(&r->summary);
	free(r->env_text);
	free(r->env_key);
	free(r->env_val);
	memset(r, 0, sizeof *r);
}
