#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spill.h"

int spill_open(struct spill *sp, const char *dir)
{
	sp->records = 0;
	sp->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (sp->fd < 0) {
		/* A file system without O_TMPFILE: make a name, unlink it. */
		char path[4096];
		strncpy(path, dir, sizeof path - 32);
		path[sizeof path - 32] = '\0';
		strcat(path, "/.spill-XXXXXX");
		sp->fd = mkostemp(path, O_CLOEXEC);
		if (sp->fd < 0)
			return errno;
		unlink(path);
	}
	return 0;
}

/* Records go out in small batches from the stack (2 KiB): a larger buffer
 * would grow the measuring process's stack between windows. */
#define BATCH 64

static int write_all(int fd, const void *buf, size_t left)
{
	const char *p = buf;

	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		left -= (size_t)w;
	}
	return 0;
}

int spill_add(struct spill *sp, uint32_t cell, const uint64_t *ns, size_t n)
{
	struct spill_probe buf[BATCH];
	int err;

	for (size_t i = 0; i < n;) {
		size_t k = 0;
		for (; k < BATCH && i < n; k++, i++)
			buf[k] = (struct spill_probe){ .cell = cell, .ns = ns[i] };
		if ((err = write_all(sp->fd, buf, k * sizeof buf[0])))
			return err;
		sp->records += k;
	}
	return 0;
}

int spill_add_probes(struct spill *sp, uint32_t cell, const struct probe *p, size_t n)
{
	struct spill_probe buf[BATCH];
	int err;

	for (size_t i = 0; i < n;) {
		size_t k = 0;
		for (; k < BATCH && i < n; k++, i++) {
			buf[k] = (struct spill_probe){ .cell = cell | SPILL_PROBE, .cpu = p[i].cpu,
						       .ns = p[i].ns };
			memcpy(buf[k].phase, p[i].phase.v, sizeof buf[k].phase);
		}
		if ((err = write_all(sp->fd, buf, k * sizeof buf[0])))
			return err;
		sp->records += k;
	}
	return 0;
}

int spill_load(struct spill *sp, size_t ncells, struct spill_data *d)
{
	size_t n = (size_t)sp->records, bytes = n * sizeof(struct spill_probe), nc = ncells ? ncells : 1;
	struct spill_probe *raw = malloc(bytes ? bytes : 1);
	size_t timed = 0, probes = 0, *at_ns = calloc(nc, sizeof *at_ns), *at_pr = calloc(nc, sizeof *at_pr);
	int err = ENOMEM;

	memset(d, 0, sizeof *d);
	d->ns = calloc(nc, sizeof *d->ns);
	d->count = calloc(nc, sizeof *d->count);
	d->probes = calloc(nc, sizeof *d->probes);
	d->nprobes = calloc(nc, sizeof *d->nprobes);
	if (!raw || !at_ns || !at_pr || !d->ns || !d->count || !d->probes || !d->nprobes)
		goto fail;
	for (size_t done = 0; done < bytes;) {
		ssize_t r = pread(sp->fd, (char *)raw + done, bytes - done, (off_t)done);
		if (r <= 0) {
			err = r < 0 ? errno : EIO;
			goto fail;
		}
		done += (size_t)r;
	}
	/* Counting sort by cell, keeping each cell's records in time order. */
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
		goto fail;
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
	err = 0;
	goto out;
fail:
	spill_free(d);
out:
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
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
}
