/* The charts that need more than summary.csv's medians: the distribution
 * (samples.csv), fork's fit (fit.csv), counters, phases, and the overlay of
 * several runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plotdata.h"
#include "plotgp.h"

#define CDF_POINTS 400	/* per curve: enough for a smooth line, a small SVG */

/* One cell's samples in µs, as the distribution chart gathers them. */
struct cdf_values {
	double *v;
	size_t n, cap;
};

/* Doubling as csvread.c's builder does for its chars and offsets: three
 * element types, so a shared helper would be all void * and sizes. */
static int push(struct cdf_values *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		double *p = realloc(s->v, cap * sizeof *p);

		if (!p)
			return -1;
		s->v = p;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Does samples row i belong to cell c? Columns the file lacks match "". */
static bool sample_of(const struct csv_table *t, size_t i, const int *col,
		      const struct cell_data *c)
{
	bool bad = false;
	const char *want[] = { c->method, c->target, c->thp, c->ballast, c->variant };

	for (size_t k = 0; k < 5; k++) {
		const char *got = col[k] < 0 ? "" : csv_cell(t, i, col[k]), *w = want[k];

		/* No ballast column and ballast "anon" are the same ballast. */
		if (k == 3 && strcmp(got, "anon") == 0)
			got = "";
		if (k == 3 && strcmp(w, "anon") == 0)
			w = "";
		if (strcmp(got, w))
			return false;
	}
	return field_num(csv_cell(t, i, col[5]), FIELD_FIGURE, &bad) == c->rss_mib;
}

/* The samples of each of the k cells c, in µs, from samples.csv's rows
 * (columns col, as distribution finds them); NULL when memory could not
 * be had. */
static struct cdf_values *gather(const struct csv_table *t, const int *col,
				 const struct cell_data *const *c, size_t k)
{
	struct cdf_values *v = calloc(k + 1, sizeof *v);

	for (size_t i = 0; v && i < t->nrows; i++)
		for (size_t j = 0; j < k; j++)
			if (sample_of(t, i, col, c[j])) {
				bool bad = false;
				double ns = field_num(csv_cell(t, i, col[6]), FIELD_COUNT, &bad);

				if (!bad && !isnan(ns))
					push(&v[j], ns / 1000);
				break;
			}
	return v;
}

/* cdf.csv: each cell's samples sorted, CDF_POINTS of them at most, evenly
 * spaced by rank, with the share of samples at or below each. */
static void write_cdf(struct plot *p, const struct cell_data *const *c, struct cdf_values *v,
		      size_t k)
{
	csv_open(p, "cdf.csv", "series,us,frac");
	for (size_t j = 0; v && j < k; j++) {
		size_t m = v[j].n < CDF_POINTS ? v[j].n : CDF_POINTS;

		if (!m)
			continue;
		qsort(v[j].v, v[j].n, sizeof *v[j].v, cmp_double);
		series_add(p, &p->cdf, c[j], series_label(p->r, c[j]));
		for (size_t q = 0; q < m; q++) {
			size_t at = m > 1 ? q * (v[j].n - 1) / (m - 1) : 0;

			row(p, "%zu,%s,%s", p->cdf.n, num(v[j].v[at]),
			    num((double)(at + 1) / (double)v[j].n));
		}
	}
	csv_close(p);
}

/* Read here, not through rundir_samples, because a chart takes what there
 * is: the samples that match a cell, from a trimmed or cut-short file that
 * the gate would refuse whole. */
void distribution(struct plot *p, double rss)
{
	static const char *const names[] = { "method", "target", "thp", "ballast", "variant",
					     "rss_mib", "ns" };
	struct csv_table t;
	struct sorted s;
	struct cdf_values *v;
	const char *path = p->r->samples_path;
	char why[CSV_ERR_LEN];
	int col[7];
	size_t k = 0;

	if (csv_read(path, &t, why)) {
		fprintf(stderr, "spawncost report: no cdf chart: %s: %s\n", path, why);
		return;
	}
	for (size_t i = 0; i < 7; i++)
		col[i] = csv_col(&t, names[i]);
	if (col[0] < 0 || col[5] < 0 || col[6] < 0 || sorted_cells(p, &s, plain_off_cell)) {
		fprintf(stderr, "spawncost report: no cdf chart: %s lacks method, rss_mib or ns\n",
			path);
		csv_table_free(&t);
		return;
	}
	for (size_t i = 0; i < s.n; i++)
		if (s.c[i]->rss_mib == rss)
			s.c[k++] = s.c[i];
	v = gather(&t, col, s.c, k);
	if (!k)
		fprintf(stderr, "spawncost report: no cdf chart: no cell at %g MiB\n", rss);
	p->cdf_rss = rss;
	write_cdf(p, s.c, v, k);
	for (size_t j = 0; v && j < k; j++)
		free(v[j].v);
	free(v);
	free(s.c);
	csv_table_free(&t);
}

/* fork-exit's line from fit.csv, for every THP setting and ballast it has,
 * over the medians it was fitted to. */
void fork_fit(struct plot *p)
{
	const struct csv_table *t = &p->r->fit;
	int cm = csv_col(t, "method"), ct = csv_col(t, "thp"), cb = csv_col(t, "ballast");
	int cf = csv_col(t, "fixed_us"), cs = csv_col(t, "us_per_gib");

	if (cm < 0 || ct < 0 || cf < 0 || cs < 0)
		return;
	csv_open(p, "forkfit.csv", "series,rss_mib,median_us,fit_us");
	for (size_t i = 0; i < t->nrows; i++) {
		const char *b = cb < 0 ? "" : csv_cell(t, i, cb);
		bool bad = false, any = false;
		double fixed = field_num(csv_cell(t, i, cf), FIELD_SIGNED, &bad);
		double slope = field_num(csv_cell(t, i, cs), FIELD_SIGNED, &bad);
		char label[LABEL_LEN];

		if (strcmp(csv_cell(t, i, cm), "fork-exit") || bad || isnan(slope) ||
		    !fit_row_plain(t, i))
			continue;
		if (!strcmp(b, "anon"))
			b = "";
		for (size_t j = 0; j < p->r->ncells; j++) {
			const struct cell_data *c = &p->r->cells[j];

			if (strcmp(c->method, "fork-exit") || strcmp(c->thp, csv_cell(t, i, ct)) ||
			    strcmp(*c->ballast && strcmp(c->ballast, "anon") ? c->ballast : "", b) ||
			    *c->variant || !cell_ok(c) || !cell_plain(c))
				continue;
			if (!any) {
				snprintf(label, sizeof label, "%s%s%s: %.3g µs + %.3g ms/GiB",
					 strcmp(c->thp, "off") ? "THP" : "4 KiB pages", *b ? ", " : "",
					 b, fixed, slope / 1000);
				/* Colour by line here: they are all fork-exit. */
				series_add_raw(p, &p->fit, label, (int)p->fit.n + 1, 1);
				any = true;
			}
			row(p, "%zu,%s,%s,%s", p->fit.n, num(c->rss_mib), num(c->med.v),
			    num(fixed + slope * c->rss_mib / 1024));
		}
	}
	csv_close(p);
}

/* The units of the counts perf gives in other than events: task-clock counts
 * nanoseconds of CPU time, drawn in µs as the round trips are. */
static const struct {
	const char *event, *unit;
	double scale;
} event_units[] = {
	{ "task_clock", "µs of CPU time", 1e-3 },
};

/* Counter column k of plain cell c, scaled to its chart unit (NaN: none). */
static double counter_of(const struct rundir *r, const struct cell_data *c, size_t k,
			 double scale)
{
	bool bad = false;

	return scale *
	       field_num(csv_cell(&r->summary, c->row, r->counter_col[k]), FIELD_FIGURE, &bad);
}

/* One panel per event with a figure other than 0: an event 0 in every cell
 * (cpu-migrations of a pinned run) is named in ev_zero, not drawn empty. */
void counters(struct plot *p)
{
	const struct rundir *r = p->r;
	struct sorted s;
	size_t zlen = 0;

	if (sorted_cells(p, &s, plain_off_cell))
		return;
	for (size_t i = 0; i < s.n; i++)
		if (i == 0 || !same_series(s.c[i - 1], s.c[i]))
			series_add(p, &p->cnt, s.c[i], series_label(r, s.c[i]));
	csv_open(p, "counters.csv", "event,series,x_mib,per_op");
	for (size_t k = 0; k < r->ncounters; k++) {
		const char *name = r->summary.header[r->counter_col[k]];
		int len = (int)(strlen(name) - strlen("_per_op"));
		const char *unit = NULL;
		double scale = 1;
		size_t series = 0;
		int positive = 1, nonzero = 0, counted = 0;
		char label[LABEL_LEN];

		for (size_t u = 0; u < sizeof event_units / sizeof event_units[0]; u++)
			if ((size_t)len == strlen(event_units[u].event) &&
			    !strncmp(name, event_units[u].event, (size_t)len)) {
				unit = event_units[u].unit;
				scale = event_units[u].scale;
			}
		for (size_t i = 0; i < s.n; i++) {
			double v = counter_of(r, s.c[i], k, scale);

			counted |= !isnan(v);
			nonzero |= !isnan(v) && v != 0;
			positive &= isnan(v) || v > 0;
		}
		if (!nonzero) {
			/* the machine could not count it, or it never happened */
			if (counted && zlen < sizeof p->ev_zero)
				zlen += (size_t)snprintf(p->ev_zero + zlen, sizeof p->ev_zero - zlen,
							 "%s%.*s", zlen ? ", " : "", len, name);
			continue;
		}
		for (size_t i = 0; i < s.n; i++) {
			double v = counter_of(r, s.c[i], k, scale);

			if (i == 0 || !same_series(s.c[i - 1], s.c[i]))
				series++;
			if (!isnan(v))
				row(p, "%zu,%zu,%s,%s", p->ev.n + 1, series,
				    num(run_resident(r, s.c[i]->rss_mib)), num(v));
		}
		snprintf(label, sizeof label, "%.*s per operation%s%s%s", len, name,
			 unit ? " (" : "", unit ? unit : "", unit ? ")" : "");
		p->ev_log[p->ev.n] = positive;
		series_add_raw(p, &p->ev, label, 1, 1);
	}
	csv_close(p);
	free(s.c);
}

static double or0(double v)
{
	return isnan(v) ? 0 : v;
}

/* Two panels: the smallest and the largest parent that have phases. */
void phases(struct plot *p)
{
	struct sorted s;
	double lo = INFINITY, hi = -INFINITY;

	if (sorted_cells(p, &s, phase_cell) || !s.n) {
		free(s.c);
		return;
	}
	for (size_t i = 0; i < s.n; i++) {
		lo = s.c[i]->rss_mib < lo ? s.c[i]->rss_mib : lo;
		hi = s.c[i]->rss_mib > hi ? s.c[i]->rss_mib : hi;
	}
	p->ph_rss[0] = lo;
	p->ph_rss[1] = hi;
	for (int panel = 0; panel < 2; panel++) {
		char name[32];

		snprintf(name, sizeof name, "phases-%d.csv", panel + 1);
		csv_open(p, name, "series,child_start_us,exec_us,exit_reap_us,rest_us,"
				  "parent_resume_us,median_us");
		for (size_t i = 0; i < s.n; i++) {
			const struct cell_data *c = s.c[i];
			const double *ph = c->phase;
			double rest;

			if (c->rss_mib != p->ph_rss[panel])
				continue;
			/* What the child's phases leave of the round trip. */
			rest = c->med.v - or0(ph[PH_CHILD_START]) - or0(ph[PH_EXEC]) -
			       or0(ph[PH_EXIT_REAP]);
			series_add(p, &p->ph, c, series_label(p->r, c));
			row(p, "%zu,%s,%s,%s,%s,%s,%s", p->ph.n, num(or0(ph[PH_CHILD_START])),
			    num(or0(ph[PH_EXEC])), num(or0(ph[PH_EXIT_REAP])),
			    num(rest > 0 ? rest : 0), num(ph[PH_PARENT_RESUME]), num(c->med.v));
			p->ph_rows[panel]++;
		}
		csv_close(p);
	}
	free(s.c);
}

/* Compare ------------------------------------------------------------------ */

/* A colour for each method of every run, in order of first sight, and a
 * key naming those drawn: plain spawns, in some run. */
static void compare_methods(struct plot *p, const struct rundir *runs,
			    const struct claims *const *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < runs[i].ncells; j++)
			method_color(p, runs[i].cells[j].method);
	for (size_t i = 0; i < p->nmethods; i++) {
		bool drawn = false;

		for (size_t r = 0; r < n; r++)
			for (size_t j = 0; j < runs[r].ncells; j++)
				drawn |= !strcmp(runs[r].cells[j].method, p->methods[i]) &&
					 plain_off_cell(c[r], &runs[r].cells[j]);
		if (drawn)
			series_add_raw(p, &p->cmp, p->methods[i], (int)i + 1, 1);
	}
}

/* compare-latency.csv: each run's plain medians, a dash type a run. */
static void compare_latency(struct plot *p, const struct rundir *runs,
			    const struct claims *const *c, size_t n)
{
	csv_open(p, "compare-latency.csv", "run,series,x_mib,median_us,p10_us,p90_us");
	for (size_t i = 0; i < n; i++) {
		struct sorted s;
		char label[RUN_NAME_LEN];

		p->r = &runs[i];
		p->c = c[i];
		p->emulated |= run_emulated(p->r);
		series_add_raw(p, &p->cmr, run_name_among(runs, n, i, label, sizeof label), 1,
			       (int)i + 1);
		if (sorted_cells(p, &s, plain_off_cell))
			continue;
		for (size_t j = 0; j < s.n; j++)
			row(p, "%zu,%d,%s,%s,%s,%s", i + 1, method_color(p, s.c[j]->method),
			    num(run_resident(p->r, s.c[j]->rss_mib)), num(s.c[j]->med.v),
			    num(s.c[j]->p10), num(s.c[j]->p90));
		free(s.c);
	}
	csv_close(p);
	p->r = &runs[0];
	p->c = c[0];
}

/* compare-claims.csv: each run's three ratio curves at its first THP
 * setting. */
static void compare_claims(struct plot *p, const struct claims *const *c, size_t n)
{
	series_add_raw(p, &p->cmq, "fork-exit / vfork-exit", 1, 1);
	series_add_raw(p, &p->cmq, "fork-exec / vfork-exec", 2, 1);
	series_add_raw(p, &p->cmq, "fork-exec / posix-spawn", 3, 1);
	csv_open(p, "compare-claims.csv", "run,pair,x_mib,ratio,ratio_lo,ratio_hi");
	for (size_t i = 0; i < n; i++) {
		const struct curve *cv[] = { &c[i]->vfork_exit[0], &c[i]->vfork_exec[0],
					     &c[i]->spawn[0] };

		for (size_t k = 0; k < 3; k++)
			for (size_t j = 0; j < cv[k]->n; j++)
				row(p, "%zu,%zu,%s,%s,%s,%s", i + 1, k + 1, num(cv[k]->pt[j].res_mib),
				    num(cv[k]->pt[j].r.v), num(cv[k]->pt[j].r.lo),
				    num(cv[k]->pt[j].r.hi));
	}
	csv_close(p);
}

int plot_compare(const struct rundir *runs, const struct claims *const *c, size_t n,
		 const char *out, char *err)
{
	struct plot *p = calloc(1, sizeof *p);
	int rc;

	if (!p) {
		snprintf(err, PLOT_ERR_LEN, "out of memory");
		return -1;
	}
	plot_init(p, &runs[0], c[0], out);
	compare_methods(p, runs, c, n);
	compare_latency(p, runs, c, n);
	compare_claims(p, c, n);
	rc = plot_finish(p, err);
	free(p);
	return rc;
}
