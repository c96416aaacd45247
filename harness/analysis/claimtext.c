#include <math.h>
#include <string.h>

#include "claimtext.h"
#include "csv.h"

const char *const claim_said[NCLAIMS] = {
	[CLAIM_VFORK] = "vfork is 4-5x faster than fork",
	[CLAIM_EFFICIENT] = "fork+exec is just as efficient as vfork+exec nowadays",
	[CLAIM_CHEAPEST] = "clone with the thread flags is the cheapest way to start an "
			   "execution context",
	[CLAIM_COPIES] = "copy-on-write means fork copies nothing",
};

const char *const claim_meaning[NCLAIMS] = {
	[CLAIM_VFORK] = "the ratio of fork's median to vfork's lies within [4, 5], for the "
			"-exit pair (fork-exit / vfork-exit) and the -exec pair "
			"(fork-exec / vfork-exec)",
	[CLAIM_EFFICIENT] = "\"as efficient\" = fork-exec's median at most 10% above "
			    "vfork-exec's: the ratio within [0, 1.10]",
	[CLAIM_CHEAPEST] = "\"clone with the thread flags\" = clone-thread, and pthread "
			   "(glibc's pthread_create is clone3 with those flags); it holds where "
			   "the cheapest of them is below the cheapest other method that starts "
			   "an execution context (page-write timings and exec-only left out): "
			   "the ratio other / thread within [1, inf)",
	[CLAIM_COPIES] = "\"copies nothing\" = fork-exit at each parent size within 10% of "
			 "its cost at the smallest parent: the ratio within [0, 1.10]; with "
			 "fork's cost per GiB and per page",
};

/* What a point's side means for each claim. */
static const char *const words[NCLAIMS][4] = {
	[CLAIM_VFORK] = { "below 4×", "within 4-5×", "above 5×",
			  "undecided (interval across 4× or 5×)" },
	[CLAIM_EFFICIENT] = { "within 10%", "within 10%", "more than 10% dearer",
			      "undecided (interval across 1.10×)" },
	[CLAIM_CHEAPEST] = { "not the cheapest", "the cheapest", "the cheapest",
			     "undecided (interval across 1×)" },
	[CLAIM_COPIES] = { "within 10%", "within 10%",
			   "more than 10% above its cost at the smallest parent",
			   "undecided (interval across 1.10×)" },
};

const char *fig(double v)
{
	static char ring[16][32];
	static unsigned i;
	char *b = ring[i++ % 16];
	double a = fabs(v);

	if (isnan(v))
		snprintf(b, sizeof ring[0], "n/a");
	else
		snprintf(b, sizeof ring[0], a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
	return b;
}

/* A figure and its interval, "4.43× [4.40, 4.46]" with unit "×" or
 * "240 [239, 241]" without (a static buffer, 16 in turn). */
static const char *est_text(struct est e, const char *unit)
{
	static char ring[16][96];
	static unsigned i;
	char *b = ring[i++ % 16];

	snprintf(b, sizeof ring[0], "%s%s [%s, %s]", fig(e.v), unit, fig(e.lo), fig(e.hi));
	return b;
}

/* A ratio with its interval and, when it was paired round by round, the
 * spread of the per-round ratios: "4.43× [4.40, 4.46], rounds 4.3-4.6". */
static const char *point_text(const struct point *p)
{
	static char ring[16][160];
	static unsigned i;
	char *b = ring[i++ % 16];

	if (p->rounds >= 2)
		snprintf(b, sizeof ring[0], "%s, rounds %s-%s", est_text(p->r, "×"),
			 fig(p->spread_lo), fig(p->spread_hi));
	else
		snprintf(b, sizeof ring[0], "%s", est_text(p->r, "×"));
	return b;
}

/* "4.3-4.6": the smallest and largest per-round ratio. */
static const char *ring_spread(const struct point *p)
{
	static char ring[8][64];
	static unsigned i;
	char *b = ring[i++ % 8];

	snprintf(b, sizeof ring[0], "%s-%s", fig(p->spread_lo), fig(p->spread_hi));
	return b;
}

static bool same_segment(const struct curve *cv, size_t i, size_t j, enum claim_id id)
{
	if (cv->pt[i].side != cv->pt[j].side)
		return false;
	return id != CLAIM_CHEAPEST ||
	       (strcmp(cv->na[i], cv->na[j]) == 0 && strcmp(cv->nb[i], cv->nb[j]) == 0);
}

/* Whether --refine searches this curve's crossings: the pairs of the bands
 * table (bands.h). "fork copies nothing" and the cheapest clone are not. */
static bool searched(const struct curve *cv)
{
	for (size_t i = 0; i < NBANDS; i++)
		if (strcmp(bands[i].a, cv->a) == 0 && strcmp(bands[i].b, cv->b) == 0)
			return true;
	return false;
}

/* "; crosses 5× between 0.5 and 0.75 MiB (measured)", or where no measured
 * sizes bracket it closely, the interpolated size and why it is only that. */
static void crossing_text(FILE *f, const struct curve *cv, size_t k, const char *refine)
{
	const struct bracket *b = &cv->br[k];

	fprintf(f, "%s%g× ", k ? ", " : "; crosses ", cv->cross[k].r.v);
	if (b->kind == BR_MEASURED) {
		fprintf(f, "between %g and %g MiB (measured)", b->from, b->to);
		return;
	}
	fprintf(f, "at about %s MiB (interpolated between %g and %g MiB: ",
		fig(cv->cross[k].rss_mib), b->from, b->to);
	if (b->kind == BR_UNDECIDED)
		fputs("the intervals there straddle the line", f);
	else if (!searched(cv))
		fputs("no size between was measured; --refine does not search this claim, "
		      "sizes between in -r do", f);
	else if (!refine)
		fputs("no size between was measured; run --refine does", f);
	else if (strcmp(refine, "time") == 0)
		fputs("the search ran out of time, --refine-time", f);
	else
		fprintf(f, "the search stopped: %s", refine);
	fputc(')', f);
}

/* "within 4-5× at 0 MiB (4.43× [4.43, 4.44]); above 5× from 16 MiB (...) to
 * 1024 MiB (...); crosses 5× between 0.5 and 0.75 MiB (measured)" */
static void segments(FILE *f, const struct curve *cv, enum claim_id id, const char *refine)
{
	for (size_t i = 0, end; i < cv->n; i = end + 1) {
		const struct point *a = &cv->pt[i];

		for (end = i; end + 1 < cv->n && same_segment(cv, i, end + 1, id);)
			end++;
		fputs(i ? "; " : "", f);
		if (id == CLAIM_CHEAPEST)
			fprintf(f, "%s %s (next: %s) ", cv->nb[i], words[id][a->side], cv->na[i]);
		else
			fprintf(f, "%s ", words[id][a->side]);
		if (end == i)
			fprintf(f, "at %g MiB (%s)", a->rss_mib, point_text(a));
		else
			fprintf(f, "from %g MiB (%s) to %g MiB (%s)", a->rss_mib, point_text(a),
				cv->pt[end].rss_mib, point_text(&cv->pt[end]));
	}
	for (size_t k = 0; k < cv->ncross; k++)
		crossing_text(f, cv, k, refine);
	for (size_t k = 0; k < cv->nmissing; k++)
		fprintf(f, "%s%g", k ? ", " : "; no figure (cell missing or failed) at ",
			cv->missing[k]);
	if (cv->nmissing)
		fputs(" MiB", f);
}

static void curve_line(FILE *f, const struct curve *cv, enum claim_id id, const char *name,
		       const char *thp, bool md, const char *refine)
{
	char v[200];

	fprintf(f, "%s%s%s: %s%s%s", md ? "- " : "  ", thp, name, md ? "**" : "",
		verdict_phrase(&cv->v, v, sizeof v), md ? "**" : "");
	if (!cv->n) {
		fprintf(f, ": %s\n",
			id == CLAIM_CHEAPEST
				? "no thread-flag method (clone-thread, pthread) ran, or no other"
				: "a method of the pair did not run, or every cell of it failed");
		return;
	}
	fputs(": ", f);
	segments(f, cv, id, refine);
	if (id == CLAIM_EFFICIENT && cv->n && cv->v.kind != V_HOLDS) {
		if (cv->pt[0].st != ST_HOLDS)
			fprintf(f, "; it fails from the smallest parent (%g MiB) on",
				cv->pt[0].rss_mib);
		else if (cv->v.kind == V_HOLDS_ONLY)
			fprintf(f, "; it fails above %g MiB", cv->v.to);
	}
	fputc('\n', f);
}

/* What claim 4 and fork's cost per GiB lack when fork-exit was measured at
 * fewer than two parent sizes, said in their place: a ratio to itself and a
 * line through one point would be figures nobody measured. */
static void fewer_sizes(FILE *f, const struct growth *g, const char *what, const char *thp,
			bool md)
{
	fprintf(f, "%s%s%s: %sneeds fork-exit measured at two parent sizes or more%s (",
		md ? "- " : "  ", thp, what, md ? "**" : "", md ? "**" : "");
	if (g->sizes)
		fprintf(f, "this run has it at %g MiB only)\n", g->top_rss);
	else
		fputs("this run has none: it did not run, or every cell of it failed)\n", f);
}

static void growth_lines(FILE *f, const struct growth *g, const char *thp, bool md)
{
	const char *item = md ? "- " : "  ";

	if (!g->ok) {
		fewer_sizes(f, g, "fork's cost per GiB", thp, md);
	} else {
		/* x is the ballast (rss_mib), as in fit.csv: not VmRSS */
		fprintf(f, "%s%sfork's cost per GiB of ballast: %s ms (", item, thp,
			fig(g->us_per_gib / 1000));
		if (g->from_fit_csv)
			fprintf(f, "fit.csv: %s µs + %s ms/GiB", fig(g->fixed_us),
				fig(g->us_per_gib / 1000));
		else
			fprintf(f, "least squares over this run's medians: %s µs + %s ms/GiB",
				fig(g->fixed_us), fig(g->us_per_gib / 1000));
		if (!isnan(g->r2))
			fprintf(f, ", r² %.4f", g->r2);
		if (est_ok(g->slope))
			fprintf(f, "; end points %s ms/GiB", est_text((struct est){
				g->slope.v / 1000, g->slope.lo / 1000, g->slope.hi / 1000 }, ""));
		fprintf(f, "), about %s ns per %g KiB of ballast", fig(g->ns_per_page), g->page_kib);
		if (!isnan(g->top_pte_kib))
			fprintf(f, "; the parent's page tables (VmPTE) are %g KiB at %g MiB, and "
				   "fork copies them",
				g->top_pte_kib, g->top_rss);
		fputc('\n', f);
	}
	if (isnan(g->cow_ns)) {
		fprintf(f, "%s%scopy-on-write per page: not measured in this run (it needs "
			   "cow-child, from the copy-on-write methods)\n", item, thp);
		return;
	}
	fprintf(f, "%s%scopy-on-write per page: each page the child writes after fork costs "
		   "%s ns (cow-child at %g MiB)", item, thp, est_text(g->cow, ""), g->cow_rss);
	if (strcmp(thp, "") && !strstr(thp, "off"))
		fputs(" (a page is a huge page where THP backed the ballast)", f);
	if (!isnan(g->first_touch_ns))
		fprintf(f, ", against %s ns for a first touch", fig(g->first_touch_ns));
	if (!isnan(g->rewrite_ns))
		fprintf(f, " and %s ns for a rewrite", fig(g->rewrite_ns));
	fputc('\n', f);
}

void claim_lines(FILE *f, const struct claims *c, enum claim_id id, bool md)
{
	for (size_t t = 0; t < c->nthp; t++) {
		char thp[32] = "";

		if (c->nthp > 1)
			snprintf(thp, sizeof thp, "THP %s, ", c->thp[t]);
		switch (id) {
		case CLAIM_VFORK:
			curve_line(f, &c->vfork_exit[t], id, "fork-exit / vfork-exit", thp, md,
				   c->refine);
			curve_line(f, &c->vfork_exec[t], id, "fork-exec / vfork-exec", thp, md,
				   c->refine);
			break;
		case CLAIM_EFFICIENT:
			curve_line(f, &c->efficient[t], id, "fork-exec / vfork-exec", thp, md,
				   c->refine);
			break;
		case CLAIM_CHEAPEST:
			curve_line(f, &c->cheapest[t], id,
				   c->raw_clone_thread ? "clone-thread or pthread"
						       : "pthread (clone-thread not in this run)",
				   thp, md, c->refine);
			break;
		default: {
			char name[64];

			snprintf(name, sizeof name, "fork-exit / fork-exit at %g MiB",
				 c->copies[t].ref_rss);
			if (c->growth[t].sizes < 2)
				fewer_sizes(f, &c->growth[t], "fork-exit / fork-exit", thp, md);
			else
				curve_line(f, &c->copies[t], id, name, thp, md, c->refine);
			growth_lines(f, &c->growth[t], thp, md);
			break;
		}
		}
	}
}

static void table_rows(FILE *f, const struct curve *cv, enum claim_id id)
{
	for (size_t i = 0; i < cv->n; i++) {
		const struct point *p = &cv->pt[i];

		fprintf(f, "| %g | %s |", p->rss_mib, fig(p->res_mib));
		if (id == CLAIM_CHEAPEST)
			fprintf(f, " %s | %s | %s | %s |", cv->nb[i], est_text(cv->eb[i], ""),
				cv->na[i], est_text(cv->ea[i], ""));
		else
			fprintf(f, " %s | %s |", est_text(cv->ea[i], ""), est_text(cv->eb[i], ""));
		fprintf(f, " %s | %s | %s |\n", est_text(p->r, "×"),
			p->rounds >= 2 ? ring_spread(p) : "", words[id][p->side]);
	}
}

static void table(FILE *f, const struct curve *cv, enum claim_id id, const char *title)
{
	if (!cv->n)
		return;
	fprintf(f, "\n%s\n\n| RSS (MiB) | VmRSS (MiB) | ", title);
	if (id == CLAIM_CHEAPEST)
		fputs("thread-flag method | median µs [95% CI] | cheapest other | median µs "
		      "[95% CI] |", f);
	else if (id == CLAIM_COPIES)
		fputs("fork-exit median µs [95% CI] | at the smallest parent |", f);
	else
		fprintf(f, "%s median µs [95%% CI] | %s median µs [95%% CI] |", cv->a, cv->b);
	fprintf(f, " ratio [interval] | per round | |\n|--:|--:|%s--:|--:|---|\n",
		id == CLAIM_CHEAPEST ? "---|--:|---|--:|" : "--:|--:|");
	table_rows(f, cv, id);
}

void claim_table(FILE *f, const struct claims *c, enum claim_id id, size_t t)
{
	char title[96];
	const char *thp = c->thp[t];

	switch (id) {
	case CLAIM_VFORK:
		snprintf(title, sizeof title, "-exit pair, THP %s:", thp);
		table(f, &c->vfork_exit[t], id, title);
		snprintf(title, sizeof title, "-exec pair, THP %s:", thp);
		table(f, &c->vfork_exec[t], id, title);
		break;
	case CLAIM_EFFICIENT:
		snprintf(title, sizeof title, "THP %s:", thp);
		table(f, &c->efficient[t], id, title);
		break;
	case CLAIM_CHEAPEST:
		snprintf(title, sizeof title, "THP %s:", thp);
		table(f, &c->cheapest[t], id, title);
		break;
	default:
		snprintf(title, sizeof title, "THP %s:", thp);
		table(f, &c->copies[t], id, title);
		break;
	}
}

/* One curve's points as rows of verdicts.csv. */
static void curve_rows(struct csv *w, const struct curve *cv, int claim)
{
	static const char *const status[] = { [ST_HOLDS] = "holds", [ST_FAILS] = "does not hold",
					       [ST_UNSURE] = "undecided" };
	char pair[160];

	snprintf(pair, sizeof pair, "%s/%s", cv->a, cv->b);
	for (size_t i = 0; i < cv->n; i++) {
		const struct point *p = &cv->pt[i];

		csv_u64(w, (uint64_t)claim);
		csv_str(w, pair);
		csv_str(w, cv->thp);
		csv_double(w, p->rss_mib);
		if (isfinite(p->r.v))
			csv_double(w, p->r.v);
		else
			csv_empty(w);
		if (isfinite(p->r.lo)) {
			csv_double(w, p->r.lo);
			csv_double(w, p->r.hi);
		} else {
			csv_empty(w);
			csv_empty(w);
		}
		if (p->rounds >= 2) {
			csv_double(w, p->spread_lo);
			csv_double(w, p->spread_hi);
		} else {
			csv_empty(w);
			csv_empty(w);
		}
		csv_u64(w, p->rounds);
		csv_str(w, status[p->st]);
		csv_end(w);
	}
}

void claim_csv(FILE *f, const struct claims *c)
{
	struct csv w = { .f = f };

	csv_header(&w, VERDICTS_COLUMNS);
	for (size_t t = 0; t < c->nthp; t++) {
		curve_rows(&w, &c->vfork_exit[t], 1);
		curve_rows(&w, &c->vfork_exec[t], 1);
		curve_rows(&w, &c->efficient[t], 2);
		curve_rows(&w, &c->cheapest[t], 3);
		curve_rows(&w, &c->copies[t], 4);
	}
}
