/* `spawncost report DIR`: DIR/report.md (machine facts, the summary, the
 * charts, a verdict on each claim) and the verdicts on stdout.
 * `spawncost report --plot-data OUT DIR...`: the tables the chart scripts in plots/ draw
 * (scripts/plots calls it; with several DIRs, the overlay of runs). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answers.h"
#include "claimtext.h"
#include "csv.h"
#include "plotdata.h"
#include "parse.h"
#include "report.h"
#include "runcmd.h"
#include "winstats.h"
#include "runtimes.h"
#include "scaling.h"

static const char report_usage[] =
	"usage: spawncost report [--json | --plot-data OUT] [--cdf-rss MIB] DIR...\n"
	"  DIR                 a run folder (summary.csv, env.txt, samples.csv.gz)\n"
	"  without --plot-data write DIR/report.md (one DIR) and print the verdicts\n"
	"                      and each pair in one line\n"
	"  --json              write nothing; print the run's summary, verdicts and\n"
	"                      one-line answers as one JSON document\n"
	"  --plot-data OUT     write the tables the charts draw into the folder OUT\n"
	"                      (several DIRs: the overlay of those runs)\n"
	"  --cdf-rss MIB       the parent size of the distribution chart (default: the\n"
	"                      smallest)\n";

/* The env.txt facts a reader needs to place the figures. */
static const char *const facts[] = {
	"host", "run_id", "command", "complete", "kernel_release", "cpu_model", "cpu_count",
	"cpus_allowed", "hypervisor", "glibc_version", "compiler", "thp_enabled", "thp_defrag",
	"clocksource", "page_size", "mem_total_kib", "randomize_va_space", "git_revision",
	/* a guest of scripts/kernels: how QEMU ran it, and where */
	"emulated", "accelerator", "vm_host", "guest_kernel", "guest_cpus", "guest_mem_mib",
	"vcpu_pins",
};

/* What the windows say of the run as a whole: how many a neighbour or the
 * host disturbed, and whether there were enough of them for 95%. */
static void contention_note(FILE *f, const struct rundir *r)
{
	double contended = 0, windows = 0, fewest = INFINITY;
	size_t cells = 0;

	if (!r->has_windows) {
		fputs("> This run has no windows.csv (it was made before intervals rested on "
		      "windows): its intervals and ratios come from the samples as if each were "
		      "independent, and claim more precision than the run has.\n\n", f);
		return;
	}
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell_data *c = &r->cells[i];
		if (c->error[0] || isnan(c->windows))
			continue;
		windows += c->windows;
		contended += isnan(c->contended) ? 0 : c->contended;
		cells += c->contended > 0;
		if (c->windows < fewest)
			fewest = c->windows;
	}
	if (contended > 0)
		fprintf(f, "> **Contended:** %.0f of %.0f windows (in %zu cells) were contended: the "
			   "engine waited for its CPU, or the host took the CPU away, for more than "
			   "10%% of the window (`windows.csv`: delay_pct, steal_pct). Something else ran "
			   "where the run measured; the intervals include those windows.\n\n",
			contended, windows, cells);
	if (fewest < WINDOWS_FOR_95)
		fprintf(f, "> Some cells have only %.0f windows: fewer than %d cannot give a 95%% "
			   "interval, and theirs is the range of their windows (run --rounds %d or "
			   "more).\n\n", fewest, WINDOWS_FOR_95, WINDOWS_FOR_95);
}

static void machine(FILE *f, const struct rundir *r)
{
	fputs("## Machine\n\n", f);
	if (!r->env.nlines) {
		fputs("The run has no env.txt.\n\n", f);
		return;
	}
	for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
		const char *v = rundir_env(r, facts[i]);
		char shown[4096];

		if (v && !strcmp(facts[i], "command"))
			v = runcmd_shown(v, r->dir, shown, sizeof shown);
		if (v)
			fprintf(f, "- %s: `%s`%s\n", facts[i], v, v == shown ? " (-o as this "
				"folder's name; env.txt has the command as it ran)" : "");
	}
	fputc('\n', f);
}

/* The plain cell of method at rss and thp, failed or not. */
static const struct cell_data *plain_cell(const struct rundir *r, const char *m, double rss,
					  const char *thp)
{
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell_data *c = &r->cells[i];

		if (!strcmp(c->method, m) && c->rss_mib == rss && !strcmp(c->thp, thp) &&
		    cell_plain(c) && (!strcmp(c->target, "none") || !strcmp(c->target, r->target)))
			return c;
	}
	return NULL;
}

/* Medians, methods by RSS, for each THP setting: the README's table. */
static void medians(FILE *f, const struct rundir *r, const struct claims *c)
{
	for (size_t t = 0; t < c->nthp; t++) {
		const char *done[256];
		size_t ndone = 0;

		fprintf(f, "Medians in µs, THP %s, plain ballast:\n\n| method |", c->thp[t]);
		for (size_t i = 0; i < c->nrss; i++)
			fprintf(f, " %g MiB |", c->rss[i]);
		fputs("\n|---|", f);
		for (size_t i = 0; i < c->nrss; i++)
			fputs("--:|", f);
		fputc('\n', f);
		for (size_t i = 0; i < r->ncells && ndone < 256; i++) {
			const struct cell_data *x = &r->cells[i];
			size_t k = 0;

			while (k < ndone && strcmp(done[k], x->method))
				k++;
			if (k < ndone || cell_per_page(x) || strcmp(x->thp, c->thp[t]) ||
			    x != plain_cell(r, x->method, x->rss_mib, c->thp[t]))
				continue;
			done[ndone++] = x->method;
			fprintf(f, "| `%s` |", x->method);
			for (size_t j = 0; j < c->nrss; j++) {
				const struct cell_data *y = plain_cell(r, x->method, c->rss[j],
								       c->thp[t]);

				fprintf(f, " %s |", !y ? "" : cell_ok(y) ? fig(y->med.v) : "error");
			}
			fputc('\n', f);
		}
		fputc('\n', f);
	}
}

static void all_cells(FILE *f, const struct rundir *r)
{
	fputs("Every cell:\n\n| method | target | thp | ballast | variant | RSS (MiB) | VmRSS "
	      "(MiB) | n | median µs [95% CI] | p10 | p90 | per page (ns) | error |\n"
	      "|---|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n", f);
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell_data *c = &r->cells[i];

		fprintf(f, "| `%s` | %s | %s | %s | %s | %g | %s | %g | ", c->method, c->target,
			c->thp, c->ballast, c->variant, c->rss_mib, fig(c->rss_kib / 1024),
			c->iterations);
		if (cell_ok(c))
			fprintf(f, "%s [%s, %s] | %s | %s | %s |", fig(c->med.v), fig(c->med.lo),
				fig(c->med.hi), fig(c->p10), fig(c->p90),
				isnan(c->per_page_ns) ? "" : fig(c->per_page_ns));
		else
			fputs(" | | | |", f);
		fprintf(f, " %s |\n", c->error);
	}
	fputc('\n', f);
}

/* Text for markdown: a "<" would open an HTML tag. */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '<')
			fputs("&lt;", f);
		else
			fputc(*s, f);
}

static void chart_list(FILE *f, const struct rundir *r, const struct claims *c)
{
	fputs("## Charts\n\n", f);
	for (size_t i = 0; i < ncharts; i++) {
		char path[PATH_MAX + 64], why[300];

		snprintf(path, sizeof path, "%s/%s.png", r->dir, charts[i].name);
		if (chart_absent(r, c, charts[i].name, why, sizeof why)) {
			fprintf(f, "- %s: left out, ", charts[i].title);
			md_text(f, why);
			fputs(".\n\n", f);
		} else if (access(path, R_OK) == 0)
			fprintf(f, "%s ([SVG](%s.svg)):\n\n![%s](%s.png)\n\n", charts[i].title,
				charts[i].name, charts[i].title, charts[i].name);
		else
			fprintf(f, "- %s: not drawn yet (`make plots RUN=%s`).\n\n",
				charts[i].title, r->dir);
	}
}

static void verdicts(FILE *f, const struct claims *c, bool md)
{
	for (int id = 0; id < NCLAIMS; id++) {
		if (md)
			fprintf(f, "### %d. \"%s\"\n\nTaken to mean: %s.\n\n", id + 1,
				claim_said[id], claim_meaning[id]);
		else
			fprintf(f, "claim %d, \"%s\":\n", id + 1, claim_said[id]);
		claim_lines(f, c, (enum claim_id)id, md);
		for (size_t t = 0; md && t < c->nthp; t++)
			claim_table(f, c, (enum claim_id)id, t);
		if (md)
			fputc('\n', f);
	}
}

/* Each pair in one line, after the verdicts: what a reader quotes. */
static void one_line(FILE *f, const struct claims *c, bool md)
{
	fputs(md ? "### Each pair in one line\n\nThe ratio of the two cells' windows taken side "
		   "by side, round by round, and its 95% interval; a difference is decided where "
		   "the whole interval is above or below 1.\n\n"
		 : "each pair in one line (the ratio of the windows taken side by side, its 95% "
		   "interval):\n", f);
	answer_lines(f, c, md);
	if (md)
		fputc('\n', f);
}

/* verdicts.csv beside report.md: the same verdicts, one row per point. */
static int write_verdicts(const struct rundir *r, const struct claims *c)
{
	struct outfile o;
	int e = outfile_open(&o, r->dir, "verdicts.csv");

	if (!e) {
		claim_csv(o.f, c);
		e = outfile_commit(&o);
	}
	if (e) {
		fprintf(stderr, "spawncost report: cannot write %s/verdicts.csv: %s\n", r->dir,
			strerror(e));
		return 2;
	}
	return 0;
}

static int write_report(const struct rundir *r, const struct claims *c)
{
	struct outfile o;
	char label[300];
	int e = outfile_open(&o, r->dir, "report.md");

	if (e) {
		fprintf(stderr, "spawncost report: cannot write %s/report.md: %s\n", r->dir,
			strerror(e));
		return 2;
	}
	fprintf(o.f, "# spawncost report: %s\n\n", run_label(r, label, sizeof label));
	if (run_emulated(r))
		fprintf(o.f, "> **%s.** QEMU's emulator ran this run's guest (scripts/kernels "
			     "--emulated): its times are QEMU's translation of every instruction "
			     "and page-table walk, not the kernel's on hardware; no timing "
			     "conclusion holds from it (docs/kernels.md).\n\n", EMULATED_NOTE);
	fputs("Written by `spawncost report` from this folder's CSV files; `make plots` "
	      "redraws the charts.\n\n", o.f);
	machine(o.f, r);
	fputs("## Verdicts\n\nEach claim is checked at every parent size (RSS, the ballast "
	      "in MiB; VmRSS is what the parent really had resident). Every cell was measured in "
	      "several windows spread over the run, one per round, and the cells of a round one "
	      "after the other: a ratio is taken round by round from the two cells' windows of "
	      "that round, so that a slow spell of the machine, which moves both, cancels. The "
	      "figure is the median of those per-round ratios, its interval the distribution-free "
	      "95% interval of that median (sign-test order statistics), and `rounds` gives the "
	      "smallest and largest per-round ratio, the spread the interval rests on. A claim "
	      "holds at an RSS when the whole interval lies in the claim's band, does not hold "
	      "when it lies wholly outside, and is undecided when it straddles an edge: between "
	      "two runs a verdict moves through undecided, not from one side to the other. Where "
	      "a ratio crosses a band edge, the "
	      "crossing is given as a measured bracket when two measured sizes lie on either "
	      "side of the edge, close together (a quarter MiB or 10% apart: what `run --refine` "
	      "searches for); otherwise it is interpolated linearly between neighbouring sizes, "
	      "and the line says why.\n\n", o.f);
	contention_note(o.f, r);
	verdicts(o.f, c, true);
	one_line(o.f, c, true);
	scaling_section(o.f, r);
	runtimes_section(o.f, r);
	chart_list(o.f, r, c);
	fputs("## Summary\n\n", o.f);
	medians(o.f, r, c);
	all_cells(o.f, r);
	if ((e = outfile_commit(&o))) {
		fprintf(stderr, "spawncost report: cannot write %s/report.md: %s\n", r->dir,
			strerror(e));
		return 2;
	}
	return write_verdicts(r, c);
}

int report_load(const char *who, const char *dir, struct rundir *r, struct claims **c)
{
	char err[RUNDIR_ERR_LEN];

	/* a cell named twice is refused here as by compare and export */
	if (rundir_open(r, dir, FOR_REPORT, err) || rundir_index(r, r->has_key, err)) {
		fprintf(stderr, "%s: %s\n", who, err);
		rundir_free(r);
		return 2;
	}
	*c = calloc(1, sizeof **c);
	if (!*c) {
		fprintf(stderr, "%s: out of memory\n", who);
		rundir_free(r);
		return 2;
	}
	claims_compute(r, *c);
	return 0;
}

static int plot_tables(char **dirs, int n, const char *out, double cdf_rss)
{
	struct rundir *runs = calloc((size_t)n, sizeof *runs);
	struct claims **c = calloc((size_t)n, sizeof *c);
	char err[PLOT_ERR_LEN], why[300];
	int rc = 0, loaded = 0;

	if (!runs || !c) {
		fprintf(stderr, "spawncost report: out of memory\n");
		rc = 2;
		goto cleanup;
	}
	for (; loaded < n; loaded++)
		if ((rc = report_load("spawncost report", dirs[loaded], &runs[loaded],
				      &c[loaded])))
			goto cleanup;
	if (mkdir(out, 0777) && errno != EEXIST) {
		fprintf(stderr, "spawncost report: cannot make %s: %s\n", out, strerror(errno));
		rc = 2;
		goto cleanup;
	}
	if (n == 1) {
		for (size_t i = 0; i < ncharts; i++)
			if (chart_absent(&runs[0], c[0], charts[i].name, why, sizeof why))
				fprintf(stderr, "spawncost report: no %s chart: %s\n",
					charts[i].name, why);
		if (plot_data(&runs[0], c[0], out, cdf_rss, err))
			rc = 2;
	} else if (plot_compare(runs, (const struct claims *const *)c, (size_t)n, out, err)) {
		rc = 2;
	}
	if (rc)
		fprintf(stderr, "spawncost report: %s\n", err);
cleanup:
	for (int i = 0; i < loaded; i++) {
		rundir_free(&runs[i]);
		free(c[i]);
	}
	free(runs);
	free(c);
	return rc;
}

struct report_opts {
	const char *out;	/* --plot-data, or NULL */
	double cdf_rss;		/* NaN: the smallest */
	bool json, help;
};

/* The options up to the first run folder (optind) or --help; 0, or 2 with
 * the one line that says which option is wrong. */
static int report_options(int argc, char **argv, struct report_opts *o)
{
	static const struct option opts[] = {
		{ "plot-data", required_argument, NULL, 'p' },
		{ "cdf-rss", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char perr[PARSE_ERR_LEN];
	int opt;

	*o = (struct report_opts){ .cdf_rss = NAN };
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			o->out = optarg;
			break;
		case 'c':
			/* the one number grammar of every option (parse.c): no
			 * inf, nan, hex or overflow */
			if (parse_double(optarg, 0, 4194304 /* 4 TiB, as -r */, &o->cdf_rss, perr)) {
				fprintf(stderr, "spawncost report: --cdf-rss: %s\n", perr);
				return 2;
			}
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			o->help = true;
			return 0;
		default:
			fprintf(stderr, "spawncost report: unknown option '%s' (see spawncost "
					"report --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	return 0;
}

/* One run folder unless --plot-data overlays several; --json and
 * --plot-data write different things, so not both. */
static int report_operands(int argc, const struct report_opts *o)
{
	if (optind >= argc || (!o->out && argc - optind > 1)) {
		fprintf(stderr, "spawncost report: %s (see spawncost report --help)\n",
			optind >= argc ? "no run folder given" : "one run folder at a time");
		return 2;
	}
	if (o->out && o->json) {
		fprintf(stderr, "spawncost report: --json: not with --plot-data\n");
		return 2;
	}
	return 0;
}

/* dir/report.md and verdicts.csv, and the verdicts on stdout. */
static int report_run(const char *dir)
{
	struct rundir r;
	struct claims *c;
	int rc;

	if ((rc = report_load("spawncost report", dir, &r, &c)))
		return rc;
	rc = write_report(&r, c);
	if (rc == 0) {
		if (run_emulated(&r))
			printf("%s\n", EMULATED_NOTE);
		verdicts(stdout, c, false);
		one_line(stdout, c, false);
		fprintf(stderr, "spawncost report: wrote %s/report.md\n", r.dir);
	}
	rundir_free(&r);
	free(c);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	int rc;

	if ((rc = report_options(argc, argv, &o)))
		return rc;
	if (o.help) {
		fputs(report_usage, stdout);
		return 0;
	}
	if ((rc = report_operands(argc, &o)))
		return rc;
	if (o.out)
		return plot_tables(argv + optind, argc - optind, o.out, o.cdf_rss);
	if (o.json)
		return run_json("spawncost report", argv[optind], stdout);
	return report_run(argv[optind]);
}
