/* JSON that a tool can always parse: text from a run (a --target path, an
 * -o folder in env.txt's command line, an error) as valid UTF-8, and a
 * document written whole or not at all.
 *
 * A path is bytes and JSON is UTF-8: each byte that is not part of valid
 * UTF-8 is written as the four characters \xHH (Python's
 * "backslashreplace"), so a name stays readable and two names stay apart;
 * valid UTF-8 passes unchanged. The raw bytes stay in summary.csv and
 * env.txt, which a tool that needs the path itself reads. */
#ifndef SPAWNCOST_JSONTEXT_H
#define SPAWNCOST_JSONTEXT_H

#include <jansson.h>
#include <stdio.h>

/* s as UTF-8 (malloc'd; NULL only when out of memory). */
char *utf8_text(const char *s);

/* s as a JSON string (NULL only when out of memory). */
json_t *json_text(const char *s);

/* s[0..n-1] as a JSON array of such strings (NULL only when out of memory). */
json_t *json_texts(const char *const *s, size_t n);

/* The document made in memory (buf, len, from open_memstream) written to f
 * in one piece and flushed. Returns 0, or -1 when f took it not whole. */
int write_whole(FILE *f, const char *buf, size_t len);

/* o dumped with flags into memory, then written whole to f with a newline.
 * Returns 0, -1 when it could not be made (nothing was written), or -2
 * when f did not take it. */
int json_write_whole(json_t *o, FILE *f, size_t flags);

#endif
