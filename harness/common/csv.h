/* Result files: written under a temporary name and renamed when whole, so a
 * reader never sees half a file. CSV fields are quoted only when needed
 * (RFC 4180). */
#ifndef SPAWNCOST_CSV_H
#define SPAWNCOST_CSV_H

#include <stdint.h>
#include <stdio.h>
#include <limits.h>

struct outfile {
	FILE *f;
	char path[PATH_MAX];
	char tmp[PATH_MAX];
};

/* Create dir/name.tmp for writing. Returns 0 or an errno value. */
int outfile_open(struct outfile *o, const char *dir, const char *name);
/* Flush, sync and rename to the final name. Returns 0 or an errno value
 * (the temporary file is removed then). */
int outfile_commit(struct outfile *o);
/* Remove the temporary file; nothing appears under the final name. */
void outfile_abandon(struct outfile *o);

struct csv {
	FILE *f;
	int col;	/* fields written in the current row */
};

void csv_str(struct csv *c, const char *s);
void csv_u64(struct csv *c, uint64_t v);
void csv_i64(struct csv *c, int64_t v);
/* A duration in nanoseconds written as microseconds with 3 decimals
 * (nanosecond resolution). */
void csv_us(struct csv *c, double ns);
/* A plain number with 3 decimals (per_page_ns and the like). */
void csv_double(struct csv *c, double v);
/* A plain number with the given decimals (a fit's r2: 6). */
void csv_fixed(struct csv *c, double v, int decimals);
void csv_empty(struct csv *c);
void csv_end(struct csv *c);
/* A header row from a comma-separated string of column names. */
void csv_header(struct csv *c, const char *columns);

#endif
