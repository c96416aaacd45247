/* Strict parsing of command-line numbers and lists. Each returns 0, or -1
 * with a one-line reason in err (for "spawncost: <what>: <reason>"). */
#ifndef SPAWNCOST_PARSE_H
#define SPAWNCOST_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define PARSE_ERR_LEN 160

/* A whole decimal number in [min, max]; no sign, no spaces, no suffix. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err);

/* A decimal number (e.g. "0.5") in [min, max], finite; a leading '-' only
 * when min is negative. */
int parse_double(const char *s, double min, double max, double *out, char *err);

/* Split a comma list into at most max items (pointers into buf, which is
 * modified). Empty items and an empty list are errors. */
int split_list(char *buf, char **items, size_t max, size_t *n, char *err);

#endif
