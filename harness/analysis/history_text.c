/* What history prints: per series with change points, each change with
 * the runs on either side, the step and its interval, and the p-value;
 * the series without one in one line. Text, or one JSON document with
 * every point too, for tools and pages. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "jsontext.h"

static const char *const order_names[] = { "time", "commit", "kernel", "label" };

/* A figure of the series in its unit. */
static const char *figure(const struct hist_series *s, double v, char *buf, size_t len)
{
	snprintf(buf, len, s->kind == SERIES_RATIO ? "%.3fx" : "%.4g us", v);
	return buf;
}

static const char *utc(time_t t, char *buf, size_t len)
{
	strftime(buf, len, "%Y-%m-%d %H:%M", gmtime(&t));
	return buf;
}

/* 1-based positions of the runs of points lo..hi-1 of s: "runs 3-12". */
static const char *span(const struct hist_series *s, size_t lo, size_t hi, char *buf,
			size_t len)
{
	size_t a = s->pt[lo].run + 1, b = s->pt[hi - 1].run + 1;

	if (a == b)
		snprintf(buf, len, "run %zu", a);
	else
		snprintf(buf, len, "runs %zu-%zu", a, b);
	return buf;
}

/* "before: runs 1-10, median 300.8 us [284.1, 309], last: plain [run-10]" */
static void side_line(FILE *f, const struct history *h, const struct hist_series *s,
		      const char *what, size_t run, struct est e, size_t lo, size_t hi)
{
	char v[32], sp[48];

	fprintf(f, "      %-7s %s, median %s [%.4g, %.4g], %s %s\n", what,
		span(s, lo, hi, sp, sizeof sp), figure(s, e.v, v, sizeof v), e.lo, e.hi,
		strcmp(what, "before:") ? "first" : "last", h->runs[run].name);
}

bool history_other_machine(const struct history *h, size_t a, size_t b)
{
	return *h->runs[a].machine && *h->runs[b].machine &&
	       strcmp(h->runs[a].machine, h->runs[b].machine) != 0;
}

size_t history_machines(const struct history *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nruns; i++) {
		size_t j = 0;

		while (j < i && (!*h->runs[i].machine || !*h->runs[j].machine ||
				 strcmp(h->runs[i].machine, h->runs[j].machine)))
			j++;
		n += *h->runs[i].machine && j == i;
	}
	return n;
}

static void change_text(FILE *f, const struct history *h, const struct hist_series *s,
			size_t i)
{
	const struct change *c = &s->cp[i];

	fprintf(f, "  [%zu] %+.1f%% [%+.1f%%, %+.1f%%] at run %zu of %zu, p = %.3g%s\n",
		s->first + i, 100 * (c->step.v - 1), 100 * (c->step.lo - 1),
		100 * (c->step.hi - 1), s->pt[c->at].run + 1, h->nruns, c->p,
		history_other_machine(h, s->pt[c->at - 1].run, s->pt[c->at].run)
			? ", where the machine changes" : "");
	if (c->level < 0.95)
		fprintf(f, "      (few runs a side: the interval holds %.0f%%, not 95%%)\n",
			100 * c->level);
	side_line(f, h, s, "before:", s->pt[c->at - 1].run, c->before, c->lo, c->at);
	side_line(f, h, s, "after:", s->pt[c->at].run, c->after, c->at, c->hi);
}

void history_text(FILE *f, const struct history *h)
{
	char a[32], b[32];
	size_t quiet = 0, noisy = 0;

	fprintf(f, "history: %zu runs by %s (%s to %s UTC), %zu series; change points by "
		"E-Divisive means, p < %g, steps of %g%% or more\n", h->nruns,
		order_names[h->o.by], utc(h->runs[0].start, a, sizeof a),
		utc(h->runs[h->nruns - 1].start, b, sizeof b), h->nseries, h->o.detect.alpha,
		h->o.detect.threshold_pct);
	/* as compare warns: a step between machines may be the machine's */
	if (history_machines(h) > 1)
		fprintf(f, "warning: the runs come from %zu machines (machine_id): a step where the "
			"machine changes may be the machine's, not a change's\n", history_machines(h));
	for (size_t k = 0; k < h->nseries; k++) {
		const struct hist_series *s = &h->series[k];

		if (!s->ncp) {
			quiet++;
			continue;
		}
		noisy++;
		fprintf(f, "\n%s\n", s->name);
		for (size_t i = 0; i < s->ncp; i++)
			change_text(f, h, s, i);
	}
	if (noisy)
		fprintf(f, "\n%zu change point%s in %zu series (--report N: one in full)\n",
			h->nchanges, h->nchanges == 1 ? "" : "s", noisy);
	fprintf(f, "%s%zu series, no change point\n", noisy ? "" : "\n", quiet);
}

/* ---- JSON ---- */

/* A figure, or null where there is none (a point of one window has no
 * interval). */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *est_json(struct est e)
{
	return json_pack("{s:o, s:o, s:o}", "median", num(e.v), "lo", num(e.lo), "hi", num(e.hi));
}

static json_t *run_json(const struct history *h, size_t i)
{
	const struct hist_run *r = &h->runs[i];
	const char *id = rundir_env(&h->rd[i], "run_id");
	char start[32];

	strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", gmtime(&r->start));
	return json_pack("{s:I, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "run", (json_int_t)i + 1,
			 "dir", json_text(h->rd[i].dir), "name", json_text(r->name),
			 "run_id", json_text(id ? id : ""),
			 "start", start, "commit", json_text(r->commit), "kernel", json_text(r->kernel),
			 "label", json_text(r->label), "machine_id", json_text(r->machine));
}

static json_t *change_json(const struct hist_series *s, size_t i)
{
	const struct change *c = &s->cp[i];

	return json_pack("{s:I, s:I, s:I, s:f, s:o, s:o, s:o, s:f, s:{s:I, s:o}, s:{s:I, s:o}}",
			 "number", (json_int_t)(s->first + i),
			 "run_before", (json_int_t)s->pt[c->at - 1].run + 1,
			 "run_after", (json_int_t)s->pt[c->at].run + 1, "p", c->p,
			 "step_pct", num(100 * (c->step.v - 1)),
			 "step_lo_pct", num(100 * (c->step.lo - 1)),
			 "step_hi_pct", num(100 * (c->step.hi - 1)), "interval_level", c->level,
			 "before", "runs", (json_int_t)(c->at - c->lo), "figure", est_json(c->before),
			 "after", "runs", (json_int_t)(c->hi - c->at), "figure", est_json(c->after));
}

static json_t *series_json(const struct hist_series *s)
{
	json_t *pts = json_array(), *cps = json_array();

	for (size_t i = 0; pts && i < s->n; i++)
		if (json_array_append_new(pts, json_pack("{s:I, s:o, s:o, s:o}", "run",
							 (json_int_t)s->pt[i].run + 1, "value",
							 num(s->pt[i].v.v), "lo", num(s->pt[i].v.lo),
							 "hi", num(s->pt[i].v.hi)))) {
			json_decref(pts);
			pts = NULL;
		}
	for (size_t i = 0; cps && i < s->ncp; i++)
		if (json_array_append_new(cps, change_json(s, i))) {
			json_decref(cps);
			cps = NULL;
		}
	return json_pack("{s:o, s:s, s:s, s:o, s:o}", "name", json_text(s->name), "kind",
			 s->kind == SERIES_RATIO ? "ratio" : "cell", "unit",
			 s->kind == SERIES_RATIO ? "x" : "us", "points", pts, "changes", cps);
}

int history_json(FILE *f, const struct history *h)
{
	json_t *runs = json_array(), *series = json_array(), *o;
	size_t quiet = 0;
	int rc;

	for (size_t i = 0; runs && i < h->nruns; i++)
		if (json_array_append_new(runs, run_json(h, i))) {
			json_decref(runs);
			runs = NULL;
		}
	for (size_t i = 0; series && i < h->nseries; i++) {
		quiet += h->series[i].ncp == 0;
		if (json_array_append_new(series, series_json(&h->series[i]))) {
			json_decref(series);
			series = NULL;
		}
	}
	o = json_pack("{s:s, s:f, s:f, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "by",
		      order_names[h->o.by], "alpha", h->o.detect.alpha, "threshold_pct",
		      h->o.detect.threshold_pct, "machines", (json_int_t)history_machines(h),
		      "permutations", (json_int_t)detect_permutations(h->o.detect.alpha),
		      "changes", (json_int_t)h->nchanges, "series_without_change",
		      (json_int_t)quiet, "exit_status", (json_int_t)(h->nchanges ? 1 : 0), "runs",
		      runs, "series", series);
	if (!o)
		return -1;
	rc = json_write_whole(o, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(o);
	return rc;
}
