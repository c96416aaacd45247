/* The values of `spawncost run`'s options (optvalues.c): each function
 * reads one option's value into the run's options, or says on stderr what
 * is wrong with it (one line) and returns 2. options.c's table names the
 * function of each option. */
#ifndef SPAWNCOST_OPTVALUES_H
#define SPAWNCOST_OPTVALUES_H

#include "options.h"

/* "spawncost run: WHAT: WHY" on stderr; returns 2. */
int opt_bad(const char *what, const char *why);

/* The sweep: methods, clone flags (then: --then's value, or NULL), sizes,
 * THP settings, ballast kinds, the parent's shape, the spawners. */
int parse_methods(const char *arg, struct run_opts *o);
int parse_clone_flags(const char *arg, const char *then, struct run_opts *o);
int parse_rss(const char *arg, struct run_opts *o);
int parse_thp(const char *arg, struct run_opts *o);
int parse_ballast(const char *arg, struct run_opts *o);
int parse_vmas(const char *arg, struct run_opts *o);
int parse_fds(const char *arg, struct run_opts *o);
int parse_threads(const char *arg, struct run_opts *o);
int parse_parallel(const char *arg, struct run_opts *o);
int parse_spawners(const char *arg, struct run_opts *o);
int parse_path_dirs(const char *arg, struct run_opts *o);
int parse_target(const char *arg, struct run_opts *o);

/* How it is measured and where it goes. */
int parse_rounds(const char *arg, struct run_opts *o);
int parse_warmup(const char *arg, struct run_opts *o);
int parse_timeout(const char *arg, struct run_opts *o);
int parse_pin(const char *arg, struct run_opts *o);
int parse_cpus(const char *arg, struct run_opts *o);
int parse_events(const char *arg, struct run_opts *o);
int parse_output(const char *arg, struct run_opts *o);
int parse_samples(const char *arg, struct run_opts *o);
int parse_label(const char *arg, struct run_opts *o);

/* What the front end hands the engine. */
int parse_specs(const char *arg, struct run_opts *o);		/* --event-spec */
int parse_spawner_cpus(const char *arg, struct run_opts *o);
int parse_facts_fd(const char *arg, struct run_opts *o);
int parse_dir_fd(const char *arg, struct run_opts *o);
int take_front(const char *arg, struct run_opts *o);
int take_pin_why(const char *arg, struct run_opts *o);

#endif
