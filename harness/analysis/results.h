/* A run folder read back for the report and the charts: summary.csv (through
 * csvread, every column by name), env.txt, and fit.csv when the run has one.
 * Columns that later issues add (ballast, variant, per_page_ns, phases,
 * counters) are optional: absent or empty, they read as NaN or "". */
#ifndef SPAWNCOST_RESULTS_H
#define SPAWNCOST_RESULTS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "csvread.h"
#include "verdict.h"

#define RESULTS_ERR_LEN (2 * PATH_MAX)
#define MAX_COUNTERS 32

/* The phase columns (phase breakdown), in the order a child lives them,
 * and parent_resume_us, which runs beside them. */
enum phase { PH_CHILD_START, PH_EXEC, PH_EXIT_REAP, PH_PARENT_RESUME, NPHASES };
extern const char *const phase_columns[NPHASES];

struct cell {
	const char *method, *target, *thp, *ballast, *variant, *error;
	double rss_mib, rss_kib, pte_kib, iterations;
	struct est med;		/* median_us, ci_lo_us, ci_hi_us */
	double p10, p90;	/* p10_us, p90_us */
	double per_page_ns, thp_kib;
	double phase[NPHASES];
	size_t row;		/* its row in summary.csv */
};

struct run {
	char dir[PATH_MAX];
	struct csv_table sum;
	struct cell *cells;
	size_t ncells;
	char **env;		/* env.txt's lines, "key=value" */
	size_t nenv;
	struct csv_table fit;	/* fit.csv, ncols 0 when the run has none */
	bool has_per_page, has_phases;
	int counter_col[MAX_COUNTERS];	/* summary columns called <event>_per_op */
	size_t ncounters;
	const char *target;	/* the exec target the claims compare on */
};

/* Load dir. Refuses a missing or garbled summary.csv, one without the core
 * columns, or a number that is not one, with a reason in err. env.txt and
 * fit.csv are optional. Returns 0 or -1. */
int run_load(const char *dir, struct run *r, char *err);
void run_free(struct run *r);

/* env.txt's value for key, or NULL. */
const char *run_env(const struct run *r, const char *key);

/* "run_id", or "host run_id" when the id does not start with the host. */
const char *run_label(const struct run *r, char *buf, size_t len);
/* The label, the kernel and the CPU: a chart's subtitle. */
const char *run_title(const struct run *r, char *buf, size_t len);

/* The plain cells the claims use: anonymous touched ballast, no variant. */
bool cell_plain(const struct cell *c);
/* A cell that timed page writes (cow-child, first-touch, ...), not a spawn. */
bool cell_per_page(const struct cell *c);
bool cell_ok(const struct cell *c);

/* The plain, error-free cell of method at rss_mib and thp, on the run's
 * exec target for exec methods; NULL when there is none. */
const struct cell *run_cell(const struct run *r, const char *method, double rss, const char *thp);
bool run_has_method(const struct run *r, const char *method);

/* The distinct rss_mib values, rising; the distinct thp values, "off" first.
 * Return how many (at most max). */
size_t run_rss(const struct run *r, double *out, size_t max);
size_t run_thps(const struct run *r, const char **out, size_t max);

/* The resident MiB of the parent at rss_mib (mean rss_kib of its cells / 1024),
 * which log axes can show where 0 MiB of ballast cannot be. */
double run_resident(const struct run *r, double rss);

/* Where method stands in the methods table (unknown methods after it). */
int method_rank(const char *name);

/* A number from a field: NaN when empty. */
double field_num(const char *s, bool *bad);

#endif
