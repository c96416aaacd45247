#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <unistd.h>

#include "guard.h"
#include "timing.h"

volatile sig_atomic_t guard_stop;
struct guard_watch *guard_watch;
#define watch guard_watch
static pid_t guard_pid;	/* the engine: a vfork or CLONE_VM child shares
			 * our handlers, and must not run them as us */

#define FILES 3

/* The names live with their owner (struct outfile) for the whole run:
 * copies here would be pages of the engine that every fork copies. The
 * files are closed between writes (harness/engine/output.c), so they are cut back
 * by name. */
static struct {
	const char *volatile tmp, *volatile final;
	volatile off_t whole;
} files[FILES];

static const char *volatile lock_to_remove, *volatile scratch_to_remove, *volatile dir_to_remove;

void guard_lock(const char *path)
{
	lock_to_remove = path;
}

void guard_scratch(const char *path)
{
	scratch_to_remove = path;
}

void guard_file(int slot, const char *tmp, const char *final)
{
	files[slot].tmp = NULL;
	files[slot].final = final;
	files[slot].whole = 0;
	files[slot].tmp = tmp;
}

void guard_file_whole(int slot, off_t length)
{
	files[slot].whole = length;
}

void guard_dir(const char *path)
{
	dir_to_remove = path;
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

static volatile pid_t watchdog_pid;	/* our child that is no spawn: never
					 * killed or counted as one */

/* The children the kernel lists for thread tid of process pid (0: this
 * process and thread), up to max. Only open, read and close: all
 * async-signal-safe. */
static int children_of(pid_t pid, pid_t tid, pid_t *out, int max)
{
	char path[80] = "/proc/", num[24], buf[4096];
	int fd, n = 0;
	ssize_t len;

	if (pid) {
		strcat(path, utoa((unsigned long)pid, num + sizeof num));
		strcat(path, "/task/");
		strcat(path, utoa((unsigned long)tid, num + sizeof num));
	} else {
		strcat(path, "self/task/");
		strcat(path, utoa((unsigned long)syscall(SYS_gettid), num + sizeof num));
	}
	strcat(path, "/children");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	for (char *p = buf; *p && n < max;) {
		long v = 0;
		while (*p >= '0' && *p <= '9')
			v = v * 10 + (*p++ - '0');
		if (v > 0)
			out[n++] = (pid_t)v;
		while (*p && (*p < '0' || *p > '9'))
			p++;
	}
	return n;
}

/* Kill the spawned children of thread tid of pid (0: ours), not the
 * watchdog; with_watchdog: it too. */
static void kill_children(pid_t pid, bool with_watchdog)
{
	pid_t kids[512];
	int n = children_of(pid, pid, kids, 512);

	for (int i = 0; i < n; i++)
		if (with_watchdog || kids[i] != watchdog_pid)
			kill(kids[i], SIGKILL);
}

void guard_kill_children(void)
{
	kill_children(0, false);
}

/* How many spawned children are left (zombies too). */
int guard_children(void)
{
	pid_t kids[512];
	int n = children_of(0, 0, kids, 512), left = 0;

	for (int i = 0; i < n; i++)
		left += kids[i] != watchdog_pid;
	return left;
}

void guard_reap_strays(void)
{
	for (int round = 0; round < 1000; round++) {
		int status;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0)
			if (pid == watchdog_pid)
				watchdog_pid = 0;	/* gone: no more deadlines */
		if (guard_children() == 0)
			return;
		guard_kill_children();
		usleep(1000);
	}
}

/* A second signal: keep what is whole, drop the rest, leave. */
static void leave_now(int sig)
{
	kill_children(0, true);
	for (int i = 0; i < FILES; i++)
		if (files[i].tmp && truncate(files[i].tmp, files[i].whole) == 0)
			rename(files[i].tmp, files[i].final);
	if (scratch_to_remove)
		unlink(scratch_to_remove);
	if (lock_to_remove)
		unlink(lock_to_remove);
	if (dir_to_remove && dir_to_remove[0]) {
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

static void on_stop(int sig, siginfo_t *si, void *context)
{
	(void)context;
	/* A child sharing our memory and handlers (vfork, CLONE_VM) has a pid
	 * of its own: the signal is ours to handle, not its. Costs nothing
	 * in the timed path, unlike blocking signals around every vfork. */
	if ((pid_t)syscall(SYS_getpid) != guard_pid)
		return;
	/* The kernel's SIGPIPE for our own write to a pipe nobody reads (a
	 * closed `| head` on stderr or stdout) comes from us: the write fails
	 * with EPIPE, progress goes nowhere, and the run goes on. A SIGPIPE
	 * another process sends asks to stop, as any other. */
	if (sig == SIGPIPE && si && si->si_code == SI_USER && si->si_pid == guard_pid)
		return;
	if (guard_stop)
		leave_now(sig);
	guard_stop = sig;
	guard_kill_children();
}

/* Every signal whose default action ends the process ends the run as
 * SIGTERM does: the finished cells kept, the files whole, the lock let go,
 * the children reaped. Not these: SIGKILL (no handler can have it),
 * SIGXFSZ (ignored: the write fails with EFBIG and the run says so), and
 * the signals of a fault in the engine itself (SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGTRAP, SIGSYS, SIGABRT): a handler that returns meets the
 * fault again, and a crash should die as one. Of the real-time signals,
 * glibc keeps the first two or three for its threads (sigaction refuses
 * them); the rest, SIGRTMIN to SIGRTMAX, are here. */
static const int stop_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2, SIGVTALRM,
	SIGPROF, SIGIO, SIGPWR, SIGSTKFLT,
	SIGXCPU,	/* a CPU-time limit's warning, before its SIGKILL */
};

static bool stops(int sig)
{
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		return true;
	for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++)
		if (stop_signals[i] == sig)
			return true;
	return false;
}

void guard_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	for (int sig = 1; sig < NSIG; sig++)
		if (stops(sig))
			sigaddset(set, sig);
}

void guard_default_signals(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (stops(sig))
			signal(sig, SIG_DFL);
}

const char *guard_signal_name(int sig, char *buf, size_t len)
{
	const char *name = sigabbrev_np(sig);

	if (name)
		snprintf(buf, len, "%s", name);
	else if (sig == SIGRTMIN || sig == SIGRTMAX)
		snprintf(buf, len, sig == SIGRTMIN ? "RTMIN" : "RTMAX");
	else if (sig > SIGRTMIN && sig - SIGRTMIN <= (SIGRTMAX - SIGRTMIN) / 2)
		snprintf(buf, len, "RTMIN+%d", sig - SIGRTMIN);	/* as bash counts */
	else if (sig > SIGRTMIN && sig < SIGRTMAX)
		snprintf(buf, len, "RTMAX-%d", SIGRTMAX - sig);
	else
		snprintf(buf, len, "%d", sig);
	return buf;
}

/* The watchdog: a process of its own that looks at the deadline now and
 * then and kills the engine's children when an iteration overstays, so
 * that nothing of it lands in the engine: no signal, no timer, no thread.
 * It is the engine's child (so that the engine reaps it at the end; an
 * init that reaps nothing would keep it a zombie otherwise), and is never
 * killed, counted or waited for as a spawned child. It leaves when the
 * engine says so or is gone. */
static __attribute__((noreturn)) void watchdog(pid_t engine, const cpu_set_t *away)
{
	int pidfd = (int)syscall(SYS_pidfd_open, engine, 0);
	int devnull = open("/dev/null", O_RDWR);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* Hold none of the engine's files open: a pipe reader waiting for the
	 * run's output must see it end when the engine ends. */
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
	}
	for (int fd = 3; fd < 1024; fd++)
		if (fd != pidfd)
			close(fd);
	setsid();	/* a Ctrl-C for the run is not for the watchdog */
	prctl(PR_SET_NAME, "spawncost-watch");
	guard_default_signals();
	if (CPU_COUNT(away))
		sched_setaffinity(0, sizeof *away, away);
	for (;;) {
		uint64_t every = watch->interval, deadline;
		int ms = every ? (int)(every / 1000000u) : 1000;
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		if (watch->leave)
			_exit(0);
		if (pidfd >= 0 ? poll(&p, 1, ms) > 0 : (usleep((useconds_t)ms * 1000), kill(engine, 0) != 0))
			_exit(0);
		deadline = __atomic_load_n(&watch->deadline, __ATOMIC_SEQ_CST);
		if (every && deadline && now_ns() > deadline) {
			/* take the iteration (its deadline to 0) only if the engine
			 * has not moved on; it waits while killing is set (guard_arm) */
			__atomic_store_n(&watch->killing, 1, __ATOMIC_SEQ_CST);
			if (__atomic_compare_exchange_n(&watch->deadline, &deadline, 0, false,
							__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
				watch->timed_out = 1;
				kill_children(engine, false);
			}
			__atomic_store_n(&watch->killing, 0, __ATOMIC_SEQ_CST);
		}
	}
}

/* Start the watchdog; away: the CPUs it should keep to (not the run's). */
static int watchdog_start(const cpu_set_t *away)
{
	pid_t engine = getpid(), pid;

	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		watchdog_pid = getpid();
		watchdog(engine, away);
	}
	watchdog_pid = pid;
	return 0;
}

void guard_finish(void)
{
	pid_t pid = watchdog_pid;

	if (!watch || !pid)
		return;
	watch->leave = 1;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	watchdog_pid = 0;
}

int guard_install(const cpu_set_t *away, struct guard_watch *shared)
{
	struct sigaction sa = { 0 };
	int err;

	guard_pid = getpid();
	watch = shared;
	/* Without a watchdog (a process limit, say) the run goes on, and
	 * says what it lacks. */
	if ((err = watchdog_start(away))) {
		fprintf(stderr, "spawncost run: note: no watchdog (%s): an iteration that "
				"hangs will not be killed\n", strerrorname_np(err));
		watch = NULL;
	}
	/* Orphans of our children (a killed shell's own child) come to us, so
	 * that nothing outlives the run. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		return errno;

	/* One at a time: a second signal waits for the first's handler. */
	guard_stop_signals(&sa.sa_mask);
	/* SA_RESTART: a wait restarts and returns once the killed child is
	 * gone; stdio writes are never cut short. */
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	sa.sa_sigaction = on_stop;
	for (int sig = 1; sig < NSIG; sig++)
		if (stops(sig) && sigaction(sig, &sa, NULL) != 0)
			return errno;
	/* A file-size limit: the write fails with EFBIG, which the run
	 * reports, instead of a silent death with temporary files left. */
	signal(SIGXFSZ, SIG_IGN);
	return 0;
}

void guard_check_every(uint64_t interval_ns)
{
	if (!watch)
		return;
	/* At least 100 ms: an unpinned run (or one whose CPUs are all the
	 * run's) shares its CPU with the watchdog, and each look is a wake-up
	 * there; an overstaying iteration is killed at most that much late. */
	if (interval_ns && interval_ns < 100000000u)
		interval_ns = 100000000u;
	if (interval_ns > 1000000000u)
		interval_ns = 1000000000u;
	watch->deadline = 0;
	watch->interval = interval_ns;
}
