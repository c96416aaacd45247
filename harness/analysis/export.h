/* `spawncost export DIR --format gbench|github-action-benchmark|bencher`. */
#ifndef SPAWNCOST_EXPORT_H
#define SPAWNCOST_EXPORT_H

/* argv[0] is "export". Returns the exit status: 0, or 2 on bad input. */
int cmd_export(int argc, char **argv);

#endif
