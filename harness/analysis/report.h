/* `spawncost report`: the verdicts on the claims, report.md, and the tables
 * the charts draw. */
#ifndef SPAWNCOST_REPORT_H
#define SPAWNCOST_REPORT_H

#include <stdio.h>

struct claims;
struct rundir;

int cmd_report(int argc, char **argv);

/* dir read and its claims worked out (free *c, rundir_free r): 0, or 2
 * after one line on stderr starting with who. */
int report_load(const char *who, const char *dir, struct rundir *r, struct claims **c);

/* The run in dir as one JSON document on out (harness/analysis/
 * reportjson.c): 0, or 2 after one line on stderr starting with who. */
int run_json(const char *who, const char *dir, FILE *out);

#endif
