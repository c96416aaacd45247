#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memory.h"
#include "spill.h"

/* The records live in one MADV_DONTFORK mapping, grown by doubling between
 * windows: no file descriptor (each one the parent holds is one more for
 * every child to close) and nothing any fork copies. */
#define SPILL_FIRST 65536	/* records: 2 MiB of address space, touched as used */

int spill_open(struct spill *sp, const char *dir)
{
	(void)dir;
	sp->records = 0;
	sp->cap = SPILL_FIRST;
	sp->rec = map_dontfork(sp->cap * sizeof *sp->rec);
	return sp->rec ? 0 : ENOMEM;
}

static int reserve(struct spill *sp, size_t more)
{
	while (sp->records + more > sp->cap) {
		size_t old = sp->cap * sizeof *sp->rec;
		void *p = mremap(sp->rec, old, 2 * old, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			return errno;
		sp->rec = p;	/* the flags, MADV_DONTFORK too, move with it */
		sp->cap *= 2;
	}
	return 0;
}

int spill_add(struct spill *sp, uint32_t cell, const uint64_t *ns, size_t n)
{
	int err = reserve(sp, n);

	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		sp->rec[sp->records++] = (struct spill_probe){ .cell = cell, .ns = ns[i] };
	return 0;
}

int spill_add_probes(struct spill *sp, uint32_t cell, const struct probe *p, size_t n)
{
	int err = reserve(sp, n);

	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		struct spill_probe *r = &sp->rec[sp->records++];
		*r = (struct spill_probe){ .cell = cell | SPILL_PROBE, .cpu = p[i].cpu, .ns = p[i].ns };
		memcpy(r->phase, p[i].phase.v, sizeof r->phase);
	}
	return 0;
}

int spill_load(struct spill *sp, size_t ncells, struct spill_data *d)
{
	size_t n = (size_t)sp->records, nc = ncells ? ncells : 1;
	const struct spill_probe *raw = sp->rec;
	size_t timed = 0, probes = 0, *at_ns = calloc(nc, sizeof *at_ns), *at_pr = calloc(nc, sizeof *at_pr);
	int err = ENOMEM;

	memset(d, 0, sizeof *d);
	d->ns = calloc(nc, sizeof *d->ns);
	d->count = calloc(nc, sizeof *d->count);
	d->probes = calloc(nc, sizeof *d->probes);
	d->nprobes = calloc(nc, sizeof *d->nprobes);
	if (!raw || !at_ns || !at_pr || !d->ns || !d->count || !d->probes || !d->nprobes)
		goto fail;
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
	if (sp->rec)
		munmap(sp->rec, sp->cap * sizeof *sp->rec);
	sp->rec = NULL;
	sp->cap = sp->records = 0;
}
