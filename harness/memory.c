#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memory.h"

#define HUGE_ALIGN (2UL << 20)

int ballast_make(struct ballast *b, uint64_t mib, enum thp_mode thp)
{
	size_t bytes = (size_t)mib << 20, page = (size_t)sysconf(_SC_PAGESIZE);
	char *raw, *base;

	b->base = NULL;
	b->bytes = 0;
	if (mib == 0)
		return 0;
	/* Over-map by 2 MiB and trim, so the ballast starts on a huge-page
	 * boundary and THP can back all of it when asked to. */
	raw = mmap(NULL, bytes + HUGE_ALIGN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return errno;
	base = (char *)(((uintptr_t)raw + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1));
	if (base > raw)
		munmap(raw, (size_t)(base - raw));
	munmap(base + bytes, (size_t)(raw + HUGE_ALIGN - base));
	if (madvise(base, bytes, thp == THP_ON ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) < 0) {
		int err = errno;
		munmap(base, bytes);
		return err;
	}
	for (size_t off = 0; off < bytes; off += page)
		base[off] = 1;
	b->base = base;
	b->bytes = bytes;
	return 0;
}

void ballast_free(struct ballast *b)
{
	if (b->base)
		munmap(b->base, b->bytes);
	b->base = NULL;
	b->bytes = 0;
}

long proc_kib(const char *path, const char *key)
{
	FILE *f = fopen(path, "re");
	char line[256];
	size_t klen = strlen(key);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			if (sscanf(line + klen + 1, "%ld", &v) != 1)
				v = -1;
			break;
		}
	fclose(f);
	return v;
}

long ballast_limit_mib(void)
{
	long avail = proc_kib("/proc/meminfo", "MemAvailable");
	long total = proc_kib("/proc/meminfo", "MemTotal");
	long margin;

	if (avail < 0 || total < 0)
		return -1;
	margin = total / 10;
	if (margin < 256L * 1024)
		margin = 256L * 1024;
	return avail > margin ? (avail - margin) / 1024 : 0;
}
