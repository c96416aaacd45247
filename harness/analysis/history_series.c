/* history's series: one per cell and one per claim ratio at each swept
 * size, a point per run that has its figure, and each series' change
 * points (history_detect.h).
 *
 * A cell's point is the run's median of its windows' medians with their
 * distribution-free interval: the window is the unit of a run's figures
 * (winstats.h). A run that keeps no windows.csv gives summary.csv's median
 * and interval. Cells in error, and sizes only --refine measured (they lie
 * where each run's own figures put them, so no two runs share one), have
 * no point. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "history.h"
#include "ratios.h"
#include "winstats.h"

static struct hist_series *add_series(struct history *h, const char *name, enum hist_kind kind,
				      const struct cell_data *cell)
{
	struct hist_series *v = realloc(h->series, (h->nseries + 1) * sizeof *v), *s;

	if (!v)
		return NULL;
	h->series = v;
	s = &v[h->nseries];
	*s = (struct hist_series){ .name = strdup(name), .kind = kind, .cell = cell };
	if (!s->name)
		return NULL;
	h->nseries++;
	return s;
}

static int add_point(struct hist_series *s, size_t run, struct est v)
{
	if (grow(&s->pt, s->n, &s->cap, sizeof *s->pt))
		return -1;
	s->pt[s->n++] = (struct hist_point){ .run = run, .v = v };
	return 0;
}

/* The cell's figure: its windows' median and their interval. */
static struct est cell_figure(const struct cell_data *c, double *scratch)
{
	struct est e = c->med;
	double level;

	if (c->nwin == 0)
		return e;
	for (size_t k = 0; k < c->nwin; k++)
		scratch[k] = c->win[k].median_us;
	window_median_ci(scratch, c->nwin, 0.95, &e.v, &e.lo, &e.hi, &level);
	return e;
}

/* The series of cell c, found by compare's match (cell_same on the keys
 * every run has), from the last one found on, as runs list cells alike. */
static struct hist_series *cell_series(struct history *h, const struct cell_data *c,
				       const bool *use, size_t *last)
{
	for (size_t tries = 0; tries < h->nseries; tries++) {
		struct hist_series *s = &h->series[(*last + tries) % h->nseries];

		if (s->kind == SERIES_CELL && cell_same(s->cell, c, use)) {
			*last = (size_t)(s - h->series);
			return s;
		}
	}
	*last = h->nseries;
	return add_series(h, c->name, SERIES_CELL, c);
}

static int cells_of(struct history *h, size_t run, size_t *last)
{
	const struct rundir *r = &h->rd[run];
	size_t most = 1;
	double *scratch;
	int rc = -1;

	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].nwin > most)
			most = r->cells[i].nwin;
	if (!(scratch = malloc(most * sizeof *scratch)))
		return -1;
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell_data *c = &r->cells[i];
		struct hist_series *s;

		if (c->error[0] || c->refined || !(c->med.v > 0))
			continue;
		if (!(s = cell_series(h, c, r->use_key, last)) ||
		    add_point(s, run, cell_figure(c, scratch)))
			goto out;
	}
	rc = 0;
out:
	free(scratch);
	return rc;
}

static int ratios_of(struct history *h, size_t run, size_t first_ratio)
{
	struct claim_ratio *cr;
	size_t n;

	if (claim_ratios(&h->rd[run], &cr, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct hist_series *s = NULL;

		if (!(cr[i].p.r.v > 0))
			continue;
		for (size_t j = first_ratio; j < h->nseries && !s; j++)
			if (strcmp(h->series[j].name, cr[i].name) == 0)
				s = &h->series[j];
		if (!s && (s = add_series(h, cr[i].name, SERIES_RATIO, NULL))) {
			s->a = cr[i].a;
			s->b = cr[i].b;
		}
		if (!s || add_point(s, run, cr[i].p.r)) {
			free(cr);
			return -1;
		}
	}
	free(cr);
	return 0;
}

static int detect(struct history *h, struct hist_series *s)
{
	double *x = malloc((s->n + 1) * sizeof *x);
	int n;

	if (!x)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		x[i] = s->pt[i].v.v;
	n = detect_changes(x, s->n, &h->o.detect, &s->cp);
	free(x);
	if (n < 0)
		return -1;
	s->ncp = (size_t)n;
	s->first = n ? h->nchanges + 1 : 0;
	h->nchanges += s->ncp;
	return 0;
}

int history_series(struct history *h, char *err)
{
	size_t last = 0, first_ratio;

	for (size_t run = 0; run < h->nruns; run++)
		if (cells_of(h, run, &last))
			goto oom;
	first_ratio = h->nseries;
	for (size_t run = 0; run < h->nruns; run++)
		if (ratios_of(h, run, first_ratio))
			goto oom;
	for (size_t i = 0; i < h->nseries; i++)
		if (detect(h, &h->series[i]))
			goto oom;
	return 0;
oom:
	snprintf(err, HISTORY_ERR_LEN, "out of memory");
	return -1;
}
