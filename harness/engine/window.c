/* One window of one cell (window.h): the kinds of window, and a window
 * measured and written. */
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "memory.h"
#include "output.h"
#include "spill.h"
#include "window.h"

/* A window the engine measures itself, on its own ballast. */
static int window_plain(const struct window_job *j, struct cell_result *res)
{
	return cell_measure(j->t->method, j->ctx, j->w, j->s, res);
}

static bool takes_runtime(const struct table_row *t, const struct run_opts *o)
{
	(void)o;
	return t->method->runtime != NULL;
}

static bool takes_parallel(const struct table_row *t, const struct run_opts *o)
{
	(void)t;
	return o->parallel_given;
}

/* The method creates threads, or the cell's parent has them: measured in
 * a child of the engine, which stays single-threaded (isolate.c). */
static bool takes_isolated(const struct table_row *t, const struct run_opts *o)
{
	(void)o;
	return t->method->isolate || t->threads > 0;
}

static bool takes_any(const struct table_row *t, const struct run_opts *o)
{
	(void)t;
	(void)o;
	return true;
}

/* In order: the first kind that takes a cell measures it. */
static const struct window_kind kinds[] = {
	{ "runtime", takes_runtime, window_runtime, COUNT_NONE },
	{ "parallel", takes_parallel, window_parallel, COUNT_NONE },
	{ "isolated", takes_isolated, window_isolated, COUNT_INSIDE },
	{ "plain", takes_any, window_plain, COUNT_AFTER },
};

const struct window_kind *window_kind_of(const struct table_row *t, const struct run_opts *o)
{
	size_t i = 0;

	while (!kinds[i].takes(t, o))
		i++;
	return &kinds[i];
}

/* The cell of one method on one ballast and parent shape. */
void plan_cell(struct table_row *c, const struct method *m, uint64_t kib, enum thp_mode thp,
	       enum ballast_kind kind, uint64_t fds, uint64_t threads, uint64_t parallel)
{
	memset(c, 0, sizeof *c);
	c->parallel = parallel;
	c->method = m;
	c->ballast_kib = kib;
	c->thp = thp;
	c->kind = kind;
	c->fds = fds;
	c->threads = threads;
	c->rss_kib = c->pte_kib = c->thp_kib = -1;
	c->fork_maps = c->fork_rss_kib = -1;
	c->child_same_cpu_pct = -1;
	for (int p = 0; p < NPHASES; p++)
		c->phase_ns[p] = -1;
}

/* After a cell's last window: its counters, in a pass of their own, a tenth
 * as many round trips as were timed (10 to 200). */
static void count_events(struct sweep *sw, struct table_row *t, struct spawn_ctx *ctx)
{
	if (!sw->counters->n || guard_stop)
		return;
	if (counters_measure(sw->counters, t->method, ctx, counters_round_trips(t->stats.n),
			     t->per_op, &t->scaled) == 0)
		t->counted = true;
}

static long max_long(long a, long b)
{
	return a > b ? a : b;
}

/* A finished window into the files and the cell's running figures. */
static void record(struct sweep *sw, size_t id, unsigned round, const struct budget *w,
		   const struct samples *s, const struct cell_result *res,
		   const struct window_clock *before, const struct window_clock *after,
		   struct window_rec **wr, double *median)
{
	struct table_row *t = &sw->cells[id];
	struct run_files *f = sw->files;
	double half = 0;
	int err;

	t->windows++;
	/* The largest the parent was in any window: it should not change. */
	t->rss_kib = max_long(t->rss_kib, res->rss_kib);
	t->pte_kib = max_long(t->pte_kib, res->pte_kib);
	t->thp_kib = max_long(t->thp_kib, res->thp_kib);
	t->fork_maps = max_long(t->fork_maps, res->fork.maps);
	t->fork_rss_kib = max_long(t->fork_rss_kib, res->fork.rss_kib);
	if (res->error[0]) {
		snprintf(t->error, sizeof t->error, "%s", res->error);
		return;
	}
	if ((err = resume_outputs(f)) && !f->write_err)
		f->write_err = err;
	write_window_samples(f, t, t->stats.n, round, s, &res->fork);
	write_window_probes(f, t, t->probes, round, s);
	if ((err = spill_add(sw->spill, (uint32_t)id, s->ns, s->n)) ||
	    (err = spill_add_probes(sw->spill, (uint32_t)id, s->probe, s->nprobe)))
		snprintf(t->error, sizeof t->error, "%s: keeping the samples failed",
			 strerrorname_np(err));
	if (median_interval(s->ns, s->n, median, &half) == 0)
		*wr = windows_add(sw->win, (uint32_t)id, round, s->n, w->warmup + s->n + s->nprobe,
				  *median, before, after);
	t->stats.n += s->n;	/* the count so far; stats come at the end */
	t->rate_sum += res->rate;
	t->probes += s->nprobe;
	if ((err = mark_whole(f, (uint32_t)id)) && !f->write_err)
		f->write_err = err;	/* ends the sweep: see finish() */
}

void run_window(struct sweep *sw, size_t id, unsigned round, struct spawn_ctx *ctx,
		struct samples *s, const char *ballast_error)
{
	const struct run_opts *o = sw->o;
	struct table_row *t = &sw->cells[id];
	const struct window_kind *kind = window_kind_of(t, o);
	struct cell_result res = { .rss_kib = -1, .pte_kib = -1, .thp_kib = -1,
				   .fork = { -1, -1 } };
	struct budget w = window_budget(&o->budget, round, o->rounds);
	bool last = round + 1 == o->rounds;
	struct window_job job = { .t = t, .ctx = ctx, .w = &w, .s = s, .o = o,
				  .count = last && kind->counting == COUNT_INSIDE ? sw->counters : NULL,
				  .spawners = sw->spawners };
	double median = -1;	/* the window's own, for progress and spread */
	struct window_clock before, after;
	struct window_rec *wr = NULL;
	int rc = 0;

	if (t->error[0] || (w.iterations == 0 && o->budget.iterations))
		return;	/* failed in an earlier window, or no share of -n left */
	t->pages = t->method->per_page ? ctx->nchunks * ctx->chunk_bytes / page_bytes() : 0;
	progress_start(round, o->rounds, id + 1, sw->ncells, t);
	/* what the machine took from the engine meanwhile, read around the
	 * window, never inside it */
	window_clock_read(sw->win, &before);
	if (ballast_error)
		snprintf(res.error, sizeof res.error, "%s", ballast_error);
	else
		rc = kind->measure(&job, &res);
	window_clock_read(sw->win, &after);
	if (rc == CELL_ABANDONED) {
		/* interrupted: the window is neither a figure nor an error */
		progress_done("", 0, -1, NULL);
		return;
	}
	record(sw, id, round, &w, s, &res, &before, &after, &wr, &median);
	if (!res.error[0] && last && kind->counting == COUNT_AFTER)
		count_events(sw, t, ctx);
	progress_done(res.error, s->n, median, wr);
}
