/* The options of the commands that read run folders (compare, export): one
 * walk of argv through getopt_long, and one way of saying what is wrong. */
#ifndef SPAWNCOST_CMDLINE_H
#define SPAWNCOST_CMDLINE_H

#include <getopt.h>
#include <stddef.h>

struct cmd_line {
	const char *name;		/* "compare": "spawncost compare: ..." */
	const char *usage;		/* what --help prints */
	const struct option *longopts;	/* --help must have val 'h' */
	const char **operands;		/* the folders, in the order given */
	size_t max_operands;
};

/* An option with its value: 0 to go on, or the exit status to stop with. */
typedef int cmd_option_fn(int opt, const char *val, void *arg);

/* Walk argv[1..]. Operands may stand before, between or after the options
 * and fill cl->operands in order; each option of longopts goes to fn. --help
 * prints the usage on stdout and returns 1; a missing value, an unknown
 * option or an operand too many is one line on stderr and returns 2. Else
 * the first status fn stopped with, or 0. */
int cmd_options(int argc, char **argv, const struct cmd_line *cl, cmd_option_fn *fn,
		void *arg);

/* val as the index of one of names[] (NULL-terminated) in *out; else
 * "expected a, b or c" for opt and 2. */
int cmd_choice(const char *cmd, const char *opt, const char *val, const char *const *names,
	       int *out);

/* "spawncost CMD: WHAT: WHY" on stderr. Returns 2, bad input's exit status. */
int cmd_bad(const char *cmd, const char *what, const char *why);

#endif
