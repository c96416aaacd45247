/* Reading result files back (compare, export, report): a strict RFC 4180
 * reader that loads a whole file into a table addressed by column name.
 * Strict because a truncated or garbled file must be refused with a reason,
 * never half-read into figures. */
#ifndef SPAWNCOST_CSVREAD_H
#define SPAWNCOST_CSVREAD_H

#include <stddef.h>

#define CSV_ERR_LEN 200

struct csv_table {
	size_t ncols, nrows;
	char **header;	/* ncols names */
	char **cells;	/* nrows * ncols fields, row by row */
	char *text;	/* the unquoted fields, which header and cells point into */
};

/* Read path (plain or gzip) into t. Refuses, with a one-line reason in err: a missing or
 * unreadable file, an empty file, a header with an empty or repeated name,
 * a row whose field count differs from the header's, an unterminated quote,
 * text after a closing quote, a NUL byte, a last line without its newline
 * (a file cut short). Returns 0 or -1 (t is then empty). */
int csv_read(const char *path, struct csv_table *t, char *err);

/* The same from memory (for tests and the fuzzer). */
int csv_parse(const char *data, size_t len, struct csv_table *t, char *err);

void csv_table_free(struct csv_table *t);

/* The whole of path in *data, NUL-terminated after its *len bytes (free
 * it), unpacked when path is gzip (samples.csv.gz): what csv_read and
 * envtxt_read parse. Returns 0, or what failed with errno saying why
 * (SLURP_GZIP: slurp_error says; *data is then NULL). */
enum { SLURP_OPEN = 1, SLURP_MEMORY, SLURP_READ, SLURP_GZIP };
/* The largest file a reader takes in, or a gzip file unpacks to (a run of
 * 10^8 samples is about 6 GiB of samples.csv; past this a file is
 * refused). */
#define SLURP_MAX (16LL << 30)

int slurp_file(const char *path, char **data, size_t *len);

/* Why slurp_file() failed, for a message: its errno, "not a regular
 * file" (EINVAL from slurp_file), or what was wrong with the gzip data. */
const char *slurp_error(int rc);

/* The index of the column called name, or -1. */
int csv_col(const struct csv_table *t, const char *name);

/* Field (row, col); col from csv_col. */
static inline const char *csv_cell(const struct csv_table *t, size_t row, int col)
{
	return t->cells[row * t->ncols + (size_t)col];
}

#endif
