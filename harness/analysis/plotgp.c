#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "plotdata.h"
#include "plotgp.h"

bool spawn_cell(const struct claims *cl, const struct cell_data *c)
{
	/* the runtime methods have a chart of their own, against their
	 * driver's memory rather than the engine's */
	return cell_ok(c) && !cell_per_page(c) && strncmp(c->method, "rt-", 3) != 0;
}

/* The cells a one-parameter chart shows: plain, at the run's first THP
 * setting ("off" when it has it). */
bool plain_off_cell(const struct claims *cl, const struct cell_data *c)
{
	return spawn_cell(cl, c) && cell_plain(c) && strcmp(c->thp, cl->thp[0]) == 0;
}

bool per_page_cell(const struct claims *cl, const struct cell_data *c)
{
	return cell_ok(c) && !isnan(c->per_page_ns);
}

bool phase_cell(const struct claims *cl, const struct cell_data *c)
{
	if (!plain_off_cell(cl, c))
		return false;
	for (int k = 0; k < NPHASES; k++)
		if (!isnan(c->phase[k]))
			return true;
	return false;
}

bool any_cell(const struct rundir *r, const struct claims *cl, cell_filter *keep)
{
	for (size_t i = 0; i < r->ncells; i++)
		if (keep(cl, &r->cells[i]))
			return true;
	return false;
}

static int thp_order(const char *t)
{
	return strcmp(t, "off") == 0 ? 0 : strcmp(t, "on") == 0 ? 1 : 2;
}

static int cmp_series(const struct cell_data *x, const struct cell_data *y)
{
	int d;

	if ((d = method_rank(x->method) - method_rank(y->method)) ||
	    (d = strcmp(x->method, y->method)) || (d = thp_order(x->thp) - thp_order(y->thp)) ||
	    (d = strcmp(x->thp, y->thp)) || (d = strcmp(x->target, y->target)) ||
	    (d = strcmp(x->ballast, y->ballast)) || (d = strcmp(x->variant, y->variant)))
		return d;
	return 0;
}

static int cmp_cells(const void *a, const void *b)
{
	const struct cell_data *x = *(const struct cell_data *const *)a;
	const struct cell_data *y = *(const struct cell_data *const *)b;
	int d = cmp_series(x, y);

	if (d)
		return d;
	if (x->rss_mib != y->rss_mib)
		return x->rss_mib < y->rss_mib ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

bool same_series(const struct cell_data *a, const struct cell_data *b)
{
	return cmp_series(a, b) == 0;
}

int sorted_cells(const struct plot *p, struct sorted *s, cell_filter *keep)
{
	s->n = 0;
	s->c = calloc(p->r->ncells + 1, sizeof *s->c);
	if (!s->c)
		return -1;
	for (size_t i = 0; i < p->r->ncells; i++)
		if (keep(p->c, &p->r->cells[i]))
			s->c[s->n++] = &p->r->cells[i];
	qsort(s->c, s->n, sizeof *s->c, cmp_cells);
	return 0;
}

const char *series_label(const struct rundir *r, const struct cell_data *c)
{
	static char buf[LABEL_LEN];
	int n = snprintf(buf, sizeof buf, "%s", c->method);

#define MORE(...)                                                               \
	do {                                                                    \
		if (n >= 0 && (size_t)n < sizeof buf)                           \
			n += snprintf(buf + n, sizeof buf - (size_t)n, __VA_ARGS__); \
	} while (0)
	if (strcmp(c->target, "none") && strcmp(c->target, r->target))
		MORE(" → %s", c->target);
	if (*c->variant)
		MORE(" %s", c->variant);
	if (*c->ballast && strcmp(c->ballast, "anon"))
		MORE(" [%s]", c->ballast);
	if (strcmp(c->thp, "off"))
		MORE(", THP %s", c->thp);
#undef MORE
	return buf;
}

void plot_init(struct plot *p, const struct rundir *r, const struct claims *c, const char *out)
{
	p->r = r;
	p->c = c;
	p->emulated = run_emulated(r);
	snprintf(p->out, sizeof p->out, "%s", out);
	/* One line a chart, not a loop: each names a different member. */
	p->lat.prefix = "lat";
	p->clm.prefix = "clm";
	p->crs.prefix = "crs";
	p->bar.prefix = "bar";
	p->cdf.prefix = "cdf";
	p->cow.prefix = "cow";
	p->fit.prefix = "fit";
	p->cnt.prefix = "cnt";
	p->ev.prefix = "ev";
	p->ph.prefix = "ph";
	p->scl.prefix = "scl";
	p->rt.prefix = "rt";
	p->cmp.prefix = "cmp";
	p->cmr.prefix = "cmr";
	p->cmq.prefix = "cmq";
	p->clm_zoom[0] = INFINITY;
	p->clm_zoom[1] = -INFINITY;
	/* One colour per method, in table order, the same in every chart. */
	for (size_t i = 0; i < r->ncells; i++)
		method_color(p, r->cells[i].method);
}

static int by_rank(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int d = method_rank(x) - method_rank(y);

	return d ? d : strcmp(x, y);
}

int method_color(struct plot *p, const char *method)
{
	for (size_t i = 0; i < p->nmethods; i++)
		if (strcmp(p->methods[i], method) == 0)
			return (int)i + 1;
	if (p->nmethods == MAX_SERIES)
		return 1;
	p->methods[p->nmethods++] = method;
	qsort(p->methods, p->nmethods, sizeof *p->methods, by_rank);
	return method_color(p, method);
}

static bool style_taken(const struct names *n, int color, int dt)
{
	for (size_t i = 0; i < n->n; i++)
		if (n->color[i] == color && n->dt[i] == dt)
			return true;
	return false;
}

void series_add_raw(struct plot *p, struct names *n, const char *label, int color, int dt)
{
	if (n->n == MAX_SERIES)
		return;
	/* No two series of a chart in one style: a variant that a series of
	 * the same colour has (fork-exit [dontfork] after [wipeonfork], the
	 * scaling chart's 64 MiB after its 0 MiB) takes the next free one. */
	while (style_taken(n, color, dt))
		dt++;
	snprintf(n->label[n->n], LABEL_LEN, "%s", label);
	n->color[n->n] = color;
	n->dt[n->n] = dt;
	n->n++;
}

void series_add(struct plot *p, struct names *n, const struct cell_data *c, const char *label)
{
	int dt = !cell_plain(c) ? 3 : strcmp(c->thp, "off") ? 2 : 1;

	series_add_raw(p, n, label, method_color(p, c->method), dt);
}

static void fail(struct plot *p, int e)
{
	if (!p->err) {
		p->err = e ? e : EIO;
		snprintf(p->err_path, sizeof p->err_path, "%s", p->path);
	}
}

void csv_open(struct plot *p, const char *name, const char *header)
{
	snprintf(p->path, sizeof p->path, "%s/%s", p->out, name);
	p->f = fopen(p->path, "w");
	if (!p->f) {
		fail(p, errno);
		return;
	}
	fprintf(p->f, "%s\n", header);
}

void row(struct plot *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->f)
		return;
	va_start(ap, fmt);
	vfprintf(p->f, fmt, ap);
	va_end(ap);
	fputc('\n', p->f);
}

void csv_close(struct plot *p)
{
	if (!p->f)
		return;
	if (ferror(p->f))
		fail(p, errno);
	if (fclose(p->f))
		fail(p, errno);
	p->f = NULL;
}

const char *num(double v)
{
	static char ring[12][32];
	static unsigned i;
	char *b = ring[i++ % 12];

	if (isnan(v))
		b[0] = '\0';
	else
		snprintf(b, sizeof ring[0], "%.9g", v);
	return b;
}

const char *approx(double v)
{
	static char ring[4][32];
	static unsigned i;
	char *b = ring[i++ % 4];

	snprintf(b, sizeof ring[0], v < 10 ? "%.1f" : "%.0f", v);
	return b;
}

void gp_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void gp_names(FILE *f, const struct names *n)
{
	if (!n->n)
		return;
	fprintf(f, "%s_n = %zu\narray %s_label = [", n->prefix, n->n, n->prefix);
	for (size_t i = 0; i < n->n; i++) {
		fputs(i ? ", " : "", f);
		gp_string(f, n->label[i]);
	}
	fprintf(f, "]\narray %s_color = [", n->prefix);
	for (size_t i = 0; i < n->n; i++)
		fprintf(f, "%s%d", i ? ", " : "", n->color[i]);
	fprintf(f, "]\narray %s_dt = [", n->prefix);
	for (size_t i = 0; i < n->n; i++)
		fprintf(f, "%s%d", i ? ", " : "", n->dt[i]);
	fputs("]\n", f);
}

/* The run's names and the scalars the chart scripts place things by. */
static void gp_scalars(FILE *f, const struct plot *p)
{
	char label[LABEL_LEN * 2];

	fprintf(f, "# Names for the tables beside this file; written by spawncost "
		   "report --plot-data.\nrun_label = ");
	gp_string(f, run_label(p->r, label, sizeof label));
	fputs("\nrun_title = ", f);
	gp_string(f, run_title(p->r, label, sizeof label));
	fputs("\nemulated_note = ", f);
	gp_string(f, p->emulated ? EMULATED_NOTE : "");
	fprintf(f, "\nbar_rss = %s\ncdf_rss = %s\n", num(p->bar_rss), num(p->cdf_rss));
	fprintf(f, "ph_rss1 = %s\nph_rss2 = %s\n", num(p->ph_rss[0]), num(p->ph_rss[1]));
	/* What the smallest parent has resident beyond its ballast: the
	 * claim chart's ballast axis is log(ballast + this), where 0 MiB
	 * has a place. */
	if (p->c->nrss)
		fprintf(f, "rss_base = %s\n",
			num(fmax(0.5, run_resident(p->r, p->c->rss[0]) - p->c->rss[0])));
	if (p->clm_zoom[0] <= p->clm_zoom[1])
		fprintf(f, "clm_zoom_lo = %s\nclm_zoom_hi = %s\n", num(p->clm_zoom[0]),
			num(p->clm_zoom[1]));
}

/* The counters chart: the events left out as 0, and which panels are log. */
static void gp_events(FILE *f, const struct plot *p)
{
	if (*p->ev_zero) {
		fputs("ev_zero = ", f);
		gp_string(f, p->ev_zero);
		fputc('\n', f);
	}
	if (p->ev.n) {
		fputs("array ev_log = [", f);
		for (size_t i = 0; i < p->ev.n; i++)
			fprintf(f, "%s%d", i ? ", " : "", p->ev_log[i]);
		fputs("]\n", f);
	}
}

/* The ballast sizes of the sweep (not those run --refine added, which
 * would crowd it), placed at their resident size: tics for the charts' top
 * axis. */
static void gp_rss_tics(FILE *f, const struct plot *p)
{
	fputs("array rss_x = [", f);
	for (size_t i = 0, k = 0; i < p->c->nrss; i++)
		if (!run_size_refined(p->r, p->c->rss[i]))
			fprintf(f, "%s%s", k++ ? ", " : "", num(run_resident(p->r, p->c->rss[i])));
	fputs("]\narray rss_mib = [", f);
	for (size_t i = 0, k = 0; i < p->c->nrss; i++)
		if (!run_size_refined(p->r, p->c->rss[i]))
			fprintf(f, "%s%s", k++ ? ", " : "", num(p->c->rss[i]));
	fputs("]\n", f);
}

int plot_finish(struct plot *p, char *err)
{
	const struct names *all[] = { &p->lat, &p->clm, &p->crs, &p->bar, &p->cdf,
				      &p->cow, &p->fit, &p->cnt, &p->ev, &p->ph, &p->scl, &p->rt,
				      &p->cmp, &p->cmr, &p->cmq };
	FILE *f;

	snprintf(p->path, sizeof p->path, "%s/charts.gp", p->out);
	f = fopen(p->path, "w");
	if (!f) {
		fail(p, errno);
	} else {
		gp_scalars(f, p);
		for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
			gp_names(f, all[i]);
		gp_events(f, p);
		gp_rss_tics(f, p);
		if (ferror(f))
			fail(p, errno);
		if (fclose(f))
			fail(p, errno);
	}
	if (p->err) {
		snprintf(err, PLOT_ERR_LEN, "cannot write %s: %s", p->err_path, strerror(p->err));
		return -1;
	}
	return 0;
}
