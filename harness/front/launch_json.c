/* `spawncost run --json`: the run, then the run as one JSON document on
 * stdout (harness/analysis/reportjson.c), for scripts.
 *
 * Without --json the engine takes the front end's place (execv); with it
 * the engine runs as a child, its stdout (the closing table and the fits)
 * on our stderr, so that stdout carries the document and nothing else, and
 * we read the run back when it ends. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "envtxt.h"
#include "launch.h"
#include "options.h"
#include "report.h"

static volatile pid_t engine_pid;

/* A signal sent to us alone (kill, timeout) goes on to the engine, which
 * stops as it would have stopped itself. One the terminal sent (Ctrl-C)
 * went to the whole process group and reached the engine already: passed
 * on, it would be a second, which ends a run at once (harness/common/
 * guard.c). */
static void pass_on(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (si->si_code != SI_KERNEL && engine_pid > 0)
		kill(engine_pid, sig);
}

static const int passed_on[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2 };

static void set_handlers(void)
{
	struct sigaction sa = { .sa_sigaction = pass_on, .sa_flags = SA_SIGINFO | SA_RESTART };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof passed_on / sizeof passed_on[0]; i++)
		sigaction(passed_on[i], &sa, NULL);
}

/* Is results/name the run the engine pid started at or after `since`? Its
 * run_id is <host>-<UTC time>-<pid> (harness/engine/output.c). */
static bool run_of(const char *name, pid_t pid, time_t since)
{
	char path[PATH_MAX], err[PATH_MAX + 64], tail[24];
	struct envtxt e;
	struct stat st;
	const char *id;
	bool mine;
	size_t n, t;

	snprintf(path, sizeof path, "results/%s/env.txt", name);
	if (stat(path, &st) != 0 || st.st_mtime < since ||
	    envtxt_read(path, &e, err, sizeof err) != 0)
		return false;
	id = envtxt_get(&e, "run_id");
	t = (size_t)snprintf(tail, sizeof tail, "-%d", (int)pid);
	n = id ? strlen(id) : 0;
	mine = n > t && strcmp(id + n - t, tail) == 0;
	envtxt_free(&e);
	return mine;
}

/* The folder the engine pid wrote: -o's, or the new one under results/
 * (whose name the engine picks). Returns 0, or -1 when none is found. */
static int run_dir(const struct run_opts *o, pid_t pid, time_t since, char *dir, size_t len)
{
	struct dirent *d;
	DIR *r;
	int rc = -1;

	if (o->outdir) {
		snprintf(dir, len, "%s", o->outdir);
		return 0;
	}
	if (!(r = opendir("results")))
		return -1;
	while (rc && (d = readdir(r)))
		if (d->d_name[0] != '.' && run_of(d->d_name, pid, since)) {
			snprintf(dir, len, "results/%s", d->d_name);
			rc = 0;
		}
	closedir(r);
	return rc;
}

int launch_json(const struct run_opts *o, char *engine, char **args)
{
	posix_spawn_file_actions_t fa;
	char dir[PATH_MAX];
	time_t since = time(NULL) - 1;
	pid_t pid;
	int status, err, rc;

	set_handlers();
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	err = posix_spawn(&pid, engine, &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		fprintf(stderr, "spawncost run: cannot start %s: %s\n", engine, strerror(err));
		return 2;
	}
	engine_pid = pid;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "spawncost run: lost the engine: %s\n", strerror(errno));
			return 2;
		}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	rc = WEXITSTATUS(status);
	if (rc > 1)	/* bad input, an interrupted run: no document */
		return rc;
	if (run_dir(o, pid, since, dir, sizeof dir)) {
		fprintf(stderr, "spawncost run: --json: cannot find the run's folder under results/\n");
		return 2;
	}
	return run_json("spawncost run", dir, stdout) ? 2 : rc;
}
