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

static bool capped(const struct pair *p)
{
	return p->used_base < p->base->n || p->used_new < p->nw->n;
}

static void cap_notes(FILE *f, const struct comparison *c, const char *prefix)
{
	for (size_t i = 0; i < c->npairs; i++) {
		const struct pair *p = &c->pairs[i];
		if (!p->base->error[0] && !p->nw->error[0] && capped(p))
			fprintf(f, "%s%s: tested on every k-th sample: %zu of %zu (BASE), "
				   "%zu of %zu (NEW)\n", prefix, p->base->name, p->used_base,
				p->base->n, p->used_new, p->nw->n);
	}
}

/* "1 regression, 0 improvements, 11 no change, 0 errors in NEW" */
static const char *tally(const struct comparison *c, char *buf, size_t len)
{
	snprintf(buf, len, "%zu regression%s, %zu improvement%s, %zu no change, %zu error%s in NEW",
		 c->regressions, c->regressions == 1 ? "" : "s", c->improvements,
		 c->improvements == 1 ? "" : "s", c->same, c->errors, c->errors == 1 ? "" : "s");
	return buf;
}

static const char *error_of(const struct pair *p)
{
	return p->nw->error[0] ? p->nw->error : p->base->error;
}

void report_text(FILE *f, const struct comparison *c)
{
	int w = (int)name_width(c);
	char pb[32];
	char tl[160];

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
	fprintf(f, "%-*s %11s %11s %8s %17s %8s  %s\n", w, "cell", "base_us", "new_us", "change",
		"ratio 95% CI", "p", "verdict");
	for (size_t i = 0; i < c->npairs; i++) {
		const struct pair *p = &c->pairs[i];
		if (p->verdict >= V_ERROR_NEW) {
			fprintf(f, "%-*s %11s %11s %8s %17s %8s  %s: %s\n", w, p->base->name,
				p->base->error[0] ? "error" : "", p->nw->error[0] ? "error" : "",
				"", "", "", verdict_name(p->verdict), error_of(p));
			continue;
		}
		fprintf(f, "%-*s %11.2f %11.2f %+7.1f%% [%6.3f, %6.3f] %8s  %s\n", w,
			p->base->name, p->med_base_us, p->med_new_us, (p->ratio - 1) * 100,
			p->lo, p->hi, fmt_p(p->u.p, pb, sizeof pb), verdict_name(p->verdict));
	}
	cap_notes(f, c, "note: ");
	for (size_t i = 0; i < c->nonly_base; i++)
		fprintf(f, "only in BASE: %s\n", c->only_base[i]->name);
	for (size_t i = 0; i < c->nonly_new; i++)
		fprintf(f, "only in NEW: %s\n", c->only_new[i]->name);
	if (c->ngeo)
		fprintf(f, "geometric mean of NEW/BASE over %zu cells: %.3f (%+.1f%%)\n", c->ngeo,
			c->geomean, (c->geomean - 1) * 100);
	fprintf(f, "result: %s (threshold %g%%, alpha %g)\n", tally(c, tl, sizeof tl),
		c->threshold_pct, c->alpha);
}

void report_markdown(FILE *f, const struct comparison *c)
{
	char pb[32];
	char tl[160];

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
	fprintf(f, "**%s**: %s (threshold %g%%, alpha %g).\n\n",
		c->regressions || c->errors ? "FAIL" : "PASS", tally(c, tl, sizeof tl),
		c->threshold_pct, c->alpha);
	fprintf(f, "| cell | base µs | new µs | change | ratio 95%% CI | p | verdict |\n");
	fprintf(f, "|---|--:|--:|--:|--:|--:|---|\n");
	for (size_t i = 0; i < c->npairs; i++) {
		const struct pair *p = &c->pairs[i];
		if (p->verdict >= V_ERROR_NEW) {
			fprintf(f, "| `%s` | | | | | | **%s**: %s |\n", p->base->name,
				verdict_name(p->verdict), error_of(p));
			continue;
		}
		const char *em = p->verdict == V_REGRESSION ? "**" : "";
		fprintf(f, "| `%s` | %.2f | %.2f | %+.1f%% | %.3f–%.3f | %s | %s%s%s |\n",
			p->base->name, p->med_base_us, p->med_new_us, (p->ratio - 1) * 100, p->lo,
			p->hi, fmt_p(p->u.p, pb, sizeof pb), em, verdict_name(p->verdict), em);
	}
	fprintf(f, "\n");
	if (c->ngeo)
		fprintf(f, "Geometric mean of NEW/BASE over %zu cells: %.3f (%+.1f%%).\n\n", c->ngeo,
			c->geomean, (c->geomean - 1) * 100);
	cap_notes(f, c, "- note: ");
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
	return s ? json_string(s) : json_null();
}

static json_t *names(const struct cell_data *const *cells, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(cells[i]->name))) {
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

	bad = bad || put(o, "name", json_string(p->base->name));
	for (int k = 0; k < NKEYS && !bad; k++) {
		if (!use[k])
			continue;
		if (k == KEY_RSS_MIB && !parse_u64(p->base->key[k], 0, UINT64_MAX, &mib, perr))
			bad = put(o, key_names[k], json_integer((json_int_t)mib));
		else
			bad = put(o, key_names[k], json_string(p->base->key[k]));
	}
	if (!bad && p->verdict >= V_ERROR_NEW) {
		bad = put(o, "base_error", p->base->error[0] ? json_string(p->base->error) : json_null()) ||
		      put(o, "new_error", p->nw->error[0] ? json_string(p->nw->error) : json_null());
	} else if (!bad) {
		bad = put(o, "base_median_us", json_real(p->med_base_us)) ||
		      put(o, "new_median_us", json_real(p->med_new_us)) ||
		      put(o, "ratio", json_real(p->ratio)) ||
		      put(o, "ratio_ci_lo", json_real(p->lo)) ||
		      put(o, "ratio_ci_hi", json_real(p->hi)) ||
		      put(o, "change_pct", json_real((p->ratio - 1) * 100)) ||
		      put(o, "u", json_real(p->u.u)) || put(o, "z", json_real(p->u.z)) ||
		      put(o, "p", json_real(p->u.p)) || put(o, "p_exact", json_boolean(p->u.exact)) ||
		      put(o, "n_base", json_integer((json_int_t)p->base->n)) ||
		      put(o, "n_new", json_integer((json_int_t)p->nw->n)) ||
		      put(o, "n_base_used", json_integer((json_int_t)p->used_base)) ||
		      put(o, "n_new_used", json_integer((json_int_t)p->used_new));
	}
	if (bad || put(o, "verdict", json_string(verdict_name(p->verdict)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *comparison_json(const struct comparison *c)
{
	json_t *o = json_object(), *diffs = json_array(), *cells = json_array();
	int bad = !o || !diffs || !cells;

	for (size_t i = 0; i < c->ndiffs && !bad; i++)
		bad = json_array_append_new(diffs, json_pack("{s:s, s:o, s:o}", "key",
					    c->diffs[i].key, "base", str_or_null(c->diffs[i].base),
					    "new", str_or_null(c->diffs[i].nw)));
	for (size_t i = 0; i < c->npairs && !bad; i++)
		bad = json_array_append_new(cells, pair_json(&c->pairs[i], c->use_key));
	/* Machine differences first, as in the other formats. put() hands its
	 * value to o even when it fails, so after these two o owns both. */
	if (!bad) {
		bad = put(o, "env_differences", json_incref(diffs)) ||
		      put(o, "cells", json_incref(cells));
	}
	json_decref(diffs);
	json_decref(cells);
	bad = bad || put(o, "env_checked", json_boolean(!c->env_missing)) ||
	      put(o, "machine_id_base", str_or_null(c->machine_base)) ||
	      put(o, "machine_id_new", str_or_null(c->machine_new)) ||
	      put(o, "same_machine", c->machine_base && c->machine_new ?
			json_boolean(!c->other_machine) : json_null()) ||
	      put(o, "base", json_string(c->base_dir)) || put(o, "new", json_string(c->new_dir)) ||
	      put(o, "threshold_pct", json_real(c->threshold_pct)) ||
	      put(o, "alpha", json_real(c->alpha)) ||
	      put(o, "only_in_base", names(c->only_base, c->nonly_base)) ||
	      put(o, "only_in_new", names(c->only_new, c->nonly_new)) ||
	      put(o, "geomean_ratio", c->ngeo ? json_real(c->geomean) : json_null()) ||
	      put(o, "geomean_cells", json_integer((json_int_t)c->ngeo)) ||
	      put(o, "regressions", json_integer((json_int_t)c->regressions)) ||
	      put(o, "improvements", json_integer((json_int_t)c->improvements)) ||
	      put(o, "no_change", json_integer((json_int_t)c->same)) ||
	      put(o, "errors_in_new", json_integer((json_int_t)c->errors)) ||
	      put(o, "exit_status", json_integer(c->regressions || c->errors ? 1 : 0));
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
	rc = json_dumpf(o, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	fputc('\n', f);
	json_decref(o);
	return rc;
}
