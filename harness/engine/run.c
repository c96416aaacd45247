/* `spawncost run`: the sweep. A run is --rounds rounds; each round builds
 * every ballast in turn and measures a window of every cell on it, so that
 * each cell's samples come from several moments of the run and a passing
 * disturbance (another tenant, a frequency change) moves only a part of
 * them. Windows are written as they finish; a cell's statistics are worked
 * out at the end from all of its windows. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "book.h"
#include "counters.h"
#include "env.h"
#include "fit.h"
#include "guard.h"
#include "run.h"
#include "parent.h"
#include "refine.h"
#include "winstats.h"
#include "output.h"
#include "spill.h"
#include "windows.h"
#include "window.h"
#include "target.h"

#define FACTS_MAX (64 * 1024)

/* A run: its options, the window layer's view of it (the cells), its
 * files, and what the windows left for the statistics at the end. It is
 * in the engine's book (cmd_run), as are the pages its pointers lead to. */
struct run {
	struct run_opts o;
	struct sweep sw;		/* the cells, for run_window (window.h) */
	struct run_files files;		/* output.h */
	struct spill spill;		/* every window's samples */
	struct windows win;		/* every window's record: medians, contention */
	struct counters counters;	/* what -e asked for and this machine allows */
	struct refine_outcome refine;	/* what --refine did */
	uint64_t *shared;		/* the page children leave results in */
};

/* Page-writing methods have nothing to write without a ballast: such cells
 * are left out of the sweep (said once on stderr), not run as errors. */
static bool cell_wanted(const struct method *m, uint64_t rss)
{
	return !(m->per_page && rss == 0);
}

/* Lay out every cell in sweep order: thp, ballast kind, descriptors,
 * threads, spawners, size, method (the order sweep() measures them in). */
static size_t plan_cells(struct run *r)
{
	const struct run_opts *o = &r->o;
	size_t n = 0;

	for (size_t t = 0; t < o->nthp; t++)
	for (size_t b = 0; b < o->nkinds; b++)
	for (size_t f = 0; f < o->nfds; f++)
	for (size_t h = 0; h < o->nthreads; h++)
	for (size_t p = 0; p < o->nparallel; p++)
	for (size_t i = 0; i < o->nrss; i++)
	for (size_t k = 0; k < o->nmethods; k++) {
		if (!cell_wanted(o->methods[k], o->rss[i]))
			continue;
		if (r->sw.cells)
			plan_cell(&r->sw.cells[n], o->methods[k], o->rss[i] * 1024, o->thp[t], o->kinds[b],
				  o->fds[f], o->threads[h], o->parallel[p]);
		n++;
	}
	return n;
}

static void read_facts(struct run *r)
{
	char *facts;
	size_t len = 0;
	ssize_t n;

	if (r->o.facts_fd < 0)
		return;
	facts = book_alloc(FACTS_MAX);
	while (facts && len < FACTS_MAX - 1 &&
	       (n = pread(r->o.facts_fd, facts + len, FACTS_MAX - 1 - len, (off_t)len)) > 0)
		len += (size_t)n;
	r->files.facts = facts;
	r->files.facts_len = len;
	close(r->o.facts_fd);
	r->o.facts_fd = -1;
}

static bool runs_path_method(const struct run_opts *o)
{
	for (size_t k = 0; k < o->nmethods; k++)
		if (strcmp(o->methods[k]->group, "path") == 0)
			return true;
	return false;
}

/* Every cell of a ballast, one window each; shape_error: why the parent
 * could not take the cells' shape (their error), or NULL. */
static void sweep_ballast(struct run *r, size_t *id, unsigned round, struct spawn_ctx *ctx,
			  struct samples *s, uint64_t rss, enum thp_mode thp, enum ballast_kind kind,
			  const char *shape_error)
{
	struct ballast b;
	char berr[160] = "";
	bool engine = false;	/* a method the engine itself measures, on its ballast */
	int err;

	for (size_t k = 0; k < r->o.nmethods; k++)
		engine |= cell_wanted(r->o.methods[k], rss) && !r->o.methods[k]->runtime;
	/* the runtime methods' drivers make their own ballast: none here for them */
	err = ballast_make(&b, engine ? rss * 1024 : 0, thp, kind, r->o.vmas);

	if (err)
		snprintf(berr, sizeof berr, "%s: ballast mmap failed", strerrorname_np(err));
	else if (shape_error)
		snprintf(berr, sizeof berr, "%s", shape_error);
	ctx->chunk = b.chunk;
	ctx->nchunks = b.nchunks;
	ctx->chunk_bytes = b.chunk_bytes;
	ctx->ballast_kind = kind;
	ctx->thp = thp;
	for (size_t k = 0; k < r->o.nmethods && !guard_stop && !r->files.write_err; k++) {
		if (!cell_wanted(r->o.methods[k], rss))
			continue;
		run_window(&r->sw, (*id)++, round, ctx, s, berr[0] ? berr : NULL);
	}
	ballast_free(&b);
}

/* Every size and method at each thread count and number of spawners, with
 * fds descriptors held. */
static void sweep_shape(struct run *r, size_t *id, unsigned round, struct spawn_ctx *ctx,
			struct samples *s, enum thp_mode thp, enum ballast_kind kind, uint64_t fds)
{
	char why[160] = "";
	int err = fds_hold(fds);

	if (err)
		snprintf(why, sizeof why, "%s: cannot hold %llu descriptors", strerrorname_np(err),
			 (unsigned long long)fds);
	for (size_t h = 0; h < r->o.nthreads && !guard_stop; h++)
		for (size_t p = 0; p < r->o.nparallel && !guard_stop; p++)
			for (size_t i = 0; i < r->o.nrss && !guard_stop; i++)
				sweep_ballast(r, id, round, ctx, s, r->o.rss[i], thp, kind,
					      why[0] ? why : NULL);
	fds_release();
}

/* What children read of the options, in memory they get (struct run is
 * not): the exec target's and the probes' argv. */
static char *child_argv[4], *child_probe_argv[3];

static void sweep(struct run *r, struct samples *s)
{
	memcpy(child_argv, r->o.target_argv, sizeof child_argv);
	memcpy(child_probe_argv, r->o.probe_argv, sizeof child_probe_argv);
	struct spawn_ctx ctx = {
		.target = r->o.target,
		.argv = child_argv,
		.envp = target_envp,
		.noop = r->o.noop,
		.chain = r->o.chain,
		.shared = r->shared,
		.clone_flags = r->o.clone_flags,
		.then_exec = r->o.then_exec,
		.want_phases = r->o.phases,
		.probe_target = r->o.probe_target,
		.probe_argv = child_probe_argv,
	};

	/* Each method's setup and teardown once, before anything is timed:
	 * what they leave in the heap is there from the first window on. */
	for (size_t k = 0; k < r->o.nmethods; k++) {
		const struct method *m = r->o.methods[k];
		if (m->setup && m->setup(&ctx, m) == 0 && m->teardown)
			m->teardown(&ctx, m);
	}
	ctx.fail = (struct spawn_fail){ 0 };
	ctx.state = NULL;

	for (unsigned round = 0; round < r->o.rounds && !guard_stop && !r->files.write_err; round++) {
		size_t id = 0;
		for (size_t t = 0; t < r->o.nthp && !guard_stop; t++)
			for (size_t b = 0; b < r->o.nkinds && !guard_stop; b++)
				for (size_t f = 0; f < r->o.nfds && !guard_stop; f++)
					sweep_shape(r, &id, round, &ctx, s, r->o.thp[t],
						    r->o.kinds[b], r->o.fds[f]);
	}
	/* then, where a claim's ratio crosses a band edge, sizes in between */
	if (r->o.refine && !guard_stop && !r->files.write_err)
		refine_sweep(&r->sw, &r->refine, s, &ctx);
}

/* The median of phase p over a cell's probes, in scratch (as many slots
 * as probes); -1 when no probe saw it. */
static double phase_median(const struct spill_probe *pr, size_t n, int p, uint64_t *scratch)
{
	size_t k = 0;
	double median, half;

	for (size_t i = 0; i < n; i++)
		if (pr[i].phase[p] != PHASE_NONE)
			scratch[k++] = pr[i].phase[p];
	return median_interval(scratch, k, &median, &half) == 0 ? median : -1;
}

/* What the probes saw: where children ran, and the phases. */
static void probe_figures(struct table_row *t, const struct spill_probe *pr, size_t n,
			  uint64_t *scratch)
{
	size_t seen = 0, same = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned child = pr[i].cpu & 0xffff;
		if (child != CPU_UNKNOWN) {
			seen++;
			same += child == pr[i].cpu >> 16;
		}
	}
	t->child_same_cpu_pct = seen ? 100.0 * (double)same / (double)seen : -1;
	for (int p = 0; p < NPHASES; p++)
		t->phase_ns[p] = phase_median(pr, n, p, scratch);
}

/* The interval of cell id's median from its windows' medians (the
 * window, not the sample, is the unit: harness/common/winstats.h), and
 * how many of them were contended. One window gives no interval. */
static void window_interval(const struct run *r, size_t id, struct table_row *t)
{
	struct window_figures f;

	windows_figures(&r->win, (uint32_t)id, t->stats.median, &f);
	t->contended = f.contended;
	t->window_lo = f.lo;
	t->window_hi = f.hi;
	t->stats.ci_lo = f.ci_lo;
	t->stats.ci_hi = f.ci_hi;
}

/* The statistics of every cell from all of its windows; cells no window
 * finished (an interrupted run) are dropped, and the window records follow
 * the cells to their new places. */
static int pool(struct run *r)
{
	struct spill_data d;
	size_t kept = 0;
	int err = spill_load(&r->spill, r->sw.ncells, &d);

	if (err)
		return err;
	for (size_t id = 0; id < r->sw.ncells; id++) {
		struct table_row *t = &r->sw.cells[id];
		size_t n = d.count[id], np = d.nprobes[id];
		uint64_t *ns;

		if (!t->windows)
			continue;
		if (!t->error[0] && n > 0) {
			ns = malloc((n > np ? n : np) * sizeof *ns);
			if (!ns) {
				snprintf(t->error, sizeof t->error, "ENOMEM: no room for statistics");
			} else {
				memcpy(ns, d.ns[id], n * sizeof *ns);
				stats_compute(ns, n, &t->stats);
				t->modes = count_modes(ns, n);
				probe_figures(t, d.probes[id], np, ns);
				free(ns);
				window_interval(r, id, t);
			}
		}
		/* kept <= id: a record moved here is never met again below */
		for (size_t i = 0; i < r->win.n; i++)
			if (r->win.rec[i].cell == id)
				r->win.rec[i].cell = t->error[0] ? (uint32_t)id | WINDOW_ORPHAN
							      : (uint32_t)kept;
		r->sw.cells[kept++] = *t;
	}
	r->sw.ncells = kept;
	spill_free(&d);
	return 0;
}

/* meta.json, by the front end (it has the JSON library): `spawncost meta
 * DIR` once the run is over. A failure is said, and the run stands. */
static void write_meta(struct run *r)
{
	char *argv[] = { (char *)r->o.front, "meta", r->files.dir, NULL };
	pid_t pid;
	int status;

	if (!r->o.front)
		return;
	if (posix_spawn(&pid, r->o.front, NULL, NULL, argv, environ) != 0 ||
	    waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "spawncost run: note: meta.json was not written\n");
}

/* Samples with more than one mode are two figures averaged into one: say
 * so, and why that usually is when unpinned. */
static void warn_modes(const struct run *r)
{
	for (size_t i = 0; i < r->sw.ncells; i++) {
		const struct table_row *t = &r->sw.cells[i];
		if (t->modes < 2 || t->error[0])
			continue;
		fprintf(stderr, "spawncost run: warning: %s at %llu MiB: the samples have %u modes%s\n",
			t->method->name, (unsigned long long)t->ballast_kib / 1024, t->modes,
			r->o.ncpus ? "" : " (unpinned: where the scheduler puts the child "
					  "changes the cost; --pin same fixes it)");
	}
}

/* Windows the machine took the CPU from: said once, with where to look. */
static void warn_contended(const struct run *r)
{
	unsigned contended = 0, windows = 0;
	double worst = 0;

	for (size_t i = 0; i < r->sw.ncells; i++) {
		contended += r->sw.cells[i].contended;
		windows += r->sw.cells[i].error[0] ? 0 : r->sw.cells[i].windows;
	}
	for (size_t i = 0; i < r->win.n; i++) {
		const struct window_rec *w = &r->win.rec[i];
		if (w->contended && w->delay_pct > worst)
			worst = w->delay_pct;
		if (w->contended && w->steal_pct > worst)
			worst = w->steal_pct;
	}
	if (contended)
		fprintf(stderr, "spawncost run: warning: contended: %u of %u windows lost more than "
				"%.0f%% of their time (up to %.0f%%) to other tasks on the run's CPU or "
				"to the host (steal); the figures include them (windows.csv: delay_pct, "
				"steal_pct; summary.csv: contended_windows)\n",
			contended, windows, CONTENDED_PCT, worst);
}

static int finish(struct run *r)
{
	size_t failed = 0;
	int err, rc;

	/* A result file that could not be written (a full disk, a file-size
	 * limit) may hold half a row: nothing of the run is kept then, rather
	 * than files that disagree with each other. */
	if (!r->files.write_err)
		r->files.write_err = drop_failed_rows(&r->files, r->sw.cells, r->sw.ncells);
	if (r->files.write_err) {
		abandon_outputs(&r->files);
		fprintf(stderr, "spawncost run: cannot write in %s: %s: no result was kept\n",
			r->files.dir, strerror(r->files.write_err));
		return 2;
	}
	if ((err = pool(r)))
		fprintf(stderr, "spawncost run: cannot read the samples back: %s\n", strerror(err));
	if ((rc = close_outputs(&r->files, r->sw.cells, r->sw.ncells, &r->win,
				guard_stop || err ? "no" : "yes")))
		return rc;
	table_print(stdout, r->sw.cells, r->sw.ncells);
	fit_rows(r->sw.cells, r->sw.ncells, NULL, stdout, target_of, &r->o, r->files.run_id,
		 env_host(), r->o.vmas, NULL);
	fit_shapes(r->sw.cells, r->sw.ncells, stdout);
	for (size_t i = 0; i < r->sw.ncells; i++)
		failed += r->sw.cells[i].error[0] != '\0';
	warn_modes(r);
	warn_contended(r);
	write_meta(r);
	if (guard_stop) {
		char name[16];
		fprintf(stderr, "spawncost: interrupted by %s: %zu cells kept in %s\n",
			guard_signal_name(guard_stop, name, sizeof name), r->sw.ncells, r->files.dir);
		return 128 + guard_stop;
	}
	fprintf(stderr, "spawncost: results in %s\n", r->files.dir);
	return err ? 2 : failed ? 1 : 0;
}

/* The cells laid out and the run's memory had (all in the book): 0, or 2
 * after one line on stderr. */
static int lay_out(struct run *r, struct samples *s)
{
	size_t planned = plan_cells(r);

	if (planned < r->o.nthp * r->o.nkinds * r->o.nfds * r->o.nthreads * r->o.nparallel *
			      r->o.nrss * r->o.nmethods)
		fprintf(stderr, "spawncost run: note: the page-writing methods need a ballast; "
				"their 0 MiB cells are left out\n");
	/* room for what --refine adds */
	r->sw.cells_cap = (planned ? planned : 1) + (r->o.refine ? REFINE_MAX_CELLS : 0);
	r->sw.cells = book_alloc(r->sw.cells_cap * sizeof *r->sw.cells);
	r->sw.ncells = planned;
	r->shared = shared_page(&r->o);
	r->sw.spawners = spawners_area(&r->o);
	if (!r->sw.cells || !r->shared || (r->o.parallel_given && !r->sw.spawners) ||
	    samples_init(s, r->o.budget.iterations) != 0 ||
	    windows_init(&r->win, r->sw.cells_cap * r->o.rounds, r->o.cpus, r->o.ncpus) != 0 ||
	    row_spans_init(&r->files.rows, r->sw.cells_cap * r->o.rounds) != 0) {
		fprintf(stderr, "spawncost run: out of memory\n");
		return 2;
	}
	plan_cells(r);
	return 0;
}

/* The watchdog and the signal handlers, the CPUs, the counters, the
 * result folder and the PATH the path methods search: everything before
 * the first window. 0, or a status after one line on stderr. */
static int set_up(struct run *r)
{
	cpu_set_t away;
	int rc;

	/* The front end's facts, kept in memory: a descriptor held through
	 * the sweep is one more for every child to close. */
	read_facts(r);
	/* Before binding: the watchdog keeps to the CPUs the run leaves. */
	watchdog_cpus(&r->o, &away);
	if ((rc = guard_install(&away, (struct guard_watch *)((char *)r->shared +
								page_bytes() / 2)))) {
		fprintf(stderr, "spawncost run: cannot install signal handlers: %s\n", strerror(rc));
		return 2;
	}
	if ((rc = bind_cpus(&r->o))) {
		fprintf(stderr, "spawncost run: --cpus: cannot bind to %s: %s\n", r->o.cpus_text,
			strerror(rc));
		return 2;
	}
	r->counters.n = r->o.nspecs;
	memcpy(r->counters.spec, r->o.specs, sizeof r->o.specs);
	counters_prepare(&r->counters);
	env_loadavg(r->files.load_start, sizeof r->files.load_start);
	if ((rc = make_run_dir(&r->files)) || (rc = open_outputs(&r->files)))
		return rc;
	if ((rc = spill_open(&r->spill, r->files.dir))) {
		fprintf(stderr, "spawncost run: cannot write in %s: %s\n", r->files.dir,
			strerror(rc));
		abandon_outputs(&r->files);
		return 2;
	}
	fprintf(stderr, "spawncost: %zu cells x %u rounds into %s, %s%s", r->sw.ncells,
		r->o.rounds, r->files.dir, r->o.ncpus ? "pinned to CPU " : "unpinned",
		r->o.ncpus ? r->o.cpus_text : "");
	if (r->o.ncpus && strcmp(r->o.pin, "cpus") != 0)
		fprintf(stderr, " (--pin %s%s%s; --pin none to run unpinned)", r->o.pin,
			r->o.pin_why ? ", " : "", r->o.pin_why ? r->o.pin_why : "");
	fputc('\n', stderr);
	if (runs_path_method(&r->o) && (rc = settle_path(r->o.noop, r->o.path_dirs))) {
		fprintf(stderr, "spawncost run: --path-dirs: cannot make the folders: %s\n",
			strerror(rc));
		return 2;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	/* The run's bookkeeping (options, output files, the cells) is in the
	 * engine's book, whose pages no fork copies: what a fork copies is the
	 * process, not the harness's notes. */
	struct run *r = book_alloc(sizeof *r);
	/* written after every round trip: in the book, not on a stack page
	 * that each fork makes copy-on-write */
	struct samples *s = book_alloc(sizeof *s);
	int rc;

	if (!r || !s) {
		fprintf(stderr, "spawncost run: out of memory\n");
		return 2;
	}
	r->files = (struct run_files){ .o = &r->o, .argc = argc, .argv = argv,
				       .counters = &r->counters, .refine = &r->refine };
	r->sw = (struct sweep){ .o = &r->o, .counters = &r->counters, .spill = &r->spill,
				.win = &r->win, .files = &r->files };
	if ((rc = run_parse(argc, argv, &r->o, true)))
		return rc == 1 ? 0 : rc;
	if ((rc = run_check(&r->o)) || (rc = lay_out(r, s)))
		return rc;
	if ((rc = set_up(r)) == 0) {
		settle_parent();
		sweep(r, s);
		rc = finish(r);
	}
	remove_path_dirs();
	release_run_dir(&r->files);
	guard_finish();
	spill_close(&r->spill);
	windows_free(&r->win);
	row_spans_free(&r->files.rows);
	samples_free(s);
	return rc;
}
