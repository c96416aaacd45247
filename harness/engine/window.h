/* One window of one cell: the layer between the sweep (run.c, and
 * refine.c's added sizes) and the measuring itself. A cell is laid out
 * once (plan_cell); each of its windows is measured by one kind of window,
 * the first in window.c's table that takes the cell, and then written:
 * its samples, its record (harness/engine/windows.h), the cell's running
 * figures.
 *
 * A kind is handed a narrow job, not the run: the cell, what its children
 * run, this window's budget, where its samples go, and the few things of
 * the run some kinds need. Adding a kind is an entry in the table and a
 * measure function of its own. */
#ifndef SPAWNCOST_WINDOW_H
#define SPAWNCOST_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "cell.h"
#include "counters.h"
#include "options.h"
#include "table.h"

struct run_files;
struct spill;
struct windows;

struct window_job {
	struct table_row *t;		/* the cell: its method and parent shape */
	struct spawn_ctx *ctx;		/* what its children run, on its ballast */
	const struct budget *w;		/* this window's share of the cell's budget */
	struct samples *s;		/* where its samples go */
	const struct run_opts *o;	/* the run's options */
	const struct counters *count;	/* also count events in this window
					 * (isolated kinds, the last round), or NULL */
	uint64_t *spawners;		/* --parallel's shared area, or NULL */
};

/* Returns as cell_measure does: 0, -1 with res->error, or CELL_ABANDONED. */
typedef int window_measure_fn(const struct window_job *j, struct cell_result *res);

/* How a kind's cells get their event counters (-e). */
enum window_counting {
	COUNT_AFTER,	/* the engine's own pass after the cell's last window */
	COUNT_INSIDE,	/* in the last window itself (window_job.count) */
	COUNT_NONE,	/* not counted: the work is not the engine's */
};

struct window_kind {
	const char *name;
	bool (*takes)(const struct table_row *t, const struct run_opts *o);
	window_measure_fn *measure;
	enum window_counting counting;
};

/* The kind that measures cell t's windows. */
const struct window_kind *window_kind_of(const struct table_row *t, const struct run_opts *o);

/* The kinds, each in a file of its own. */
window_measure_fn window_runtime;	/* runtime.c: a language runtime's driver */
window_measure_fn window_parallel;	/* parallel.c: --parallel spawners at once */
window_measure_fn window_isolated;	/* isolate.c: in a child, for threads */

/* The run as the window layer sees it: the cells, and where a finished
 * window goes. run.c makes it; run.c's sweep and refine.c's added sizes
 * hand it to run_window. */
struct sweep {
	const struct run_opts *o;
	struct table_row *cells;	/* every cell, in sweep order, then those
					 * --refine added */
	size_t ncells, cells_cap;
	const struct counters *counters;	/* what -e asked for and this machine allows */
	uint64_t *spawners;		/* --parallel's shared area, or NULL */
	struct spill *spill;		/* every window's samples, for the pooled statistics */
	struct windows *win;		/* every window's record */
	struct run_files *files;	/* its rows go there (output.h) */
};

/* parallel.c: --parallel. The spawners' shared area (a gate page and one
 * page per spawner of the largest N), made before the sweep so that every
 * cell's parent has it; NULL without --parallel or when it cannot be had. */
uint64_t *spawners_area(const struct run_opts *o);

/* A cell laid out (its figures unknown yet). */
void plan_cell(struct table_row *c, const struct method *m, uint64_t kib, enum thp_mode thp,
	       enum ballast_kind kind, uint64_t fds, uint64_t threads, uint64_t parallel);

/* One window of the sweep's cell id in round round, on the ballast ctx
 * describes (ballast_error: why there is none, which fails the cell),
 * measured and written. */
void run_window(struct sweep *sw, size_t id, unsigned round, struct spawn_ctx *ctx,
		struct samples *s, const char *ballast_error);

#endif
