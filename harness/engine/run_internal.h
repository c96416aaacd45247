/* What harness/engine/run.c (the sweep) and harness/engine/output.c (the files) share. */
#ifndef SPAWNCOST_RUN_INTERNAL_H
#define SPAWNCOST_RUN_INTERNAL_H

#include <limits.h>

#include "counters.h"
#include "csv.h"
#include "options.h"
#include "rows.h"
#include "spill.h"
#include "table.h"
#include "windows.h"

#define FACTS_MAX (64 * 1024)

struct run {
	struct run_opts o;
	char run_id[300];
	char dir[PATH_MAX];
	char lock[PATH_MAX + 32];	/* dir/.spawncost.lock while the run holds it */
	char **argv;
	int argc;
	struct outfile summary, samples, probes;
	struct csv summary_csv, samples_csv, probes_csv;
	struct spill spill;	/* every window's samples, for the pooled statistics */
	struct windows win;	/* every window's record: medians, contention */
	struct row_spans rows;	/* where every window's rows are in samples.csv
				 * and probes.csv */
	off_t whole[3];		/* how much of summary, samples, probes is whole */
	struct table_row *cells;	/* every cell of the sweep, in sweep order,
					 * then those --refine added */
	size_t ncells, cells_cap;
	unsigned refine_sizes;		/* sizes --refine measured */
	const char *refine_stopped;	/* why it stopped: converged, time, ... */
	uint64_t *shared;	/* the page children leave results in */
	uint64_t *spawners;	/* --parallel: the spawners' gate and pages */
	struct counters counters;	/* what -e asked for and this machine allows */
	char load_start[64];	/* the load average when the run began */
	int write_err;		/* the first errno a result file's write met */
	char *outbuf[3];	/* stdio buffers of summary, samples, probes */
	char *facts;		/* the front end's facts (hwloc, libpfm4) for env.txt */
	size_t facts_len;
};

/* handback.c: write all of buf at *at in fd, advancing *at (a window's
 * samples handed back, rows moved in a result file). 0, or -1 with
 * errno. */
int put_at(int fd, const void *buf, size_t len, off_t *at);

/* parallel.c: --parallel. The spawners' shared area (a gate page and one
 * page per spawner of the largest N), made before the sweep so that every
 * cell's parent has it; NULL without --parallel or when it cannot be had. */
uint64_t *spawners_area(const struct run_opts *o);

/* output.c */
int make_run_dir(struct run *r);
/* Let go of the result folder (its lock file). */
void release_run_dir(struct run *r);
int open_outputs(struct run *r);
/* complete: "yes", or "no" for a run a signal cut short. */
int close_outputs(struct run *r, const char *complete);
/* Remove every result file of the run (their temporary names): after a
 * write failed, nothing half-written is left under a final name. */
void abandon_outputs(struct run *r);
void write_window_samples(struct run *r, const struct table_row *t, size_t first_iter,
			  unsigned round, const struct samples *s, const struct footprint *fork);
void write_window_probes(struct run *r, const struct table_row *t, size_t first,
			 unsigned round, const struct samples *s);
void write_summary(struct run *r, const struct table_row *t);
/* Reopen samples.csv and probes.csv (summary: summary.csv) to write rows.
 * Returns 0 or an errno value. */
int resume_outputs(struct run *r, bool summary);
/* The samples files end on a whole window of cell: close them (what a
 * second signal keeps is now known) and note where the window's rows are.
 * Returns 0 or an errno value. */
int mark_whole(struct run *r, uint32_t cell);
/* Take the rows of every cell that failed out of samples.csv and
 * probes.csv (harness/engine/rows.h): before the cells are pooled.
 * Returns 0 or an errno value. */
int drop_failed_rows(struct run *r);
const char *target_of(const struct method *m, void *run);

#endif
