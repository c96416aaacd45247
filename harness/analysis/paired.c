#include <math.h>
#include <stdlib.h>

#include "paired.h"
#include "verdict.h"
#include "winstats.h"

int paired_ratio(const struct cell_data *a, const struct cell_data *b, struct paired *p)
{
	double *x, m;
	size_t n = 0;

	*p = (struct paired){ .r = { NAN, NAN, NAN }, .spread_lo = NAN, .spread_hi = NAN };
	if (!a->nwin || !b->nwin) {
		p->r = est_ratio(a->med, b->med);
		p->level = 0.95;
		return est_ok(p->r) ? 0 : -1;
	}
	if (!(x = malloc(a->nwin * sizeof *x)))
		return -1;
	for (size_t i = 0; i < a->nwin; i++)
		for (size_t j = 0; j < b->nwin; j++)
			if (a->win[i].round == b->win[j].round && b->win[j].median_us > 0) {
				x[n++] = a->win[i].median_us / b->win[j].median_us;
				break;
			}
	p->paired = true;
	p->rounds = n;
	if (n >= 2 && window_median_ci(x, n, 0.95, &m, &p->r.lo, &p->r.hi, &p->level) == 0) {
		p->r.v = m;
		p->spread_lo = x[0];
		p->spread_hi = x[n - 1];
	} else if (n == 1) {
		p->r.v = p->spread_lo = p->spread_hi = x[0];	/* a figure, no interval */
	}
	free(x);
	return isnan(p->r.v) ? -1 : 0;
}
