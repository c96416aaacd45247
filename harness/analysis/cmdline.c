/* Options of the commands that read run folders: see cmdline.h. */
#include <stdio.h>
#include <string.h>

#include "cmdline.h"

int cmd_bad(const char *cmd, const char *what, const char *why)
{
	fprintf(stderr, "spawncost %s: %s: %s\n", cmd, what, why);
	return 2;
}

int cmd_choice(const char *cmd, const char *opt, const char *val, const char *const *names,
	       int *out)
{
	char why[256] = "expected ";

	for (int i = 0; names[i]; i++)
		if (strcmp(val, names[i]) == 0) {
			*out = i;
			return 0;
		}
	for (int i = 0; names[i]; i++) {
		if (i > 0)
			strncat(why, names[i + 1] ? ", " : " or ", sizeof why - strlen(why) - 1);
		strncat(why, names[i], sizeof why - strlen(why) - 1);
	}
	return cmd_bad(cmd, opt, why);
}

/* "spawncost CMD: WHAT: WHY (see spawncost CMD --help)" */
static int bad_see(const struct cmd_line *cl, const char *what, const char *why)
{
	char full[160];

	snprintf(full, sizeof full, "%s (see spawncost %s --help)", why, cl->name);
	return cmd_bad(cl->name, what, full);
}

int cmd_options(int argc, char **argv, const struct cmd_line *cl, cmd_option_fn *fn,
		void *arg)
{
	size_t n = 0;
	int c, rc;

	opterr = 0;
	optind = 1;
	/* "-": operands come back in order as option 1; ":": a missing value
	 * is ':' rather than '?'. */
	while ((c = getopt_long(argc, argv, "-:", cl->longopts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (n == cl->max_operands)
				return bad_see(cl, optarg, "unexpected argument");
			cl->operands[n++] = optarg;
			break;
		case 'h':
			fputs(cl->usage, stdout);
			return 1;
		case ':':
			return cmd_bad(cl->name, argv[optind - 1], "needs a value");
		case '?':
			return bad_see(cl, argv[optind - 1], "unknown option");
		default:
			if ((rc = fn(c, optarg, arg)))
				return rc;
		}
	}
	return 0;
}
