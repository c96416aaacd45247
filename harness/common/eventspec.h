/* One counter as the engine opens it: a column-safe name and the raw
 * perf_event_attr fields that say what to count. The front end fills these
 * with libpfm4 (events.h); the engine, which links libc only, reads them back
 * from its command line with event_spec_parse. No libpfm4 here. */
#ifndef SPAWNCOST_EVENTSPEC_H
#define SPAWNCOST_EVENTSPEC_H

#include <stddef.h>
#include <stdint.h>

/* Longest column-safe name, NUL included; the column is "<name>_per_op". */
#define EVENT_NAME_LEN 64
/* Room for any formatted spec: the name, four 20-digit numbers, separators. */
#define EVENT_SPEC_TEXT_LEN (EVENT_NAME_LEN + 4 * 21)
/* Most counters one run asks for. */
#define EVENT_MAX 16

struct event_spec {
	char name[EVENT_NAME_LEN];	/* [a-z0-9_]+, e.g. "page_faults" */
	uint32_t type;			/* perf_event_attr.type */
	uint64_t config;		/* perf_event_attr.config */
	uint64_t config1;		/* perf_event_attr.config1 */
	uint64_t config2;		/* perf_event_attr.config2 */
};

/* The text form "name:type:config:config1:config2", decimal, e.g.
 * "page_faults:1:2:0:0". It holds no ',' or space, so specs can be joined
 * into a comma list or passed one per argument. Returns 0, or -1 when buf is
 * too small or the name is not column-safe. */
int event_spec_format(const struct event_spec *e, char *buf, size_t len);

/* Read the text form back, strictly: five fields, a column-safe name,
 * decimal numbers without sign or spaces, type within 32 bits. Returns 0, or
 * -1 with a one-line reason in err (e untouched). */
int event_spec_parse(const char *s, struct event_spec *e, char *err, size_t errlen);

/* Whether name is column-safe: 1 to EVENT_NAME_LEN - 1 of [a-z0-9_]. */
int event_name_ok(const char *name);

#endif
