#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plotdata.h"
#include "plotgp.h"
#include "runtimes.h"
#include "scaling.h"

/* A figure other than 0 in counter column k: a panel worth drawing. */
static bool has_counter_data(const struct rundir *r, size_t k)
{
	for (size_t i = 0; i < r->ncells; i++) {
		double v = field_num(csv_cell(&r->summary, i, r->counter_col[k]), FIELD_FIGURE,
				     &(bool){ false });

		if (cell_ok(&r->cells[i]) && !isnan(v) && v != 0)
			return true;
	}
	return false;
}

/* What each chart draws, not the columns the run has: a column can be there
 * and empty (phases of a run without --phases). Each check gives why the
 * run lacks it, or NULL. */

static const char *no_plain_spawn(const struct rundir *r, const struct claims *c)
{
	if (any_cell(r, c, plain_off_cell))
		return NULL;
	return "no spawn measured without error (the run has only copy-on-write or runtime "
	       "methods, or every cell failed)";
}

static const char *no_pair(const struct rundir *r, const struct claims *c)
{
	if (c->vfork_exit[0].n || c->vfork_exec[0].n || c->spawn[0].n)
		return NULL;
	return "no fork/vfork or fork-exec/posix-spawn pair ran";
}

static const char *no_samples(const struct rundir *r, const struct claims *c)
{
	const char *why = no_plain_spawn(r, c);

	if (why || !access(r->samples_path, R_OK))
		return why;
	return "the run has no samples (samples.csv.gz or samples.csv)";
}

static const char *no_per_page(const struct rundir *r, const struct claims *c)
{
	if (any_cell(r, c, per_page_cell))
		return NULL;
	return "the run has no copy-on-write figures (per_page_ns: they come with the "
	       "copy-on-write methods, -m cow)";
}

static const char *no_counts(const struct rundir *r, const struct claims *c)
{
	for (size_t k = 0; k < r->ncounters; k++)
		if (has_counter_data(r, k))
			return NULL;
	return r->ncounters ? "every <event>_per_op cell is empty or 0: this machine could "
			      "count none of the events"
			    : "the run has no <event>_per_op column (counters come with "
			      "-e/--events)";
}

static const char *no_phases(const struct rundir *r, const struct claims *c)
{
	if (any_cell(r, c, phase_cell))
		return NULL;
	return "the run has no phase figures (child_start_us, exec_us, ...: they come with "
	       "--phases)";
}

static const char *no_spawner_series(const struct rundir *r, const struct claims *c)
{
	struct scale s[1];

	if (scaling_series(r, s, 1))
		return NULL;
	return "no method ran at two numbers of spawners (they come with --parallel, e.g. "
	       "--parallel 1,2,4)";
}

static const char *no_runtime(const struct rundir *r, const struct claims *c)
{
	struct rt_series s[1];

	if (runtime_series(r, s, 1))
		return NULL;
	return "no runtime method measured (they come with -m runtimes)";
}

const struct chart charts[] = {
	{ "latency", "Round trip against the parent's resident memory", no_plain_spawn },
	{ "claims", "fork / vfork ratios against the claimed 4-5×", no_pair },
	{ "rss0", "Every method at the smallest parent", no_plain_spawn },
	{ "cdf", "Distribution of the samples at one parent size", no_samples },
	{ "cow", "Copy-on-write cost per page, and fork's cost per GiB", no_per_page },
	{ "counters", "Counters per operation", no_counts },
	{ "phases", "Where a spawn's time goes", no_phases },
	{ "scaling", "Spawn throughput against spawners at once", no_spawner_series },
	{ "runtimes", "How language runtimes spawn, against their own heap", no_runtime },
};
const size_t ncharts = sizeof charts / sizeof charts[0];

const char *chart_absent(const struct rundir *r, const struct claims *c, const char *name,
			 char *why, size_t len)
{
	for (size_t i = 0; i < ncharts; i++) {
		const char *lacks;

		if (strcmp(name, charts[i].name))
			continue;
		if (!(lacks = charts[i].absent(r, c)))
			return NULL;
		snprintf(why, len, "%s", lacks);
		return why;
	}
	return NULL;
}

/* Latency ---------------------------------------------------------------- */

static void latency(struct plot *p)
{
	struct sorted s;

	if (sorted_cells(p, &s, spawn_cell))
		return;
	csv_open(p, "latency.csv",
		 "series,x_mib,rss_mib,median_us,p10_us,p90_us,ci_lo_us,ci_hi_us");
	for (size_t i = 0; i < s.n; i++) {
		const struct cell_data *x = s.c[i];

		if (i == 0 || !same_series(s.c[i - 1], x))
			series_add(p, &p->lat, x, series_label(p->r, x));
		row(p, "%zu,%s,%s,%s,%s,%s,%s,%s", p->lat.n, num(run_resident(p->r, x->rss_mib)),
		    num(x->rss_mib), num(x->med.v), num(x->p10), num(x->p90), num(x->med.lo),
		    num(x->med.hi));
	}
	csv_close(p);
	free(s.c);
}

/* Claims: the three ratio curves and where they cross the band --------- */

/* Where curve cv crosses 4x and 5x, by rising RSS (a median that only
 * touches an edge is no crossing: see claims.c). */
static size_t band_crossings(const struct curve *cv, struct point *at)
{
	size_t n = crossings(cv->pt, cv->n, CLAIM1_LO, at, MAX_CROSS), kept = 0;

	n += crossings(cv->pt, cv->n, CLAIM1_HI, at + n, MAX_CROSS - n);
	for (size_t i = 0; i < n; i++)
		if (crossing_bracket(cv->pt, cv->n, at[i].r.v, at[i].rss_mib).kind != BR_TOUCH)
			at[kept++] = at[i];
	n = kept;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && at[j].rss_mib < at[j - 1].rss_mib; j--) {
			struct point t = at[j];

			at[j] = at[j - 1];
			at[j - 1] = t;
		}
	return n;
}

/* "5× at ~0.5" (interpolated) or "4× in 5.25–5.75" (a measured bracket), in
 * MiB of ballast, as the verdicts give it. */
static int crossing_text(char *buf, size_t len, const struct curve *cv, const struct point *at)
{
	struct bracket b = crossing_bracket(cv->pt, cv->n, at->r.v, at->rss_mib);

	if (b.kind == BR_MEASURED)
		return snprintf(buf, len, "%g× in %g–%g", at->r.v, b.from, b.to);
	return snprintf(buf, len, "%g× at ~%s", at->r.v, approx(at->rss_mib));
}

/* The straight line between neighbouring sizes along which crossings()
 * finds where a ratio crosses the band, drawn in steps so that it stays the
 * same line on the chart's log axes and each crossing lies on it. */
#define LINE_STEPS 32

static void ratio_line(struct plot *p, size_t series, const struct curve *cv)
{
	for (size_t i = 0; i + 1 < cv->n; i++)
		for (int k = 0; k <= LINE_STEPS; k++) {
			const struct point *a = &cv->pt[i], *b = &cv->pt[i + 1];
			double t = (double)k / LINE_STEPS;

			if (k == LINE_STEPS && i + 2 < cv->n)
				continue;	/* the next segment starts there */
			row(p, "%zu,%s,%s", series, num(a->rss_mib + t * (b->rss_mib - a->rss_mib)),
			    num(a->r.v + t * (b->r.v - a->r.v)));
		}
	if (cv->n == 1)
		row(p, "%zu,%s,%s", series, num(cv->pt[0].rss_mib), num(cv->pt[0].r.v));
}

/* Curve cv's key in the chart: its pair, and where it crosses the band. */
static void curve_key(const struct curve *cv, bool thp, char *label, size_t size)
{
	struct point at[MAX_CROSS];
	size_t n = band_crossings(cv, at);
	int len = snprintf(label, size, "%s / %s%s", cv->a, cv->b, thp ? ", THP" : "");

	for (size_t i = 0; i < n && len > 0 && (size_t)len < size; i++) {
		len += snprintf(label + len, size - (size_t)len, "%s", i ? ", " : ": crosses ");
		if (len > 0 && (size_t)len < size)
			len += crossing_text(label + len, size - (size_t)len, cv, &at[i]);
	}
	if (n && len > 0 && (size_t)len < size)
		snprintf(label + len, size - (size_t)len, " MiB of ballast");
}

/* claims.csv: a series for each ratio curve that has points, one row a
 * parent size. The curves drawn go to drawn; returns how many. */
static size_t write_curves(struct plot *p, const struct curve **drawn)
{
	const struct claims *c = p->c;
	size_t nd = 0;

	csv_open(p, "claims.csv", "series,x_mib,rss_mib,ratio,ratio_lo,ratio_hi");
	for (size_t t = 0; t < c->nthp; t++) {
		const struct curve *cv[] = { &c->vfork_exit[t], &c->vfork_exec[t], &c->spawn[t] };
		bool thp = strcmp(c->thp[t], "off") != 0;

		for (size_t k = 0; k < 3; k++) {
			char label[LABEL_LEN];

			if (!cv[k]->n)
				continue;
			curve_key(cv[k], thp, label, sizeof label);
			series_add_raw(p, &p->clm, label, (int)k + 1, thp ? 2 : 1);
			drawn[nd++] = cv[k];
			for (size_t i = 0; i < cv[k]->n; i++) {
				const struct point *q = &cv[k]->pt[i];

				row(p, "%zu,%s,%s,%s,%s,%s", p->clm.n, num(q->res_mib),
				    num(q->rss_mib), num(q->r.v), num(q->r.lo), num(q->r.hi));
			}
		}
	}
	csv_close(p);
	return nd;
}

/* crossings.csv: where each drawn curve crosses the band, and between
 * which measured sizes; the zoomed panel's range is around them, where the
 * 4-5x band is wide enough to see which side each interval lies. */
static void write_crossings(struct plot *p, const struct curve *const *drawn, size_t nd)
{
	struct point at[MAX_CROSS];
	double zoom_lo = INFINITY, zoom_hi = -INFINITY;

	csv_open(p, "crossings.csv",
		 "series,x_mib,rss_mib,level,from_x_mib,to_x_mib,measured,from_mib,to_mib");
	for (size_t j = 0; j < nd; j++) {
		size_t n = band_crossings(drawn[j], at);

		for (size_t i = 0; i < n; i++) {
			struct bracket b = crossing_bracket(drawn[j]->pt, drawn[j]->n, at[i].r.v,
							    at[i].rss_mib);
			char label[LABEL_LEN];

			row(p, "%zu,%s,%s,%s,%s,%s,%d,%s,%s", j + 1, num(at[i].res_mib),
			    num(at[i].rss_mib), num(at[i].r.v), num(b.res_from), num(b.res_to),
			    b.kind == BR_MEASURED, num(b.from), num(b.to));
			if (crossing_text(label, sizeof label - 4, drawn[j], &at[i]) > 0)
				strcat(label, " MiB");
			series_add_raw(p, &p->crs, label, p->clm.color[j], p->clm.dt[j]);
			zoom_lo = fmin(zoom_lo, b.from);
			zoom_hi = fmax(zoom_hi, b.to);
		}
	}
	csv_close(p);
	p->clm_zoom[0] = zoom_lo;
	p->clm_zoom[1] = zoom_hi;
}

static void ratios(struct plot *p)
{
	const struct curve *drawn[3 * MAX_THP];
	size_t nd = write_curves(p, drawn);

	csv_open(p, "claims-line.csv", "series,rss_mib,ratio");
	for (size_t j = 0; j < nd; j++)
		ratio_line(p, j + 1, drawn[j]);
	csv_close(p);
	write_crossings(p, drawn, nd);
}

/* Every method at the smallest parent, cheapest first --------------------- */

static int by_median(const void *a, const void *b)
{
	const struct cell_data *x = *(const struct cell_data *const *)a;
	const struct cell_data *y = *(const struct cell_data *const *)b;

	return (x->med.v > y->med.v) - (x->med.v < y->med.v);
}

static void smallest(struct plot *p)
{
	struct sorted s;
	size_t k = 0;

	if (sorted_cells(p, &s, plain_off_cell))
		return;
	for (size_t i = 0; i < s.n; i++)
		if (s.c[i]->rss_mib == p->c->rss[0])
			s.c[k++] = s.c[i];
	qsort(s.c, k, sizeof *s.c, by_median);
	p->bar_rss = p->c->rss[0];
	csv_open(p, "rss0.csv", "series,rss_mib,median_us,p10_us,p90_us,ci_lo_us,ci_hi_us");
	for (size_t i = 0; i < k; i++) {
		const struct cell_data *x = s.c[i];

		series_add(p, &p->bar, x, series_label(p->r, x));
		row(p, "%zu,%s,%s,%s,%s,%s,%s", p->bar.n, num(x->rss_mib), num(x->med.v),
		    num(x->p10), num(x->p90), num(x->med.lo), num(x->med.hi));
	}
	csv_close(p);
	free(s.c);
}

/* Scaling: throughput against N, with the ideal N x the smallest N's ----- */

static void scaling(struct plot *p)
{
	struct scale s[SCALE_SERIES];
	size_t n = scaling_series(p->r, s, SCALE_SERIES);
	char label[LABEL_LEN];

	csv_open(p, "scaling.csv", "series,parallel,throughput_per_s,ideal_per_s");
	for (size_t i = 0; i < n; i++) {
		const struct cell_data *c = s[i].first;

		bool threads = strcmp(c->spawners, "threads") == 0;

		snprintf(label, sizeof label, "%s, %s MiB%s", series_label(p->r, c), c->rss_text,
			 threads ? ", threads" : "");
		series_add_raw(p, &p->scl, label, method_color(p, c->method), threads ? 2 : 1);
		for (size_t k = 0; k < s[i].n; k++)
			row(p, "%zu,%s,%s,%s", p->scl.n, num(s[i].parallel[k]), num(s[i].rate[k]),
			    num(s[i].rate[0] * s[i].parallel[k] / s[i].parallel[0]));
	}
	csv_close(p);
}

/* Runtimes: each runtime API against its driver's VmRSS ------------------- */

static void runtimes(struct plot *p)
{
	struct rt_series s[RT_SERIES];
	size_t n = runtime_series(p->r, s, RT_SERIES);
	char label[LABEL_LEN];

	csv_open(p, "runtimes.csv", "series,x_mib,median_us");
	for (size_t i = 0; i < n; i++) {
		if (s[i].reference)
			snprintf(label, sizeof label, "%s (C, reference)", s[i].method);
		else
			snprintf(label, sizeof label, "%s (%s)", s[i].method + 3, s[i].version);
		/* the C references dashed */
		series_add_raw(p, &p->rt, label, method_color(p, s[i].method),
			       s[i].reference ? 2 : 1);
		for (size_t k = 0; k < s[i].n; k++)
			row(p, "%zu,%s,%s", p->rt.n, num(s[i].x_mib[k]), num(s[i].median_us[k]));
	}
	csv_close(p);
}

/* COW per page, and fork's fit ------------------------------------------- */

static void cow(struct plot *p)
{
	struct sorted s;

	if (!sorted_cells(p, &s, per_page_cell)) {
		csv_open(p, "cow.csv", "series,x_mib,rss_mib,per_page_ns");
		for (size_t i = 0; i < s.n; i++) {
			const struct cell_data *x = s.c[i];

			if (i == 0 || !same_series(s.c[i - 1], x))
				series_add(p, &p->cow, x, series_label(p->r, x));
			row(p, "%zu,%s,%s,%s", p->cow.n, num(run_resident(p->r, x->rss_mib)),
			    num(x->rss_mib), num(x->per_page_ns));
		}
		csv_close(p);
		free(s.c);
	}
	if (p->r->fit.ncols)
		fork_fit(p);
}

int plot_data(const struct rundir *r, const struct claims *c, const char *out, double cdf_rss,
	      char *err)
{
	struct plot *p = calloc(1, sizeof *p);
	char why[300];
	int rc;

	if (!p) {
		snprintf(err, PLOT_ERR_LEN, "out of memory");
		return -1;
	}
	plot_init(p, r, c, out);
	latency(p);
	if (!chart_absent(r, c, "claims", why, sizeof why))
		ratios(p);
	smallest(p);
	if (!chart_absent(r, c, "cdf", why, sizeof why))
		distribution(p, isnan(cdf_rss) ? c->rss[0] : cdf_rss);
	if (!chart_absent(r, c, "cow", why, sizeof why))
		cow(p);
	if (!chart_absent(r, c, "counters", why, sizeof why))
		counters(p);
	if (!chart_absent(r, c, "phases", why, sizeof why))
		phases(p);
	if (!chart_absent(r, c, "scaling", why, sizeof why))
		scaling(p);
	if (!chart_absent(r, c, "runtimes", why, sizeof why))
		runtimes(p);
	rc = plot_finish(p, err);
	free(p);
	return rc;
}
