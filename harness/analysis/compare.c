/* `spawncost compare`: match the cells of two runs, test each pair, decide.
 *
 * A cell regressed when both hold:
 *   - the Mann–Whitney U test on its samples says the two differ, p < alpha;
 *   - the 95% bootstrap interval of median(NEW)/median(BASE) lies wholly
 *     above 1 + threshold.
 * The test alone flags a 0.5% drift once cells hold thousands of samples;
 * the threshold alone cries wolf on a noisy cell. Improvements are the
 * mirror image, with 1/(1 + threshold) as the bar so that swapping BASE and
 * NEW swaps the verdicts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "compare.h"
#include "parse.h"
#include "ratioci.h"

static const char compare_usage[] =
	"usage: spawncost compare BASE NEW [--threshold PCT] [--alpha A]\n"
	"                         [--format text|markdown|json] [--strict]\n"
	"  BASE, NEW          run folders (summary.csv, samples.csv, env.txt)\n"
	"  --threshold PCT    smallest slowdown that counts, % (default 5)\n"
	"  --alpha A          significance level of the U test (default 0.01)\n"
	"  --format F         text (default), markdown or json, on stdout\n"
	"  --strict           a cell present in one run only is an error\n"
	"A cell regressed when p < A and the 95% interval of the ratio of medians\n"
	"NEW/BASE lies above 1 + PCT/100. Exit 0: no regression, 1: at least one\n"
	"(or a cell that errs in NEW only), 2: bad input.\n";

enum compare_format { F_TEXT, F_MARKDOWN, F_JSON };	/* as formats[] in take_opt */

struct compare_opts {
	const char *base, *nw;
	double threshold_pct, alpha;
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
		{ "format", required_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dirs[2] = { NULL, NULL };
	const struct cmd_line cl = { .name = "compare", .usage = compare_usage,
				     .longopts = longopts, .operands = dirs, .max_operands = 2 };
	int rc;

	*o = (struct compare_opts){ .threshold_pct = 5, .alpha = 0.01, .format = F_TEXT };
	if ((rc = cmd_options(argc, argv, &cl, take_opt, o)))
		return rc;
	o->base = dirs[0];
	o->nw = dirs[1];
	if (!o->nw)
		return bad(o->base ? "NEW" : "BASE", "missing: give two run folders, BASE NEW");
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

/* A cell's samples as doubles, every k-th when past the cap. */
static double *samples_of(const struct cell_data *cl, size_t *used)
{
	size_t step = (cl->n + COMPARE_MAX_SAMPLES - 1) / COMPARE_MAX_SAMPLES;
	double *x = malloc((cl->n / step + 1) * sizeof *x);

	*used = 0;
	if (!x)
		return NULL;
	for (size_t i = 0; i < cl->n; i += step)
		x[(*used)++] = (double)cl->ns[i];
	return x;
}

static int test_pair(struct pair *p, double threshold_pct, double alpha)
{
	double *b = samples_of(p->base, &p->used_base), *n = samples_of(p->nw, &p->used_new);
	double bar = 1 + threshold_pct / 100;
	int rc = -1;

	if (!b || !n || mwu_test(n, p->used_new, b, p->used_base, &p->u))
		goto out;
	/* mwu_test sorted both, as ratio_ci needs. */
	p->med_base_us = median_sorted(b, p->used_base) / 1000;
	p->med_new_us = median_sorted(n, p->used_new) / 1000;
	p->ratio = p->med_new_us / p->med_base_us;
	if (ratio_ci(b, p->used_base, n, p->used_new, 0.95, &p->lo, &p->hi))
		goto out;
	if (p->u.p < alpha && p->lo > bar)
		p->verdict = V_REGRESSION;
	else if (p->u.p < alpha && p->hi < 1 / bar)
		p->verdict = V_IMPROVEMENT;
	else
		p->verdict = V_SAME;
	rc = 0;
out:
	free(b);
	free(n);
	return rc;
}

const char *verdict_name(enum pair_verdict v)
{
	switch (v) {
	case V_SAME: return "no change";
	case V_REGRESSION: return "regression";
	case V_IMPROVEMENT: return "improvement";
	case V_ERROR_NEW: return "error in NEW";
	case V_ERROR_BASE: return "error in BASE";
	case V_ERROR_BOTH: return "error in both";
	}
	return "?";
}

/* Pair the cells, listing those on one side only. */
static int match(struct comparison *c, const struct rundir *b, const struct rundir *n)
{
	c->pairs = calloc(b->ncells, sizeof *c->pairs);
	c->only_base = calloc(b->ncells, sizeof *c->only_base);
	c->only_new = calloc(n->ncells, sizeof *c->only_new);
	if (!c->pairs || !c->only_base || !c->only_new)
		return -1;
	for (size_t i = 0; i < b->ncells; i++) {
		const struct cell_data *found = NULL;
		for (size_t j = 0; j < n->ncells && !found; j++)
			if (cell_same(&b->cells[i], &n->cells[j], b->use_key))
				found = &n->cells[j];
		if (found)
			c->pairs[c->npairs++] = (struct pair){ .base = &b->cells[i], .nw = found };
		else
			c->only_base[c->nonly_base++] = &b->cells[i];
	}
	for (size_t j = 0; j < n->ncells; j++) {
		bool found = false;
		for (size_t i = 0; i < b->ncells && !found; i++)
			found = cell_same(&b->cells[i], &n->cells[j], b->use_key);
		if (!found)
			c->only_new[c->nonly_new++] = &n->cells[j];
	}
	return 0;
}

static int decide(struct comparison *c)
{
	double logsum = 0;

	for (size_t i = 0; i < c->npairs; i++) {
		struct pair *p = &c->pairs[i];
		bool eb = p->base->error[0], en = p->nw->error[0];

		if (eb || en) {
			p->verdict = eb && en ? V_ERROR_BOTH : en ? V_ERROR_NEW : V_ERROR_BASE;
			c->errors += p->verdict == V_ERROR_NEW;
			continue;
		}
		if (test_pair(p, c->threshold_pct, c->alpha))
			return -1;
		c->regressions += p->verdict == V_REGRESSION;
		c->improvements += p->verdict == V_IMPROVEMENT;
		c->same += p->verdict == V_SAME;
		logsum += log(p->ratio);
		c->ngeo++;
	}
	c->geomean = c->ngeo ? exp(logsum / (double)c->ngeo) : NAN;
	return 0;
}

static void free_comparison(struct comparison *c)
{
	free(c->diffs);
	free(c->pairs);
	free(c->only_base);
	free(c->only_new);
}

/* Load both runs and agree on the keys: variant and ballast count only
 * where both runs have the column. */
static int load(const struct compare_opts *o, struct rundir *b, struct rundir *n)
{
	char err[RUNDIR_ERR_LEN];
	bool use[NKEYS];

	if (rundir_open(b, o->base, FOR_GATE, err))
		return bad_input(err);
	if (rundir_open(n, o->nw, FOR_GATE, err))
		return bad_input(err);
	for (int k = 0; k < NKEYS; k++)
		use[k] = b->has_key[k] && n->has_key[k];
	if (rundir_index(b, use, err))
		return bad_input(err);
	if (rundir_index(n, use, err))
		return bad_input(err);
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
	struct rundir b = { 0 }, n = { 0 };
	struct comparison c = { 0 };
	char err[RUNDIR_ERR_LEN];
	int rc = parse_opts(argc, argv, &o);

	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = load(&o, &b, &n)))
		goto out;
	c = (struct comparison){ .base_dir = o.base, .new_dir = o.nw,
				 .threshold_pct = o.threshold_pct, .alpha = o.alpha,
				 .use_key = b.use_key };
	rc = 2;
	if (match(&c, &b, &n) || env_diffs(&c, &b, &n)) {
		bad_input("out of memory");
		goto out;
	}
	if ((rc = refuse_one_sided(&c, o.strict)))
		goto out;
	rc = 2;
	if (rundir_samples(&b, err)) {
		bad_input(err);
		goto out;
	}
	if (rundir_samples(&n, err)) {
		bad_input(err);
		goto out;
	}
	if (decide(&c)) {
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
	rc = c.regressions || c.errors ? 1 : 0;
out:
	free_comparison(&c);
	rundir_free(&b);
	rundir_free(&n);
	return rc;
}
