#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memory.h"
#include "timing.h"

#define HUGE_ALIGN (2UL << 20)
/* The base page: 4 KiB on x86_64, 16 or 64 KiB on some arm64 and ppc64
 * kernels, where one byte in every 4 KiB would write a page several times
 * and per-page figures would be off by that factor. */
#define PAGE page_bytes()

size_t page_bytes(void)
{
	static size_t page;

	if (!page)
		page = (size_t)sysconf(_SC_PAGESIZE);
	return page;
}

int __attribute__((noinline)) on_one_stack_page(int (*fn)(void *), void *arg)
{
	size_t page = page_bytes();
	char here;
	/* From here down to the page's start is (addr & (page - 1)) bytes:
	 * going down that far and some more leaves the stack near the top of
	 * the page below, with a page's room less the margin for fn's frames.
	 * The margin covers this frame's own use below "here". */
	size_t margin = page - STACK_ONE_PAGE;
	size_t pad = (((uintptr_t)&here & (page - 1)) + margin / 2) & (page - 1);
	char *gap = __builtin_alloca(pad + 16);
	char *page_of_fn = (char *)((uintptr_t)gap & ~(uintptr_t)(page - 1));
	int rc;

	__asm__ volatile("" : : "r"(gap) : "memory");	/* keep the gap */
	/* Give back the stack below that page, which the run's bookkeeping
	 * (progress lines, CSV rows) went through since the last window:
	 * every window's fork copies the same stack, no deeper than the loop
	 * itself. Only on the main thread's stack, below which the kernel
	 * keeps a gap mapped by nothing (madvise fails harmlessly there): a
	 * thread's stack (a spawner thread's) may sit right above another
	 * mapping. */
	if (gettid() == getpid())
		madvise(page_of_fn - STACK_TRIM, STACK_TRIM, MADV_DONTNEED);
	rc = fn(arg);
	__asm__ volatile("" : : "r"(gap) : "memory");	/* and no tail call */
	return rc;
}

const char *const ballast_names[BALLAST_KINDS] = {
	[BALLAST_ANON] = "anon",
	[BALLAST_UNTOUCHED] = "anon-untouched",
	[BALLAST_SHARED_FILE] = "shared-file",
	[BALLAST_DONTFORK] = "dontfork",
	[BALLAST_WIPEONFORK] = "wipeonfork",
};

/* Reserve the whole range at once, aligned to 2 MiB so that THP can back
 * it when asked to; the chunks are carved out of it. */
static char *reserve(size_t bytes, int prot)
{
	char *raw = mmap(NULL, bytes + HUGE_ALIGN, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *base;

	if (raw == MAP_FAILED)
		return NULL;
	base = (char *)(((uintptr_t)raw + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1));
	if (base > raw)
		munmap(raw, (size_t)(base - raw));
	munmap(base + bytes, (size_t)(raw + HUGE_ALIGN - base));
	return base;
}

static int map_chunks(struct ballast *b, enum ballast_kind kind, size_t stride)
{
	char *base = reserve(stride * b->nchunks, PROT_NONE);

	if (!base)
		return errno;
	for (size_t i = 0; i < b->nchunks; i++) {
		char *want = base + i * stride;
		char *p = kind == BALLAST_SHARED_FILE
				  ? mmap(want, b->chunk_bytes, PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_FIXED, b->fd, (off_t)(i * b->chunk_bytes))
				  : mmap(want, b->chunk_bytes, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED) {
			int err = errno;
			munmap(base, stride * b->nchunks);
			return err;
		}
		b->chunk[i] = p;
		/* The hole after each chunk (still PROT_NONE reserved) keeps
		 * neighbours from merging; unmap it so it is no mapping at all. */
		if (stride > b->chunk_bytes)
			munmap(p + b->chunk_bytes, stride - b->chunk_bytes);
	}
	return 0;
}

static int advise(struct ballast *b, int advice)
{
	for (size_t i = 0; i < b->nchunks; i++)
		if (madvise(b->chunk[i], b->chunk_bytes, advice) != 0)
			return errno;
	return 0;
}

char *map_fresh(size_t bytes, enum thp_mode thp)
{
	char *p = reserve(bytes, PROT_READ | PROT_WRITE);

	if (p && madvise(p, bytes, thp == THP_ON ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0) {
		int err = errno;
		munmap(p, bytes);
		errno = err;
		return NULL;
	}
	return p;
}

int ballast_make(struct ballast *b, uint64_t kib, enum thp_mode thp, enum ballast_kind kind,
		 size_t vmas)
{
	size_t bytes = (size_t)kib << 10;
	int err;

	memset(b, 0, sizeof *b);
	b->fd = -1;
	if (kib == 0)
		return 0;
	if (vmas == 0 || bytes / vmas < PAGE)
		return EINVAL;
	b->nchunks = vmas;
	b->chunk_bytes = bytes / vmas / PAGE * PAGE;
	b->bytes = b->chunk_bytes * vmas;
	b->chunk = calloc(vmas, sizeof *b->chunk);
	if (!b->chunk)
		return ENOMEM;
	if (kind == BALLAST_SHARED_FILE) {
		/* A memfd: a real shared file mapping that leaves no file behind. */
		b->fd = memfd_create("spawncost-ballast", MFD_CLOEXEC);
		if (b->fd < 0 || ftruncate(b->fd, (off_t)b->bytes) != 0) {
			err = errno;
			goto fail;
		}
	}
	if ((err = map_chunks(b, kind, vmas > 1 ? b->chunk_bytes + PAGE : b->chunk_bytes)))
		goto fail;
	if ((err = advise(b, thp == THP_ON ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)))
		goto fail_mapped;
	if (kind == BALLAST_DONTFORK && (err = advise(b, MADV_DONTFORK)))
		goto fail_mapped;
	if (kind == BALLAST_WIPEONFORK && (err = advise(b, MADV_WIPEONFORK)))
		goto fail_mapped;
	if (kind == BALLAST_SHARED_FILE) {
		/* Read every page in: resident and mapped, but not written. */
		volatile char sink = 0;
		for (size_t i = 0; i < b->nchunks; i++)
			for (size_t off = 0; off < b->chunk_bytes; off += PAGE)
				sink += b->chunk[i][off];
		(void)sink;
	} else if (kind != BALLAST_UNTOUCHED) {
		write_every_page(b->chunk, b->nchunks, b->chunk_bytes);
	}
	return 0;
fail_mapped:
	for (size_t i = 0; i < b->nchunks; i++)
		munmap(b->chunk[i], b->chunk_bytes);
fail:
	if (b->fd >= 0)
		close(b->fd);
	free(b->chunk);
	memset(b, 0, sizeof *b);
	b->fd = -1;
	return err;
}

void ballast_free(struct ballast *b)
{
	for (size_t i = 0; i < b->nchunks; i++)
		munmap(b->chunk[i], b->chunk_bytes);
	if (b->fd >= 0)
		close(b->fd);
	free(b->chunk);
	memset(b, 0, sizeof *b);
	b->fd = -1;
}

uint64_t write_every_page(char *const *chunk, size_t n, size_t bytes)
{
	uint64_t t0 = now_ns();

	/* A store only: a read first would map the shared zero page into a
	 * fresh mapping and make first-touch take two faults per page. */
	for (size_t i = 0; i < n; i++) {
		volatile char *p = chunk[i];
		for (size_t off = 0; off < bytes; off += PAGE)
			p[off] = (char)(off >> 12);
	}
	return now_ns() - t0;
}

/* Without stdio: an fopen mallocs, and what the measuring process
 * allocates between cells it would keep (see harness/engine/run.c). */
long proc_kib(const char *path, const char *key)
{
	char buf[4096];	/* status, meminfo and smaps_rollup fit */
	size_t klen = strlen(key);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			char *end;
			long v = strtol(line + klen + 1, &end, 10);
			return end == line + klen + 1 ? -1 : v;
		}
	return -1;
}

/* Does a VmFlags line hold the two-letter flag? */
static bool has_flag(const char *flags, const char *flag)
{
	for (const char *p = flags; (p = strstr(p, flag)); p += 2)
		if ((p == flags || p[-1] == ' ') && (p[2] == ' ' || p[2] == '\n' || !p[2]))
			return true;
	return false;
}

/* One line of an smaps file into the running totals. pages_too: false
 * for a mapping whose pages fork does not copy: a shared one (the engine's
 * book, harness/engine/book.c, is one), whose page tables the child fills
 * by faulting, as the kernel's copy_page_range leaves them; MADV_WIPEONFORK
 * is read from VmFlags below. */
static void footprint_line(const char *line, struct footprint *f, long *rss, bool *skip,
			   bool *pages_too)
{
	if (strncmp(line, "Rss:", 4) == 0) {
		*rss = strtol(line + 4, NULL, 10);
	} else if (strncmp(line, "VmFlags:", 8) == 0) {
		/* dc: MADV_DONTFORK, not in the child at all; wf:
		 * MADV_WIPEONFORK, the mapping is copied but none of its pages. */
		if (!*skip && !has_flag(line + 8, "dc")) {
			f->maps++;
			if (*pages_too && !has_flag(line + 8, "wf"))
				f->rss_kib += *rss;
		}
		*rss = 0;
		*skip = false;
	} else if ((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f')) {
		/* A mapping's first line. [vsyscall] is the kernel's, not ours. */
		const char *perms = strchr(line, ' ');

		*skip = strstr(line, "[vsyscall]") != NULL;
		*pages_too = !(perms && strlen(perms) > 4 && perms[4] == 's');
	}
}

static int footprint(const char *smaps, struct footprint *f)
{
	const size_t cap = 64 * 1024;
	char *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open(smaps, O_RDONLY | O_CLOEXEC), err = 0;
	size_t have = 0;
	long rss = 0;
	bool skip = false, pages_too = true;

	f->maps = f->rss_kib = 0;
	/* The scratch buffer is in smaps too: out of what a fork copies. */
	if (buf == MAP_FAILED || fd < 0 || madvise(buf, cap, MADV_DONTFORK) != 0) {
		err = errno;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf + have, cap - 1 - have);
		char *line = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : 0;
			break;
		}
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			footprint_line(line, f, &rss, &skip, &pages_too);
			line = nl + 1;
		}
		have = (size_t)(buf + have - line);
		memmove(buf, line, have);
	}
out:
	if (fd >= 0)
		close(fd);
	if (buf != MAP_FAILED)
		munmap(buf, cap);
	return err;
}

int fork_footprint(struct footprint *f)
{
	return footprint("/proc/self/smaps", f);
}

int fork_footprint_of(const char *smaps, struct footprint *f)
{
	return footprint(smaps, f);
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

const char *mib_text(uint64_t kib, char *buf, size_t len)
{
	unsigned long long whole = kib / 1024, frac = (kib % 1024) * 10000 / 1024;
	int n = snprintf(buf, len, "%llu", whole);

	if (frac && n > 0 && (size_t)n < len) {
		char digits[8];
		int d = snprintf(digits, sizeof digits, "%04llu", frac);

		while (d > 0 && digits[d - 1] == '0')
			digits[--d] = '\0';
		snprintf(buf + n, len - (size_t)n, ".%s", digits);
	}
	return buf;
}
