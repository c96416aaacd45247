#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "book.h"
#include "handback.h"
#include "rows.h"

#define MOVE_BYTES (64 * 1024)

int row_spans_init(struct row_spans *s, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->cap = cap ? cap : 1;
	s->span = book_alloc(s->cap * sizeof *s->span);
	return s->span ? 0 : ENOMEM;
}

void row_spans_free(struct row_spans *s)
{
	if (s->span)
		book_free(s->span, s->cap * sizeof *s->span);
	memset(s, 0, sizeof *s);
}

int row_spans_add(struct row_spans *s, uint32_t cell, const off_t from[2], const off_t to[2])
{
	if (s->n == s->cap)
		return ENOSPC;
	s->span[s->n++] = (struct row_span){ .cell = cell, .from = { from[0], from[1] },
					     .to = { to[0], to[1] } };
	return 0;
}

/* Bytes [from, to) of fd to *at (never past from), advancing *at. */
static int move(int fd, off_t from, off_t to, off_t *at, char *buf)
{
	while (from < to) {
		size_t want = to - from < MOVE_BYTES ? (size_t)(to - from) : MOVE_BYTES;
		ssize_t got = pread(fd, buf, want, from);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? errno : EIO;
		if (put_at(fd, buf, (size_t)got, at))
			return errno ? errno : EIO;
		from += got;
	}
	return 0;
}

int row_spans_cut(const struct row_spans *s, int k, const char *path, off_t *len,
		  bool (*failed)(uint32_t cell, const void *arg), const void *arg)
{
	off_t at = -1, keep = 0;	/* where the kept rows go; where they start */
	char *buf = NULL;
	int fd = -1, err = 0;

	for (size_t i = 0; i < s->n && !err; i++) {
		const struct row_span *w = &s->span[i];

		if (w->from[k] == w->to[k] || !failed(w->cell, arg))
			continue;
		if (at < 0) {	/* the first rows to cut: the file is opened now */
			if (!(buf = malloc(MOVE_BYTES)) ||
			    (fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
				err = buf ? errno : ENOMEM;
				break;
			}
			at = w->from[k];
		} else {
			err = move(fd, keep, w->from[k], &at, buf);
		}
		keep = w->to[k];
	}
	if (at >= 0 && !err)
		err = move(fd, keep, *len, &at, buf);
	if (at >= 0 && !err && ftruncate(fd, at) != 0)
		err = errno;
	if (!err && at >= 0)
		*len = at;
	if (fd >= 0 && close(fd) != 0 && !err)
		err = errno;
	free(buf);
	return err;
}
