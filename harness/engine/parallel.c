/* Windows of --parallel N: N spawners measure the same cell at once, each
 * its own timing loop (cell_measure), started together behind a gate, as
 * will-it-scale starts its tasks.
 *
 * Spawners are processes (--spawners processes, the default): forks of the
 * engine, each with the ballast, copy-on-write; or threads of one such fork
 * (--spawners threads), whose forks then contend on one mm. Spawner i binds
 * to the i-th CPU of the --pin policy's order (the front end's
 * --spawner-cpus), its children inherit that CPU. Every cell of a --parallel
 * run is measured this way, N = 1 included, so that the scaling from 1 to N
 * compares like with like.
 *
 * Nothing is added to a spawner's timed path: its deadline is the engine's
 * (a spawner stores how many round trips it has made after each one, in a
 * shared page; the engine kills every spawner's process group when none
 * has moved for a whole deadline), and its samples go to the engine through
 * one memory file, each spawner at its own offset, after its window. */
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "handback.h"
#include "window.h"
#include "timing.h"

/* Each spawner's results in the memory file: a head, then its samples. */
#define SPAWNER_BYTES (1ULL << 30)

/* The first page of the spawners' area: the gate. */
struct gate {
	volatile uint32_t ready;	/* spawners waiting at the gate */
	volatile uint32_t go;		/* 1: start */
};

/* Page i + 1 of the area is spawner i's: the first half its shared slots
 * (what its children leave, as the engine's shared page), the second its
 * count of round trips. */
static uint64_t *spawner_page(uint64_t *area, size_t i)
{
	return (uint64_t *)((char *)area + (i + 1) * page_bytes());
}

static volatile uint64_t *spawner_progress(uint64_t *area, size_t i)
{
	return (volatile uint64_t *)((char *)spawner_page(area, i) + page_bytes() / 2);
}

uint64_t *spawners_area(const struct run_opts *o)
{
	uint64_t most = 0;
	void *p;

	if (!o->parallel_given)
		return NULL;
	for (size_t i = 0; i < o->nparallel; i++)
		if (o->parallel[i] > most)
			most = o->parallel[i];
	p = mmap(NULL, (most + 1) * page_bytes(), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* What every spawner of a window needs, in memory a fork child has as its
 * own (the engine's struct run is in the engine's book, shared). */
struct job {
	const struct method *m;
	struct spawn_ctx ctx;
	struct budget w;
	uint64_t *area;
	const int *cpus;	/* the order spawners take CPUs in; NULL: unbound */
	size_t ncpus;
	int fd;			/* the memory file results go to */
};

static int futex(volatile uint32_t *word, int op, uint32_t val)
{
	return (int)syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

/* Spawner i: bind, wait at the gate, measure, hand the window back. */
static void spawner(const struct job *j, size_t i)
{
	struct gate *g = (struct gate *)j->area;
	struct spawn_ctx c = j->ctx;
	struct samples s;
	struct handback_head h = { .rc = -1, .res = { .rss_kib = -1, .pte_kib = -1,
						     .thp_kib = -1, .fork = { -1, -1 } } };
	bool have = samples_init(&s, j->w.iterations) == 0;

	c.shared = spawner_page(j->area, i);
	c.progress = spawner_progress(j->area, i);
	c.state = NULL;
	if (j->cpus) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(j->cpus[i % j->ncpus], &set);
		sched_setaffinity(0, sizeof set, &set);	/* this thread, in a thread */
	}
	__atomic_add_fetch(&g->ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&g->go, __ATOMIC_ACQUIRE))
		futex(&g->go, FUTEX_WAIT, 0);
	if (have)
		h.rc = cell_measure(j->m, &c, &j->w, &s, &h.res);
	else
		snprintf(h.res.error, sizeof h.res.error, "ENOMEM: no room for the samples");
	h.n = have ? s.n : 0;
	h.nprobe = have ? s.nprobe : 0;
	handback_put(j->fd, (off_t)(i * SPAWNER_BYTES), &h, &s);
	if (have)
		samples_free(&s);
}

/* A fork child of the engine that becomes a spawner (or the spawners'
 * process): its own process group, so that the engine can kill it and
 * everything below it at once; no watchdog slot (the engine watches). */
static void become_spawner_process(void)
{
	setpgid(0, 0);
	guard_watch = NULL;
	child_stack_forget();
}

struct thread_arg {
	const struct job *j;
	size_t i;
};

static void *spawner_thread(void *p)
{
	const struct thread_arg *a = p;

	spawner(a->j, a->i);
	return NULL;
}

/* --spawners threads: n threads of this process, each a spawner. */
static int spawner_threads(const struct job *j, size_t n)
{
	pthread_t *t = calloc(n, sizeof *t);
	struct thread_arg *a = calloc(n, sizeof *a);
	size_t started = 0;

	if (!t || !a)
		return 3;
	for (; started < n; started++) {
		a[started] = (struct thread_arg){ j, started };
		if (pthread_create(&t[started], NULL, spawner_thread, &a[started]) != 0)
			break;
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	return started == n ? 0 : 4;
}

/* Kill every spawner's process group and reap them (and, through
 * guard_reap_strays, whatever of theirs came back to us). */
static void kill_spawners(const pid_t *pid, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pid[i] > 0)
			kill(-pid[i], SIGKILL);
	for (size_t i = 0; i < n; i++)
		if (pid[i] > 0)
			while (waitpid(pid[i], NULL, 0) < 0 && errno == EINTR)
				;
	guard_reap_strays();
}

static uint64_t progress_sum(uint64_t *area, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += *spawner_progress(area, i);
	return sum;
}

/* Open the gate once every spawner waits at it, then wait for them all to
 * finish, killing them when none has made a round trip for a whole
 * deadline. Returns 0, -1 with res->error, or CELL_ABANDONED. */
static int supervise(uint64_t *area, pid_t *pid, size_t nproc, size_t nspawners,
		     uint64_t deadline, struct cell_result *res)
{
	struct gate *g = (struct gate *)area;
	uint64_t last = UINT64_MAX, moved = now_ns();
	size_t left = nproc;
	int failed = 0;

	while (left) {
		struct timespec nap = { 0, 20 * 1000 * 1000 };
		uint64_t now = now_ns(), sum;

		if (guard_stop) {
			kill_spawners(pid, nproc);
			return CELL_ABANDONED;
		}
		if (!g->go && g->ready == nspawners) {
			__atomic_store_n(&g->go, 1, __ATOMIC_RELEASE);
			futex(&g->go, FUTEX_WAKE, INT32_MAX);
		}
		sum = progress_sum(area, nspawners);
		if (sum != last) {
			last = sum;
			moved = now;
		} else if (now - moved > deadline) {
			kill_spawners(pid, nproc);
			snprintf(res->error, sizeof res->error,
				 "ETIME: no spawner made a round trip in %.0f s; all were killed",
				 (double)deadline / 1e9);
			return -1;
		}
		for (size_t i = 0; i < nproc; i++) {
			int status;
			if (pid[i] <= 0 || waitpid(pid[i], &status, WNOHANG) != pid[i])
				continue;
			pid[i] = 0;
			left--;
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				continue;
			if (!failed++)
				snprintf(res->error, sizeof res->error,
					 "spawner process %zu %s %d", i,
					 WIFSIGNALED(status) ? "was killed by signal"
							     : "exited with status",
					 WIFSIGNALED(status) ? WTERMSIG(status)
							     : WEXITSTATUS(status));
		}
		/* one that died before the gate opened: the others would wait */
		if (failed && !g->go) {
			kill_spawners(pid, nproc);
			return -1;
		}
		if (left)
			nanosleep(&nap, NULL);
	}
	return failed ? -1 : 0;
}

/* Every spawner's window into s, one after the other; the cell's figures
 * from spawner 0's, its rate the sum of all. */
static int gather(int fd, size_t n, struct samples *s, struct cell_result *res)
{
	s->n = s->nprobe = 0;
	res->rate = 0;
	for (size_t i = 0; i < n; i++) {
		struct handback_head h;
		size_t n0 = s->n, np0 = s->nprobe;

		if (handback_take(fd, (off_t)(i * SPAWNER_BYTES), &h, s)) {
			snprintf(res->error, sizeof res->error,
				 "EIO: spawner %zu's samples were lost", i);
			return -1;
		}
		if (h.rc != 0) {
			snprintf(res->error, sizeof res->error, "spawner %zu: %.120s", i,
				 h.res.error[0] ? h.res.error : "failed");
			return -1;
		}
		for (size_t k = n0; k < s->n; k++)
			s->spawner[k] = (uint16_t)i;
		for (size_t k = np0; k < s->nprobe; k++)
			s->probe[k].spawner = (uint16_t)i;
		if (i == 0) {
			*res = h.res;	/* the parent's figures: spawner 0's */
			res->rate = 0;
		}
		res->rate += h.res.rate;
	}
	return 0;
}

int window_parallel(const struct window_job *wj, struct cell_result *res)
{
	const struct run_opts *o = wj->o;
	struct samples *s = wj->s;
	size_t n = (size_t)wj->t->parallel, nproc = o->spawner_threads ? 1 : n;
	bool threads = o->spawner_threads;	/* the options are not in the children */
	struct job j = {
		.m = wj->t->method,
		.ctx = *wj->ctx,
		.w = *wj->w,
		.area = wj->spawners,
		.cpus = o->nspawner_cpus ? o->spawner_cpus : NULL,
		.ncpus = o->nspawner_cpus,
		.fd = memfd_create("spawncost-spawners", MFD_CLOEXEC),
	};
	uint64_t deadline = (uint64_t)((o->budget.timeout ? o->budget.timeout : DEADLINE_FLOOR) *
				       1e9);
	pid_t *pid = calloc(nproc, sizeof *pid);
	int rc;

	s->n = s->nprobe = 0;
	if (j.fd < 0 || !pid || !wj->spawners) {
		snprintf(res->error, sizeof res->error, "%s: cannot prepare the spawners",
			 strerrorname_np(j.fd < 0 ? errno : ENOMEM));
		goto fail;
	}
	memset(wj->spawners, 0, (n + 1) * page_bytes());
	for (size_t i = 0; i < nproc; i++) {
		pid[i] = fork();
		if (pid[i] < 0) {
			snprintf(res->error, sizeof res->error, "%s: fork of spawner %zu failed",
				 strerrorname_np(errno), i);
			pid[i] = 0;
			kill_spawners(pid, i);
			goto fail;
		}
		if (pid[i] == 0) {
			become_spawner_process();
			if (threads)
				_exit(spawner_threads(&j, n));
			spawner(&j, i);
			_exit(0);
		}
		setpgid(pid[i], pid[i]);
	}
	rc = supervise(wj->spawners, pid, nproc, n, deadline, res);
	if (rc == 0)
		rc = gather(j.fd, n, s, res);
	close(j.fd);
	free(pid);
	return rc;
fail:
	if (j.fd >= 0)
		close(j.fd);
	free(pid);
	return -1;
}
