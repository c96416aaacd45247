/* The files of a run (output.c): its folder, env.txt, summary.csv,
 * samples.csv, probes.csv, fit.csv and windows.csv, each written under a
 * temporary name and renamed when whole. The sweep hands them what to
 * write; they know nothing of how it was measured. */
#ifndef SPAWNCOST_OUTPUT_H
#define SPAWNCOST_OUTPUT_H

#include <limits.h>
#include <stdbool.h>

#include "counters.h"
#include "csv.h"
#include "options.h"
#include "rows.h"
#include "table.h"
#include "windows.h"

struct refine_outcome;
struct samples;
struct footprint;

struct run_files {
	const struct run_opts *o;	/* what every row and env.txt name */
	char run_id[300];
	char dir[PATH_MAX];
	char lock[PATH_MAX + 32];	/* dir/.spawncost.lock while the run holds it */
	struct outfile summary, samples, probes;
	struct csv summary_csv, samples_csv, probes_csv;
	struct row_spans rows;	/* where every window's rows are in samples.csv
				 * and probes.csv */
	off_t whole[3];		/* how much of summary, samples, probes is whole */
	char *outbuf[3];	/* stdio buffers of summary, samples, probes */
	int write_err;		/* the first errno a result file's write met */
	/* what env.txt says beyond the options */
	int argc;
	char **argv;
	const char *facts;	/* the front end's facts (hwloc, libpfm4) */
	size_t facts_len;
	char load_start[64];	/* the load average when the run began */
	const struct counters *counters;	/* what -e asked for and this machine allows */
	const struct refine_outcome *refine;	/* what --refine did, or NULL */
};

int make_run_dir(struct run_files *f);
/* Let go of the result folder (its lock file). */
void release_run_dir(struct run_files *f);
int open_outputs(struct run_files *f);
/* The cells' summary rows, fit.csv and windows.csv, then every file under
 * its final name. complete: "yes", or "no" for a run a signal cut short. */
int close_outputs(struct run_files *f, const struct table_row *cells, size_t ncells,
		  const struct windows *win, const char *complete);
/* Remove every result file of the run (their temporary names): after a
 * write failed, nothing half-written is left under a final name. */
void abandon_outputs(struct run_files *f);
void write_window_samples(struct run_files *f, const struct table_row *t, size_t first_iter,
			  unsigned round, const struct samples *s, const struct footprint *fork);
void write_window_probes(struct run_files *f, const struct table_row *t, size_t first,
			 unsigned round, const struct samples *s);
/* Reopen samples.csv and probes.csv to write a window's rows. Returns 0 or
 * an errno value. */
int resume_outputs(struct run_files *f);
/* The samples files end on a whole window of cell: close them (what a
 * second signal keeps is now known) and note where the window's rows are.
 * Returns 0 or an errno value. */
int mark_whole(struct run_files *f, uint32_t cell);
/* Take the rows of every cell that failed out of samples.csv and
 * probes.csv (harness/engine/rows.h): before the cells are pooled.
 * Returns 0 or an errno value. */
int drop_failed_rows(struct run_files *f, const struct table_row *cells, size_t ncells);
/* The target column of method m's cells. */
const char *target_of(const struct method *m, const struct run_opts *o);

#endif
