#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "csvread.h"

/* Fields are collected as offsets into text while parsing (text may move as
 * it grows) and turned into pointers at the end. */
struct builder {
	char *text;
	size_t len, cap;
	size_t *fields;	/* start offset of each field */
	size_t nfields, fcap;
};

static int push_char(struct builder *b, char c)
{
	if (b->len == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		char *p = realloc(b->text, cap);
		if (!p)
			return -1;
		b->text = p;
		b->cap = cap;
	}
	b->text[b->len++] = c;
	return 0;
}

static int start_field(struct builder *b)
{
	if (b->nfields == b->fcap) {
		size_t cap = b->fcap ? b->fcap * 2 : 256;
		size_t *p = realloc(b->fields, cap * sizeof *p);
		if (!p)
			return -1;
		b->fields = p;
		b->fcap = cap;
	}
	b->fields[b->nfields++] = b->len;
	return 0;
}

static int fail(struct builder *b, char *err, const char *why, size_t line)
{
	snprintf(err, CSV_ERR_LEN, "%s at line %zu", why, line);
	free(b->text);
	free(b->fields);
	return -1;
}

/* A quoted field from data[*i] (its opening quote) to just past its
 * closing one, into b; *line counts the newlines inside. NULL, or why not. */
static const char *quoted_field(struct builder *b, const char *data, size_t len, size_t *i,
				size_t *line)
{
	for ((*i)++;; (*i)++) {
		if (*i >= len)
			return "unterminated quote";
		if (data[*i] == '"') {
			if (*i + 1 < len && data[*i + 1] == '"') {
				(*i)++;
			} else {
				(*i)++;
				break;
			}
		}
		if (data[*i] == '\0')
			return "NUL byte";
		if (data[*i] == '\n')
			(*line)++;
		if (push_char(b, data[*i]))
			return "out of memory";
	}
	if (data[*i] != ',' && data[*i] != '\n' && data[*i] != '\r')
		return "text after a closing quote";
	return NULL;
}

/* An unquoted field from data[*i] up to its comma or line end, into b. */
static const char *plain_field(struct builder *b, const char *data, size_t *i)
{
	for (; data[*i] != ',' && data[*i] != '\n' && data[*i] != '\r'; (*i)++) {
		if (data[*i] == '\0')
			return "NUL byte";
		if (data[*i] == '"')
			return "quote inside an unquoted field";
		if (push_char(b, data[*i]))
			return "out of memory";
	}
	return NULL;
}

/* The fields read into t: header and cells, each column named once. */
static int make_table(struct builder *b, struct csv_table *t, char *err, size_t line)
{
	t->nrows = b->nfields / t->ncols - 1;
	t->text = b->text;
	t->header = malloc(b->nfields * sizeof *t->header);
	if (!t->header) {
		memset(t, 0, sizeof *t);
		return fail(b, err, "out of memory", line);
	}
	for (size_t f = 0; f < b->nfields; f++)
		t->header[f] = b->text + b->fields[f];
	t->cells = t->header + t->ncols;
	free(b->fields);
	for (size_t c = 0; c < t->ncols; c++) {
		if (!t->header[c][0]) {
			csv_table_free(t);
			snprintf(err, CSV_ERR_LEN, "empty column name in the header");
			return -1;
		}
		for (size_t d = 0; d < c; d++)
			if (strcmp(t->header[c], t->header[d]) == 0) {
				snprintf(err, CSV_ERR_LEN, "column '%s' appears twice in the header",
					 t->header[c]);
				csv_table_free(t);
				return -1;
			}
	}
	return 0;
}

int csv_parse(const char *data, size_t len, struct csv_table *t, char *err)
{
	struct builder b = { 0 };
	size_t line = 1, row_fields = 0, i = 0;
	const char *why;

	memset(t, 0, sizeof *t);
	if (len == 0)
		return fail(&b, err, "empty file", 1);
	if (data[len - 1] != '\n') {
		size_t lines = 1;
		for (size_t k = 0; k < len; k++)
			lines += data[k] == '\n';
		return fail(&b, err, "file cut short: no newline at the end of the last line", lines);
	}
	while (i < len) {
		/* One field, starting at data[i]. */
		if (start_field(&b))
			return fail(&b, err, "out of memory", line);
		why = data[i] == '"' ? quoted_field(&b, data, len, &i, &line)
				     : plain_field(&b, data, &i);
		if (why)
			return fail(&b, err, why, line);
		if (push_char(&b, '\0'))
			return fail(&b, err, "out of memory", line);
		row_fields++;
		if (data[i] == '\r') {
			if (i + 1 >= len || data[i + 1] != '\n')
				return fail(&b, err, "stray carriage return", line);
			i++;
		}
		if (data[i] == ',') {
			i++;
			continue;
		}
		/* End of a row. */
		if (t->ncols == 0)
			t->ncols = row_fields;
		else if (row_fields != t->ncols) {
			char msg[96];
			snprintf(msg, sizeof msg, "%zu fields where the header has %zu", row_fields,
				 t->ncols);
			return fail(&b, err, msg, line);
		}
		row_fields = 0;
		line++;
		i++;
	}
	return make_table(&b, t, err, line);
}

/* What gzread found wrong in the last compressed file (SLURP_GZIP). */
static const char *gzip_why;

const char *slurp_error(int rc)
{
	if (rc == SLURP_GZIP)
		return gzip_why;
	if (rc == SLURP_OPEN && errno == EINVAL)
		return "not a regular file";
	return strerror(errno);
}

/* Why a gzip file could not be read to its end, or NULL: cut short (a
 * copy interrupted, a disk that filled) is told apart from damaged. */
static const char *gzip_fault(gzFile g)
{
	int num;

	gzerror(g, &num);
	if (num == Z_OK || num == Z_STREAM_END || num == Z_ERRNO)
		return NULL;
	return num == Z_BUF_ERROR ? "compressed data cut short (gzip -t)"
				   : "compressed data damaged (gzip -t)";
}

/* path opened for reading if it is a regular file of at most SLURP_MAX
 * bytes, into *st; else -1 with errno (EINVAL: not a regular file). */
static int open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), e;

	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || st->st_size > SLURP_MAX) {
		e = errno;
		close(fd);
		errno = S_ISREG(st->st_mode) ? (st->st_size > SLURP_MAX ? EFBIG : e) : EINVAL;
		return -1;
	}
	return fd;
}

/* g read into *data (*len bytes, room for a NUL after them), no more than
 * *left bytes, which counts down; 0 or a SLURP_ code. */
static int read_all(gzFile g, char **data, size_t *len, size_t *left)
{
	size_t cap = 0;

	for (;;) {
		/* Grown before it is full, so the NUL always has room. */
		if (*len == cap) {
			char *p = realloc(*data, cap = cap ? cap * 2 : 65536);

			if (!p) {
				errno = ENOMEM;
				return SLURP_MEMORY;
			}
			*data = p;
		}
		size_t want = cap - *len < *left ? cap - *len : *left;
		int got = want ? gzread(g, *data + *len, want < INT_MAX ? (unsigned)want : INT_MAX)
			       : 0;

		if (got < 0)
			return (gzip_why = gzip_fault(g)) ? SLURP_GZIP : SLURP_READ;
		*len += (size_t)got;
		*left -= (size_t)got;
		if (got == 0)
			return 0;
	}
}

int slurp_file(const char *path, char **data, size_t *len)
{
	/* Only a regular file, opened without blocking (a FIFO in a run
	 * folder would hang the reader) and read no further than its size
	 * (a file that never ends would grow memory without bound), or, when
	 * it is gzip (samples.csv.gz), than SLURP_MAX of what it unpacks to.
	 * zlib reads a plain file as it is, so every reader takes either. */
	struct stat st;
	int fd, rc, e;
	size_t left;
	bool packed;
	gzFile g;

	*data = NULL;
	*len = 0;
	if ((fd = open_regular(path, &st)) < 0)
		return SLURP_OPEN;
	if (!(g = gzdopen(fd, "rb"))) {
		close(fd);
		errno = ENOMEM;
		return SLURP_MEMORY;
	}
	packed = !gzdirect(g);
	left = packed ? (size_t)SLURP_MAX + 1 : (size_t)st.st_size;
	rc = read_all(g, data, len, &left);
	if (!rc && packed && !left) {
		rc = SLURP_OPEN;	/* unpacks to more than SLURP_MAX */
		errno = EFBIG;
	}
	if (!rc && (gzip_why = gzip_fault(g)))
		rc = SLURP_GZIP;
	e = errno;
	gzclose_r(g);
	if (rc) {
		free(*data);
		*data = NULL;
	} else {
		(*data)[*len] = '\0';
	}
	errno = e;
	return rc;
}

int csv_read(const char *path, struct csv_table *t, char *err)
{
	char *data;
	size_t len;
	int rc;

	memset(t, 0, sizeof *t);
	switch (slurp_file(path, &data, &len)) {
	case SLURP_OPEN:
		snprintf(err, CSV_ERR_LEN, "%s", slurp_error(SLURP_OPEN));
		return -1;
	case SLURP_MEMORY:
		snprintf(err, CSV_ERR_LEN, "out of memory");
		return -1;
	case SLURP_READ:
		snprintf(err, CSV_ERR_LEN, "read error: %s", strerror(errno));
		return -1;
	case SLURP_GZIP:
		snprintf(err, CSV_ERR_LEN, "%s", slurp_error(SLURP_GZIP));
		return -1;
	}
	/* A UTF-8 byte-order mark (a spreadsheet's export) is no part of the
	 * first column's name: every reader skips it alike. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		rc = csv_parse(data + 3, len - 3, t, err);
	else
		rc = csv_parse(data, len, t, err);
	free(data);
	return rc;
}

void csv_table_free(struct csv_table *t)
{
	free(t->text);
	free(t->header);
	memset(t, 0, sizeof *t);
}

int csv_col(const struct csv_table *t, const char *name)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->header[c], name) == 0)
			return (int)c;
	return -1;
}
