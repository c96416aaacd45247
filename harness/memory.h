/* The parent's memory: ballast to give it a resident size, and readings of
 * what the kernel says it has. */
#ifndef SPAWNCOST_MEMORY_H
#define SPAWNCOST_MEMORY_H

#include <stddef.h>
#include <stdint.h>

enum thp_mode { THP_OFF, THP_ON };

struct ballast {
	void *base;
	size_t bytes;
};

/* Map mib MiB of private anonymous memory, advise it for or against huge
 * pages, and write every 4 KiB page so that it is resident. Returns 0, or
 * an errno value (nothing is left mapped then). mib 0 maps nothing. */
int ballast_make(struct ballast *b, uint64_t mib, enum thp_mode thp);
void ballast_free(struct ballast *b);

/* A "Key:   123 kB" field of a /proc file, in KiB; -1 when absent. */
long proc_kib(const char *path, const char *key);

/* MemAvailable less a safety margin, in MiB: the most ballast we agree to
 * map. The margin is a tenth of MemTotal, at least 256 MiB, so that a sweep
 * never pushes the machine into reclaim or the OOM killer. */
long ballast_limit_mib(void);

#endif
