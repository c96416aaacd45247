#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "scaling.h"

/* The number of spawners, as every reader reads a count; NaN when none. */
static double spawners_of(const struct cell_data *c)
{
	bool bad = false;

	return field_num(c->parallel, FIELD_COUNT, &bad);
}

static bool counted(const struct cell_data *c)
{
	return cell_ok(c) && cell_plain_parent(c) && !*c->variant && !isnan(c->throughput) &&
	       spawners_of(c) >= 1;
}

/* Same series: everything but the number of spawners. */
static bool same(const struct cell_data *a, const struct cell_data *b)
{
	return strcmp(a->method, b->method) == 0 && strcmp(a->thp, b->thp) == 0 &&
	       strcmp(a->spawners, b->spawners) == 0 && strcmp(a->target, b->target) == 0 &&
	       a->rss_mib == b->rss_mib;
}

static int by_series(const void *pa, const void *pb)
{
	const struct cell_data *a = *(const struct cell_data *const *)pa;
	const struct cell_data *b = *(const struct cell_data *const *)pb;
	int d = method_rank(a->method) - method_rank(b->method);

	if (!d)
		d = strcmp(a->method, b->method);
	if (!d)
		d = strcmp(a->thp, b->thp);
	if (!d)
		d = (a->rss_mib > b->rss_mib) - (a->rss_mib < b->rss_mib);
	if (!d)
		d = strcmp(b->spawners, a->spawners);	/* processes, then threads */
	if (!d)
		d = strcmp(a->target, b->target);
	if (!d)
		d = (spawners_of(a) > spawners_of(b)) - (spawners_of(a) < spawners_of(b));
	return d;
}

size_t scaling_series(const struct rundir *r, struct scale *out, size_t max)
{
	const struct cell_data **c = calloc(r->ncells + 1, sizeof *c);
	size_t n = 0, k = 0;

	if (!c)
		return 0;
	for (size_t i = 0; i < r->ncells; i++)
		if (counted(&r->cells[i]))
			c[n++] = &r->cells[i];
	qsort(c, n, sizeof *c, by_series);
	for (size_t i = 0; i < n && k < max;) {
		struct scale *s = &out[k];
		size_t j = i;

		s->first = c[i];
		s->n = 0;
		for (; j < n && same(c[j], c[i]); j++)
			if (s->n < SCALE_POINTS) {
				s->parallel[s->n] = spawners_of(c[j]);
				s->rate[s->n++] = c[j]->throughput;
			}
		k += s->n >= 2;
		i = j;
	}
	free(c);
	return k;
}

void scaling_section(FILE *f, const struct rundir *r)
{
	struct scale s[SCALE_SERIES];
	size_t n = scaling_series(r, s, SCALE_SERIES);

	if (!n)
		return;
	fputs("## Scaling\n\nRound trips per second summed over N spawners started together "
	      "(`--parallel`), each on its own CPU as the pin policy orders them; probes "
	      "included. Speed-up is the rate at the largest N over the rate at the smallest "
	      "(1 when measured), efficiency the speed-up over that ratio of N: 100% is "
	      "perfect scaling.\n\n", f);
	fputs("| method | RSS (MiB) | THP | spawners | N | rate at N (/s) | largest N | rate (/s) "
	      "| speed-up | efficiency |\n|---|---:|---|---|---:|---:|---:|---:|---:|---:|\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct scale *x = &s[i];
		double lo = x->parallel[0], hi = x->parallel[x->n - 1];
		double up = x->rate[x->n - 1] / x->rate[0];

		fprintf(f, "| %s | %s | %s | %s | %g | %.0f | %g | %.0f | %.2f× | %.0f%% |\n",
			x->first->method, x->first->rss_text, x->first->thp, x->first->spawners,
			lo, x->rate[0], hi, x->rate[x->n - 1], up, 100 * up / (hi / lo));
	}
	fputc('\n', f);
}
