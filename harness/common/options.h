/* What `spawncost run` was asked to do, after parsing and checking. */
#ifndef SPAWNCOST_OPTIONS_H
#define SPAWNCOST_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "eventspec.h"
#include "memory.h"
#include "methods.h"

#define MAX_METHODS 64
#define MAX_RSS 32
#define MAX_RSS_MIB (1ULL << 22)	/* 4 TiB: past that a number is a typo */
#define MAX_ITERATIONS 100000000ULL
#define MAX_PATH_DIRS 10000	/* --path-dirs; run_check holds PATH to what
				 * exec can pass (MAX_ARG_STRLEN) */
#define PATH_DIRS_ROOT "/tmp/spawncost-path-XXXXXX"	/* where they are made */
#define MAX_SHAPES 8		/* values of --fds or of --threads */
#define MAX_FDS 1000000		/* --fds: fs.nr_open's default ceiling */
#define MAX_THREADS 10000	/* --threads */
#define MAX_SPAWNERS 4096	/* --parallel */
#define MAX_ROUNDS 100		/* --rounds: windows per cell */
#define MAX_LABEL 64		/* --label: characters, to fit a chart's key */

struct run_opts {
	const struct method *methods[MAX_METHODS];
	size_t nmethods;
	uint64_t rss[MAX_RSS];
	size_t nrss;
	enum thp_mode thp[2];
	size_t nthp;
	enum ballast_kind kinds[BALLAST_KINDS];	/* --ballast */
	size_t nkinds;
	uint64_t vmas;		/* --vmas: mappings the ballast is split into */
	struct budget budget;
	const char *target;	/* path of the exec target */
	const char *target_name;	/* its name in the target column: static,
					 * dynamic, shell or the path */
	char *target_argv[4];	/* its argv */
	const char *probe_target;	/* --phases: what probes exec instead */
	char *probe_argv[3];	/* (the stamp target and its descriptor) */
	const char *noop;	/* the bundled static no-op (system, popen) */
	const char *chain;	/* the bundled chain target (exec-only) */
	unsigned long clone_flags;	/* --clone-flags, for clone-custom */
	bool then_exec;		/* --then exec */
	char variant[256];	/* clone-custom's variant column */
	const char *outdir;	/* NULL: results/<host>-<stamp> */
	const char *label;	/* --label: what the run is, or NULL */
	unsigned rounds;	/* windows per cell, spread over the run */
	const char *pin;	/* the pin column: none, same, smt, core, numa, cpus */
	bool pin_default;	/* no --pin given: same, resolved by the front end */
	int cpus[2];		/* --cpus: where the run (and its children) may run */
	size_t ncpus;
	char cpus_text[32];	/* the cpus column: "2" or "2 3" */
	const char *pin_why;	/* --pin-why: why the front end's pick is where
				 * it is (harness/front/topo.h, pin_why), or NULL */
	int facts_fd;		/* the front end's machine facts (hwloc, libpfm4), or -1 */
	int dir_fd;		/* --dir-fd: where the engine tells the front end its
				 * result folder (for the samples), or -1 */
	const char *samples;	/* --samples: gz, plain or none (what the front end
				 * does with samples.csv once the engine is gone) */
	bool phases;		/* --phases: time the phases of each iteration */
	unsigned path_dirs;	/* --path-dirs: empty folders before the no-op's in PATH */
	/* The parent's shape, swept like the sizes: descriptors it holds open
	 * (--fds) and idle threads it has (--threads). Default: 0 of each. */
	uint64_t fds[MAX_SHAPES], threads[MAX_SHAPES];
	size_t nfds, nthreads;
	/* --parallel: spawners running the cell at once (default 1, in the
	 * engine itself; given, every cell runs in spawners, 1 included),
	 * processes or threads of one process (--spawners), each bound to its
	 * CPU of spawner_cpus (the --pin policy's order, from the front end;
	 * none: unbound), taken round-robin with --oversubscribe. */
	uint64_t parallel[MAX_SHAPES];
	size_t nparallel;
	bool parallel_given, spawner_threads, oversubscribe;
	int *spawner_cpus;
	size_t nspawner_cpus;
	/* --refine: after the sweep, measure parent sizes where a claim's
	 * ratio crosses a band edge (harness/engine/refine.c), for at most
	 * refine_time seconds. On by default with the default profile's
	 * sizes; --no-refine turns it off. */
	bool refine;
	double refine_time;
	const char *events_arg;	/* -e LIST as given (the front end resolves it) */
	struct event_spec specs[EVENT_MAX];	/* --event-spec: resolved counters */
	size_t nspecs;
	const char *front;	/* --front: the front end, to write meta.json */
	bool json;		/* --json: the front end prints the run as JSON after it */
};

/* Parse `run` arguments (argv[0] is "run") into o, applying the profile
 * first and explicit options over it. Returns 0, 1 when --help was printed,
 * or 2 after printing one line on stderr. Checks only what needs no machine
 * state; run_check() does the rest. notes: say on stderr what a profile left
 * out (once, by whichever process runs the sweep). */
int run_parse(int argc, char **argv, struct run_opts *o, bool notes);

/* Is arg (--NAME or --NAME=VALUE) one of the options only the front end
 * hands the engine (--front, --facts-fd, ...)? They come after the user's
 * own in the engine's argv, so in env.txt's command= line. */
bool run_opt_handoff(const char *arg);

/* The name of a run's file that dir already holds (summary.csv, samples.csv,
 * samples.csv.gz, env.txt, ... or their temporary names), or NULL. */
const char *run_dir_holds(const char *dir);

/* The lock file a run holds on its folder while it writes there, naming
 * its pid; the pid of the live run that holds dir's, or 0. */
#define RUN_LOCK ".spawncost.lock"
long run_dir_locked(const char *dir);

/* Checks against the machine: the target is an executable file, the largest
 * ballast fits in memory. Returns 0 or 2 after one line on stderr. */
int run_check(struct run_opts *o);

#endif
