/* The engine's bookkeeping memory: one shared mapping that every fork
 * copies as a single mapping and none of whose pages it copies. */
#ifndef SPAWNCOST_BOOK_H
#define SPAWNCOST_BOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zeroed memory for the run's own notes (options, cells, samples, output
 * buffers), carved out of the book; NULL when none can be had. In a
 * process other than the one that first called it (a fork of the engine),
 * or when the book is full, a private MADV_DONTFORK mapping instead. */
void *book_alloc(size_t bytes);
/* Give back what book_alloc returned, with the size asked for. */
void book_free(void *p, size_t bytes);
/* Resize, keeping the contents: the new block, or NULL (p is then kept). */
void *book_grow(void *p, size_t old, size_t new);

/* The book's first page: where children leave results (harness/engine/
 * parent.c). keep_fd: leave the book's memory file open, inheritable, and
 * return its number in *fd (--phases: the stamp target writes into it after
 * its exec); otherwise it is closed. NULL when the book cannot be made. */
uint64_t *book_shared_page(bool keep_fd, int *fd);

/* Is addr inside the book? (fork_footprint counts the mapping, not its
 * pages, which fork does not copy.) */
bool book_holds(uintptr_t addr);

#endif
