/* The claims' ratios of a run, named as series: see ratios.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bands.h"
#include "claims.h"
#include "grow.h"
#include "ratios.h"
#include "results.h"

/* bands[i] is the first band of its pair: the claim and the "as efficient"
 * band share fork-exec/vfork-exec, and one series carries both. */
static bool first_of_pair(size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(bands[j].a, bands[i].a) == 0 && strcmp(bands[j].b, bands[i].b) == 0)
			return false;
	return true;
}

int claim_ratios(const struct rundir *r, struct claim_ratio **out, size_t *n)
{
	double rss[MAX_RSS];
	const char *thp[MAX_THP];
	size_t nrss = run_rss(r, rss, MAX_RSS), nthp = run_thps(r, thp, MAX_THP), cap = 0;
	struct claim_ratio *v = NULL;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < NBANDS; i++)
		for (size_t t = 0; t < nthp && first_of_pair(i); t++)
			for (size_t s = 0; s < nrss; s++) {
				const struct cell_data *ca = run_cell(r, bands[i].a, rss[s], thp[t]);
				const struct cell_data *cb = run_cell(r, bands[i].b, rss[s], thp[t]);
				struct claim_ratio *c;

				if (!ca || !cb || run_size_refined(r, rss[s]))
					continue;
				if (grow(&v, *n, &cap, sizeof *v)) {
					free(v);
					return -1;
				}
				c = &v[*n];
				*c = (struct claim_ratio){ .a = bands[i].a, .b = bands[i].b,
							   .thp = thp[t], .rss_mib = rss[s] };
				if (paired_ratio(ca, cb, &c->p))
					continue;	/* no figure */
				snprintf(c->name, sizeof c->name, "ratio %s/%s at %g MiB%s%.16s",
					 c->a, c->b, c->rss_mib, strcmp(c->thp, "off") ? ", thp " : "",
					 strcmp(c->thp, "off") ? c->thp : "");
				(*n)++;
			}
	*out = v;
	return 0;
}
