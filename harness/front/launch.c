/* The front end's `run`: check what the user asked, resolve what needs the
 * front end's libraries (--pin with hwloc; the machine facts of hwloc and
 * libpfm4), then hand the arguments to spawncost-measure, the engine that
 * does the sweep, and wait for it (engine_wait.c).
 *
 * Why two programs: a fork copies the parent's page tables, so everything
 * mapped into the measuring process is part of what fork-based cells time.
 * Linking hwloc, libpfm4 and jansson into it made the 0 MiB parent 4.5 MiB
 * resident and fork-exit 55% slower here. The engine links only libc; the
 * front end may link whatever the other commands need. */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine_wait.h"
#include "events.h"
#include "options.h"
#include "launch.h"
#include "target.h"
#include "topo.h"

#define MAX_EXTRA 20	/* the options pass_resolved and cmd_run_front add */

/* --pin POLICY: the CPUs hwloc picks, for the engine's --cpus, and why
 * they are those, for its --pin-why. */
static int resolve_pin(const struct run_opts *o, char *cpus, size_t len, char *why,
		       size_t whylen)
{
	hwloc_topology_t topo;
	char err[512];
	int pick[2], n;

	if (strcmp(o->pin, "none") == 0 || strcmp(o->pin, "cpus") == 0 ||
	    (o->pin_default && o->ncpus))
		return 0;
	if (o->ncpus) {
		fprintf(stderr, "spawncost run: --pin and --cpus: give one or the other\n");
		return 2;
	}
	if (topo_load(&topo, err, sizeof err) != 0) {
		if (o->pin_default) {
			fprintf(stderr, "spawncost run: note: running unpinned: hwloc cannot read "
					"the topology (%s)\n", err);
			return 0;
		}
		fprintf(stderr, "spawncost run: --pin: %s\n", err);
		return 2;
	}
	if (pin_select(topo, o->pin, pick, &n, err, sizeof err) != 0) {
		hwloc_topology_destroy(topo);
		fprintf(stderr, "spawncost run: --pin %s: %s\n", o->pin, err);
		return 2;
	}
	pin_why(topo, why, whylen);
	hwloc_topology_destroy(topo);
	pin_format(pick, n, cpus, len);
	return 0;
}

/* The facts only the front end's libraries know (hwloc's topology,
 * libpfm4's PMUs), in an unnamed memory file the engine inherits and copies
 * into env.txt. -1 when they cannot be had: the run goes on without them. */
static int front_facts(void)
{
	hwloc_topology_t topo;
	char err[512];
	int fd = memfd_create("spawncost-facts", 0);
	FILE *f;

	if (fd < 0 || !(f = fdopen(dup(fd), "w"))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (topo_load(&topo, err, sizeof err) == 0) {
		topo_facts(topo, f);
		hwloc_topology_destroy(topo);
	} else {
		fprintf(f, "topo_error=%s\n", err);
	}
	events_facts(f);
	fclose(f);
	return fd;
}

/* -e LIST (default: EVENTS_DEFAULT; none: nothing) as raw specs for the
 * engine, which counts without libpfm4. */
static int resolve_events(const struct run_opts *o, char *out, size_t len)
{
	struct event_spec spec[EVENT_MAX];
	char err[512];
	size_t n, used = 0;

	out[0] = '\0';
	if (o->events_arg && strcmp(o->events_arg, "none") == 0)
		return 0;
	if (events_resolve(o->events_arg, spec, EVENT_MAX, &n, err, sizeof err) != 0) {
		fprintf(stderr, "spawncost run: --events: %s\n", err);
		return 2;
	}
	for (size_t i = 0; i < n && used + EVENT_SPEC_TEXT_LEN + 1 < len; i++) {
		if (used)
			out[used++] = ',';
		event_spec_format(&spec[i], out + used, len - used);
		used += strlen(out + used);
	}
	return 0;
}

/* The environment sysprep runs in: ours, with steal looked at for a fifth
 * of a second, not sysprep's second by hand: the run measures it in every
 * window anyway. NULL when memory could not be had. */
static char **sysprep_env(void)
{
	size_t n = 0;
	char **envp;

	while (environ[n])
		n++;
	envp = calloc(n + 2, sizeof *envp);
	if (!envp)
		return NULL;
	envp[0] = "SYSPREP_STEAL_SECONDS=0.2";
	memcpy(envp + 1, environ, n * sizeof *envp);
	return envp;
}

/* Start `sysprep check --quiet` at path with its stdout on the pipe fd's
 * write end: 0 and its *pid, or -1. */
static int spawn_sysprep(char *path, const int fd[2], pid_t *pid)
{
	char *argv[] = { path, "check", "--quiet", NULL };
	char **envp = sysprep_env();
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t dfl;
	int rc = -1;

	if (!envp)
		return -1;
	/* SIGPIPE as a shell script expects it: we ignore it (cmd_run_front) */
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	/* its own errors (a shell that cannot start under a low descriptor
	 * limit, say) become one note below, not raw shell text */
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(pid, path, &fa, &attr, argv, envp) == 0)
		rc = 0;
	free(envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

/* What `sysprep check` finds noisy here, as warnings: the run goes on. */
static void warn_noise(void)
{
	char path[PATH_MAX], line[512];
	int fd[2], status;
	pid_t pid;
	FILE *f;

	if (!bundled("sysprep", path, sizeof path) || pipe(fd) != 0)
		return;
	if (spawn_sysprep(path, fd, &pid) != 0) {
		close(fd[0]);
		close(fd[1]);
		return;
	}
	close(fd[1]);
	if ((f = fdopen(fd[0], "r"))) {
		while (fgets(line, sizeof line, f))
			fprintf(stderr, "spawncost run: warning: %s", line);
		fclose(f);
	}
	if (waitpid(pid, &status, 0) == pid &&
	    !(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 1)))
		fprintf(stderr, "spawncost run: note: the noise check (sysprep) could not run here; "
				"the run goes on without it\n");
}

/* --parallel: the CPUs the spawners take, in the --pin policy's order (or
 * --cpus's), for the engine's --spawner-cpus; "" when unbound. More
 * spawners than CPUs is refused unless --oversubscribe. */
static int resolve_spawners(const struct run_opts *o, char **list)
{
	static int order[MAX_SPAWNERS];
	hwloc_topology_t topo;
	char err[512];
	size_t n = 0, len = 0;
	uint64_t most = 0;
	cpu_set_t allowed;

	*list = NULL;
	if (!o->parallel_given)
		return 0;
	for (size_t i = 0; i < o->nparallel; i++)
		if (o->parallel[i] > most)
			most = o->parallel[i];
	if (o->ncpus) {
		for (size_t i = 0; i < o->ncpus; i++)
			order[n++] = o->cpus[i];
	} else if (strcmp(o->pin, "none") != 0) {
		if (topo_load(&topo, err, sizeof err) != 0 ||
		    pin_order(topo, o->pin, order, MAX_SPAWNERS, &n, err, sizeof err) != 0) {
			fprintf(stderr, "spawncost run: --parallel: %s\n", err);
			return 2;
		}
		hwloc_topology_destroy(topo);
	} else if (sched_getaffinity(0, sizeof allowed, &allowed) == 0) {
		n = (size_t)CPU_COUNT(&allowed);
	}
	if (most > n && !o->oversubscribe) {
		fprintf(stderr, "spawncost run: --parallel: %llu spawners, but %s gives %zu CPU%s "
			"(--oversubscribe to allow more spawners than CPUs)\n",
			(unsigned long long)most, o->ncpus ? "--cpus"
			: strcmp(o->pin, "none") ? "--pin" : "this process", n, n == 1 ? "" : "s");
		return 2;
	}
	if (o->ncpus == 0 && strcmp(o->pin, "none") == 0)
		return 0;
	*list = malloc(n * 12 + 1);
	if (!*list) {
		fprintf(stderr, "spawncost run: out of memory\n");
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(*list + len, "%s%d", i ? "," : "", order[i]);
	return 0;
}

/* How the engine draws its progress line on a terminal (SPAWNCOST_BAR,
 * harness/engine/progress.c), decided here: the locale's character set is
 * known only once the locale is loaded, and a locale loaded in the engine
 * would be mapped into the process every measured fork copies. It is
 * loaded as an object of its own, asked its character set and let go: the
 * process stays in the C locale (main.c). */
static const char *bar_style(void)
{
	const char *term = getenv("TERM"), *no_color = getenv("NO_COLOR");
	locale_t user;
	bool utf8;

	if (term && strcmp(term, "dumb") == 0)
		return "dumb";
	if ((no_color && *no_color) || !(user = newlocale(LC_CTYPE_MASK, "", (locale_t)0)))
		return "ascii";
	utf8 = strcmp(nl_langinfo_l(CODESET, user), "UTF-8") == 0;
	freelocale(user);
	return utf8 ? "utf8" : "ascii";
}

/* What the front end resolved, handed to the engine as options of its own. */
struct resolved {
	char cpus[32], why[320];	/* --cpus, --pin-why: "" when not pinned here */
	char *spawners;			/* --spawner-cpus: NULL when unbound */
	char specs[EVENT_MAX * EVENT_SPEC_TEXT_LEN];	/* --event-spec: "" for none */
};

/* The user's options checked (run_check completes them), and what needs
 * the front end's libraries resolved: 0, or the exit status. */
static int resolve(struct run_opts *o, struct resolved *r)
{
	int rc;

	r->cpus[0] = r->why[0] = '\0';
	r->spawners = NULL;
	if ((rc = run_check(o)) || (rc = resolve_pin(o, r->cpus, sizeof r->cpus, r->why,
						      sizeof r->why)) ||
	    (rc = resolve_spawners(o, &r->spawners)))
		return rc;
	return resolve_events(o, r->specs, sizeof r->specs);
}

/* The engine's options for what r resolved, at args[n]: the new n. */
static int pass_resolved(char **args, int n, const struct run_opts *o, struct resolved *r)
{
	if (r->cpus[0]) {
		if (o->pin_default) {	/* the engine records the policy */
			args[n++] = "--pin";
			args[n++] = "same";
		}
		args[n++] = "--cpus";
		args[n++] = r->cpus;
		if (r->why[0]) {
			args[n++] = "--pin-why";
			args[n++] = r->why;
		}
	}
	if (r->spawners) {
		args[n++] = "--spawner-cpus";
		args[n++] = r->spawners;
	}
	if (r->specs[0]) {
		args[n++] = "--event-spec";
		args[n++] = r->specs;
	}
	return n;
}

int cmd_run_front(int argc, char **argv)
{
	struct run_opts o;
	struct resolved r;
	char engine[PATH_MAX], fdarg[16], dirarg[16], self[PATH_MAX];
	ssize_t len;
	char **args;
	int n = 0, facts, dirfd, rc = run_parse(argc, argv, &o, false);

	if (rc)
		return rc == 1 ? 0 : rc;
	/* A pipe on stderr whose reader is gone (`2>&1 | head -3`) must not
	 * end the run before it starts: the write fails with EPIPE instead.
	 * The engine handles SIGPIPE itself (harness/common/guard.c). */
	signal(SIGPIPE, SIG_IGN);
	if ((rc = resolve(&o, &r)))
		return rc;
	if (!bundled("spawncost-measure", engine, sizeof engine)) {
		fprintf(stderr, "spawncost run: the engine spawncost-measure is not next to "
				"spawncost (build it with make)\n");
		return 2;
	}
	args = calloc((size_t)argc + 2 + MAX_EXTRA, sizeof *args);
	if (!args) {
		fprintf(stderr, "spawncost run: out of memory\n");
		return 2;
	}
	args[n++] = engine;
	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	n = pass_resolved(args, n, &o, &r);
	len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len > 0) {
		self[len] = '\0';
		args[n++] = "--front";
		args[n++] = self;
	}
	warn_noise();
	facts = front_facts();
	if (facts >= 0) {
		snprintf(fdarg, sizeof fdarg, "%d", facts);
		args[n++] = "--facts-fd";
		args[n++] = fdarg;
	}
	setenv("SPAWNCOST_BAR", bar_style(), 1);
	/* where the engine says which folder it made: the samples are
	 * settled there once it is gone, and --json reads the run there
	 * (engine_wait.c) */
	dirfd = memfd_create("spawncost-dir", 0);
	if (dirfd >= 0) {
		snprintf(dirarg, sizeof dirarg, "%d", dirfd);
		args[n++] = "--dir-fd";
		args[n++] = dirarg;
	}
	rc = engine_wait(engine, args, dirfd, o.samples, o.json);
	free(args);
	return rc;
}
