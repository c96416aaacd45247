/* Unit tests for harness/common/guard.c's state machine: a first SIGINT
 * asks the run to stop and kills the children; a second leaves at once with
 * the result files cut back to what was whole. Driven in a child process,
 * with raise(): the second signal ends the process it reaches. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "timing.h"

static char dir[64];

static void path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* The child: a result file of 10 whole bytes and 5 more, a child of its
 * own, then two SIGINTs. Exits 10 if the first did not stop the run as it
 * should; the second never returns. */
static void child(void)
{
	struct guard_watch *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	static char tmp[128], final[128];
	cpu_set_t away;
	pid_t kid;
	int fd;

	CPU_ZERO(&away);
	path(tmp, sizeof tmp, ".samples.csv.tmp");
	path(final, sizeof final, "samples.csv");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "whole row\ncut o", 15) != 15 || guard_install(&away, w) != 0)
		_exit(11);
	close(fd);
	guard_file(0, tmp, final);
	guard_file_whole(0, 10);
	if ((kid = fork()) == 0) {
		pause();
		_exit(0);
	}
	raise(SIGINT);
	if (guard_stop != SIGINT)
		_exit(10);
	if (waitpid(kid, NULL, 0) != kid)	/* killed by the first signal */
		_exit(12);
	raise(SIGINT);
	_exit(13);				/* not reached */
}

static void test_two_interrupts(void **state)
{
	char final[128], tmp[128], buf[64] = "";
	struct stat st;
	int status, fd;
	ssize_t n;
	pid_t pid;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/spawncost-guard-XXXXXX");
	assert_non_null(mkdtemp(dir));
	pid = fork();
	if (pid == 0)
		child();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 128 + SIGINT);
	/* renamed to its final name, cut back to the whole row */
	path(final, sizeof final, "samples.csv");
	path(tmp, sizeof tmp, ".samples.csv.tmp");
	assert_int_equal(stat(tmp, &st), -1);
	fd = open(final, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	assert_int_equal(n, 10);
	assert_string_equal(buf, "whole row\n");
	unlink(final);
	rmdir(dir);
}

/* The child: a write to a pipe nobody reads fails with EPIPE and leaves
 * the run going; SIGUSR1, or a SIGPIPE raised on purpose, stops it. */
static void pipe_child(void)
{
	struct guard_watch *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cpu_set_t away;
	int fd[2];

	CPU_ZERO(&away);
	/* the pipe after the watchdog: it holds none of it */
	if (guard_install(&away, w) != 0 || pipe(fd) != 0)
		_exit(11);
	close(fd[0]);
	if (write(fd[1], "x", 1) != -1 || errno != EPIPE)
		_exit(20);
	if (guard_stop)
		_exit(21);	/* our own write asked to stop */
	raise(SIGPIPE);
	if (guard_stop != SIGPIPE)
		_exit(22);
	guard_stop = 0;
	kill(getpid(), SIGUSR1);
	if (guard_stop != SIGUSR1)
		_exit(23);
	guard_finish();
	_exit(0);
}

static void test_own_sigpipe_goes_on(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	if (pid == 0)
		pipe_child();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Has kid ended within s seconds (it is killed and reaped if not)? */
static bool reaped_within(pid_t kid, int s, int *status)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < s * 100; i++) {
		if (waitpid(kid, status, WNOHANG) == kid)
			return true;
		nanosleep(&tick, NULL);
	}
	kill(kid, SIGKILL);
	waitpid(kid, status, 0);
	return false;
}

/* The watchdog, in a child that is the engine: an iteration past its
 * deadline has its child killed and is marked; the next iteration, armed
 * after it, keeps its own child. Exits 0, or the check that failed. */
static void watchdog_child(void)
{
	struct guard_watch *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct timespec nap = { 0, 300 * 1000 * 1000 };
	cpu_set_t away;
	pid_t kid;
	int status;

	CPU_ZERO(&away);
	if (w == MAP_FAILED || guard_install(&away, w) != 0)
		_exit(20);
	guard_check_every(10 * 1000 * 1000);	/* looks every 10 ms */
	if ((kid = fork()) == 0) {
		pause();
		_exit(0);
	}
	guard_arm(now_ns() + 20 * 1000 * 1000);	/* the iteration overstays */
	if (!reaped_within(kid, 5, &status) || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		_exit(21);
	guard_arm(0);
	if (!guard_took_timeout())
		_exit(22);
	/* the next iteration: armed after the kill, its child is left alone */
	if ((kid = fork()) == 0) {
		pause();
		_exit(0);
	}
	guard_arm(now_ns() + 60ull * 1000 * 1000 * 1000);
	nanosleep(&nap, NULL);
	if (waitpid(kid, &status, WNOHANG) != 0)
		_exit(23);
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	guard_arm(0);
	guard_finish();
	_exit(0);
}

static void test_watchdog_kills_the_late_iteration_only(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	if (pid == 0)
		watchdog_child();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_interrupts),
		cmocka_unit_test(test_own_sigpipe_goes_on),
		cmocka_unit_test(test_watchdog_kills_the_late_iteration_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
