/* `spawncost history`: read the runs, make the series, find their change
 * points (history_build), and print the listing or one change's report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "history.h"
#include "history_html.h"
#include "parse.h"

static const char history_usage[] =
	"usage: spawncost history DIR... [--by time|commit|kernel|label] [--alpha A]\n"
	"                         [--threshold PCT] [--format text|json] [--report N]\n"
	"                         [--html OUT]\n"
	"  DIR              run folders, or folders of them, in any order\n"
	"  --by KEY         the order of the runs: time (default: when each started),\n"
	"                   commit (env.txt's git_revision; commits in the order their\n"
	"                   first run came), kernel or label (in version order)\n"
	"  --alpha A        significance of a change point's permutation test\n"
	"                   (default 0.01)\n"
	"  --threshold PCT  smallest step that counts, % either way (default 5)\n"
	"  --format F       text (default) or json, on stdout\n"
	"  --report N       change N of the listing in the kernel test robot's shape:\n"
	"                   the runs on either side, each series that changed there\n"
	"                   with its median and %stddev on both sides and the %change,\n"
	"                   and the command that reproduces the run after it\n"
	"  --html OUT       a static page in the folder OUT (new, empty, or a page\n"
	"                   written before): a chart per series with its change\n"
	"                   points, the latest run against the one before, the\n"
	"                   claims run by run and every run's machine and kernel;\n"
	"                   prints OUT/index.html\n"
	"One series per cell and per claim ratio at each swept size, one point per run:\n"
	"its median of windows' medians. Change points: E-Divisive with means and a\n"
	"permutation test (Matteson & James 2014, as Apache Otava/Hunter), at least 2\n"
	"runs on each side, steps below the threshold merged away.\n"
	"Exit 0: no change point, 1: at least one (--report: 0 when printed), 2: bad input.\n";

enum history_format { F_TEXT, F_JSON };	/* as formats[] in take_opt */

struct history_args {
	const char **dirs;
	size_t ndirs;
	struct hist_opts o;
	enum history_format format;
	size_t report;		/* --report N, 0: none */
	const char *html;	/* --html OUT: out_buf, or NULL */
	char out_buf[PATH_MAX];
};

static int bad(const char *what, const char *why)
{
	return cmd_bad("history", what, why);
}

static int take_opt(int opt, const char *val, void *arg)
{
	static const char *const formats[] = { "text", "json", NULL };
	static const char *const orders[] = { "time", "commit", "kernel", "label", NULL };
	struct history_args *a = arg;
	char err[PARSE_ERR_LEN];
	uint64_t n;
	int f;

	switch (opt) {
	case 'b':
		if (cmd_choice("history", "--by", val, orders, &f))
			return 2;
		a->o.by = (enum hist_order)f;
		break;
	case 'a':
		if (parse_double(val, 0, 0.5, &a->o.detect.alpha, err))
			return bad("--alpha", err);
		if (a->o.detect.alpha < 0.0001)
			return bad("--alpha", "at least 0.0001 (the permutations it would take)");
		break;
	case 't':
		if (parse_double(val, 0, 1000, &a->o.detect.threshold_pct, err))
			return bad("--threshold", err);
		break;
	case 'f':
		if (cmd_choice("history", "--format", val, formats, &f))
			return 2;
		a->format = (enum history_format)f;
		break;
	case 'r':
		if (parse_u64(val, 1, 1000000, &n, err))
			return bad("--report", err);
		a->report = (size_t)n;
		break;
	case 'o':
		/* "page/" is page: OUT.tmp is made beside it */
		if (!*val)
			return bad("--html", "an empty folder name");
		if (strlen(val) >= sizeof a->out_buf)
			return bad("--html", "the path is too long");
		strcpy(a->out_buf, val);
		for (size_t end = strlen(a->out_buf); end > 1 && a->out_buf[end - 1] == '/'; end--)
			a->out_buf[end - 1] = '\0';
		a->html = a->out_buf;
		break;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct history_args *a)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "threshold", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "report", required_argument, NULL, 'r' },
		{ "html", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_line cl = { .name = "history", .usage = history_usage,
				     .longopts = longopts, .operands = a->dirs,
				     .max_operands = (size_t)argc };
	char err[HTML_ERR_LEN];
	int rc;

	if ((rc = cmd_options(argc, argv, &cl, take_opt, a)))
		return rc;
	while (a->dirs[a->ndirs])
		a->ndirs++;
	if (a->ndirs == 0)
		return bad("DIR", "missing: give run folders, or folders of them");
	if (a->report && a->format == F_JSON)
		return bad("--report", "prints text: leave out --format json");
	if (a->html && (a->report || a->format == F_JSON))
		return bad("--html", "writes the page alone: leave out --report and --format json");
	/* before any folder is read: a bad OUT is said at once */
	if (a->html && history_html_check(a->html, err))
		return cmd_bad("history", "--html", err);
	return 0;
}

int history_build(const char *const *dirs, size_t ndirs, const struct hist_opts *o,
		  struct history *h, char *err)
{
	memset(h, 0, sizeof *h);
	h->o = *o;
	if (history_load(dirs, ndirs, o->by, h, err) || history_series(h, err)) {
		history_free(h);
		return -1;
	}
	return 0;
}

void history_free(struct history *h)
{
	for (size_t i = 0; i < h->nseries; i++) {
		free(h->series[i].name);
		free(h->series[i].pt);
		free(h->series[i].cp);
	}
	free(h->series);
	for (size_t i = 0; i < h->nruns; i++)
		rundir_free(&h->rd[i]);
	free(h->rd);
	free(h->runs);
	memset(h, 0, sizeof *h);
}

const struct hist_series *history_change(const struct history *h, size_t k, size_t *i)
{
	for (size_t s = 0; s < h->nseries; s++) {
		const struct hist_series *hs = &h->series[s];

		if (hs->ncp && k >= hs->first && k < hs->first + hs->ncp) {
			*i = k - hs->first;
			return hs;
		}
	}
	return NULL;
}

int cmd_history(int argc, char **argv)
{
	struct history_args a = { .o = { .by = BY_TIME, .detect = DETECT_DEFAULTS } };
	struct history h;
	char err[HISTORY_ERR_LEN];
	int rc;

	if (!(a.dirs = calloc((size_t)argc + 1, sizeof *a.dirs))) {
		fprintf(stderr, "spawncost history: out of memory\n");
		return 2;
	}
	if ((rc = parse_args(argc, argv, &a))) {
		free(a.dirs);
		return rc == 1 ? 0 : rc;
	}
	rc = history_build(a.dirs, a.ndirs, &a.o, &h, err);
	free(a.dirs);
	if (rc) {
		fprintf(stderr, "spawncost history: %s\n", err);
		return 2;
	}
	if (a.html) {
		char herr[HTML_ERR_LEN];

		if ((rc = history_html(&h, a.html, herr)))
			fprintf(stderr, "spawncost history: --html: %s\n", herr);
		else
			printf("%s/index.html\n", a.html);
		rc = rc ? 2 : h.nchanges ? 1 : 0;
	} else if (a.report) {
		rc = history_report(stdout, &h, a.report);
	} else if (a.format == F_JSON) {
		if ((rc = history_json(stdout, &h)))
			fprintf(stderr, "spawncost history: %s\n", rc == -1 ? "out of memory: nothing "
				"was written" : "cannot write the output");
		rc = rc ? 2 : h.nchanges ? 1 : 0;
	} else {
		history_text(stdout, &h);
		rc = h.nchanges ? 1 : 0;
	}
	history_free(&h);
	return rc;
}
