/* What each window of a run measured, and what disturbed it.
 *
 * The window is the unit the suite's intervals rest on (harness/common/
 * winstats.h): every window of every cell leaves one record here, with its
 * median and, read before and after it (never inside the timed path), how
 * much the machine took from the engine meanwhile: the time the engine was
 * runnable but not running (/proc/thread-self/schedstat), the steal time
 * of the CPUs it ran on (/proc/stat), its involuntary context switches,
 * and the minor faults of the children it reaped. The records become
 * windows.csv, the summary's intervals, the contended_windows count, and
 * --refine's paired ratios. */
#ifndef SPAWNCOST_WINDOWS_H
#define SPAWNCOST_WINDOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A window is contended when the engine waited for a CPU, or the host
 * took the run's CPUs away, for more than this share of it. A window alone
 * on its CPU waits well under 1% here; two runs on one CPU wait about 50%. */
#define CONTENDED_PCT 10.0

/* The machine's counters at one moment. */
struct window_clock {
	uint64_t wall_ns, delay_ns, steal_ns;
	long nivcsw, child_minflt;
	bool delay_ok, steal_ok;	/* the files could be read */
};

/* A record whose cell is not (or no longer) one of the run's kept cells:
 * its cell's index with this bit set. */
#define WINDOW_ORPHAN 0x80000000u

struct window_rec {
	uint32_t cell;
	uint16_t round;		/* 0-based */
	bool contended;
	uint64_t n;		/* timed iterations */
	uint64_t trips;		/* round trips whose children were reaped:
				 * warm-up, timed and probes */
	double median_ns;
	double start_s, length_s;	/* since the run began */
	double delay_pct, steal_pct;	/* of the window's length; < 0: unknown */
	long nivcsw, child_minflt;
};

struct windows {
	struct window_rec *rec;
	size_t n, cap;
	uint64_t start_ns;	/* the run's start */
	const int *cpus;	/* the run's CPUs (steal is theirs); none: all */
	size_t ncpus;
	long online;		/* CPUs online, for an unpinned run's steal */
	uint64_t tick_ns;	/* /proc/stat's unit */
	char *buf;		/* /proc/stat, read into the book */
	size_t buflen;
};

/* Room for cap records, in the book. Returns 0 or ENOMEM. */
int windows_init(struct windows *w, size_t cap, const int *cpus, size_t ncpus);
void windows_free(struct windows *w);

/* The counters now (before or after a window). */
void window_clock_read(struct windows *w, struct window_clock *c);

/* Keep the record of a window of cell `cell` measured between a and b:
 * n timed iterations whose median was median_ns, `trips` children reaped.
 * Returns the record (NULL when full). */
struct window_rec *windows_add(struct windows *w, uint32_t cell, unsigned round, uint64_t n,
			       uint64_t trips, double median_ns, const struct window_clock *a,
			       const struct window_clock *b);

/* The medians (ns) of cell's windows into out (room for max), in round
 * order. Returns how many. */
size_t windows_of(const struct windows *w, uint32_t cell, double *out, size_t max);

/* Contended windows of cell. */
unsigned windows_contended(const struct windows *w, uint32_t cell);

/* What a cell's windows say of it at the end of a run. */
struct window_figures {
	unsigned windows;	/* windows with samples */
	unsigned contended;	/* of all its windows */
	double lo, hi;		/* the smallest and largest window median (ns);
				 * 0 with fewer than two windows */
	double ci_lo, ci_hi;	/* the 95% interval of the cell's median; NaN
				 * with fewer than two windows */
};

/* The figures of cell's windows, for a cell whose samples, every window's
 * pooled, have the median `median`. The interval is of the windows'
 * medians (harness/common/winstats.h): unequal windows can put the pooled
 * median just outside it, and the interval then reaches out to the figure
 * it is printed with (wider, never narrower). A function of its own, out
 * of the pooling in run.c, so that the unit tests can feed it windows. */
void windows_figures(const struct windows *w, uint32_t cell, double median,
		     struct window_figures *f);

/* The ratio a/b from windows of the two cells in the same round, one per
 * round both measured, into out (room for max). Returns how many. */
size_t windows_paired(const struct windows *w, uint32_t a, uint32_t b, double *out, size_t max);

#endif
