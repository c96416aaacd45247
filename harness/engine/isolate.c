/* Windows of methods that create threads (pthread), and of cells whose
 * parent has threads (--threads), measured in a child of the engine rather
 * than in the engine itself.
 *
 * glibc marks a process that has ever created a thread as multi-threaded,
 * for good: from then on its every fork takes the slow path (the stdio and
 * malloc locks around the fork, and in the child their reinitialisation,
 * copy-on-write faults on the pages that hold them). Measured here, a
 * fork-exit loop at 0 MiB that had created and joined one thread first ran
 * 25-35% slower than the same loop that had not. A pthread cell measured in
 * the engine would so change every fork-based cell after it, in this round
 * and the next, so the engine stays single-threaded: a child forked for the
 * window measures it (and the counting pass of the last round) and hands
 * the samples back through a memory file. The child is the engine with the
 * same ballast, copy-on-write; the pthread cell neither writes the ballast
 * nor forks. */
#include <errno.h>
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "handback.h"
#include "window.h"

/* --threads: idle threads of the measuring child, each parked on a futex
 * that is never woken (the child's _exit ends them). */
static uint32_t never;
static unsigned parked;

static void *park(void *unused)
{
	__atomic_add_fetch(&parked, 1, __ATOMIC_RELEASE);
	for (;;)
		syscall(SYS_futex, &never, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return unused;
}

/* Start n parked threads and wait until every one has started: 0 or an
 * errno value. A thread still on its way into the futex costs a fork
 * nothing more than a sleeping one: fork copies the caller only. */
static int start_threads(uint64_t n)
{
	pthread_t t;
	int err;

	for (uint64_t i = 0; i < n; i++)
		if ((err = pthread_create(&t, NULL, park, NULL)))
			return err;
	while (__atomic_load_n(&parked, __ATOMIC_ACQUIRE) < n)
		sched_yield();
	return 0;
}

/* In the child: the window, then the counters if cs is given; everything
 * to fd. The run's bookkeeping (struct run, the cells) is the engine's
 * (its book is shared, but only the engine hands out its blocks): what the
 * child needs comes as arguments. */
static int helper(const struct method *m, size_t done, const struct counters *cs,
		  struct spawn_ctx *ctx, const struct budget *w, uint64_t threads, int fd)
{
	struct samples s;
	struct handback_head h = { .res = { .rss_kib = -1, .pte_kib = -1, .thp_kib = -1,
					    .fork = { -1, -1 } } };
	int err;

	if (samples_init(&s, w->iterations) != 0)
		return 3;
	child_stack_forget();
	if ((err = start_threads(threads))) {
		h.rc = -1;
		snprintf(h.res.error, sizeof h.res.error, "%s: could start only %u of %llu threads",
			 strerrorname_np(err), parked, (unsigned long long)threads);
	} else {
		h.rc = cell_measure(m, ctx, w, &s, &h.res);
	}
	for (int i = 0; i < 16; i++)
		h.per_op[i] = NAN;
	if (h.rc == 0 && cs && cs->n && !guard_stop) {
		h.counted = counters_measure(cs, m, ctx, counters_round_trips(done + s.n), h.per_op,
					     &h.scaled) == 0;
	}
	h.n = s.n;
	h.nprobe = s.nprobe;
	return handback_put(fd, 0, &h, &s) ? 4 : 0;
}

/* Back in the engine: what the child measured, into s, res and t. */
static int take(int fd, struct table_row *t, struct samples *s, struct cell_result *res)
{
	struct handback_head h;

	s->n = s->nprobe = 0;
	if (handback_take(fd, 0, &h, s)) {
		snprintf(res->error, sizeof res->error, "EIO: the isolated window's samples were lost");
		return -1;
	}
	*res = h.res;
	if (h.counted) {
		memcpy(t->per_op, h.per_op, sizeof t->per_op);
		t->counted = true;
		t->scaled = h.scaled;
	}
	return h.rc;
}

int window_isolated(const struct window_job *j, struct cell_result *res)
{
	struct table_row *t = j->t;
	struct samples *s = j->s;
	int fd = memfd_create("spawncost-isolated", MFD_CLOEXEC), status = 0, rc;
	const struct method *m = t->method;
	size_t done = t->stats.n;
	uint64_t threads = t->threads;	/* t is not in the child */
	struct counters cs;
	pid_t pid;

	s->n = s->nprobe = 0;
	if (j->count)
		cs = *j->count;	/* before the fork: the run is not in the child */
	pid = fd < 0 ? -1 : fork();
	if (fd < 0 || pid < 0) {
		snprintf(res->error, sizeof res->error, "%s: %s failed", strerrorname_np(errno),
			 fd < 0 ? "memfd_create" : "fork of the process that measures it");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (pid == 0)
		_exit(helper(m, done, j->count ? &cs : NULL, j->ctx, j->w, threads, fd));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (guard_stop) {
		rc = CELL_ABANDONED;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = take(fd, t, s, res);
	} else if (guard_took_timeout()) {
		snprintf(res->error, sizeof res->error,
			 "ETIME: an iteration ran past its deadline; the window was killed");
		rc = -1;
	} else {
		snprintf(res->error, sizeof res->error, "the isolated window's process %s %d",
			 WIFSIGNALED(status) ? "was killed by signal" : "exited with status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		rc = -1;
	}
	close(fd);
	return rc;
}
