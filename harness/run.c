/* `spawncost run`: the sweep. For each THP setting and parent size, build
 * the ballast once, then measure every method on it; write each finished
 * cell at once; print a table at the end. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "env.h"
#include "fit.h"
#include "guard.h"
#include "options.h"
#include "run.h"
#include "table.h"

#define SUMMARY_COLUMNS                                                                   \
	"run_id,host,method,target,rss_mib,thp,pin,rss_kib,pte_kib,iterations,median_us," \
	"p10_us,p90_us,p99_us,mean_us,stddev_us,min_us,max_us,ci_lo_us,ci_hi_us,error,"    \
	"variant,ballast,vmas,thp_kib,pages,per_page_ns"
#define SAMPLES_COLUMNS "run_id,host,method,target,rss_mib,thp,pin,iter,ns,variant,ballast,vmas"

/* The exec target's environment: fixed and small, so that hosts with
 * different login environments copy the same strings at exec. */
static char *const target_envp[] = { "PATH=/usr/bin:/bin", NULL };

struct run {
	struct run_opts o;
	char run_id[300];
	char dir[PATH_MAX];
	char **argv;
	int argc;
	struct outfile env, summary, samples;
	struct csv summary_csv, samples_csv;
	struct table_row *rows;	/* allocated before the first cell */
	uint64_t *shared;	/* a page children can write to (cow-child) */
	size_t nrows, ncells;
};

static const char *thp_name(enum thp_mode t)
{
	return t == THP_ON ? "on" : "off";
}

/* mkdir -p, for the default results/<host>-<stamp>. */
static int make_dirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0777) != 0 && errno != EEXIST)
				return errno;
			*p = '/';
		}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		return errno;
	return 0;
}

/* Choose and create the result folder. An existing folder is taken only if
 * it holds no run: results are never overwritten. */
static int make_run_dir(struct run *r)
{
	char stamp[32], probe[PATH_MAX + 16];
	time_t now = time(NULL);
	struct stat st;
	int err;

	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", gmtime(&now));
	snprintf(r->run_id, sizeof r->run_id, "%s-%s", env_host(), stamp);
	if (r->o.outdir) {
		snprintf(r->dir, sizeof r->dir, "%s", r->o.outdir);
	} else {
		snprintf(r->dir, sizeof r->dir, "results/%s", r->run_id);
		for (int i = 2; stat(r->dir, &st) == 0; i++)
			snprintf(r->dir, sizeof r->dir, "results/%s-%d", r->run_id, i);
	}
	if (stat(r->dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "spawncost run: --output: %s exists and is not a folder\n", r->dir);
		return 2;
	}
	snprintf(probe, sizeof probe, "%s/summary.csv", r->dir);
	if (access(probe, F_OK) == 0) {
		fprintf(stderr, "spawncost run: --output: %s already holds a run "
				"(results are never overwritten)\n", r->dir);
		return 2;
	}
	if ((err = make_dirs(r->dir)) != 0 || access(r->dir, W_OK) != 0) {
		fprintf(stderr, "spawncost run: --output: cannot write to %s: %s\n", r->dir,
			strerror(err ? err : errno));
		return 2;
	}
	return 0;
}

static int write_env(struct run *r, const char *complete)
{
	struct outfile o;
	int err = outfile_open(&o, r->dir, "env.txt");

	if (err)
		return err;
	fprintf(o.f, "run_id=%s\n", r->run_id);
	fprintf(o.f, "command=");
	for (int i = 0; i < r->argc; i++)
		fprintf(o.f, "%s%s", i ? " " : "spawncost ", r->argv[i]);
	fprintf(o.f, "\ncomplete=%s\n", complete);
	env_write(o.f);
	return outfile_commit(&o);
}

static const char *target_of(const struct method *m, void *arg)
{
	const struct run *r = arg;

	return m->fixed_target ? m->fixed_target : m->execs ? r->o.target_name : "none";
}

/* The columns every row starts with: who, what, where. */
static void row_key(struct run *r, struct csv *c, const struct method *m, uint64_t rss,
		    enum thp_mode thp)
{
	csv_str(c, r->run_id);
	csv_str(c, env_host());
	csv_str(c, m->name);
	csv_str(c, target_of(m, r));
	csv_u64(c, rss);
	csv_str(c, thp_name(thp));
	csv_str(c, "none");	/* pin */
}

/* fit.csv: the line through each method's sweep (harness/fit.c). */
static int write_fit(struct run *r)
{
	struct outfile o;
	int err = outfile_open(&o, r->dir, "fit.csv");

	if (err)
		return err;
	fit_rows(r->rows, r->nrows, o.f, NULL, target_of, r, r->run_id, env_host(), r->o.vmas);
	return outfile_commit(&o);
}

/* What sets a cell apart beyond its method: clone-custom's flags, how many
 * operations exec-only's round trip holds. Empty for most methods. */
static const char *variant(const struct run *r, const struct method *m)
{
	static char buf[32];

	if (strcmp(m->name, "clone-custom") == 0)
		return r->o.variant;
	if (m->ops > 1) {
		snprintf(buf, sizeof buf, "ops_per_iteration=%u", m->ops);
		return buf;
	}
	return "";
}

static void write_samples(struct run *r, const struct table_row *t, const struct samples *s)
{
	for (size_t i = 0; i < s->n; i++) {
		row_key(r, &r->samples_csv, t->method, t->rss_mib, t->thp);
		csv_u64(&r->samples_csv, i + 1);
		csv_u64(&r->samples_csv, s->ns[i]);
		csv_str(&r->samples_csv, variant(r, t->method));
		csv_str(&r->samples_csv, ballast_names[t->kind]);
		csv_u64(&r->samples_csv, r->o.vmas);
		csv_end(&r->samples_csv);
	}
}

static void write_summary(struct run *r, const struct table_row *t)
{
	struct csv *c = &r->summary_csv;
	const struct stats *s = &t->stats;

	row_key(r, c, t->method, t->rss_mib, t->thp);
	if (t->rss_kib >= 0) csv_i64(c, t->rss_kib); else csv_empty(c);
	if (t->pte_kib >= 0) csv_i64(c, t->pte_kib); else csv_empty(c);
	if (t->error[0]) {
		csv_u64(c, 0);
		for (int i = 0; i < 10; i++)	/* median .. ci_hi stay empty */
			csv_empty(c);
		csv_str(c, t->error);
	} else {
		csv_u64(c, s->n);
		csv_us(c, s->median);
		csv_us(c, s->p10);
		csv_us(c, s->p90);
		csv_us(c, s->p99);
		csv_us(c, s->mean);
		csv_us(c, s->stddev);
		csv_us(c, s->min);
		csv_us(c, s->max);
		csv_us(c, s->ci_lo);
		csv_us(c, s->ci_hi);
		csv_empty(c);
	}
	csv_str(c, variant(r, t->method));
	csv_str(c, ballast_names[t->kind]);
	csv_u64(c, r->o.vmas);
	if (t->thp_kib >= 0) csv_i64(c, t->thp_kib); else csv_empty(c);
	if (t->pages && !t->error[0]) {
		csv_u64(c, t->pages);
		csv_double(c, t->stats.median / (double)t->pages);
	} else {
		csv_empty(c);
		csv_empty(c);
	}
	csv_end(c);
	fflush(c->f);
}

/* Both files now end on a whole cell: what a second signal keeps. */
static void mark_whole(struct run *r)
{
	fflush(r->samples.f);
	fflush(r->summary.f);
	guard_file_whole(0, ftello(r->summary.f));
	guard_file_whole(1, ftello(r->samples.f));
}

/* One cell: measure, then write its samples and summary. An interrupted
 * cell is dropped whole. */
static void run_cell(struct run *r, const struct method *m, uint64_t rss, enum thp_mode thp,
		     enum ballast_kind kind, struct spawn_ctx *ctx, struct samples *s,
		     const char *ballast_error)
{
	struct table_row *t = &r->rows[r->nrows];
	struct cell_result res = { .rss_kib = -1, .pte_kib = -1, .thp_kib = -1 };
	int rc = 0;

	t->method = m;
	t->rss_mib = rss;
	t->thp = thp;
	t->kind = kind;
	t->pages = m->per_page ? ctx->nchunks * ctx->chunk_bytes / 4096 : 0;
	progress_start(r->nrows + 1, r->ncells, t);
	if (ballast_error)
		snprintf(res.error, sizeof res.error, "%s", ballast_error);
	else
		rc = cell_measure(m, ctx, &r->o.budget, s, &res);
	if (rc == CELL_ABANDONED)
		return;	/* interrupted: the cell is neither a figure nor an error */
	r->nrows++;
	if (rc == 0 && !ballast_error) {
		write_samples(r, t, s);
		if (stats_compute(s->ns, s->n, &t->stats) != 0)
			snprintf(res.error, sizeof res.error, "ENOMEM: no room for statistics");
	}
	t->rss_kib = res.rss_kib;
	t->pte_kib = res.pte_kib;
	t->thp_kib = res.thp_kib;
	snprintf(t->error, sizeof t->error, "%s", res.error);
	write_summary(r, t);
	mark_whole(r);
	progress_done(r->nrows, r->ncells, t);
}

static int open_outputs(struct run *r)
{
	int err;

	if ((err = write_env(r, "no")) || (err = outfile_open(&r->summary, r->dir, "summary.csv")) ||
	    (err = outfile_open(&r->samples, r->dir, "samples.csv"))) {
		fprintf(stderr, "spawncost run: cannot write in %s: %s\n", r->dir, strerror(err));
		return 2;
	}
	r->summary_csv.f = r->summary.f;
	r->samples_csv.f = r->samples.f;
	csv_header(&r->summary_csv, SUMMARY_COLUMNS);
	csv_header(&r->samples_csv, SAMPLES_COLUMNS);
	guard_file(0, r->summary.tmp, r->summary.path, fileno(r->summary.f));
	guard_file(1, r->samples.tmp, r->samples.path, fileno(r->samples.f));
	mark_whole(r);
	return 0;
}

/* complete: "yes", or "no" for a run a signal cut short. */
static int close_outputs(struct run *r, const char *complete)
{
	sigset_t stop, old;
	int err;

	/* A signal now would find the files half renamed: hold it until they
	 * are final (a second Ctrl-C then just exits). */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &old);
	guard_file(0, "", "", -1);
	guard_file(1, "", "", -1);
	err = outfile_commit(&r->samples);
	if (!err)
		err = outfile_commit(&r->summary);
	if (!err)
		err = write_fit(r);
	if (!err)
		err = write_env(r, complete);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fprintf(stderr, "spawncost run: cannot finish the files in %s: %s\n", r->dir,
			strerror(err));
		return 2;
	}
	return 0;
}

/* Page-writing methods have nothing to write without a ballast: such cells
 * are left out of the sweep (said once on stderr), not run as errors. */
static bool cell_wanted(const struct method *m, uint64_t rss)
{
	return !(m->per_page && rss == 0);
}

static size_t count_cells(const struct run_opts *o)
{
	size_t n = 0;

	for (size_t i = 0; i < o->nrss; i++)
		for (size_t k = 0; k < o->nmethods; k++)
			n += cell_wanted(o->methods[k], o->rss[i]);
	return n * o->nthp * o->nkinds;
}

/* Every method on one ballast. */
static void sweep_ballast(struct run *r, struct spawn_ctx *ctx, struct samples *s, uint64_t rss,
			  enum thp_mode thp, enum ballast_kind kind)
{
	struct ballast b;
	char berr[160] = "";
	int err = ballast_make(&b, rss, thp, kind, r->o.vmas);

	if (err)
		snprintf(berr, sizeof berr, "%s: ballast mmap failed", strerrorname_np(err));
	ctx->chunk = b.chunk;
	ctx->nchunks = b.nchunks;
	ctx->chunk_bytes = b.chunk_bytes;
	ctx->ballast_kind = kind;
	ctx->thp = thp;
	for (size_t k = 0; k < r->o.nmethods && !guard_stop; k++) {
		if (!cell_wanted(r->o.methods[k], rss))
			continue;
		/* A fresh error pipe per cell, so no stale errno from one cell
		 * can name another's failure. */
		if (pipe2(ctx->errpipe, O_CLOEXEC | O_NONBLOCK) != 0) {
			snprintf(berr, sizeof berr, "%s: pipe2 failed", strerrorname_np(errno));
			ctx->errpipe[0] = ctx->errpipe[1] = -1;
		}
		run_cell(r, r->o.methods[k], rss, thp, kind, ctx, s, berr[0] ? berr : NULL);
		close(ctx->errpipe[0]);
		close(ctx->errpipe[1]);
	}
	ballast_free(&b);
}

/* The sweep itself: a ballast per (thp, kind, rss), every method on it. */
static void sweep(struct run *r, struct samples *s)
{
	struct spawn_ctx ctx = {
		.target = r->o.target,
		.argv = r->o.target_argv,
		.envp = target_envp,
		.noop = r->o.noop,
		.chain = r->o.chain,
		.shared = r->shared,
		.clone_flags = r->o.clone_flags,
		.then_exec = r->o.then_exec,
	};

	for (size_t t = 0; t < r->o.nthp && !guard_stop; t++)
		for (size_t b = 0; b < r->o.nkinds && !guard_stop; b++)
			for (size_t i = 0; i < r->o.nrss && !guard_stop; i++)
				sweep_ballast(r, &ctx, s, r->o.rss[i], r->o.thp[t], r->o.kinds[b]);
}

/* The page a child leaves a result in (cow-child), mapped only when a
 * method needs it, so that other runs' forks copy nothing more. */
static uint64_t *shared_page(const struct run_opts *o)
{
	for (size_t k = 0; k < o->nmethods; k++)
		if (o->methods[k]->per_page) {
			void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
			return p == MAP_FAILED ? NULL : p;
		}
	return NULL;
}

int cmd_run(int argc, char **argv)
{
	struct run r = { .argc = argc, .argv = argv };
	struct samples s = { 0 };
	int rc = run_parse(argc, argv, &r.o, true);
	size_t failed = 0;

	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = run_check(&r.o)))
		return rc;
	r.ncells = count_cells(&r.o);
	if (r.ncells < r.o.nthp * r.o.nkinds * r.o.nrss * r.o.nmethods)
		fprintf(stderr, "spawncost run: note: the page-writing methods need a ballast; "
				"their 0 MiB cells are left out\n");
	r.rows = calloc(r.ncells ? r.ncells : 1, sizeof *r.rows);
	r.shared = shared_page(&r.o);
	if (!r.rows || samples_init(&s, r.o.budget.iterations) != 0) {
		fprintf(stderr, "spawncost run: out of memory\n");
		return 2;
	}
	if ((rc = guard_install())) {
		fprintf(stderr, "spawncost run: cannot install signal handlers: %s\n", strerror(rc));
		rc = 2;
		goto out;
	}
	if ((rc = make_run_dir(&r)) || (rc = open_outputs(&r)))
		goto out;
	fprintf(stderr, "spawncost: %zu cells into %s\n", r.ncells, r.dir);
	sweep(&r, &s);
	if ((rc = close_outputs(&r, guard_stop ? "no" : "yes")))
		goto out;
	table_print(stdout, r.rows, r.nrows);
	fit_rows(r.rows, r.nrows, NULL, stdout, target_of, &r, r.run_id, env_host(), r.o.vmas);
	for (size_t i = 0; i < r.nrows; i++)
		failed += r.rows[i].error[0] != '\0';
	if (guard_stop) {
		fprintf(stderr, "spawncost: interrupted by %s: %zu of %zu cells kept in %s\n",
			sigabbrev_np(guard_stop), r.nrows, r.ncells, r.dir);
		rc = 128 + guard_stop;
		goto out;
	}
	fprintf(stderr, "spawncost: results in %s\n", r.dir);
	rc = failed ? 1 : 0;
out:
	samples_free(&s);
	free(r.rows);
	return rc;
}
