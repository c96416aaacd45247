#include <stdlib.h>
#include <string.h>

#include "jsontext.h"

/* The length of the valid UTF-8 sequence at s, or 0: RFC 3629's, as jansson
 * takes it (no overlong form, no surrogate, nothing past U+10FFFF). Never
 * reads past the string's NUL, which is no continuation byte. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		lo = c == 0xe0 ? 0xa0 : lo;
		hi = c == 0xed ? 0x9f : hi;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		lo = c == 0xf0 ? 0x90 : lo;
		hi = c == 0xf4 ? 0x8f : hi;
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

char *utf8_text(const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);

		if (n) {
			fwrite(p, 1, n, f);
			p += n;
		} else {
			fprintf(f, "\\x%02x", *p++);
		}
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

json_t *json_text(const char *s)
{
	char *t = utf8_text(s);
	json_t *j = t ? json_string(t) : NULL;

	free(t);
	return j;
}

json_t *json_texts(const char *const *s, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_text(s[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int write_whole(FILE *f, const char *buf, size_t len)
{
	return fwrite(buf, 1, len, f) == len && fflush(f) == 0 ? 0 : -1;
}

int json_write_whole(json_t *o, FILE *f, size_t flags)
{
	char *s = json_dumps(o, flags);
	size_t len;
	int rc;

	if (!s)
		return -1;
	/* the newline in the same piece: a reader never sees the document
	 * without its end */
	len = strlen(s);
	s[len] = '\n';
	rc = write_whole(f, s, len + 1) ? -2 : 0;
	free(s);
	return rc;
}
