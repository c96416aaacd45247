/* `spawncost run` options: profiles, lists and numbers, checked strictly. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "parse.h"
#include "run.h"

struct profile {
	const char *name;
	const char *rss;
	const char *thp;
};

/* quick: a smoke test; default: the sweep the README reports; full: adds
 * 4 GiB (where memory allows) and huge pages. */
static const struct profile profiles[] = {
	{ "quick", "0,64", "off" },
	{ "default", "0,16,64,256,1024", "off" },
	{ "full", "0,16,64,256,1024,4096", "off,on" },
};

static const char run_usage[] =
	"usage: spawncost run [-m METHODS] [-r RSS_MIB_LIST] [--thp off|on[,...]]\n"
	"                     [-n N | --min-time S] [-w N] [--target PATH] [-o DIR]\n"
	"                     [--profile quick|default|full]\n"
	"  -m, --methods LIST   comma list of methods (default: all; see spawncost list)\n"
	"  -r, --rss LIST       parent ballast sizes in MiB (default from the profile)\n"
	"      --thp LIST       off (MADV_NOHUGEPAGE, default) or on (MADV_HUGEPAGE)\n"
	"  -n, --iterations N   timed iterations per cell\n"
	"      --min-time S     else time budget per cell in seconds (default 0.5,\n"
	"                       at least 30 iterations), extended while the median's\n"
	"                       95%% interval is wider than --precision\n"
	"      --precision PCT  wanted interval half-width, %% of the median\n"
	"                       (default 2; 0 stops at --min-time)\n"
	"      --max-time S     longest a cell is extended to (default 10 x min-time)\n"
	"  -w, --warmup N       untimed iterations first (default 5)\n"
	"      --target PATH    exec target (default: the bundled static no-op)\n"
	"  -o, --output DIR     result folder (default results/<host>-<UTC time>)\n"
	"      --profile NAME   quick (RSS 0,64), default (0,16,64,256,1024) or\n"
	"                       full (adds 4096 where memory allows; THP off and on)\n";

static int bad(const char *what, const char *why)
{
	fprintf(stderr, "spawncost run: %s: %s\n", what, why);
	return 2;
}

/* Lists are split in a copy: argv is handed on to the engine intact. */
static int parse_methods(const char *arg, struct run_opts *o)
{
	char buf[4096], *items[MAX_METHODS], err[PARSE_ERR_LEN];

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return bad("--methods", "list too long");
	if (split_list(buf, items, MAX_METHODS, &o->nmethods, err))
		return bad("--methods", err);
	for (size_t i = 0; i < o->nmethods; i++) {
		o->methods[i] = method_find(items[i]);
		if (!o->methods[i]) {
			snprintf(err, sizeof err, "unknown method '%s' (see spawncost list)", items[i]);
			return bad("--methods", err);
		}
		for (size_t j = 0; j < i; j++)
			if (o->methods[j] == o->methods[i]) {
				snprintf(err, sizeof err, "method '%s' named twice", items[i]);
				return bad("--methods", err);
			}
	}
	return 0;
}

static int parse_rss(const char *arg, struct run_opts *o)
{
	char buf[1024], *items[MAX_RSS], err[PARSE_ERR_LEN];

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return bad("--rss", "list too long");
	if (split_list(buf, items, MAX_RSS, &o->nrss, err))
		return bad("--rss", err);
	for (size_t i = 0; i < o->nrss; i++) {
		if (parse_u64(items[i], 0, MAX_RSS_MIB, &o->rss[i], err))
			return bad("--rss", err);
		for (size_t j = 0; j < i; j++)
			if (o->rss[j] == o->rss[i])
				return bad("--rss", "a size is named twice");
	}
	return 0;
}

static int parse_thp(const char *arg, struct run_opts *o)
{
	char buf[64], *items[2], err[PARSE_ERR_LEN];

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return bad("--thp", "expected off, on or off,on");
	if (split_list(buf, items, 2, &o->nthp, err))
		return bad("--thp", err);
	for (size_t i = 0; i < o->nthp; i++) {
		if (strcmp(items[i], "off") == 0)
			o->thp[i] = THP_OFF;
		else if (strcmp(items[i], "on") == 0)
			o->thp[i] = THP_ON;
		else
			return bad("--thp", "expected off, on or off,on");
	}
	if (o->nthp == 2 && o->thp[0] == o->thp[1])
		return bad("--thp", "a setting is named twice");
	return 0;
}

static const struct profile *find_profile(const char *name)
{
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

enum { OPT_THP = 256, OPT_MIN_TIME, OPT_MAX_TIME, OPT_PRECISION, OPT_TARGET, OPT_PROFILE,
       OPT_HELP };

static const struct option long_options[] = {
	{ "methods", required_argument, NULL, 'm' },
	{ "rss", required_argument, NULL, 'r' },
	{ "thp", required_argument, NULL, OPT_THP },
	{ "iterations", required_argument, NULL, 'n' },
	{ "min-time", required_argument, NULL, OPT_MIN_TIME },
	{ "max-time", required_argument, NULL, OPT_MAX_TIME },
	{ "precision", required_argument, NULL, OPT_PRECISION },
	{ "warmup", required_argument, NULL, 'w' },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "output", required_argument, NULL, 'o' },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

int run_parse(int argc, char **argv, struct run_opts *o, bool notes)
{
	const char *rss = NULL, *thp = NULL, *n = NULL, *min_time = NULL, *max_time = NULL,
		   *precision = NULL;
	const struct profile *profile = find_profile("default");
	char err[PARSE_ERR_LEN];
	int c, rc;

	memset(o, 0, sizeof *o);
	o->budget.min_time = 0.5;
	o->budget.precision_pct = 2;
	o->budget.warmup = 5;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":m:r:n:w:o:", long_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			if ((rc = parse_methods(optarg, o)))
				return rc;
			break;
		case 'r': rss = optarg; break;
		case OPT_THP: thp = optarg; break;
		case 'n': n = optarg; break;
		case OPT_MIN_TIME: min_time = optarg; break;
		case OPT_MAX_TIME: max_time = optarg; break;
		case OPT_PRECISION: precision = optarg; break;
		case 'w':
			if (parse_u64(optarg, 0, MAX_ITERATIONS, &o->budget.warmup, err))
				return bad("--warmup", err);
			break;
		case OPT_TARGET:
			if (!optarg[0])
				return bad("--target", "empty path");
			o->target = o->target_name = optarg;
			break;
		case 'o':
			if (!optarg[0])
				return bad("--output", "empty path");
			o->outdir = optarg;
			break;
		case OPT_PROFILE:
			profile = find_profile(optarg);
			if (!profile) {
				snprintf(err, sizeof err, "unknown profile '%s' (quick, default, full)",
					 optarg);
				return bad("--profile", err);
			}
			break;
		case OPT_HELP:
			fputs(run_usage, stdout);
			return 1;
		case ':':
			snprintf(err, sizeof err, "needs a value");
			return bad(argv[optind - 1], err);
		default:
			return bad(argv[optind - 1], "unknown option (see spawncost run --help)");
		}
	}
	if (optind < argc)
		return bad(argv[optind], "unexpected argument (see spawncost run --help)");
	if (n && (min_time || max_time || precision))
		return bad("-n", "a fixed count takes no --min-time, --max-time or --precision");

	if (o->nmethods == 0)
		for (const struct method *const *m = methods; *m; m++)
			o->methods[o->nmethods++] = *m;
	if ((rc = parse_rss(rss ? rss : profile->rss, o)))
		return rc;
	if (!rss && strcmp(profile->name, "full") == 0) {
		/* full adds 4 GiB only where it fits: drop what does not. */
		long limit = ballast_limit_mib();
		size_t keep = 0;
		for (size_t i = 0; i < o->nrss; i++)
			if (limit < 0 || o->rss[i] <= (uint64_t)limit)
				o->rss[keep++] = o->rss[i];
			else if (notes)
				fprintf(stderr, "spawncost run: note: leaving out %llu MiB: "
					"only %ld MiB may be used here\n",
					(unsigned long long)o->rss[i], limit);
		o->nrss = keep;
	}
	if ((rc = parse_thp(thp ? thp : profile->thp, o)))
		return rc;
	if (n && parse_u64(n, 1, MAX_ITERATIONS, &o->budget.iterations, err))
		return bad("--iterations", err);
	if (min_time && parse_double(min_time, 0.001, 86400, &o->budget.min_time, err))
		return bad("--min-time", err);
	o->budget.max_time = 10 * o->budget.min_time;
	if (max_time && parse_double(max_time, 0.001, 864000, &o->budget.max_time, err))
		return bad("--max-time", err);
	if (o->budget.max_time < o->budget.min_time)
		return bad("--max-time", "is shorter than --min-time");
	if (precision && parse_double(precision, 0, 100, &o->budget.precision_pct, err))
		return bad("--precision", err);
	return 0;
}

static bool any_execs(const struct run_opts *o)
{
	for (size_t i = 0; i < o->nmethods; i++)
		if (o->methods[i]->execs)
			return true;
	return false;
}

int run_check(struct run_opts *o)
{
	char err[PATH_MAX + 64];
	uint64_t largest = 0;
	struct stat st;
	long limit;

	if (!o->target) {
		o->target = bundled_target();
		o->target_name = "static";
		if (!o->target && any_execs(o))
			return bad("--target", "the bundled no-op target is not next to spawncost "
					       "(build it with make, or give --target PATH)");
	}
	if (o->target && any_execs(o)) {
		if (stat(o->target, &st) != 0) {
			snprintf(err, sizeof err, "%s: %s", o->target, strerror(errno));
			return bad("--target", err);
		}
		if (!S_ISREG(st.st_mode) || access(o->target, X_OK) != 0) {
			snprintf(err, sizeof err, "%s is not an executable file", o->target);
			return bad("--target", err);
		}
	}
	if (!any_execs(o))
		o->target_name = "none";

	for (size_t i = 0; i < o->nrss; i++)
		if (o->rss[i] > largest)
			largest = o->rss[i];
	limit = ballast_limit_mib();
	if (limit < 0)
		return bad("--rss", "cannot read MemAvailable from /proc/meminfo");
	if (largest > (uint64_t)limit) {
		snprintf(err, sizeof err, "%llu MiB does not fit: MemAvailable less a margin "
			 "leaves %ld MiB", (unsigned long long)largest, limit);
		return bad("--rss", err);
	}
	return 0;
}
