/* spawncost: what it costs Linux to create a process.
 * The commands, and the one table that routes to them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "drivers.h"
#include "env.h"
#include "events.h"
#include "export.h"
#include "history.h"
#include "meta.h"
#include "methods.h"
#include "report.h"
#include "launch.h"
#include "stdstreams.h"
#include "target.h"
#include "topo.h"
#include "version.h"

static int cmd_list(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "spawncost list: takes no arguments\n");
		return 2;
	}
	for (const struct method *const *m = methods; *m; m++) {
		printf("%s\t%s", (*m)->name, (*m)->summary);
		if ((*m)->unavailable)
			printf(" (unavailable: %s)", (*m)->unavailable);
		printf("\t%s\n", (*m)->syscall);
	}
	return 0;
}

/* spawncost driver METHOD [MIB [COUNT]]: the command line the engine starts
 * a runtime method's driver with, one argument per line (for
 * scripts/runtime-syscalls, and for running a driver by hand). */
static int cmd_driver(int argc, char **argv)
{
	const struct method *m = argc > 1 ? method_find(argv[1]) : NULL;
	char noop[4096], dir[4096], buf[8192], *args[16], *end;
	double mib = 0;
	unsigned long long count = 1;
	const char *slash;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "spawncost driver: usage: spawncost driver METHOD [MIB [COUNT]]\n");
		return 2;
	}
	if (!m || !m->runtime) {
		fprintf(stderr, "spawncost driver: %s: not a runtime method (spawncost list)\n",
			argv[1]);
		return 2;
	}
	if (argc > 2 && (mib = strtod(argv[2], &end), *end || end == argv[2] || !(mib >= 0) ||
			 mib > 4194304)) {
		fprintf(stderr, "spawncost driver: %s: not a size in MiB\n", argv[2]);
		return 2;
	}
	if (argc > 3 && (count = strtoull(argv[3], &end, 10), *end || end == argv[3] ||
			 count == 0 || argv[3][0] == '-')) {
		fprintf(stderr, "spawncost driver: %s: not a count (1 or more)\n", argv[3]);
		return 2;
	}
	if (!bundled("spawncost-noop", noop, sizeof noop) || !(slash = strrchr(noop, '/'))) {
		fprintf(stderr, "spawncost driver: the no-op is not next to spawncost (make)\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%.*s/runtimes", (int)(slash - noop), noop);
	if (driver_argv(m, dir, noop, (uint64_t)(mib * 4) * 256, count, 0, buf, sizeof buf, args))
		return 2;
	for (char **a = args; *a; a++)
		printf("%s\n", *a);
	return 0;
}

static int cmd_env(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "spawncost env: takes no arguments\n");
		return 2;
	}
	env_write(stdout);
	env_write_load(stdout, "load_avg");
	return 0;
}

/* The commands, with the line `spawncost --help` gives each (and
 * tests/cli/commands.bats checks that man/spawncost.1 has each). */
static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "list", cmd_list, "the methods, one per line: name<TAB>summary<TAB>syscall and flags" },
	{ "driver", cmd_driver,
	  "the command that starts a runtime method's driver (METHOD [MIB [COUNT]])" },
	{ "env", cmd_env, "machine facts as key=value lines" },
	{ "events", cmd_events,
	  "what this machine can count: PMUs and counters (spawncost events --help)" },
	{ "run", cmd_run_front, "measure methods across parent sizes (spawncost run --help)" },
	{ "report", cmd_report,
	  "verdicts on the claims, and DIR/report.md (spawncost report --help)" },
	{ "compare", cmd_compare, "compare two runs cell by cell; exit 1 on a regression (CI gate)" },
	{ "export", cmd_export, "a run as gbench, github-action-benchmark or bencher JSON" },
	{ "history", cmd_history,
	  "change points over many runs, per cell and claim ratio (spawncost history --help)" },
	{ "topo", cmd_topo, "the CPU topology, and what --pin would pick (spawncost topo --help)" },
	{ "meta", cmd_meta, "DIR/env.txt as DIR/meta.json, for tools" },
};

static void usage(FILE *f)
{
	fputs("usage: spawncost COMMAND [ARGS]\n", f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s  %s\n", commands[i].name, commands[i].help);
	fputs("  --help      this text\n"
	      "  --version   the version\n", f);
}

static int command(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "spawncost: no command given (see spawncost --help)\n");
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("spawncost %s (%s)\n", SPAWNCOST_VERSION, SPAWNCOST_GIT);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "spawncost: unknown command '%s' (see spawncost --help)\n", argv[1]);
	return 2;
}

/* No setlocale(): a C program stays in the C locale, so every figure it
 * writes or reads has a decimal point whatever LC_ALL says (the engine
 * likewise; tests/cli/locale.bats checks both). */
int main(int argc, char **argv)
{
	std_fds_open();
	return stdout_checked("spawncost", command(argc, argv));
}
