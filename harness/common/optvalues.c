/* The values of `spawncost run`'s options (options.c's table names which
 * option each takes): lists and numbers, checked strictly, each into the
 * run's options. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "optvalues.h"
#include "parse.h"

int opt_bad(const char *what, const char *why)
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
		return opt_bad("--methods", "too many methods");
	o->methods[o->nmethods++] = m;
	return 0;
}

/* Lists are split in a copy: argv is handed on to the engine intact. */
int parse_methods(const char *arg, struct run_opts *o)
{
	char buf[4096], *items[MAX_METHODS], err[PARSE_ERR_LEN];
	size_t n;

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return opt_bad("--methods", "list too long");
	if (split_list(buf, items, MAX_METHODS, &n, err))
		return opt_bad("--methods", err);
	for (size_t i = 0; i < n; i++) {
		const struct method *m = method_find(items[i]);
		int rc;

		for (size_t j = 0; j < i; j++)
			if (strcmp(items[i], items[j]) == 0) {
				snprintf(err, sizeof err, "'%s' named twice", items[i]);
				return opt_bad("--methods", err);
			}
		if (is_group(items[i])) {
			for (const struct method *const *g = methods; *g; g++)
				if (method_in_group(*g, items[i]) && (rc = add_method(o, *g)))
					return rc;
			continue;
		}
		if (!m) {
			snprintf(err, sizeof err, "unknown method '%s' (see spawncost list)", items[i]);
			return opt_bad("--methods", err);
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

int parse_clone_flags(const char *arg, const char *then, struct run_opts *o)
{
	char buf[512], *items[32], err[PARSE_ERR_LEN];
	size_t n, used = 0;

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return opt_bad("--clone-flags", "list too long");
	if (split_list(buf, items, 32, &n, err))
		return opt_bad("--clone-flags", err);
	used = (size_t)snprintf(o->variant, sizeof o->variant, "flags=");
	for (size_t i = 0; i < n; i++) {
		size_t k = 0, count = sizeof clone_flag_names / sizeof clone_flag_names[0];
		while (k < count && strcmp(items[i], clone_flag_names[k].name) != 0)
			k++;
		if (k == count) {
			snprintf(err, sizeof err, "unknown flag '%s' (known: VM, FS, FILES, SIGHAND, "
				 "PTRACE, VFORK, THREAD, SYSVSEM, IO, NEW{NS,CGROUP,UTS,IPC,USER,PID,NET})",
				 items[i]);
			return opt_bad("--clone-flags", err);
		}
		if (o->clone_flags & clone_flag_names[k].flag) {
			snprintf(err, sizeof err, "flag '%s' named twice", items[i]);
			return opt_bad("--clone-flags", err);
		}
		o->clone_flags |= clone_flag_names[k].flag;
		used += (size_t)snprintf(o->variant + used, sizeof o->variant - used, "%s%s",
					 i ? "|" : "", items[i]);
	}
	if (then && strcmp(then, "exec") != 0 && strcmp(then, "exit") != 0)
		return opt_bad("--then", "expected exit or exec");
	o->then_exec = then && strcmp(then, "exec") == 0;
	/* exec in a thread replaces every thread of the process, the harness
	 * included: no round trip could be timed. */
	if (o->then_exec && (o->clone_flags & CLONE_THREAD))
		return opt_bad("--then exec", "a THREAD child's exec would replace spawncost itself");
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
		return opt_bad(name, "list too long");
	if (split_list(buf, items, cap < MAX_RSS ? cap : MAX_RSS, n, err))
		return opt_bad(name, err);
	for (size_t i = 0; i < *n; i++) {
		if (parse_u64(items[i], 0, max, &out[i], err))
			return opt_bad(name, err);
		for (size_t j = 0; j < i; j++)
			if (out[j] == out[i])
				return opt_bad(name, twice);
	}
	return 0;
}

int parse_rss(const char *arg, struct run_opts *o)
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

int parse_fds(const char *arg, struct run_opts *o)
{
	return parse_shape("--fds", arg, MAX_FDS, o->fds, &o->nfds);
}

int parse_threads(const char *arg, struct run_opts *o)
{
	return parse_shape("--threads", arg, MAX_THREADS, o->threads, &o->nthreads);
}

int parse_parallel(const char *arg, struct run_opts *o)
{
	o->parallel_given = true;
	return parse_shape("--parallel", arg, MAX_SPAWNERS, o->parallel, &o->nparallel);
}

/* --spawner-cpus: the CPUs spawners bind to, in order (the front end's). */
int parse_spawner_cpus(const char *arg, struct run_opts *o)
{
	/* held for the run; on the heap, not a 16 KiB .bss that would be a
	 * mapping of the parent's own (harness/engine/child.c, own_stack) */
	static int *cpus;
	char err[PARSE_ERR_LEN];
	const char *p = arg;

	if (!cpus && !(cpus = malloc(MAX_SPAWNERS * sizeof *cpus)))
		return opt_bad("--spawner-cpus", "out of memory");
	o->nspawner_cpus = 0;
	while (*p) {
		char item[16];
		size_t len = strcspn(p, ",");
		uint64_t v;

		if (len == 0 || len >= sizeof item || o->nspawner_cpus == MAX_SPAWNERS)
			return opt_bad("--spawner-cpus", "expected a list of CPU numbers");
		memcpy(item, p, len);
		item[len] = '\0';
		if (parse_u64(item, 0, CPU_SETSIZE - 1, &v, err))
			return opt_bad("--spawner-cpus", err);
		cpus[o->nspawner_cpus++] = (int)v;
		p += len + (p[len] == ',');
	}
	o->spawner_cpus = cpus;
	return 0;
}

int parse_thp(const char *arg, struct run_opts *o)
{
	char buf[64], *items[2], err[PARSE_ERR_LEN];

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return opt_bad("--thp", "expected off, on or off,on");
	if (split_list(buf, items, 2, &o->nthp, err))
		return opt_bad("--thp", err);
	for (size_t i = 0; i < o->nthp; i++) {
		if (strcmp(items[i], "off") == 0)
			o->thp[i] = THP_OFF;
		else if (strcmp(items[i], "on") == 0)
			o->thp[i] = THP_ON;
		else
			return opt_bad("--thp", "expected off, on or off,on");
	}
	if (o->nthp == 2 && o->thp[0] == o->thp[1])
		return opt_bad("--thp", "a setting is named twice");
	return 0;
}

int parse_ballast(const char *arg, struct run_opts *o)
{
	char buf[256], *items[BALLAST_KINDS], err[PARSE_ERR_LEN];

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return opt_bad("--ballast", "list too long");
	if (split_list(buf, items, BALLAST_KINDS, &o->nkinds, err))
		return opt_bad("--ballast", err);
	for (size_t i = 0; i < o->nkinds; i++) {
		int k = 0;
		while (k < BALLAST_KINDS && strcmp(items[i], ballast_names[k]) != 0)
			k++;
		if (k == BALLAST_KINDS) {
			snprintf(err, sizeof err, "unknown kind '%s' (anon, anon-untouched, "
				 "shared-file, dontfork, wipeonfork)", items[i]);
			return opt_bad("--ballast", err);
		}
		for (size_t j = 0; j < i; j++)
			if (o->kinds[j] == (enum ballast_kind)k)
				return opt_bad("--ballast", "a kind is named twice");
		o->kinds[i] = (enum ballast_kind)k;
	}
	return 0;
}

/* --event-spec: the counters the front end resolved, as name:type:config:... */
int parse_specs(const char *arg, struct run_opts *o)
{
	char buf[EVENT_MAX * EVENT_SPEC_TEXT_LEN], *items[EVENT_MAX], err[PARSE_ERR_LEN];

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return opt_bad("--event-spec", "list too long");
	if (split_list(buf, items, EVENT_MAX, &o->nspecs, err))
		return opt_bad("--event-spec", err);
	for (size_t i = 0; i < o->nspecs; i++)
		if (event_spec_parse(items[i], &o->specs[i], err, sizeof err))
			return opt_bad("--event-spec", err);
	return 0;
}

/* --cpus A[,B]: one or two distinct CPUs this process may use. */
int parse_cpus(const char *arg, struct run_opts *o)
{
	char buf[64], *items[2], err[PARSE_ERR_LEN];
	cpu_set_t allowed;

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return opt_bad("--cpus", "expected A or A,B");
	if (split_list(buf, items, 2, &o->ncpus, err))
		return opt_bad("--cpus", err);
	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
		CPU_ZERO(&allowed);
	for (size_t i = 0; i < o->ncpus; i++) {
		uint64_t v;
		if (parse_u64(items[i], 0, CPU_SETSIZE - 1, &v, err))
			return opt_bad("--cpus", err);
		if (!CPU_ISSET((int)v, &allowed)) {
			char list[96], why[PARSE_ERR_LEN + sizeof list];

			snprintf(why, sizeof why, "CPU %llu is not one this process may use: its "
				 "affinity or cgroup cpuset allows CPUs %s", (unsigned long long)v,
				 env_cpus_allowed(list, sizeof list));
			return opt_bad("--cpus", why);
		}
		o->cpus[i] = (int)v;
	}
	if (o->ncpus == 2 && o->cpus[0] == o->cpus[1])
		return opt_bad("--cpus", "a CPU is named twice");
	snprintf(o->cpus_text, sizeof o->cpus_text, o->ncpus == 2 ? "%d %d" : "%d", o->cpus[0],
		 o->cpus[1]);
	return 0;
}

int parse_pin(const char *arg, struct run_opts *o)
{
	if (strcmp(arg, "none") && strcmp(arg, "same") && strcmp(arg, "smt") &&
	    strcmp(arg, "core") && strcmp(arg, "numa"))
		return opt_bad("--pin", "expected none, same, smt, core or numa");
	o->pin = arg;
	o->pin_default = false;
	return 0;
}

/* --label: one line of printable ASCII, short enough for a chart's key
 * (MAX_LABEL); it is an env.txt value, so no newline can end it early. */
int parse_label(const char *arg, struct run_opts *o)
{
	size_t len = strlen(arg);
	char err[PARSE_ERR_LEN];

	if (len == 0)
		return opt_bad("--label", "empty (say what the run is, e.g. \"patched kernel\")");
	if (len > MAX_LABEL) {
		snprintf(err, sizeof err, "%zu characters, more than %d", len, MAX_LABEL);
		return opt_bad("--label", err);
	}
	for (const unsigned char *p = (const unsigned char *)arg; *p; p++)
		if (*p < ' ' || *p > '~')
			return opt_bad("--label", "holds a character that is not printable ASCII "
				   "(a newline, a tab, a control or a non-ASCII byte)");
	if (arg[0] == ' ' || arg[len - 1] == ' ')
		return opt_bad("--label", "starts or ends with a blank");
	o->label = arg;
	return 0;
}

int parse_spawners(const char *arg, struct run_opts *o)
{
	if (strcmp(arg, "processes") && strcmp(arg, "threads"))
		return opt_bad("--spawners", "expected processes or threads");
	o->spawner_threads = strcmp(arg, "threads") == 0;
	return 0;
}

int parse_events(const char *arg, struct run_opts *o)
{
	if (!arg[0])
		return opt_bad("--events", "empty list (none counts nothing)");
	o->events_arg = arg;
	return 0;
}

int parse_target(const char *arg, struct run_opts *o)
{
	if (!arg[0])
		return opt_bad("--target", "empty path");
	o->target_name = arg;
	return 0;
}

int parse_output(const char *arg, struct run_opts *o)
{
	if (!arg[0])
		return opt_bad("--output", "empty path");
	o->outdir = arg;
	return 0;
}

int parse_samples(const char *arg, struct run_opts *o)
{
	if (strcmp(arg, "gz") && strcmp(arg, "plain") && strcmp(arg, "none"))
		return opt_bad("--samples", "expected gz, plain or none");
	o->samples = arg;
	return 0;
}

/* The numbers, each straight into o. */

/* A whole number from lo to hi for option name into *v; 0, or 2 after
 * one line on stderr. */
static int number(const char *name, const char *arg, uint64_t lo, uint64_t hi, uint64_t *v)
{
	char err[PARSE_ERR_LEN];

	return parse_u64(arg, lo, hi, v, err) ? opt_bad(name, err) : 0;
}

int parse_rounds(const char *arg, struct run_opts *o)
{
	uint64_t v;
	int rc = number("--rounds", arg, 1, MAX_ROUNDS, &v);

	if (!rc)
		o->rounds = (unsigned)v;
	return rc;
}

int parse_vmas(const char *arg, struct run_opts *o)
{
	return number("--vmas", arg, 1, MAX_VMAS, &o->vmas);
}

int parse_timeout(const char *arg, struct run_opts *o)
{
	char err[PARSE_ERR_LEN];

	return parse_double(arg, 0.001, 86400, &o->budget.timeout, err) ? opt_bad("--timeout", err)
									  : 0;
}

int parse_path_dirs(const char *arg, struct run_opts *o)
{
	uint64_t v;
	int rc = number("--path-dirs", arg, 0, MAX_PATH_DIRS, &v);

	if (!rc)
		o->path_dirs = (unsigned)v;
	return rc;
}

int parse_warmup(const char *arg, struct run_opts *o)
{
	return number("--warmup", arg, 0, MAX_ITERATIONS, &o->budget.warmup);
}

/* What the front end hands the engine. */

/* A descriptor the front end left open for the engine. */
static int descriptor(const char *name, const char *arg, int *fd)
{
	uint64_t v;
	int rc = number(name, arg, 0, 65535, &v);

	if (!rc)
		*fd = (int)v;
	return rc;
}

int parse_facts_fd(const char *arg, struct run_opts *o)
{
	return descriptor("--facts-fd", arg, &o->facts_fd);
}

int parse_dir_fd(const char *arg, struct run_opts *o)
{
	return descriptor("--dir-fd", arg, &o->dir_fd);
}

int take_front(const char *arg, struct run_opts *o)
{
	o->front = arg;
	return 0;
}

int take_pin_why(const char *arg, struct run_opts *o)
{
	o->pin_why = arg;
	return 0;
}
