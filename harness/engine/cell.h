/* Measuring one cell: one method at one parent size, many iterations. */
#ifndef SPAWNCOST_CELL_H
#define SPAWNCOST_CELL_H

#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "memory.h"
#include "method.h"
#include "stats.h"


/* The phases of one iteration (--phases), ns; PHASE_NONE where the
 * method cannot see that edge. */
#define NPHASES 4
#define PHASE_NONE UINT32_MAX
struct phases {
	uint32_t v[NPHASES];	/* child start, parent resume, exec, exit and reap */
};

/* Probes: untimed iterations, one before a window's timed iterations and one
 * after every PROBE_EVERY of them, whose children say where they ran (and,
 * with --phases, stamp where the time went). Watching a forked child costs
 * it a page fault on the page it writes to (a few µs on a VM); a timed
 * child is never watched, so the timed path is the same with or without
 * pinning or --phases. */
#define PROBE_EVERY 16
struct probe {
	uint64_t ns;		/* the probe's own round trip: not a sample */
	uint32_t cpu;		/* parent CPU << 16 | child CPU (CPU_UNKNOWN) */
	struct phases phase;
};

/* One window's timed iterations and probes. The buffers are mapped
 * MADV_DONTFORK so that a fork child does not copy their page tables: what
 * a fork costs is the ballast and the process, not the harness's
 * bookkeeping. */
struct samples {
	uint64_t *ns;
	uint32_t *cpu;		/* parent CPU << 16 | CPU_UNKNOWN */
	size_t n, cap;
	struct probe *probe;
	size_t nprobe, probe_cap;
};

int samples_init(struct samples *s, size_t cap);
/* Room for n samples and nprobe probes. Returns 0 or ENOMEM. */
int samples_reserve(struct samples *s, size_t n, size_t nprobe);
void samples_free(struct samples *s);

struct cell_result {
	long rss_kib, pte_kib;	/* the parent's VmRSS and VmPTE in the window */
	long thp_kib;		/* of it, what huge pages back (asking is not getting) */
	struct footprint fork;	/* what a fork of the parent copies, in the window
				 * (maps < 0: unreadable) */
	char error[160];	/* "" when every iteration succeeded */
};

/* Run warm-up and timed iterations of m into s (s->n is reset). Returns 0
 * when the cell succeeded; -1 with r->error saying why (the samples must not
 * be used); CELL_ABANDONED when a signal asked the run to stop. */
#define CELL_ABANDONED 1
int cell_measure(const struct method *m, struct spawn_ctx *c, const struct budget *b,
		 struct samples *s, struct cell_result *r);

/* The median of n durations and the half-width of its distribution-free
 * 95% interval, from a sorted copy in a scratch mapping (no heap: see
 * harness/engine/run.c). Returns 0, or -1 when n is 0 or no scratch could be had. */
int median_interval(const uint64_t *ns, size_t n, double *median, double *half);

/* "ENOENT: execve failed" and the like, for the error column. */
void fail_format(const struct spawn_fail *f, char *buf, size_t len);

#endif
