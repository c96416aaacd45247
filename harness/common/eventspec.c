/* The text form of a counter, for the engine's command line. Libc only:
 * spawncost-measure links this file (see eventspec.h). */
#include <stdio.h>
#include <string.h>

#include "eventspec.h"

int event_name_ok(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return i > 0 && i < EVENT_NAME_LEN;
}

int event_spec_format(const struct event_spec *e, char *buf, size_t len)
{
	int w;

	if (!memchr(e->name, '\0', sizeof e->name) || !event_name_ok(e->name))
		return -1;
	w = snprintf(buf, len, "%s:%u:%llu:%llu:%llu", e->name, (unsigned)e->type,
		     (unsigned long long)e->config, (unsigned long long)e->config1,
		     (unsigned long long)e->config2);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* A decimal field of [s, end): digits only, no more than max. */
static int field_u64(const char *s, const char *end, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s == end)
		return -1;
	for (; s < end; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d > 9 || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int event_spec_parse(const char *s, struct event_spec *e, char *err, size_t errlen)
{
	static const char *const what[] = { "type", "config", "config1", "config2" };
	const char *colon[5];
	uint64_t v[4];
	struct event_spec out = { .type = 0 };
	size_t nc = 0, namelen;

	for (const char *p = s; *p; p++)
		if (*p == ':') {
			if (nc == 4) {
				snprintf(err, errlen, "event spec '%s': more than five fields "
					 "(want name:type:config:config1:config2)", s);
				return -1;
			}
			colon[nc++] = p;
		}
	if (nc != 4) {
		snprintf(err, errlen, "event spec '%s': %zu fields, want five "
			 "(name:type:config:config1:config2)", s, nc + 1);
		return -1;
	}
	colon[4] = s + strlen(s);
	namelen = (size_t)(colon[0] - s);
	if (namelen == 0 || namelen >= sizeof out.name) {
		snprintf(err, errlen, "event spec '%s': the name must have 1 to %d characters",
			 s, EVENT_NAME_LEN - 1);
		return -1;
	}
	memcpy(out.name, s, namelen);
	if (!event_name_ok(out.name)) {
		snprintf(err, errlen, "event spec '%s': the name may hold only a-z, 0-9 and '_'", s);
		return -1;
	}
	for (int i = 0; i < 4; i++)
		if (field_u64(colon[i] + 1, colon[i + 1], i == 0 ? UINT32_MAX : UINT64_MAX,
			      &v[i])) {
			snprintf(err, errlen, "event spec '%s': %s is not a decimal number%s", s,
				 what[i], i == 0 ? " below 2^32" : " below 2^64");
			return -1;
		}
	out.type = (uint32_t)v[0];
	out.config = v[1];
	out.config1 = v[2];
	out.config2 = v[3];
	*e = out;
	return 0;
}
