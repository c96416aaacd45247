/* The report's and the charts' questions of a run read back by rundir.h
 * (rundir_open(..., FOR_REPORT, ...)): which cells are plain, the cell of a
 * method at a size, the sizes and THP settings swept, labels. Columns that
 * later issues add (ballast, variant, per_page_ns, phases, counters) are
 * optional: absent or empty, they read as NaN or "". */
#ifndef SPAWNCOST_RESULTS_H
#define SPAWNCOST_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rundir.h"
#include "verdict.h"

/* "run_id", or "host run_id" when the id does not start with the host. */
const char *run_label(const struct rundir *r, char *buf, size_t len);
/* What a table or a chart's key calls a run: its --label (env.txt's
 * label=), else its host and kernel ("vm, Linux 6.18.4"), else, for a run
 * without them in env.txt, run_label. */
#define RUN_NAME_LEN 160
const char *run_name(const struct rundir *r, char *buf, size_t len);
/* run_name of runs[i] among n runs shown together, with its folder's name
 * added ("vm, Linux 6.18.4 [thp-on]") when another of them reads the same. */
const char *run_name_among(const struct rundir *runs, size_t n, size_t i, char *buf,
			   size_t len);
/* When the run started: the UTC stamp in its run_id (host-yyyymmddThhmmss,
 * with -pid after it since runs record their pid), true; else false and
 * summary.csv's modification time, or 0. */
bool run_started(const struct rundir *r, time_t *t);
/* The label, the kernel and the CPU: a chart's subtitle, on as many lines
 * ("\n" between them) as keep each within TITLE_WIDTH characters, which a
 * chart's title font fits across its width (a long CPU model, "AMD EPYC
 * 9654 96-Core Processor", gets a line of its own). */
#define TITLE_WIDTH 80
const char *run_title(const struct rundir *r, char *buf, size_t len);

/* A run scripts/kernels made under QEMU's emulator (env.txt emulated=yes):
 * its times are QEMU's, not the hardware's (docs/kernels.md). Every output
 * of such a run says EMULATED_NOTE. */
#define EMULATED_NOTE "emulated under QEMU TCG: figures are not hardware figures"
bool run_emulated(const struct rundir *r);
/* NULL when the n runs are all emulated or none is; else, in buf, why they
 * cannot be set against each other (compare and history refuse them). */
const char *runs_mixed_emulation(const struct rundir *runs, size_t n, char *buf, size_t len);

/* The plain cells the claims use: anonymous touched ballast, no variant,
 * no --fds or --threads, one spawner. */
bool cell_plain(const struct cell_data *c);
/* The plain parent (anonymous touched ballast, no --fds or --threads),
 * whatever the spawners and the variant: the scaling and runtimes charts'
 * cells (a runtime method's variant is its version). */
bool cell_plain_parent(const struct cell_data *c);
/* A fit.csv row of the plain run: its fds, threads, parallel and spawners
 * columns absent (an older run) or at the plain values. */
bool fit_row_plain(const struct csv_table *t, size_t row);
/* A cell that timed page writes (cow-child, first-touch, ...), not a spawn. */
bool cell_per_page(const struct cell_data *c);
bool cell_ok(const struct cell_data *c);

/* The plain, error-free cell of method at rss_mib and thp, on the run's
 * exec target for exec methods; NULL when there is none. */
const struct cell_data *run_cell(const struct rundir *r, const char *method, double rss,
				 const char *thp);
bool run_has_method(const struct rundir *r, const char *method);

/* A size only run --refine measured (for some pairs, not every method). */
bool run_size_refined(const struct rundir *r, double rss);

/* The distinct rss_mib values, rising; the distinct thp values, "off" first.
 * Return how many (at most max). */
size_t run_rss(const struct rundir *r, double *out, size_t max);
size_t run_thps(const struct rundir *r, const char **out, size_t max);

/* The resident MiB of the parent at rss_mib (mean rss_kib of its cells / 1024),
 * which log axes can show where 0 MiB of ballast cannot be. */
double run_resident(const struct rundir *r, double rss);

/* Where method stands in the methods table (unknown methods after it). */
int method_rank(const char *name);

#endif
