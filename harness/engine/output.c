/* The files of a run (output.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "book.h"
#include "cell.h"
#include "env.h"
#include "fit.h"
#include "guard.h"
#include "output.h"
#include "refine.h"

#define SAMPLES_COLUMNS                                                        \
	"run_id,host,method,target,rss_mib,thp,pin,iter,ns,variant,ballast,vmas," \
	"round,child_cpu,parent_cpu,child_start_ns,parent_resume_ns,exec_ns,exit_reap_ns," \
	"fork_maps,fork_rss_kib,fds,threads,parallel,spawners,spawner"
/* Probes (harness/engine/cell.h): untimed iterations, kept apart from the samples. */
#define PROBES_COLUMNS                                                           \
	"run_id,host,method,target,rss_mib,thp,pin,probe,ns,variant,ballast,vmas," \
	"round,child_cpu,parent_cpu,child_start_ns,parent_resume_ns,exec_ns,exit_reap_ns,"  \
	"fds,threads,parallel,spawners,spawner"

#define OUT_BUFFER (64 * 1024)

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
/* Claim dir for this run: an exclusive lock file that names our pid. A
 * lock whose process is gone (a run killed outright) is taken over.
 * Returns 0, EEXIST when a live run holds it, or an errno value. */
static int claim(struct run_files *f)
{
	char pid[32];

	snprintf(f->lock, sizeof f->lock, "%s/" RUN_LOCK, f->dir);
	for (int tries = 0; tries < 2; tries++) {
		int fd = open(f->lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
			int ok = write(fd, pid, (size_t)n) == n;
			close(fd);
			if (!ok) {
				unlink(f->lock);
				return EIO;
			}
			guard_lock(f->lock);
			return 0;
		}
		if (errno != EEXIST)
			return errno;
		if (run_dir_locked(f->dir))
			return EEXIST;
		unlink(f->lock);	/* its run is gone */
	}
	return EEXIST;
}

void release_run_dir(struct run_files *f)
{
	if (f->lock[0]) {
		guard_lock(NULL);
		unlink(f->lock);
		f->lock[0] = '\0';
	}
}

/* The folder, to the front end (--dir-fd): it settles samples.csv there
 * once we are gone (harness/front/samples.c). Closed at once: a descriptor
 * held through the sweep is one more for every child to close. */
static void tell_front(const struct run_files *f)
{
	if (f->o->dir_fd < 0)
		return;
	if (write(f->o->dir_fd, f->dir, strlen(f->dir)) < 0)
		fprintf(stderr, "spawncost run: note: cannot tell the front end the folder (%s): "
				"samples.csv stays as it is\n", strerror(errno));
	close(f->o->dir_fd);
}

/* Choose, create and claim the result folder. A folder is taken only if it
 * holds nothing of a run and no other run is writing into it: results are
 * never overwritten, and two runs never mix. */
int make_run_dir(struct run_files *f)
{
	char stamp[32], base[200];
	time_t now = time(NULL);
	const char *held;
	struct stat st;
	int err;

	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", gmtime(&now));
	snprintf(base, sizeof base, "%.160s-%s", env_host(), stamp);
	/* The pid too: runs started in the same second stay apart when their
	 * files are concatenated. */
	snprintf(f->run_id, sizeof f->run_id, "%s-%d", base, (int)getpid());
	for (int i = 1;; i++) {
		if (f->o->outdir)
			snprintf(f->dir, sizeof f->dir, "%s", f->o->outdir);
		else if (i == 1)
			snprintf(f->dir, sizeof f->dir, "results/%s", base);
		else
			snprintf(f->dir, sizeof f->dir, "results/%s-%d", base, i);
		if (!f->o->outdir && stat(f->dir, &st) == 0)
			continue;	/* the default folder is always a new one */
		if (stat(f->dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "spawncost run: --output: %s exists and is not a folder\n",
				f->dir);
			return 2;
		}
		if ((err = make_dirs(f->dir)) != 0 || access(f->dir, W_OK) != 0) {
			fprintf(stderr, "spawncost run: --output: cannot write to %s: %s\n", f->dir,
				strerror(err ? err : errno));
			return 2;
		}
		err = claim(f);
		if (err == EEXIST && !f->o->outdir)
			continue;	/* another run took this name first */
		if (err == EEXIST) {
			fprintf(stderr, "spawncost run: --output: another run is writing into %s\n",
				f->dir);
			return 2;
		}
		if (err) {
			fprintf(stderr, "spawncost run: --output: cannot claim %s: %s\n", f->dir,
				strerror(err));
			return 2;
		}
		break;
	}
	if ((held = run_dir_holds(f->dir))) {
		fprintf(stderr, "spawncost run: --output: %s already holds a run (%s; results are "
				"never overwritten)\n", f->dir, held);
		release_run_dir(f);
		return 2;
	}
	tell_front(f);
	return 0;
}


/* An argument on env.txt's one command= line: a newline, a carriage return
 * or a backslash in a path must not start a line of its own. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\r')
			fputs("\\r", f);
		else if (*s == '\\')
			fputs("\\\\", f);
		else
			fputc(*s, f);
}

/* complete is "no" while the run goes on and for a run cut short. */
static int write_env_at(struct run_files *f, const char *complete, bool end)
{
	struct outfile o;
	int err = outfile_open(&o, f->dir, "env.txt");

	if (err)
		return err;
	fprintf(o.f, "run_id=%s\n", f->run_id);
	fprintf(o.f, "command=");
	for (int i = 0; i < f->argc; i++) {
		fputs(i ? " " : "spawncost ", o.f);
		put_escaped(o.f, f->argv[i]);
	}
	fprintf(o.f, "\ncomplete=%s\n", complete);
	fprintf(o.f, "label=%s\n", f->o->label ? f->o->label : "");
	fprintf(o.f, "rounds=%u\n", f->o->rounds);
	fprintf(o.f, "pin=%s\ncpus=%s\npin_why=%s\n", f->o->pin, f->o->cpus_text,
		f->o->pin_why ? f->o->pin_why : "");
	fprintf(o.f, "refine=%s\n", f->o->refine ? "yes" : "no");
	if (f->o->refine && end)
		fprintf(o.f, "refine_time_s=%g\nrefine_sizes=%u\nrefine_stopped=%s\n",
			f->o->refine_time, f->refine ? f->refine->sizes : 0,
			f->refine && f->refine->stopped ? f->refine->stopped : "not reached");
	env_write(o.f);
	if (f->facts_len)
		fwrite(f->facts, 1, f->facts_len, o.f);	/* the front end's facts */
	counters_facts(f->counters, o.f);
	fprintf(o.f, "load_avg_start=%s\n", f->load_start);
	if (end)
		env_write_load(o.f, "load_avg_end");
	return outfile_commit(&o);
}


const char *target_of(const struct method *m, const struct run_opts *o)
{
	if (strcmp(m->name, "clone-custom") == 0 && !o->then_exec)
		return "none";	/* its child exits without an exec */
	return m->fixed_target ? m->fixed_target : m->execs ? o->target_name : "none";
}

/* What sets a cell apart beyond its method: clone-custom's flags, how many
 * operations exec-only's round trip holds. Empty for most methods. */
static const char *variant(const struct run_files *f, const struct table_row *t)
{
	static char buf[32];
	const struct method *m = t->method;

	if (t->variant[0])
		return t->variant;
	if (strcmp(m->name, "clone-custom") == 0)
		return f->o->variant;
	if (m->ops > 1) {
		snprintf(buf, sizeof buf, "ops_per_iteration=%u", m->ops);
		return buf;
	}
	return "";
}

/* The columns every row starts with: who, what, where. */

static void csv_cpu(struct csv *c, unsigned cpu)
{
	if (cpu == CPU_UNKNOWN)
		csv_empty(c);
	else
		csv_u64(c, cpu);
}

static void csv_opt(struct csv *c, long v)
{
	if (v >= 0)
		csv_i64(c, v);
	else
		csv_empty(c);
}

/* The spawners column: processes (also the engine alone) or threads. */
static const char *spawners_kind(const struct run_files *f)
{
	return f->o->spawner_threads ? "threads" : "processes";
}

/* summary.csv, declared once: each column's name and how a cell's row
 * writes it, in the order of the file. The header and every row come from
 * this table; counters' columns (<event>_per_op, counters_scaled) follow
 * it, one per event the run counts. Columns are only ever appended. */
typedef void put_fn(struct csv *c, struct run_files *f, const struct table_row *t);

static bool failed(const struct table_row *t)
{
	return t->error[0] != '\0';
}

static void put_run_id(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)t;
	csv_str(c, f->run_id);
}

static void put_host(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	(void)t;
	csv_str(c, env_host());
}

static void put_method(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_str(c, t->method->name);
}

static void put_target(struct csv *c, struct run_files *f, const struct table_row *t)
{
	csv_str(c, target_of(t->method, f->o));
}

static void put_rss_mib(struct csv *c, struct run_files *f, const struct table_row *t)
{
	char mib[32];

	(void)f;
	csv_str(c, mib_text(t->ballast_kib, mib, sizeof mib));
}

static void put_thp(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_str(c, t->thp == THP_ON ? "on" : "off");
}

static void put_pin(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)t;
	csv_str(c, f->o->pin);
}

static void put_rss_kib(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_opt(c, t->rss_kib);
}

static void put_pte_kib(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_opt(c, t->pte_kib);
}

static void put_iterations(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_u64(c, failed(t) ? 0 : t->stats.n);
}

/* A statistic of the samples, in µs; empty in an error row. */
#define PUT_STAT(field)                                                                   \
	static void put_##field(struct csv *c, struct run_files *f, const struct table_row *t) \
	{                                                                                 \
		(void)f;                                                                  \
		if (failed(t))                                                            \
			csv_empty(c);                                                     \
		else                                                                      \
			csv_us(c, t->stats.field);                                        \
	}
PUT_STAT(median)
PUT_STAT(p10)
PUT_STAT(p90)
PUT_STAT(p99)
PUT_STAT(mean)
PUT_STAT(min)
PUT_STAT(max)

/* One sample has no spread. */
static void put_stddev(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	if (!failed(t) && t->stats.n > 1)
		csv_us(c, t->stats.stddev);
	else
		csv_empty(c);
}

/* From the windows' medians: one window gives none. */
static void put_ci(struct csv *c, const struct table_row *t, double v)
{
	if (!failed(t) && t->stats.n > 1 && !isnan(t->stats.ci_lo))
		csv_us(c, v);
	else
		csv_empty(c);
}

static void put_ci_lo(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	put_ci(c, t, t->stats.ci_lo);
}

static void put_ci_hi(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	put_ci(c, t, t->stats.ci_hi);
}

static void put_error(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	if (failed(t))
		csv_str(c, t->error);
	else
		csv_empty(c);
}

static void put_variant(struct csv *c, struct run_files *f, const struct table_row *t)
{
	csv_str(c, variant(f, t));
}

static void put_ballast(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_str(c, ballast_names[t->kind]);
}

static void put_vmas(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)t;
	csv_u64(c, f->o->vmas);
}

static void put_thp_kib(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_opt(c, t->thp_kib);
}

static void put_pages(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	if (t->pages && !failed(t))
		csv_u64(c, t->pages);
	else
		csv_empty(c);
}

static void put_per_page_ns(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	if (t->pages && !failed(t))
		csv_double(c, t->stats.median / (double)t->pages);
	else
		csv_empty(c);
}

static void put_cpus(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)t;
	csv_str(c, f->o->cpus_text);
}

static void put_child_same_cpu_pct(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	if (t->child_same_cpu_pct >= 0 && !failed(t))
		csv_double(c, t->child_same_cpu_pct);
	else
		csv_empty(c);
}

/* The windows measured, an error's included (the count before windows). */
static void put_rounds(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_u64(c, t->windows);
}

/* The median of a phase over the probes (--phases), in µs. */
static void put_phase(struct csv *c, const struct table_row *t, enum phase p)
{
	if (t->phase_ns[p] >= 0 && !failed(t))
		csv_us(c, t->phase_ns[p]);
	else
		csv_empty(c);
}

#define PUT_PHASE(name, p)                                                              \
	static void put_##name(struct csv *c, struct run_files *f, const struct table_row *t) \
	{                                                                               \
		(void)f;                                                                \
		put_phase(c, t, p);                                                     \
	}
PUT_PHASE(child_start, PH_CHILD_START)
PUT_PHASE(parent_resume, PH_PARENT_RESUME)
PUT_PHASE(exec, PH_EXEC)
PUT_PHASE(exit_reap, PH_EXIT_REAP)

static void put_fork_maps(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_opt(c, t->fork_maps);
}

static void put_fork_rss_kib(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_opt(c, t->fork_rss_kib);
}

/* A failed cell's probe rows were taken back (rows.h). */
static void put_probes(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_u64(c, failed(t) ? 0 : t->probes);
}

static void put_modes(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	if (t->modes && !failed(t))
		csv_u64(c, t->modes);
	else
		csv_empty(c);
}

static void put_path_dirs(struct csv *c, struct run_files *f, const struct table_row *t)
{
	if (strcmp(t->method->group, "path") == 0)
		csv_u64(c, f->o->path_dirs);
	else
		csv_empty(c);
}

/* How far apart the windows' own medians were, the extremes included: the
 * drift within the run, which the interval (its ranks drop the extreme
 * windows) does not show whole. */
static void put_window_spread_pct(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	if (t->windows > 1 && t->window_lo > 0 && !failed(t))
		csv_double(c, 100 * (t->window_hi - t->window_lo) / t->stats.median);
	else
		csv_empty(c);
}

static void put_fds(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_u64(c, t->fds);
}

static void put_threads(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_u64(c, t->threads);
}

static void put_parallel(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_u64(c, t->parallel);
}

static void put_spawners(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)t;
	csv_str(c, spawners_kind(f));
}

/* Round trips per second, summed over the spawners; the mean over the
 * windows. */
static void put_throughput(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	if (t->windows && !failed(t) && t->rate_sum > 0)
		csv_double(c, t->rate_sum / t->windows);
	else
		csv_empty(c);
}

static void put_refined(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_str(c, t->refined ? "yes" : "no");
}

/* The windows the figures come from: none for a failed cell. */
static void put_windows(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_u64(c, failed(t) ? 0 : t->windows);
}

static void put_contended(struct csv *c, struct run_files *f, const struct table_row *t)
{
	(void)f;
	csv_u64(c, t->contended);
}

static const struct column {
	const char *name;
	put_fn *put;
} summary_columns[] = {
	{ "run_id", put_run_id },
	{ "host", put_host },
	{ "method", put_method },
	{ "target", put_target },
	{ "rss_mib", put_rss_mib },
	{ "thp", put_thp },
	{ "pin", put_pin },
	/* the key ends here: SUMMARY_KEYS */
	{ "rss_kib", put_rss_kib },
	{ "pte_kib", put_pte_kib },
	{ "iterations", put_iterations },
	{ "median_us", put_median },
	{ "p10_us", put_p10 },
	{ "p90_us", put_p90 },
	{ "p99_us", put_p99 },
	{ "mean_us", put_mean },
	{ "stddev_us", put_stddev },
	{ "min_us", put_min },
	{ "max_us", put_max },
	{ "ci_lo_us", put_ci_lo },
	{ "ci_hi_us", put_ci_hi },
	{ "error", put_error },
	{ "variant", put_variant },
	{ "ballast", put_ballast },
	{ "vmas", put_vmas },
	{ "thp_kib", put_thp_kib },
	{ "pages", put_pages },
	{ "per_page_ns", put_per_page_ns },
	{ "cpus", put_cpus },
	{ "child_same_cpu_pct", put_child_same_cpu_pct },
	{ "rounds", put_rounds },
	{ "child_start_us", put_child_start },
	{ "parent_resume_us", put_parent_resume },
	{ "exec_us", put_exec },
	{ "exit_reap_us", put_exit_reap },
	{ "fork_maps", put_fork_maps },
	{ "fork_rss_kib", put_fork_rss_kib },
	{ "probes", put_probes },
	{ "modes", put_modes },
	{ "path_dirs", put_path_dirs },
	{ "window_spread_pct", put_window_spread_pct },
	{ "fds", put_fds },
	{ "threads", put_threads },
	{ "parallel", put_parallel },
	{ "spawners", put_spawners },
	{ "throughput_per_s", put_throughput },
	{ "refined", put_refined },
	{ "windows", put_windows },
	{ "contended_windows", put_contended },
};

#define SUMMARY_KEYS 7
#define NSUMMARY (sizeof summary_columns / sizeof summary_columns[0])

/* The cell's key: summary.csv's first columns, which samples.csv,
 * probes.csv and windows.csv begin with too. */
static void row_key(struct run_files *f, struct csv *c, const struct table_row *t)
{
	for (size_t i = 0; i < SUMMARY_KEYS; i++)
		summary_columns[i].put(c, f, t);
}

static void summary_header(FILE *f)
{
	for (size_t i = 0; i < NSUMMARY; i++)
		fprintf(f, "%s%s", i ? "," : "", summary_columns[i].name);
}


/* Timed rows: the child was not watched (child_cpu and the phases stay
 * empty; the probes have them). */
void write_window_samples(struct run_files *f, const struct table_row *t, size_t first_iter,
			  unsigned round, const struct samples *s, const struct footprint *fork)
{
	struct csv *c = &f->samples_csv;

	if (!f->samples.f)
		return;

	for (size_t i = 0; i < s->n; i++) {
		row_key(f, c, t);
		csv_u64(c, first_iter + i + 1);
		csv_u64(c, s->ns[i]);
		csv_str(c, variant(f, t));
		csv_str(c, ballast_names[t->kind]);
		csv_u64(c, f->o->vmas);
		csv_u64(c, round + 1);
		csv_cpu(c, s->cpu[i] & 0xffff);
		csv_cpu(c, s->cpu[i] >> 16);
		for (int p = 0; p < NPHASES; p++)
			csv_empty(c);
		csv_opt(c, fork->maps);
		csv_opt(c, fork->rss_kib);
		csv_u64(c, t->fds);
		csv_u64(c, t->threads);
		csv_u64(c, t->parallel);
		csv_str(c, spawners_kind(f));
		csv_u64(c, f->o->parallel_given ? s->spawner[i] : 0);
		csv_end(c);
	}
}

void write_window_probes(struct run_files *f, const struct table_row *t, size_t first,
			 unsigned round, const struct samples *s)
{
	struct csv *c = &f->probes_csv;
	char mib[32];

	if (!f->probes.f)
		return;
	const char *target = t->method->execs && f->o->probe_target ? "stamp"
								   : target_of(t->method, f->o);

	for (size_t i = 0; i < s->nprobe; i++) {
		const struct probe *p = &s->probe[i];
		csv_str(c, f->run_id);
		csv_str(c, env_host());
		csv_str(c, t->method->name);
		csv_str(c, target);
		csv_str(c, mib_text(t->ballast_kib, mib, sizeof mib));
		csv_str(c, t->thp == THP_ON ? "on" : "off");
		csv_str(c, f->o->pin);
		csv_u64(c, first + i + 1);
		csv_u64(c, p->ns);
		csv_str(c, variant(f, t));
		csv_str(c, ballast_names[t->kind]);
		csv_u64(c, f->o->vmas);
		csv_u64(c, round + 1);
		csv_cpu(c, p->cpu & 0xffff);
		csv_cpu(c, p->cpu >> 16);
		for (int k = 0; k < NPHASES; k++)
			if (p->phase.v[k] == PHASE_NONE)
				csv_empty(c);
			else
				csv_u64(c, p->phase.v[k]);
		csv_u64(c, t->fds);
		csv_u64(c, t->threads);
		csv_u64(c, t->parallel);
		csv_str(c, spawners_kind(f));
		csv_u64(c, f->o->parallel_given ? p->spawner : 0);
		csv_end(c);
	}
}

static void write_summary(struct run_files *f, const struct table_row *t)
{
	struct csv *c = &f->summary_csv;

	if (!f->summary.f)
		return;
	for (size_t i = 0; i < NSUMMARY; i++)
		summary_columns[i].put(c, f, t);
	for (size_t i = 0; i < f->counters->n; i++)
		if (t->counted && !failed(t) && !isnan(t->per_op[i]))
			csv_double(c, t->per_op[i]);
		else
			csv_empty(c);
	if (f->counters->n)
		csv_str(c, !t->counted || failed(t) ? "" : t->scaled ? "yes" : "no");
	csv_end(c);
}

/* The result files are open only while rows are written: a descriptor the
 * engine held through the timed iterations would be one more for every
 * child to close (at exec or exit, about 0.4 µs each here). Between
 * writes a file is closed, and how much of it is whole is known to the
 * guard, which cuts it back to that on a second signal. */
static int pause_file(struct run_files *f, struct outfile *o, int slot)
{
	off_t len;
	int err = 0;

	if (!o->f)
		return 0;
	if (fflush(o->f) != 0 || (len = ftello(o->f)) < 0) {
		err = errno;
	} else {
		f->whole[slot] = len;
		guard_file_whole(slot, len);
	}
	if (fclose(o->f) != 0 && !err)
		err = errno;
	o->f = NULL;
	return err;
}

static int resume_file(struct run_files *f, struct outfile *o, struct csv *c, int slot)
{
	if (o->f)
		return 0;
	if (!(o->f = fopen(o->tmp, "ae")))
		return errno;
	if (f->outbuf[slot])
		setvbuf(o->f, f->outbuf[slot], _IOFBF, OUT_BUFFER);
	c->f = o->f;
	return 0;
}

int mark_whole(struct run_files *f, uint32_t cell)
{
	off_t from[2] = { f->whole[1], f->whole[2] };
	int err = pause_file(f, &f->samples, 1);
	int err2 = pause_file(f, &f->probes, 2);
	int err3 = row_spans_add(&f->rows, cell, from, &f->whole[1]);

	return err ? err : err2 ? err2 : err3;
}

/* The cells, for row_spans_cut's callback. */
struct cell_list {
	const struct table_row *v;
	size_t n;
};

static bool cell_failed(uint32_t cell, const void *arg)
{
	const struct cell_list *l = arg;

	return cell < l->n && l->v[cell].error[0];
}

int drop_failed_rows(struct run_files *f, const struct table_row *cells, size_t ncells)
{
	struct cell_list l = { cells, ncells };
	struct outfile *files[] = { &f->samples, &f->probes };
	sigset_t stop, old;
	int err = 0;

	/* A second signal cuts the files back to their whole length: hold it
	 * while rows move and that length changes. */
	guard_stop_signals(&stop);
	sigprocmask(SIG_BLOCK, &stop, &old);
	for (int k = 0; k < 2 && !err; k++)
		if (!(err = row_spans_cut(&f->rows, k, files[k]->tmp, &f->whole[k + 1],
					  cell_failed, &l)))
			guard_file_whole(k + 1, f->whole[k + 1]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

int resume_outputs(struct run_files *f)
{
	int err = resume_file(f, &f->samples, &f->samples_csv, 1);

	return err ? err : resume_file(f, &f->probes, &f->probes_csv, 2);
}

/* Create one result file with its header, then close it (pause_file):
 * one descriptor at a time, so that a low descriptor limit still runs. */
static int start_file(struct run_files *f, struct outfile *o, struct csv *c, int slot, const char *name)
{
	int err = outfile_open(o, f->dir, name);

	if (err)
		return err;
	/* stdio's buffer: heap pages every timed fork would copy, where this
	 * is in no child */
	if ((f->outbuf[slot] = book_alloc(OUT_BUFFER)))
		setvbuf(o->f, f->outbuf[slot], _IOFBF, OUT_BUFFER);
	c->f = o->f;
	guard_file(slot, o->tmp, o->path);
	if (slot == 0) {
		/* The core columns, then one per counter: <event>_per_op. */
		summary_header(o->f);
		for (size_t i = 0; i < f->counters->n; i++)
			fprintf(o->f, ",%s_per_op", f->counters->spec[i].name);
		if (f->counters->n)
			fputs(",counters_scaled", o->f);
		fputc('\n', o->f);
	} else {
		csv_header(c, slot == 1 ? SAMPLES_COLUMNS : PROBES_COLUMNS);
	}
	return pause_file(f, o, slot);
}

int open_outputs(struct run_files *f)
{
	int err;

	if ((err = write_env_at(f, "no", false)) ||
	    (err = start_file(f, &f->summary, &f->summary_csv, 0, "summary.csv")) ||
	    (err = start_file(f, &f->samples, &f->samples_csv, 1, "samples.csv")) ||
	    (err = start_file(f, &f->probes, &f->probes_csv, 2, "probes.csv"))) {
		fprintf(stderr, "spawncost run: cannot write in %s: %s\n", f->dir, strerror(err));
		abandon_outputs(f);
		return 2;
	}
	return 0;
}

/* fit.csv: the line through each method's sweep (harness/engine/fit.c). */
static int write_fit(struct run_files *f, const struct table_row *cells, size_t ncells)
{
	struct outfile o;
	int err = outfile_open(&o, f->dir, "fit.csv");

	if (err)
		return err;
	fit_rows(cells, ncells, o.f, NULL, target_of, f->o, f->run_id, env_host(), f->o->vmas,
		 spawners_kind(f));
	return outfile_commit(&o);
}

/* windows.csv: one row per window of every measured cell (harness/engine/
 * windows.h), the figures the intervals rest on and what disturbed each. */
#define WINDOWS_COLUMNS                                                            \
	"run_id,host,method,target,rss_mib,thp,pin,variant,ballast,vmas,fds,threads," \
	"parallel,spawners,round,start_s,length_s,iterations,median_us,delay_pct,"   \
	"steal_pct,nivcsw,child_minflt_per_trip,contended"
static void csv_pct(struct csv *c, double v)
{
	if (v >= 0)
		csv_double(c, v);
	else
		csv_empty(c);
}

static int write_windows(struct run_files *f, const struct table_row *cells, size_t ncells,
			 const struct windows *win)
{
	struct outfile o;
	struct csv c;
	int err = outfile_open(&o, f->dir, "windows.csv");

	if (err)
		return err;
	c = (struct csv){ .f = o.f };
	csv_header(&c, WINDOWS_COLUMNS);
	for (size_t i = 0; i < win->n; i++) {
		const struct window_rec *w = &win->rec[i];
		const struct table_row *t;

		if (w->cell & WINDOW_ORPHAN || w->cell >= ncells)
			continue;
		t = &cells[w->cell];
		row_key(f, &c, t);
		csv_str(&c, variant(f, t));
		csv_str(&c, ballast_names[t->kind]);
		csv_u64(&c, f->o->vmas);
		csv_u64(&c, t->fds);
		csv_u64(&c, t->threads);
		csv_u64(&c, t->parallel);
		csv_str(&c, spawners_kind(f));
		csv_u64(&c, w->round + 1u);
		csv_double(&c, w->start_s);
		csv_double(&c, w->length_s);
		csv_u64(&c, w->n);
		csv_us(&c, w->median_ns);
		csv_pct(&c, w->delay_pct);
		csv_pct(&c, w->steal_pct);
		csv_i64(&c, w->nivcsw);
		if (w->trips)
			csv_double(&c, (double)w->child_minflt / (double)w->trips);
		else
			csv_empty(&c);
		csv_str(&c, w->contended ? "yes" : "no");
		csv_end(&c);
	}
	return outfile_commit(&o);
}

void abandon_outputs(struct run_files *f)
{
	struct outfile *files[] = { &f->summary, &f->samples, &f->probes };

	for (int i = 0; i < 3; i++) {
		guard_file(i, NULL, NULL);
		if (files[i]->f) {
			fclose(files[i]->f);
			files[i]->f = NULL;
		}
		unlink(files[i]->tmp);
		unlink(files[i]->path);	/* ours: the folder held none (make_run_dir) */
	}
	/* and what close_outputs may have written before it failed */
	for (const char *const *name = (const char *const[]){ "fit.csv", "windows.csv", NULL };
	     *name; name++) {
		char path[PATH_MAX + 32];

		snprintf(path, sizeof path, "%s/%s", f->dir, *name);
		unlink(path);
	}
	write_env_at(f, "no", true);	/* says the run did not finish, if it can */
}

int close_outputs(struct run_files *f, const struct table_row *cells, size_t ncells,
		  const struct windows *win, const char *complete)
{
	sigset_t stop, old;
	int err;

	/* A signal now would find the files half renamed: hold it until they
	 * are final (a second Ctrl-C then just exits). */
	guard_stop_signals(&stop);
	sigprocmask(SIG_BLOCK, &stop, &old);
	err = resume_outputs(f);
	if (!err)
		err = resume_file(f, &f->summary, &f->summary_csv, 0);
	for (size_t i = 0; i < ncells && !err; i++)
		write_summary(f, &cells[i]);
	guard_file(0, NULL, NULL);
	guard_file(1, NULL, NULL);
	guard_file(2, NULL, NULL);
	/* Each file is synced before any is renamed: none takes its final
	 * name unless all could be written whole. */
	struct outfile *files[] = { &f->samples, &f->probes, &f->summary };
	for (int i = 0; i < 3 && !err; i++)
		if (fflush(files[i]->f) != 0 || fsync(fileno(files[i]->f)) != 0)
			err = errno;
	for (int i = 0; i < 3 && !err; i++)
		err = outfile_commit(files[i]);
	if (!err)
		err = write_fit(f, cells, ncells);
	if (!err)
		err = write_windows(f, cells, ncells, win);
	if (!err)
		err = write_env_at(f, complete, true);
	if (err)
		abandon_outputs(f);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fprintf(stderr, "spawncost run: cannot finish the files in %s: %s\n", f->dir,
			strerror(err));
		return 2;
	}
	return 0;
}
