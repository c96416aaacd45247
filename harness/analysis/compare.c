/* `spawncost compare`: load the runs, match their cells, hand each pair to
 * the gate's decision (harness/analysis/gate.c, which says how it decides),
 * and print (compare_report.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "compare.h"
#include "parse.h"

static const char compare_usage[] =
	"usage: spawncost compare BASE [BASE...] NEW [--threshold PCT] [--alpha A]\n"
	"                         [--inconclusive pass|fail] [--format text|markdown|json]\n"
	"                         [--strict] [--allow-missing] [--ignore KEY[,...]]\n"
	"  BASE, NEW          run folders (summary.csv, windows.csv, env.txt); the last is\n"
	"                     NEW, the others BASE: several recent runs make a baseline\n"
	"                     that carries the variation between runs\n"
	"  --threshold PCT    smallest slowdown that counts, % (default 5)\n"
	"  --alpha A          the chance that identical runs fail the gate: the U test\n"
	"                     and the test past the threshold, both over all the cells\n"
	"                     (default 0.01)\n"
	"  --inconclusive P   what a cell the windows cannot decide does to the exit\n"
	"                     status: pass (default, with a warning) or fail\n"
	"  --format F         text (default), markdown or json, on stdout\n"
	"  --strict           a cell present in one run only is an error\n"
	"  --allow-missing    let NEW pass when it is incomplete (env.txt complete=no) or\n"
	"                     lacks cells BASE has; else that fails the gate\n"
	"  --ignore KEYS      match cells leaving out these keys of theirs (repeatable,\n"
	"                     or a comma list): compare two runs that differ in one\n"
	"                     knob, e.g. --ignore thp for THP off against on; keys:\n"
	"                     target, rss_mib, thp, pin, variant, ballast, vmas, fds,\n"
	"                     threads, parallel, spawners\n"
	"Each run's unit is the window: a cell regressed when the U test of NEW's window\n"
	"medians against BASE's gives p < A and the 95% interval of NEW/BASE (against one\n"
	"BASE run, the Hodges-Lehmann interval of the shift; against several, a bootstrap\n"
	"over runs and windows, widened by how far cells moved between the runs on\n"
	"their own) lies above 1 + PCT/100, beyond the shift the whole run shares, by\n"
	"p < A over the cells; it did not change when that interval lies within the\n"
	"threshold both ways; else it is inconclusive, and a note says why. With several\n"
	"BASE runs, NEW's shift as a whole is kept, its cells judged as measured, when it\n"
	"lies past the threshold beyond where their levels put a next run (Student's t,\n"
	"p < A) and its instructions per op, where both runs counted them, moved past\n"
	"the threshold with it; else a host that turned slow could be the cause.\n"
	"Exit 0: no regression, 1: at least one (or a cell that errs in NEW only, NEW\n"
	"incomplete or lacking cells of BASE, or an inconclusive cell with --inconclusive\n"
	"fail), 2: bad input.\n";

enum compare_format { F_TEXT, F_MARKDOWN, F_JSON };	/* as formats[] in take_opt */

struct compare_opts {
	const char *dirs[COMPARE_MAX_BASES + 2];
	size_t ndirs;
	double threshold_pct, alpha;
	enum inconclusive_policy inconclusive;
	enum compare_format format;
	bool strict, allow_missing;
	bool ignore[NKEYS];	/* --ignore: keys left out of matching */
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
	case 'm':
		o->allow_missing = true;
		break;
	case 'g':
		return compare_ignore_parse(val, o->ignore);
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
		{ "allow-missing", no_argument, NULL, 'm' },
		{ "ignore", required_argument, NULL, 'g' },
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
	double v = col < 0 ? NAN : field_num(csv_cell(&r->summary, c->row, col), FIELD_FIGURE, &bad);

	return bad || !(v > 0) ? NAN : v;
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
		}
	}
	if (compare_base_levels(c))
		return -1;
	for (size_t i = 0; i < c->npairs; i++) {
		struct pair *p = &c->pairs[i];

		if (p->verdict >= V_ERROR_NEW)
			continue;
		if (compare_pair(p, c->base_level, c->nbases, c->threshold_pct, c->alpha))
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
	compare_judge_run(c);
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
	free(c->missing);
}

/* Load the runs and agree on the keys: variant and ballast count only where
 * every run has the column, and none that --ignore names. A run without
 * windows.csv gets its windows from samples.csv's rounds, where it has them,
 * else each cell's median is its one window (rundir_gate_windows). */
static int load(const struct compare_opts *o, struct rundir *runs)
{
	char err[RUNDIR_ERR_LEN], why[RUNDIR_ERR_LEN + 256];
	bool use[NKEYS];

	for (size_t i = 0; i < o->ndirs; i++)
		if (rundir_open(&runs[i], o->dirs[i], FOR_GATE, err))
			return bad_input(err);
	for (int k = 0; k < NKEYS; k++) {
		use[k] = !o->ignore[k];
		for (size_t i = 0; i < o->ndirs; i++)
			use[k] = use[k] && runs[i].has_key[k];
	}
	if (runs_mixed_emulation(runs, o->ndirs, why, sizeof why))
		return bad_input(why);
	for (size_t i = 0; i < o->ndirs; i++) {
		if (rundir_index(&runs[i], use, err))
			return bad_input(compare_ignore_why(o->ignore, err, why, sizeof why));
		if (rundir_gate_windows(&runs[i], err))
			return bad_input(err);
	}
	return 0;
}

static int refuse_one_sided(const struct comparison *c, const struct rundir *b,
			    const struct rundir *n, bool strict)
{
	const struct cell_data *first = c->nonly_base ? c->only_base[0] :
					c->nonly_new ? c->only_new[0] : NULL;
	char why[1024], hint[512];

	if (c->npairs == 0) {
		snprintf(why, sizeof why, "the runs have no cell in common (BASE has %s, NEW %s)%s",
			 c->only_base[0]->name, c->only_new[0]->name,
			 compare_suggest_ignore(b, n, hint, sizeof hint));
		return bad_input(why);
	}
	if (strict && first) {
		snprintf(why, sizeof why, "cells on one side only (--strict): %zu only in BASE, %zu only in NEW, the first %s",
			 c->nonly_base, c->nonly_new, first->name);
		return bad_input(why);
	}
	return 0;
}

/* The comparison on stdout in the format asked for: 0, or 2 after one line
 * on stderr. */
static int write_report(const struct comparison *c, enum compare_format format)
{
	int rc;

	if (format == F_MARKDOWN) {
		report_markdown(stdout, c);
	} else if (format != F_JSON) {
		report_text(stdout, c);
	} else if ((rc = report_json(stdout, c))) {
		bad_input(rc == -1 ? "out of memory: nothing was written" : "cannot write the output");
		return 2;
	}
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_opts o;
	struct rundir runs[COMPARE_MAX_BASES + 1];
	struct comparison c = { 0 };
	char why[1024];
	size_t nb;
	int rc = parse_opts(argc, argv, &o);

	if (rc)
		return rc == 1 ? 0 : rc;
	memset(runs, 0, sizeof runs);
	nb = o.ndirs - 1;
	if ((rc = load(&o, runs)))
		goto out;
	c = (struct comparison){ .base_dir = o.dirs[0], .new_dir = o.dirs[nb], .nbases = nb,
				 .dirs = o.dirs, .threshold_pct = o.threshold_pct, .alpha = o.alpha,
				 .inconclusive = o.inconclusive, .use_key = runs[0].use_key,
				 .emulated = run_emulated(&runs[0]) };
	rc = 2;
	if (match(&c, runs, nb, &runs[nb]) || env_diffs(&c, &runs[0], &runs[nb]) ||
	    compare_whole(&c, runs, nb, &runs[nb], o.allow_missing)) {
		bad_input("out of memory");
		goto out;
	}
	compare_runs(&c, runs, o.ndirs, o.ignore);
	if ((rc = refuse_one_sided(&c, &runs[0], &runs[nb], o.strict)))
		goto out;
	for (size_t i = 0; i < o.ndirs; i++)
		if (runs[i].bare)
			fprintf(stderr, "spawncost compare: note: %s keeps neither windows.csv nor "
					"samples.csv: each of its cells has one window, its median, "
					"and no interval; they are inconclusive\n", runs[i].dir);
	rc = 2;
	if (decide(&c, runs, &runs[nb])) {
		bad_input("out of memory");
		goto out;
	}
	if ((rc = write_report(&c, o.format)))
		goto out;
	rc = comparison_status(&c);
	/* why the gate fails when no cell says so, for whoever reads the log */
	if (c.partial && !c.allow_missing)
		fprintf(stderr, "spawncost compare: %s: the gate fails (--allow-missing lets it "
				"pass)\n", compare_partial_text(&c, why, sizeof why));
out:
	free_comparison(&c);
	for (size_t i = 0; i < o.ndirs; i++)
		rundir_free(&runs[i]);
	return rc;
}
