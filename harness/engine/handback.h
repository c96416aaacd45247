/* A window measured in another process (isolate.c's child, parallel.c's
 * spawners) comes back to the engine through a memory file, in one format:
 * at an offset of the file that is that process's own, a head (the
 * window's outcome, its counts, what it counted), then its samples, their
 * CPUs, its probes. The engine reads it once the process is gone: a
 * process that died before writing it whole leaves a record that is short,
 * and reading it fails. */
#ifndef SPAWNCOST_HANDBACK_H
#define SPAWNCOST_HANDBACK_H

#include <stdbool.h>
#include <sys/types.h>

#include "cell.h"

struct handback_head {
	int rc;			/* as cell_measure returns */
	struct cell_result res;
	size_t n, nprobe;	/* samples and probes that follow */
	double per_op[16];	/* counters, when counted */
	bool counted, scaled;
};

/* In the measuring process: h, then s's first h->n samples and h->nprobe
 * probes, at offset at of fd. 0, or -1 with errno. */
int handback_put(int fd, off_t at, const struct handback_head *h, const struct samples *s);

/* In the engine: the head at offset at of fd into h and, when h->rc is 0,
 * its samples and probes appended to s's. 0, or -1 when the record is
 * short or s has no room. */
int handback_take(int fd, off_t at, struct handback_head *h, struct samples *s);

/* Write all of buf at *at in fd, advancing *at (a window's samples handed
 * back, rows moved in a result file). 0, or -1 with errno. */
int put_at(int fd, const void *buf, size_t len, off_t *at);

#endif
