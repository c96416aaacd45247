/* The command a run was made with, as report.md shows it. env.txt's
 * command= line is what the engine ran: the -o path on the machine that
 * made the run, then the options the front end handed the engine (its own
 * path among them). A report travels with its folder to other machines and
 * into repositories, so it names the folder by its own name and leaves the
 * hand-off out: what a user types to make such a run again. */
#ifndef SPAWNCOST_RUNCMD_H
#define SPAWNCOST_RUNCMD_H

#include <stddef.h>

/* cmd (env.txt's command=) into out, with the value of -o/--output replaced
 * by the last name of dir (the run folder, as given) and everything from
 * the first hand-off option (options.h, run_opt_handoff) on left out.
 * Returns out. */
const char *runcmd_shown(const char *cmd, const char *dir, char *out, size_t len);

#endif
