/* spawncost events: what this machine can count. The PMUs libpfm4 detects,
 * and for the default counters and any named ones, whether the kernel lets
 * us count them here: libpfm4 goes by the CPU model, so it reports a
 * hardware PMU even in a VM that has none; only opening a counter tells. */
#include <perfmon/pfmlib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "parse.h"

static const char events_usage[] =
	"usage: spawncost events [--all] [NAME...]\n"
	"  What this machine can count, one record per line, tab-separated:\n"
	"    pmu    NAME  DESCRIPTION                  a PMU libpfm4 detects\n"
	"    event  NAME  SPEC  STATUS  WHY            STATUS: countable, user-only, not-countable\n"
	"    name   PMU::EVENT  DESCRIPTION            (--all) every event of the detected PMUs\n"
	"  The default counters are always probed; NAMEs (libpfm4 event names, or\n"
	"  comma lists of them) are probed after them. SPEC is what spawncost run\n"
	"  hands its engine: column:type:config:config1:config2.\n";

struct listed {
	char given[128];
	struct event_spec spec;
};

/* Descriptions may hold tabs or newlines; a record is one line. */
static void put_field(const char *s)
{
	for (; s && *s; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

/* Is PMU p on this machine? Its description into *info. */
static bool present(pfm_pmu_t p, pfm_pmu_info_t *info)
{
	memset(info, 0, sizeof *info);
	info->size = sizeof *info;
	return pfm_get_pmu_info(p, info) == PFM_SUCCESS && info->is_present;
}

static void list_pmus(int all)
{
	pfm_pmu_t p;

	pfm_for_all_pmus(p) {
		pfm_pmu_info_t info;

		if (!present(p, &info))
			continue;
		printf("pmu\t%s\t", info.name);
		put_field(info.desc);
		putchar('\n');
	}
	if (!all)
		return;
	pfm_for_all_pmus(p) {
		pfm_pmu_info_t info;

		if (!present(p, &info))
			continue;
		for (int i = info.first_event; i != -1; i = pfm_get_event_next(i)) {
			pfm_event_info_t ev;

			memset(&ev, 0, sizeof ev);
			ev.size = sizeof ev;
			if (pfm_get_event_info(i, PFM_OS_NONE, &ev) != PFM_SUCCESS)
				continue;
			printf("name\t%s::%s\t", info.name, ev.name);
			put_field(ev.desc);
			putchar('\n');
		}
	}
}

/* Resolve one comma list into list[*n...], skipping columns already there.
 * Returns 0, or 2 after one line on stderr. */
static int add_events(const char *names, struct listed **list, size_t *n, size_t *cap)
{
	char err[PARSE_ERR_LEN + 128], perr[PARSE_ERR_LEN];
	char *buf = strdup(names), **items = NULL;
	size_t count = 0, max = strlen(names) / 2 + 1;
	int rc = 2;

	if (!buf || !(items = calloc(max, sizeof *items))) {
		fprintf(stderr, "spawncost events: out of memory\n");
		goto fail;
	}
	if (split_list(buf, items, max, &count, perr)) {
		fprintf(stderr, "spawncost events: '%s': %s\n", names, perr);
		goto fail;
	}
	for (size_t i = 0; i < count; i++) {
		struct event_spec e;
		size_t k, j;

		if (events_resolve(items[i], &e, 1, &k, err, sizeof err)) {
			fprintf(stderr, "spawncost events: %s\n", err);
			goto fail;
		}
		for (j = 0; j < *n && strcmp((*list)[j].spec.name, e.name) != 0; j++)
			;
		if (j < *n)
			continue;
		if (*n == *cap) {
			struct listed *grown = realloc(*list, (*cap * 2 + 8) * sizeof **list);

			if (!grown) {
				fprintf(stderr, "spawncost events: out of memory\n");
				goto fail;
			}
			*list = grown;
			*cap = *cap * 2 + 8;
		}
		snprintf((*list)[*n].given, sizeof (*list)[*n].given, "%s", items[i]);
		(*list)[(*n)++].spec = e;
	}
	rc = 0;
fail:
	free(items);
	free(buf);
	return rc;
}

int cmd_events(int argc, char **argv)
{
	struct listed *list = NULL;
	size_t n = 0, cap = 0;
	int all = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(events_usage, stdout);
			return 0;
		}
		if (strcmp(argv[i], "--all") == 0)
			all = 1;
		else if (argv[i][0] == '-') {
			fprintf(stderr, "spawncost events: unknown option '%s' (see spawncost "
				"events --help)\n", argv[i]);
			return 2;
		}
	}
	/* Every name is checked before anything is printed. */
	rc = add_events(EVENTS_DEFAULT, &list, &n, &cap);
	for (int i = 1; i < argc && !rc; i++)
		if (strcmp(argv[i], "--all") != 0)
			rc = add_events(argv[i], &list, &n, &cap);
	if (rc)
		goto out;
	list_pmus(all);
	for (size_t i = 0; i < n; i++) {
		char spec[EVENT_SPEC_TEXT_LEN], why[256];
		int probe = events_probe(&list[i].spec, why, sizeof why);

		if (event_spec_format(&list[i].spec, spec, sizeof spec))
			snprintf(spec, sizeof spec, "?");
		printf("event\t%s\t%s\t%s\t%s\n", list[i].given, spec, events_probe_word(probe),
		       why);
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "spawncost events: cannot write the list\n");
		rc = 1;
	}
out:
	free(list);
	return rc;
}
