/* env.txt's command as report.md shows it: see runcmd.h. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "runcmd.h"

/* The last name of dir: "shape" for "results/reference/shape/", and the
 * real one for "." or "..". */
static void folder_name(const char *dir, char *name, size_t len)
{
	char real[PATH_MAX];
	const char *slash;
	size_t n;

	if (realpath(dir, real))
		dir = real;
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (slash = dir + n; slash > dir && slash[-1] != '/'; slash--)
		;
	snprintf(name, len, "%.*s", (int)(n - (size_t)(slash - dir)), slash);
}

/* Append " word" (no space before the first) to out, as far as it fits. */
static void put(char *out, size_t len, const char *word, const char *tail)
{
	size_t at = strlen(out);

	snprintf(out + at, len - at, "%s%s%s", at ? " " : "", word, tail);
}

const char *runcmd_shown(const char *cmd, const char *dir, char *out, size_t len)
{
	char name[PATH_MAX], *copy = strdup(cmd), *save = NULL;
	bool in_path = false;	/* past -o's value: a path with spaces goes on */

	out[0] = '\0';
	if (!copy) {
		snprintf(out, len, "%s", cmd);
		return out;
	}
	folder_name(dir, name, sizeof name);
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (run_opt_handoff(tok))
			break;	/* the front end's, to the end of the line */
		if (in_path && *tok != '-')
			continue;
		in_path = false;
		if (!strcmp(tok, "-o") || !strcmp(tok, "--output")) {
			put(out, len, tok, "");
			put(out, len, name, "");
			/* the path itself is the next word, whatever it starts with */
			if ((tok = strtok_r(NULL, " ", &save)))
				in_path = true;
		} else if (!strncmp(tok, "--output=", 9)) {
			put(out, len, "--output=", name);
			in_path = true;
		} else if (!strncmp(tok, "-o", 2)) {
			put(out, len, "-o", name);
			in_path = true;
		} else {
			put(out, len, tok, "");
		}
	}
	free(copy);
	return out;
}
