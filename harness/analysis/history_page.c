/* index.html of history --html: what the listing says, as tables, with a
 * chart per series. In order: the change points, and the charts of their
 * series; the latest run against the one before it; each claim's verdict
 * run by run; the series without a change point, small charts in a grid
 * (folded when there are many); and the runs, with the machine, kernel,
 * label and commit of each. No script, and nothing from the network: it
 * opens as a file. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "history_html.h"

static const char style[] =
	"body{font:14px/1.4 system-ui,'DejaVu Sans',sans-serif;color:#222;margin:1.2em auto;"
	"max-width:1220px;padding:0 1em}\n"
	"h1{font-size:1.6em;margin:0 0 .2em}h2{font-size:1.25em;margin:1.6em 0 .4em;"
	"border-bottom:1px solid #ddd}\n"
	"nav a{margin-right:1em}.note{color:#555;font-size:.9em}.warn{color:#a33}\n"
	"table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:.3em 0}\n"
	"th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}\n"
	"th{background:#f4f4f4}td.n{text-align:right;white-space:nowrap}\n"
	".up{color:#b2182b;font-weight:600}.down{color:#2166ac;font-weight:600}\n"
	"tr.new td{background:#fff3e0}.scroll{overflow-x:auto}\n"
	"table.claims td{text-align:center;padding:.1em .25em;min-width:1.3em}\n"
	"td.within{background:#d9f0e3;color:#006d43}td.below{background:#dbe9f6;color:#1a4f86}\n"
	"td.above{background:#f1dcef;color:#7a2a72}td.across{background:#eee;color:#666}\n"
	"figure{margin:.8em 0}figure img{width:100%;height:auto;border:1px solid #eee}\n"
	"figcaption{font-weight:600}figcaption span{font-weight:normal;color:#555}\n"
	".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:.3em 1em}\n"
	".grid.big{grid-template-columns:repeat(auto-fill,minmax(520px,1fr))}\n"
	".grid figcaption{font-size:.85em;overflow-wrap:anywhere}\n"
	".grid figure{display:flex;flex-direction:column}.grid figure img{margin-top:auto}\n"
	"summary{cursor:pointer;font-weight:600}\n";

/* s with & < > " escaped; with breaks, a line may break after each / (a
 * cell's name is long). */
static void escaped(FILE *f, const char *s, bool breaks)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '/': fputs(breaks ? "/<wbr>" : "/", f); break;
		default: fputc(*s, f);
		}
}

static void text(FILE *f, const char *s)
{
	escaped(f, s, false);
}

static void figure(FILE *f, const struct hist_series *s, double v)
{
	if (!isfinite(v))
		fputs("–", f);
	else
		fprintf(f, s->kind == SERIES_RATIO ? "%.3f×" : "%.4g µs", v);
}

static void interval(FILE *f, struct est e)
{
	if (isfinite(e.lo) && isfinite(e.hi))
		fprintf(f, " <span class=note>[%.4g, %.4g]</span>", e.lo, e.hi);
}

static const char *utc(time_t t, char *buf, size_t len)
{
	strftime(buf, len, "%Y-%m-%d %H:%M", gmtime(&t));
	return buf;
}

/* A percentage, coloured by its direction when beyond the threshold. */
static void pct(FILE *f, double ratio, double threshold_pct)
{
	double p = 100 * (ratio - 1);

	fprintf(f, "<td class=\"n%s\">%+.1f%%</td>", fabs(p) < threshold_pct ? "" : p > 0
			? " up" : " down", p);
}

/* The series without a change point. */
static size_t quiet_series(const struct history *h)
{
	size_t n = 0;

	for (size_t k = 0; k < h->nseries; k++)
		n += h->series[k].ncp == 0;
	return n;
}

/* Series with a change point first, each group in the listing's order. */
static size_t ordered(const struct history *h, size_t i)
{
	size_t changed = h->nseries - quiet_series(h);

	for (size_t k = 0, n = 0; k < h->nseries; k++)
		if ((h->series[k].ncp > 0) == (i < changed) && n++ == (i < changed ? i : i - changed))
			return k;
	return 0;
}

static void series_link(FILE *f, const struct history *h, const struct hist_series *s)
{
	fprintf(f, "<a href=\"#s%zu\">", (size_t)(s - h->series) + 1);
	escaped(f, s->name, true);
	fputs("</a>", f);
}

static void changes(FILE *f, const struct history *h)
{
	fputs("<h2 id=changes>Change points</h2>\n<table id=changes-table>\n<thead><tr><th>#</th>"
	      "<th>series</th><th>step</th><th>95% interval</th><th>p</th><th>at run</th>"
	      "<th>first run after</th><th>before</th><th>after</th></tr></thead>\n<tbody>\n", f);
	for (size_t k = 0; k < h->nseries; k++) {
		const struct hist_series *s = &h->series[k];

		for (size_t i = 0; i < s->ncp; i++) {
			const struct change *c = &s->cp[i];
			size_t run = s->pt[c->at].run;

			fprintf(f, "<tr><td class=n>%zu</td><td>", s->first + i);
			series_link(f, h, s);
			fputs("</td>", f);
			pct(f, c->step.v, h->o.detect.threshold_pct);
			fprintf(f, "<td class=n>[%+.1f%%, %+.1f%%]</td><td class=n>%.3g</td>"
				"<td class=n>%zu</td><td title=\"after run %zu: ", 100 * (c->step.lo - 1),
				100 * (c->step.hi - 1), c->p, run + 1, s->pt[c->at - 1].run + 1);
			text(f, h->runs[s->pt[c->at - 1].run].name);
			fputs("\">", f);
			text(f, h->runs[run].name);
			if (history_other_machine(h, s->pt[c->at - 1].run, run))
				fputs(" <span class=warn>(where the machine changes)</span>", f);
			fputs("</td><td class=n>", f);
			figure(f, s, c->before.v);
			fputs("</td><td class=n>", f);
			figure(f, s, c->after.v);
			fputs("</td></tr>\n", f);
		}
	}
	if (!h->nchanges)
		fputs("<tr><td colspan=9>no change point</td></tr>\n", f);
	fputs("</tbody></table>\n", f);
}

/* The series' newest change point, "new" when the latest pair of runs
 * stands on its new level: at least two runs must confirm a step before
 * it is listed, so a step shows here one run after it happened. */
static void last_change(FILE *f, const struct history *h, const struct hist_series *s)
{
	const struct change *c = s->ncp ? &s->cp[s->ncp - 1] : NULL;

	if (!c) {
		fputs("<td>none</td>", f);
		return;
	}
	fprintf(f, "<td>%s[%zu] %+.1f%% at run %zu</td>", c->at + 2 >= s->n ? "new: " : "",
		s->first + s->ncp - 1, 100 * (c->step.v - 1), s->pt[c->at].run + 1);
}

static void latest(FILE *f, const struct history *h)
{
	fputs("<h2 id=latest>The latest run against the one before</h2>\n<p class=note>Each series' "
	      "last two points (a run without the figure has none). A step is listed once a "
	      "second run confirms it, so a change point at the run before the latest is marked "
	      "new.</p>\n<table id=latest-table>\n<thead><tr><th>series</th><th>previous</th>"
	      "<th>latest</th><th>change</th><th>change point</th></tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < h->nseries; i++) {
		const struct hist_series *s = &h->series[ordered(h, i)];
		const struct hist_point *a, *b;

		if (!s->n)
			continue;
		a = s->n > 1 ? &s->pt[s->n - 2] : NULL;
		b = &s->pt[s->n - 1];
		fprintf(f, "<tr%s><td>", s->ncp && s->cp[s->ncp - 1].at + 2 >= s->n
				? " class=new" : "");
		series_link(f, h, s);
		fputs("</td><td class=n>", f);
		if (a) {
			fprintf(f, "run %zu: ", a->run + 1);
			figure(f, s, a->v.v);
			interval(f, a->v);
		}
		fprintf(f, "</td><td class=n>run %zu: ", b->run + 1);
		figure(f, s, b->v.v);
		interval(f, b->v);
		fputs("</td>", f);
		if (a)
			pct(f, b->v.v / a->v.v, h->o.detect.threshold_pct);
		else
			fputs("<td></td>", f);
		last_change(f, h, s);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static const char *const side_class[] = { "below", "within", "above", "across" };
static const char *const side_mark[] = { "↓", "✓", "↑", "?" };

/* One ratio against one band, run by run. */
static void claim_row(FILE *f, const struct history *h, const struct hist_series *s,
		      const struct band *b)
{
	size_t i = 0;
	int last = -1;

	fputs("<tr><th>", f);
	series_link(f, h, s);
	if (b->lo > 0)
		fprintf(f, " <span class=note>in %g–%g×</span>", b->lo, b->hi);
	else
		fprintf(f, " <span class=note>at most %g×</span>", b->hi);
	fputs("</th>", f);
	for (size_t run = 0; run < h->nruns; run++) {
		if (i < s->n && s->pt[i].run == run) {
			last = (int)band_side(s->pt[i++].v, b->lo, b->hi);
			fprintf(f, "<td class=%s title=\"run %zu\">%s</td>", side_class[last], run + 1,
				side_mark[last]);
		} else {
			fputs("<td>·</td>", f);
		}
	}
	fprintf(f, "<td>%s</td></tr>\n", last < 0 ? "no figure" : last == SIDE_ACROSS
			? "cannot tell" : side_class[last]);
}

static void claims(FILE *f, const struct history *h)
{
	const struct band *b;

	fputs("<h2 id=claims>The claims, run by run</h2>\n<p class=note>Each claim ratio's 95% "
	      "interval against its band (harness/common/bands.c): ✓ wholly within it, ↓ wholly "
	      "below, ↑ wholly above, ? across an edge (the run cannot tell), · no figure. "
	      "Claim 1: vfork 4–5× faster than fork; claim 2: fork+exec as efficient as "
	      "vfork+exec (at most 1.1×); fork-exec/posix-spawn against the same edges."
	      "</p>\n<div class=scroll><table class=claims id=claims-table>\n<thead><tr>"
	      "<th>ratio, band</th>", f);
	for (size_t run = 0; run < h->nruns; run++)
		fprintf(f, "<th>%zu</th>", run + 1);
	fputs("<th>latest</th></tr></thead>\n<tbody>\n", f);
	for (size_t k = 0; k < h->nseries; k++)
		for (size_t i = 0; (b = hist_band(&h->series[k], i)); i++)
			claim_row(f, h, &h->series[k], b);
	fputs("</tbody></table></div>\n", f);
}

static void chart(FILE *f, const struct history *h, const struct hist_series *s)
{
	size_t k = (size_t)(s - h->series) + 1;

	fprintf(f, "<figure id=s%zu><figcaption>", k);
	escaped(f, s->name, true);
	for (size_t i = 0; i < s->ncp; i++)
		fprintf(f, " <span>[%zu] %+.1f%% at run %zu, p = %.3g</span>", s->first + i,
			100 * (s->cp[i].step.v - 1), s->pt[s->cp[i].at].run + 1, s->cp[i].p);
	fprintf(f, "</figcaption><img src=\"charts/s%zu.svg\" alt=\"", k);
	text(f, s->name);
	fputs(", run by run\"></figure>\n", f);
}

/* The charts of the series with (changed) or without a change point. */
static void chart_grid(FILE *f, const struct history *h, bool changed)
{
	fprintf(f, "<div class=\"grid%s\">\n", changed ? " big" : "");
	for (size_t k = 0; k < h->nseries; k++)
		if ((h->series[k].ncp > 0) == changed)
			chart(f, h, &h->series[k]);
	fputs("</div>\n", f);
}

static void changed_charts(FILE *f, const struct history *h)
{
	if (!h->nchanges)
		return;
	fputs("<p class=note id=changed>A point per run: a cell's median of its windows' medians, "
	      "a ratio's median of its per-round ratios; the bar is its 95% interval. Dashed: "
	      "where a new level starts, with its step; orange: the median of the runs between "
	      "change points. A ratio's points are coloured as in the claims' table, against the "
	      "shaded 4–5× band.</p>\n", f);
	chart_grid(f, h, true);
}

/* Many quiet series are folded: the page is about the ones that moved. */
static void quiet_charts(FILE *f, const struct history *h)
{
	size_t quiet = quiet_series(h);

	if (!quiet)
		return;
	fprintf(f, "<h2 id=quiet>Series without a change point</h2>\n<details%s><summary>%zu "
		"series, a chart each (x: the run)</summary>\n", quiet <= 12 ? " open" : "", quiet);
	chart_grid(f, h, false);
	fputs("</details>\n", f);
}

static void cell(FILE *f, const char *s)
{
	fputs("<td>", f);
	text(f, s);
	fputs("</td>", f);
}

static void runs(FILE *f, const struct history *h)
{
	char t[32];

	fputs("<h2 id=runs>Runs</h2>\n<table id=runs-table>\n<thead><tr><th>#</th>"
	      "<th>started (UTC)</th><th>label</th><th>kernel</th><th>host</th><th>commit</th>"
	      "<th>machine</th><th>folder</th></tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < h->nruns; i++) {
		const struct hist_run *r = &h->runs[i];
		const char *host = rundir_env(&h->rd[i], "host");

		fprintf(f, "<tr><td class=n>%zu</td><td class=n>%s</td>", i + 1,
			utc(r->start, t, sizeof t));
		cell(f, r->label);
		cell(f, r->kernel);
		cell(f, host ? host : "");
		cell(f, r->commit);
		cell(f, r->machine);
		cell(f, h->rd[i].dir);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void head(FILE *f, const struct history *h)
{
	static const char *const order[] = { "time", "commit", "kernel", "label" };
	char a[32], b[32], runs[32], cps[48];

	snprintf(runs, sizeof runs, "%zu run%s", h->nruns, h->nruns == 1 ? "" : "s");
	snprintf(cps, sizeof cps, "%zu change point%s", h->nchanges, h->nchanges == 1 ? "" : "s");
	fprintf(f, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
		"<meta name=viewport content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=generator content=\"spawncost history --html\">\n"
		"<title>spawncost history: %s, %s</title>\n<style>\n%s</style></head>\n<body>\n"
		"<h1>spawncost history</h1>\n<p>%s by %s, %s to %s UTC; %zu series; "
		"<strong>%s</strong>.</p>\n<p class=note>Change points by E-Divisive means with a "
		"permutation test (p &lt; %g, steps of %g%% or more, at least two runs a side): "
		"docs/history.md.</p>\n", runs, cps, style, runs, order[h->o.by],
		utc(h->runs[0].start, a, sizeof a), utc(h->runs[h->nruns - 1].start, b, sizeof b),
		h->nseries, cps, h->o.detect.alpha, h->o.detect.threshold_pct);
	if (history_machines(h) > 1)
		fprintf(f, "<p class=warn>The runs come from %zu machines (machine_id): a step where "
			"the machine changes may be the machine's, not a change's.</p>\n",
			history_machines(h));
	fprintf(f, "<nav><a href=\"#changes\">change points</a><a href=\"#latest\">latest run</a>"
		"<a href=\"#claims\">claims</a>%s<a href=\"#runs\">runs</a>"
		"<a href=\"data/points.csv\">data</a></nav>\n", quiet_series(h)
		? "<a href=\"#quiet\">other series</a>" : "");
}

int history_page(FILE *f, const struct history *h)
{
	head(f, h);
	changes(f, h);
	changed_charts(f, h);
	latest(f, h);
	claims(f, h);
	quiet_charts(f, h);
	runs(f, h);
	fputs("<p class=note>Written by spawncost history --html; the charts are plots/history.gp "
	      "drawn from <a href=\"data/points.csv\">data/points.csv</a> and "
	      "<a href=\"data/levels.csv\">data/levels.csv</a>.</p>\n</body></html>\n", f);
	return ferror(f) ? -1 : 0;
}
