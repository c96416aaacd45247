#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <unistd.h>

#include "guard.h"
#include "timing.h"

volatile sig_atomic_t guard_stop;
volatile sig_atomic_t guard_timed_out;
volatile uint64_t guard_deadline;

#define FILES 2

static struct {
	char tmp[PATH_MAX], final[PATH_MAX];
	volatile int fd;
	volatile off_t whole;
} files[FILES] = { { .fd = -1 }, { .fd = -1 } };

static char dir_to_remove[PATH_MAX];

void guard_file(int slot, const char *tmp, const char *final, int fd)
{
	snprintf(files[slot].tmp, sizeof files[slot].tmp, "%s", tmp);
	snprintf(files[slot].final, sizeof files[slot].final, "%s", final);
	files[slot].whole = 0;
	files[slot].fd = fd;
}

void guard_file_whole(int slot, off_t length)
{
	files[slot].whole = length;
}

void guard_dir(const char *path)
{
	snprintf(dir_to_remove, sizeof dir_to_remove, "%s", path ? path : "");
}

/* Decimal of v into buf (a signal handler cannot use printf). */
static char *utoa(unsigned long v, char *end)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

/* Children are listed per thread in /proc/self/task/<tid>/children. Only
 * open, read, kill and close: all async-signal-safe. */
void guard_kill_children(void)
{
	char path[64] = "/proc/self/task/", num[24], buf[4096];
	const char *tid = utoa((unsigned long)syscall(SYS_gettid), num + sizeof num);
	int fd;
	ssize_t n;

	strcat(path, tid);
	strcat(path, "/children");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *p = buf; *p;) {
		long pid = 0;
		while (*p >= '0' && *p <= '9')
			pid = pid * 10 + (*p++ - '0');
		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
		while (*p && (*p < '0' || *p > '9'))
			p++;
	}
}

/* How many children the children file lists. */
static int count_children(void)
{
	char path[64], buf[4096];
	int fd, n = 0;
	ssize_t len;

	snprintf(path, sizeof path, "/proc/self/task/%ld/children", (long)syscall(SYS_gettid));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof buf - 1);
	close(fd);
	for (ssize_t i = 0; i < len; i++)
		n += buf[i] == ' ';
	return n;
}

void guard_reap_strays(void)
{
	for (int round = 0; round < 1000; round++) {
		int status;
		while (waitpid(-1, &status, WNOHANG | __WALL) > 0)
			;
		if (count_children() == 0)
			return;
		guard_kill_children();
		usleep(1000);
	}
}

/* A second signal: keep what is whole, drop the rest, leave. */
static void leave_now(int sig)
{
	guard_kill_children();
	for (int i = 0; i < FILES; i++)
		if (files[i].fd >= 0) {
			if (ftruncate(files[i].fd, files[i].whole) == 0)
				rename(files[i].tmp, files[i].final);
		}
	if (dir_to_remove[0]) {
		/* A cgroup is busy until its killed members are gone: reap them
		 * (waitpid and nanosleep are async-signal-safe), then remove. */
		struct timespec ms = { 0, 1000000 };
		for (int i = 0; i < 1000 && waitpid(-1, NULL, __WALL) > 0; i++)
			;
		for (int i = 0; i < 200 && rmdir(dir_to_remove) != 0 && errno == EBUSY; i++)
			nanosleep(&ms, NULL);
	}
	_exit(128 + sig);
}

static void on_stop(int sig)
{
	if (guard_stop)
		leave_now(sig);
	guard_stop = sig;
	guard_kill_children();
}

static void on_alarm(int sig)
{
	uint64_t deadline = guard_deadline;

	(void)sig;
	if (deadline && now_ns() > deadline) {
		guard_timed_out = 1;
		guard_deadline = 0;
		guard_kill_children();
	}
}

int guard_install(void)
{
	struct sigaction sa = { 0 };

	/* Orphans of our children (a killed shell's own child) come to us, so
	 * that nothing outlives the run. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		return errno;

	sigemptyset(&sa.sa_mask);
	/* SA_RESTART: a wait restarts and returns once the killed child is
	 * gone; stdio writes are never cut short. */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_stop;
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return errno;
	sa.sa_handler = on_alarm;
	if (sigaction(SIGALRM, &sa, NULL))
		return errno;
	return 0;
}

void guard_tick(uint64_t interval_ns)
{
	struct itimerval it = { 0 };

	it.it_interval.tv_sec = (time_t)(interval_ns / 1000000000u);
	it.it_interval.tv_usec = (suseconds_t)(interval_ns % 1000000000u / 1000);
	it.it_value = it.it_interval;
	setitimer(ITIMER_REAL, &it, NULL);
}
