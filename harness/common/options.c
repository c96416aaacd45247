/* `spawncost run` options: profiles, lists and numbers, checked strictly. */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env.h"
#include "options.h"
#include "parse.h"
#include "target.h"

struct profile {
	const char *name;
	const char *rss;
	const char *thp;
};

/* quick: a smoke test; default: the sweep the README reports; full: adds
 * 4 GiB (where memory allows) and huge pages. */
static const struct profile profiles[] = {
	{ "quick", "0,64", "off" },
	{ "default", "0,16,64,256,1024", "off" },
	{ "full", "0,16,64,256,1024,4096", "off,on" },
};

static int bad(const char *what, const char *why)
{
	fprintf(stderr, "spawncost run: %s: %s\n", what, why);
	return 2;
}

static int add_method(struct run_opts *o, const struct method *m)
{
	for (size_t j = 0; j < o->nmethods; j++)
		if (o->methods[j] == m)
			return 0;
	if (o->nmethods == MAX_METHODS)
		return bad("--methods", "too many methods");
	o->methods[o->nmethods++] = m;
	return 0;
}

/* Lists are split in a copy: argv is handed on to the engine intact. */
static int parse_methods(const char *arg, struct run_opts *o)
{
	char buf[4096], *items[MAX_METHODS], err[PARSE_ERR_LEN];
	size_t n;

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return bad("--methods", "list too long");
	if (split_list(buf, items, MAX_METHODS, &n, err))
		return bad("--methods", err);
	for (size_t i = 0; i < n; i++) {
		const struct method *m = method_find(items[i]);
		int rc;

		for (size_t j = 0; j < i; j++)
			if (strcmp(items[i], items[j]) == 0) {
				snprintf(err, sizeof err, "'%s' named twice", items[i]);
				return bad("--methods", err);
			}
		if (is_group(items[i])) {
			for (const struct method *const *g = methods; *g; g++)
				if (method_in_group(*g, items[i]) && (rc = add_method(o, *g)))
					return rc;
			continue;
		}
		if (!m) {
			snprintf(err, sizeof err, "unknown method '%s' (see spawncost list)", items[i]);
			return bad("--methods", err);
		}
		if ((rc = add_method(o, m)))
			return rc;
	}
	return 0;
}

/* clone flag names, as --clone-flags takes them (CLONE_ left off). */
static const struct { const char *name; unsigned long flag; } clone_flag_names[] = {
	{ "VM", CLONE_VM }, { "FS", CLONE_FS }, { "FILES", CLONE_FILES },
	{ "SIGHAND", CLONE_SIGHAND }, { "PTRACE", CLONE_PTRACE }, { "VFORK", CLONE_VFORK },
	{ "THREAD", CLONE_THREAD }, { "SYSVSEM", CLONE_SYSVSEM }, { "IO", CLONE_IO },
	{ "NEWNS", CLONE_NEWNS }, { "NEWCGROUP", CLONE_NEWCGROUP }, { "NEWUTS", CLONE_NEWUTS },
	{ "NEWIPC", CLONE_NEWIPC }, { "NEWUSER", CLONE_NEWUSER }, { "NEWPID", CLONE_NEWPID },
	{ "NEWNET", CLONE_NEWNET },
};

static int parse_clone_flags(const char *arg, const char *then, struct run_opts *o)
{
	char buf[512], *items[32], err[PARSE_ERR_LEN];
	size_t n, used = 0;

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return bad("--clone-flags", "list too long");
	if (split_list(buf, items, 32, &n, err))
		return bad("--clone-flags", err);
	used = (size_t)snprintf(o->variant, sizeof o->variant, "flags=");
	for (size_t i = 0; i < n; i++) {
		size_t k = 0, count = sizeof clone_flag_names / sizeof clone_flag_names[0];
		while (k < count && strcmp(items[i], clone_flag_names[k].name) != 0)
			k++;
		if (k == count) {
			snprintf(err, sizeof err, "unknown flag '%s' (known: VM, FS, FILES, SIGHAND, "
				 "PTRACE, VFORK, THREAD, SYSVSEM, IO, NEW{NS,CGROUP,UTS,IPC,USER,PID,NET})",
				 items[i]);
			return bad("--clone-flags", err);
		}
		if (o->clone_flags & clone_flag_names[k].flag) {
			snprintf(err, sizeof err, "flag '%s' named twice", items[i]);
			return bad("--clone-flags", err);
		}
		o->clone_flags |= clone_flag_names[k].flag;
		used += (size_t)snprintf(o->variant + used, sizeof o->variant - used, "%s%s",
					 i ? "|" : "", items[i]);
	}
	if (then && strcmp(then, "exec") != 0 && strcmp(then, "exit") != 0)
		return bad("--then", "expected exit or exec");
	o->then_exec = then && strcmp(then, "exec") == 0;
	/* exec in a thread replaces every thread of the process, the harness
	 * included: no round trip could be timed. */
	if (o->then_exec && (o->clone_flags & CLONE_THREAD))
		return bad("--then exec", "a THREAD child's exec would replace spawncost itself");
	snprintf(o->variant + used, sizeof o->variant - used, ";then=%s",
		 o->then_exec ? "exec" : "exit");
	return add_method(o, method_find("clone-custom"));
}

/* A list of distinct numbers from 0 to max, at most cap of them (--rss,
 * --fds, --threads, --parallel); twice: what a repeated one is called. The
 * other list parsers below share the shape (split a copy, check each item)
 * but not their items' types: kept apart on purpose. */
static int parse_counts(const char *name, const char *arg, uint64_t max, uint64_t *out,
			size_t cap, size_t *n, const char *twice)
{
	char buf[1024], *items[MAX_RSS], err[PARSE_ERR_LEN];

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return bad(name, "list too long");
	if (split_list(buf, items, cap < MAX_RSS ? cap : MAX_RSS, n, err))
		return bad(name, err);
	for (size_t i = 0; i < *n; i++) {
		if (parse_u64(items[i], 0, max, &out[i], err))
			return bad(name, err);
		for (size_t j = 0; j < i; j++)
			if (out[j] == out[i])
				return bad(name, twice);
	}
	return 0;
}

static int parse_rss(const char *arg, struct run_opts *o)
{
	return parse_counts("--rss", arg, MAX_RSS_MIB, o->rss, MAX_RSS, &o->nrss,
			    "a size is named twice");
}

/* --fds, --threads and --parallel: counts of the parent's shape and of its
 * spawners, each at most max. */
static int parse_shape(const char *name, const char *arg, uint64_t max, uint64_t *out, size_t *n)
{
	return parse_counts(name, arg, max, out, MAX_SHAPES, n, "a count is named twice");
}

/* --spawner-cpus: the CPUs spawners bind to, in order (the front end's). */
static int parse_spawner_cpus(const char *arg, struct run_opts *o)
{
	/* held for the run; on the heap, not a 16 KiB .bss that would be a
	 * mapping of the parent's own (harness/engine/child.c, own_stack) */
	static int *cpus;
	char err[PARSE_ERR_LEN];
	const char *p = arg;

	if (!cpus && !(cpus = malloc(MAX_SPAWNERS * sizeof *cpus)))
		return bad("--spawner-cpus", "out of memory");
	o->nspawner_cpus = 0;
	while (*p) {
		char item[16];
		size_t len = strcspn(p, ",");
		uint64_t v;

		if (len == 0 || len >= sizeof item || o->nspawner_cpus == MAX_SPAWNERS)
			return bad("--spawner-cpus", "expected a list of CPU numbers");
		memcpy(item, p, len);
		item[len] = '\0';
		if (parse_u64(item, 0, CPU_SETSIZE - 1, &v, err))
			return bad("--spawner-cpus", err);
		cpus[o->nspawner_cpus++] = (int)v;
		p += len + (p[len] == ',');
	}
	o->spawner_cpus = cpus;
	return 0;
}

static int parse_thp(const char *arg, struct run_opts *o)
{
	char buf[64], *items[2], err[PARSE_ERR_LEN];

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return bad("--thp", "expected off, on or off,on");
	if (split_list(buf, items, 2, &o->nthp, err))
		return bad("--thp", err);
	for (size_t i = 0; i < o->nthp; i++) {
		if (strcmp(items[i], "off") == 0)
			o->thp[i] = THP_OFF;
		else if (strcmp(items[i], "on") == 0)
			o->thp[i] = THP_ON;
		else
			return bad("--thp", "expected off, on or off,on");
	}
	if (o->nthp == 2 && o->thp[0] == o->thp[1])
		return bad("--thp", "a setting is named twice");
	return 0;
}

static int parse_ballast(const char *arg, struct run_opts *o)
{
	char buf[256], *items[BALLAST_KINDS], err[PARSE_ERR_LEN];

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return bad("--ballast", "list too long");
	if (split_list(buf, items, BALLAST_KINDS, &o->nkinds, err))
		return bad("--ballast", err);
	for (size_t i = 0; i < o->nkinds; i++) {
		int k = 0;
		while (k < BALLAST_KINDS && strcmp(items[i], ballast_names[k]) != 0)
			k++;
		if (k == BALLAST_KINDS) {
			snprintf(err, sizeof err, "unknown kind '%s' (anon, anon-untouched, "
				 "shared-file, dontfork, wipeonfork)", items[i]);
			return bad("--ballast", err);
		}
		for (size_t j = 0; j < i; j++)
			if (o->kinds[j] == (enum ballast_kind)k)
				return bad("--ballast", "a kind is named twice");
		o->kinds[i] = (enum ballast_kind)k;
	}
	return 0;
}

/* --event-spec: the counters the front end resolved, as name:type:config:... */
static int parse_specs(const char *arg, struct run_opts *o)
{
	char buf[EVENT_MAX * EVENT_SPEC_TEXT_LEN], *items[EVENT_MAX], err[PARSE_ERR_LEN];

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return bad("--event-spec", "list too long");
	if (split_list(buf, items, EVENT_MAX, &o->nspecs, err))
		return bad("--event-spec", err);
	for (size_t i = 0; i < o->nspecs; i++)
		if (event_spec_parse(items[i], &o->specs[i], err, sizeof err))
			return bad("--event-spec", err);
	return 0;
}

/* --cpus A[,B]: one or two distinct CPUs this process may use. */
static int parse_cpus(const char *arg, struct run_opts *o)
{
	char buf[64], *items[2], err[PARSE_ERR_LEN];
	cpu_set_t allowed;

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return bad("--cpus", "expected A or A,B");
	if (split_list(buf, items, 2, &o->ncpus, err))
		return bad("--cpus", err);
	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
		CPU_ZERO(&allowed);
	for (size_t i = 0; i < o->ncpus; i++) {
		uint64_t v;
		if (parse_u64(items[i], 0, CPU_SETSIZE - 1, &v, err))
			return bad("--cpus", err);
		if (!CPU_ISSET((int)v, &allowed)) {
			char list[96], why[PARSE_ERR_LEN + sizeof list];

			snprintf(why, sizeof why, "CPU %llu is not one this process may use: its "
				 "affinity or cgroup cpuset allows CPUs %s", (unsigned long long)v,
				 env_cpus_allowed(list, sizeof list));
			return bad("--cpus", why);
		}
		o->cpus[i] = (int)v;
	}
	if (o->ncpus == 2 && o->cpus[0] == o->cpus[1])
		return bad("--cpus", "a CPU is named twice");
	snprintf(o->cpus_text, sizeof o->cpus_text, o->ncpus == 2 ? "%d %d" : "%d", o->cpus[0],
		 o->cpus[1]);
	return 0;
}

static const struct profile *find_profile(const char *name)
{
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

enum { OPT_THP = 256, OPT_MIN_TIME, OPT_MAX_TIME, OPT_PRECISION, OPT_TARGET, OPT_PROFILE,
       OPT_CLONE_FLAGS, OPT_THEN, OPT_TIMEOUT, OPT_BALLAST, OPT_VMAS, OPT_ROUNDS, OPT_PIN,
       OPT_CPUS, OPT_FACTS_FD, OPT_PHASES, OPT_EVENT_SPEC, OPT_FRONT, OPT_HELP,
       OPT_PATH_DIRS, OPT_FDS, OPT_THREADS, OPT_PARALLEL, OPT_SPAWNERS, OPT_OVERSUBSCRIBE,
       OPT_SPAWNER_CPUS, OPT_REFINE, OPT_NO_REFINE, OPT_REFINE_TIME, OPT_PIN_WHY,
       OPT_SAMPLES, OPT_DIR_FD };

/* The run's options, in one table: the parser, --help and (checked by
 * tests/cli/options.bats) man/spawncost-run.1 all follow it. An option is
 * its long name, its short letter or OPT_ key, the name of its value
 * (NULL: it takes none) and its --help text, each line after the first
 * indented by the usage's column; internal ones (help NULL) are what the
 * front end hands the engine, and are refused from users. Adding an option
 * is a line here and a case in take(). */
static const struct opt_spec {
	const char *name;
	int key;
	const char *arg, *help;
} opts[] = {
	{ "methods", 'm', "LIST", "comma list of methods and groups: core (default), clone,\n"
		"ns, clone3, exec, path, cow, all (the C roads), runtimes\n"
		"(language runtimes: see spawncost list)" },
	{ "path-dirs", OPT_PATH_DIRS, "K", "the path methods find the no-op after K empty folders\n"
		"in PATH (default 0; at most what exec can pass)" },
	{ "fds", OPT_FDS, "LIST", "the parent holds this many more open descriptors\n"
		"(close-on-exec copies of /dev/null; default 0)" },
	{ "threads", OPT_THREADS, "LIST", "the parent has this many idle threads (default 0);\n"
		"such cells are measured in a child of the engine" },
	{ "parallel", OPT_PARALLEL, "LIST", "this many spawners run each cell at once, started\n"
		"together, one per CPU in the --pin policy's order" },
	{ "spawners", OPT_SPAWNERS, "K", "processes (default: each a fork of the parent, with\n"
		"the ballast) or threads (of one parent, sharing it)" },
	{ "oversubscribe", OPT_OVERSUBSCRIBE, NULL, "allow more spawners than CPUs" },
	{ "refine", OPT_REFINE, NULL, "after the sweep, measure sizes between those where a\n"
		"claim's ratio crosses a band edge, until each crossing\n"
		"is bracketed (on with the default profile's sizes)" },
	{ "refine-time", OPT_REFINE_TIME, "S", "at most S seconds of it (default 10)" },
	{ "no-refine", OPT_NO_REFINE, NULL, "no --refine, whatever the profile" },
	{ "rss", 'r', "LIST", "parent ballast sizes in MiB (default from the profile)" },
	{ "thp", OPT_THP, "LIST", "off (MADV_NOHUGEPAGE, default) or on (MADV_HUGEPAGE)" },
	{ "ballast", OPT_BALLAST, "LIST", "what the ballast is: anon (written, default),\n"
		"anon-untouched, shared-file (read in), dontfork, wipeonfork" },
	{ "vmas", OPT_VMAS, "N", "split the ballast into N mappings that cannot merge (default 1)" },
	{ "iterations", 'n', "N", "timed iterations per cell" },
	{ "min-time", OPT_MIN_TIME, "S", "else time budget per cell in seconds (default 0.5,\n"
		"at least 30 iterations), extended while the median's\n"
		"95% interval is wider than --precision" },
	{ "precision", OPT_PRECISION, "PCT", "wanted interval half-width, % of the median\n"
		"(default 2; 0 stops at --min-time)" },
	{ "max-time", OPT_MAX_TIME, "S", "longest a cell is extended to (default 10 x min-time)" },
	{ "rounds", OPT_ROUNDS, "N", "measure each cell in N windows spread over the run\n"
		"(default 10); the windows' medians give its interval" },
	{ "pin", OPT_PIN, "P", "same (default), smt, core, numa or none: where the run\n"
		"and its children may run, chosen with hwloc among the\n"
		"CPUs this process may use (affinity, cgroup cpuset)" },
	{ "cpus", OPT_CPUS, "A[,B]", "or these CPUs" },
	{ "phases", OPT_PHASES, NULL, "also time where each iteration goes: child start, parent\n"
		"resume, exec, exit and reap (exec methods then run the\n"
		"bundled stamp target, which records its entry and exit)" },
	{ "events", 'e', "LIST", "counters per operation, libpfm4 names (default: cycles,\n"
		"instructions, page-faults, context-switches,\n"
		"cpu-migrations, task-clock; none: no counting), counted\n"
		"in a pass of their own after each cell's timed windows" },
	{ "timeout", OPT_TIMEOUT, "S", "longest one iteration may take before its child is\n"
		"killed and the cell marked as an error (default:\n"
		"100 x the cell's first iterations, at least 10 s)" },
	{ "warmup", 'w', "N", "untimed iterations first (default 5)" },
	{ "target", OPT_TARGET, "T", "exec target: static (the bundled no-op, default), dynamic\n"
		"(a dynamically linked no-op), shell (/bin/sh -c static),\n"
		"or the path of a program" },
	{ "clone-flags", OPT_CLONE_FLAGS, "L", "run clone-custom with these clone flags, e.g. "
		"VM,FILES,NEWPID" },
	{ "then", OPT_THEN, "W", "what clone-custom's child does: exit (default) or exec" },
	{ "output", 'o', "DIR", "result folder (default results/<host>-<UTC time>)" },
	{ "samples", OPT_SAMPLES, "FORM", "how the folder keeps every sample: gz (samples.csv.gz,\n"
		"default), plain (samples.csv) or none" },
	{ "profile", OPT_PROFILE, "NAME", "quick (RSS 0,64), default (0,16,64,256,1024) or\n"
		"full (adds 4096 where memory allows; THP off and on)" },
	{ "help", OPT_HELP, NULL, "this text" },
	/* from the front end */
	{ "pin-why", OPT_PIN_WHY, "TEXT", NULL },
	{ "facts-fd", OPT_FACTS_FD, "FD", NULL },
	{ "event-spec", OPT_EVENT_SPEC, "SPECS", NULL },
	{ "front", OPT_FRONT, "PATH", NULL },
	{ "dir-fd", OPT_DIR_FD, "FD", NULL },
	{ "spawner-cpus", OPT_SPAWNER_CPUS, "LIST", NULL },
};

#define NOPTS (sizeof opts / sizeof opts[0])
#define HELP_COLUMN 23	/* where --help's texts start */

static void usage(FILE *f)
{
	fputs("usage: spawncost run [-m METHODS] [-r RSS_MIB_LIST] [--thp off|on[,...]]\n"
	      "                     [-n N | --min-time S] [-w N] [--target static|dynamic|shell|PATH]\n"
	      "                     [--clone-flags FLAGS [--then exit|exec]] [-o DIR]\n"
	      "                     [--profile quick|default|full]\n", f);
	for (size_t i = 0; i < NOPTS; i++) {
		const char *h = opts[i].help;
		int n;

		if (!h)
			continue;
		if (opts[i].key < 256)
			n = fprintf(f, "  -%c, --%s", opts[i].key, opts[i].name);
		else
			n = fprintf(f, "      --%s", opts[i].name);
		if (opts[i].arg)
			n += fprintf(f, " %s", opts[i].arg);
		fprintf(f, "%*s", n < HELP_COLUMN - 1 ? HELP_COLUMN - n : 1, "");
		for (const char *nl; (nl = strchr(h, '\n')); h = nl + 1)
			fprintf(f, "%.*s\n%*s", (int)(nl - h), h, HELP_COLUMN, "");
		fprintf(f, "%s\n", h);
	}
}

/* getopt_long's table and its short options, from opts. */
static void getopt_tables(struct option *lo, char *shorts)
{
	size_t k = 0;

	shorts[k++] = ':';
	for (size_t i = 0; i < NOPTS; i++) {
		lo[i] = (struct option){ opts[i].name, opts[i].arg ? required_argument : no_argument,
					 NULL, opts[i].key };
		if (opts[i].key < 256) {
			shorts[k++] = (char)opts[i].key;
			if (opts[i].arg)
				shorts[k++] = ':';
		}
	}
	lo[NOPTS] = (struct option){ 0 };
	shorts[k] = '\0';
}

/* The option only the front end gives the engine whose key this is, or
 * NULL. */
static const struct opt_spec *internal(int key)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].key == key)
			return opts[i].help ? NULL : &opts[i];
	return NULL;
}

/* What was given on the command line, kept as text until the profile says
 * what the unset ones are. */
struct given {
	const char *rss, *thp, *n, *min_time, *max_time, *precision, *methods, *clone_flags,
		*then, *refine_time;
	int refine;	/* 1: --refine, -1: --no-refine, 0: neither */
	const struct profile *profile;
};

static void defaults(struct run_opts *o)
{
	memset(o, 0, sizeof *o);
	o->budget.min_time = 0.5;
	o->budget.precision_pct = 2;
	o->budget.min_iterations = MIN_ITERATIONS;
	o->budget.warmup = 5;
	o->vmas = 1;
	/* Windows per cell: the unit every interval rests on (harness/common/
	 * winstats.h). Six is the fewest whose medians give a 95% interval;
	 * ten, shorter ones, in the time three took, give one that a passing
	 * slow spell of the machine moves by a rank, not a whole window. */
	o->rounds = 10;
	/* Pinned by default: unpinned, where the scheduler wakes the child
	 * moves small cells by up to 2x from run to run (docs/measuring.md). */
	o->pin = "same";
	o->pin_default = true;
	o->facts_fd = -1;
	o->dir_fd = -1;
	o->samples = "gz";
	o->refine_time = 10;
}

static int parse_pin(const char *arg, struct run_opts *o)
{
	if (strcmp(arg, "none") && strcmp(arg, "same") && strcmp(arg, "smt") &&
	    strcmp(arg, "core") && strcmp(arg, "numa"))
		return bad("--pin", "expected none, same, smt, core or numa");
	o->pin = arg;
	o->pin_default = false;
	return 0;
}

/* A number option whose value goes straight into o. */
static int take_number(int c, const char *arg, struct run_opts *o)
{
	char err[PARSE_ERR_LEN];
	uint64_t v;

	switch (c) {
	case OPT_ROUNDS:
		if (parse_u64(arg, 1, MAX_ROUNDS, &v, err))
			return bad("--rounds", err);
		o->rounds = (unsigned)v;
		return 0;
	case OPT_FACTS_FD:
	case OPT_DIR_FD:
		if (parse_u64(arg, 0, 65535, &v, err))
			return bad(c == OPT_DIR_FD ? "--dir-fd" : "--facts-fd", err);
		*(c == OPT_DIR_FD ? &o->dir_fd : &o->facts_fd) = (int)v;
		return 0;
	case OPT_VMAS:
		return parse_u64(arg, 1, MAX_VMAS, &o->vmas, err) ? bad("--vmas", err) : 0;
	case OPT_TIMEOUT:
		return parse_double(arg, 0.001, 86400, &o->budget.timeout, err) ? bad("--timeout", err)
										    : 0;
	case OPT_PATH_DIRS:
		if (parse_u64(arg, 0, MAX_PATH_DIRS, &v, err))
			return bad("--path-dirs", err);
		o->path_dirs = (unsigned)v;
		return 0;
	default: /* 'w' */
		return parse_u64(arg, 0, MAX_ITERATIONS, &o->budget.warmup, err) ? bad("--warmup", err)
										     : 0;
	}
}

/* One option. Returns 0, 1 after --help, or 2 after one line on stderr.
 * (Longer than 60 lines: one case per option of opts[], the table's other
 * half, read side by side with it.) */
static int take(int c, const char *arg, const char *name, struct run_opts *o, struct given *g)
{
	char err[PARSE_ERR_LEN];

	switch (c) {
	case 'm': g->methods = arg; return 0;
	case 'r': g->rss = arg; return 0;
	case 'n': g->n = arg; return 0;
	case OPT_THP: g->thp = arg; return 0;
	case OPT_MIN_TIME: g->min_time = arg; return 0;
	case OPT_MAX_TIME: g->max_time = arg; return 0;
	case OPT_PRECISION: g->precision = arg; return 0;
	case OPT_CLONE_FLAGS: g->clone_flags = arg; return 0;
	case OPT_THEN: g->then = arg; return 0;
	case OPT_BALLAST: return parse_ballast(arg, o);
	case OPT_PIN: return parse_pin(arg, o);
	case OPT_CPUS: return parse_cpus(arg, o);
	case OPT_EVENT_SPEC: return parse_specs(arg, o);
	case OPT_PHASES: o->phases = true; return 0;
	case OPT_FDS: return parse_shape("--fds", arg, MAX_FDS, o->fds, &o->nfds);
	case OPT_THREADS: return parse_shape("--threads", arg, MAX_THREADS, o->threads, &o->nthreads);
	case OPT_PARALLEL:
		o->parallel_given = true;
		return parse_shape("--parallel", arg, MAX_SPAWNERS, o->parallel, &o->nparallel);
	case OPT_SPAWNERS:
		if (strcmp(arg, "processes") && strcmp(arg, "threads"))
			return bad("--spawners", "expected processes or threads");
		o->spawner_threads = strcmp(arg, "threads") == 0;
		return 0;
	case OPT_OVERSUBSCRIBE: o->oversubscribe = true; return 0;
	case OPT_SPAWNER_CPUS: return parse_spawner_cpus(arg, o);
	case OPT_REFINE: g->refine = 1; return 0;
	case OPT_NO_REFINE: g->refine = -1; return 0;
	case OPT_REFINE_TIME: g->refine_time = arg; return 0;
	case OPT_FRONT: o->front = arg; return 0;
	case OPT_PIN_WHY: o->pin_why = arg; return 0;
	case OPT_ROUNDS: case OPT_FACTS_FD: case OPT_VMAS: case OPT_TIMEOUT: case OPT_PATH_DIRS:
	case OPT_DIR_FD: case 'w':
		return take_number(c, arg, o);
	case 'e':
		if (!arg[0])
			return bad("--events", "empty list (none counts nothing)");
		o->events_arg = arg;
		return 0;
	case OPT_TARGET:
		if (!arg[0])
			return bad("--target", "empty path");
		o->target_name = arg;
		return 0;
	case 'o':
		if (!arg[0])
			return bad("--output", "empty path");
		o->outdir = arg;
		return 0;
	case OPT_SAMPLES:
		if (strcmp(arg, "gz") && strcmp(arg, "plain") && strcmp(arg, "none"))
			return bad("--samples", "expected gz, plain or none");
		o->samples = arg;
		return 0;
	case OPT_PROFILE:
		if (!(g->profile = find_profile(arg))) {
			snprintf(err, sizeof err, "unknown profile '%s' (quick, default, full)", arg);
			return bad("--profile", err);
		}
		return 0;
	case OPT_HELP:
		usage(stdout);
		return 1;
	case ':':
		return bad(name, "needs a value");
	default:
		return bad(name, "unknown option (see spawncost run --help)");
	}
}

/* --pin against --cpus: the front end resolves a policy to CPUs, which the
 * engine needs (notes: this is the engine). */
static int settle_pin(struct run_opts *o, bool notes)
{
	if (o->ncpus && (o->pin_default || strcmp(o->pin, "none") == 0))
		o->pin = "cpus";
	else if (!o->ncpus && o->pin_default && notes)
		o->pin = "none";	/* the engine started by hand: nothing chose CPUs */
	else if (!o->ncpus && strcmp(o->pin, "none") != 0 && notes)
		return bad("--pin", "needs the CPUs it chose (run through spawncost)");
	return 0;
}

/* The runtime methods time their driver's own process: the engine's shape
 * and spawners are not theirs. */
static int check_runtimes(const struct run_opts *o)
{
	bool shaped = o->parallel_given || o->phases;

	for (size_t i = 0; i < o->nfds; i++)
		shaped |= o->fds[i] != 0;
	for (size_t i = 0; i < o->nthreads; i++)
		shaped |= o->threads[i] != 0;
	for (size_t i = 0; i < o->nmethods && shaped; i++)
		if (o->methods[i]->runtime)
			return bad("--methods", "the runtime methods time their driver's own process: "
						"not with --fds, --threads, --parallel or --phases");
	return 0;
}

/* What --parallel cannot go with. */
static int check_parallel(const struct run_opts *o)
{
	if (!o->parallel_given)
		return o->spawner_threads || o->oversubscribe
			       ? bad(o->spawner_threads ? "--spawners" : "--oversubscribe",
				     "goes with --parallel")
			       : 0;
	for (size_t i = 0; i < o->nparallel; i++)
		if (o->parallel[i] == 0)
			return bad("--parallel", "0 spawners measure nothing (1 or more)");
	for (size_t i = 0; i < o->nthreads; i++)
		if (o->threads[i])
			return bad("--parallel", "not with --threads: the spawners are the threads "
						 "(--spawners threads)");
	if (o->phases)
		return bad("--parallel", "not with --phases, which watches one spawner's children");
	for (size_t i = 0; i < o->nmethods; i++)
		if (o->methods[i]->per_page)
			return bad("--parallel", "not with the page-writing methods (cow, first-touch, "
						 "rewrite): spawners would write one shared ballast");
	return 0;
}

/* Methods, sizes and THP: as given, else the profile's. */
static int apply_sweep(struct run_opts *o, const struct given *g, bool notes)
{
	int rc;

	/* Default: the core six, or only clone-custom when flags are given. */
	if ((g->methods || !g->clone_flags) &&
	    (rc = parse_methods(g->methods ? g->methods : "core", o)))
		return rc;
	if (g->clone_flags && (rc = parse_clone_flags(g->clone_flags, g->then, o)))
		return rc;
	for (size_t i = 0; i < o->nmethods; i++)
		if (o->methods[i] == method_find("clone-custom") && !g->clone_flags)
			return bad("--methods", "clone-custom needs --clone-flags");
	if ((rc = parse_rss(g->rss ? g->rss : g->profile->rss, o)))
		return rc;
	if (!g->rss && strcmp(g->profile->name, "full") == 0) {
		/* full adds 4 GiB only where it fits: drop what does not. */
		long limit = ballast_limit_mib();
		size_t keep = 0;
		for (size_t i = 0; i < o->nrss; i++)
			if (limit < 0 || o->rss[i] <= (uint64_t)limit)
				o->rss[keep++] = o->rss[i];
			else if (notes)
				fprintf(stderr, "spawncost run: note: leaving out %llu MiB: "
					"only %ld MiB may be used here\n",
					(unsigned long long)o->rss[i], limit);
		o->nrss = keep;
	}
	if (o->nkinds == 0)
		o->kinds[o->nkinds++] = BALLAST_ANON;
	if (o->nfds == 0)
		o->fds[o->nfds++] = 0;
	if (o->nthreads == 0)
		o->threads[o->nthreads++] = 0;
	if (o->nparallel == 0)
		o->parallel[o->nparallel++] = 1;
	if ((rc = parse_thp(g->thp ? g->thp : g->profile->thp, o)))
		return rc;
	if ((rc = check_runtimes(o)))
		return rc;
	return check_parallel(o);
}


/* -n, or the time budget. */
static int apply_budget(struct run_opts *o, const struct given *g)
{
	char err[PARSE_ERR_LEN];

	if (g->n && parse_u64(g->n, 1, MAX_ITERATIONS, &o->budget.iterations, err))
		return bad("--iterations", err);
	/* no more windows than iterations: a window with none measures nothing */
	if (o->budget.iterations && o->budget.iterations < o->rounds)
		o->rounds = (unsigned)o->budget.iterations;
	if (g->min_time && parse_double(g->min_time, 0.001, 86400, &o->budget.min_time, err))
		return bad("--min-time", err);
	o->budget.max_time = 10 * o->budget.min_time;
	if (g->max_time && parse_double(g->max_time, 0.001, 864000, &o->budget.max_time, err))
		return bad("--max-time", err);
	if (o->budget.max_time < o->budget.min_time)
		return bad("--max-time", "is shorter than --min-time");
	if (g->precision && parse_double(g->precision, 0, 100, &o->budget.precision_pct, err))
		return bad("--precision", err);
	return 0;
}

/* --refine: asked for, or the default profile's sweep; and its time. */
static int apply_refine(struct run_opts *o, const struct given *g)
{
	char err[PARSE_ERR_LEN];

	if (g->refine_time && parse_double(g->refine_time, 0.001, 86400, &o->refine_time, err))
		return bad("--refine-time", err);
	if (g->refine == -1 && g->refine_time)
		return bad("--refine-time", "goes with --refine, not --no-refine");
	o->refine = g->refine == 1 ||
		    (g->refine == 0 && !g->rss && strcmp(g->profile->name, "default") == 0 &&
		     o->nrss > 1);
	if (g->refine == 1 && o->nrss < 2)
		return bad("--refine", "needs two parent sizes or more (-r A,B,...) to search between");
	return 0;
}

int run_parse(int argc, char **argv, struct run_opts *o, bool notes)
{
	struct given g = { .profile = find_profile("default") };
	struct option lo[NOPTS + 1];
	char shorts[2 * NOPTS + 2];
	int c, rc;

	defaults(o);
	getopt_tables(lo, shorts);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		/* the engine takes what the front end hands it; users do not */
		const struct opt_spec *in = notes ? NULL : internal(c);
		char name[32];

		if (in) {
			snprintf(name, sizeof name, "--%s", in->name);
			return bad(name, "the front end's own option, not one to give "
				   "(see spawncost run --help)");
		}
		if ((rc = take(c, optarg, argv[optind - 1], o, &g)))
			return rc;
	}
	if (optind < argc)
		return bad(argv[optind], "unexpected argument (see spawncost run --help)");
	if (g.n && (g.min_time || g.max_time || g.precision))
		return bad("-n", "a fixed count takes no --min-time, --max-time or --precision");
	if (g.then && !g.clone_flags)
		return bad("--then", "goes with --clone-flags");
	if ((rc = settle_pin(o, notes)) || (rc = apply_sweep(o, &g, notes)) ||
	    (rc = apply_budget(o, &g)) || (rc = apply_refine(o, &g)))
		return rc;
	return 0;
}

