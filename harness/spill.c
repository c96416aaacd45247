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

int spill_add(struct spill *sp, uint32_t cell, const uint64_t *ns, const uint32_t *cpu,
	      const uint32_t (*phase)[4], size_t n)
{
	struct spill_record buf[512];

	for (size_t i = 0; i < n;) {
		size_t k = 0;
		for (; k < 512 && i < n; k++, i++) {
			buf[k] = (struct spill_record){ .cell = cell, .cpu = cpu[i], .ns = ns[i] };
			memcpy(buf[k].phase, phase[i], sizeof buf[k].phase);
		}
		const char *p = (const char *)buf;
		size_t left = k * sizeof buf[0];
		while (left) {
			ssize_t w = write(sp->fd, p, left);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return errno;
			}
			p += w;
			left -= (size_t)w;
		}
		sp->records += k;
	}
	return 0;
}

int spill_load(struct spill *sp, size_t ncells, struct spill_record **all,
	       struct spill_record ***per_cell, size_t **count)
{
	size_t n = (size_t)sp->records, bytes = n * sizeof **all;
	struct spill_record *raw = malloc(bytes ? bytes : 1), *sorted = malloc(bytes ? bytes : 1);
	size_t *cnt = calloc(ncells ? ncells : 1, sizeof *cnt), *at = NULL;
	struct spill_record **pc = calloc(ncells ? ncells : 1, sizeof *pc);
	int err = ENOMEM;

	if (!raw || !sorted || !cnt || !pc)
		goto fail;
	for (size_t done = 0; done < bytes;) {
		ssize_t r = pread(sp->fd, (char *)raw + done, bytes - done, (off_t)done);
		if (r <= 0) {
			err = r < 0 ? errno : EIO;
			goto fail;
		}
		done += (size_t)r;
	}
	/* Counting sort by cell, keeping each cell's samples in time order. */
	for (size_t i = 0; i < n; i++)
		if (raw[i].cell < ncells)
			cnt[raw[i].cell]++;
	at = calloc(ncells ? ncells : 1, sizeof *at);
	if (!at)
		goto fail;
	for (size_t c = 1; c < ncells; c++)
		at[c] = at[c - 1] + cnt[c - 1];
	for (size_t c = 0; c < ncells; c++)
		pc[c] = sorted + at[c];
	for (size_t i = 0; i < n; i++)
		if (raw[i].cell < ncells)
			sorted[at[raw[i].cell]++] = raw[i];
	free(at);
	free(raw);
	*all = sorted;
	*per_cell = pc;
	*count = cnt;
	return 0;
fail:
	free(raw);
	free(sorted);
	free(cnt);
	free(pc);
	return err;
}

void spill_close(struct spill *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
}
