/* A run's env.txt read back: its key=value lines, in file order. The one
 * reader of the file, for compare, export, report and `spawncost meta`;
 * each decides what it refuses (meta refuses any line that is not a fact,
 * the others pass over such lines). */
#ifndef SPAWNCOST_ENVTXT_H
#define SPAWNCOST_ENVTXT_H

#include <stdbool.h>
#include <stddef.h>

struct env_line {
	const char *key;	/* the line, up to its first '=' */
	const char *val;	/* after it; NULL when the line is not key=value */
	size_t lineno;		/* 1-based */
	bool empty;		/* a blank line */
	bool nul;		/* holds a NUL byte (key and val end at it) */
};

struct envtxt {
	char *text;		/* the file, which the lines point into */
	struct env_line *line;
	size_t nlines;
};

/* Read path into e. Returns 0; 1 when there is no such file; -1 when it
 * cannot be read. Either way but 0, err gets "PATH: reason" and e is empty. */
int envtxt_read(const char *path, struct envtxt *e, char *err, size_t errlen);

/* The value of the first key=value line with this key, or NULL. */
const char *envtxt_get(const struct envtxt *e, const char *key);

void envtxt_free(struct envtxt *e);

#endif
