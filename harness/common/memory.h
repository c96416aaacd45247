/* The parent's memory: ballast to give it a resident size, and readings of
 * what the kernel says it has. */
#ifndef SPAWNCOST_MEMORY_H
#define SPAWNCOST_MEMORY_H

#include <stddef.h>
#include <stdint.h>

enum thp_mode { THP_OFF, THP_ON };

/* What the ballast is made of (--ballast). */
enum ballast_kind {
	BALLAST_ANON,		/* private anonymous, every page written (default) */
	BALLAST_UNTOUCHED,	/* private anonymous, mapped but never touched */
	BALLAST_SHARED_FILE,	/* MAP_SHARED of a file (a memfd), every page read in */
	BALLAST_DONTFORK,	/* anonymous, written, MADV_DONTFORK: not in the child */
	BALLAST_WIPEONFORK,	/* anonymous, written, MADV_WIPEONFORK: zero in the child */
	BALLAST_KINDS
};

extern const char *const ballast_names[BALLAST_KINDS];

#define MAX_VMAS 65536

/* The ballast: vmas mappings that cannot merge (a page-sized hole between
 * each), together mib MiB. */
struct ballast {
	char **chunk;		/* each mapping's start */
	size_t nchunks;
	size_t chunk_bytes;	/* each mapping's length */
	size_t bytes;		/* all of it */
	int fd;			/* the memfd of a shared-file ballast, else -1 */
};

/* Map kib KiB of ballast (a multiple of the page size), advise it for or
 * against huge pages, and make it resident as its kind says. Returns 0, or
 * an errno value (nothing is left mapped then). 0 maps nothing. */
int ballast_make(struct ballast *b, uint64_t kib, enum thp_mode thp, enum ballast_kind kind,
		 size_t vmas);
void ballast_free(struct ballast *b);

/* A fresh private anonymous mapping of bytes, 2 MiB aligned and advised for
 * or against huge pages like the ballast; NULL with errno on failure. */
char *map_fresh(size_t bytes, enum thp_mode thp);

/* Write one byte in every page of the n mappings at chunk[] of bytes
 * each, and return how long that took in ns: the harness's clock around the
 * page walk that the copy-on-write methods time. */
uint64_t write_every_page(char *const *chunk, size_t n, size_t bytes);

/* A ballast size in MiB as the rss_mib column writes it: "16", "0.25",
 * "2.75" (KiB are multiples of 256 or of a MiB). Into buf, returned. */
const char *mib_text(uint64_t kib, char *buf, size_t len);

/* Call fn(arg) with the stack pointer a little below the top of a stack
 * page, and return what it returns. After a fork, each stack page the
 * parent writes is a copy-on-write fault: a plain program's fork, wait and
 * clock reading write one, and a harness whose frames happened to straddle
 * a page boundary would time a fault more per round trip (measured here:
 * fork-exit at 0 MiB 5% dearer than a minimal loop for that alone). The
 * frames fn and its callees make must stay within STACK_ONE_PAGE bytes;
 * the stack below that page is given back first. */
#define STACK_ONE_PAGE 3072
#define STACK_TRIM (64 * 1024)	/* what it gives back below that page */
int on_one_stack_page(int (*fn)(void *), void *arg);

/* The kernel's base page size in bytes. */
size_t page_bytes(void);

/* What a fork of this process copies: every mapping but the MADV_DONTFORK
 * ones, and the resident KiB of those (a MADV_WIPEONFORK or a shared
 * mapping counts, its pages do not: the engine's book, harness/common/
 * book.h, is a shared one), from /proc/self/smaps. */
struct footprint {
	long maps, rss_kib;
};
/* Read it, touching no heap (a scratch mapping, unmapped after). Returns 0
 * or an errno value. */
int fork_footprint(struct footprint *f);
/* The same of another process, from its smaps file ("/proc/PID/smaps"). */
int fork_footprint_of(const char *smaps, struct footprint *f);

/* A "Key:   123 kB" field of a /proc file, in KiB; -1 when absent. */
long proc_kib(const char *path, const char *key);

/* MemAvailable less a safety margin, in MiB: the most ballast we agree to
 * map. The margin is a tenth of MemTotal, at least 256 MiB, so that a sweep
 * never pushes the machine into reclaim or the OOM killer. */
long ballast_limit_mib(void);

#endif
