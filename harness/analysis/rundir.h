/* A run folder read back for compare and export: summary.csv as cells,
 * samples.csv attached to them, env.txt as key=value facts. Everything goes
 * through csvread.h, and anything that does not add up (a column missing, a
 * number that is not one, fewer samples than the summary counted) is
 * refused with a one-line reason naming the file and line. */
#ifndef SPAWNCOST_RUNDIR_H
#define SPAWNCOST_RUNDIR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csvread.h"

#define RUNDIR_ERR_LEN (PATH_MAX + 400)

/* The columns that say which cell a row belongs to. The first five are in
 * every run; later issues append variant, ballast and vmas. */
enum { KEY_METHOD, KEY_TARGET, KEY_RSS_MIB, KEY_THP, KEY_PIN, KEY_VARIANT, KEY_BALLAST,
       KEY_VMAS, NKEYS };
#define NBASE_KEYS 5
extern const char *const key_names[NKEYS];

struct cell {
	const char *key[NKEYS];	/* NULL where the column is absent */
	size_t line;		/* of its row in summary.csv */
	const char *error;	/* "" when measured */
	uint64_t iterations;
	double median_us, p10_us, p90_us, mean_us, stddev_us;	/* NAN in error rows */
	char *name;		/* fork-exec/rss_mib:64/thp:off/pin:none, after rundir_index */
	uint64_t *ns;		/* samples in iteration order, after rundir_samples */
	size_t n;
};

struct rundir {
	char dir[PATH_MAX];
	char summary_path[PATH_MAX + 16], samples_path[PATH_MAX + 16];
	struct csv_table summary;
	bool has_key[NKEYS];
	bool use_key[NKEYS];	/* the keys cells are told apart by */
	struct cell *cells;
	size_t ncells;
	bool has_env;
	char *env_text;		/* env.txt, split into these: */
	char **env_key, **env_val;
	size_t nenv;
};

/* Read dir/summary.csv (and dir/env.txt when there) into r. Returns 0, or
 * -1 with "PATH: reason" in err (r is then empty). */
int rundir_open(struct rundir *r, const char *dir, char *err);

/* Tell cells apart by the keys in use[] (each must be a column of r): name
 * them and refuse a cell that appears twice. */
int rundir_index(struct rundir *r, const bool use[NKEYS], char *err);

/* Attach dir/samples.csv to the cells. Every row must belong to a measured
 * cell, and every measured cell must have exactly its `iterations` samples:
 * a file cut short at a row boundary is still caught. */
int rundir_samples(struct rundir *r, char *err);

/* Do a and b (indexed the same way) name the same cell? */
bool cell_same(const struct cell *a, const struct cell *b, const bool use[NKEYS]);

/* The value of an env.txt key, or NULL. */
const char *rundir_env(const struct rundir *r, const char *key);

void rundir_free(struct rundir *r);

#endif
