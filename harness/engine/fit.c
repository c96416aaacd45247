#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "fit.h"

/* What a line is fitted against: the ballast over the sweep's sizes, or
 * the parent's descriptors or threads at one size (the x column). */
enum fit_x { X_BALLAST, X_FDS, X_THREADS, NX };
static const char *const x_names[NX] = { "ballast_gib", "fds", "threads" };

#define FIT_POINTS 64	/* sizes of one line, at most */

static double x_of(const struct table_row *r, enum fit_x over)
{
	return over == X_FDS ? (double)r->fds
	       : over == X_THREADS ? (double)r->threads
				   : (double)r->ballast_kib / (1024 * 1024);
}

/* The same cell but for x: one line's points. */
static bool same_line(const struct table_row *a, const struct table_row *b, enum fit_x over)
{
	return a->method == b->method && a->thp == b->thp && a->kind == b->kind &&
	       a->parallel == b->parallel &&
	       (over == X_BALLAST || a->ballast_kib == b->ballast_kib) &&
	       (over == X_FDS || a->fds == b->fds) && (over == X_THREADS || a->threads == b->threads);
}

typedef void fit_put_fn(const struct table_row *first, const struct line_fit *f, enum fit_x over,
			void *arg);

/* Each line over x once, at its first row, to put: the error rows left
 * out, and lines of fewer than two distinct x skipped. */
static void each_line(const struct table_row *rows, size_t n, enum fit_x over, fit_put_fn *put,
		      void *arg)
{
	for (size_t i = 0; i < n; i++) {
		double x[FIT_POINTS], y[FIT_POINTS];
		size_t k = 0;
		struct line_fit f;
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			first = !same_line(&rows[j], &rows[i], over);
		if (!first)
			continue;
		for (size_t j = i; j < n && k < FIT_POINTS; j++)
			if (same_line(&rows[j], &rows[i], over) && !rows[j].error[0]) {
				x[k] = x_of(&rows[j], over);
				y[k++] = rows[j].stats.median / 1e3;
			}
		if (fit_line(x, y, k, &f) == 0)
			put(&rows[i], &f, over, arg);
	}
}

/* What every row of fit.csv carries beyond its line. */
struct fit_csv {
	struct csv c;
	const char *(*target)(const struct method *m, const struct run_opts *o);
	const struct run_opts *o;
	const char *run_id, *host, *spawners;
	unsigned long vmas;
};

static void csv_or_empty(struct csv *c, bool has, uint64_t v)
{
	if (has)
		csv_u64(c, v);
	else
		csv_empty(c);
}

static void put_csv(const struct table_row *r, const struct line_fit *f, enum fit_x over, void *arg)
{
	struct fit_csv *w = arg;
	struct csv *c = &w->c;
	char mib[32];

	csv_str(c, r->method->name);
	csv_str(c, w->target(r->method, w->o));
	csv_str(c, r->thp == THP_ON ? "on" : "off");
	csv_str(c, ballast_names[r->kind]);
	csv_double(c, f->fixed);
	if (over == X_BALLAST)
		csv_double(c, f->slope);
	else
		csv_empty(c);	/* not µs per GiB: us_per_x has it */
	if (isnan(f->r2))
		csv_empty(c);
	else
		csv_fixed(c, f->r2, 6);
	csv_str(c, w->run_id);
	csv_str(c, w->host);
	csv_u64(c, w->vmas);
	csv_u64(c, f->points);
	csv_or_empty(c, over != X_FDS, r->fds);	/* empty: the line spans them */
	csv_or_empty(c, over != X_THREADS, r->threads);
	csv_u64(c, r->parallel);
	csv_str(c, w->spawners);
	csv_str(c, x_names[over]);
	csv_double(c, f->slope);
	if (over == X_BALLAST)
		csv_empty(c);
	else
		csv_str(c, mib_text(r->ballast_kib, mib, sizeof mib));
	csv_end(c);
}

/* The console's lines, under a heading before the first. */
struct fit_text {
	FILE *f;
	bool headed;
};

/* A line through two points says nothing of how the cost grows (its r2
 * is NAN: stats.h), and a slope printed as a fit's would be read as one:
 * the console says so instead. */
static bool no_fit(FILE *f, const struct line_fit *l)
{
	if (!isnan(l->r2))
		return false;
	fprintf(f, "%zu points: no fit", l->points);
	return true;
}

static void put_ballast_text(const struct table_row *r, const struct line_fit *f,
			     enum fit_x over, void *arg)
{
	struct fit_text *t = arg;

	(void)over;
	if (!t->headed)
		fprintf(t->f, "\nfit over the sweep: latency = fixed + slope x ballast\n");
	t->headed = true;
	fprintf(t->f, "  %-20s thp=%-3s %-14s ", r->method->name, r->thp == THP_ON ? "on" : "off",
		ballast_names[r->kind]);
	if (!no_fit(t->f, f))
		fprintf(t->f, "%12.2f us + %12.2f us/GiB  (r2 %.4f, %zu sizes)", f->fixed,
			f->slope, f->r2, f->points);
	if (r->fds || r->threads || r->parallel != 1)
		fprintf(t->f, "  fds=%llu threads=%llu parallel=%llu", (unsigned long long)r->fds,
			(unsigned long long)r->threads, (unsigned long long)r->parallel);
	fputc('\n', t->f);
}

static void put_shape_text(const struct table_row *r, const struct line_fit *f, enum fit_x over,
			   void *arg)
{
	struct fit_text *t = arg;
	bool threads = over == X_THREADS;

	if (!t->headed)
		fprintf(t->f, "\nfit over the parent's %s: latency = fixed + slope x %s\n",
			threads ? "threads" : "descriptors", threads ? "threads" : "descriptors");
	t->headed = true;
	fprintf(t->f, "  %-20s %6llu MiB thp=%-3s %s=%-6llu ", r->method->name,
		(unsigned long long)r->ballast_kib / 1024, r->thp == THP_ON ? "on" : "off",
		threads ? "fds" : "threads", (unsigned long long)(threads ? r->fds : r->threads));
	if (!no_fit(t->f, f))
		fprintf(t->f, "%10.2f us + %8.1f ns per %s  (r2 %.4f, %zu points)", f->fixed,
			f->slope * 1e3, threads ? "thread" : "descriptor", f->r2, f->points);
	fputc('\n', t->f);
}

void fit_rows(const struct table_row *rows, size_t n, FILE *csv, FILE *text,
	      const char *(*target)(const struct method *m, const struct run_opts *o),
	      const struct run_opts *o,
	      const char *run_id, const char *host, unsigned long vmas, const char *spawners)
{
	if (csv) {
		struct fit_csv w = { { .f = csv }, target, o, run_id, host, spawners, vmas };

		csv_header(&w.c, FIT_COLUMNS);
		for (enum fit_x over = X_BALLAST; over < NX; over++)
			each_line(rows, n, over, put_csv, &w);
	}
	if (text)
		each_line(rows, n, X_BALLAST, put_ballast_text, &(struct fit_text){ text, false });
}

void fit_shapes(const struct table_row *rows, size_t n, FILE *text)
{
	each_line(rows, n, X_FDS, put_shape_text, &(struct fit_text){ text, false });
	each_line(rows, n, X_THREADS, put_shape_text, &(struct fit_text){ text, false });
}
