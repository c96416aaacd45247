/* The claims in words: one verdict line per claim and ratio curve, the same
 * on stdout and in report.md, and the tables behind them for report.md. */
#ifndef SPAWNCOST_CLAIMTEXT_H
#define SPAWNCOST_CLAIMTEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "claims.h"

enum claim_id { CLAIM_VFORK, CLAIM_EFFICIENT, CLAIM_CHEAPEST, CLAIM_COPIES, NCLAIMS };

/* The claim as people repeat it, and what the report takes it to mean. */
extern const char *const claim_said[NCLAIMS];
extern const char *const claim_meaning[NCLAIMS];

/* Every verdict line of claim id: "  <curve>: <verdict>: <figures>".
 * md: bold verdicts and list items for report.md. */
void claim_lines(FILE *f, const struct claims *c, enum claim_id id, bool md);

/* report.md: the per-RSS table behind claim id at THP setting t. */
void claim_table(FILE *f, const struct claims *c, enum claim_id id, size_t t);

/* verdicts.csv: every point of every claim, one row each: the ratio, its
 * interval, the per-round spread, and holds, does not hold or undecided
 * (what scripts/calibrate and a history of runs read). */
#define VERDICTS_COLUMNS \
	"claim,pair,thp,rss_mib,ratio,ratio_lo,ratio_hi,round_lo,round_hi,rounds,status"
void claim_csv(FILE *f, const struct claims *c);

/* 4.43, 24.5, 1186: three figures or the units. */
const char *fig(double v);

#endif
