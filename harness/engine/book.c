/* The engine's bookkeeping memory (see book.h).
 *
 * Every mapping a process has is work for each fork it makes: measured here
 * against a minimal loop, the six mappings the engine once kept of its own
 * (three MADV_DONTFORK ones for its notes, the shared page, the clone
 * stack, a large .bss) made fork-exit at 0 MiB 6-8% dearer than the same
 * loop without them. So the engine's notes are kept in one place that a
 * fork copies as cheaply as anything can be: a shared mapping of a memory
 * file, reserved once (virtual space only; pages come as they are
 * written), of which fork copies the mapping and no page table. Its first
 * page is the page children leave results in, which has to be shared
 * anyway, so the engine's notes cost no more mapping than that page did.
 *
 * Blocks are whole pages, handed out first-fit from a short free list;
 * a freed block's pages are given back to the kernel (MADV_REMOVE), so a
 * block handed out again reads zero. The book is the engine's alone: a
 * fork of the engine (a spawner, an isolated window) shares the pages but
 * not this bookkeeping of them, so there book_alloc maps privately, as it
 * does when the book is full. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "book.h"
#include "memory.h"

#define BOOK_MOST (1UL << 30)	/* virtual size tried first, halved to two pages */
#define BOOK_HOLES 32

static struct {
	char *base;
	size_t cap, top;	/* bytes reserved; bytes ever handed out */
	int fd;
	pid_t owner;
	struct hole { size_t off, len; } hole[BOOK_HOLES];	/* by offset */
	size_t nholes;
} book = { .fd = -1 };

static size_t pages_of(size_t bytes)
{
	size_t page = page_bytes();

	return (bytes ? bytes + page - 1 : page) / page * page;
}

static int book_open(void)
{
	if (book.base)
		return 0;
	struct rlimit fsize;
	size_t most = BOOK_MOST;

	/* A memory file is a file: beyond RLIMIT_FSIZE, ftruncate would
	 * raise SIGXFSZ. Under a low limit the book is small, and what does
	 * not fit is mapped privately. */
	if (getrlimit(RLIMIT_FSIZE, &fsize) == 0 && fsize.rlim_cur != RLIM_INFINITY &&
	    fsize.rlim_cur < most)
		most = (size_t)fsize.rlim_cur / page_bytes() * page_bytes();
	book.fd = memfd_create("spawncost-book", MFD_CLOEXEC);
	if (book.fd < 0)
		return -1;
	for (size_t cap = most; cap >= 2 * page_bytes(); cap = cap / 2 / page_bytes() * page_bytes()) {
		void *p;

		if (ftruncate(book.fd, (off_t)cap) != 0)
			break;
		p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, book.fd, 0);
		if (p != MAP_FAILED) {
			book.base = p;
			book.cap = cap;
			book.top = page_bytes();	/* page 0: book_shared_page */
			book.owner = getpid();
			return 0;
		}
	}
	close(book.fd);
	book.fd = -1;
	return -1;
}

static void *map_private(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, bytes, MADV_DONTFORK) != 0) {
		munmap(p, bytes);
		return NULL;
	}
	return p;
}

bool book_holds(uintptr_t addr)
{
	return book.base && addr >= (uintptr_t)book.base && addr < (uintptr_t)book.base + book.cap;
}

static bool mine(void)
{
	return book_open() == 0 && book.owner == getpid();
}

void *book_alloc(size_t bytes)
{
	size_t len = pages_of(bytes);

	if (!mine())
		return map_private(len);
	for (size_t i = 0; i < book.nholes; i++) {
		struct hole *h = &book.hole[i];
		if (h->len < len)
			continue;
		size_t off = h->off;
		h->off += len;
		h->len -= len;
		if (h->len == 0)
			memmove(h, h + 1, (--book.nholes - i) * sizeof *h);
		return book.base + off;
	}
	if (book.cap - book.top < len)
		return map_private(len);
	book.top += len;
	return book.base + book.top - len;
}

void book_free(void *p, size_t bytes)
{
	size_t len = pages_of(bytes), off, i;

	if (!p)
		return;
	if (!book_holds((uintptr_t)p)) {
		munmap(p, len);	/* book_alloc's private fallback */
		return;
	}
	if (book.owner != getpid())
		return;	/* the engine's block, seen from a fork of it: not ours */
	if (madvise(p, len, MADV_REMOVE) != 0)
		memset(p, 0, len);
	off = (size_t)((char *)p - book.base);
	if (off + len == book.top) {	/* the last block: the top comes down */
		book.top = off;
		while (book.nholes && book.hole[book.nholes - 1].off +
				      book.hole[book.nholes - 1].len == book.top)
			book.top = book.hole[--book.nholes].off;
		return;
	}
	for (i = 0; i < book.nholes && book.hole[i].off < off; i++)
		;
	if (i > 0 && book.hole[i - 1].off + book.hole[i - 1].len == off) {
		book.hole[i - 1].len += len;	/* joins the hole before */
		if (i < book.nholes && off + len == book.hole[i].off) {
			book.hole[i - 1].len += book.hole[i].len;
			memmove(&book.hole[i], &book.hole[i + 1], (--book.nholes - i) * sizeof *book.hole);
		}
	} else if (i < book.nholes && off + len == book.hole[i].off) {
		book.hole[i].off = off;		/* joins the hole after */
		book.hole[i].len += len;
	} else if (book.nholes < BOOK_HOLES) {
		memmove(&book.hole[i + 1], &book.hole[i], (book.nholes++ - i) * sizeof *book.hole);
		book.hole[i] = (struct hole){ off, len };
	}	/* else: a hole too many is left unused, zeroed */
}

void *book_grow(void *p, size_t old, size_t new)
{
	void *q = book_alloc(new);

	if (!q)
		return NULL;
	memcpy(q, p, old < new ? old : new);
	book_free(p, old);
	return q;
}

uint64_t *book_shared_page(bool keep_fd, int *fd)
{
	if (book_open() != 0)
		return NULL;
	if (book.fd >= 0 && keep_fd) {
		if (fcntl(book.fd, F_SETFD, 0) != 0)
			return NULL;
		*fd = book.fd;
	} else if (book.fd >= 0) {
		close(book.fd);	/* one descriptor fewer for every child */
		book.fd = -1;
	}
	return (uint64_t *)book.base;
}
