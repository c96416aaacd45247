/* Can this machine count an event? Ask the kernel: open it on ourselves the
 * way a run would, and close it. Libc only, so the engine may link it too. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "counters.h"
#include "events.h"

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "E?";
}

/* Open e as a run would (harness/common/counters.c) and close it: 0, or -errno. */
static int open_counter(const struct event_spec *e, int exclude_kernel)
{
	int fd = counter_open(e, exclude_kernel != 0);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v = -9;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -9;
		fclose(f);
	}
	return v;
}

static int is_hardware(uint32_t type)
{
	return type == PERF_TYPE_HARDWARE || type == PERF_TYPE_HW_CACHE || type == PERF_TYPE_RAW;
}

/* Why the kernel refused e with err (a positive errno). ENOENT for a
 * hardware event usually means no hardware PMU at all, as in a VM without a
 * virtual PMU; we tell that apart by asking for plain cycles, user-only. */
static void refusal(const struct event_spec *e, int err, char *why, size_t len)
{
	static const struct event_spec cycles = { .type = PERF_TYPE_HARDWARE,
						  .config = PERF_COUNT_HW_CPU_CYCLES };
	const char *name = errname(err);
	const char *text;

	switch (err) {
	case ENOENT:
	case EOPNOTSUPP:
		if (is_hardware(e->type) && open_counter(&cycles, 1) == -ENOENT)
			text = "no hardware PMU";
		else if (err == ENOENT)
			text = "no PMU of this kernel counts it";
		else
			text = "the PMU cannot count it per process";
		break;
	case EACCES:
	case EPERM:
		snprintf(why, len, "%s: perf_event_paranoid=%d%s: not permitted", name,
			 paranoid(), geteuid() ? " and not root" : "");
		return;
	case EINVAL:
		text = "the kernel rejects this encoding";
		break;
	case ENODEV:
		text = "the PMU does not support this";
		break;
	case ENOSYS:
		text = "the kernel has no perf_event_open";
		break;
	case EBUSY:
		text = "the counter is held by another user";
		break;
	default:
		text = strerror(err);
		break;
	}
	snprintf(why, len, "%s: %s", name, text);
}

int events_probe(const struct event_spec *e, char *why, size_t len)
{
	int rc = open_counter(e, 0), user;

	if (rc == 0) {
		snprintf(why, len, "kernel and user work");
		return EVENT_COUNTABLE;
	}
	user = open_counter(e, 1);
	if (user == 0) {
		if (rc == -EACCES || rc == -EPERM)
			snprintf(why, len, "perf_event_paranoid=%d and %s: kernel work not counted "
				 "(%s)", paranoid(), geteuid() ? "not root" : "no CAP_PERFMON",
				 errname(-rc));
		else
			snprintf(why, len, "kernel work not counted (%s)", errname(-rc));
		return EVENT_USER_ONLY;
	}
	/* Both refused: the kernel-included error says more, unless it is only
	 * about privilege. */
	refusal(e, rc == -EACCES || rc == -EPERM ? -user : -rc, why, len);
	return EVENT_UNCOUNTABLE;
}

const char *events_probe_word(int probe)
{
	switch (probe) {
	case EVENT_COUNTABLE:
		return "countable";
	case EVENT_USER_ONLY:
		return "user-only";
	default:
		return "not-countable";
	}
}
