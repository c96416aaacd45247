/* `spawncost compare`: match the cells of the runs, decide each pair at the
 * level of windows (see compare.h).
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

#include "cmdline.h"
#include "compare.h"
#include "parse.h"
#include "stats.h"
#include "winstats.h"

static const char compare_usage[] =
	"usage: spawncost compare BASE [BASE...] NEW [--threshold PCT] [--alpha A]\n"
	"                         [--inconclusive pass|fail] [--format text|markdown|json]\n"
	"                         [--strict]\n"
	"  BASE, NEW          run folders (summary.csv, windows.csv, env.txt); the last is\n"
	"                     NEW, the others BASE: several recent runs make a baseline\n"
	"                     that carries the variation between runs\n"
	"  --threshold PCT    smallest slowdown that counts, % (default 5)\n"
	"  --alpha A          significance level of the U test on windows (default 0.01)\n"
	"  --inconclusive P   what a cell the windows cannot decide does to the exit\n"
	"                     status: pass (default, with a warning) or fail\n"
	"  --format F         text (default), markdown or json, on stdout\n"
	"  --strict           a cell present in one run only is an error\n"
	"Each run's unit is the window: a cell regressed when the U test of NEW's window\n"
	"medians against BASE's gives p < A and the 95% interval of NEW/BASE (against one\n"
	"BASE run, the Hodges-Lehmann interval of the shift; against several, a bootstrap\n"
	"over runs and windows) lies above 1 + PCT/100, beyond the shift the whole run\n"
	"shares; it did not change when that interval lies within the threshold both\n"
	"ways; else it is inconclusive, and a note says why.\n"
	"Exit 0: no regression, 1: at least one (or a cell that errs in NEW only, or an\n"
	"inconclusive cell with --inconclusive fail), 2: bad input.\n";

enum compare_format { F_TEXT, F_MARKDOWN, F_JSON };	/* as formats[] in take_opt */

struct compare_opts {
	const char *dirs[COMPARE_MAX_BASES + 2];
	size_t ndirs;
	double threshold_pct, alpha;
	enum inconclusive_policy inconclusive;
	enum compare_format format;
	bool strict;
};

static int bad(const char *what, const char *why)
{
	return cmd_bad("compare", what, why);
}

/* A file that does not add up: err already names the file and line. */
static int bad_input(const char *err)
{
	fprintf(stderr, "spawncost compare: %s\n", err);
	return 2;
}

static int take_opt(int opt, const char *val, void *arg)
{
	static const char *const formats[] = { "text", "markdown", "json", NULL };
	static const char *const policies[] = { "pass", "fail", NULL };
	struct compare_opts *o = arg;
	char err[PARSE_ERR_LEN];
	int f;

	switch (opt) {
	case 't':
		if (parse_double(val, 0, 1000, &o->threshold_pct, err))
			return bad("--threshold", err);
		break;
	case 'a':
		if (parse_double(val, 0, 1, &o->alpha, err))
			return bad("--alpha", err);
		if (o->alpha == 0)
			return bad("--alpha", "must be above 0");
		break;
	case 'i':
		if (cmd_choice("compare", "--inconclusive", val, policies, &f))
			return 2;
		o->inconclusive = (enum inconclusive_policy)f;
		break;
	case 'f':
		if (cmd_choice("compare", "--format", val, formats, &f))
			return 2;
		o->format = (enum compare_format)f;
		break;
	case 's':
		o->strict = true;
		break;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct compare_opts *o)
{
	static const struct option longopts[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "inconclusive", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_line cl = { .name = "compare", .usage = compare_usage,
				     .longopts = longopts, .operands = o->dirs,
				     .max_operands = COMPARE_MAX_BASES + 1 };
	int rc;

	*o = (struct compare_opts){ .threshold_pct = 5, .alpha = 0.01, .format = F_TEXT };
	if ((rc = cmd_options(argc, argv, &cl, take_opt, o)))
		return rc;
	while (o->ndirs < COMPARE_MAX_BASES + 1 && o->dirs[o->ndirs])
		o->ndirs++;
	if (o->ndirs < 2)
		return bad(o->ndirs ? "NEW" : "BASE", "missing: give two run folders or more, BASE... NEW");
	return 0;
}

/* env.txt keys that change what a spawn costs: another kernel, CPU, huge
 * page policy, speculation mitigations, or virtualisation layer. */
static bool env_key_matters(const char *k)
{
	return strcmp(k, "kernel_release") == 0 || strcmp(k, "cpu_model") == 0 ||
	       strcmp(k, "thp_enabled") == 0 || strcmp(k, "thp_defrag") == 0 ||
	       strcmp(k, "hypervisor") == 0 || strncmp(k, "vuln_", 5) == 0;
}

static int add_diff(struct comparison *c, const char *key, const char *b, const char *n)
{
	struct env_diff *d = realloc(c->diffs, (c->ndiffs + 1) * sizeof *d);

	if (!d)
		return -1;
	c->diffs = d;
	d[c->ndiffs++] = (struct env_diff){ key, b, n };
	return 0;
}

static int env_diffs(struct comparison *c, const struct rundir *b, const struct rundir *n)
{
	if (!b->has_env || !n->has_env) {
		c->env_missing = true;
		return 0;
	}
	c->machine_base = rundir_env(b, "machine_id");
	c->machine_new = rundir_env(n, "machine_id");
	c->other_machine = c->machine_base && c->machine_new &&
			   strcmp(c->machine_base, c->machine_new) != 0;
	for (size_t i = 0; i < b->env.nlines; i++) {
		const char *k = b->env.line[i].key, *bv = b->env.line[i].val;
		const char *nv = rundir_env(n, k);

		if (bv && env_key_matters(k) && (!nv || strcmp(nv, bv) != 0) &&
		    add_diff(c, k, bv, nv))
			return -1;
	}
	for (size_t i = 0; i < n->env.nlines; i++) {
		const char *k = n->env.line[i].key, *nv = n->env.line[i].val;

		if (nv && env_key_matters(k) && !rundir_env(b, k) && add_diff(c, k, NULL, nv))
			return -1;
	}
	return 0;
}

/* The medians of a cell's windows, appended to out at *n. A run made
 * before windows.csv, with no rounds in its samples, has one window: its
 * median. */
static void windows_into(const struct cell_data *c, double *out, size_t *n)
{
	if (!c->nwin) {
		out[(*n)++] = c->med.v;
		return;
	}
	for (size_t i = 0; i < c->nwin; i++)
		out[(*n)++] = c->win[i].median_us;
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
	size_t nruns;
	double *xb, *xn;
};

static double draw_ratio(void *arg, uint64_t *state)
{
	struct draw_arg *d = arg;
	size_t kb = 0, kn = 0;

	for (size_t r = 0; r < d->nruns; r++) {
		const struct cell_data *c = d->runs[boot_random(state) % d->nruns];
		for (size_t w = 0; w < nwindows(c); w++)
			d->xb[kb++] = c->nwin ? c->win[boot_random(state) % c->nwin].median_us
					      : c->med.v;
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
	if (p->u.p < alpha && p->lo > bar)
		p->verdict = V_REGRESSION;
	else if (p->u.p < alpha && p->hi < 1 / bar)
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
	if (p->verdict == V_INCONCLUSIVE && !p->why[0] && (p->lo > bar || p->hi < 1 / bar))
		snprintf(p->why, sizeof p->why,
			 "the interval clears the threshold, but the U test of %zu and %zu windows "
			 "gives p = %.2g, not below alpha", p->win_base, p->win_new, p->u.p);
	if (p->verdict == V_INCONCLUSIVE)
		p->windows_needed = windows_needed(p, bar);
}

int compare_pair(struct pair *p, size_t nbases, double threshold_pct, double alpha)
{
	struct draw_arg d = { .p = p };
	size_t nb = 0, nn = 0, cap = 0;
	double *xb = NULL, *xn = NULL;
	int rc = -1;

	for (size_t k = 0; k < nbases; k++)
		if (p->bases[k]) {
			d.runs[d.nruns++] = p->bases[k];
			cap += nwindows(p->bases[k]);
		}
	p->runs_base = d.nruns;
	xb = malloc(cap * sizeof *xb);
	xn = malloc(nwindows(p->nw) * sizeof *xn);
	d.xb = malloc(cap * nbases * sizeof *d.xb + sizeof *d.xb);
	d.xn = malloc(nwindows(p->nw) * sizeof *d.xn);
	if (!xb || !xn || !d.xb || !d.xn)
		goto out;
	p->contended_base = p->contended_new = 0;
	for (size_t r = 0; r < d.nruns; r++) {
		windows_into(d.runs[r], xb, &nb);
		for (size_t w = 0; w < d.runs[r]->nwin; w++)
			p->contended_base += d.runs[r]->win[w].contended;
	}
	windows_into(p->nw, xn, &nn);
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
	return c->regressions || c->errors ||
	       (c->inconclusive == INCONCLUSIVE_FAIL && c->inconclusives) ? 1 : 0;
}

/* Pair the cells of the first BASE with NEW's, listing those on one side
 * only, and find each pair's cell in the other BASE runs. */
static int match(struct comparison *c, const struct rundir *b, size_t nb, const struct rundir *n)
{
	c->pairs = calloc(b[0].ncells, sizeof *c->pairs);
	c->only_base = calloc(b[0].ncells, sizeof *c->only_base);
	c->only_new = calloc(n->ncells, sizeof *c->only_new);
	if (!c->pairs || !c->only_base || !c->only_new)
		return -1;
	for (size_t i = 0; i < b[0].ncells; i++) {
		const struct cell_data *found = NULL;
		for (size_t j = 0; j < n->ncells && !found; j++)
			if (cell_same(&b[0].cells[i], &n->cells[j], b[0].use_key))
				found = &n->cells[j];
		if (!found) {
			c->only_base[c->nonly_base++] = &b[0].cells[i];
			continue;
		}
		struct pair *p = &c->pairs[c->npairs++];
		*p = (struct pair){ .base = &b[0].cells[i], .nw = found };
		for (size_t k = 0; k < nb; k++)
			for (size_t j = 0; j < b[k].ncells && !p->bases[k]; j++)
				if (cell_same(&b[0].cells[i], &b[k].cells[j], b[0].use_key))
					p->bases[k] = &b[k].cells[j];
	}
	for (size_t j = 0; j < n->ncells; j++) {
		bool found = false;
		for (size_t i = 0; i < b[0].ncells && !found; i++)
			found = cell_same(&b[0].cells[i], &n->cells[j], b[0].use_key);
		if (!found)
			c->only_new[c->nonly_new++] = &n->cells[j];
	}
	return 0;
}

/* instructions_per_op of cell c, NaN when the run did not count it. */
static double instructions(const struct rundir *r, const struct cell_data *c)
{
	int col = csv_col(&r->summary, "instructions_per_op");
	bool bad = false;
	double v = col < 0 ? NAN : field_num(csv_cell(&r->summary, c->row, col), &bad);

	return bad || !(v > 0) ? NAN : v;
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

/* How far the BASE runs' own shared shifts spread: for each BASE run, the
 * median over the swept cells of its median against the pooled BASE's; the
 * largest |log| of them. NaN with fewer than two runs or cells. */
static double base_spread(const struct comparison *c)
{
	double worst = NAN, logs[4096];

	if (c->nbases < 2)
		return NAN;
	for (size_t k = 0; k < c->nbases; k++) {
		size_t n = 0;
		for (size_t i = 0; i < c->npairs && n < sizeof logs / sizeof logs[0]; i++) {
			const struct pair *p = &c->pairs[i];
			if (p->verdict < V_ERROR_NEW && !refined(p) && p->bases[k] &&
			    p->med_base_us > 0)
				logs[n++] = log(run_median(p->bases[k]) / p->med_base_us);
		}
		if (n < COMMON_MIN_CELLS)
			continue;
		double m = fabs(median_of(logs, n));
		if (isnan(worst) || m > worst)
			worst = m;
	}
	return worst;
}

/* The verdicts, once the shift the whole run shares is known: a cell is a
 * regression only when it moved past the threshold beyond that shift (and
 * an improvement likewise); a cell that only moved with the run, when the
 * run moved past the threshold, is inconclusive; a cell whose own part and
 * the run's part are both within the threshold did not change. */
static void judge_run(struct comparison *c)
{
	double bar = 1 + c->threshold_pct / 100, logs[4096];
	size_t n = 0;

	for (size_t i = 0; i < c->npairs && n < sizeof logs / sizeof logs[0]; i++) {
		const struct pair *p = &c->pairs[i];
		if (p->verdict < V_ERROR_NEW && !refined(p) && p->ratio > 0)
			logs[n++] = log(p->ratio);
	}
	c->common = 1;
	c->ncommon = 0;
	if (n >= COMMON_MIN_CELLS) {
		c->common = exp(median_of(logs, n));
		c->ncommon = n;
	}
	c->base_spread = base_spread(c);
	/* several BASE runs show how far the machine moves between runs: a
	 * NEW run that moved further, by more than the threshold, is not the
	 * machine's drift, and its cells are judged as they are */
	c->shift_kept = c->ncommon && c->nbases > 1 && isfinite(c->base_spread) &&
			fabs(log(c->common)) > c->base_spread + log(bar);
	if (c->shift_kept)
		c->common = 1;
	for (size_t i = 0; i < c->npairs; i++) {
		struct pair *p = &c->pairs[i];
		bool up = p->verdict == V_REGRESSION, down = p->verdict == V_IMPROVEMENT;

		if (p->verdict >= V_ERROR_NEW)
			continue;
		/* moved with the run, and the run moved less than the threshold:
		 * neither the run's part nor the cell's own part is a change */
		if (p->verdict == V_INCONCLUSIVE && !p->why[0] && !refined(p) && c->ncommon &&
		    c->common <= bar && c->common >= 1 / bar && p->lo / c->common >= 1 / bar &&
		    p->hi / c->common <= bar) {
			p->verdict = V_SAME;
			p->windows_needed = NAN;
			continue;
		}
		if (p->verdict == V_INCONCLUSIVE && !p->why[0] && c->ncommon &&
		    (c->common > bar || c->common < 1 / bar)) {
			snprintf(p->why, sizeof p->why, "the whole run moved by %+.1f%% (median of %zu "
				 "cells): more windows do not tell the machine from a change; more BASE "
				 "runs do", (c->common - 1) * 100, c->ncommon);
			p->windows_needed = INFINITY;
			continue;
		}
		if ((up || down) && refined(p)) {
			p->verdict = V_INCONCLUSIVE;
			snprintf(p->why, sizeof p->why, "a refined size: its windows were taken back to "
				 "back by --refine, not spread over the run");
		} else if ((up && !(p->lo > bar * fmax(1, c->common))) ||
			   (down && !(p->hi < fmin(1, c->common) / bar))) {
			p->verdict = V_INCONCLUSIVE;
			snprintf(p->why, sizeof p->why, "the whole run moved by %+.1f%% (median of %zu "
				 "cells): the machine, or a change to every cell; more BASE runs tell",
				 (c->common - 1) * 100, c->ncommon);
		}
	}
}

static int decide(struct comparison *c, const struct rundir *b, const struct rundir *n)
{
	double logsum = 0, bar = 1 + c->threshold_pct / 100;

	for (size_t i = 0; i < c->npairs; i++) {
		struct pair *p = &c->pairs[i];
		bool eb, en = p->nw->error[0];

		/* a BASE run whose cell erred is left out of that cell; the
		 * cell is an error in BASE only when no BASE run measured it */
		eb = true;
		for (size_t k = 0; k < c->nbases; k++)
			if (p->bases[k] && p->bases[k]->error[0]) {
				if (!p->base_error)
					p->base_error = p->bases[k]->error;
				p->bases[k] = NULL;
			} else if (p->bases[k]) {
				eb = false;
			}
		if (eb || en) {
			p->verdict = eb && en ? V_ERROR_BOTH : en ? V_ERROR_NEW : V_ERROR_BASE;
			c->errors += p->verdict == V_ERROR_NEW;
			continue;
		}
		if (compare_pair(p, c->nbases, c->threshold_pct, c->alpha))
			return -1;
		/* the drift-free witness, where the machine counts instructions */
		p->instr_ratio = instructions(n, p->nw) / instructions(&b[0], p->base);
		if (isfinite(p->instr_ratio) && p->verdict != V_SAME && p->verdict != V_INCONCLUSIVE &&
		    p->instr_ratio < bar && p->instr_ratio > 1 / bar)
			snprintf(p->why, sizeof p->why, "instructions per op did not move: the "
				 "time's change may be the machine's");
		logsum += log(p->ratio);
		c->ngeo++;
	}
	c->geomean = c->ngeo ? exp(logsum / (double)c->ngeo) : NAN;
	judge_run(c);
	for (size_t i = 0; i < c->npairs; i++) {
		const struct pair *p = &c->pairs[i];
		c->regressions += p->verdict == V_REGRESSION;
		c->improvements += p->verdict == V_IMPROVEMENT;
		c->same += p->verdict == V_SAME;
		c->inconclusives += p->verdict == V_INCONCLUSIVE;
	}
	return 0;
}

static void free_comparison(struct comparison *c)
{
	free(c->diffs);
	free(c->pairs);
	free(c->only_base);
	free(c->only_new);
}

/* Load the runs and agree on the keys: variant and ballast count only where
 * every run has the column. A run without windows.csv gets its windows from
 * samples.csv's rounds, where it has them. */
static int load(const struct compare_opts *o, struct rundir *runs)
{
	char err[RUNDIR_ERR_LEN];
	bool use[NKEYS];

	for (size_t i = 0; i < o->ndirs; i++)
		if (rundir_open(&runs[i], o->dirs[i], FOR_GATE, err))
			return bad_input(err);
	for (int k = 0; k < NKEYS; k++) {
		use[k] = true;
		for (size_t i = 0; i < o->ndirs; i++)
			use[k] = use[k] && runs[i].has_key[k];
	}
	for (size_t i = 0; i < o->ndirs; i++) {
		if (rundir_index(&runs[i], use, err))
			return bad_input(err);
		if (!runs[i].has_windows && rundir_samples(&runs[i], err))
			return bad_input(err);
	}
	return 0;
}

static int refuse_one_sided(const struct comparison *c, bool strict)
{
	const struct cell_data *first = c->nonly_base ? c->only_base[0] :
					c->nonly_new ? c->only_new[0] : NULL;
	char why[512];

	if (c->npairs == 0) {
		snprintf(why, sizeof why, "the runs have no cell in common (BASE has %s, NEW %s)",
			 c->only_base[0]->name, c->only_new[0]->name);
		return bad_input(why);
	}
	if (strict && first) {
		snprintf(why, sizeof why, "cells on one side only (--strict): %zu only in BASE, %zu only in NEW, the first %s",
			 c->nonly_base, c->nonly_new, first->name);
		return bad_input(why);
	}
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_opts o;
	struct rundir runs[COMPARE_MAX_BASES + 1];
	struct comparison c = { 0 };
	size_t nb;
	int rc = parse_opts(argc, argv, &o);

	if (rc)
		return rc == 1 ? 0 : rc;
	memset(runs, 0, sizeof runs);
	nb = o.ndirs - 1;
	if ((rc = load(&o, runs)))
		goto out;
	c = (struct comparison){ .base_dir = o.dirs[0], .new_dir = o.dirs[nb], .nbases = nb,
				 .threshold_pct = o.threshold_pct, .alpha = o.alpha,
				 .inconclusive = o.inconclusive, .use_key = runs[0].use_key };
	rc = 2;
	if (match(&c, runs, nb, &runs[nb]) || env_diffs(&c, &runs[0], &runs[nb])) {
		bad_input("out of memory");
		goto out;
	}
	if ((rc = refuse_one_sided(&c, o.strict)))
		goto out;
	rc = 2;
	if (decide(&c, runs, &runs[nb])) {
		bad_input("out of memory");
		goto out;
	}
	if (o.format == F_JSON) {
		if (report_json(stdout, &c)) {
			bad_input("out of memory");
			goto out;
		}
	} else if (o.format == F_MARKDOWN) {
		report_markdown(stdout, &c);
	} else {
		report_text(stdout, &c);
	}
	rc = comparison_status(&c);
out:
	free_comparison(&c);
	for (size_t i = 0; i < o.ndirs; i++)
		rundir_free(&runs[i]);
	return rc;
}
