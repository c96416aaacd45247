/* env.txt read back: see envtxt.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "envtxt.h"

/* Split the text into lines (a last line may lack its newline, as getline
 * would read it) and each line at its first '='. */
static int split(struct envtxt *e, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += e->text[i] == '\n';
	e->line = calloc(n + 1, sizeof *e->line);
	if (!e->line)
		return -1;
	for (size_t at = 0; at < len; e->nlines++) {
		struct env_line *l = &e->line[e->nlines];
		char *s = e->text + at, *nl = memchr(s, '\n', len - at), *eq;
		size_t llen = nl ? (size_t)(nl - s) : len - at;

		s[llen] = '\0';
		at += llen + 1;
		l->lineno = e->nlines + 1;
		l->key = s;
		l->empty = llen == 0;
		l->nul = strlen(s) != llen;
		eq = strchr(s, '=');
		if (eq && eq != s) {
			*eq = '\0';
			l->val = eq + 1;
		}
	}
	return 0;
}

int envtxt_read(const char *path, struct envtxt *e, char *err, size_t errlen)
{
	size_t len;
	int rc;

	memset(e, 0, sizeof *e);
	rc = slurp_file(path, &e->text, &len);
	if (rc) {
		int missing = rc == SLURP_OPEN && errno == ENOENT;

		snprintf(err, errlen, "%s: %s", path, slurp_error(rc));
		return missing ? 1 : -1;
	}
	if (split(e, len)) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		envtxt_free(e);
		return -1;
	}
	return 0;
}

const char *envtxt_get(const struct envtxt *e, const char *key)
{
	for (size_t i = 0; i < e->nlines; i++)
		if (e->line[i].val && strcmp(e->line[i].key, key) == 0)
			return e->line[i].val;
	return NULL;
}

void envtxt_free(struct envtxt *e)
{
	free(e->text);
	free(e->line);
	memset(e, 0, sizeof *e);
}
