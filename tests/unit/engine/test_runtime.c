/* Unit tests for harness/engine/runtime.c: windows of a runtime method,
 * with a stub driver the test writes, a shell script that speaks the
 * drivers' protocol (bench/runtimes/README.md) and goes wrong on request
 * (its API argument says how). The samples it times come back; a driver
 * that dies, hangs, or says something else than the protocol fails the
 * cell with why, and none of its samples is counted. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "window.h"

enum { ITERATIONS = 20 };

/* The driver's arguments: NOOP MIB COUNT SECONDS API. Every sample is
 * 1000 + its index; API names a way to go wrong at the sixth. */
static const char driver[] =
	"#!/bin/sh\n"
	"count=$3\n"
	"case $5 in\n"
	"hang) exec sleep 60 ;;\n"
	"refuse) echo 'error EACCES: the stub may not spawn'; exit 1 ;;\n"
	"nothing) count=0 ;;\n"
	"esac\n"
	"echo 'version stub 1.0'\n"
	"echo ready\n"
	"read go || exit 0\n"
	"[ \"$go\" = go ] || exit 0\n"
	"i=0\n"
	"while [ $i -lt $count ]; do\n"
	"	if [ $i = 5 ]; then\n"
	"		case $5 in\n"
	"		dies) exit 3 ;;\n"
	"		killed) kill -9 $$ ;;\n"
	"		truncated) printf 1005; exit 0 ;;\n"
	"		garbled) echo 10x5 ;;\n"
	"		esac\n"
	"	fi\n"
	"	echo $((1000 + i))\n"
	"	i=$((i + 1))\n"
	"done\n"
	"echo done\n"
	"[ $5 = fails-after ] && exit 4\n"
	"exit 0\n";

/* The test's folder: dir/noop (never run) and dir/runtimes/stub/driver,
 * where the engine looks for a driver next to the no-op. */
static char dir[64], noop[96], runtimes[96], stub[128], script[160];

static int make_driver(void **state)
{
	int fd;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/spawncost-runtime-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(noop, sizeof noop, "%s/noop", dir);
	snprintf(runtimes, sizeof runtimes, "%s/runtimes", dir);
	snprintf(stub, sizeof stub, "%s/stub", runtimes);
	snprintf(script, sizeof script, "%s/driver", stub);
	if (mkdir(runtimes, 0755) || mkdir(stub, 0755))
		return -1;
	fd = open(script, O_WRONLY | O_CREAT | O_EXCL, 0755);
	if (fd < 0 || write(fd, driver, sizeof driver - 1) != (ssize_t)(sizeof driver - 1))
		return -1;
	return close(fd);
}

static int remove_driver(void **state)
{
	(void)state;
	unlink(script);
	rmdir(stub);
	rmdir(runtimes);
	rmdir(dir);
	return 0;
}

static struct method stub_method(const char *runtime, const char *how)
{
	return (struct method){ .name = "rt-stub", .runtime = runtime, .api = how,
				.package = "stub" };
}

static struct run_opts opts(double timeout)
{
	return (struct run_opts){ .rounds = 1, .noop = noop,
				  .budget = { .iterations = ITERATIONS, .timeout = timeout } };
}

/* One window of the stub driver gone `how`, by the kind that takes it:
 * its rc, the samples in s, the figures in res, the cell in t. */
static int window(const char *how, struct samples *s, struct cell_result *res,
		  struct table_row *t)
{
	struct method m = stub_method("stub", how);
	struct run_opts o = opts(0);
	struct spawn_ctx c = { 0 };
	struct window_job j = { .t = t, .ctx = &c, .w = &o.budget, .s = s, .o = &o };

	plan_cell(t, &m, 0, THP_OFF, BALLAST_ANON, 0, 0, 1);
	assert_string_equal(window_kind_of(t, &o)->name, "runtime");
	*res = (struct cell_result){ .rss_kib = -1 };
	return window_kind_of(t, &o)->measure(&j, res);
}

static void test_the_drivers_samples_come_back(void **state)
{
	struct samples s;
	struct cell_result r;
	struct table_row t;

	(void)state;
	assert_int_equal(samples_init(&s, 0), 0);
	assert_int_equal(window("well", &s, &r, &t), 0);
	assert_string_equal(r.error, "");
	assert_int_equal(s.n, ITERATIONS);
	assert_int_equal(s.ns[0], 1000);
	assert_int_equal(s.ns[ITERATIONS - 1], 1000 + ITERATIONS - 1);
	assert_string_equal(t.variant, "stub 1.0");
	assert_true(r.rss_kib > 0);	/* the driver's, read while it waited */
	assert_true(r.rate > 0);
	samples_free(&s);
}

/* A window of the stub driver gone `how` (runtime: the driver's folder),
 * as a run measures it, through the window layer: the cell's error starts
 * with `error`, and nothing of the window is counted. */
static void fails(const char *runtime, const char *how, double timeout, const char *error)
{
	static struct run_opts o;
	static struct run_files files;
	static struct windows win;
	static struct counters counters;
	struct sweep sw = { .o = &o, .counters = &counters, .win = &win, .files = &files };
	struct method m = stub_method(runtime, how);
	struct table_row cell;
	struct spawn_ctx c = { 0 };
	struct samples s;
	int err = open("/dev/null", O_WRONLY), saved = dup(2);

	o = opts(timeout);
	files = (struct run_files){ .o = &o };
	plan_cell(&cell, &m, 0, THP_OFF, BALLAST_ANON, 0, 0, 1);
	sw.cells = &cell;
	sw.ncells = 1;
	assert_int_equal(windows_init(&win, 1, NULL, 0), 0);
	assert_int_equal(samples_init(&s, 0), 0);
	dup2(err, 2);	/* the window's line of progress: not the test's */
	run_window(&sw, 0, 0, &c, &s, NULL);
	dup2(saved, 2);
	close(saved);
	close(err);
	if (strncmp(cell.error, error, strlen(error)) != 0)
		fail_msg("%s: the cell's error is '%s', not '%s...'", how, cell.error, error);
	assert_int_equal(cell.windows, 1);	/* measured, */
	assert_int_equal(cell.stats.n, 0);	/* but no sample counted, */
	assert_int_equal(cell.probes, 0);
	assert_true(cell.rate_sum == 0);
	assert_int_equal(win.n, 0);		/* nor a window to pool */
	samples_free(&s);
	windows_free(&win);
}

static void test_a_driver_that_dies_mid_window(void **state)
{
	(void)state;
	fails("stub", "dies", 0,
	      "EPIPE: the driver exited with status 3 before finishing its window");
	fails("stub", "killed", 0, "EPIPE: the driver ended without finishing its window");
}

/* Its last record cut short: "1005" with no end of line, then the end. */
static void test_a_truncated_record(void **state)
{
	(void)state;
	fails("stub", "truncated", 0,
	      "EPIPE: the driver exited with status 0 before finishing its window");
}

static void test_a_driver_that_breaks_the_protocol(void **state)
{
	(void)state;
	fails("stub", "garbled", 0, "EPROTO: the driver said '10x5' where a sample was due");
	fails("stub", "nothing", 0, "EPROTO: the driver timed nothing");
	fails("stub", "fails-after", 0, "the driver exited with status 4 after its samples");
}

/* Its own error line is the cell's error. */
static void test_a_driver_that_refuses(void **state)
{
	struct samples s;
	struct cell_result r;
	struct table_row t;

	(void)state;
	fails("stub", "refuse", 0, "EACCES: the stub may not spawn");
	assert_int_equal(samples_init(&s, 0), 0);
	assert_int_equal(window("refuse", &s, &r, &t), -1);	/* as cell_measure fails */
	assert_string_equal(r.error, "EACCES: the stub may not spawn");
	samples_free(&s);
}

/* Past the deadline (--timeout 1): killed. */
static void test_a_driver_that_hangs(void **state)
{
	(void)state;
	fails("stub", "hang", 1, "ETIME: the driver ran past its deadline; it was killed");
}

static void test_a_driver_that_is_not_built(void **state)
{
	char error[160];

	(void)state;
	snprintf(error, sizeof error, "ENOENT: %s/absent/driver is not built: run `make runtimes`",
		 runtimes);
	fails("absent", "well", 0, error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_drivers_samples_come_back),
		cmocka_unit_test(test_a_driver_that_dies_mid_window),
		cmocka_unit_test(test_a_truncated_record),
		cmocka_unit_test(test_a_driver_that_breaks_the_protocol),
		cmocka_unit_test(test_a_driver_that_refuses),
		cmocka_unit_test(test_a_driver_that_hangs),
		cmocka_unit_test(test_a_driver_that_is_not_built),
	};

	signal(SIGPIPE, SIG_IGN);	/* as the engine: a write to a dead driver fails */
	return cmocka_run_group_tests(tests, make_driver, remove_driver);
}
