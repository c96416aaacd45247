/* The engine as the front end's child: it measures, and the front end,
 * asleep in waitpid meanwhile (nothing of it is in what the engine's forks
 * copy: exec gave the engine a fresh address space), settles the samples
 * once it has gone (samples.c).
 *
 * The run must still stop as it did when the front end exec'd the engine:
 * a signal sent to the front end's pid (kill, timeout, a supervisor) is
 * passed on to the engine, which keeps its finished cells as it always
 * has; one the terminal sends (Ctrl-C, a hang-up) reached the whole
 * foreground group, the engine with it, and is not passed on twice (a
 * second signal tells the engine to leave at once). If the front end dies
 * outright, the engine gets SIGTERM (PR_SET_PDEATHSIG). The exit status is
 * the engine's, a signal that killed it included. Where no second process
 * may be had (RLIMIT_NPROC), the engine takes the front end's place as it
 * did before, and its samples stay plain.
 *
 * With --json the engine's stdout (the closing table and the fits) is our
 * stderr, and once it has gone the run is printed on stdout as one JSON
 * document (harness/analysis/reportjson.c), for scripts. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine_wait.h"
#include "guard.h"
#include "report.h"
#include "samples.h"

static volatile pid_t engine_pid;	/* 0 once it has gone */
static volatile sig_atomic_t stop;	/* a stop asked for after that */

static void pass_on(int sig, siginfo_t *si, void *context)
{
	(void)context;
	/* our own SIGPIPE (a write to a pipe nobody reads) asks nothing */
	if (si->si_code == SI_USER && si->si_pid == getpid())
		return;
	if (!engine_pid)
		stop = sig;
	else if (si->si_code != SI_KERNEL)	/* the terminal's: the engine has it */
		kill(engine_pid, sig);
}

/* The child: the engine, which gets SIGTERM should we die first. */
static __attribute__((noreturn)) void start(const char *engine, char **args, pid_t parent,
					    const sigset_t *mask, bool json)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(128 + SIGTERM);	/* we died before it was set */
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (json)
		dup2(STDERR_FILENO, STDOUT_FILENO);	/* stdout is the document's */
	execv(engine, args);
	fprintf(stderr, "spawncost run: cannot start %s: %s\n", engine, strerror(errno));
	_exit(2);
}

/* The folder the engine wrote into dirfd, into dir: 0 when it made none. */
static int folder_of(int dirfd, char *dir, size_t len)
{
	ssize_t n = dirfd >= 0 ? pread(dirfd, dir, len - 1, 0) : -1;

	if (n <= 0)
		return 0;
	dir[n] = '\0';
	return 1;
}

/* The status the engine ended with, as ours: a signal that killed it
 * kills us too (with no core dump: the crash was the engine's). */
static int status_of(int status)
{
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	sigset_t one;

	if (!sig)
		return WEXITSTATUS(status);
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	signal(sig, SIG_DFL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	raise(sig);
	return 128 + sig;
}

int engine_wait(const char *engine, char **args, int dirfd, const char *samples, bool json)
{
	struct sigaction sa = { .sa_sigaction = pass_on, .sa_flags = SA_SIGINFO | SA_RESTART };
	char dir[PATH_MAX];
	sigset_t stops, old;
	pid_t parent = getpid(), pid;
	int status, made;

	/* held from before the fork until the handlers are in place: a
	 * signal in between waits, then is passed on */
	guard_stop_signals(&stops);
	sigprocmask(SIG_BLOCK, &stops, &old);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		start(engine, args, parent, &old, json);
	if (pid < 0) {
		/* a process limit with room for one (RLIMIT_NPROC): the engine
		 * in our place, as before there was anything to wait for */
		fprintf(stderr, "spawncost run: note: no second process to wait for the engine "
				"(%s): samples.csv stays plain%s\n", strerror(errno),
			json ? ", and no JSON follows the run" : "");
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (json)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		execv(engine, args);
		fprintf(stderr, "spawncost run: cannot start %s: %s\n", engine, strerror(errno));
		return 2;
	}
	engine_pid = pid;
	sa.sa_mask = stops;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&stops, sig))
			sigaction(sig, &sa, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "spawncost run: cannot wait for the engine: %s\n",
				strerror(errno));
			return 2;
		}
	engine_pid = 0;
	made = folder_of(dirfd, dir, sizeof dir);
	if (made)
		samples_settle(dir, samples, &stop);
	if (stop)
		return 128 + stop;
	/* a run that ended (0, or 1: a cell failed) is printed; bad input or
	 * an interrupted run is no document */
	if (json && made && WIFEXITED(status) && WEXITSTATUS(status) <= 1)
		return run_json("spawncost run", dir, stdout) ? 2 : WEXITSTATUS(status);
	return status_of(status);
}
