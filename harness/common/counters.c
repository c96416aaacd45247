#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "counters.h"
#include "guard.h"
#include "timing.h"

int counter_open(const struct event_spec *e, bool user_only)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = e->type;
	a.config = e->config;
	a.config1 = e->config1;
	a.config2 = e->config2;
	a.disabled = 1;
	a.inherit = 1;		/* children and threads count too, added at their exit */
	a.exclude_kernel = user_only;
	a.exclude_hv = 1;
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

void counters_prepare(struct counters *cs)
{
	char reason[96] = "";
	size_t used = 0;

	cs->unavailable[0] = cs->user_only_why[0] = '\0';
	cs->user_only = false;
	for (size_t i = 0; i < cs->n; i++) {
		int fd = counter_open(&cs->spec[i], false);
		if (fd < 0 && (errno == EACCES || errno == EPERM)) {
			/* perf_event_paranoid >= 2 without privilege: user work only. */
			fd = counter_open(&cs->spec[i], true);
			if (fd >= 0 && !cs->user_only) {
				cs->user_only = true;
				snprintf(cs->user_only_why, sizeof cs->user_only_why,
					 "no (kernel work not counted: needs perf_event_paranoid <= 1 "
					 "or CAP_PERFMON)");
			}
		}
		cs->ok[i] = fd >= 0;
		if (fd >= 0) {
			close(fd);
			continue;
		}
		/* The reason of the first refusal: events fail alike on a machine. */
		if (!reason[0])
			snprintf(reason, sizeof reason, "%s: %s", strerrorname_np(errno),
				 errno == ENOENT || errno == EOPNOTSUPP ? "no hardware PMU for it"
									: strerror(errno));
		used += (size_t)snprintf(cs->unavailable + used, sizeof cs->unavailable - used,
					 "%s%s", used ? "," : "", cs->spec[i].name);
		if (used >= sizeof cs->unavailable)
			used = sizeof cs->unavailable - 1;
	}
	if (cs->unavailable[0]) {
		snprintf(cs->unavailable + used, sizeof cs->unavailable - used, " (%s)", reason);
		fprintf(stderr, "spawncost run: note: cannot count %s; their columns stay empty\n",
			cs->unavailable);
	}
	if (cs->user_only)
		fprintf(stderr, "spawncost run: note: counters count user work only: %s\n",
			cs->user_only_why + 4);
}

int counters_measure(const struct counters *cs, const struct method *m, struct spawn_ctx *c,
		     unsigned iterations, double *per_op, bool *scaled)
{
	int fd[EVENT_MAX];
	unsigned ops = m->ops ? m->ops : 1;
	int rc = 0;

	*scaled = false;
	for (size_t i = 0; i < cs->n; i++)
		per_op[i] = NAN;
	/* A pass of its own: the method's state was torn down after the cell. */
	if (m->setup && m->setup(c, m) != 0)
		return -1;
	for (size_t i = 0; i < cs->n; i++)
		fd[i] = cs->ok[i] ? counter_open(&cs->spec[i], cs->user_only) : -1;
	for (size_t i = 0; i < cs->n; i++)
		if (fd[i] >= 0)
			ioctl(fd[i], PERF_EVENT_IOC_ENABLE, 0);
	guard_check_every(1000000000u);
	for (unsigned k = 0; k < iterations && rc == 0 && !guard_stop; k++) {
		guard_arm(now_ns() + (uint64_t)(10 * 1e9));
		rc = m->once(c, m);
		guard_arm(0);
	}
	guard_check_every(0);
	guard_took_timeout();
	for (size_t i = 0; i < cs->n; i++) {
		uint64_t v[3];
		if (fd[i] < 0)
			continue;
		ioctl(fd[i], PERF_EVENT_IOC_DISABLE, 0);
		if (rc == 0 && !guard_stop && read(fd[i], v, sizeof v) == (ssize_t)sizeof v &&
		    v[2] > 0) {
			double value = (double)v[0];
			if (v[2] < v[1]) {	/* multiplexed: scale to the time enabled */
				value *= (double)v[1] / (double)v[2];
				*scaled = true;
			}
			per_op[i] = value / iterations / ops;
		}
		close(fd[i]);
	}
	if (m->teardown)
		m->teardown(c, m);
	if (rc != 0)
		guard_reap_strays();
	return rc == 0 && !guard_stop ? 0 : -1;
}

unsigned counters_round_trips(uint64_t timed)
{
	uint64_t k = timed / 10;

	return (unsigned)(k < 10 ? 10 : k > 200 ? 200 : k);
}

void counters_facts(const struct counters *cs, FILE *f)
{
	if (!cs->n) {
		fprintf(f, "counters=none\n");
		return;
	}
	fprintf(f, "counters=");
	for (size_t i = 0; i < cs->n; i++)
		fprintf(f, "%s%s", i ? "," : "", cs->spec[i].name);
	fprintf(f, "\ncounters_unavailable=%s\n", cs->unavailable);
	fprintf(f, "counters_kernel=%s\n", cs->user_only ? cs->user_only_why : "yes");
}
