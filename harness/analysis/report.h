/* `spawncost report`: the verdicts on the claims, report.md, and the tables
 * the charts draw. */
#ifndef SPAWNCOST_REPORT_H
#define SPAWNCOST_REPORT_H

int cmd_report(int argc, char **argv);

#endif
