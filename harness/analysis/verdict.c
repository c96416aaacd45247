#include <math.h>
#include <stdio.h>

#include "verdict.h"

bool est_ok(struct est e)
{
	return isfinite(e.v) && isfinite(e.lo) && isfinite(e.hi);
}

struct est est_ratio(struct est a, struct est b)
{
	struct est r = { NAN, NAN, NAN };

	if (!est_ok(a) || !est_ok(b) || !(b.lo > 0) || !(b.v > 0))
		return r;
	r.v = a.v / b.v;
	r.lo = a.lo / b.hi;
	r.hi = a.hi / b.lo;
	return r;
}

struct est est_slope(struct est a, struct est b, double dx)
{
	struct est s = { NAN, NAN, NAN };

	if (!est_ok(a) || !est_ok(b) || !(dx > 0))
		return s;
	s.v = (b.v - a.v) / dx;
	s.lo = (b.lo - a.hi) / dx;
	s.hi = (b.hi - a.lo) / dx;
	return s;
}

enum status status_in_band(enum side s)
{
	switch (s) {
	case SIDE_WITHIN:
		return ST_HOLDS;
	case SIDE_ACROSS:
		return ST_UNSURE;
	default:
		return ST_FAILS;
	}
}

struct verdict verdict_of(const struct point *p, size_t n)
{
	struct verdict v = { .kind = V_NO_DATA, .from = NAN, .to = NAN };
	size_t first = n, last = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i].st == ST_HOLDS) {
			v.holds++;
			if (first == n)
				first = i;
			last = i;
		} else if (p[i].st == ST_FAILS) {
			v.fails++;
		} else {
			v.unsure++;
		}
	}
	if (n == 0)
		return v;
	if (v.holds == n) {
		v.kind = V_HOLDS;
	} else if (v.holds) {
		v.kind = V_HOLDS_ONLY;
		v.from = p[first].rss_mib;
		v.to = p[last].rss_mib;
		v.gaps = last - first + 1 != v.holds;
	} else {
		v.kind = v.fails ? V_FAILS : V_UNDECIDED;
	}
	return v;
}

char *verdict_phrase(const struct verdict *v, char *buf, size_t len)
{
	static const char *const phrase[] = {
		[V_NO_DATA] = "no data",
		[V_HOLDS] = "holds",
		[V_FAILS] = "does not hold",
		[V_UNDECIDED] = "undecided (every interval straddles the line)",
	};

	/* one size is no range: "[0, 0]" would read as a measured stretch */
	if (v->kind == V_HOLDS_ONLY && v->from == v->to)
		snprintf(buf, len, "holds only at RSS %g MiB", v->from);
	else if (v->kind == V_HOLDS_ONLY)
		snprintf(buf, len, "holds only for RSS in [%g, %g] MiB%s", v->from, v->to,
			 v->gaps ? " (not at every RSS between)" : "");
	else
		snprintf(buf, len, "%s", phrase[v->kind]);
	return buf;
}

/* -1 wholly below level, 1 wholly above, 0 across it. */
static int level_side(const struct point *p, double level)
{
	return p->r.hi < level ? -1 : p->r.lo > level ? 1 : 0;
}

struct bracket crossing_bracket(const struct point *p, size_t n, double level, double rss)
{
	struct bracket b = { BR_UNDECIDED, NAN, NAN, NAN, NAN };
	size_t i = 0, lo, hi;

	if (n < 2)
		return b;
	while (i + 2 < n && p[i + 1].rss_mib <= rss)
		i++;
	/* outward from the segment, over the sizes whose interval is across */
	for (lo = i; lo > 0 && level_side(&p[lo], level) == 0;)
		lo--;
	for (hi = i + 1; hi + 1 < n && level_side(&p[hi], level) == 0;)
		hi++;
	b.from = p[lo].rss_mib;
	b.to = p[hi].rss_mib;
	b.res_from = p[lo].res_mib;
	b.res_to = p[hi].res_mib;
	if (level_side(&p[lo], level) * level_side(&p[hi], level) == 1)
		b.kind = BR_TOUCH;
	if (level_side(&p[lo], level) * level_side(&p[hi], level) != -1)
		return b;
	b.kind = b.to - b.from <= fmax(0.25, b.to / 10) + 1e-9 ? BR_MEASURED : BR_WIDE;
	return b;
}

size_t crossings(const struct point *p, size_t n, double level, struct point *at, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i + 1 < n && k < max; i++) {
		double a = p[i].r.v - level, b = p[i + 1].r.v - level, t;

		if (!isfinite(a) || !isfinite(b))
			continue;
		/* A point exactly on the level counts once, at the end of the
		 * segment that reaches it; a curve that only touches it and
		 * turns back does not cross. */
		if (!((a < 0 && b >= 0) || (a > 0 && b <= 0)))
			continue;
		if (b == 0 && i + 2 < n && (p[i + 2].r.v - level) * a > 0)
			continue;
		t = a / (a - b);
		at[k] = p[i];
		at[k].rss_mib = p[i].rss_mib + t * (p[i + 1].rss_mib - p[i].rss_mib);
		at[k].res_mib = p[i].res_mib + t * (p[i + 1].res_mib - p[i].res_mib);
		at[k].r.v = at[k].r.lo = at[k].r.hi = level;
		k++;
	}
	return k;
}
