#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "paired.h"

/* Claim 3's family: clone with the thread flags, raw or through glibc. */
static const char *const thread_family[] = { "clone-thread", "pthread" };

static bool in_family(const char *m)
{
	for (size_t i = 0; i < sizeof thread_family / sizeof thread_family[0]; i++)
		if (strcmp(m, thread_family[i]) == 0)
			return true;
	return false;
}

/* Starts an execution context: not a page-write timing, and not exec-only
 * (which replaces a program in the same process). */
static bool is_spawn(const struct cell_data *c)
{
	return !cell_per_page(c) && strcmp(c->method, "exec-only") != 0;
}

static void curve_init(struct curve *cv, const char *a, const char *b, const char *thp,
		       double lo, double hi)
{
	memset(cv, 0, sizeof *cv);
	cv->a = a;
	cv->b = b;
	cv->thp = thp;
	cv->band_lo = lo;
	cv->band_hi = hi;
}

static void add_point(const struct rundir *r, struct curve *cv, double rss,
		      const struct cell_data *ca, const struct cell_data *cb)
{
	struct point *p;
	struct paired pr;

	if (!ca || !cb) {
		/* a refined size has the pairs it was measured for only */
		if (!run_size_refined(r, rss))
			cv->missing[cv->nmissing++] = rss;
		return;
	}
	p = &cv->pt[cv->n];
	p->rss_mib = rss;
	p->res_mib = run_resident(r, rss);
	paired_ratio(ca, cb, &pr);
	p->r = pr.r;
	p->spread_lo = pr.spread_lo;
	p->spread_hi = pr.spread_hi;
	p->rounds = pr.rounds;
	p->side = band_side(p->r, cv->band_lo, cv->band_hi);
	p->st = status_in_band(p->side);
	cv->ea[cv->n] = ca->med;
	cv->eb[cv->n] = cb->med;
	cv->na[cv->n] = ca->method;
	cv->nb[cv->n] = cb->method;
	cv->n++;
}

/* The verdict, and where the curve crosses the band's finite edges. */
static void curve_finish(struct curve *cv)
{
	cv->v = verdict_of(cv->pt, cv->n);
	if (cv->band_lo > 0)
		cv->ncross += crossings(cv->pt, cv->n, cv->band_lo, cv->cross + cv->ncross,
					MAX_CROSS - cv->ncross);
	if (isfinite(cv->band_hi))
		cv->ncross += crossings(cv->pt, cv->n, cv->band_hi, cv->cross + cv->ncross,
					MAX_CROSS - cv->ncross);
	/* a median that only touches an edge, with the sizes on both sides of
	 * it beyond the same side, is no crossing */
	size_t kept = 0;
	for (size_t k = 0; k < cv->ncross; k++) {
		struct bracket b = crossing_bracket(cv->pt, cv->n, cv->cross[k].r.v,
						    cv->cross[k].rss_mib);
		if (b.kind == BR_TOUCH)
			continue;
		cv->cross[kept] = cv->cross[k];
		cv->br[kept++] = b;
	}
	cv->ncross = kept;
}

void curve_pair(const struct rundir *r, struct curve *cv, const char *a, const char *b,
		const char *thp, double lo, double hi, const double *rss, size_t nrss)
{
	curve_init(cv, a, b, thp, lo, hi);
	if (run_has_method(r, a) && run_has_method(r, b))
		for (size_t i = 0; i < nrss; i++)
			add_point(r, cv, rss[i], run_cell(r, a, rss[i], thp),
				  run_cell(r, b, rss[i], thp));
	curve_finish(cv);
}

/* Claim 3 at one RSS: the cheapest thread-flag cell and the cheapest other. */
static void cheapest_at(const struct rundir *r, struct curve *cv, double rss)
{
	const struct cell_data *fam = NULL, *other = NULL;

	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell_data *c = &r->cells[i], **best;

		if (c->rss_mib != rss || strcmp(c->thp, cv->thp) || !is_spawn(c))
			continue;
		/* Compare like with like: plain cells, the run's exec target. */
		if (c != run_cell(r, c->method, rss, cv->thp))
			continue;
		best = in_family(c->method) ? &fam : &other;
		if (!*best || c->med.v < (*best)->med.v)
			*best = c;
	}
	add_point(r, cv, rss, other, fam);
}

static const struct cell_data *cheapest_cell(const struct rundir *r, const char *method,
					     const char *thp)
{
	const struct cell_data *best = NULL;

	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell_data *c = &r->cells[i];

		if (strcmp(c->method, method) == 0 && strcmp(c->thp, thp) == 0 && cell_plain(c) &&
		    cell_ok(c) && !isnan(c->per_page_ns) && (!best || c->rss_mib > best->rss_mib))
			best = c;
	}
	return best;
}

/* fit.csv's line for fork-exit at thp on plain ballast, if the run has one. */
static bool fit_from_file(const struct rundir *r, const char *thp, struct growth *g)
{
	const struct csv_table *t = &r->fit;
	int cm = csv_col(t, "method"), ct = csv_col(t, "thp"), cb = csv_col(t, "ballast");
	int cf = csv_col(t, "fixed_us"), cs = csv_col(t, "us_per_gib"), cr = csv_col(t, "r2");
	int cp = csv_col(t, "points");

	if (cm < 0 || ct < 0 || cf < 0 || cs < 0)
		return false;
	for (size_t i = 0; i < t->nrows; i++) {
		bool bad = false;
		const char *b = cb < 0 ? "" : csv_cell(t, i, cb);

		if (strcmp(csv_cell(t, i, cm), "fork-exit") || strcmp(csv_cell(t, i, ct), thp) ||
		    (*b && strcmp(b, "anon")) || !fit_row_plain(t, i))
			continue;
		g->fixed_us = field_num(csv_cell(t, i, cf), FIELD_SIGNED, &bad);
		g->us_per_gib = field_num(csv_cell(t, i, cs), FIELD_SIGNED, &bad);
		g->r2 = cr < 0 ? NAN : field_num(csv_cell(t, i, cr), FIELD_SIGNED, &bad);
		/* a line through two points tests nothing; runs made before
		 * fit.csv left its r2 empty wrote 1 */
		if (cp >= 0 && field_num(csv_cell(t, i, cp), FIELD_COUNT, &bad) == 2)
			g->r2 = NAN;
		if (!bad && isfinite(g->us_per_gib))
			return true;
	}
	return false;
}

static double per_page(const struct cell_data *c, struct est *e)
{
	if (!c)
		return NAN;
	if (e) {
		/* The cell's interval, scaled to its per-page figure. */
		e->v = c->per_page_ns;
		e->lo = c->per_page_ns * c->med.lo / c->med.v;
		e->hi = c->per_page_ns * c->med.hi / c->med.v;
	}
	return c->per_page_ns;
}

static void growth_of(const struct rundir *r, const char *thp, struct growth *g)
{
	double x[MAX_RSS], y[MAX_RSS], page;
	bool bad = false;
	const struct cell_data *lo = NULL, *hi = NULL;
	size_t n = 0;
	struct line_fit l;

	memset(g, 0, sizeof *g);
	page = field_num(rundir_env(r, "page_size"), FIELD_COUNT, &bad);
	if (!(page > 0))
		page = 4096;
	for (size_t i = 0; i < r->ncells && n < MAX_RSS; i++) {
		const struct cell_data *c = &r->cells[i];

		if (c != run_cell(r, "fork-exit", c->rss_mib, thp))
			continue;
		x[n] = c->rss_mib / 1024;
		y[n++] = c->med.v;
		if (!lo || c->rss_mib < lo->rss_mib)
			lo = c;
		if (!hi || c->rss_mib > hi->rss_mib)
			hi = c;
	}
	g->sizes = n;
	g->from_fit_csv = fit_from_file(r, thp, g);
	g->ok = g->from_fit_csv;
	if (!g->ok && fit_line(x, y, n, &l) == 0) {
		g->fixed_us = l.fixed;
		g->us_per_gib = l.slope;
		g->r2 = l.r2;
		g->ok = isfinite(l.slope);
	}
	g->page_kib = page / 1024;
	g->ns_per_page = g->us_per_gib * 1000 * page / (1024.0 * 1024 * 1024);
	g->slope = lo && hi && hi != lo
		? est_slope(lo->med, hi->med, (hi->rss_mib - lo->rss_mib) / 1024)
		: (struct est){ NAN, NAN, NAN };
	g->top_rss = hi ? hi->rss_mib : NAN;
	g->top_pte_kib = hi ? hi->pte_kib : NAN;
	{
		const struct cell_data *cow = cheapest_cell(r, "cow-child", thp);

		g->cow_rss = cow ? cow->rss_mib : NAN;
		g->cow_ns = per_page(cow, &g->cow);
		g->first_touch_ns = per_page(cheapest_cell(r, "first-touch", thp), NULL);
		g->rewrite_ns = per_page(cheapest_cell(r, "rewrite", thp), NULL);
	}
}

static void band_curve(const struct rundir *r, struct curve *cv, const struct band *b,
		       const char *thp, const struct claims *c)
{
	curve_pair(r, cv, b->a, b->b, thp, b->lo, b->hi, c->rss, c->nrss);
}

void claims_compute(const struct rundir *r, struct claims *c)
{
	memset(c, 0, sizeof *c);
	if (r->has_env && (c->refine = envtxt_get(&r->env, "refine")) && strcmp(c->refine, "yes"))
		c->refine = NULL;
	if (c->refine && !(c->refine = envtxt_get(&r->env, "refine_stopped")))
		c->refine = "not reached";
	c->nthp = run_thps(r, c->thp, MAX_THP);
	c->nrss = run_rss(r, c->rss, MAX_RSS);
	c->raw_clone_thread = run_has_method(r, "clone-thread");
	for (size_t t = 0; t < c->nthp; t++) {
		const char *thp = c->thp[t];
		struct curve *cv;
		size_t first = 0;

		band_curve(r, &c->vfork_exit[t], &bands[BAND_VFORK_EXIT], thp, c);
		band_curve(r, &c->vfork_exec[t], &bands[BAND_VFORK_EXEC], thp, c);
		band_curve(r, &c->efficient[t], &bands[BAND_EFFICIENT], thp, c);
		/* the chart's: drawn against the edges of claims 1 and 2, no
		 * verdict of its own */
		curve_pair(r, &c->spawn[t], bands[BAND_SPAWN_4X].a, bands[BAND_SPAWN_4X].b, thp, 0,
			   INFINITY, c->rss, c->nrss);

		cv = &c->cheapest[t];
		curve_init(cv, "cheapest other", "cheapest thread-flag clone", thp, 1, INFINITY);
		for (size_t i = 0; i < c->nrss; i++)
			cheapest_at(r, cv, c->rss[i]);
		curve_finish(cv);

		/* Claim 4 against the smallest parent fork-exit ran with, at
		 * the sweep's sizes: its ratio pairs two cells round by round,
		 * and a refined size's windows were taken during the search,
		 * beside vfork-exit at that size, not beside the smallest
		 * parent's (its round r is another moment than theirs) */
		cv = &c->copies[t];
		curve_init(cv, "fork-exit", "fork-exit", thp, 0, AS_EFFICIENT);
		while (first < c->nrss && (!run_cell(r, "fork-exit", c->rss[first], thp) ||
					   run_size_refined(r, c->rss[first])))
			first++;
		cv->ref_rss = first < c->nrss ? c->rss[first] : NAN;
		for (size_t i = first + 1; i < c->nrss; i++)
			if (!run_size_refined(r, c->rss[i]))
				add_point(r, cv, c->rss[i], run_cell(r, "fork-exit", c->rss[i], thp),
					  run_cell(r, "fork-exit", c->rss[first], thp));
		curve_finish(cv);
		growth_of(r, thp, &c->growth[t]);
	}
}
