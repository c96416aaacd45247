/* The gate's decision, cell by cell, at the level of windows (compare.h);
 * harness/analysis/compare.c loads and matches the runs and prints.
 *
 * For each cell, NEW's windows' medians against BASE's:
 *   - the ratio NEW/BASE of the medians of the windows' medians, with a 95%
 *     interval: against one BASE run, the distribution-free interval of the
 *     shift between the two runs' windows that goes with the U test
 *     (shift_interval); against several, a percentile bootstrap that
 *     resamples BASE runs, then the windows within each (Ren et al.,
 *     "Nonparametric bootstrapping for hierarchical data", J. Applied
 *     Statistics 37, 2010), and NEW's windows;
 *   - the Mann-Whitney U test of NEW's windows against BASE's.
 * A regression needs both: p < alpha, and the whole interval above
 * 1 + threshold. "No change" needs the whole interval within the threshold
 * either way. Anything else is inconclusive: the windows disagree too much
 * to tell a change of the threshold's size from none, and the line says how
 * many windows a side would likely decide it. Improvements mirror
 * regressions with 1/(1 + threshold), so that swapping the runs swaps the
 * verdicts.
 *
 * Above the windows is the run: on a machine whose speed drifts from one
 * minute to the next, every cell of a run can be some percent slower than
 * every cell of the run before, which no window of either run can see. So
 * the shift the whole run shares (the median ratio over the swept cells) is
 * taken out first: a regression is a cell that moved past the threshold
 * beyond it. A change that every cell shares cannot be told from the
 * machine's drift by two runs: those cells are inconclusive, with the
 * figure, and several BASE runs (whose run-to-run spread the bootstrap
 * resamples) are the way to decide. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "stats.h"
#include "student.h"
#include "winstats.h"

/* The medians of a cell's windows, divided by its run's level, appended to
 * out at *n. A run made before windows.csv, with no rounds in its samples,
 * has one window: its median. */
static void windows_into(const struct cell_data *c, double level, double *out, size_t *n)
{
	if (!c->nwin) {
		out[(*n)++] = c->med.v / level;
		return;
	}
	for (size_t i = 0; i < c->nwin; i++)
		out[(*n)++] = c->win[i].median_us / level;
}

static size_t nwindows(const struct cell_data *c)
{
	return c->nwin ? c->nwin : 1;
}

static double median_of(double *x, size_t n)
{
	sort_doubles(x, n);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/* One bootstrap draw of NEW/BASE: BASE's runs resampled, then each drawn
 * run's windows; NEW's windows. */
struct draw_arg {
	const struct pair *p;
	const struct cell_data *runs[COMPARE_MAX_BASES];
	double level[COMPARE_MAX_BASES];
	size_t nruns;
	double *xb, *xn;
};

static double draw_ratio(void *arg, uint64_t *state)
{
	struct draw_arg *d = arg;
	size_t kb = 0, kn = 0;

	for (size_t r = 0; r < d->nruns; r++) {
		size_t k = boot_random(state) % d->nruns;
		const struct cell_data *c = d->runs[k];
		for (size_t w = 0; w < nwindows(c); w++)
			d->xb[kb++] = (c->nwin ? c->win[boot_random(state) % c->nwin].median_us
					       : c->med.v) / d->level[k];
	}
	for (size_t w = 0; w < nwindows(d->p->nw); w++)
		d->xn[kn++] = d->p->nw->nwin
			? d->p->nw->win[boot_random(state) % d->p->nw->nwin].median_us
			: d->p->nw->med.v;
	return median_of(d->xn, kn) / median_of(d->xb, kb);
}

/* One BASE run: the distribution-free interval of the shift between the
 * two runs' log window medians that goes with the U test (Hodges &
 * Lehmann; Bauer, JASA 67, 1972): the order statistics of the nb x nn
 * differences, C of them dropped at each end, C the U test's critical
 * value at 95% (normal approximation with continuity correction). One
 * wild window moves it by a rank, where the bootstrap of a median of ten
 * jumps to it. */
static int shift_interval(const double *xb, size_t nb, const double *xn, size_t nn, double *lo,
			  double *hi)
{
	double mn = (double)nb * (double)nn, sd = sqrt(mn * (double)(nb + nn + 1) / 12);
	double c = floor(mn / 2 - 1.959964 * sd - 0.5);
	size_t k = 0, drop = c > 0 ? (size_t)c : 0;
	double *d = malloc((size_t)mn * sizeof *d);

	if (!d)
		return -1;
	for (size_t i = 0; i < nb; i++)
		for (size_t j = 0; j < nn; j++)
			d[k++] = log(xn[j]) - log(xb[i]);
	sort_doubles(d, k);
	*lo = exp(d[drop]);
	*hi = exp(d[k - 1 - drop]);
	free(d);
	return 0;
}

/* Windows a side that would likely decide an inconclusive cell: the
 * interval narrows as 1/sqrt(windows), and it must shrink to the distance
 * between the ratio and the nearest line it has to clear. */
static double windows_needed(const struct pair *p, double bar)
{
	double half = (log(p->hi) - log(p->lo)) / 2, c = log(p->ratio), edge = log(bar), d;
	double w = (double)(p->win_new < p->win_base ? p->win_new : p->win_base);

	if (c > edge)
		d = c - edge;
	else if (c < -edge)
		d = -edge - c;
	else
		d = fmin(edge - c, c + edge);
	if (!(d > 0) || !(half > 0))
		return INFINITY;
	return ceil(w * (half / d) * (half / d));
}

static void judge(struct pair *p, double threshold_pct, double alpha)
{
	double bar = 1 + threshold_pct / 100;

	p->why[0] = '\0';
	p->windows_needed = NAN;
	if (p->win_new < 2 || p->win_base < 2 || !isfinite(p->lo)) {
		p->verdict = V_INCONCLUSIVE;
		snprintf(p->why, sizeof p->why, "fewer than 2 windows a side: no interval");
		p->windows_needed = INFINITY;
		return;
	}
	double pv = isnan(p->p_adj) ? p->u.p : p->p_adj;

	if (pv < alpha && p->lo > bar)
		p->verdict = V_REGRESSION;
	else if (pv < alpha && p->hi < 1 / bar)
		p->verdict = V_IMPROVEMENT;
	else if (p->lo >= 1 / bar && p->hi <= bar)
		p->verdict = V_SAME;
	else
		p->verdict = V_INCONCLUSIVE;
	/* a change seen while something else took the CPU for a quarter of a
	 * side's windows may be that something's */
	if ((p->verdict == V_REGRESSION || p->verdict == V_IMPROVEMENT) &&
	    (4 * p->contended_new > p->win_new || 4 * p->contended_base > p->win_base)) {
		p->verdict = V_INCONCLUSIVE;
		snprintf(p->why, sizeof p->why,
			 "contended windows: another task or the host took the CPU");
	}
	if (p->verdict == V_INCONCLUSIVE && !p->why[0] && (p->lo > bar || p->hi < 1 / bar)) {
		if (isnan(p->p_adj))
			snprintf(p->why, sizeof p->why, "the interval clears the threshold, but the U "
				 "test of %zu and %zu windows gives p = %.2g, not below alpha",
				 p->win_base, p->win_new, p->u.p);
		else
			snprintf(p->why, sizeof p->why, "the interval clears the threshold, but the U "
				 "test of %zu and %zu windows gives p = %.2g, %.2g adjusted over the "
				 "cells (Holm), not below alpha", p->win_base, p->win_new, p->u.p,
				 p->p_adj);
	}
	if (p->verdict == V_INCONCLUSIVE)
		p->windows_needed = windows_needed(p, bar);
}

int compare_pair(struct pair *p, const double *levels, size_t nbases, double threshold_pct,
		 double alpha)
{
	struct draw_arg d = { .p = p };
	size_t nb = 0, nn = 0, cap = 0;
	double *xb = NULL, *xn = NULL;
	int rc = -1;

	for (size_t k = 0; k < nbases; k++)
		if (p->bases[k]) {
			d.level[d.nruns] = levels ? levels[k] : 1;
			d.runs[d.nruns++] = p->bases[k];
			cap += nwindows(p->bases[k]);
		}
	p->runs_base = d.nruns;
	p->p_adj = NAN;		/* until compare_judge_run adjusts it */
	xb = malloc(cap * sizeof *xb);
	xn = malloc(nwindows(p->nw) * sizeof *xn);
	d.xb = malloc(cap * nbases * sizeof *d.xb + sizeof *d.xb);
	d.xn = malloc(nwindows(p->nw) * sizeof *d.xn);
	if (!xb || !xn || !d.xb || !d.xn)
		goto out;
	p->contended_base = p->contended_new = 0;
	for (size_t r = 0; r < d.nruns; r++) {
		windows_into(d.runs[r], d.level[r], xb, &nb);
		for (size_t w = 0; w < d.runs[r]->nwin; w++)
			p->contended_base += d.runs[r]->win[w].contended;
	}
	windows_into(p->nw, 1, xn, &nn);
	for (size_t w = 0; w < p->nw->nwin; w++)
		p->contended_new += p->nw->win[w].contended;
	p->win_base = nb;
	p->win_new = nn;
	p->med_base_us = median_of(xb, nb);
	p->med_new_us = median_of(xn, nn);
	p->ratio = p->med_new_us / p->med_base_us;
	if (mwu_test(xn, nn, xb, nb, &p->u))
		goto out;
	p->lo = p->hi = NAN;
	/* one BASE run: the interval that goes with the U test; several: a
	 * bootstrap that resamples the runs, so that the interval carries the
	 * variation between them */
	if (nb >= 2 && nn >= 2 && d.nruns == 1 && shift_interval(xb, nb, xn, nn, &p->lo, &p->hi))
		goto out;
	if (nb >= 2 && nn >= 2 && d.nruns > 1 &&
	    boot_interval(draw_ratio, &d, COMPARE_RESAMPLES, 0x5eedc0de5eedc0deULL, 0.025, 0.975,
			  &p->lo, &p->hi))
		goto out;
	judge(p, threshold_pct, alpha);
	rc = 0;
out:
	free(xb);
	free(xn);
	free(d.xb);
	free(d.xn);
	return rc;
}

const char *verdict_name(enum pair_verdict v)
{
	switch (v) {
	case V_SAME: return "no change";
	case V_REGRESSION: return "regression";
	case V_IMPROVEMENT: return "improvement";
	case V_INCONCLUSIVE: return "inconclusive";
	case V_ERROR_NEW: return "error in NEW";
	case V_ERROR_BASE: return "error in BASE";
	case V_ERROR_BOTH: return "error in both";
	}
	return "?";
}

int comparison_status(const struct comparison *c)
{
	return c->regressions || c->errors || (c->partial && !c->allow_missing) ||
	       (c->inconclusive == INCONCLUSIVE_FAIL && c->inconclusives) ? 1 : 0;
}

/* A refined size (run --refine) had its windows taken back to back while
 * the search went on, not spread over the run: a slow spell of the machine
 * can move all of them, and its interval says nothing of that. */
static bool refined(const struct pair *p)
{
	return p->base->refined || p->nw->refined;
}

/* The median of a cell's windows in one run. */
static double run_median(const struct cell_data *c)
{
	double x[4096];
	size_t n = 0;

	for (size_t i = 0; i < c->nwin && n < sizeof x / sizeof x[0]; i++)
		x[n++] = c->win[i].median_us;
	return n ? median_of(x, n) : c->med.v;
}

/* Each BASE run's level: how its swept cells stand, as a whole, against
 * the BASE runs together (for each cell, its median in that run over the
 * geometric mean of the runs' medians; the median of those over the
 * cells). A BASE run made in a slow minute has every cell some percent up:
 * its windows are divided by its level before they are pooled, as NEW's
 * shift is taken out in compare_judge_run, so that the pool and its
 * bootstrap carry how each cell varies between runs, not how the machine
 * did. base_spread is the largest |log level|; base_level_mean and
 * base_level_sd, the log levels' mean and standard deviation (nlevels - 1
 * degrees of freedom). new_level is NEW's, over the same cells against
 * the same reference, so that it is on the levels' scale: against the
 * pooled windows' median instead (NEW's shift), it read up to 3.7% off on
 * the VM, as much as three of the levels' standard deviations. With one
 * BASE run, or fewer than COMMON_MIN_CELLS cells in every run, the levels
 * are 1, base_spread NaN and nlevels 0. Returns 0, or -1 when memory
 * could not be had (the levels are then 1). */
int compare_base_levels(struct comparison *c)
{
	double *logs;	/* run k's at logs[k * npairs], NEW's at k = nbases */
	double level[COMPARE_MAX_BASES], sum = 0, ss = 0;
	size_t n[COMPARE_MAX_BASES + 1] = { 0 };

	c->base_spread = c->base_level_mean = c->base_level_sd = c->new_level = NAN;
	c->nlevels = 0;
	for (size_t k = 0; k < COMPARE_MAX_BASES; k++)
		c->base_level[k] = 1;
	if (c->nbases < 2 || c->npairs < COMMON_MIN_CELLS)
		return 0;
	logs = malloc((c->nbases + 1) * c->npairs * sizeof *logs);
	if (!logs)
		return -1;
	for (size_t i = 0; i < c->npairs; i++) {
		const struct pair *p = &c->pairs[i];
		double m[COMPARE_MAX_BASES + 1], ref = 0;
		size_t nm = 0;

		if (p->verdict >= V_ERROR_NEW || refined(p))
			continue;
		for (size_t k = 0; k < c->nbases; k++) {
			m[k] = p->bases[k] ? run_median(p->bases[k]) : 0;
			if (m[k] > 0) {
				ref += log(m[k]);
				nm++;
			}
		}
		if (nm < 2)
			continue;
		ref /= (double)nm;	/* the runs' mean log median: a median of three
					 * is one of them, each run's level 0 in a third
					 * of the cells, and a level of 0 for every run */
		m[c->nbases] = run_median(p->nw);
		for (size_t k = 0; k <= c->nbases; k++)
			if (m[k] > 0)
				logs[k * c->npairs + n[k]++] = log(m[k]) - ref;
	}
	for (size_t k = 0; k < c->nbases; k++) {
		if (n[k] < COMMON_MIN_CELLS)
			continue;
		double l = median_of(logs + k * c->npairs, n[k]);
		c->base_level[k] = exp(l);
		if (isnan(c->base_spread) || fabs(l) > c->base_spread)
			c->base_spread = fabs(l);
		level[c->nlevels++] = l;
		sum += l;
	}
	if (n[c->nbases] >= COMMON_MIN_CELLS)
		c->new_level = median_of(logs + c->nbases * c->npairs, n[c->nbases]);
	free(logs);
	if (c->nlevels < 2)
		return 0;
	c->base_level_mean = sum / (double)c->nlevels;
	for (size_t k = 0; k < c->nlevels; k++)
		ss += pow(level[k] - c->base_level_mean, 2);
	c->base_level_sd = sqrt(ss / (double)(c->nlevels - 1));
	return 0;
}

/* The log ratios NEW/BASE of the swept cells (measured in both, not
 * refined) into logs[] (up to 4096): their time's, or, with instructions,
 * their instructions per op's where both runs counted them (against the
 * first BASE run's). Returns how many. */
static size_t swept_logs(const struct comparison *c, double *logs, bool instructions)
{
	size_t n = 0;

	for (size_t i = 0; i < c->npairs && n < 4096; i++) {
		const struct pair *p = &c->pairs[i];
		double r = instructions ? p->instr_ratio : p->ratio;

		if (p->verdict < V_ERROR_NEW && !refined(p) && p->ratio > 0 && r > 0 && isfinite(r))
			logs[n++] = log(r);
	}
	return n;
}

/* The shift the whole run shares: the median ratio over the swept cells
 * (c->common, 1 with fewer than COMMON_MIN_CELLS), and whether several
 * BASE runs and a witness that does not drift say it is NEW's own
 * (c->shift_kept; then it is not taken out, see taken_out).
 *
 * K BASE runs show where the machine puts a run's level: a next run's
 * falls within t(K-1) s sqrt(1 + 1/K) of their mean (s: the levels'
 * standard deviation; a prediction interval). NEW's shift is kept only
 * when its level lies past the threshold beyond that, one-sided at
 * p < alpha; its cells are then judged as measured, each interval
 * carrying the 95% half-width of that prediction (level_halfwidth), since
 * NEW's own level is one draw of the machine's. The largest BASE level,
 * the rule before, kept the shift of 3 in 64 compares of identical runs
 * against five on the VM: five calm BASE runs within 1.8% of each other,
 * then a run 8.9% slower as a whole, judged as measured, made a cell at
 * +10% a regression. Levels all alike (s = 0: one run given twice) say
 * nothing of the drift, not that there is none: the shift is taken out,
 * as with one BASE run.
 *
 * Past that prediction is not enough. Runs minutes apart are not
 * independent draws of the machine's level: a host that turns slow
 * between the BASE runs and NEW puts NEW past any bound drawn from them
 * (on the VM, a run 35-39% slower as a whole than four calm runs just
 * before it, levels within 4%, failed the gate against two, three and
 * four of them). Only what the machine's speed does not move can tell
 * such a host from a change to every cell: the instructions per op. The
 * shift is kept only when they moved as a whole past the threshold the
 * same way (c->instr_shift); where they were not counted (no PMU, no
 * privilege), or did not move, it is taken out, and a cell that moved
 * only with it is inconclusive, with c->shift_unwitnessed saying why. */
static void run_shift(struct comparison *c, double bar)
{
	double logs[4096];
	size_t n = swept_logs(c, logs, false), ni;

	c->common = 1;
	c->ncommon = 0;
	if (n >= COMMON_MIN_CELLS) {
		c->common = exp(median_of(logs, n));
		c->ncommon = n;
	}
	c->shift_kept = c->shift_unwitnessed = false;
	c->level_halfwidth = c->keep_bound = NAN;
	ni = c->ncommon ? swept_logs(c, logs, true) : 0;
	/* how NEW's instructions per op moved as a whole: NaN in too few cells */
	c->instr_shift = ni >= COMMON_MIN_CELLS ? exp(median_of(logs, ni)) : NAN;
	if (!c->ncommon || c->nlevels < 2 || !(c->base_level_sd > 0) || !isfinite(c->new_level))
		return;
	double scale = c->base_level_sd * sqrt(1 + 1 / (double)c->nlevels);
	unsigned df = (unsigned)c->nlevels - 1;
	double t = c->alpha < 0.5 ? t_quantile(1 - c->alpha, df) : 0;	/* one-sided */
	double away = c->new_level - c->base_level_mean, instr = log(c->instr_shift);

	c->keep_bound = log(bar) + t * scale;
	if (!(fabs(away) > c->keep_bound))
		return;
	c->shift_kept = isfinite(instr) && fabs(instr) > log(bar) && (instr > 0) == (away > 0);
	c->shift_unwitnessed = !c->shift_kept;
	if (c->shift_kept)
		c->level_halfwidth = t_quantile(0.975, df) * scale;
}

/* The shift taken out of every cell: the run's, unless it was kept (then
 * none). How far cells move between runs on their own is measured against
 * the run's shift either way: against none, a kept shift of 30% read as
 * tight cells moving 35 times their windows' spread, and wobbling ones 3.5
 * times, and left the wobbling ones inconclusive. */
static double taken_out(const struct comparison *c)
{
	return c->shift_kept ? 1 : c->common;
}

/* The spread of a cell's windows within a run, in log units: the robust
 * standard deviation (1.4826 x MAD) of its windows' log medians, each
 * run's centred on its own median, NEW's and every BASE run's pooled. NaN
 * with fewer than 4 windows. */
static double window_sd(const struct pair *p, size_t nbases)
{
	double x[4096], run[4096];
	size_t n = 0;

	for (size_t k = 0; k <= nbases; k++) {
		const struct cell_data *c = k < nbases ? p->bases[k] : p->nw;
		size_t m = 0;

		if (!c)
			continue;
		for (size_t w = 0; w < c->nwin && m < 1024 && n + m < 4096; w++)
			if (c->win[w].median_us > 0)
				run[m++] = log(c->win[w].median_us);
		if (!m)
			continue;
		memcpy(x + n, run, m * sizeof *run);
		double mid = median_of(run, m);
		for (size_t w = 0; w < m; w++)
			x[n + w] = fabs(x[n + w] - mid);
		n += m;
	}
	return n >= 4 ? 1.4826 * median_of(x, n) : NAN;
}

/* How far a cell moves between runs on its own. Two runs of the same
 * command differ by more than their windows say: the machine's level moves
 * (the run's shift, taken out above), and so, less, does each cell, one
 * more than another (fork-exec at 256 MiB read 9.4 and 11.7 ms in two runs
 * minutes apart whose other cells agreed; its windows' intervals were
 * 5-10% wide, its windows 40-50% apart). One pair of runs cannot see that
 * for one cell, but the swept cells together can. The model: a cell moves
 * between runs by a multiple of its windows' own spread within a run (the
 * cells that wobble within a run wobble between runs), the multiple the
 * same for every cell. It is estimated from the cells' moves against the
 * run's shift, each in units of its window spread: their robust spread
 * (1.4826 x MAD), less what the two runs' medians' own noise explains
 * (1.25 x sqrt(1/nb + 1/nn) windows' spreads), never below 0, as a
 * random-effects meta-analysis takes the between-study variance out of
 * the spread of the studies. A cell that changed stands out of the others
 * and moves the median and the MAD little. c->between is that multiple;
 * each cell's interval is widened by 1.96 times it times its own spread. */
static void between_runs(struct comparison *c)
{
	double z[4096], dev[4096], noise = 0;
	size_t n = 0;

	c->between = NAN;
	c->nbetween = 0;
	for (size_t i = 0; i < c->npairs && n < sizeof z / sizeof z[0]; i++) {
		struct pair *p = &c->pairs[i];

		p->window_sd = NAN;
		if (p->verdict >= V_ERROR_NEW || !(p->ratio > 0))
			continue;
		p->window_sd = window_sd(p, c->nbases);
		if (refined(p) || !(p->window_sd > 0) || p->win_base < 2 || p->win_new < 2)
			continue;
		z[n] = log(p->ratio / c->common) / p->window_sd;
		noise += 1.5625 * (1.0 / (double)p->win_base + 1.0 / (double)p->win_new);
		n++;
	}
	if (n < BETWEEN_MIN_CELLS)
		return;
	memcpy(dev, z, n * sizeof *z);
	double mid = median_of(dev, n);
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(z[i] - mid);
	double mad = 1.4826 * median_of(dev, n);
	c->between = sqrt(fmax(0, mad * mad - noise / (double)n));
	c->nbetween = n;
}

/* The pair's interval widened by the cell's own movement between runs
 * and, with NEW's shift kept, by where the machine may put a run's level
 * (a refined size's too: NEW's level is one draw for every cell), added
 * to its windows' in quadrature on each side. */
static void widen(const struct comparison *c, struct pair *p)
{
	double b = 1.959964 * c->between * p->window_sd, l = log(p->ratio);

	if (c->shift_kept)
		b = hypot(isfinite(b) ? b : 0, c->level_halfwidth);
	if (p->verdict >= V_ERROR_NEW || !(b > 0) || !(p->lo > 0))
		return;
	p->lo = exp(l - sqrt(pow(l - log(p->lo), 2) + b * b));
	p->hi = exp(l + sqrt(pow(log(p->hi) - l, 2) + b * b));
}

/* Holm's step-down adjustment of the m p-values p[], in place: the gate
 * fails a run when any one cell is flagged, so alpha is the chance of a
 * false alarm for the whole comparison, not for each of its 12 to 50 cells
 * (at 0.01 a cell, 48 cells of two identical runs would flag one in three
 * comparisons even with exact intervals). */
static void holm_adjust(double *p, size_t m)
{
	size_t by[4096];
	double run = 0;

	for (size_t i = 0; i < m; i++)	/* by rising p */
		for (size_t j = by[i] = i; j > 0 && p[by[j]] < p[by[j - 1]]; j--) {
			size_t t = by[j];
			by[j] = by[j - 1];
			by[j - 1] = t;
		}
	for (size_t i = 0; i < m; i++) {
		run = fmax(run, fmin(1, (double)(m - i) * p[by[i]]));
		p[by[i]] = run;
	}
}

/* The U tests' p-values adjusted over every cell compared (p_adj). */
static void holm(struct comparison *c)
{
	double p[4096];
	size_t at[4096], m = 0;

	for (size_t i = 0; i < c->npairs && m < sizeof p / sizeof p[0]; i++) {
		c->pairs[i].p_adj = NAN;
		if (c->pairs[i].verdict < V_ERROR_NEW && !isnan(c->pairs[i].u.p)) {
			at[m] = i;
			p[m++] = c->pairs[i].u.p;
		}
	}
	holm_adjust(p, m);
	for (size_t i = 0; i < m; i++)
		c->pairs[at[i]].p_adj = p[i];
}

/* How sure the gate is that a cell moved past the threshold: the one-sided
 * p of its ratio beyond the line it would have to clear (regression: 1 + t
 * beyond the run's shift; improvement: the mirror), reading the widened
 * interval's half on that side as 1.96 standard errors. */
static double p_beyond(const struct comparison *c, const struct pair *p, double bar)
{
	double l = log(p->ratio), up = log(bar * fmax(1, taken_out(c))),
	       down = log(fmin(1, taken_out(c)) / bar);
	double se_lo = (l - log(p->lo)) / 1.959964, se_hi = (log(p->hi) - l) / 1.959964;
	double pu = se_lo > 0 ? 0.5 * erfc((l - up) / se_lo / M_SQRT2) : l > up ? 0 : 1;
	double pd = se_hi > 0 ? 0.5 * erfc((down - l) / se_hi / M_SQRT2) : l < down ? 0 : 1;

	return fmin(pu, pd);
}

/* A regression or an improvement stands only when the chance that some
 * cell of the comparison moved past the threshold by its intervals' noise
 * alone is below alpha: the p of each cell beyond its line, adjusted over
 * the cells (Holm). The U test asks whether the windows moved at all; this
 * asks whether they moved past the line, with the cells' movement between
 * runs in it. A 95% interval clearing the line is a one-sided 2.5% test of
 * one cell: with exact intervals, some cell of 30 would clear it in half
 * the comparisons of identical runs (on the VM, fork-exec at 256 MiB, +11%
 * against its run, did in three of twenty). */
static void beyond_threshold(struct comparison *c, double bar)
{
	double p[4096];
	size_t at[4096], m = 0;

	for (size_t i = 0; i < c->npairs && m < sizeof p / sizeof p[0]; i++) {
		struct pair *q = &c->pairs[i];

		q->p_beyond = q->p_beyond_adj = NAN;
		if (q->verdict >= V_ERROR_NEW || refined(q) || !(q->lo > 0) || !isfinite(q->hi))
			continue;
		at[m] = i;
		p[m++] = q->p_beyond = p_beyond(c, q, bar);
	}
	holm_adjust(p, m);
	for (size_t i = 0; i < m; i++) {
		struct pair *q = &c->pairs[at[i]];

		q->p_beyond_adj = p[i];
		if ((q->verdict == V_REGRESSION || q->verdict == V_IMPROVEMENT) &&
		    !(p[i] < c->alpha)) {
			size_t at_end = strlen(q->why);	/* after a note it had (instructions') */

			q->verdict = V_INCONCLUSIVE;
			snprintf(q->why + at_end, sizeof q->why - at_end, "%spast the threshold with "
				 "p = %.2g one-sided, %.2g adjusted over the %zu cells (Holm), not "
				 "below alpha: more windows or BASE runs may decide it",
				 at_end ? "; " : "", q->p_beyond, p[i], m);
		}
	}
}

/* The pair judged again, on its widened interval and adjusted p, keeping
 * a note compare made of it (the instructions') when the verdict stands. */
static void judge_again(const struct comparison *c, struct pair *p)
{
	enum pair_verdict was = p->verdict;
	char why[sizeof p->why];

	if (p->verdict >= V_ERROR_NEW)
		return;
	memcpy(why, p->why, sizeof why);
	judge(p, c->threshold_pct, c->alpha);
	if (p->verdict == was && !p->why[0])
		memcpy(p->why, why, sizeof why);
}

/* What would tell a change to every cell from the machine's drift. */
static const char *what_tells(const struct comparison *c)
{
	if (!c->shift_unwitnessed)
		return "more BASE runs tell";
	return isfinite(c->instr_shift) ? "its instructions per op did not move with it"
					: "instructions counted in both runs would tell";
}

/* One pair's verdict once the run's shift is known (see compare_judge_run). */
static void judge_against_run(const struct comparison *c, struct pair *p, double bar)
{
	bool up = p->verdict == V_REGRESSION, down = p->verdict == V_IMPROVEMENT;
	double common = taken_out(c);

	if (p->verdict >= V_ERROR_NEW)
		return;
	/* moved with the run, and the run moved less than the threshold:
	 * neither the run's part nor the cell's own part is a change */
	if (p->verdict == V_INCONCLUSIVE && !p->why[0] && !refined(p) && c->ncommon &&
	    common <= bar && common >= 1 / bar && p->lo / common >= 1 / bar &&
	    p->hi / common <= bar) {
		p->verdict = V_SAME;
		p->windows_needed = NAN;
		return;
	}
	if (p->verdict == V_INCONCLUSIVE && !p->why[0] && c->ncommon &&
	    (common > bar || common < 1 / bar)) {
		snprintf(p->why, sizeof p->why, "the whole run moved by %+.1f%% (median of %zu "
			 "cells): more windows do not tell the machine from a change; %s",
			 (common - 1) * 100, c->ncommon, what_tells(c));
		p->windows_needed = INFINITY;
		return;
	}
	/* within the threshold as measured, while the run moved the other
	 * way: against the run, the cell moved, and by how much the windows
	 * cannot tell apart from the machine's drift */
	if (p->verdict == V_SAME && !refined(p) && c->ncommon &&
	    (p->lo / common < 1 / bar || p->hi / common > bar)) {
		p->verdict = V_INCONCLUSIVE;
		snprintf(p->why, sizeof p->why, "within the threshold, but the run moved by "
			 "%+.1f%% (median of %zu cells): against it, this cell moved %+.1f%%; "
			 "more BASE runs tell", (common - 1) * 100, c->ncommon,
			 (p->ratio / common - 1) * 100);
		p->windows_needed = INFINITY;
		return;
	}
	if ((up || down) && refined(p)) {
		p->verdict = V_INCONCLUSIVE;
		snprintf(p->why, sizeof p->why, "a refined size: its windows were taken back to "
			 "back by --refine, not spread over the run");
	} else if ((up && !(p->lo > bar * fmax(1, common))) ||
		   (down && !(p->hi < fmin(1, common) / bar))) {
		p->verdict = V_INCONCLUSIVE;
		snprintf(p->why, sizeof p->why, "the whole run moved by %+.1f%% (median of %zu "
			 "cells): the machine, or a change to every cell; %s",
			 (common - 1) * 100, c->ncommon, what_tells(c));
	}
}

/* The verdicts, once the shift the whole run shares is known: a cell is a
 * regression only when it moved past the threshold beyond that shift (and
 * an improvement likewise); a cell that only moved with the run, when the
 * run moved past the threshold, is inconclusive; a cell whose own part and
 * the run's part are both within the threshold did not change. */
void compare_judge_run(struct comparison *c)
{
	double bar = 1 + c->threshold_pct / 100;

	run_shift(c, bar);
	between_runs(c);
	holm(c);
	for (size_t i = 0; i < c->npairs; i++) {
		widen(c, &c->pairs[i]);
		judge_again(c, &c->pairs[i]);
		judge_against_run(c, &c->pairs[i], bar);
	}
	beyond_threshold(c, bar);
}

