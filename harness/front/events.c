/* Event names to raw perf_event_attr values, with libpfm4; and the PMU facts
 * of env.txt. The engine never sees libpfm4: it gets the numbers
 * (eventspec.h), because whatever it maps, every timed fork copies. */
#include <ctype.h>
#include <limits.h>
#include <link.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "parse.h"

/* The default counters by the names perf(1) users know, pinned to libpfm4's
 * perf:: PMU. libpfm4 would find these bare names itself, but it searches
 * every detected PMU for a bare name, so what "cycles" meant could change
 * with the CPU; the perf:: names are the kernel's generic events everywhere. */
static const struct alias {
	const char *name, *pfm;
} aliases[] = {
	{ "cycles", "perf::PERF_COUNT_HW_CPU_CYCLES" },
	{ "instructions", "perf::PERF_COUNT_HW_INSTRUCTIONS" },
	{ "page-faults", "perf::PERF_COUNT_SW_PAGE_FAULTS" },
	{ "context-switches", "perf::PERF_COUNT_SW_CONTEXT_SWITCHES" },
	{ "cpu-migrations", "perf::PERF_COUNT_SW_CPU_MIGRATIONS" },
	{ "task-clock", "perf::PERF_COUNT_SW_TASK_CLOCK" },
};

static int pfm_ready(char *err, size_t errlen)
{
	static int rc = -1;

	if (rc != PFM_SUCCESS)
		rc = pfm_initialize();
	if (rc != PFM_SUCCESS) {
		snprintf(err, errlen, "libpfm4 does not start: %s", pfm_strerror(rc));
		return -1;
	}
	return 0;
}

/* "page-faults" -> "page_faults": lowercase, anything else than a letter or
 * digit becomes '_'. */
static int column_name(const char *event, char *name, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; event[i]; i++) {
		if (i == EVENT_NAME_LEN - 1) {
			snprintf(err, errlen, "event '%s': the name is too long for a column "
				 "(at most %d characters)", event, EVENT_NAME_LEN - 1);
			return -1;
		}
		name[i] = isalnum((unsigned char)event[i]) ? (char)tolower((unsigned char)event[i])
							   : '_';
	}
	name[i] = '\0';
	return 0;
}

static int encode(const char *event, struct event_spec *e, char *err, size_t errlen)
{
	struct perf_event_attr a;
	pfm_perf_encode_arg_t arg;
	const char *pfm = event;
	int rc;

	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(event, aliases[i].name) == 0)
			pfm = aliases[i].pfm;
	memset(&a, 0, sizeof a);
	memset(&arg, 0, sizeof arg);
	arg.size = sizeof arg;
	arg.attr = &a;
	/* PLM0|PLM3: kernel and user; a fork's cost is mostly kernel work. */
	rc = pfm_get_os_event_encoding(pfm, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
	if (rc == PFM_ERR_NOTFOUND) {
		snprintf(err, errlen, "unknown event '%s' (spawncost events --all lists the "
			 "names)", event);
		return -1;
	}
	if (rc != PFM_SUCCESS) {
		snprintf(err, errlen, "event '%s': %s", event, pfm_strerror(rc));
		return -1;
	}
	/* Only type and config* reach the engine, which sets the rest the same
	 * way for every event; refuse modifiers that would silently be lost. */
	if (a.exclude_kernel || a.exclude_user) {
		snprintf(err, errlen, "event '%s': spawncost counts kernel and user work; "
			 "drop the :u or :k modifier", event);
		return -1;
	}
	if (a.precise_ip || a.pinned || a.exclusive || a.sample_period || a.freq) {
		snprintf(err, errlen, "event '%s': sampling, precise, pinned and exclusive "
			 "modifiers are not supported", event);
		return -1;
	}
	e->type = a.type;
	e->config = a.config;
	e->config1 = a.config1;
	e->config2 = a.config2;
	return 0;
}

int events_resolve(const char *list, struct event_spec *out, size_t max, size_t *n,
		   char *err, size_t errlen)
{
	char perr[PARSE_ERR_LEN];
	char **items = NULL;
	char *buf = NULL;
	size_t count = 0;
	int rc = -1;

	*n = 0;
	if (!list)
		list = EVENTS_DEFAULT;
	buf = strdup(list);
	items = calloc(max ? max : 1, sizeof *items);
	if (!buf || !items) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (split_list(buf, items, max, &count, perr)) {
		snprintf(err, errlen, "events '%s': %s", list, perr);
		goto fail;
	}
	if (pfm_ready(err, errlen))
		goto fail;
	for (size_t i = 0; i < count; i++) {
		struct event_spec *e = &out[i];

		memset(e, 0, sizeof *e);
		if (column_name(items[i], e->name, err, errlen) ||
		    encode(items[i], e, err, errlen))
			goto fail;
		for (size_t j = 0; j < i; j++)
			if (strcmp(out[j].name, e->name) == 0) {
				snprintf(err, errlen, "event '%s' repeats the column %s_per_op of "
					 "'%s'", items[i], e->name, items[j]);
				goto fail;
			}
	}
	*n = count;
	rc = 0;
fail:
	free(items);
	free(buf);
	return rc;
}

/* The version of the libpfm4 really loaded, from its file name
 * (libpfm.so.4.13.0); the API only reports its own major.minor (4.0). */
static int find_libpfm(struct dl_phdr_info *info, size_t size, void *data)
{
	char *path = data;
	const char *base = strrchr(info->dlpi_name, '/');

	base = base ? base + 1 : info->dlpi_name;
	if (strncmp(base, "libpfm.so", 9) != 0)
		return 0;
	if (!realpath(info->dlpi_name, path))
		snprintf(path, PATH_MAX, "%s", info->dlpi_name);
	return 1;
}

static void pfm_version(FILE *f)
{
	char path[PATH_MAX] = "";
	const char *so;
	int v = pfm_get_version();

	if (dl_iterate_phdr(find_libpfm, path) && (so = strstr(path, ".so.")) && so[4]) {
		fprintf(f, "pfm_version=%s\n", so + 4);
		return;
	}
	if (v < 0)
		fprintf(f, "pfm_version=unknown\n");
	else
		fprintf(f, "pfm_version=%d.%d\n", PFM_MAJ_VERSION(v), PFM_MIN_VERSION(v));
}

void events_facts(FILE *f)
{
	char err[160];
	const char *sep = "";
	pfm_pmu_t p;

	fputs("pfm_pmus=", f);
	if (pfm_ready(err, sizeof err) == 0)
		pfm_for_all_pmus(p) {
			pfm_pmu_info_t info;

			memset(&info, 0, sizeof info);
			info.size = sizeof info;
			if (pfm_get_pmu_info(p, &info) == PFM_SUCCESS && info.is_present) {
				fprintf(f, "%s%s", sep, info.name);
				sep = ",";
			}
		}
	fputc('\n', f);
	pfm_version(f);
}
