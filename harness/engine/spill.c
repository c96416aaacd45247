#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"
#include "spill.h"

/* The records go to a hidden file in the run folder, opened only while a
 * window's records are written: the engine holds no descriptor through the
 * timed iterations (each one is one more for every child to close), and
 * its resident size does not grow with the run (what VmRSS says of the
 * parent stays what it is). Removed at the end, or by the guard. */
#define BATCH 64	/* records per write, from the stack: 2 KiB */

int spill_open(struct spill *sp, const char *dir)
{
	int fd;

	sp->records = 0;
	if ((size_t)snprintf(sp->path, sizeof sp->path, "%s/.spawncost-spill.tmp", dir) >=
	    sizeof sp->path)
		return ENAMETOOLONG;
	fd = open(sp->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	close(fd);
	guard_scratch(sp->path);
	return 0;
}

static int put(int fd, const struct spill_probe *buf, size_t k)
{
	const char *p = (const char *)buf;
	size_t left = k * sizeof *buf;

	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		p += w;
		left -= (size_t)w;
	}
	return 0;
}

/* Append n records, made one batch at a time by make(i, &record). */
static int append(struct spill *sp, size_t n, void (*make)(const void *, size_t, uint32_t,
							     struct spill_probe *),
		  const void *from, uint32_t cell)
{
	struct spill_probe buf[BATCH];
	int fd = open(sp->path, O_WRONLY | O_APPEND | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	for (size_t i = 0; i < n && !err;) {
		size_t k = 0;
		for (; k < BATCH && i < n; k++, i++)
			make(from, i, cell, &buf[k]);
		err = put(fd, buf, k);
		if (!err)
			sp->records += k;
	}
	if (close(fd) != 0 && !err)
		err = errno;
	return err;
}

static void timed(const void *from, size_t i, uint32_t cell, struct spill_probe *r)
{
	*r = (struct spill_probe){ .cell = cell, .ns = ((const uint64_t *)from)[i] };
}

static void probed(const void *from, size_t i, uint32_t cell, struct spill_probe *r)
{
	const struct probe *p = (const struct probe *)from + i;

	*r = (struct spill_probe){ .cell = cell | SPILL_PROBE, .cpu = p->cpu, .ns = p->ns };
	memcpy(r->phase, p->phase.v, sizeof r->phase);
}

int spill_add(struct spill *sp, uint32_t cell, const uint64_t *ns, size_t n)
{
	return append(sp, n, timed, ns, cell);
}

int spill_add_probes(struct spill *sp, uint32_t cell, const struct probe *p, size_t n)
{
	return append(sp, n, probed, p, cell);
}

/* All of the first bytes of fd into buf: 0 or an errno value. */
static int read_all(int fd, void *buf, size_t bytes)
{
	for (size_t done = 0; done < bytes;) {
		ssize_t got = pread(fd, (char *)buf + done, bytes - done, (off_t)done);
		if (got <= 0)
			return got < 0 ? errno : EIO;
		done += (size_t)got;
	}
	return 0;
}

/* The n records into d, cell by cell (a counting sort, keeping each
 * cell's records in time order); at_ns and at_pr: ncells zeroed slots of
 * scratch. 0 or ENOMEM. */
static int sort_by_cell(const struct spill_probe *raw, size_t n, size_t ncells,
			struct spill_data *d, size_t *at_ns, size_t *at_pr)
{
	size_t timed = 0, probes = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t c = raw[i].cell & ~SPILL_PROBE;
		if (c >= ncells)
			continue;
		if (raw[i].cell & SPILL_PROBE) {
			d->nprobes[c]++;
			probes++;
		} else {
			d->count[c]++;
			timed++;
		}
	}
	d->ns_all = malloc((timed ? timed : 1) * sizeof *d->ns_all);
	d->probes_all = malloc((probes ? probes : 1) * sizeof *d->probes_all);
	if (!d->ns_all || !d->probes_all)
		return ENOMEM;
	for (size_t c = 1; c < ncells; c++) {
		at_ns[c] = at_ns[c - 1] + d->count[c - 1];
		at_pr[c] = at_pr[c - 1] + d->nprobes[c - 1];
	}
	for (size_t c = 0; c < ncells; c++) {
		d->ns[c] = d->ns_all + at_ns[c];
		d->probes[c] = d->probes_all + at_pr[c];
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t c = raw[i].cell & ~SPILL_PROBE;
		if (c >= ncells)
			continue;
		if (raw[i].cell & SPILL_PROBE)
			d->probes_all[at_pr[c]++] = raw[i];
		else
			d->ns_all[at_ns[c]++] = raw[i].ns;
	}
	return 0;
}

int spill_load(struct spill *sp, size_t ncells, struct spill_data *d)
{
	size_t n = (size_t)sp->records, nc = ncells ? ncells : 1, bytes = n * sizeof(struct spill_probe);
	struct spill_probe *raw = malloc(bytes ? bytes : 1);
	int fd = open(sp->path, O_RDONLY | O_CLOEXEC);
	size_t *at_ns = calloc(nc, sizeof *at_ns), *at_pr = calloc(nc, sizeof *at_pr);
	int err = ENOMEM;

	memset(d, 0, sizeof *d);
	d->ns = calloc(nc, sizeof *d->ns);
	d->count = calloc(nc, sizeof *d->count);
	d->probes = calloc(nc, sizeof *d->probes);
	d->nprobes = calloc(nc, sizeof *d->nprobes);
	if (!raw || !at_ns || !at_pr || !d->ns || !d->count || !d->probes || !d->nprobes)
		goto fail;
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	if ((err = read_all(fd, raw, bytes)))
		goto fail;
	if ((err = sort_by_cell(raw, n, ncells, d, at_ns, at_pr)))
		goto fail;
	err = 0;
	goto out;
fail:
	spill_free(d);
out:
	if (fd >= 0)
		close(fd);
	free(raw);
	free(at_ns);
	free(at_pr);
	return err;
}

void spill_free(struct spill_data *d)
{
	free(d->ns);
	free(d->count);
	free(d->probes);
	free(d->nprobes);
	free(d->ns_all);
	free(d->probes_all);
	memset(d, 0, sizeof *d);
}

void spill_close(struct spill *sp)
{
	if (sp->path[0]) {
		guard_scratch(NULL);
		unlink(sp->path);
		sp->path[0] = '\0';
	}
	sp->records = 0;
}
