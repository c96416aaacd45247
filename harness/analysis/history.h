/* `spawncost history DIR...`: regressions found over many runs.
 *
 * Runs (folders, or folders of them, in any order) are put in order by
 * start time, commit, kernel or label; every cell (matched as compare
 * matches them: its keys but run_id and host) and every claim ratio at
 * each swept size (ratios.h) becomes a series of one point per run; and
 * each series goes through the change-point detector (history_detect.h).
 *
 * history_build() is the one model the text, the JSON, --report and a page
 * of charts draw from: the runs in order with their facts, and each series'
 * points and change points. Only summary.csv, windows.csv and env.txt are
 * read: samples are never needed. */
#ifndef SPAWNCOST_HISTORY_H
#define SPAWNCOST_HISTORY_H

#include <stdio.h>
#include <time.h>

#include "history_detect.h"
#include "results.h"
#include "rundir.h"

enum hist_order { BY_TIME, BY_COMMIT, BY_KERNEL, BY_LABEL };

/* A run's facts, beside its folder read back (history.rd, same index). */
struct hist_run {
	time_t start;		/* run_id's UTC stamp, else summary.csv's mtime */
	const char *commit;	/* env.txt's git_revision, "" when absent */
	const char *kernel;	/* kernel_release */
	const char *label;	/* run --label */
	const char *command;	/* the command that made it (command=) */
	const char *machine;	/* machine_id */
	char name[RUN_NAME_LEN];	/* what the listing calls it (run_name_among) */
};

/* One run's figure in a series: a cell's median of its windows' medians
 * with their distribution-free interval (winstats.h), or a claim ratio's
 * median of per-round ratios with theirs (paired.h). */
struct hist_point {
	size_t run;		/* index in history.runs */
	struct est v;
};

enum hist_kind { SERIES_CELL, SERIES_RATIO };

struct hist_series {
	char *name;		/* the cell's name (fork-exit/rss_mib:0/thp:off/pin:same),
				 * or the ratio's (ratio fork-exit/vfork-exit at 0 MiB) */
	enum hist_kind kind;
	const struct cell_data *cell;	/* a cell: its first one (its keys) */
	const char *a, *b;	/* a ratio: a / b, as bands[] name them */
	struct hist_point *pt;	/* in run order; a run without the figure has none */
	size_t n, cap;
	struct change *cp;	/* change points; .at, .lo, .hi index pt */
	size_t ncp;
	size_t first;		/* the listing's number of its first change (1-based) */
};

struct hist_opts {
	enum hist_order by;
	struct detect_opts detect;
};

struct history {
	struct rundir *rd;	/* the runs read back, in order */
	struct hist_run *runs;	/* their facts, same order */
	size_t nruns;
	struct hist_series *series;	/* cells in first-seen order, then ratios */
	size_t nseries;
	size_t nchanges;	/* numbered 1..nchanges, series by series */
	struct hist_opts o;
};

/* Read the run folders dirs[] name (a run folder, or a folder whose
 * subfolders are runs), order them, make every series and find its change
 * points. Returns 0, or -1 with one line in err (the folder and what is
 * wrong with it, or out of memory); h is then empty. */
#define HISTORY_ERR_LEN (RUNDIR_ERR_LEN + 256)
int history_build(const char *const *dirs, size_t ndirs, const struct hist_opts *o,
		  struct history *h, char *err);
void history_free(struct history *h);

/* Change number k (1-based, as listed): its series and index in it, or
 * NULL. */
const struct hist_series *history_change(const struct history *h, size_t k, size_t *i);

/* The runs read and put in order (history_load.c), and the series made
 * from them (history_series.c): history_build's two steps. */
int history_load(const char *const *dirs, size_t ndirs, enum hist_order by,
		 struct history *h, char *err);
int history_series(struct history *h, char *err);

/* The listing (history_text.c): text, or one JSON document written whole
 * (0, -1 out of memory, -2 when f did not take it). */
void history_text(FILE *f, const struct history *h);
/* The machines the runs come from (env.txt's machine_id; runs without one
 * not counted): more than one is warned about. */
size_t history_machines(const struct history *h);
/* Whether runs a and b were measured on machines that differ (both known):
 * a step between them may be the machine's. */
bool history_other_machine(const struct history *h, size_t a, size_t b);
int history_json(FILE *f, const struct history *h);

/* --report K: change K in the kernel test robot's shape (history_report.c).
 * Returns 0, or 2 after one line on stderr when there is no change K. */
int history_report(FILE *f, const struct history *h, size_t k);

/* argv[0] is "history". Returns the exit status: 0, 1 or 2. */
int cmd_history(int argc, char **argv);

#endif
