/* The change-point detector: E-Divisive with means and a permutation test
 * (see history_detect.h for what it does and whose it is).
 *
 * Cost. Scoring every split of a segment of m runs needs, for each run,
 * its summed distance to the runs before it; a Fenwick tree over the
 * values' ranks gives that in O(m log m), and the distances to the runs
 * after it follow from its distance to all others, which no reordering
 * changes and is worked out once. A test is then R + 1 such passes
 * (R = 999), and one that is not significant usually stops after a few
 * dozen. Windows of 30 runs bound m: the cost grows with the length of a
 * series, not with its square (docs/history.md has the timings). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "history_detect.h"
#include "verdict.h"
#include "winstats.h"

/* Every test starts from this seed, mixed with its segment's bounds: the
 * same series gives the same p-values, whatever order segments are
 * searched in. */
#define DETECT_SEED 0x9e3779b97f4a7c15ULL

size_t detect_permutations(double alpha)
{
	double r = ceil(10 / alpha) - 1;

	return r < 999 ? 999 : r > 99999 ? 99999 : (size_t)r;
}

/* splitmix64 (Steele, Lea and Flood, OOPSLA 2014): small, and enough to
 * shuffle a few hundred runs. */
static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (Lemire's multiply-shift). */
static size_t below(uint64_t *s, size_t n)
{
	return (size_t)(((unsigned __int128)next_random(s) * n) >> 64);
}

/* One segment's runs, ready to be scored in any order. */
struct segment {
	size_t m, min;
	double *y;	/* log figures, in the current order */
	size_t *rank;	/* each one's rank among them (ties apart), same order */
	double *dist;	/* by rank: its summed distance to all the others */
	double total;	/* the summed distance over all pairs */
	double *cnt, *sum;	/* Fenwick trees over ranks, 1-based */
	double *before;	/* by position: summed distance to the runs before it */
};

static void tree_add(double *t, size_t m, size_t i, double v)
{
	for (; i <= m; i += i & -i)
		t[i] += v;
}

static double tree_sum(const double *t, size_t i)
{
	double s = 0;

	for (; i > 0; i -= i & -i)
		s += t[i];
	return s;
}

/* The best split of the segment in its current order: Q at it, and the
 * number of runs on its left in *at. -INFINITY when the segment has no
 * split with min runs a side. */
static double best_split(struct segment *g, size_t *at)
{
	size_t m = g->m;
	double seen = 0, within_l = 0, within_r = g->total, between = 0, best = -INFINITY;

	memset(g->cnt, 0, (m + 1) * sizeof *g->cnt);
	memset(g->sum, 0, (m + 1) * sizeof *g->sum);
	for (size_t t = 0; t < m; t++) {
		size_t k = g->rank[t] + 1;
		double y = g->y[t], cb = tree_sum(g->cnt, k - 1), sb = tree_sum(g->sum, k - 1);

		g->before[t] = cb * y - sb + (seen - sb) - ((double)t - cb) * y;
		tree_add(g->cnt, m, k, 1);
		tree_add(g->sum, m, k, y);
		seen += y;
	}
	/* move the runs one by one from the right side to the left */
	for (size_t k = 1; k < m; k++) {
		double after = g->dist[g->rank[k - 1]] - g->before[k - 1];
		double nl = (double)k, nr = (double)(m - k), e;

		within_l += g->before[k - 1];
		within_r -= after;
		between += after - g->before[k - 1];
		if (k < g->min || m - k < g->min)
			continue;
		e = 2 * between / (nl * nr) - (k > 1 ? within_l / (nl * (nl - 1) / 2) : 0) -
		    (m - k > 1 ? within_r / (nr * (nr - 1) / 2) : 0);
		if (nl * nr / (double)m * e > best) {
			best = nl * nr / (double)m * e;
			*at = k;
		}
	}
	return best;
}

static int by_value(const void *a, const void *b)
{
	double x = **(const double *const *)a, y = **(const double *const *)b;

	return (x > y) - (x < y);
}

/* Load y[0..m) into g: ranks, each value's distance to all, the total. */
static int segment_load(struct segment *g, const double *y, size_t m)
{
	const double **order = malloc(m * sizeof *order);
	double prefix = 0, all = 0;

	if (!order)
		return -1;
	g->m = m;
	memcpy(g->y, y, m * sizeof *y);
	for (size_t i = 0; i < m; i++) {
		order[i] = &g->y[i];
		all += y[i];
	}
	qsort(order, m, sizeof *order, by_value);
	g->total = 0;
	for (size_t k = 0; k < m; k++) {
		double v = *order[k];

		g->rank[order[k] - g->y] = k;
		/* below it: k v - prefix; above it: (all - prefix - v) - (m-k-1) v */
		g->dist[k] = (double)k * v - prefix + (all - prefix - v) - (double)(m - k - 1) * v;
		g->total += g->dist[k];
		prefix += v;
	}
	g->total /= 2;
	free(order);
	return 0;
}

/* The permutation test of the best split's score q in segment g (its
 * order is shuffled). Stops as soon as p can no longer go below alpha. */
static double permutation_p(struct segment *g, double q, double alpha, uint64_t seed)
{
	size_t r = detect_permutations(alpha), as_high = 0, at;
	double tol = 1e-9 * fabs(q) + 1e-12;

	for (size_t i = 0; i < r; i++) {
		for (size_t j = g->m - 1; j > 0; j--) {
			size_t k = below(&seed, j + 1), rk = g->rank[j];
			double y = g->y[j];

			g->y[j] = g->y[k];
			g->y[k] = y;
			g->rank[j] = g->rank[k];
			g->rank[k] = rk;
		}
		as_high += best_split(g, &at) >= q - tol;
		if ((double)(as_high + 1) / (double)(r + 1) >= alpha)
			return (double)(as_high + 1) / (double)(r + 1);	/* not significant */
	}
	return (double)(as_high + 1) / (double)(r + 1);
}

struct found {
	struct change *v;
	size_t n, cap;
};

static int add_change(struct found *f, size_t at, double p)
{
	if (grow(&f->v, f->n, &f->cap, sizeof *f->v))
		return -1;
	f->v[f->n++] = (struct change){ .at = at, .p = p };
	return 0;
}

/* E-Divisive's bisection: split y[lo..hi) where it is significant, then
 * search each side. */
static int search(const double *y, size_t lo, size_t hi, const struct detect_opts *o,
		  struct segment *g, struct found *f)
{
	size_t at;
	double q, p;

	if (hi - lo < 2 * g->min)
		return 0;
	if (segment_load(g, y + lo, hi - lo))
		return -1;
	q = best_split(g, &at);
	if (!isfinite(q))
		return 0;
	p = permutation_p(g, q, o->alpha, DETECT_SEED ^ ((uint64_t)lo << 32 | hi));
	if (!(p < o->alpha))
		return 0;
	if (add_change(f, lo + at, p))
		return -1;
	return search(y, lo, lo + at, o, g, f) || search(y, lo + at, hi, o, g, f) ? -1 : 0;
}

static size_t window_len(const struct detect_opts *o, size_t n, size_t min)
{
	size_t w = o->window == 0 ? n : o->window > 2 * min ? o->window : 2 * min;

	return w < n ? w : n;
}

static int windows(const double *y, size_t n, const struct detect_opts *o, struct segment *g,
		   struct found *f)
{
	size_t w = window_len(o, n, g->min);

	for (size_t start = 0;;) {
		size_t end = n - start > w ? start + w : n, next = start + w / 2, had = f->n,
		       keep = had;

		if (search(y, start, end, o, g, f))
			return -1;
		if (end == n)
			return 0;
		/* A window short of the newest run is no series' end: a split in
		 * its last runs ends there by our cut, not the runs' (a passing
		 * dip at that edge would read as a step). Only the changes with
		 * half a window after them stay; the next window, half a window
		 * on, sees the others with runs on both sides. */
		for (size_t i = had; i < f->n; i++)
			if (f->v[i].at < next + g->min)
				f->v[keep++] = f->v[i];
		f->n = keep;
		for (size_t i = had; i < f->n; i++)
			if (f->v[i].at > next)
				next = f->v[i].at;
		start = next;
	}
}

/* The median of x[lo..hi) with its interval, and that interval's coverage. */
static struct est side(const double *x, size_t lo, size_t hi, double *scratch, double *level)
{
	struct est e;

	memcpy(scratch, x + lo, (hi - lo) * sizeof *x);
	window_median_ci(scratch, hi - lo, 0.95, &e.v, &e.lo, &e.hi, level);
	return e;
}

/* Each change's segments and step, from its neighbours. */
static void measure(const double *x, size_t n, struct change *c, size_t k, double *scratch)
{
	for (size_t i = 0; i < k; i++) {
		double lb, la;

		c[i].lo = i ? c[i - 1].at : 0;
		c[i].hi = i + 1 < k ? c[i + 1].at : n;
		c[i].before = side(x, c[i].lo, c[i].at, scratch, &lb);
		c[i].after = side(x, c[i].at, c[i].hi, scratch, &la);
		c[i].step = est_ratio(c[i].after, c[i].before);
		c[i].level = lb * la;
	}
}

static int by_at(const void *a, const void *b)
{
	const struct change *x = a, *y = b;

	return (x->at > y->at) - (x->at < y->at);
}

/* Drop the smallest step below the threshold, merging its two segments,
 * until none is left. */
static void drop_small(const double *x, size_t n, struct found *f, double threshold_pct,
		       double *scratch)
{
	double bar = log1p(threshold_pct / 100);

	for (;;) {
		size_t least = 0;

		measure(x, n, f->v, f->n, scratch);
		for (size_t i = 1; i < f->n; i++)
			if (fabs(log(f->v[i].step.v)) < fabs(log(f->v[least].step.v)))
				least = i;
		if (f->n == 0 || !(fabs(log(f->v[least].step.v)) < bar))
			return;
		memmove(&f->v[least], &f->v[least + 1], (f->n - least - 1) * sizeof *f->v);
		f->n--;
	}
}

int detect_changes(const double *x, size_t n, const struct detect_opts *o, struct change **out)
{
	struct segment g = { .min = o->min_size ? o->min_size : 1 };
	struct found f = { 0 };
	double *y = malloc((n + 1) * sizeof *y), *scratch = malloc((n + 1) * sizeof *scratch);
	int rc = -1;

	*out = NULL;
	g.y = malloc((n + 1) * sizeof *g.y);
	g.rank = malloc((n + 1) * sizeof *g.rank);
	g.dist = malloc((n + 1) * sizeof *g.dist);
	g.cnt = malloc((n + 1) * sizeof *g.cnt);
	g.sum = malloc((n + 1) * sizeof *g.sum);
	g.before = malloc((n + 1) * sizeof *g.before);
	if (!y || !scratch || !g.y || !g.rank || !g.dist || !g.cnt || !g.sum || !g.before)
		goto out;
	for (size_t i = 0; i < n; i++)
		y[i] = log(x[i]);
	if (windows(y, n, o, &g, &f))
		goto out;
	if (f.n)
		qsort(f.v, f.n, sizeof *f.v, by_at);
	drop_small(x, n, &f, o->threshold_pct, scratch);
	*out = f.v;
	f.v = NULL;
	rc = (int)f.n;
out:
	free(f.v);
	free(y);
	free(scratch);
	free(g.y);
	free(g.rank);
	free(g.dist);
	free(g.cnt);
	free(g.sum);
	free(g.before);
	return rc;
}
