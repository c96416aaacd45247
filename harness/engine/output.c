/* The files of a run: its folder, env.txt, summary.csv, samples.csv and
 * fit.csv, each written under a temporary name and renamed when whole. */
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
#include "env.h"
#include "fit.h"
#include "guard.h"
#include "run_internal.h"

#define SUMMARY_COLUMNS                                                                   \
	"run_id,host,method,target,rss_mib,thp,pin,rss_kib,pte_kib,iterations,median_us," \
	"p10_us,p90_us,p99_us,mean_us,stddev_us,min_us,max_us,ci_lo_us,ci_hi_us,error,"    \
	"variant,ballast,vmas,thp_kib,pages,per_page_ns,cpus,child_same_cpu_pct,rounds,"   \
	"child_start_us,parent_resume_us,exec_us,exit_reap_us,fork_maps,fork_rss_kib,"     \
	"probes,modes,path_dirs,window_spread_pct,fds,threads,parallel,spawners,"          \
	"throughput_per_s,refined,windows,contended_windows"
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
static int claim(struct run *r)
{
	char pid[32];

	snprintf(r->lock, sizeof r->lock, "%s/" RUN_LOCK, r->dir);
	for (int tries = 0; tries < 2; tries++) {
		int fd = open(r->lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
			int ok = write(fd, pid, (size_t)n) == n;
			close(fd);
			if (!ok) {
				unlink(r->lock);
				return EIO;
			}
			guard_lock(r->lock);
			return 0;
		}
		if (errno != EEXIST)
			return errno;
		if (run_dir_locked(r->dir))
			return EEXIST;
		unlink(r->lock);	/* its run is gone */
	}
	return EEXIST;
}

void release_run_dir(struct run *r)
{
	if (r->lock[0]) {
		guard_lock(NULL);
		unlink(r->lock);
		r->lock[0] = '\0';
	}
}

/* Choose, create and claim the result folder. A folder is taken only if it
 * holds nothing of a run and no other run is writing into it: results are
 * never overwritten, and two runs never mix. */
int make_run_dir(struct run *r)
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
	snprintf(r->run_id, sizeof r->run_id, "%s-%d", base, (int)getpid());
	for (int i = 1;; i++) {
		if (r->o.outdir)
			snprintf(r->dir, sizeof r->dir, "%s", r->o.outdir);
		else if (i == 1)
			snprintf(r->dir, sizeof r->dir, "results/%s", base);
		else
			snprintf(r->dir, sizeof r->dir, "results/%s-%d", base, i);
		if (!r->o.outdir && stat(r->dir, &st) == 0)
			continue;	/* the default folder is always a new one */
		if (stat(r->dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "spawncost run: --output: %s exists and is not a folder\n",
				r->dir);
			return 2;
		}
		if ((err = make_dirs(r->dir)) != 0 || access(r->dir, W_OK) != 0) {
			fprintf(stderr, "spawncost run: --output: cannot write to %s: %s\n", r->dir,
				strerror(err ? err : errno));
			return 2;
		}
		err = claim(r);
		if (err == EEXIST && !r->o.outdir)
			continue;	/* another run took this name first */
		if (err == EEXIST) {
			fprintf(stderr, "spawncost run: --output: another run is writing into %s\n",
				r->dir);
			return 2;
		}
		if (err) {
			fprintf(stderr, "spawncost run: --output: cannot claim %s: %s\n", r->dir,
				strerror(err));
			return 2;
		}
		break;
	}
	if ((held = run_dir_holds(r->dir))) {
		fprintf(stderr, "spawncost run: --output: %s already holds a run (%s; results are "
				"never overwritten)\n", r->dir, held);
		release_run_dir(r);
		return 2;
	}
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
static int write_env_at(struct run *r, const char *complete, bool end)
{
	struct outfile o;
	int err = outfile_open(&o, r->dir, "env.txt");

	if (err)
		return err;
	fprintf(o.f, "run_id=%s\n", r->run_id);
	fprintf(o.f, "command=");
	for (int i = 0; i < r->argc; i++) {
		fputs(i ? " " : "spawncost ", o.f);
		put_escaped(o.f, r->argv[i]);
	}
	fprintf(o.f, "\ncomplete=%s\n", complete);
	fprintf(o.f, "rounds=%u\n", r->o.rounds);
	fprintf(o.f, "pin=%s\ncpus=%s\npin_why=%s\n", r->o.pin, r->o.cpus_text,
		r->o.pin_why ? r->o.pin_why : "");
	fprintf(o.f, "refine=%s\n", r->o.refine ? "yes" : "no");
	if (r->o.refine && end)
		fprintf(o.f, "refine_time_s=%g\nrefine_sizes=%u\nrefine_stopped=%s\n",
			r->o.refine_time, r->refine_sizes,
			r->refine_stopped ? r->refine_stopped : "not reached");
	env_write(o.f);
	if (r->facts_len)
		fwrite(r->facts, 1, r->facts_len, o.f);	/* the front end's facts */
	counters_facts(&r->counters, o.f);
	fprintf(o.f, "load_avg_start=%s\n", r->load_start);
	if (end)
		env_write_load(o.f, "load_avg_end");
	return outfile_commit(&o);
}


const char *target_of(const struct method *m, void *run)
{
	const struct run *r = run;

	if (strcmp(m->name, "clone-custom") == 0 && !r->o.then_exec)
		return "none";	/* its child exits without an exec */
	return m->fixed_target ? m->fixed_target : m->execs ? r->o.target_name : "none";
}

/* What sets a cell apart beyond its method: clone-custom's flags, how many
 * operations exec-only's round trip holds. Empty for most methods. */
static const char *variant(const struct run *r, const struct table_row *t)
{
	static char buf[32];
	const struct method *m = t->method;

	if (t->variant[0])
		return t->variant;
	if (strcmp(m->name, "clone-custom") == 0)
		return r->o.variant;
	if (m->ops > 1) {
		snprintf(buf, sizeof buf, "ops_per_iteration=%u", m->ops);
		return buf;
	}
	return "";
}

/* The columns every row starts with: who, what, where. */
static void row_key(struct run *r, struct csv *c, const struct table_row *t)
{
	char mib[32];

	csv_str(c, r->run_id);
	csv_str(c, env_host());
	csv_str(c, t->method->name);
	csv_str(c, target_of(t->method, r));
	csv_str(c, mib_text(t->ballast_kib, mib, sizeof mib));
	csv_str(c, t->thp == THP_ON ? "on" : "off");
	csv_str(c, r->o.pin);
}

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
static const char *spawners_kind(const struct run *r)
{
	return r->o.spawner_threads ? "threads" : "processes";
}

/* Timed rows: the child was not watched (child_cpu and the phases stay
 * empty; the probes have them). */
void write_window_samples(struct run *r, const struct table_row *t, size_t first_iter,
			  unsigned round, const struct samples *s, const struct footprint *fork)
{
	struct csv *c = &r->samples_csv;

	if (!r->samples.f)
		return;

	for (size_t i = 0; i < s->n; i++) {
		row_key(r, c, t);
		csv_u64(c, first_iter + i + 1);
		csv_u64(c, s->ns[i]);
		csv_str(c, variant(r, t));
		csv_str(c, ballast_names[t->kind]);
		csv_u64(c, r->o.vmas);
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
		csv_str(c, spawners_kind(r));
		csv_u64(c, r->o.parallel_given ? s->spawner[i] : 0);
		csv_end(c);
	}
}

void write_window_probes(struct run *r, const struct table_row *t, size_t first,
			 unsigned round, const struct samples *s)
{
	struct csv *c = &r->probes_csv;
	char mib[32];

	if (!r->probes.f)
		return;
	const char *target = t->method->execs && r->o.probe_target ? "stamp"
								   : target_of(t->method, r);

	for (size_t i = 0; i < s->nprobe; i++) {
		const struct probe *p = &s->probe[i];
		csv_str(c, r->run_id);
		csv_str(c, env_host());
		csv_str(c, t->method->name);
		csv_str(c, target);
		csv_str(c, mib_text(t->ballast_kib, mib, sizeof mib));
		csv_str(c, t->thp == THP_ON ? "on" : "off");
		csv_str(c, r->o.pin);
		csv_u64(c, first + i + 1);
		csv_u64(c, p->ns);
		csv_str(c, variant(r, t));
		csv_str(c, ballast_names[t->kind]);
		csv_u64(c, r->o.vmas);
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
		csv_str(c, spawners_kind(r));
		csv_u64(c, r->o.parallel_given ? p->spawner : 0);
		csv_end(c);
	}
}

void write_summary(struct run *r, const struct table_row *t)
{
	struct csv *c = &r->summary_csv;
	const struct stats *s = &t->stats;

	if (!r->summary.f)
		return;
	row_key(r, c, t);
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
		if (s->n > 1)
			csv_us(c, s->stddev);
		else
			csv_empty(c);	/* one sample has no spread and no interval */
		csv_us(c, s->min);
		csv_us(c, s->max);
		/* from the windows' medians: one window gives none */
		if (s->n > 1 && !isnan(s->ci_lo)) {
			csv_us(c, s->ci_lo);
			csv_us(c, s->ci_hi);
		} else {
			csv_empty(c);
			csv_empty(c);
		}
		csv_empty(c);
	}
	csv_str(c, variant(r, t));
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
	csv_str(c, r->o.cpus_text);
	if (t->child_same_cpu_pct >= 0 && !t->error[0])
		csv_double(c, t->child_same_cpu_pct);
	else
		csv_empty(c);
	csv_u64(c, t->windows);
	for (int p = 0; p < NPHASES; p++)
		if (t->phase_ns[p] >= 0 && !t->error[0])
			csv_us(c, t->phase_ns[p]);
		else
			csv_empty(c);
	csv_opt(c, t->fork_maps);
	csv_opt(c, t->fork_rss_kib);
	csv_u64(c, t->error[0] ? 0 : t->probes);	/* its rows were taken back */
	if (t->modes && !t->error[0])
		csv_u64(c, t->modes);
	else
		csv_empty(c);
	if (strcmp(t->method->group, "path") == 0)
		csv_u64(c, r->o.path_dirs);
	else
		csv_empty(c);
	/* how far apart the windows' own medians were, the extremes included:
	 * the drift within the run, which the interval (its ranks drop the
	 * extreme windows) does not show whole */
	if (t->windows > 1 && t->window_lo > 0 && !t->error[0])
		csv_double(c, 100 * (t->window_hi - t->window_lo) / s->median);
	else
		csv_empty(c);
	csv_u64(c, t->fds);
	csv_u64(c, t->threads);
	csv_u64(c, t->parallel);
	csv_str(c, spawners_kind(r));
	/* round trips per second, summed over the spawners; the mean over the
	 * windows */
	if (t->windows && !t->error[0] && t->rate_sum > 0)
		csv_double(c, t->rate_sum / t->windows);
	else
		csv_empty(c);
	csv_str(c, t->refined ? "yes" : "no");
	csv_u64(c, t->error[0] ? 0 : t->windows);
	csv_u64(c, t->contended);
	for (size_t i = 0; i < r->counters.n; i++)
		if (t->counted && !t->error[0] && !isnan(t->per_op[i]))
			csv_double(c, t->per_op[i]);
		else
			csv_empty(c);
	if (r->counters.n)
		csv_str(c, !t->counted || t->error[0] ? "" : t->scaled ? "yes" : "no");
	csv_end(c);
}

/* The result files are open only while rows are written: a descriptor the
 * engine held through the timed iterations would be one more for every
 * child to close (at exec or exit, about 0.4 µs each here). Between
 * writes a file is closed, and how much of it is whole is known to the
 * guard, which cuts it back to that on a second signal. */
static int pause_file(struct run *r, struct outfile *o, int slot)
{
	off_t len;
	int err = 0;

	if (!o->f)
		return 0;
	if (fflush(o->f) != 0 || (len = ftello(o->f)) < 0) {
		err = errno;
	} else {
		r->whole[slot] = len;
		guard_file_whole(slot, len);
	}
	if (fclose(o->f) != 0 && !err)
		err = errno;
	o->f = NULL;
	return err;
}

static int resume_file(struct run *r, struct outfile *o, struct csv *c, int slot)
{
	if (o->f)
		return 0;
	if (!(o->f = fopen(o->tmp, "ae")))
		return errno;
	if (r->outbuf[slot])
		setvbuf(o->f, r->outbuf[slot], _IOFBF, OUT_BUFFER);
	c->f = o->f;
	return 0;
}

int mark_whole(struct run *r, uint32_t cell)
{
	off_t from[2] = { r->whole[1], r->whole[2] };
	int err = pause_file(r, &r->samples, 1);
	int err2 = pause_file(r, &r->probes, 2);
	int err3 = row_spans_add(&r->rows, cell, from, &r->whole[1]);

	return err ? err : err2 ? err2 : err3;
}

static bool cell_failed(uint32_t cell, const void *run)
{
	const struct run *r = run;

	return cell < r->ncells && r->cells[cell].error[0];
}

int drop_failed_rows(struct run *r)
{
	struct outfile *files[] = { &r->samples, &r->probes };
	sigset_t stop, old;
	int err = 0;

	/* A second signal cuts the files back to their whole length: hold it
	 * while rows move and that length changes. */
	guard_stop_signals(&stop);
	sigprocmask(SIG_BLOCK, &stop, &old);
	for (int k = 0; k < 2 && !err; k++)
		if (!(err = row_spans_cut(&r->rows, k, files[k]->tmp, &r->whole[k + 1],
					  cell_failed, r)))
			guard_file_whole(k + 1, r->whole[k + 1]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

int resume_outputs(struct run *r, bool summary)
{
	int err = summary ? resume_file(r, &r->summary, &r->summary_csv, 0)
			  : resume_file(r, &r->samples, &r->samples_csv, 1);

	if (!err && !summary)
		err = resume_file(r, &r->probes, &r->probes_csv, 2);
	return err;
}

/* Create one result file with its header, then close it (pause_file):
 * one descriptor at a time, so that a low descriptor limit still runs. */
static int start_file(struct run *r, struct outfile *o, struct csv *c, int slot, const char *name)
{
	int err = outfile_open(o, r->dir, name);

	if (err)
		return err;
	/* stdio's buffer: heap pages every timed fork would copy, where this
	 * is in no child */
	if ((r->outbuf[slot] = book_alloc(OUT_BUFFER)))
		setvbuf(o->f, r->outbuf[slot], _IOFBF, OUT_BUFFER);
	c->f = o->f;
	guard_file(slot, o->tmp, o->path);
	if (slot == 0) {
		/* The core columns, then one per counter: <event>_per_op. */
		fputs(SUMMARY_COLUMNS, o->f);
		for (size_t i = 0; i < r->counters.n; i++)
			fprintf(o->f, ",%s_per_op", r->counters.spec[i].name);
		if (r->counters.n)
			fputs(",counters_scaled", o->f);
		fputc('\n', o->f);
	} else {
		csv_header(c, slot == 1 ? SAMPLES_COLUMNS : PROBES_COLUMNS);
	}
	return pause_file(r, o, slot);
}

int open_outputs(struct run *r)
{
	int err;

	if ((err = write_env_at(r, "no", false)) ||
	    (err = start_file(r, &r->summary, &r->summary_csv, 0, "summary.csv")) ||
	    (err = start_file(r, &r->samples, &r->samples_csv, 1, "samples.csv")) ||
	    (err = start_file(r, &r->probes, &r->probes_csv, 2, "probes.csv")) ||
	    (err = spill_open(&r->spill, r->dir))) {
		fprintf(stderr, "spawncost run: cannot write in %s: %s\n", r->dir, strerror(err));
		abandon_outputs(r);
		return 2;
	}
	return 0;
}

/* fit.csv: the line through each method's sweep (harness/engine/fit.c). */
static int write_fit(struct run *r)
{
	struct outfile o;
	int err = outfile_open(&o, r->dir, "fit.csv");

	if (err)
		return err;
	fit_rows(r->cells, r->ncells, o.f, NULL, target_of, r, r->run_id, env_host(), r->o.vmas,
		 spawners_kind(r));
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

static int write_windows(struct run *r)
{
	struct outfile o;
	struct csv c;
	int err = outfile_open(&o, r->dir, "windows.csv");

	if (err)
		return err;
	c = (struct csv){ .f = o.f };
	csv_header(&c, WINDOWS_COLUMNS);
	for (size_t i = 0; i < r->win.n; i++) {
		const struct window_rec *w = &r->win.rec[i];
		const struct table_row *t;

		if (w->cell & WINDOW_ORPHAN || w->cell >= r->ncells)
			continue;
		t = &r->cells[w->cell];
		row_key(r, &c, t);
		csv_str(&c, variant(r, t));
		csv_str(&c, ballast_names[t->kind]);
		csv_u64(&c, r->o.vmas);
		csv_u64(&c, t->fds);
		csv_u64(&c, t->threads);
		csv_u64(&c, t->parallel);
		csv_str(&c, spawners_kind(r));
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

void abandon_outputs(struct run *r)
{
	struct outfile *files[] = { &r->summary, &r->samples, &r->probes };

	for (int i = 0; i < 3; i++) {
		guard_file(i, NULL, NULL);
		if (files[i]->f) {
			fclose(files[i]->f);
			files[i]->f = NULL;
		}
		unlink(files[i]->tmp);
		unlink(files[i]->path);	/* ours: the folder held none (make_run_dir) */
	}
	write_env_at(r, "no", true);	/* says the run did not finish, if it can */
}

int close_outputs(struct run *r, const char *complete)
{
	sigset_t stop, old;
	int err;

	/* A signal now would find the files half renamed: hold it until they
	 * are final (a second Ctrl-C then just exits). */
	guard_stop_signals(&stop);
	sigprocmask(SIG_BLOCK, &stop, &old);
	err = resume_outputs(r, false);
	if (!err)
		err = resume_outputs(r, true);
	guard_file(0, NULL, NULL);
	guard_file(1, NULL, NULL);
	guard_file(2, NULL, NULL);
	/* Each file is synced before any is renamed: none takes its final
	 * name unless all could be written whole. */
	struct outfile *files[] = { &r->samples, &r->probes, &r->summary };
	for (int i = 0; i < 3 && !err; i++)
		if (fflush(files[i]->f) != 0 || fsync(fileno(files[i]->f)) != 0)
			err = errno;
	for (int i = 0; i < 3 && !err; i++)
		err = outfile_commit(files[i]);
	if (!err)
		err = write_fit(r);
	if (!err)
		err = write_windows(r);
	if (!err)
		err = write_env_at(r, complete, true);
	if (err)
		abandon_outputs(r);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fprintf(stderr, "spawncost run: cannot finish the files in %s: %s\n", r->dir,
			strerror(err));
		return 2;
	}
	return 0;
}
