/* What people read: progress on stderr and the closing table on stdout. */
#ifndef SPAWNCOST_TABLE_H
#define SPAWNCOST_TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "memory.h"
#include "method.h"
#include "stats.h"

struct table_row {
	const struct method *method;
	uint64_t rss_mib;
	enum thp_mode thp;
	enum ballast_kind kind;
	long rss_kib, pte_kib, thp_kib;
	uint64_t pages;		/* pages a per_page method wrote; 0 otherwise */
	struct stats stats;
	char error[160];
};

void progress_start(size_t i, size_t n, const struct table_row *t);
void progress_done(size_t i, size_t n, const struct table_row *t);
void table_print(FILE *f, const struct table_row *rows, size_t n);

#endif
