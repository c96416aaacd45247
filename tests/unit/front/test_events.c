/* Unit tests for harness/front/events.c and eventprobe.c: libpfm4 names to raw
 * perf_event_attr values on this machine, column-safe names, refusals, and
 * what the kernel lets us count. Hardware events may or may not be
 * countable here (a VM may have no PMU); software events always are. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"

static size_t resolve_ok(const char *list, struct event_spec *out, size_t max)
{
	char err[256] = "";
	size_t n = 99;

	if (events_resolve(list, out, max, &n, err, sizeof err))
		fail_msg("events_resolve(\"%s\") failed: %s", list ? list : "(default)", err);
	return n;
}

static void expect(const struct event_spec *e, const char *name, uint32_t type, uint64_t config)
{
	assert_string_equal(e->name, name);
	assert_int_equal(e->type, type);
	assert_true(e->config == config);
	assert_true(e->config1 == 0 && e->config2 == 0);
}

static void test_default_list(void **state)
{
	struct event_spec e[EVENT_MAX];

	assert_int_equal(resolve_ok(NULL, e, EVENT_MAX), 6);
	expect(&e[0], "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
	expect(&e[1], "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS);
	expect(&e[2], "page_faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS);
	expect(&e[3], "context_switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES);
	expect(&e[4], "cpu_migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS);
	expect(&e[5], "task_clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
	/* The same as spelling the list out. */
	struct event_spec again[EVENT_MAX];
	assert_int_equal(resolve_ok(EVENTS_DEFAULT, again, EVENT_MAX), 6);
	assert_memory_equal(e, again, 6 * sizeof e[0]);
}

/* libpfm4's own names work too, and their columns are the names made safe. */
static void test_column_safe_names(void **state)
{
	struct event_spec e[4];

	assert_int_equal(resolve_ok("perf::PERF_COUNT_SW_PAGE_FAULTS,perf::cs,Task-Clock", e, 4),
			 3);
	expect(&e[0], "perf__perf_count_sw_page_faults", PERF_TYPE_SOFTWARE,
	       PERF_COUNT_SW_PAGE_FAULTS);
	expect(&e[1], "perf__cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES);
	expect(&e[2], "task_clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
	for (int i = 0; i < 3; i++)
		assert_true(event_name_ok(e[i].name));
}

/* Refused with *n 0 and a one-line reason holding `needle`. */
static void refuse(const char *list, size_t max, const char *needle)
{
	struct event_spec e[EVENT_MAX];
	char err[256] = "";
	size_t n = 99;

	if (events_resolve(list, e, max, &n, err, sizeof err) == 0)
		fail_msg("events_resolve(\"%s\") accepted it", list);
	assert_int_equal(n, 0);
	assert_null(strchr(err, '\n'));
	if (!strstr(err, needle))
		fail_msg("error for \"%s\" lacks \"%s\": %s", list, needle, err);
}

static void test_refusals(void **state)
{
	refuse("cycles,no-such-event-here", EVENT_MAX, "'no-such-event-here'");
	refuse("bogus", EVENT_MAX, "unknown event 'bogus'");
	refuse("page-faults,,cycles", EVENT_MAX, "empty");
	refuse("", EVENT_MAX, "empty");
	refuse("page-faults,page-faults", EVENT_MAX, "page_faults_per_op");
	refuse(NULL, 2, "at most 2");
	refuse("page-faults:u", EVENT_MAX, "'page-faults:u'");
	refuse("cycles:k", EVENT_MAX, ":u or :k");
	refuse("perf::PERF_COUNT_HW_CPU_CYCLES:period=1000", EVENT_MAX, "not supported");
	refuse("perf::PERF_COUNT_SW_PAGE_FAULTS:page_faults_but_with_a_name_too_long_for_"
	       "any_column", EVENT_MAX, "too long");
}

static void test_probe_software_counts(void **state)
{
	struct event_spec e[EVENT_MAX];
	size_t n = resolve_ok(NULL, e, EVENT_MAX);

	for (size_t i = 0; i < n; i++) {
		char why[256] = "";
		int p = events_probe(&e[i], why, sizeof why);

		assert_true(why[0] != '\0');
		if (e[i].type == PERF_TYPE_SOFTWARE && p == EVENT_UNCOUNTABLE)
			fail_msg("software event %s not countable: %s", e[i].name, why);
		if (p == EVENT_COUNTABLE)
			assert_string_equal(why, "kernel and user work");
		assert_true(p == EVENT_COUNTABLE || p == EVENT_USER_ONLY || p == EVENT_UNCOUNTABLE);
	}
}

static void test_probe_refusal_says_why(void **state)
{
	struct event_spec nosuch = { .name = "nosuch", .type = PERF_TYPE_SOFTWARE,
				     .config = 12345 };
	char why[256] = "";

	assert_int_equal(events_probe(&nosuch, why, sizeof why), EVENT_UNCOUNTABLE);
	assert_non_null(strchr(why, ':'));	/* "ENOENT: ..." */
	assert_true(why[0] == 'E');
	assert_string_equal(events_probe_word(EVENT_UNCOUNTABLE), "not-countable");
	assert_string_equal(events_probe_word(EVENT_USER_ONLY), "user-only");
	assert_string_equal(events_probe_word(EVENT_COUNTABLE), "countable");
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

/* Without privilege and with perf_event_paranoid >= 2, the kernel refuses
 * kernel counting: the probe falls back to user-only and says why. Run as
 * nobody in a child, when root lets us become nobody. */
static void test_probe_user_only_unprivileged(void **state)
{
	struct event_spec e = { .name = "page_faults", .type = PERF_TYPE_SOFTWARE,
				.config = PERF_COUNT_SW_PAGE_FAULTS };
	int fds[2], status;
	char why[256] = "";
	ssize_t got;
	pid_t pid;

	if (geteuid() != 0 || paranoid() < 2)
		skip();
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int p;

		close(fds[0]);
		if (setgid(65534) || setuid(65534))
			_exit(3);
		p = events_probe(&e, why, sizeof why);
		if (write(fds[1], why, strlen(why)) < 0)
			_exit(4);
		_exit(p == EVENT_USER_ONLY ? 0 : 1);
	}
	close(fds[1]);
	got = read(fds[0], why, sizeof why - 1);
	close(fds[0]);
	assert_true(got > 0);
	why[got] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("not user-only as nobody: %s", why);
	assert_non_null(strstr(why, "perf_event_paranoid="));
	assert_non_null(strstr(why, "not root"));
	assert_non_null(strstr(why, "kernel work not counted"));
}

static void test_facts(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	events_facts(f);
	assert_int_equal(fclose(f), 0);
	assert_true(strncmp(text, "pfm_pmus=", 9) == 0);
	/* libpfm4's perf_events PMU is there on every Linux. */
	assert_true(strncmp(text, "pfm_pmus=perf,", 14) == 0 ||
		    strncmp(text, "pfm_pmus=perf\n", 14) == 0);
	assert_non_null(strstr(text, "\npfm_version=4."));
	assert_true(text[len - 1] == '\n');
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_list),
		cmocka_unit_test(test_column_safe_names),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_probe_software_counts),
		cmocka_unit_test(test_probe_refusal_says_why),
		cmocka_unit_test(test_probe_user_only_unprivileged),
		cmocka_unit_test(test_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
