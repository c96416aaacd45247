/* `spawncost compare BASE... NEW`: did NEW get slower than BASE, cell by
 * cell, beyond doubt and beyond a threshold? The CI gate.
 *
 * The unit of the comparison is the window, never the sample: a run's
 * samples are not independent draws (the machine drifts, and the samples of
 * a window drift together), and a test on 10^5 of them finds a "difference"
 * between two runs of the same binary. Several BASE runs carry the
 * variation between runs into the interval. */
#ifndef SPAWNCOST_COMPARE_H
#define SPAWNCOST_COMPARE_H

#include <jansson.h>
#include <stdio.h>

#include "mwu.h"
#include "results.h"
#include "rundir.h"

/* BASE runs at most. */
#define COMPARE_MAX_BASES 32

/* Resamples of the bootstrap over runs and windows. */
#define COMPARE_RESAMPLES 10000

/* Cells whose median ratio says how the whole run moved. */
#define COMMON_MIN_CELLS 4

/* Cells whose spread says how far a cell moves between runs on its own. */
#define BETWEEN_MIN_CELLS 6

/* A cell's verdict. INCONCLUSIVE: the windows disagree too much to tell a
 * change of the threshold's size from none. */
enum pair_verdict { V_SAME, V_REGRESSION, V_IMPROVEMENT, V_INCONCLUSIVE, V_ERROR_NEW,
		    V_ERROR_BASE, V_ERROR_BOTH };

struct pair {
	const struct cell_data *base;	/* in the first BASE run */
	const struct cell_data *bases[COMPARE_MAX_BASES];	/* in each BASE run, or NULL */
	const struct cell_data *nw;
	enum pair_verdict verdict;
	double med_base_us, med_new_us;	/* medians of the windows' medians */
	double ratio, lo, hi;	/* NEW/BASE and its 95% interval */
	struct mwu u;		/* U of NEW's windows against BASE's */
	double p_adj;		/* u.p adjusted over the cells compared (Holm);
				 * NaN until compare_judge_run */
	size_t win_base, win_new;	/* windows on each side */
	size_t runs_base;	/* BASE runs that have the cell */
	size_t contended_base, contended_new;
	double windows_needed;	/* inconclusive: windows a side that would
				 * likely decide (INFINITY: none would) */
	double window_sd;	/* its windows' spread within a run, log units */
	double p_beyond, p_beyond_adj;	/* one-sided p of its ratio past the
				 * threshold, and adjusted over the cells (Holm) */
	double instr_ratio;	/* instructions_per_op NEW/BASE, NaN when not
				 * counted on both sides */
	char why[320];		/* a note on the verdict, or "" */
	const char *base_error;	/* the error of a BASE run's cell (its run left
				 * out of the comparison), or NULL */
};

/* Where the two runs' machines differ in a way that can move the figures. */
struct env_diff {
	const char *key, *base, *nw;	/* base or nw NULL when absent */
};

enum inconclusive_policy { INCONCLUSIVE_PASS, INCONCLUSIVE_FAIL };

/* The distinct values a key has on one side of the matched cells, the
 * first IGNORED_VALUES of them; more: there were others. */
#define IGNORED_VALUES 8
struct key_values {
	const char *v[IGNORED_VALUES];
	size_t n;
	bool more;
};

/* A key of a cell that --ignore leaves out of matching, and what it was
 * on each side: "thp: off (BASE) vs on (NEW)". */
struct ignored_key {
	int key;
	struct key_values base, nw;
};

struct comparison {
	const char *base_dir, *new_dir;
	size_t nbases;
	/* Every run's folder, as given, and what the report calls it
	 * (run_name: its --label, else host and kernel): BASE runs, NEW last. */
	const char *const *dirs;
	char names[COMPARE_MAX_BASES + 1][RUN_NAME_LEN];
	struct ignored_key ignored[NKEYS];	/* --ignore's keys, in key order */
	size_t nignored;
	const bool *use_key;	/* the keys cells are matched on */
	double threshold_pct, alpha;
	enum inconclusive_policy inconclusive;
	struct env_diff *diffs;
	size_t ndiffs;
	bool env_missing;	/* one side has no env.txt: nothing to compare */
	/* env.txt's machine_id of each side, NULL when it has none (runs made
	 * before there was one); other_machine when both have one and they
	 * differ: another machine, whose figures test no change to BASE's. */
	const char *machine_base, *machine_new;
	bool other_machine;
	bool emulated;		/* every run was emulated (run_emulated) */
	struct pair *pairs;
	size_t npairs;
	const struct cell_data **only_base, **only_new;
	size_t nonly_base, nonly_new;
	double geomean;		/* of the ratios of measured pairs */
	size_t ngeo;
	/* How the run as a whole moved: the median ratio over the swept cells
	 * (COMMON_MIN_CELLS or more; else 1 and ncommon 0). A shift every cell
	 * shares is the machine's or a change to every cell, which the windows
	 * of one run cannot tell apart. It is taken out of every cell unless
	 * shift_kept, and is the shift as measured either way. */
	double common;
	size_t ncommon;
	/* Several BASE runs: how far their own shared shifts spread (the
	 * largest |log shift| of one BASE run against them all; reported
	 * only, the levels' mean and deviation decide), and their
	 * log levels' mean and standard deviation over nlevels runs: where
	 * the machine puts a next run. new_level is NEW's log level measured
	 * as theirs are (NaN without them). A NEW run past the threshold
	 * beyond that (p < alpha, Student's t) moved beyond the machine's
	 * drift, and its shift is not taken out (gate.c). */
	double base_spread;
	double base_level_mean, base_level_sd, new_level;
	size_t nlevels;
	/* With the shift kept: the 95% half-width, in log units, of where a
	 * next run's level falls, which every cell's interval then carries.
	 * keep_bound: how far NEW's level must lie from the BASE levels' mean
	 * for its shift to be kept, in log units (NaN when they cannot say:
	 * one BASE run, levels all alike, too few cells). */
	double level_halfwidth, keep_bound;
	/* How far cells move between runs on their own, beyond the run's
	 * shift, as a multiple of their windows' spread within a run (a
	 * random-effects estimate from every swept cell; NaN with fewer than
	 * BETWEEN_MIN_CELLS; see gate.c). Every cell's interval carries it. */
	double between;
	size_t nbetween;
	/* Several BASE runs: each one's level against them all, taken out of
	 * its windows before they are pooled (compare_base_levels); 1 else. */
	double base_level[COMPARE_MAX_BASES];
	bool shift_kept;	/* NEW's shift lies beyond the BASE runs' drift, and
				 * its instructions per op moved with it */
	/* NEW's level lay past the BASE runs' prediction, but nothing that
	 * does not drift moved with it (gate.c): taken out all the same.
	 * instr_shift: the instructions per op's shift over the same cells
	 * (NaN where fewer than COMMON_MIN_CELLS counted them in both). */
	bool shift_unwitnessed;
	double instr_shift;
	size_t regressions, improvements, same, inconclusives, errors;	/* errors: new in NEW */
	/* Is NEW a whole run (compare_whole)? complete_new: its env.txt's
	 * complete= ("yes"; "no": cut short, or still going), NULL when not
	 * said (no env.txt, or a run made before the key). missing: the BASE
	 * runs' cells NEW lacks, but for refined sizes, which lie where each
	 * run's own figures put them. partial: NEW is not whole, which fails
	 * the gate unless allow_missing (--allow-missing). */
	const char *complete_new;
	const struct cell_data **missing;
	size_t nmissing;
	bool partial, allow_missing;
	/* BASE runs whose env.txt does not say complete=yes, and what it says:
	 * warned of, since the cells they lack are only not compared (listed
	 * as only in NEW). */
	const char *incomplete_base[COMPARE_MAX_BASES], *complete_base[COMPARE_MAX_BASES];
	size_t nincomplete_bases;
};

const char *verdict_name(enum pair_verdict v);

/* The exit status the comparison calls for: 1 for a regression or an error
 * in NEW (and an inconclusive cell under --inconclusive fail), else 0. */
int comparison_status(const struct comparison *c);

void report_text(FILE *f, const struct comparison *c);
void report_markdown(FILE *f, const struct comparison *c);
/* The comparison as one JSON document, written whole (jsontext.h): 0, -1
 * when it could not be made (nothing written), -2 when f did not take it. */
int report_json(FILE *f, const struct comparison *c);

/* The BASE runs' levels and base_spread, from the matched pairs whose
 * BASE cells erred have been left out (see harness/analysis/gate.c).
 * Returns 0, or -1 when memory could not be had. */
int compare_base_levels(struct comparison *c);

/* The decision for one matched cell (exposed for the tests): fills p from
 * its windows, BASE run k's divided by levels[k] (levels NULL: all 1).
 * Returns 0, or -1 when memory could not be had. */
int compare_pair(struct pair *p, const double *levels, size_t nbases, double threshold_pct,
		 double alpha);

/* The verdicts of every pair once each has been through compare_pair: the
 * shift the whole run shares is taken out, refined sizes and run-wide
 * moves made inconclusive (see harness/analysis/gate.c). */
void compare_judge_run(struct comparison *c);

/* Fill the comparison's whole-run fields above from the matched cells
 * (after match) and the runs' env.txt. Returns 0, or -1 out of memory. */
int compare_whole(struct comparison *c, const struct rundir *b, size_t nb,
		  const struct rundir *n, bool allow_missing);

/* What is not whole about NEW, as one sentence ("NEW is incomplete (...)
 * and lacks 2 cells BASE has: a, b"), or "" when it is whole. */
const char *compare_partial_text(const struct comparison *c, char *buf, size_t len);

/* That sentence as an error (the gate fails) or a warning (--allow-missing),
 * and a warning for each BASE run cut short: text, or markdown. */
void report_whole(FILE *f, const struct comparison *c, bool markdown);

/* --ignore's value: a comma list of the keys of a cell's identity but the
 * method, set in ignore[]. Returns 0, or 2 after one line on stderr. */
int compare_ignore_parse(const char *arg, bool ignore[NKEYS]);

/* rundir_index's err when a run swept a knob --ignore leaves out, and so
 * has cells alike without it, said as such ("--ignore thp: ...: the run
 * has cells that differ only in thp"), in buf; else err. */
const char *compare_ignore_why(const bool ignore[NKEYS], const char *err, char *buf,
			       size_t len);

/* Name the runs (c->names) and, for each key in ignore[], the values the
 * matched cells have of it on each side (c->ignored). */
void compare_runs(struct comparison *c, const struct rundir *runs, size_t nruns,
		  const bool ignore[NKEYS]);

/* Two runs with no cell in common: where a cell of BASE and one of NEW of
 * the same method differ least, as "; they differ only in thp (off in BASE,
 * on in NEW): --ignore thp matches them", or "" when no method is in both. */
const char *compare_suggest_ignore(const struct rundir *b, const struct rundir *n,
				   char *buf, size_t len);

/* The runs by name, and what --ignore set aside, above the table (prefix
 * starts each line); in JSON, base_names, new_name and ignored added to o
 * (0, or -1 out of memory). */
void report_runs(FILE *f, const struct comparison *c, const char *prefix);
int report_runs_json(json_t *o, const struct comparison *c);

/* argv[0] is "compare". Returns the exit status: 0, 1 or 2. */
int cmd_compare(int argc, char **argv);

#endif
