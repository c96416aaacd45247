/* `spawncost export DIR --format F`: a run folder in the formats benchmark
 * trackers read, on stdout.
 *
 *   gbench                   Google Benchmark's JSON reporter output as
 *                            --benchmark_repetitions=W writes it: a context
 *                            block, one "iteration" entry per window (its
 *                            median, repetition_index 0..W-1), and mean/
 *                            median/stddev/cv "aggregate" entries over the
 *                            windows' medians, so that tools/compare.py runs
 *                            its U test on windows, the unit of replication.
 *   github-action-benchmark  the customSmallerIsBetter list: name, unit, value
 *                            (the median), range (its 95% interval, ci_lo..
 *                            ci_hi), extra (n, windows, p10, p90, mean, run,
 *                            machine, and for an emulated run EMULATED_NOTE).
 *   bencher                  Bencher Metric Format: name -> {"latency":
 *                            {value, lower_value, upper_value}} = median and
 *                            its 95% interval, in nanoseconds, the unit of
 *                            Bencher's built-in latency measure.
 *
 * The interval is summary.csv's: the distribution-free one of the windows'
 * medians (winstats.h), which holds less than 95% below 6 windows, and the
 * range then says how much. p10..p90 is the spread of single round trips,
 * not the uncertainty of the median, and a tracker draws either as the
 * same band, so it is no stand-in for an interval that does not exist.
 *
 * A run made before windows.csv gets its windows from samples.csv's round
 * column. A run with neither gives gbench one repetition per cell, the
 * cell's median, and no aggregates: Google Benchmark writes none of a single
 * repetition, and a stddev of 0 would claim a certainty nobody measured.
 *
 * Cell names are fork-exec/rss_mib:64/thp:off/pin:none. Cells that ended in
 * an error are error entries in gbench and left out of the other two, with a
 * note on stderr.
 *
 * github-action-benchmark and bencher also carry the claims: each claim
 * ratio at each swept size as a series of its own (ratios.h), named
 * "ratio fork-exit/vfork-exit at 0 MiB" in every run, so that a tracker
 * charts it over time. Its value is the median of the per-round ratios and
 * its interval theirs (paired.h); unit "x" in github-action-benchmark, the
 * measure "ratio" in Bencher (which creates a measure it does not know).
 * Refined sizes are left out: they differ from run to run.
 *
 * Which machine measured goes with the figures: gbench's context carries
 * every env.txt fact, machine_id among them, and github-action-benchmark's
 * extra says "machine: <machine_id>". Bencher keeps the machine apart from
 * the figures, as the report's testbed, which `bencher run --testbed` sets
 * and a BMF file cannot: give it the run's machine_id (README, "Many
 * machines"), so that Bencher's thresholds compare a machine only with
 * itself. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmdline.h"
#include "export.h"
#include "jsontext.h"
#include "parse.h"
#include "ratios.h"
#include "results.h"
#include "rundir.h"
#include "stats.h"
#include "winstats.h"

static const char export_usage[] =
	"usage: spawncost export DIR --format gbench|github-action-benchmark|bencher\n"
	"  DIR        a run folder (summary.csv; for gbench windows.csv, or\n"
	"             samples.csv in a run made before windows.csv)\n"
	"  --format   gbench: Google Benchmark JSON, one repetition per window\n"
	"                     (its median) and the mean/median/stddev/cv\n"
	"                     aggregates over them (time_unit us)\n"
	"             github-action-benchmark: its customSmallerIsBetter list,\n"
	"                     value = median in us, range its 95% interval\n"
	"             bencher: Bencher Metric Format, latency in ns (median,\n"
	"                     its 95% interval as lower_value..upper_value)\n"
	"  github-action-benchmark and bencher add each claim ratio at each swept\n"
	"  size as a series: \"ratio fork-exit/vfork-exit at 0 MiB\" (unit x; in\n"
	"  Bencher the measure ratio), the median of the per-round ratios.\n"
	"  A cell of one window has no interval: its range or bounds are left out.\n";

enum export_format { F_GBENCH, F_GAB, F_BENCHER, F_NONE };	/* as formats[] */

/* Reals with 10 significant digits: 164.889, not 164.88900000000001. */
#define JSON_FLAGS (JSON_REAL_PRECISION(10))

static const char *const formats[] = { "gbench", "github-action-benchmark", "bencher", NULL };

struct export_opts {
	const char *dir;
	enum export_format fmt;
};

/* --format, the one option. */
static int take_opt(int opt, const char *val, void *arg)
{
	struct export_opts *o = arg;
	int f;

	if (cmd_choice("export", "--format", val, formats, &f))
		return 2;
	o->fmt = (enum export_format)f;
	return 0;
}

static int parse_opts(int argc, char **argv, struct export_opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_line cl = { .name = "export", .usage = export_usage,
				     .longopts = longopts, .operands = &o->dir, .max_operands = 1 };
	int rc;

	*o = (struct export_opts){ .fmt = F_NONE };
	if ((rc = cmd_options(argc, argv, &cl, take_opt, o)))
		return rc;
	if (!o->dir)
		return cmd_bad("export", "DIR", "missing: give a run folder");
	if (o->fmt == F_NONE)
		return cmd_bad("export", "--format",
			       "missing: gbench, github-action-benchmark or bencher");
	return 0;
}

/* When the run started, ISO 8601 (run_started: its run id's UTC stamp,
 * else summary.csv's modification time). */
static void run_date(const struct rundir *r, char *buf, size_t len)
{
	time_t t;

	run_started(r, &t);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S+00:00", gmtime(&t));
}

/* The context block: what Google Benchmark writes, then env.txt's facts
 * as extra string keys (as --benchmark_context=k=v would add them). The
 * run does not record a clock rate or frequency scaling: mhz_per_cpu is 0
 * and cpu_scaling_enabled false, there only because readers expect them. */
static json_t *gbench_context(const struct rundir *r)
{
	const char *cpus = rundir_env(r, "cpu_count"), *host = rundir_env(r, "host");
	int hcol = csv_col(&r->summary, "host");
	char date[64], perr[PARSE_ERR_LEN];
	uint64_t ncpu = 0;
	json_t *ctx;

	run_date(r, date, sizeof date);
	if (cpus)
		parse_u64(cpus, 0, 1 << 20, &ncpu, perr);
	ctx = json_pack("{s:s, s:o, s:s, s:I, s:i, s:b, s:[], s:[], s:s, s:i}", "date", date,
			"host_name", json_text(host ? host : hcol >= 0 ? csv_cell(&r->summary, 0, hcol)
							    : ""), "executable", "spawncost",
			"num_cpus", (json_int_t)ncpu, "mhz_per_cpu", 0, "cpu_scaling_enabled", 0,
			"caches", "load_avg", "library_build_type", "release",
			"json_schema_version", 1);
	for (size_t i = 0; ctx && i < r->env.nlines; i++) {
		const struct env_line *l = &r->env.line[i];
		char *key = l->val ? utf8_text(l->key) : NULL;
		bool bad = l->val && (!key || (!json_object_get(ctx, key) &&
					       json_object_set_new(ctx, key, json_text(l->val))));

		free(key);
		if (bad) {
			json_decref(ctx);
			return NULL;
		}
	}
	return ctx;
}

/* gbench's document as it is made, in memory: written out only whole. */
struct doc {
	FILE *f;
	bool first;	/* no benchmark entry yet */
	const char *summary_path;	/* for a message */
};

/* A figure a double cannot hold once scaled or summed is no figure: said,
 * and nothing is written. Returns 2, the status. */
static int too_large(const char *summary_path, const struct cell_data *c, const char *unit)
{
	fprintf(stderr, "spawncost export: %s: %s: its figures are too large to export in %s\n",
		summary_path, c->name, unit);
	return 2;
}

/* One benchmark entry, compact, preceded by the separator. */
static int emit(json_t *o, struct doc *d)
{
	int rc;

	if (!o)
		return -1;
	fputs(d->first ? "\n    " : ",\n    ", d->f);
	d->first = false;
	rc = json_dumpf(o, d->f, JSON_COMPACT | JSON_FLAGS);
	json_decref(o);
	return rc;
}

/* One repetition: a window's median, or the cell's when it has none. */
static int gbench_rep(const struct cell_data *c, json_int_t fam, json_int_t inst, size_t k,
		      size_t reps, json_int_t iters, double us, struct doc *d)
{
	/* We time wall-clock round trips only: cpu_time repeats real_time. */
	return emit(json_pack("{s:o, s:I, s:I, s:o, s:s, s:I, s:I, s:i, s:I, s:f, s:f, s:s}",
			      "name", json_text(c->name), "family_index", fam,
			      "per_family_instance_index", inst, "run_name", json_text(c->name),
			      "run_type", "iteration", "repetitions", (json_int_t)reps,
			      "repetition_index", (json_int_t)k, "threads", 1, "iterations",
			      iters, "real_time", us, "cpu_time", us, "time_unit", "us"), d);
}

/* Google Benchmark's statistics of its repetitions, over n >= 2 windows'
 * medians: mean, median, stddev (n - 1) and cv, a fraction. */
static int window_stats(const struct cell_data *c, double agg[4])
{
	size_t n = c->nwin;
	double *x = malloc(n * sizeof *x), sum = 0, sq = 0;

	if (!x)
		return -1;
	for (size_t k = 0; k < n; k++)
		sum += x[k] = c->win[k].median_us;
	agg[0] = sum / (double)n;
	for (size_t k = 0; k < n; k++)
		sq += (x[k] - agg[0]) * (x[k] - agg[0]);
	sort_doubles(x, n);
	agg[1] = quantile_sorted_d(x, n, 0.5);
	agg[2] = sqrt(sq / (double)(n - 1));
	agg[3] = agg[0] > 0 ? agg[2] / agg[0] : 0;
	free(x);
	return 0;
}

static int gbench_aggregates(const struct cell_data *c, json_int_t fam, json_int_t inst,
			     struct doc *d)
{
	static const char *const aggs[] = { "mean", "median", "stddev", "cv" };
	json_int_t reps = (json_int_t)c->nwin;
	double agg[4];
	char name[8192];

	if (window_stats(c, agg))
		return -1;
	for (size_t a = 0; a < 4; a++)
		if (!isfinite(agg[a]))
			return too_large(d->summary_path, c, "us");
	for (size_t a = 0; a < 4; a++) {
		snprintf(name, sizeof name, "%s_%s", c->name, aggs[a]);
		/* iterations: the repetitions they are over, as Google Benchmark says */
		if (emit(json_pack("{s:o, s:I, s:I, s:o, s:s, s:I, s:i, s:s, s:s, s:I, s:f, s:f, "
				   "s:s}", "name", json_text(name), "family_index", fam,
				   "per_family_instance_index", inst, "run_name", json_text(c->name),
				   "run_type", "aggregate", "repetitions", reps,
				   "threads", 1, "aggregate_name", aggs[a], "aggregate_unit",
				   a == 3 ? "percentage" : "time", "iterations", reps,
				   "real_time", agg[a], "cpu_time", agg[a], "time_unit", "us"), d))
			return -1;
	}
	return 0;
}

static int gbench_cell(const struct cell_data *c, size_t family, size_t instance, struct doc *d)
{
	json_int_t fam = (json_int_t)family, inst = (json_int_t)instance;

	if (c->error[0])
		return emit(json_pack("{s:o, s:I, s:I, s:o, s:s, s:i, s:i, s:i, s:b, s:o, s:i, "
				      "s:f, s:f, s:s}", "name", json_text(c->name), "family_index", fam,
				      "per_family_instance_index", inst, "run_name", json_text(c->name),
				      "run_type", "iteration", "repetitions", 0,
				      "repetition_index", 0, "threads", 1, "error_occurred", 1,
				      "error_message", json_text(c->error), "iterations", 0, "real_time",
				      0.0, "cpu_time", 0.0, "time_unit", "us"), d);
	if (!c->nwin)
		return gbench_rep(c, fam, inst, 0, 1, (json_int_t)c->iterations, c->med.v, d);
	for (size_t k = 0; k < c->nwin; k++)
		if (gbench_rep(c, fam, inst, k, c->nwin, (json_int_t)c->win[k].iterations,
			       c->win[k].median_us, d))
			return -1;
	/* Google Benchmark writes no aggregates of a single repetition */
	return c->nwin < 2 ? 0 : gbench_aggregates(c, fam, inst, d);
}

/* Say once that a run without windows gives one repetition per cell. */
static void note_no_windows(const struct rundir *r)
{
	size_t without = 0, measured = 0;

	for (size_t i = 0; i < r->ncells; i++)
		if (!r->cells[i].error[0]) {
			measured++;
			without += !r->cells[i].nwin;
		}
	if (without && without == measured)
		fprintf(stderr, "spawncost export: note: %s has no windows%s: one repetition per "
				"cell\n", r->dir,
			r->bare ? " (it keeps neither windows.csv nor samples.csv)" : "");
	else if (without)
		fprintf(stderr, "spawncost export: note: %zu cells of %s have no windows: one "
				"repetition each\n", without, r->dir);
}

/* Google Benchmark's families are functions and their instances argument
 * sets: here a family is a method, its instances its cells in file order. */
static void families(const struct rundir *r, size_t *fam, size_t *inst)
{
	size_t nfam = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		size_t j = i;
		while (j-- > 0)
			if (strcmp(r->cells[j].key[KEY_METHOD], r->cells[i].key[KEY_METHOD]) == 0)
				break;
		if (j < i) {
			fam[i] = fam[j];
			inst[i] = inst[j] + 1;
		} else {
			fam[i] = nfam++;
			inst[i] = 0;
		}
	}
}

/* Written entry by entry (the samples of a big run would be a large tree
 * in jansson), into memory, and to stdout only when whole: a reader gets
 * the document or nothing. */
static int export_gbench(const struct rundir *r)
{
	size_t *fam = calloc(r->ncells, sizeof *fam), *inst = calloc(r->ncells, sizeof *inst);
	json_t *ctx = gbench_context(r);
	char *buf = NULL;
	size_t len = 0;
	struct doc d = { .f = open_memstream(&buf, &len), .first = true,
			 .summary_path = r->summary_path };
	int rc = -1;

	if (!fam || !inst || !ctx || !d.f)
		goto out;
	families(r, fam, inst);
	note_no_windows(r);
	fputs("{\n  \"context\": ", d.f);
	if (json_dumpf(ctx, d.f, JSON_INDENT(4) | JSON_FLAGS))
		goto out;
	fputs(",\n  \"benchmarks\": [", d.f);
	for (size_t i = 0; i < r->ncells; i++)
		if ((rc = gbench_cell(&r->cells[i], fam[i], inst[i], &d)))
			goto out;
	rc = -1;
	fputs("\n  ]\n}\n", d.f);
	if (fclose(d.f) == 0)
		rc = write_whole(stdout, buf, len) ? -2 : 0;
	d.f = NULL;
out:
	if (d.f)
		fclose(d.f);
	free(buf);
	free(fam);
	free(inst);
	json_decref(ctx);
	return rc;
}

static void skipped(const struct cell_data *c)
{
	fprintf(stderr, "spawncost export: note: left out %s, which ended in an error: %s\n",
		c->name, c->error);
}

/* Whether the cell has an interval: one window has none (summary.csv's
 * bounds are then its median, twice), and a tracker would draw that as a
 * certainty. Its range or bounds are then left out rather than replaced by
 * p10..p90, a spread of single round trips drawn as the same band. */
static bool has_interval(const struct cell_data *c)
{
	return isfinite(c->med.lo) && isfinite(c->med.hi) && c->med.lo < c->med.hi;
}

/* The interval's coverage in percent: 95, or, below 6 windows, that of
 * their range (winstats.h), which is what summary.csv then gives. */
static double interval_level(const struct cell_data *c)
{
	double w = isfinite(c->windows) ? c->windows : (double)c->nwin;

	if (w < 2 || w >= WINDOWS_FOR_95)
		return 95;
	return 100 * (1 - 2 * binom_half_cdf((size_t)w, 0));
}

static json_t *gab_entry(const struct rundir *r, const struct cell_data *c)
{
	const char *run = rundir_env(r, "run_id"), *machine = rundir_env(r, "machine_id");
	double w = isfinite(c->windows) ? c->windows : (double)c->nwin;
	char range[128], windows[32] = "", extra[720];
	json_t *e;

	snprintf(range, sizeof range, "%.3g%% CI %.3f..%.3f", interval_level(c), c->med.lo,
		 c->med.hi);
	if (w > 0)
		snprintf(windows, sizeof windows, "\nwindows: %.0f", w);
	snprintf(extra, sizeof extra,
		 "n: %.0f%s\np10: %.3f us\np90: %.3f us\nmean: %.3f us%s%.200s%s%.64s%s",
		 c->iterations, windows, c->p10, c->p90, c->mean, run ? "\nrun: " : "",
		 run ? run : "", machine ? "\nmachine: " : "", machine ? machine : "",
		 run_emulated(r) ? "\n" EMULATED_NOTE : "");
	e = json_pack("{s:o, s:s, s:f}", "name", json_text(c->name), "unit", "us", "value",
		      c->med.v);
	if (e && ((has_interval(c) && json_object_set_new(e, "range", json_string(range))) ||
		  json_object_set_new(e, "extra", json_text(extra)))) {
		json_decref(e);
		return NULL;
	}
	return e;
}

/* Bencher's latency: the median and its interval, in ns. */
static json_t *bencher_entry(const struct cell_data *c)
{
	json_t *m = json_pack("{s:f}", "value", c->med.v * 1000);

	if (m && has_interval(c) &&
	    (json_object_set_new(m, "lower_value", json_real(c->med.lo * 1000)) ||
	     json_object_set_new(m, "upper_value", json_real(c->med.hi * 1000)))) {
		json_decref(m);
		return NULL;
	}
	return m ? json_pack("{s:o}", "latency", m) : NULL;
}

/* A claim ratio's entry: github-action-benchmark's, or Bencher's "ratio"
 * measure. Its interval is that of the per-round ratios' median, left out
 * when there is none (a single round). */
static json_t *ratio_entry(const struct rundir *r, const struct claim_ratio *c,
			   enum export_format fmt)
{
	const char *run = rundir_env(r, "run_id"), *machine = rundir_env(r, "machine_id");
	const struct est *e = &c->p.r;
	bool iv = isfinite(e->lo) && isfinite(e->hi) && e->lo < e->hi;
	char range[128], extra[400];
	json_t *m;

	if (fmt == F_BENCHER) {
		m = json_pack("{s:f}", "value", e->v);
		if (m && iv && (json_object_set_new(m, "lower_value", json_real(e->lo)) ||
				json_object_set_new(m, "upper_value", json_real(e->hi)))) {
			json_decref(m);
			return NULL;
		}
		return m ? json_pack("{s:o}", "ratio", m) : NULL;
	}
	/* 95% as the cells say it (interval_level), or the less a few rounds hold */
	snprintf(range, sizeof range, "%.3g%% CI %.4f..%.4f", c->p.level >= 0.95 ? 95 : 100 * c->p.level,
		 e->lo, e->hi);
	snprintf(extra, sizeof extra, "rounds: %zu%s%.200s%s%.64s", c->p.rounds,
		 run ? "\nrun: " : "", run ? run : "", machine ? "\nmachine: " : "",
		 machine ? machine : "");
	m = json_pack("{s:o, s:s, s:f}", "name", json_text(c->name), "unit", "x", "value", e->v);
	if (m && ((iv && json_object_set_new(m, "range", json_string(range))) ||
		  json_object_set_new(m, "extra", json_text(extra)))) {
		json_decref(m);
		return NULL;
	}
	return m;
}

static int export_ratios(const struct rundir *r, enum export_format fmt, json_t *out)
{
	struct claim_ratio *cr;
	size_t n;
	int bad = 0;

	if (claim_ratios(r, &cr, &n))
		return -1;
	for (size_t i = 0; i < n && !bad; i++) {
		char *key = fmt == F_GAB ? NULL : utf8_text(cr[i].name);	/* thp is a run's text */

		bad = fmt == F_GAB ? json_array_append_new(out, ratio_entry(r, &cr[i], fmt))
				   : !key || json_object_set_new(out, key, ratio_entry(r, &cr[i], fmt));
		free(key);
	}
	free(cr);
	return bad ? -1 : 0;
}

static int export_list(const struct rundir *r, enum export_format fmt)
{
	json_t *out = fmt == F_GAB ? json_array() : json_object();
	int rc = -1;

	if (!out)
		return -1;
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell_data *c = &r->cells[i];
		char *key;
		int bad;

		if (c->error[0]) {
			skipped(c);
			continue;
		}
		/* in ns, a figure too large for a double is no figure */
		if (!isfinite(c->med.v * 1000) ||
		    (has_interval(c) && !isfinite(c->med.hi * 1000))) {
			rc = too_large(r->summary_path, c, "ns");
			goto out;
		}
		if (fmt == F_GAB) {
			bad = json_array_append_new(out, gab_entry(r, c));
		} else {
			/* a key is JSON text as much as a value */
			key = utf8_text(c->name);
			bad = !key || json_object_set_new(out, key, bencher_entry(c));
			free(key);
		}
		if (bad)
			goto out;
	}
	if (export_ratios(r, fmt, out))
		goto out;
	rc = json_write_whole(out, stdout, JSON_INDENT(2) | JSON_FLAGS);
out:
	json_decref(out);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o;
	struct rundir r;
	char err[RUNDIR_ERR_LEN];
	int rc = parse_opts(argc, argv, &o);

	if (rc)
		return rc == 1 ? 0 : rc;
	if (rundir_open(&r, o.dir, FOR_GATE, err) || rundir_index(&r, r.has_key, err) ||
	    (o.fmt == F_GBENCH && rundir_gate_windows(&r, err))) {
		fprintf(stderr, "spawncost export: %s\n", err);
		rundir_free(&r);
		return 2;
	}
	/* gbench's context carries emulated=yes with the other facts; Bencher's
	 * format has no place for it */
	if (run_emulated(&r))
		fprintf(stderr, "spawncost export: note: %s: %s\n", o.dir, EMULATED_NOTE);
	if (rundir_env(&r, "complete") && strcmp(rundir_env(&r, "complete"), "yes") != 0)
		fprintf(stderr, "spawncost export: note: %s/env.txt says complete=%s: the run did "
				"not reach its end\n", o.dir, rundir_env(&r, "complete"));
	rc = o.fmt == F_GBENCH ? export_gbench(&r) : export_list(&r, o.fmt);
	/* 2: said why; the document was made whole in memory, or not at all */
	if (rc == -1)
		fprintf(stderr, "spawncost export: out of memory: nothing was written\n");
	else if (rc == -2)
		fprintf(stderr, "spawncost export: cannot write the output\n");
	rundir_free(&r);
	return rc ? 2 : 0;
}
