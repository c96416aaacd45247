/* Where a run keeps its samples until the end: an unlinked binary file.
 * A cell is measured in several windows (--rounds) spread over the run, and
 * its statistics need all of them; holding them in the measuring process
 * would grow what it maps between cells. */
#ifndef SPAWNCOST_SPILL_H
#define SPAWNCOST_SPILL_H

#include <stddef.h>
#include <stdint.h>

struct spill_record {
	uint32_t cell;
	uint32_t cpu;	/* parent << 16 | child, as in struct samples */
	uint64_t ns;
	uint32_t phase[4];	/* as struct phases; PHASE_NONE when not seen */
};

struct spill {
	int fd;
	uint64_t records;
};

/* Open an unlinked file in dir. Returns 0 or an errno value. */
int spill_open(struct spill *sp, const char *dir);
/* Append n samples of a cell. Returns 0 or an errno value. */
int spill_add(struct spill *sp, uint32_t cell, const uint64_t *ns, const uint32_t *cpu,
	      const uint32_t (*phase)[4], size_t n);
/* Read everything back, grouped by cell: per_cell[c] points at count[c]
 * records of cell c inside *all (one allocation, free(*all)). */
int spill_load(struct spill *sp, size_t ncells, struct spill_record **all,
	       struct spill_record ***per_cell, size_t **count);
void spill_close(struct spill *sp);

#endif
