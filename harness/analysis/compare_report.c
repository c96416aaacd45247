/* What compare prints: a text table, a markdown table for CI summaries and
 * pull-request comments, or JSON. All three say first when the machines
 * differ (another machine_id, then the env.txt facts that move a spawn's
 * cost), then the cells, the cells on one side only, the geometric mean and
 * the verdict. */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "jsontext.h"
#include "parse.h"

static const char *fmt_p(double p, char *buf, size_t len)
{
	if (p >= 0.001)
		snprintf(buf, len, "%.3f", p);
	else if (p > 0)
		snprintf(buf, len, "%.1e", p);
	else
		snprintf(buf, len, "<1e-300");	/* erfc underflowed */
	return buf;
}

/* The ratio's interval in fmt, or "-" where there is none (one window). */
static const char *interval(const struct pair *p, char *buf, size_t len, const char *fmt)
{
	if (isfinite(p->lo) && isfinite(p->hi))
		snprintf(buf, len, fmt, p->lo, p->hi);
	else
		snprintf(buf, len, "-");
	return buf;
}

static const char *or_absent(const char *s)
{
	return s ? s : "(absent)";
}

static size_t name_width(const struct comparison *c)
{
	size_t w = 4;

	for (size_t i = 0; i < c->npairs; i++)
		if (strlen(c->pairs[i].base->name) > w)
			w = strlen(c->pairs[i].base->name);
	return w;
}

/* What an inconclusive verdict needs, or why a verdict is what it is:
 * "about 40 windows a side would decide". */
static const char *verdict_note(const struct pair *p, char *buf, size_t len)
{
	if (p->verdict == V_INCONCLUSIVE && p->why[0])
		snprintf(buf, len, "%s", p->why);
	else if (p->verdict == V_INCONCLUSIVE && isfinite(p->windows_needed))
		snprintf(buf, len, "about %.0f windows a side would decide", p->windows_needed);
	else if (p->verdict == V_INCONCLUSIVE)
		snprintf(buf, len, "the ratio sits on the threshold: no number of windows decides");
	else if (p->why[0])
		snprintf(buf, len, "%s", p->why);
	else
		buf[0] = '\0';
	return buf;
}

static void window_notes(FILE *f, const struct comparison *c, const char *prefix)
{
	char nb[sizeof ((struct pair *)0)->why];

	for (size_t i = 0; i < c->npairs; i++) {
		const struct pair *p = &c->pairs[i];
		if (p->verdict >= V_ERROR_NEW)
			continue;
		if (verdict_note(p, nb, sizeof nb)[0])
			fprintf(f, "%s%s: %s: %s\n", prefix, p->base->name, verdict_name(p->verdict), nb);
		if (p->contended_base || p->contended_new)
			fprintf(f, "%s%s: contended windows: %zu of %zu in BASE, %zu of %zu in NEW\n",
				prefix, p->base->name, p->contended_base, p->win_base,
				p->contended_new, p->win_new);
	}
}

/* "1 regression, 0 improvements, 11 no change, 2 inconclusive, 0 errors in NEW" */
static const char *tally(const struct comparison *c, char *buf, size_t len)
{
	snprintf(buf, len, "%zu regression%s, %zu improvement%s, %zu no change, %zu inconclusive, "
		 "%zu error%s in NEW", c->regressions, c->regressions == 1 ? "" : "s",
		 c->improvements, c->improvements == 1 ? "" : "s", c->same, c->inconclusives,
		 c->errors, c->errors == 1 ? "" : "s");
	return buf;
}

/* "BASE 3 runs (a, b, c)" or nothing for one. */
static void bases_line(FILE *f, const struct comparison *c, const char *prefix)
{
	if (c->nbases < 2)
		return;
	fprintf(f, "%sBASE is %zu runs: their windows are resampled run by run, so the "
		   "interval carries the variation between runs\n", prefix, c->nbases);
	if (!isfinite(c->base_spread))
		return;
	fprintf(f, "%seach BASE run's level, taken out before they are pooled (the run as a "
		   "whole, as NEW's shift is):", prefix);
	for (size_t k = 0; k < c->nbases; k++)
		fprintf(f, " %+.1f%%", (c->base_level[k] - 1) * 100);
	fputc('\n', f);
}

/* How the whole run moved, where that decided verdicts; how far cells move
 * on their own between runs, which every interval carries. */
static void shift_line(FILE *f, const struct comparison *c, const char *prefix)
{
	if (isfinite(c->between) && c->between > 0)
		fprintf(f, "%scells moved between the runs on their own, beyond the run's shift, by "
			   "about %.2f times their windows' spread (from %zu cells): every "
			   "interval carries it, and verdicts are adjusted over the cells (Holm)\n",
			prefix, c->between, c->nbetween);
	if (c->shift_kept)
		fprintf(f, "%sNEW moved as a whole beyond the BASE runs' own spread by more than the "
			   "threshold: %+.1f%% (the median over %zu cells), where their %zu levels "
			   "put a next run within %.1f%% of their middle (95%%; p < alpha), and its "
			   "instructions per op moved %+.1f%% with it: its cells are judged as "
			   "measured, not against the run's shift, each interval carrying that "
			   "spread\n", prefix, (c->common - 1) * 100, c->ncommon,
			c->nlevels, (exp(c->level_halfwidth) - 1) * 100, (c->instr_shift - 1) * 100);
	else if (c->ncommon && fabs(log(c->common)) > log(1 + c->threshold_pct / 100)) {
		fprintf(f, "%sthe whole run moved by %+.1f%% (the median over %zu cells): a cell that "
			   "moved with it cannot be told from the machine's drift", prefix,
			(c->common - 1) * 100, c->ncommon);
		if (c->nbases < 2)
			fputs("; several BASE runs can tell\n", f);
		else if (c->shift_unwitnessed && isfinite(c->instr_shift))
			fprintf(f, ": past where the %zu BASE runs put a next run (%.1f%% from their "
				   "middle, p < alpha), but instructions per op moved only %+.1f%%: a "
				   "host that turned slow or fast between them and NEW does the same\n",
				c->nlevels, (exp(c->keep_bound) - 1) * 100, (c->instr_shift - 1) * 100);
		else if (c->shift_unwitnessed)
			fprintf(f, ": past where the %zu BASE runs put a next run (%.1f%% from their "
				   "middle, p < alpha), but no instructions were counted to say it was "
				   "NEW's (no PMU, or no privilege): a host that turned slow or fast "
				   "between them and NEW does the same\n",
				c->nlevels, (exp(c->keep_bound) - 1) * 100);
		else if (isfinite(c->keep_bound))
			fprintf(f, ", as far as the BASE runs tell: their %zu levels would keep a "
				   "shift only %.1f%% or more from their middle (p < alpha)\n",
				c->nlevels, (exp(c->keep_bound) - 1) * 100);
		else
			fputs("; the BASE runs' levels cannot tell (all alike, or too few cells "
			      "in them)\n", f);
	}
}

/* What an inconclusive cell does to the exit status. */
static const char *policy_text(const struct comparison *c)
{
	return c->inconclusive == INCONCLUSIVE_FAIL ? "inconclusive fails" : "inconclusive passes";
}

static const char *error_of(const struct pair *p)
{
	return p->nw->error[0] ? p->nw->error : p->base_error ? p->base_error : p->base->error;
}

void report_text(FILE *f, const struct comparison *c)
{
	int w = (int)name_width(c);
	char pb[32], wn[32], iv[64];
	char tl[200];

	if (c->emulated)
		fprintf(f, "note: %s\n", EMULATED_NOTE);
	if (c->env_missing)
		fprintf(f, "warning: a run has no env.txt: cannot tell whether the machines match\n");
	if (c->other_machine)
		fprintf(f, "warning: BASE and NEW come from different machines (machine_id %s, %s): "
			   "a difference may be the machine's, not the change's\n",
			c->machine_base, c->machine_new);
	if (c->ndiffs) {
		fprintf(f, "warning: not like for like: the machines differ in\n");
		for (size_t i = 0; i < c->ndiffs; i++)
			fprintf(f, "  %s: BASE %s, NEW %s\n", c->diffs[i].key,
				or_absent(c->diffs[i].base), or_absent(c->diffs[i].nw));
	}
	report_whole(f, c, false);
	bases_line(f, c, "note: ");
	report_runs(f, c, "");
	fprintf(f, "%-*s %11s %11s %8s %17s %8s %7s  %s\n", w, "cell", "base_us", "new_us", "change",
		"ratio 95% CI", "p", "windows", "verdict");
	for (size_t i = 0; i < c->npairs; i++) {
		const struct pair *p = &c->pairs[i];
		if (p->verdict >= V_ERROR_NEW) {
			fprintf(f, "%-*s %11s %11s %8s %17s %8s %7s  %s: %s\n", w, p->base->name,
				p->base->error[0] ? "error" : "", p->nw->error[0] ? "error" : "",
				"", "", "", "", verdict_name(p->verdict), error_of(p));
			continue;
		}
		snprintf(wn, sizeof wn, "%zu/%zu", p->win_base, p->win_new);
		fprintf(f, "%-*s %11.2f %11.2f %+7.1f%% %17s %8s %7s  %s\n", w,
			p->base->name, p->med_base_us, p->med_new_us, (p->ratio - 1) * 100,
			interval(p, iv, sizeof iv, "[%6.3f, %6.3f]"), fmt_p(p->u.p, pb, sizeof pb), wn,
			verdict_name(p->verdict));
	}
	window_notes(f, c, "note: ");
	shift_line(f, c, "note: ");
	for (size_t i = 0; i < c->nonly_base; i++)
		fprintf(f, "only in BASE: %s\n", c->only_base[i]->name);
	for (size_t i = 0; i < c->nonly_new; i++)
		fprintf(f, "only in NEW: %s\n", c->only_new[i]->name);
	if (c->ngeo)
		fprintf(f, "geometric mean of NEW/BASE over %zu cells: %.3f (%+.1f%%)\n", c->ngeo,
			c->geomean, (c->geomean - 1) * 100);
	if (c->inconclusives && c->inconclusive == INCONCLUSIVE_PASS)
		fprintf(f, "warning: %zu cell%s inconclusive: the data cannot tell a %g%% change from "
			   "none (the notes say why; --inconclusive fail makes them fail the gate)\n",
			c->inconclusives, c->inconclusives == 1 ? " is" : "s are", c->threshold_pct);
	fprintf(f, "result: %s (threshold %g%%, alpha %g, %s; decided on the windows' time)\n",
		tally(c, tl, sizeof tl), c->threshold_pct, c->alpha, policy_text(c));
}

void report_markdown(FILE *f, const struct comparison *c)
{
	char pb[32], iv[64];
	char tl[200];

	if (c->emulated)
		fprintf(f, "> **%s**\n\n", EMULATED_NOTE);
	if (c->env_missing)
		fprintf(f, "> **Warning:** a run has no env.txt: cannot tell whether the machines "
			   "match.\n\n");
	if (c->other_machine)
		fprintf(f, "> **Warning: different machines.** BASE is machine `%s`, NEW machine "
			   "`%s`: a difference may be the machine's, not the change's.\n\n",
			c->machine_base, c->machine_new);
	if (c->ndiffs) {
		fprintf(f, "> **Warning: not like for like.** The machines differ in:\n");
		for (size_t i = 0; i < c->ndiffs; i++)
			fprintf(f, "> - `%s`: BASE `%s`, NEW `%s`\n", c->diffs[i].key,
				or_absent(c->diffs[i].base), or_absent(c->diffs[i].nw));
		fprintf(f, "\n");
	}
	report_whole(f, c, true);
	fprintf(f, "**%s**: %s (threshold %g%%, alpha %g, %s).\n\n",
		comparison_status(c) ? "FAIL" : "PASS", tally(c, tl, sizeof tl),
		c->threshold_pct, c->alpha, policy_text(c));
	bases_line(f, c, "> ");
	if (c->nbases > 1)
		fputs("\n", f);
	report_runs(f, c, "- ");
	fputs("\n", f);
	fprintf(f, "| cell | base µs | new µs | change | ratio 95%% CI | p | windows | verdict |\n");
	fprintf(f, "|---|--:|--:|--:|--:|--:|--:|---|\n");
	for (size_t i = 0; i < c->npairs; i++) {
		const struct pair *p = &c->pairs[i];
		if (p->verdict >= V_ERROR_NEW) {
			fprintf(f, "| `%s` | | | | | | | **%s**: %s |\n", p->base->name,
				verdict_name(p->verdict), error_of(p));
			continue;
		}
		const char *em = p->verdict == V_REGRESSION ? "**" : "";
		fprintf(f, "| `%s` | %.2f | %.2f | %+.1f%% | %s | %s | %zu/%zu | %s%s%s |\n",
			p->base->name, p->med_base_us, p->med_new_us, (p->ratio - 1) * 100,
			interval(p, iv, sizeof iv, "%.3f–%.3f"), fmt_p(p->u.p, pb, sizeof pb),
			p->win_base, p->win_new, em, verdict_name(p->verdict), em);
	}
	fprintf(f, "\n");
	if (c->ngeo)
		fprintf(f, "Geometric mean of NEW/BASE over %zu cells: %.3f (%+.1f%%).\n\n", c->ngeo,
			c->geomean, (c->geomean - 1) * 100);
	window_notes(f, c, "- note: ");
	shift_line(f, c, "- note: ");
	for (size_t i = 0; i < c->nonly_base; i++)
		fprintf(f, "- only in BASE: `%s`\n", c->only_base[i]->name);
	for (size_t i = 0; i < c->nonly_new; i++)
		fprintf(f, "- only in NEW: `%s`\n", c->only_new[i]->name);
}

/* json_object_set_new, failing on a NULL value (jansson refuses NaN). */
static int put(json_t *o, const char *key, json_t *v)
{
	return v ? json_object_set_new(o, key, v) : -1;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_text(s) : json_null();
}

/* A figure, or null where there is none (an interval from one window). */
static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *names(const struct cell_data *const *cells, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_text(cells[i]->name))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Each BASE run's level (compare_base_levels), in the order given. */
static json_t *levels(const struct comparison *c)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < c->nbases; k++)
		if (json_array_append_new(a, json_real(c->base_level[k]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *pair_json(const struct pair *p, const bool use[NKEYS])
{
	json_t *o = json_object();
	char perr[PARSE_ERR_LEN];
	uint64_t mib;
	int bad = !o;

	bad = bad || put(o, "name", json_text(p->base->name));
	for (int k = 0; k < NKEYS && !bad; k++) {
		if (!use[k])
			continue;
		if (k == KEY_RSS_MIB && !parse_u64(p->base->key[k], 0, UINT64_MAX, &mib, perr))
			bad = put(o, key_names[k], json_integer((json_int_t)mib));
		else
			bad = put(o, key_names[k], json_text(p->base->key[k]));
	}
	if (!bad && p->verdict >= V_ERROR_NEW) {
		bad = put(o, "base_error", str_or_null(p->base->error[0] ? p->base->error : NULL)) ||
		      put(o, "new_error", str_or_null(p->nw->error[0] ? p->nw->error : NULL));
	} else if (!bad) {
		bad = put(o, "base_median_us", json_real(p->med_base_us)) ||
		      put(o, "new_median_us", json_real(p->med_new_us)) ||
		      put(o, "ratio", json_real(p->ratio)) ||
		      put(o, "ratio_ci_lo", num_or_null(p->lo)) ||
		      put(o, "ratio_ci_hi", num_or_null(p->hi)) ||
		      put(o, "change_pct", json_real((p->ratio - 1) * 100)) ||
		      put(o, "u", json_real(p->u.u)) || put(o, "z", json_real(p->u.z)) ||
		      put(o, "p", json_real(p->u.p)) || put(o, "p_exact", json_boolean(p->u.exact)) ||
		      put(o, "p_adjusted", isnan(p->p_adj) ? json_null() : json_real(p->p_adj)) ||
		      put(o, "windows_base", json_integer((json_int_t)p->win_base)) ||
		      put(o, "windows_new", json_integer((json_int_t)p->win_new)) ||
		      put(o, "base_runs", json_integer((json_int_t)p->runs_base)) ||
		      put(o, "contended_windows_base", json_integer((json_int_t)p->contended_base)) ||
		      put(o, "contended_windows_new", json_integer((json_int_t)p->contended_new)) ||
		      put(o, "windows_needed", isfinite(p->windows_needed)
				? json_real(p->windows_needed) : json_null()) ||
		      put(o, "instructions_ratio", isfinite(p->instr_ratio)
				? json_real(p->instr_ratio) : json_null()) ||
		      put(o, "decided_by", json_string("time")) ||
		      put(o, "note", str_or_null(p->why[0] ? p->why : NULL)) ||
		      put(o, "p_beyond_threshold", num_or_null(p->p_beyond)) ||
		      put(o, "p_beyond_threshold_adjusted", num_or_null(p->p_beyond_adj));
	}
	if (bad || put(o, "verdict", json_string(verdict_name(p->verdict)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The machines' differences and the cells, first in o, as in the other
 * formats. Returns nonzero when either could not be made. */
static int put_cells(json_t *o, const struct comparison *c)
{
	json_t *diffs = json_array(), *cells = json_array();
	int bad = !diffs || !cells;

	for (size_t i = 0; i < c->ndiffs && !bad; i++)
		bad = json_array_append_new(diffs, json_pack("{s:o, s:o, s:o}",
					    "key", json_text(c->diffs[i].key),
					    "base", str_or_null(c->diffs[i].base),
					    "new", str_or_null(c->diffs[i].nw)));
	for (size_t i = 0; i < c->npairs && !bad; i++)
		bad = json_array_append_new(cells, pair_json(&c->pairs[i], c->use_key));
	/* put() hands its value to o even when it fails, so after these two o
	 * owns both. */
	if (!bad) {
		bad = put(o, "env_differences", json_incref(diffs)) ||
		      put(o, "cells", json_incref(cells));
	}
	json_decref(diffs);
	json_decref(cells);
	return bad;
}

static json_t *comparison_json(const struct comparison *c)
{
	json_t *o = json_object();
	int bad = !o || put_cells(o, c);

	bad = bad || put(o, "env_checked", json_boolean(!c->env_missing)) ||
	      put(o, "machine_id_base", str_or_null(c->machine_base)) ||
	      put(o, "machine_id_new", str_or_null(c->machine_new)) ||
	      put(o, "same_machine", c->machine_base && c->machine_new ?
			json_boolean(!c->other_machine) : json_null()) ||
	      put(o, "emulated", json_boolean(c->emulated)) ||
	      put(o, "base", json_text(c->base_dir)) || put(o, "new", json_text(c->new_dir)) ||
	      put(o, "threshold_pct", json_real(c->threshold_pct)) ||
	      put(o, "alpha", json_real(c->alpha)) ||
	      put(o, "only_in_base", names(c->only_base, c->nonly_base)) ||
	      put(o, "only_in_new", names(c->only_new, c->nonly_new)) ||
	      put(o, "geomean_ratio", c->ngeo ? json_real(c->geomean) : json_null()) ||
	      put(o, "geomean_cells", json_integer((json_int_t)c->ngeo)) ||
	      put(o, "regressions", json_integer((json_int_t)c->regressions)) ||
	      put(o, "improvements", json_integer((json_int_t)c->improvements)) ||
	      put(o, "no_change", json_integer((json_int_t)c->same)) ||
	      put(o, "inconclusive", json_integer((json_int_t)c->inconclusives)) ||
	      put(o, "run_shift", c->ncommon ? json_real(c->common) : json_null()) ||
	      put(o, "run_shift_cells", json_integer((json_int_t)c->ncommon)) ||
	      put(o, "base_runs_spread", isfinite(c->base_spread)
				? json_real(exp(c->base_spread)) : json_null()) ||
	      put(o, "run_shift_kept", json_boolean(c->shift_kept)) ||
	      put(o, "base_run_levels", levels(c)) ||
	      put(o, "between_runs", isfinite(c->between) ? json_real(c->between) : json_null()) ||
	      put(o, "between_runs_cells", json_integer((json_int_t)c->nbetween)) ||
	      put(o, "inconclusive_policy", json_string(c->inconclusive == INCONCLUSIVE_FAIL
							? "fail" : "pass")) ||
	      put(o, "base_runs", json_integer((json_int_t)c->nbases)) ||
	      put(o, "errors_in_new", json_integer((json_int_t)c->errors)) ||
	      put(o, "exit_status", json_integer(comparison_status(c))) ||
	      put(o, "new_complete", c->complete_new
				? json_boolean(strcmp(c->complete_new, "yes") == 0) : json_null()) ||
	      put(o, "missing_in_new", names(c->missing, c->nmissing)) ||
	      put(o, "allow_missing", json_boolean(c->allow_missing)) ||
	      put(o, "incomplete_base_runs", json_texts(c->incomplete_base, c->nincomplete_bases)) ||
	      put(o, "base_run_level_sd", isfinite(c->base_level_sd)
				? json_real(exp(c->base_level_sd)) : json_null()) ||
	      put(o, "run_level_halfwidth", c->shift_kept
				? json_real(exp(c->level_halfwidth)) : json_null()) ||
	      put(o, "run_keep_bound", isfinite(c->keep_bound)
				? json_real(exp(c->keep_bound)) : json_null()) ||
	      put(o, "run_shift_instructions", isfinite(c->instr_shift)
				? json_real(c->instr_shift) : json_null()) ||
	      put(o, "run_shift_unwitnessed", json_boolean(c->shift_unwitnessed)) ||
	      report_runs_json(o, c);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int report_json(FILE *f, const struct comparison *c)
{
	json_t *o = comparison_json(c);
	int rc;

	if (!o)
		return -1;
	rc = json_write_whole(o, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(o);
	return rc;
}
