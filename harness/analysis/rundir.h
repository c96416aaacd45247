/* A run folder read back, the one reader of a run: summary.csv as cells,
 * env.txt as facts (envtxt.h), fit.csv when the run has one, and, on
 * demand, samples.csv (or samples.csv.gz) attached to the cells: for compare and export, and
 * for the report and the plot data, whose questions of a run are
 * results.h's. Everything goes through
 * csvread.h, and what does not add up is refused with a one-line reason
 * naming the file and line. */
#ifndef SPAWNCOST_RUNDIR_H
#define SPAWNCOST_RUNDIR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csvread.h"
#include "envtxt.h"
#include "phases.h"
#include "stats.h"

#define RUNDIR_ERR_LEN (2 * PATH_MAX)
#define MAX_COUNTERS 32

/* The columns that say which cell a row belongs to. The first five are in
 * every run; later issues append variant, ballast, vmas, and the parent's
 * shape (fds, threads) and the spawners (parallel, spawners). */
enum { KEY_METHOD, KEY_TARGET, KEY_RSS_MIB, KEY_THP, KEY_PIN, KEY_VARIANT, KEY_BALLAST,
       KEY_VMAS, KEY_FDS, KEY_THREADS, KEY_PARALLEL, KEY_SPAWNERS, NKEYS };
#define NBASE_KEYS 5
extern const char *const key_names[NKEYS];
/* A shape or spawners key's value for the plain run ("0", "1",
 * "processes"), which a cell's name
 * leaves out, so that names stay those of runs made before the column;
 * NULL for the other keys. */
extern const char *const key_plain[NKEYS];

/* One row of windows.csv: one window of a cell (harness/engine/windows.h). */
struct window_data {
	unsigned round;		/* 1-based */
	double median_us;
	uint64_t iterations;	/* timed in it (samples.csv: the round's count);
				 * 0 where windows.csv has no such column */
	double delay_pct, steal_pct;	/* NaN: not read */
	bool contended;
};

/* One row of summary.csv. Numbers are NaN where the field is empty or the
 * column absent (an error row has empty statistics). */
struct cell_data {
	union {	/* the keys, by index (compare, export) or by name (the report) */
		const char *key[NKEYS];
		struct {
			const char *method, *target, *rss_text, *thp, *pin, *variant, *ballast,
				*vmas, *fds, *threads, *parallel, *spawners;
				/* rss_text: rss_mib as written */
		};
	};			/* "" where the column is absent */
	const char *error;	/* "" when measured */
	bool refined;		/* refined=yes: a size run --refine added */
	size_t row;		/* its row in summary.csv (the header is row -1) */
	double iterations;
	double rss_mib, rss_kib, pte_kib, thp_kib;
	struct est med;		/* median_us, ci_lo_us, ci_hi_us */
	double p10, p90, mean, stddev;	/* p10_us, p90_us, mean_us, stddev_us */
	double per_page_ns;
	double throughput;	/* throughput_per_s: round trips per second, all spawners */
	double phase[NPHASES];	/* child_start_us, ... by enum phase */
	double windows, contended;	/* windows, contended_windows (NaN: absent) */
	struct window_data *win;	/* its rows of windows.csv, in round order */
	size_t nwin;
	char *name;		/* fork-exec/rss_mib:64/thp:off/pin:none, after rundir_index */
	uint64_t *ns;		/* samples in iteration order, after rundir_samples */
	unsigned *round_of;	/* each sample's round, where windows.csv is absent */
	size_t n;
};

/* Who reads, and so what is refused. The CI gate (compare, export) takes a
 * folder whose every cell is whole: its five keys, a count, and
 * non-negative statistics when measured. The report reads hand-made and
 * older runs too, where any column after the core may be absent, and
 * refuses a field only when it is no number at all. Each keeps the messages
 * its users know. */
enum rundir_reader { FOR_GATE, FOR_REPORT };

struct rundir {
	char dir[PATH_MAX];
	char summary_path[PATH_MAX + 16];
	char samples_path[PATH_MAX + 16];	/* samples.csv.gz, else samples.csv */
	struct csv_table summary;
	bool has_key[NKEYS];
	bool use_key[NKEYS];	/* the keys cells are told apart by */
	struct cell_data *cells;
	size_t ncells;
	bool has_env;		/* env.txt was read (it may hold no line) */
	struct envtxt env;
	struct csv_table fit;	/* fit.csv, ncols 0 when the run has none */
	int counter_col[MAX_COUNTERS];	/* summary columns called <event>_per_op */
	size_t ncounters;
	const char *target;	/* the exec target exec methods compare on */
	bool has_windows;	/* windows.csv was read (runs before it have none) */
	bool bare;		/* neither windows.csv nor samples.csv: each cell's
				 * one window is its median (rundir_gate_windows) */
};

/* Read dir/summary.csv, dir/env.txt when there, and dir/fit.csv when there
 * into r. Returns 0, or -1 with "PATH: reason" in err (r is then empty). */
int rundir_open(struct rundir *r, const char *dir, enum rundir_reader who, char *err);

/* Tell cells apart by the keys in use[] (each must be a column of r): name
 * them and refuse a cell that appears twice. */
int rundir_index(struct rundir *r, const bool use[NKEYS], char *err);

/* Where r->dir keeps its samples, into r->samples_path (rundir_open does):
 * samples.csv.gz (a run's default), else samples.csv (--samples plain, and
 * runs made before). A folder with both is refused: which one is the run's
 * cannot be told. Returns 0, or -1 with the reason in err. */
int rundir_samples_path(struct rundir *r, char *err);

/* Attach the samples (samples_path) to the cells. Every row must belong to a measured
 * cell, and every measured cell must have exactly its `iterations` samples:
 * a file cut short at a row boundary is still caught. */
int rundir_samples(struct rundir *r, char *err);

/* The windows the gate decides on (compare, export's gbench): windows.csv's,
 * attached by rundir_open; else, in a run made before windows.csv, those of
 * samples.csv's rounds (rundir_samples); else, in a folder that keeps
 * neither (a reference run trimmed to its summary), none: r->bare is set,
 * and each cell's median stands as its one window. */
int rundir_gate_windows(struct rundir *r, char *err);

/* Attach dir/windows.csv, when the run has one, to the cells it names
 * (rundir_open does). Returns 0, or -1 with the reason in err. */
int rundir_windows(struct rundir *r, char *err);

/* The cell row `row` of table t names, by the keys in use[] (a key whose
 * column kcol[k] t lacks is not asked); rows come in cell order, so the
 * cell *last found is tried first. NULL when none. */
struct cell_data *rundir_row_cell(struct rundir *r, const struct csv_table *t, size_t row,
				  const int kcol[NKEYS], const bool use[NKEYS], size_t *last);

/* Do a and b (indexed the same way) name the same cell? */
bool cell_same(const struct cell_data *a, const struct cell_data *b, const bool use[NKEYS]);

/* The one grammar of a run's numbers, for every reader of every file (the
 * gate, the report, the charts): a count is digits only, as parse_u64 reads
 * them, up to 2^53 so that a double holds it exactly; a figure is a plain
 * decimal as parse_double reads it ("1.5", ".5", "2e3"; no sign, space,
 * hex, inf or nan); a signed figure (fit.csv's line) may also start with
 * '-'. The run writes nothing else. */
enum field_kind { FIELD_COUNT, FIELD_FIGURE, FIELD_SIGNED };

/* s as a number of kind: 0, or -1 with the reason in perr (PARSE_ERR_LEN). */
int field_parse(const char *s, enum field_kind kind, double *v, char *perr);

/* The same for a field that may be empty: NaN when empty, NaN with *bad
 * set when it is no number of its kind. */
double field_num(const char *s, enum field_kind kind, bool *bad);

/* The value of an env.txt key, or NULL. */
const char *rundir_env(const struct rundir *r, const char *key);

void rundir_free(struct rundir *r);

#endif
