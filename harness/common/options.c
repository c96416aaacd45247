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
#include "optvalues.h"
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

static const struct profile *find_profile(const char *name)
{
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}


/* What was given on the command line, kept as text until the profile says
 * what the unset ones are. */
struct given {
	const char *rss, *thp, *n, *min_time, *max_time, *precision, *methods, *clone_flags,
		*then, *refine_time;
	const char *refine;	/* "yes": --refine, "no": --no-refine, NULL: neither */
	const char *profile_name;
	const struct profile *profile;	/* --profile's, or the default */
};

static void usage(FILE *f);

static int take_help(const char *arg, struct run_opts *o)
{
	(void)arg;
	(void)o;
	usage(stdout);
	return 1;
}

/* How an option is taken: its value kept as text in struct given, or a
 * flag of the options set. */
#define GIVEN(field) .given = offsetof(struct given, field) + 1
#define FLAG(field) .flag = offsetof(struct run_opts, field) + 1

/* The run's options, in one table: the parser, --help and (checked by
 * tests/cli/options.bats) man/spawncost-run.1 all follow it. An option is
 * its long name, its short letter (or 0), the name of its value (NULL: it
 * takes none), its --help text (each line after the first indented by the
 * usage's column) and how it is taken: by a function of optvalues.c into
 * the options (.take), kept as text until the profile is known (GIVEN,
 * with .value for an option that takes none), or a flag (FLAG). Internal
 * ones (help NULL) are what the front end hands the engine, and are
 * refused from users. Adding an option is a line here (and its function,
 * if it takes a value of its own kind). */
static const struct opt_spec {
	const char *name;
	char letter;
	const char *arg, *help;
	int (*take)(const char *arg, struct run_opts *o);
	size_t given, flag;	/* offset + 1 in struct given, struct run_opts; 0: none */
	const char *value;
} opts[] = {
	{ "methods", 'm', "LIST", "comma list of methods and groups: core (default), clone,\n"
		"ns, clone3, exec, path, cow, all (the C roads), runtimes\n"
		"(language runtimes: see spawncost list)", GIVEN(methods) },
	{ "path-dirs", 0, "K", "the path methods find the no-op after K empty folders\n"
		"in PATH (default 0; at most what exec can pass)", .take = parse_path_dirs },
	{ "fds", 0, "LIST", "the parent holds this many more open descriptors\n"
		"(close-on-exec copies of /dev/null; default 0)", .take = parse_fds },
	{ "threads", 0, "LIST", "the parent has this many idle threads (default 0);\n"
		"such cells are measured in a child of the engine", .take = parse_threads },
	{ "parallel", 0, "LIST", "this many spawners run each cell at once, started\n"
		"together, one per CPU in the --pin policy's order", .take = parse_parallel },
	{ "spawners", 0, "K", "processes (default: each a fork of the parent, with\n"
		"the ballast) or threads (of one parent, sharing it)", .take = parse_spawners },
	{ "oversubscribe", 0, NULL, "allow more spawners than CPUs", FLAG(oversubscribe) },
	{ "refine", 0, NULL, "after the sweep, measure sizes between those where a\n"
		"claim's ratio crosses a band edge, until each crossing\n"
		"is bracketed (on with the default profile's sizes)", GIVEN(refine), .value = "yes" },
	{ "refine-time", 0, "S", "at most S seconds of it (default 10)", GIVEN(refine_time) },
	{ "no-refine", 0, NULL, "no --refine, whatever the profile", GIVEN(refine), .value = "no" },
	{ "rss", 'r', "LIST", "parent ballast sizes in MiB (default from the profile)", GIVEN(rss) },
	{ "thp", 0, "LIST", "off (MADV_NOHUGEPAGE, default) or on (MADV_HUGEPAGE)", GIVEN(thp) },
	{ "ballast", 0, "LIST", "what the ballast is: anon (written, default),\n"
		"anon-untouched, shared-file (read in), dontfork, wipeonfork", .take = parse_ballast },
	{ "vmas", 0, "N", "split the ballast into N mappings that cannot merge (default 1)", .take = parse_vmas },
	{ "iterations", 'n', "N", "timed iterations per cell", GIVEN(n) },
	{ "min-time", 0, "S", "else time budget per cell in seconds (default 0.5,\n"
		"at least 30 iterations), extended while the median's\n"
		"95% interval is wider than --precision", GIVEN(min_time) },
	{ "precision", 0, "PCT", "wanted interval half-width, % of the median\n"
		"(default 2; 0 stops at --min-time)", GIVEN(precision) },
	{ "max-time", 0, "S", "longest a cell is extended to (default 10 x min-time)", GIVEN(max_time) },
	{ "rounds", 0, "N", "measure each cell in N windows spread over the run\n"
		"(default 10); the windows' medians give its interval", .take = parse_rounds },
	{ "pin", 0, "P", "same (default), smt, core, numa or none: where the run\n"
		"and its children may run, chosen with hwloc among the\n"
		"CPUs this process may use (affinity, cgroup cpuset)", .take = parse_pin },
	{ "cpus", 0, "A[,B]", "or these CPUs", .take = parse_cpus },
	{ "phases", 0, NULL, "the probes (untimed: one before each window, one after\n"
		"every 16 timed iterations) also stamp where a round trip\n"
		"goes: child start, parent resume, exec, exit + reap\n"
		"(with the static target, exec methods' probes run the\n"
		"stamp no-op); timed iterations and their target are as\n"
		"without --phases", FLAG(phases) },
	{ "events", 'e', "LIST", "counters per operation, libpfm4 names (default: cycles,\n"
		"instructions, page-faults, context-switches,\n"
		"cpu-migrations, task-clock; none: no counting), counted\n"
		"in a pass of their own after each cell's timed windows", .take = parse_events },
	{ "timeout", 0, "S", "longest one iteration may take before its child is\n"
		"killed and the cell marked as an error (default:\n"
		"100 x the cell's first iterations, at least 10 s)", .take = parse_timeout },
	{ "warmup", 'w', "N", "untimed iterations first (default 5)", .take = parse_warmup },
	{ "target", 0, "T", "exec target: static (the bundled no-op, default), dynamic\n"
		"(a dynamically linked no-op), shell (/bin/sh -c static),\n"
		"or the path of a program", .take = parse_target },
	{ "clone-flags", 0, "L", "run clone-custom with these clone flags, e.g. "
		"VM,FILES,NEWPID", GIVEN(clone_flags) },
	{ "then", 0, "W", "what clone-custom's child does: exit (default) or exec", GIVEN(then) },
	{ "output", 'o', "DIR", "result folder (default results/<host>-<UTC time>)", .take = parse_output },
	{ "label", 0, "TEXT", "what this run is (e.g. \"6.19-rc1 + patch\"), kept in\n"
		"env.txt and meta.json: compare, its charts and the fleet\n"
		"table name the run by it (else by host and kernel);\n"
		"printable ASCII, at most 64 characters", .take = parse_label },
	{ "json", 0, NULL, "then the run's summary, verdicts and one-line answers as\n"
		"one JSON document on stdout (spawncost report --json);\n"
		"the closing table goes to stderr", FLAG(json) },
	{ "samples", 0, "FORM", "how the folder keeps every sample: gz (samples.csv.gz,\n"
		"default), plain (samples.csv) or none", .take = parse_samples },
	{ "profile", 0, "NAME", "quick (RSS 0,64), default (0,16,64,256,1024) or\n"
		"full (adds 4096 where memory allows; THP off and on)", GIVEN(profile_name) },
	{ "help", 0, NULL, "this text", .take = take_help },
	/* from the front end */
	{ "pin-why", 0, "TEXT", NULL, .take = take_pin_why },
	{ "facts-fd", 0, "FD", NULL, .take = parse_facts_fd },
	{ "event-spec", 0, "SPECS", NULL, .take = parse_specs },
	{ "front", 0, "PATH", NULL, .take = take_front },
	{ "dir-fd", 0, "FD", NULL, .take = parse_dir_fd },
	{ "spawner-cpus", 0, "LIST", NULL, .take = parse_spawner_cpus },
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
		if (opts[i].letter)
			n = fprintf(f, "  -%c, --%s", opts[i].letter, opts[i].name);
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

/* What getopt_long returns for opts[i]: its letter, or 256 + i. */
static int key_of(size_t i)
{
	return opts[i].letter ? opts[i].letter : 256 + (int)i;
}

/* getopt_long's table and its short options, from opts. */
static void getopt_tables(struct option *lo, char *shorts)
{
	size_t k = 0;

	shorts[k++] = ':';
	for (size_t i = 0; i < NOPTS; i++) {
		lo[i] = (struct option){ opts[i].name, opts[i].arg ? required_argument : no_argument,
					 NULL, key_of(i) };
		if (opts[i].letter) {
			shorts[k++] = opts[i].letter;
			if (opts[i].arg)
				shorts[k++] = ':';
		}
	}
	lo[NOPTS] = (struct option){ 0 };
	shorts[k] = '\0';
}

/* The option getopt_long returned key for, or NULL (unknown, or a value
 * missing). */
static const struct opt_spec *spec_of(int key)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (key_of(i) == key)
			return &opts[i];
	return NULL;
}

/* One option, as its line of opts says. Returns 0, 1 after --help, or 2
 * after one line on stderr. */
static int take(const struct opt_spec *s, const char *arg, struct run_opts *o, struct given *g)
{
	if (s->given)
		*(const char **)((char *)g + s->given - 1) = s->value ? s->value : arg;
	else if (s->flag)
		*(bool *)((char *)o + s->flag - 1) = true;
	else
		return s->take(arg, o);
	return 0;
}

bool run_opt_handoff(const char *arg)
{
	size_t len;

	if (strncmp(arg, "--", 2) != 0)
		return false;
	arg += 2;
	len = strcspn(arg, "=");
	for (size_t i = 0; i < NOPTS; i++)
		if (!opts[i].help && strlen(opts[i].name) == len && !strncmp(opts[i].name, arg, len))
			return true;
	return false;
}


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


/* --pin against --cpus: the front end resolves a policy to CPUs, which the
 * engine needs (notes: this is the engine). */
static int settle_pin(struct run_opts *o, bool notes)
{
	if (o->ncpus && (o->pin_default || strcmp(o->pin, "none") == 0))
		o->pin = "cpus";
	else if (!o->ncpus && o->pin_default && notes)
		o->pin = "none";	/* the engine started by hand: nothing chose CPUs */
	else if (!o->ncpus && strcmp(o->pin, "none") != 0 && notes)
		return opt_bad("--pin", "needs the CPUs it chose (run through spawncost)");
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
			return opt_bad("--methods", "the runtime methods time their driver's own process: "
						"not with --fds, --threads, --parallel or --phases");
	return 0;
}

/* What --parallel cannot go with. */
static int check_parallel(const struct run_opts *o)
{
	if (!o->parallel_given)
		return o->spawner_threads || o->oversubscribe
			       ? opt_bad(o->spawner_threads ? "--spawners" : "--oversubscribe",
				     "goes with --parallel")
			       : 0;
	for (size_t i = 0; i < o->nparallel; i++)
		if (o->parallel[i] == 0)
			return opt_bad("--parallel", "0 spawners measure nothing (1 or more)");
	for (size_t i = 0; i < o->nthreads; i++)
		if (o->threads[i])
			return opt_bad("--parallel", "not with --threads: the spawners are the threads "
						 "(--spawners threads)");
	if (o->phases)
		return opt_bad("--parallel", "not with --phases, which watches one spawner's children");
	for (size_t i = 0; i < o->nmethods; i++)
		if (o->methods[i]->per_page)
			return opt_bad("--parallel", "not with the page-writing methods (cow, first-touch, "
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
			return opt_bad("--methods", "clone-custom needs --clone-flags");
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
		return opt_bad("--iterations", err);
	/* no more windows than iterations: a window with none measures nothing */
	if (o->budget.iterations && o->budget.iterations < o->rounds)
		o->rounds = (unsigned)o->budget.iterations;
	if (g->min_time && parse_double(g->min_time, 0.001, 86400, &o->budget.min_time, err))
		return opt_bad("--min-time", err);
	o->budget.max_time = 10 * o->budget.min_time;
	if (g->max_time && parse_double(g->max_time, 0.001, 864000, &o->budget.max_time, err))
		return opt_bad("--max-time", err);
	if (o->budget.max_time < o->budget.min_time)
		return opt_bad("--max-time", "is shorter than --min-time");
	if (g->precision && parse_double(g->precision, 0, 100, &o->budget.precision_pct, err))
		return opt_bad("--precision", err);
	return 0;
}

/* --refine: asked for, or the default profile's sweep; and its time. */
static int apply_refine(struct run_opts *o, const struct given *g)
{
	bool yes = g->refine && strcmp(g->refine, "yes") == 0;
	char err[PARSE_ERR_LEN];

	if (g->refine_time && parse_double(g->refine_time, 0.001, 86400, &o->refine_time, err))
		return opt_bad("--refine-time", err);
	if (g->refine && !yes && g->refine_time)
		return opt_bad("--refine-time", "goes with --refine, not --no-refine");
	o->refine = yes ||
		    (!g->refine && !g->rss && strcmp(g->profile->name, "default") == 0 &&
		     o->nrss > 1);
	if (yes && o->nrss < 2)
		return opt_bad("--refine",
			       "needs two parent sizes or more (-r A,B,...) to search between");
	return 0;
}

int run_parse(int argc, char **argv, struct run_opts *o, bool notes)
{
	struct given g = { .profile_name = "default" };
	char err[PARSE_ERR_LEN];
	struct option lo[NOPTS + 1];
	char shorts[2 * NOPTS + 2];
	int c, rc;

	defaults(o);
	getopt_tables(lo, shorts);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct opt_spec *spec = spec_of(c);
		char name[32];

		if (c == ':')
			return opt_bad(argv[optind - 1], "needs a value");
		if (!spec)
			return opt_bad(argv[optind - 1], "unknown option (see spawncost run --help)");
		/* the engine takes what the front end hands it; users do not */
		if (!notes && !spec->help) {
			snprintf(name, sizeof name, "--%s", spec->name);
			return opt_bad(name, "the front end's own option, not one to give "
				       "(see spawncost run --help)");
		}
		if ((rc = take(spec, optarg, o, &g)))
			return rc;
	}
	if (!(g.profile = find_profile(g.profile_name))) {
		snprintf(err, sizeof err, "unknown profile '%s' (quick, default, full)", g.profile_name);
		return opt_bad("--profile", err);
	}
	if (optind < argc)
		return opt_bad(argv[optind], "unexpected argument (see spawncost run --help)");
	if (g.n && (g.min_time || g.max_time || g.precision))
		return opt_bad("-n", "a fixed count takes no --min-time, --max-time or --precision");
	if (g.then && !g.clone_flags)
		return opt_bad("--then", "goes with --clone-flags");
	if ((rc = settle_pin(o, notes)) || (rc = apply_sweep(o, &g, notes)) ||
	    (rc = apply_budget(o, &g)) || (rc = apply_refine(o, &g)))
		return rc;
	return 0;
}

