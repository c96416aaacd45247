/* Windows of the runtime methods (bench/runtimes.c): the engine starts the
 * method's driver (bench/runtimes/<runtime>/, built into runtimes/ next to
 * the no-op) once per window, with the cell's ballast and its share of the
 * iterations, and reads back what the driver timed in its own process.
 *
 * The protocol, on the driver's stdout, one line each:
 *   version <the runtime's name and version>
 *   ready                  (ballast touched, warm-up done: the engine reads
 *                           the driver's VmRSS now, then writes "go")
 *   <ns>                   one timed round trip, integer nanoseconds, each
 *   done
 * or, at any point, "error <why>" and a non-zero exit. The driver's start-up,
 * its ballast and its warm-up are never timed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "book.h"
#include "guard.h"
#include "window.h"
#include "timing.h"
#include "drivers.h"

/* In the driver's child: its own process group (so that a hung driver is
 * killed with its children), stdin and stdout on the pipes, stderr nowhere;
 * the interpreter looked up in the system's folders. */
static __attribute__((noreturn)) void exec_driver(char **argv, int in, int out,
						  const struct method *m)
{
	char path[4096];	/* the interpreter's, as found */
	int devnull = open("/dev/null", O_WRONLY);

	setpgid(0, 0);
	dup2(in, 0);
	dup2(out, 1);
	if (devnull >= 0)
		dup2(devnull, 2);
	guard_default_signals();
	driver_exec(argv, path, sizeof path);
	dprintf(1, "error %s: cannot run %s: install %s (scripts/deps --runtimes)\n",
		strerrorname_np(errno) ? strerrorname_np(errno) : "EUNKNOWN", argv[0], m->package);
	_exit(127);
}

struct reader {
	int fd;
	char *buf;	/* scratch, from the book */
	size_t cap, have, at;
};

/* The next line (NUL-terminated, in r->buf), waiting at most until the
 * deadline (CLOCK_MONOTONIC ns). 0, or ETIME, EPIPE (the driver closed
 * stdout), EOVERFLOW (a line longer than the buffer), EINTR (a stop). */
static int next_line(struct reader *r, uint64_t deadline, char **line)
{
	for (;;) {
		char *nl = memchr(r->buf + r->at, '\n', r->have - r->at);
		uint64_t now = now_ns();
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		ssize_t got;

		if (nl) {
			*nl = '\0';
			*line = r->buf + r->at;
			r->at = (size_t)(nl - r->buf) + 1;
			return 0;
		}
		if (r->at) {	/* keep the unfinished line at the start */
			memmove(r->buf, r->buf + r->at, r->have - r->at);
			r->have -= r->at;
			r->at = 0;
		}
		if (r->have == r->cap)
			return EOVERFLOW;
		if (guard_stop)
			return EINTR;
		if (now >= deadline)
			return ETIME;
		if (poll(&p, 1, (int)((deadline - now) / 1000000 + 1)) <= 0)
			continue;
		got = read(r->fd, r->buf + r->have, r->cap - r->have);
		if (got == 0)
			return EPIPE;
		if (got > 0)
			r->have += (size_t)got;
	}
}

/* The window's result from the driver's lines; the driver still runs. */
/* The driver's start: its version, then "ready" once its ballast and
 * warm-up are done, all within floor ns. 0, -1 with res->error, or an
 * errno value. */
static int await_ready(struct reader *rd, uint64_t floor, struct table_row *t,
		       struct cell_result *res)
{
	char *line;
	int err;

	for (;;) {
		if ((err = next_line(rd, now_ns() + floor, &line)))
			return err;
		if (strncmp(line, "error ", 6) == 0) {
			snprintf(res->error, sizeof res->error, "%.150s", line + 6);
			return -1;
		}
		if (strncmp(line, "version ", 8) == 0)
			snprintf(t->variant, sizeof t->variant, "%s", line + 8);
		else if (strcmp(line, "ready") == 0)
			return 0;
	}
}

/* The driver as a parent, read from /proc before its window: what it has
 * resident and what a fork of it copies. -1 with res->error when it holds
 * less than its ballast. */
static int driver_parent(pid_t pid, const struct table_row *t, struct cell_result *res)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	res->rss_kib = proc_kib(path, "VmRSS");
	res->pte_kib = proc_kib(path, "VmPTE");
	snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
	if (fork_footprint_of(path, &res->fork) != 0)
		res->fork.maps = res->fork.rss_kib = -1;
	if (res->rss_kib >= 0 && (uint64_t)res->rss_kib < t->ballast_kib) {
		snprintf(res->error, sizeof res->error,
			 "the driver reached a VmRSS of %ld KiB, short of its %llu KiB ballast",
			 res->rss_kib, (unsigned long long)t->ballast_kib);
		return -1;
	}
	return 0;
}

/* The timed round trips, one line of ns each, until "done", by limit.
 * 0, -1 with res->error, or an errno value. */
static int driver_samples(struct reader *rd, uint64_t limit, struct samples *s,
			  struct cell_result *res)
{
	double sum = 0;
	char *line, *end;
	unsigned long long ns;
	int err;

	for (;;) {
		if ((err = next_line(rd, limit, &line)))
			return err;
		if (strcmp(line, "done") == 0)
			break;
		if (strncmp(line, "error ", 6) == 0) {
			snprintf(res->error, sizeof res->error, "%.150s", line + 6);
			return -1;
		}
		errno = 0;
		ns = strtoull(line, &end, 10);
		if (errno || end == line || *end || ns == 0) {
			snprintf(res->error, sizeof res->error,
				 "EPROTO: the driver said '%.60s' where a sample was due", line);
			return -1;
		}
		if (s->n == s->cap && samples_reserve(s, 2 * s->cap, 0))
			return ENOMEM;
		s->cpu[s->n] = CPU_UNKNOWN << 16 | CPU_UNKNOWN;
		s->spawner[s->n] = 0;
		s->ns[s->n++] = ns;
		sum += (double)ns;
	}
	if (s->n == 0) {
		snprintf(res->error, sizeof res->error, "EPROTO: the driver timed nothing");
		return -1;
	}
	res->rate = 1e9 * (double)s->n / sum;
	return 0;
}

static int converse(double timeout, struct table_row *t, const struct budget *w, pid_t pid,
		    struct reader *rd, int to, struct samples *s, struct cell_result *res)
{
	uint64_t floor = (uint64_t)((timeout ? timeout : DEADLINE_FLOOR) * 1e9);
	uint64_t count = w->iterations ? w->iterations : 1000000, limit;
	int err;

	/* version and ready: start-up, ballast and warm-up in one deadline */
	if ((err = await_ready(rd, floor, t, res)) || (err = driver_parent(pid, t, res)))
		return err;
	if (write(to, "go\n", 3) != 3)
		return EPIPE;
	/* the timed round trips: a second each at the very most, or the
	 * window's time many times over */
	limit = now_ns() + floor +
		(w->iterations ? count * (uint64_t)1e9 : (uint64_t)(10 * w->min_time * 1e9));
	if (samples_reserve(s, w->iterations ? count : 1024, 0))
		return ENOMEM;
	return driver_samples(rd, limit, s, res);
}

/* The driver's command line, for a parent of kib KiB and the window w,
 * into argv (its strings in buf): 0, or -1 with res->error when it is too
 * long or the driver is not built. */
static int driver_command(const struct method *m, const char *dir, const char *noop,
			  uint64_t kib, const struct budget *w, char *buf, size_t len, char **argv,
			  struct cell_result *res)
{
	if (driver_argv(m, dir, noop, kib, w->iterations ? w->iterations : 1000000,
			w->iterations ? 0 : w->min_time, buf, len, argv)) {
		snprintf(res->error, sizeof res->error, "ENAMETOOLONG: the driver's command line");
		return -1;
	}
	/* the driver itself: the last argument before its own five that is a
	 * path into dir */
	for (char **a = argv; *a; a++)
		if (strncmp(*a, dir, strlen(dir)) == 0 && access(*a, R_OK) != 0) {
			snprintf(res->error, sizeof res->error, "ENOENT: %.100s is not built: "
				 "run `make runtimes`", *a);
			return -1;
		}
	return 0;
}

/* Reap the driver; how it ended, against how its window went (err, as
 * converse returned): -1 with res->error when a window that went well ended
 * in a driver that failed, else 0. */
static int driver_reaped(pid_t pid, int err, const char *name, struct cell_result *res)
{
	int status;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err == EPIPE && WIFEXITED(status))
		snprintf(res->error, sizeof res->error, "EPIPE: the driver exited with status %d "
			 "before finishing its window (run it by hand: %.60s ...)",
			 WEXITSTATUS(status), name);
	if (!err && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		snprintf(res->error, sizeof res->error, "the driver %s %d after its samples",
			 WIFSIGNALED(status) ? "was killed by signal" : "exited with status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

int window_runtime(const struct window_job *j, struct cell_result *res)
{
	struct table_row *t = j->t;
	const struct budget *w = j->w;
	struct samples *s = j->s;
	const struct method *m = t->method;
	const char *noop = j->o->noop;
	char dir[4096], argbuf[8192], *argv[16];
	const char *slash = strrchr(noop, '/');
	struct reader rd = { .cap = 64 * 1024 };
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, rc = -1, err;
	pid_t pid = -1;

	s->n = s->nprobe = 0;
	snprintf(dir, sizeof dir, "%.*s/runtimes", slash ? (int)(slash - noop) : 1,
		 slash ? noop : ".");
	if (driver_command(m, dir, noop, t->ballast_kib, w, argbuf, sizeof argbuf, argv, res))
		return -1;
	rd.buf = book_alloc(rd.cap);
	if (!rd.buf || pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || (pid = fork()) < 0) {
		snprintf(res->error, sizeof res->error, "%s: cannot start the driver",
			 strerrorname_np(errno ? errno : ENOMEM));
		goto out;
	}
	if (pid == 0)
		exec_driver(argv, in[0], out[1], m);
	setpgid(pid, pid);
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	rd.fd = out[0];
	err = converse(j->o->budget.timeout, t, w, pid, &rd, in[1], s, res);
	if (err > 0 && err != EINTR && !res->error[0])
		snprintf(res->error, sizeof res->error, "%s: %s", strerrorname_np(err),
			 err == ETIME ? "the driver ran past its deadline; it was killed"
			 : err == EPIPE ? "the driver ended without finishing its window"
					: "reading the driver's samples");
	rc = err ? -1 : 0;
	if (rc != 0)
		kill(-pid, SIGKILL);	/* failed, late or interrupted: with its children */
	close(in[1]);
	in[1] = -1;
	if (driver_reaped(pid, err, argv[0], res) && rc == 0)
		rc = -1;
	if (err == EINTR || guard_stop)
		rc = CELL_ABANDONED;
	guard_reap_strays();
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	if (rd.buf)
		book_free(rd.buf, rd.cap);
	return rc;
}
