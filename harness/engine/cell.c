#include <errno.h>
#include <sched.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "book.h"
#include "cell.h"
#include "guard.h"
#include "memory.h"
#include "timing.h"

int samples_init(struct samples *s, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->cap = cap < 4096 ? 4096 : cap;
	s->probe_cap = s->cap / PROBE_EVERY + 2;
	s->ns = book_alloc(s->cap * sizeof *s->ns);
	s->cpu = book_alloc(s->cap * sizeof *s->cpu);
	s->probe = book_alloc(s->probe_cap * sizeof *s->probe);
	s->spawner = book_alloc(s->cap * sizeof *s->spawner);
	if (!s->ns || !s->cpu || !s->probe || !s->spawner) {
		samples_free(s);
		return ENOMEM;
	}
	return 0;
}

void samples_free(struct samples *s)
{
	if (s->ns)
		book_free(s->ns, s->cap * sizeof *s->ns);
	if (s->cpu)
		book_free(s->cpu, s->cap * sizeof *s->cpu);
	if (s->probe)
		book_free(s->probe, s->probe_cap * sizeof *s->probe);
	if (s->spawner)
		book_free(s->spawner, s->cap * sizeof *s->spawner);
	memset(s, 0, sizeof *s);
}

/* Double the buffers, between iterations (never inside a timed one). */
static int samples_grow(struct samples *s)
{
	uint64_t *ns = book_grow(s->ns, s->cap * sizeof *s->ns, 2 * s->cap * sizeof *s->ns);
	uint32_t *cpu;
	uint16_t *who;
	struct probe *pr;

	if (!ns)
		return ENOMEM;
	s->ns = ns;
	cpu = book_grow(s->cpu, s->cap * sizeof *s->cpu, 2 * s->cap * sizeof *s->cpu);
	if (!cpu)
		return ENOMEM;	/* ns already doubled: cap stays, harmless */
	s->cpu = cpu;
	pr = book_grow(s->probe, s->probe_cap * sizeof *s->probe, 2 * s->probe_cap * sizeof *s->probe);
	if (!pr)
		return ENOMEM;
	s->probe = pr;
	who = book_grow(s->spawner, s->cap * sizeof *s->spawner, 2 * s->cap * sizeof *s->spawner);
	if (!who)
		return ENOMEM;
	s->spawner = who;
	s->cap *= 2;
	s->probe_cap *= 2;
	return 0;
}

int samples_reserve(struct samples *s, size_t n, size_t nprobe)
{
	while (s->cap < n || s->probe_cap < nprobe)
		if (samples_grow(s) != 0)
			return ENOMEM;
	return 0;
}

void fail_format(const struct spawn_fail *f, char *buf, size_t len)
{
	const char *name;

	switch (f->kind) {
	case FAIL_ERRNO:
	case FAIL_EXEC:
		name = strerrorname_np(f->code);
		if (f->why)
			snprintf(buf, len, "%s: %s", name ? name : "EUNKNOWN", f->why);
		else
			snprintf(buf, len, "%s: %s failed", name ? name : "EUNKNOWN",
				 f->kind == FAIL_EXEC ? "exec of the target" : f->call);
		break;
	case FAIL_SIGNAL: {
		char sig[16];
		snprintf(buf, len, "SIG%s: child killed by signal %d",
			 guard_signal_name(f->code, sig, sizeof sig), f->code);
		break;
	}
	case FAIL_STATUS:
		snprintf(buf, len, "EXIT%d: child exited with status %d", f->code, f->code);
		break;
	default:
		snprintf(buf, len, "unknown failure");
	}
}

static int failed(struct spawn_ctx *c, struct cell_result *r)
{
	fail_format(&c->fail, r->error, sizeof r->error);
	return -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* A window's own median, and the distribution-free 95% interval of it over
 * its samples, order statistics n/2 -+ 0.98 sqrt(n): what the window's
 * time budget watches (a cell's interval comes from its windows'
 * medians). The sorted copy lives in its own mapping, unmapped at once,
 * so that the parent is no larger after. */
int median_interval(const uint64_t *ns, size_t n, double *median, double *half)
{
	size_t bytes = n * sizeof *ns, lo, hi;
	double h = 0.98 * sqrt((double)n);
	uint64_t *x;

	if (n == 0)
		return -1;
	x = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x == MAP_FAILED)
		return -1;
	memcpy(x, ns, bytes);
	qsort(x, n, sizeof *x, cmp_u64);
	lo = (double)n / 2 > h ? (size_t)((double)n / 2 - h) : 0;
	hi = (size_t)((double)n / 2 + h);
	if ((double)hi < (double)n / 2 + h)
		hi++;	/* ceil, without libm */
	if (hi > n - 1)
		hi = n - 1;
	*median = n % 2 ? (double)x[n / 2] : ((double)x[n / 2 - 1] + (double)x[n / 2]) / 2;
	*half = ((double)x[hi] - (double)x[lo]) / 2;
	munmap(x, bytes);
	return 0;
}

struct budget window_budget(const struct budget *b, unsigned round, unsigned rounds)
{
	struct budget w = *b;

	if (b->iterations)
		w.iterations = b->iterations / rounds + (round < b->iterations % rounds);
	w.min_time = b->min_time / rounds;
	w.max_time = b->max_time / rounds;
	w.min_iterations = (MIN_ITERATIONS + rounds - 1) / rounds;
	/* The cell's interval comes from its windows' medians, which W windows
	 * pin down sqrt(W) times better than one: each window need only be
	 * sqrt(W) times less precise for the cell to reach --precision. */
	w.precision_pct = b->precision_pct * sqrt((double)rounds);
	return w;
}

bool cell_precise_enough(const struct samples *s, double pct)
{
	double median, half;

	if (median_interval(s->ns, s->n, &median, &half) != 0)
		return true;	/* cannot tell: stop at the minimum */
	return median > 0 && half <= median * pct / 100;
}

bool cell_budget_spent(const struct budget *b, const struct samples *s, uint64_t elapsed,
			 uint64_t *next_check)
{
	if (b->iterations)
		return s->n == b->iterations;
	if (elapsed < *next_check || s->n < b->min_iterations)
		return false;
	if (b->precision_pct <= 0 || elapsed >= (uint64_t)(b->max_time * 1e9) ||
	    cell_precise_enough(s, b->precision_pct))
		return true;
	*next_check = elapsed * 2;
	return false;
}

/* Huge pages mapped in this process: anonymous THP plus PMD-mapped shmem
 * (a shared-file ballast), from smaps_rollup; -1 when unreadable. */
static long huge_kib(void)
{
	long anon = proc_kib("/proc/self/smaps_rollup", "AnonHugePages");
	long shmem = proc_kib("/proc/self/smaps_rollup", "ShmemPmdMapped");

	if (anon < 0)
		return -1;
	return anon + (shmem > 0 ? shmem : 0);
}

uint64_t deadline_ns(const struct deadline *d)
{
	uint64_t floor = (uint64_t)(DEADLINE_FLOOR * 1e9), v[5], m;

	if (d->fixed)
		return d->fixed;
	if (d->nfirst == 0)
		return floor;
	for (unsigned i = 0; i < d->nfirst; i++)
		v[i] = d->first[i];
	qsort(v, d->nfirst, sizeof v[0], cmp_u64);
	m = v[d->nfirst / 2];
	return 100 * m > floor ? 100 * m : floor;
}

void deadline_learn(struct deadline *d, uint64_t took)
{
	if (d->nfirst < 5)
		d->first[d->nfirst++] = took;
}

/* A phase in ns from two stamps: TSC ticks scaled by the iteration's own
 * ns per tick (s0..s1 are the stamps read next to the clock at t0 and t1),
 * or ns already where stamps are clock readings (s1 == s0 == 0). */
static uint32_t phase_ns(uint64_t from, uint64_t to, uint64_t s0, uint64_t s1, uint64_t t0,
			 uint64_t t1)
{
	if (!from || !to || to < from || s1 <= s0)
		return PHASE_NONE;
	double ns = (double)(to - from) * (double)(t1 - t0) / (double)(s1 - s0);
	return ns < (double)PHASE_NONE ? (uint32_t)ns : PHASE_NONE;
}

/* The four phases of an iteration from its edges: the call (t0, stamp s0),
 * the child's first moment, the parent's return from the call, the
 * target's entry, the target's (or child's) exit, and the reap (t1, s1). */
static struct phases phases_of(const uint64_t *slot, uint64_t t0, uint64_t t1, uint64_t s0,
			       uint64_t s1)
{
	struct phases p = { { PHASE_NONE, PHASE_NONE, PHASE_NONE, PHASE_NONE } };

	if (!slot)
		return p;
	p.v[PH_CHILD_START] = phase_ns(s0, slot[SLOT_CHILD_START], s0, s1, t0, t1);
	p.v[PH_PARENT_RESUME] = phase_ns(s0, slot[SLOT_PARENT_RESUME], s0, s1, t0, t1);
	p.v[PH_EXEC] = phase_ns(slot[SLOT_CHILD_START], slot[SLOT_TARGET_ENTRY], s0, s1, t0, t1);
	p.v[PH_EXIT_REAP] = phase_ns(slot[SLOT_EXIT], s1, s0, s1, t0, t1);
	return p;
}

/* After a failed or interrupted iteration: why. */
static int judge_end(struct spawn_ctx *c, struct cell_result *r, uint64_t limit)
{
	/* Ctrl-C reaches the whole process group. Inside system() glibc
	 * ignores SIGINT in the parent, so the child's death is the only
	 * sign that the user asked to stop. */
	if (!guard_stop && c->fail.kind == FAIL_SIGNAL && c->fail.code == SIGINT)
		guard_stop = SIGINT;
	if (guard_stop)
		return CELL_ABANDONED;
	if (guard_took_timeout()) {
		snprintf(r->error, sizeof r->error,
			 "ETIME: an iteration ran past its %.3g s deadline; the child was killed",
			 (double)limit / 1e9);
		return -1;
	}
	return failed(c, r);
}

/* The parent's size and what its fork copies, before a window's timed
 * iterations: read in every window, so a parent that changed would show. */
static void read_parent(struct cell_result *r)
{
	r->rss_kib = proc_kib("/proc/self/status", "VmRSS");
	r->pte_kib = proc_kib("/proc/self/status", "VmPTE");
	r->thp_kib = huge_kib();
	if (fork_footprint(&r->fork) != 0)
		r->fork.maps = r->fork.rss_kib = -1;
}

/* One probe: an untimed round trip whose child notes its CPU and, with
 * --phases, stamps the phase edges (running the probe target, the stamp
 * target where the timed iterations run the static no-op). */
static int probe(const struct method *m, struct spawn_ctx *c, struct samples *s, uint64_t limit)
{
	struct probe *p = &s->probe[s->nprobe];
	const char *target = c->target;
	char *const *argv = c->argv;
	unsigned ops = m->ops ? m->ops : 1;
	uint64_t t0, t1, s0, s1;
	int bad;

	c->shared[1] = CPU_UNKNOWN;
	memset(&c->shared[SLOT_CHILD_START], 0, 4 * sizeof c->shared[0]);
	c->note_cpu = true;
	c->phases = c->want_phases;
	if (c->probe_target) {
		c->target = c->probe_target;
		c->argv = c->probe_argv;
	}
	t0 = now_ns();
	guard_arm(t0 + limit);
	s0 = c->phases ? phase_stamp() : 0;
	bad = m->once(c, m);
	s1 = c->phases ? phase_stamp() : 0;
	t1 = now_ns();
	guard_arm(0);
	c->note_cpu = c->phases = false;
	c->target = target;
	c->argv = argv;
	if (bad)
		return -1;
#if !defined(__x86_64__)
	s0 = t0;	/* stamps are clock ns here: no conversion */
	s1 = t1;
#endif
	p->ns = m->per_page ? c->inner_ns : (t1 - t0) / ops;
	p->cpu = (uint32_t)(sched_getcpu() & 0xffff) << 16 | (uint32_t)(c->shared[1] & 0xffff);
	p->phase = phases_of(c->want_phases ? c->shared : NULL, t0, t1, s0, s1);
	s->nprobe++;
	return 0;
}

/* The untimed iterations first, each under the deadline, which they
 * teach: 0, or -1 when one failed or the run was asked to stop. */
static int warm_up(const struct method *m, struct spawn_ctx *c, uint64_t n, struct deadline *d,
		   uint64_t *limit)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		guard_arm(t0 + *limit);
		int bad = m->once(c, m);
		uint64_t t1 = now_ns();
		guard_arm(0);
		if (bad || guard_stop)
			return -1;
		deadline_learn(d, t1 - t0);
		*limit = deadline_ns(d);
	}
	return 0;
}

/* A round trip ends with its child reaped: a method that leaves one
 * behind measured something else (checked once, untimed). */
static bool round_trips_whole(struct cell_result *r)
{
	if (guard_children() == 0)
		return true;
	guard_reap_strays();
	snprintf(r->error, sizeof r->error,
		 "ECHILD: the method left children unreaped: its round trips are not whole");
	return false;
}

/* One window of method m: warm-up, a probe, then timed round trips until
 * the budget says stop, a probe every PROBE_EVERY. (Longer than 60 lines:
 * the timed loop is kept whole, so that everything between t0 and t1, and
 * everything around them, reads on one screen: nothing else may enter it.) */
static int measure(const struct method *m, struct spawn_ctx *c, const struct budget *b,
		   struct samples *s, struct cell_result *r)
{
	uint64_t next_check = (uint64_t)(b->min_time * 1e9), start, last, limit;
	struct deadline d = { .fixed = (uint64_t)(b->timeout * 1e9) };
	unsigned ops = m->ops ? m->ops : 1;
	int rc = -1;

	r->error[0] = '\0';
	s->n = s->nprobe = 0;
	c->fail.why = NULL;
	c->fail.kind = FAIL_NONE;
	c->note_cpu = c->phases = false;
	guard_took_timeout();
	if (guard_stop)
		return CELL_ABANDONED;
	c->shared[SLOT_EXEC_ERRNO] = 0;
	if (m->setup && m->setup(c, m) != 0)
		return failed(c, r);
	limit = deadline_ns(&d);
	guard_check_every(limit / 10);
	if (warm_up(m, c, b->warmup, &d, &limit) != 0)
		goto out;
	read_parent(r);
	if (probe(m, c, s, limit) != 0 || guard_stop)
		goto out;

	start = last = now_ns();
	for (;;) {
		if ((s->n == s->cap || s->nprobe == s->probe_cap) && samples_grow(s) != 0) {
			spawn_failed(c, FAIL_ERRNO, ENOMEM, "growing the samples");
			goto out;
		}
		/* The deadline is set from the last clock reading, before t0, and
		 * cleared after t1: nothing of it is timed. */
		guard_arm(last + limit);
		uint64_t t0 = now_ns();
		int bad = m->once(c, m);
		uint64_t t1 = now_ns();
		guard_arm(0);
		if (bad || guard_stop)
			goto out;
		s->cpu[s->n] = (uint32_t)(sched_getcpu() & 0xffff) << 16 | CPU_UNKNOWN;
		/* A method doing several operations per round trip (exec-only)
		 * reports the time of one; a per_page method, the page walk it
		 * had the harness time. */
		s->ns[s->n++] = m->per_page ? c->inner_ns : (t1 - t0) / ops;
		if (d.nfirst < 5) {
			deadline_learn(&d, t1 - t0);
			limit = deadline_ns(&d);
		}
		last = t1;
		if (c->progress)
			*c->progress = s->n;
		if (cell_budget_spent(b, s, t1 - start, &next_check)) {
			r->rate = t1 > start ? 1e9 * (double)(s->n + s->nprobe) / (double)(t1 - start)
					     : 0;
			rc = 0;
			break;
		}
		if (s->n % PROBE_EVERY == 0) {
			if (probe(m, c, s, limit) != 0 || guard_stop)
				goto out;
			last = now_ns();
		}
	}
	if (rc == 0 && !round_trips_whole(r))
		rc = 1;
out:
	guard_check_every(0);
	if (rc != 0)
		guard_reap_strays();
	if (m->teardown)
		m->teardown(c, m);
	if (rc == 1)
		return -1;	/* r->error says why */
	return rc == 0 ? 0 : judge_end(c, r, limit);
}

struct measure_args {
	const struct method *m;
	struct spawn_ctx *c;
	const struct budget *b;
	struct samples *s;
	struct cell_result *r;
};

static int measure_on_page(void *arg)
{
	struct measure_args *a = arg;
	struct spawn_ctx c = *a->c;
	int rc = measure(a->m, &c, a->b, a->s, a->r);

	*a->c = c;
	return rc;
}

/* The window's loop, its method and the clock on one stack page, as in a
 * plain program (harness/common/memory.h, on_one_stack_page), and with
 * them the spawn context, which the children read: a page fork copies, and
 * the only one the parent writes between a fork and its clock reading. */
int cell_measure(const struct method *m, struct spawn_ctx *c, const struct budget *b,
		 struct samples *s, struct cell_result *r)
{
	struct measure_args a = { m, c, b, s, r };

	return on_one_stack_page(measure_on_page, &a);
}
