#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err)
{
	char *end;
	unsigned long long v;

	/* strtoull would take "-1", " 5" and "+5"; a count takes digits only. */
	if (!isdigit((unsigned char)s[0])) {
		snprintf(err, PARSE_ERR_LEN, "'%s' is not a whole number", s);
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end) {
		snprintf(err, PARSE_ERR_LEN, "'%s' is not a whole number", s);
		return -1;
	}
	if (errno == ERANGE || v > max) {
		snprintf(err, PARSE_ERR_LEN, "'%s' is too large (at most %llu)", s,
			 (unsigned long long)max);
		return -1;
	}
	if (v < min) {
		snprintf(err, PARSE_ERR_LEN, "'%s' is too small (at least %llu)", s,
			 (unsigned long long)min);
		return -1;
	}
	*out = v;
	return 0;
}

int parse_double(const char *s, double min, double max, double *out, char *err)
{
	char *end;
	double v;

	/* Decimal only: strtod would also take hex ("0x10"), "nan" and "inf";
	 * a sign only where the range has negative numbers, so that "-0" is
	 * no size or time. */
	const char *d = s + (min < 0 && s[0] == '-');

	if ((!isdigit((unsigned char)d[0]) && d[0] != '.') ||
	    d[strspn(d, "0123456789.eE+-")] != '\0') {
		snprintf(err, PARSE_ERR_LEN, "'%s' is not a number", s);
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s) {
		snprintf(err, PARSE_ERR_LEN, "'%s' is not a number", s);
		return -1;
	}
	if ((errno == ERANGE && v > 1) || v == INFINITY || v > max) {
		snprintf(err, PARSE_ERR_LEN, "'%s' is too large (at most %g)", s, max);
		return -1;
	}
	if (errno == ERANGE || v == -INFINITY || v < min) {
		snprintf(err, PARSE_ERR_LEN, "'%s' is too small (at least %g)", s, min);
		return -1;
	}
	*out = v;
	return 0;
}

int split_list(char *buf, char **items, size_t max, size_t *n, char *err)
{
	char *p = buf;

	*n = 0;
	for (;;) {
		char *comma = p;

		while (*comma && *comma != ',')
			comma++;
		if (comma == p) {
			snprintf(err, PARSE_ERR_LEN, "the list has an empty item");
			return -1;
		}
		if (*n == max) {
			snprintf(err, PARSE_ERR_LEN, "too many items (at most %zu)", max);
			return -1;
		}
		items[(*n)++] = p;
		if (!*comma)
			return 0;
		*comma = '\0';
		p = comma + 1;
	}
}
