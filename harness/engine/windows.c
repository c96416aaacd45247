#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "book.h"
#include "options.h"
#include "timing.h"
#include "windows.h"
#include "winstats.h"

/* /proc/stat's cpu lines come first: this much holds them for some eight
 * hundred CPUs, before the long intr line. */
#define STAT_BYTES (64 * 1024)

int windows_init(struct windows *w, size_t cap, const int *cpus, size_t ncpus)
{
	memset(w, 0, sizeof *w);
	w->cap = cap ? cap : 1;
	w->rec = book_alloc(w->cap * sizeof *w->rec);
	w->buf = book_alloc(STAT_BYTES);
	w->buflen = STAT_BYTES;
	w->cpus = cpus;
	w->ncpus = ncpus;
	w->online = sysconf(_SC_NPROCESSORS_ONLN);
	w->tick_ns = sysconf(_SC_CLK_TCK) > 0 ? 1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK) : 0;
	w->start_ns = now_ns();
	if (!w->rec || !w->buf) {
		windows_free(w);
		return ENOMEM;
	}
	return 0;
}

void windows_free(struct windows *w)
{
	if (w->rec)
		book_free(w->rec, w->cap * sizeof *w->rec);
	if (w->buf)
		book_free(w->buf, w->buflen);
	memset(w, 0, sizeof *w);
}

/* Up to len - 1 bytes of a file into buf, NUL-ended; bytes read or -1. No
 * stdio: nothing of this may grow the parent. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t k;

	if (fd < 0)
		return -1;
	while (got < len - 1 && (k = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)k;
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

/* The steal field (the 8th number) of the /proc/stat line that starts
 * with name followed by a space; -1 when there is none. */
static long long steal_of(const char *stat, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = stat; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, name, len) != 0 || p[len] != ' ')
			continue;
		char *end;
		const char *q = p + len;
		long long v = -1;
		for (int field = 0; field < 8; field++) {
			v = strtoll(q, &end, 10);
			if (end == q)
				return -1;
			q = end;
		}
		return v;
	}
	return -1;
}

static void read_steal(struct windows *w, struct window_clock *c)
{
	long long ticks = 0, v;
	char name[32];

	c->steal_ok = false;
	if (!w->tick_ns || slurp("/proc/stat", w->buf, w->buflen) <= 0)
		return;
	if (w->ncpus == 0) {
		if ((v = steal_of(w->buf, "cpu")) < 0)
			return;
		ticks = v;
	}
	for (size_t i = 0; i < w->ncpus; i++) {
		/* no snprintf: a CPU's line name by hand */
		int cpu = w->cpus[i], k = 0;
		char digits[12];
		strcpy(name, "cpu");
		do
			digits[k++] = (char)('0' + cpu % 10);
		while ((cpu /= 10) > 0);
		for (int j = 0; j < k; j++)
			name[3 + j] = digits[k - 1 - j];
		name[3 + k] = '\0';
		if ((v = steal_of(w->buf, name)) < 0)
			return;
		ticks += v;
	}
	c->steal_ns = (uint64_t)ticks * w->tick_ns;
	c->steal_ok = true;
}

void window_clock_read(struct windows *w, struct window_clock *c)
{
	char buf[96];
	struct rusage self, kids;

	memset(c, 0, sizeof *c);
	c->wall_ns = now_ns();
	/* run time, then run delay (ns the thread was runnable and waiting) */
	if (slurp("/proc/thread-self/schedstat", buf, sizeof buf) > 0) {
		char *end, *p;
		strtoull(buf, &end, 10);
		p = end;
		c->delay_ns = strtoull(p, &end, 10);
		c->delay_ok = end != p;
	}
	read_steal(w, c);
	if (getrusage(RUSAGE_SELF, &self) == 0)
		c->nivcsw = self.ru_nivcsw;
	if (getrusage(RUSAGE_CHILDREN, &kids) == 0)
		c->child_minflt = kids.ru_minflt;
}

struct window_rec *windows_add(struct windows *w, uint32_t cell, unsigned round, uint64_t n,
			       uint64_t trips, double median_ns, const struct window_clock *a,
			       const struct window_clock *b)
{
	struct window_rec *r;
	double len = b->wall_ns > a->wall_ns ? (double)(b->wall_ns - a->wall_ns) : 0;
	double share = w->ncpus ? (double)w->ncpus : (double)w->online;

	if (w->n == w->cap)
		return NULL;
	r = &w->rec[w->n++];
	memset(r, 0, sizeof *r);
	r->cell = cell;
	r->round = (uint16_t)round;
	r->n = n;
	r->trips = trips;
	r->median_ns = median_ns;
	r->start_s = (double)(a->wall_ns - w->start_ns) / 1e9;
	r->length_s = len / 1e9;
	r->delay_pct = a->delay_ok && b->delay_ok && len > 0
		? 100 * (double)(b->delay_ns - a->delay_ns) / len : -1;
	r->steal_pct = a->steal_ok && b->steal_ok && len > 0 && share > 0
		? 100 * (double)(b->steal_ns - a->steal_ns) / (len * share) : -1;
	r->nivcsw = b->nivcsw - a->nivcsw;
	r->child_minflt = b->child_minflt - a->child_minflt;
	/* /proc/stat counts steal in ticks (10 ms at USER_HZ 100), which is a
	 * fifth of a short window: a window counts as robbed only by what it
	 * lost beyond one tick */
	double stolen = r->steal_pct >= 0 ? (double)(b->steal_ns - a->steal_ns) - share * (double)w->tick_ns
					  : 0;
	r->contended = r->delay_pct > CONTENDED_PCT ||
		       (len > 0 && 100 * stolen / (len * share) > CONTENDED_PCT);
	return r;
}

size_t windows_of(const struct windows *w, uint32_t cell, double *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < w->n && k < max; i++)
		if (w->rec[i].cell == cell && w->rec[i].n > 0)
			out[k++] = w->rec[i].median_ns;
	return k;
}

unsigned windows_contended(const struct windows *w, uint32_t cell)
{
	unsigned k = 0;

	for (size_t i = 0; i < w->n; i++)
		k += w->rec[i].cell == cell && w->rec[i].contended;
	return k;
}

void windows_figures(const struct windows *w, uint32_t cell, double median,
		     struct window_figures *f)
{
	double x[MAX_ROUNDS + 1], m, lo, hi, level;
	size_t k = windows_of(w, cell, x, MAX_ROUNDS);

	*f = (struct window_figures){ .windows = (unsigned)k,
				      .contended = windows_contended(w, cell),
				      .ci_lo = NAN, .ci_hi = NAN };
	if (k < 2 || window_median_ci(x, k, 0.95, &m, &lo, &hi, &level) != 0)
		return;
	f->lo = x[0];	/* sorted now: the spread of the windows */
	f->hi = x[k - 1];
	f->ci_lo = lo < median ? lo : median;
	f->ci_hi = hi > median ? hi : median;
}

size_t windows_paired(const struct windows *w, uint32_t a, uint32_t b, double *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < w->n && k < max; i++) {
		const struct window_rec *x = &w->rec[i];
		if (x->cell != a || x->n == 0 || !(x->median_ns > 0))
			continue;
		for (size_t j = 0; j < w->n; j++) {
			const struct window_rec *y = &w->rec[j];
			if (y->cell == b && y->round == x->round && y->n > 0 && y->median_ns > 0) {
				out[k++] = x->median_ns / y->median_ns;
				break;
			}
		}
	}
	return k;
}
