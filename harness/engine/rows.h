/* Where each window's rows lie in samples.csv and probes.csv.
 *
 * A cell's result is its windows or its error, never both: the readers
 * refuse a sample of a cell that has an error, and a sample measured
 * before the cell failed is no figure of it (a cell whose target hangs
 * from its 16th call has a fast first window). The rows are written as
 * each window ends, so a cell that fails in a later window takes back the
 * rows of its earlier ones at the end of the run, by where they are. */
#ifndef SPAWNCOST_ROWS_H
#define SPAWNCOST_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The rows of one window: [from, to) of each file (0: samples.csv, 1:
 * probes.csv). */
struct row_span {
	uint32_t cell;
	off_t from[2], to[2];
};

struct row_spans {
	struct row_span *span;	/* in the order written, so in file order */
	size_t n, cap;
};

/* Room for cap windows, in the book. Returns 0 or ENOMEM. */
int row_spans_init(struct row_spans *s, size_t cap);
void row_spans_free(struct row_spans *s);

/* The rows of a window of cell. Returns 0 or ENOSPC (no room left). */
int row_spans_add(struct row_spans *s, uint32_t cell, const off_t from[2], const off_t to[2]);

/* Cut the rows of every cell that failed(cell, arg) says out of file k
 * (at path, *len bytes long), moving the later rows up; *len becomes
 * the new length. Returns 0 or an errno value (the file is then not to
 * be trusted). */
int row_spans_cut(const struct row_spans *s, int k, const char *path, off_t *len,
		  bool (*failed)(uint32_t cell, const void *arg), const void *arg);

#endif
