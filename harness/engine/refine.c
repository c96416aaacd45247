#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bands.h"
#include "guard.h"
#include "refine.h"
#include "output.h"
#include "window.h"
#include "timing.h"
#include "winstats.h"

int refine_side(const struct rpoint *p, double edge)
{
	switch (band_side((struct est){ .lo = p->lo, .hi = p->hi }, edge, edge)) {
	case SIDE_BELOW:
		return -1;
	case SIDE_ABOVE:
		return 1;
	default:
		return 0;
	}
}

int refine_narrow(uint64_t lo_kib, uint64_t hi_kib)
{
	uint64_t width = hi_kib - lo_kib;

	return width <= REFINE_STEP_KIB || 10 * width <= hi_kib;
}

/* The log-midpoint of (a, b) on the grid, strictly inside; 0 if none.
 * (sqrt inlines; nothing here may call libm, which the engine must not
 * map: see the Makefile.) */
static uint64_t midpoint(uint64_t a, uint64_t b)
{
	double lo = a > REFINE_STEP_KIB ? (double)a : REFINE_STEP_KIB;
	uint64_t m = (uint64_t)(sqrt(lo * (double)b) / REFINE_STEP_KIB + 0.5) * REFINE_STEP_KIB;

	if (m <= a)
		m = a + REFINE_STEP_KIB;
	if (m >= b)
		m = b - REFINE_STEP_KIB;
	return m > a && m < b ? m : 0;
}

uint64_t refine_next(const struct rpoint *p, size_t n, double edge)
{
	uint64_t best = 0;
	double worst = 0;

	/* decided points i < j with every point between them across */
	for (size_t i = 0; i < n; i++) {
		size_t j = i + 1;
		int si = refine_side(&p[i], edge);

		if (si == 0)
			continue;
		while (j < n && refine_side(&p[j], edge) == 0)
			j++;
		if (j == n || refine_side(&p[j], edge) != -si || refine_narrow(p[i].kib, p[j].kib))
			continue;
		/* its widest gap, and how far the bracket is from narrow enough */
		for (size_t k = i; k < j; k++) {
			uint64_t m = midpoint(p[k].kib, p[k + 1].kib);
			double need = p[j].kib > 10 * REFINE_STEP_KIB ? (double)p[j].kib / 10
								      : REFINE_STEP_KIB;
			double how = (double)(p[k + 1].kib - p[k].kib) / need;

			if (m && how > worst) {
				worst = how;
				best = m;
			}
		}
	}
	return best;
}

/* The edges of a band (bands.h) that a ratio can cross: lo when above 0,
 * hi when finite. */
static size_t edges_of(const struct band *b, double edge[2])
{
	size_t n = 0;

	if (b->lo > 0)
		edge[n++] = b->lo;
	if (b->hi < INFINITY)
		edge[n++] = b->hi;
	return n;
}

static bool plain(const struct table_row *t)
{
	return t->kind == BALLAST_ANON && !t->fds && !t->threads && t->parallel == 1;
}

static long find_cell(const struct sweep *sw, const char *method, uint64_t kib, enum thp_mode thp)
{
	for (size_t i = 0; i < sw->ncells; i++) {
		const struct table_row *t = &sw->cells[i];
		if (plain(t) && t->thp == thp && t->ballast_kib == kib &&
		    strcmp(t->method->name, method) == 0)
			return (long)i;
	}
	return -1;
}

/* The pair's ratio at every size measured so far, rising: from the two
 * cells' windows of the same round (as the report takes it, harness/
 * analysis/paired.h), the interval of the median of the per-round ratios. */
static size_t ratios(struct sweep *sw, const struct band *p, enum thp_mode thp, struct rpoint *out,
		     size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < sw->ncells && n < max; i++) {
		const struct table_row *t = &sw->cells[i];
		double x[MAX_ROUNDS + 1], m, lo, hi, level;
		long j;
		size_t at, k;

		if (!plain(t) || t->thp != thp || strcmp(t->method->name, p->a) || t->error[0] ||
		    (j = find_cell(sw, p->b, t->ballast_kib, thp)) < 0 || sw->cells[j].error[0])
			continue;
		k = windows_paired(sw->win, (uint32_t)i, (uint32_t)j, x, MAX_ROUNDS + 1);
		if (k < 2 || window_median_ci(x, k, 0.95, &m, &lo, &hi, &level) != 0)
			continue;
		for (at = n; at > 0 && out[at - 1].kib > t->ballast_kib; at--)
			out[at] = out[at - 1];
		out[at] = (struct rpoint){ t->ballast_kib, lo, hi };
		n++;
	}
	return n;
}

/* A size the search measures: the pair's cells there that did not exist. */
struct job {
	const struct band *p;
	uint64_t kib;
	enum thp_mode thp;
	size_t ids[2], n;
};

/* Lay out the job's two cells. Returns 2, or 0 when either exists already:
 * a ratio is taken from windows measured side by side, and a cell of
 * another pair, measured in another step, was not (fork-exec is in two
 * pairs). */
static size_t plan_job(struct sweep *sw, struct job *j)
{
	const char *names[2] = { j->p->a, j->p->b };

	j->n = 0;
	if (find_cell(sw, names[0], j->kib, j->thp) >= 0 ||
	    find_cell(sw, names[1], j->kib, j->thp) >= 0 || sw->ncells + 2 > sw->cells_cap)
		return 0;
	for (int k = 0; k < 2; k++) {
		j->ids[j->n] = sw->ncells++;
		plan_cell(&sw->cells[j->ids[j->n]], method_find(names[k]), j->kib, j->thp,
			  BALLAST_ANON, 0, 0, 1);
		sw->cells[j->ids[j->n]].refined = true;
		j->n++;
	}
	return j->n;
}

/* Measure the jobs of a step round by round, as the sweep does: each
 * size's windows spread over the step, not taken back to back, so that a
 * slow spell of the machine moves one of a cell's windows, not all. */
static void measure_jobs(struct sweep *sw, struct refine_outcome *outcome, struct samples *s,
			 struct spawn_ctx *ctx, const struct job *jobs, size_t njobs,
			 uint64_t start)
{
	uint64_t budget = (uint64_t)(sw->o->refine_time * 1e9);

	for (unsigned round = 0; round < sw->o->rounds && !guard_stop && !sw->files->write_err;
	     round++) {
		/* --refine-time is kept between rounds too: a step of many sizes
		 * stops with fewer windows rather than run past it (two at
		 * least, for a ratio's interval) */
		if (round >= 2 && now_ns() - start > budget) {
			outcome->stopped = "time";
			break;
		}
		for (size_t i = 0; i < njobs && !guard_stop && !sw->files->write_err; i++) {
			const struct job *j = &jobs[i];
			struct ballast b;
			char berr[160] = "";
			int err = ballast_make(&b, j->kib, j->thp, BALLAST_ANON, sw->o->vmas);

			if (err)
				snprintf(berr, sizeof berr, "%s: ballast mmap failed",
					 strerrorname_np(err));
			ctx->chunk = b.chunk;
			ctx->nchunks = b.nchunks;
			ctx->chunk_bytes = b.chunk_bytes;
			ctx->ballast_kind = BALLAST_ANON;
			ctx->thp = j->thp;
			for (size_t k = 0; k < j->n; k++)
				run_window(sw, j->ids[k], round, ctx, s, berr[0] ? berr : NULL);
			ballast_free(&b);
		}
	}
}

#define STEP_JOBS 32

/* One size for every band searched at this rank, at every THP setting and edge whose
 * crossing still has a bracket to narrow, measured together. Returns how
 * many sizes it measured, or -1 when the search must stop
 * (outcome->stopped says why). */
static int step(struct sweep *sw, struct refine_outcome *outcome, struct samples *s,
		struct spawn_ctx *ctx, int rank, uint64_t start)
{
	uint64_t budget = (uint64_t)(sw->o->refine_time * 1e9);
	struct rpoint pt[MAX_RSS + REFINE_MAX_CELLS];
	struct job jobs[STEP_JOBS];
	size_t njobs = 0;
	int stop = 0;
	char mib[32];

	for (size_t t = 0; t < sw->o->nthp && !stop; t++)
		for (size_t i = 0; i < NBANDS && !stop; i++) {
			const struct band *p = &bands[i];
			double edge[2];
			size_t nedges = p->search == rank ? edges_of(p, edge) : 0;

			for (size_t k = 0; k < nedges && !stop; k++) {
				size_t n = ratios(sw, p, sw->o->thp[t], pt, sizeof pt / sizeof pt[0]);
				uint64_t kib = refine_next(pt, n, edge[k]);

				if (guard_stop || sw->files->write_err)
					return -1;
				if (!kib)
					continue;
				if (now_ns() - start > budget) {
					outcome->stopped = "time";
					stop = -1;
				} else if (sw->ncells + 2 > sw->cells_cap || njobs == STEP_JOBS) {
					outcome->stopped = "cells";
					stop = -1;
				} else {
					jobs[njobs] = (struct job){ .p = p, .kib = kib, .thp = sw->o->thp[t] };
					if (!plan_job(sw, &jobs[njobs]))
						continue;
					fprintf(stderr, "spawncost: refine: %s / %s across %g× near %s MiB\n",
						p->a, p->b, edge[k], mib_text(kib, mib, sizeof mib));
					njobs++;
				}
			}
		}
	measure_jobs(sw, outcome, s, ctx, jobs, njobs, start);
	if (outcome->stopped && strcmp(outcome->stopped, "time") == 0)
		return -1;
	return stop ? stop : (int)njobs;
}

/* The sizes the search added: a size where two pairs were measured, or
 * two THP settings, is one size. */
static unsigned sizes_added(const struct sweep *sw)
{
	unsigned n = 0;

	for (size_t i = 0; i < sw->ncells; i++) {
		size_t k = 0;

		if (!sw->cells[i].refined)
			continue;
		while (k < i && !(sw->cells[k].refined &&
				  sw->cells[k].ballast_kib == sw->cells[i].ballast_kib))
			k++;
		n += k == i;
	}
	return n;
}

void refine_sweep(struct sweep *sw, struct refine_outcome *outcome, struct samples *s,
		  struct spawn_ctx *ctx)
{
	uint64_t start = now_ns();
	int got = 0;

	outcome->stopped = "converged";
	/* the claims' pairs first, then the chart's: a size at a time for
	 * each crossing in turn, until none is left to narrow or time is up */
	for (int rank = 0; rank < 2 && got >= 0; rank++)
		while ((got = step(sw, outcome, s, ctx, rank, start)) > 0)
			;
	if (guard_stop)
		outcome->stopped = "interrupted";
	outcome->sizes = sizes_added(sw);
	fprintf(stderr, "spawncost: refine: %u sizes added in %.1f s (%s)\n", outcome->sizes,
		(double)(now_ns() - start) / 1e9, outcome->stopped);
}
