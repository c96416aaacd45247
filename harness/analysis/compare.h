/* `spawncost compare BASE NEW`: did NEW get slower than BASE, cell by cell,
 * beyond doubt and beyond a threshold? The CI gate. */
#ifndef SPAWNCOST_COMPARE_H
#define SPAWNCOST_COMPARE_H

#include <stdio.h>

#include "mwu.h"
#include "rundir.h"

/* Samples of one cell used at most, per side. Neither test needs a cap for
 * speed (the U test sorts, the bootstrap is O(1) per resample), so this
 * only guards memory; past it every k-th sample in iteration order is
 * used, and the report says so for that cell. */
#define COMPARE_MAX_SAMPLES 1000000

enum pair_verdict { V_SAME, V_REGRESSION, V_IMPROVEMENT, V_ERROR_NEW, V_ERROR_BASE, V_ERROR_BOTH };

struct pair {
	const struct cell_data *base, *nw;
	enum pair_verdict verdict;
	double med_base_us, med_new_us;	/* of the samples used */
	double ratio, lo, hi;	/* NEW/BASE medians and its 95% interval */
	struct mwu u;		/* U of NEW against BASE */
	size_t used_base, used_new;	/* samples used, < n when capped */
};

/* Where the two runs' machines differ in a way that can move the figures. */
struct env_diff {
	const char *key, *base, *nw;	/* base or nw NULL when absent */
};

struct comparison {
	const char *base_dir, *new_dir;
	const bool *use_key;	/* the keys cells are matched on */
	double threshold_pct, alpha;
	struct env_diff *diffs;
	size_t ndiffs;
	bool env_missing;	/* one side has no env.txt: nothing to compare */
	/* env.txt's machine_id of each side, NULL when it has none (runs made
	 * before there was one); other_machine when both have one and they
	 * differ: another machine, whose figures test no change to BASE's. */
	const char *machine_base, *machine_new;
	bool other_machine;
	struct pair *pairs;
	size_t npairs;
	const struct cell_data **only_base, **only_new;
	size_t nonly_base, nonly_new;
	double geomean;		/* of the ratios of measured pairs */
	size_t ngeo;
	size_t regressions, improvements, same, errors;	/* errors: new in NEW */
};

const char *verdict_name(enum pair_verdict v);

void report_text(FILE *f, const struct comparison *c);
void report_markdown(FILE *f, const struct comparison *c);
int report_json(FILE *f, const struct comparison *c);

/* argv[0] is "compare". Returns the exit status: 0, 1 or 2. */
int cmd_compare(int argc, char **argv);

#endif
