/* Where a run keeps its samples until the end. A cell is measured in several
 * windows (--rounds) spread over the run, and its statistics need all of
 * them: they go to a hidden file of the run folder, opened only while
 * written, so that the measuring process neither grows nor holds a
 * descriptor through the timed iterations. */
#ifndef SPAWNCOST_SPILL_H
#define SPAWNCOST_SPILL_H

#include <stddef.h>
#include <stdint.h>

#include "cell.h"

/* One record on disk: a timed sample's ns, or a probe (cell has
 * SPILL_PROBE set) with where its child ran and its phases. */
#define SPILL_PROBE 0x80000000u
struct spill_probe {
	uint32_t cell;
	uint32_t cpu;	/* parent << 16 | child, as in struct probe */
	uint64_t ns;
	uint32_t phase[NPHASES];	/* as struct phases; PHASE_NONE when not seen */
};

struct spill {
	char path[4096 + 32];	/* dir/.spawncost-spill.tmp; "" when closed */
	uint64_t records;
};

/* Everything read back, grouped by cell, in the order it was measured. */
struct spill_data {
	uint64_t **ns;		/* ns[c]: count[c] timed samples of cell c */
	size_t *count;
	struct spill_probe **probes;	/* probes[c]: nprobes[c] probes of cell c */
	size_t *nprobes;
	uint64_t *ns_all;	/* the allocations behind them */
	struct spill_probe *probes_all;
};

/* Create the file in dir. Returns 0 or an errno value. */
int spill_open(struct spill *sp, const char *dir);
/* Append n timed samples, or n probes, of a cell. Returns 0 or an errno. */
int spill_add(struct spill *sp, uint32_t cell, const uint64_t *ns, size_t n);
int spill_add_probes(struct spill *sp, uint32_t cell, const struct probe *p, size_t n);
/* Read everything back. Returns 0 or an errno value. */
int spill_load(struct spill *sp, size_t ncells, struct spill_data *d);
void spill_free(struct spill_data *d);
void spill_close(struct spill *sp);

#endif
