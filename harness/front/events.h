/* Counters by name: libpfm4 turns the names a user knows into the raw
 * perf_event_attr values the engine opens (eventspec.h), and says what this
 * machine can count. Front end only; nothing here leaks libpfm4 types. */
#ifndef SPAWNCOST_EVENTS_H
#define SPAWNCOST_EVENTS_H

#include <stdio.h>

#include "eventspec.h"

/* The counters of a run when -e is not given. */
#define EVENTS_DEFAULT "cycles,instructions,page-faults,context-switches,cpu-migrations,task-clock"

/* Encode a comma list of libpfm4 event names (EVENTS_DEFAULT when list is
 * NULL) into out[0..*n), at most max, kernel and user work included. Each
 * spec's name is the given name made column-safe ("page-faults" ->
 * "page_faults"). Returns 0, or -1 with a one-line reason in err that names
 * the event at fault (an unknown name, a modifier we cannot carry, a
 * repeated column). */
int events_resolve(const char *list, struct event_spec *out, size_t max, size_t *n,
		   char *err, size_t errlen);

/* What events_probe found. */
enum event_probe {
	EVENT_COUNTABLE = 0,	/* kernel and user work */
	EVENT_USER_ONLY = 1,	/* user work only; why says what stops the kernel part */
	EVENT_UNCOUNTABLE = 2,	/* not at all here; why says why */
};

/* Open e on this process as a run would (inherited by children, kernel
 * included), then user-only; close it again. Returns an enum event_probe and
 * a short reason in why, e.g. "ENOENT: no hardware PMU" or
 * "perf_event_paranoid=2 and not root: kernel work not counted (EACCES)".
 * Libc only (harness/front/eventprobe.c). */
int events_probe(const struct event_spec *e, char *why, size_t len);

/* The word spawncost events prints for a probe result. */
const char *events_probe_word(int probe);

/* key=value lines for env.txt: pfm_pmus (the PMUs libpfm4 detects as
 * present, comma list) and pfm_version. */
void events_facts(FILE *f);

/* spawncost events [--all] [NAME...] */
int cmd_events(int argc, char **argv);

#endif
