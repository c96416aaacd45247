/* `spawncost run` checks against the machine, after parsing: the exec
 * target is an executable file (the bundled ones are found next to the
 * binary), the result folder can be written and holds no run, the largest
 * ballast fits in memory. */
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "target.h"

static int bad(const char *what, const char *why)
{
	fprintf(stderr, "spawncost run: %s: %s\n", what, why);
	return 2;
}

static bool uses(const struct run_opts *o, bool (*pred)(const struct method *))
{
	for (size_t i = 0; i < o->nmethods; i++)
		if (pred(o->methods[i]))
			return true;
	return false;
}

static bool execs_target(const struct method *m)
{
	return m->execs;
}

static bool runs_noop(const struct method *m)
{
	return m->execs || (m->fixed_target && strcmp(m->fixed_target, "static") == 0);
}

static bool copies_ballast(const struct method *m)
{
	return m->per_page && strcmp(m->name, "rewrite") != 0;
}

static bool is_runtime(const struct method *m)
{
	return m->runtime != NULL;
}

static bool is_c(const struct method *m)
{
	return m->runtime == NULL;
}

static bool searches_path(const struct method *m)
{
	return strcmp(m->group, "path") == 0;
}

static bool runs_chain(const struct method *m)
{
	return m->fixed_target && strcmp(m->fixed_target, "chain") == 0;
}

/* A bundled program, or one line saying it is missing. */
static int need_bundled(const char *name, const char **out)
{
	char path[PATH_MAX];
	static char *kept[4];	/* held for the whole run (and seen as such by
				 * LeakSanitizer) */
	static int used;
	char err[PATH_MAX + 64];

	/* strdup: a few bytes on the heap where four PATH_MAX buffers would
	 * be pages that every timed fork copies. */
	if (used == 4 || !bundled(name, path, sizeof path) || !(kept[used] = strdup(path))) {
		snprintf(err, sizeof err, "the bundled %s is not next to spawncost (build it with "
			 "make, or give --target PATH)", name);
		return bad("--target", err);
	}
	*out = kept[used++];
	return 0;
}

/* Resolve --target: static, dynamic and shell name bundled programs;
 * anything else is the path of an executable file. */
static int resolve_target(struct run_opts *o)
{
	char err[PATH_MAX + 64];
	struct stat st;
	const char *name = o->target_name ? o->target_name : "static";
	int rc;

	o->target_name = name;
	if (uses(o, runs_noop) && (rc = need_bundled("spawncost-noop", &o->noop)))
		return rc;
	if (uses(o, runs_chain) && (rc = need_bundled("spawncost-chain", &o->chain)))
		return rc;
	if (!uses(o, execs_target))
		return 0;
	o->target_argv[0] = "spawncost-noop";
	if (strcmp(name, "static") == 0 && o->phases) {
		/* Probes of --phases run the static no-op that also stamps its
		 * entry and exit; its argument, the descriptor to stamp into,
		 * comes at run time. Timed iterations run the plain no-op. */
		if ((rc = need_bundled("spawncost-stamp", &o->probe_target)))
			return rc;
		o->probe_argv[0] = "spawncost-stamp";
	}
	if (strcmp(name, "static") == 0) {
		o->target = o->noop;
	} else if (strcmp(name, "dynamic") == 0) {
		if ((rc = need_bundled("spawncost-noop-dyn", &o->target)))
			return rc;
		o->target_argv[0] = "spawncost-noop-dyn";
	} else if (strcmp(name, "shell") == 0) {
		o->target = "/bin/sh";
		o->target_argv[0] = "sh";
		o->target_argv[1] = "-c";
		o->target_argv[2] = (char *)o->noop;
	} else {
		o->target = name;
		o->target_argv[0] = (char *)name;
	}
	if (stat(o->target, &st) != 0) {
		snprintf(err, sizeof err, "%s: %s", o->target, strerror(errno));
		return bad("--target", err);
	}
	if (!S_ISREG(st.st_mode) || access(o->target, X_OK) != 0) {
		snprintf(err, sizeof err, "%s is not an executable file", o->target);
		return bad("--target", err);
	}
	return 0;
}

/* The target once, the last check: an executable file the kernel cannot
 * run would otherwise fail every exec of the sweep, the largest ballast
 * included. The front end tries it, and the engine when started by hand
 * (without --front): once per run. */
static int try_target(const struct run_opts *o)
{
	char err[PATH_MAX + 160];
	int e;

	if (o->front || !uses(o, execs_target) || !(e = target_try(o->target, o->target_argv)))
		return 0;
	snprintf(err, sizeof err, "%s: the kernel cannot run it: %s (%s)", o->target,
		 e == ENOEXEC ? "not an ELF program for this machine, and no #! line"
		 : e == ENOENT ? "its #! interpreter or ELF loader is missing"
		 : e == EACCES ? "exec is denied (a noexec mount, or an interpreter that is not "
				 "executable)"
		 : strerror(e), strerrorname_np(e));
	return bad("--target", err);
}

/* The result folder, before anything is measured or printed: an existing
 * one must be a writable folder holding no run; a new one must have a
 * writable folder as its nearest existing ancestor. */
/* The files of a run, and their temporary names: a folder holding any of
 * them holds a run (or what is left of one), and is never written into. */
static const char *const run_files[] = { "summary.csv", "samples.csv", "samples.csv.gz",
					 "probes.csv", "env.txt", "meta.json", "fit.csv", "windows.csv",
					 "report.md", "verdicts.csv", NULL };

const char *run_dir_holds(const char *dir)
{
	static char found[64];
	char path[PATH_MAX + 32];

	for (const char *const *f = run_files; *f; f++) {
		snprintf(path, sizeof path, "%s/%s", dir, *f);
		if (access(path, F_OK) == 0)
			return *f;
		snprintf(path, sizeof path, "%s/.%s.tmp", dir, *f);
		if (access(path, F_OK) == 0) {
			snprintf(found, sizeof found, ".%s.tmp", *f);
			return found;
		}
	}
	return NULL;
}

long run_dir_locked(const char *dir)
{
	char path[PATH_MAX + 32];
	long holder = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/" RUN_LOCK, dir);
	if (!(f = fopen(path, "re")))
		return 0;
	if (fscanf(f, "%ld", &holder) != 1)
		holder = 0;
	fclose(f);
	if (holder > 0 && (kill((pid_t)holder, 0) == 0 || errno == EPERM))
		return holder;
	return 0;
}

static int check_outdir(const char *dir)
{
	char path[PATH_MAX], err[PATH_MAX + 80];
	struct stat st;

	/* A name that cannot be made is refused before anything is: mkdir -p
	 * would make its first folders and then fail. */
	if (dir && strlen(dir) + sizeof "/.summary.csv.tmp" > PATH_MAX)
		return bad("--output", "the path is too long");
	for (const char *p = dir; p && *p;) {
		size_t n = strcspn(p, "/");
		if (n > NAME_MAX)
			return bad("--output", "a folder name in the path is too long");
		p += n + (p[n] == '/');
	}
	snprintf(path, sizeof path, "%s", dir ? dir : "results");
	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, sizeof err, "%s exists and is not a folder", path);
			return bad("--output", err);
		}
		if (dir && run_dir_locked(path)) {
			snprintf(err, sizeof err, "another run is writing into %s", path);
			return bad("--output", err);
		}
		if (dir && run_dir_holds(path)) {
			snprintf(err, sizeof err, "%s already holds a run (%s; results are never "
				 "overwritten)", path, run_dir_holds(path));
			return bad("--output", err);
		}
	} else {
		/* Walk up to what exists. */
		char *slash;
		while ((slash = strrchr(path, '/')) && stat(path, &st) != 0)
			*slash = '\0';
		if (!slash && stat(path, &st) != 0)
			snprintf(path, sizeof path, ".");
		if (path[0] == '\0')
			snprintf(path, sizeof path, "/");
		if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
			snprintf(err, sizeof err, "cannot write to %s: %s is not a folder",
				 dir ? dir : "results", path);
			return bad("--output", err);
		}
	}
	if (access(path, W_OK) != 0) {
		snprintf(err, sizeof err, "cannot write to %s: %s", path, strerror(errno));
		return bad("--output", err);
	}
	return 0;
}

/* Room for the most descriptors --fds asks for, on top of the few the run
 * itself holds (its standard streams, a result file, the ballast's memory
 * file): the engine raises its soft limit up to the hard one. */
#define FDS_OWN 64
static int check_fds(const struct run_opts *o)
{
	struct rlimit rl;
	uint64_t most = 0;
	char err[160];

	for (size_t i = 0; i < o->nfds; i++)
		if (o->fds[i] > most)
			most = o->fds[i];
	if (most == 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_max == RLIM_INFINITY)
		return 0;
	if (most + FDS_OWN > rl.rlim_max) {
		snprintf(err, sizeof err, "%llu descriptors do not fit under RLIMIT_NOFILE (%llu, "
			 "less %d the run keeps for itself)", (unsigned long long)most,
			 (unsigned long long)rl.rlim_max, FDS_OWN);
		return bad("--fds", err);
	}
	return 0;
}

/* --path-dirs: the PATH the engine builds (harness/engine/parent.c,
 * settle_path), K folders PATH_DIRS_ROOT/0 to /K-1 then the no-op's
 * folder, is one environment string, and the kernel takes none longer than
 * 32 pages (MAX_ARG_STRLEN, 128 KiB with 4 KiB pages): past it every program
 * the run starts with its environment fails with E2BIG (system's and
 * popen's shell, the front end that writes meta.json). No process can hand
 * such a PATH on, so it is refused rather than built otherwise: shorter
 * folder names would change what each folder costs to search. */
static int check_path_dirs(const struct run_opts *o)
{
	const char *slash = o->noop ? strrchr(o->noop, '/') : NULL;
	size_t limit = 32 * page_bytes(), bytes = sizeof "PATH=";	/* and the NUL */
	unsigned most = 0;
	char num[16], err[200];

	if (o->path_dirs == 0 || !uses(o, searches_path))
		return 0;
	bytes += slash ? (size_t)(slash - o->noop) : 0;
	for (; most < o->path_dirs; most++) {
		/* PATH_DIRS_ROOT "/" K ":" */
		bytes += sizeof PATH_DIRS_ROOT + (size_t)snprintf(num, sizeof num, "%u", most) + 1;
		if (bytes > limit)
			break;
	}
	if (most == o->path_dirs)
		return 0;
	snprintf(err, sizeof err, "%u folders make a PATH longer than the %zu bytes the kernel "
		 "passes in one environment string (MAX_ARG_STRLEN); at most %u here",
		 o->path_dirs, limit, most);
	return bad("--path-dirs", err);
}

int run_check(struct run_opts *o)
{
	char err[PATH_MAX + 64];
	uint64_t largest = 0;
	long limit;
	int rc;

	if ((rc = resolve_target(o)) || (rc = check_outdir(o->outdir)) || (rc = check_fds(o)) ||
	    (rc = check_path_dirs(o)))
		return rc;
	for (size_t i = 0; i < o->nrss; i++) {
		if (o->rss[i] > largest)
			largest = o->rss[i];
		/* every mapping of the ballast holds at least a page */
		if (o->rss[i] && ((size_t)o->rss[i] << 20) / o->vmas < page_bytes()) {
			snprintf(err, sizeof err, "%llu mappings do not fit in %llu MiB of ballast "
				 "(a page each at least)", (unsigned long long)o->vmas,
				 (unsigned long long)o->rss[i]);
			return bad("--vmas", err);
		}
	}
	/* cow-child and cow-parent copy the whole ballast, first-touch maps as
	 * much again: they need twice the room. */
	int copies = uses(o, copies_ballast) ? 2 : 1;
	/* a runtime method's driver holds a ballast of its own, while the
	 * engine holds one for the C methods */
	bool both = uses(o, is_runtime) && uses(o, is_c);

	copies += both;
	limit = ballast_limit_mib();
	if (limit < 0)
		return bad("--rss", "cannot read MemAvailable from /proc/meminfo");
	if (largest * (uint64_t)copies > (uint64_t)limit) {
		snprintf(err, sizeof err, "%llu MiB does not fit%s: MemAvailable less a margin "
			 "leaves %ld MiB", (unsigned long long)largest,
			 copies == 1 ? ""
			 : both ? " twice (the engine's for the C methods, and a runtime driver's)"
				: " twice (the copy-on-write methods copy it)", limit);
		return bad("--rss", err);
	}
	return try_target(o);
}
