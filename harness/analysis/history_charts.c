/* The charts of history's page: the numbers into small tables (as report
 * --plot-data writes them for scripts/plots: numbers only, the names in
 * charts.gp), then plots/history.gp drawn by one gnuplot for every series.
 * The scripts are found next to the binary (make copies plots/ into the
 * build folder and installs it beside the engine). */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "history_html.h"
#include "plotgp.h"
#include "target.h"

const struct band *hist_band(const struct hist_series *s, size_t i)
{
	if (s->kind != SERIES_RATIO)
		return NULL;
	for (size_t k = 0; k < NBANDS; k++)
		if (strcmp(bands[k].a, s->a) == 0 && strcmp(bands[k].b, s->b) == 0 && i-- == 0)
			return &bands[k];
	return NULL;
}

/* The band a ratio series' points are coloured by: its claim's (lo > 0). */
static const struct band *shaded(const struct hist_series *s)
{
	const struct band *b;

	for (size_t i = 0; (b = hist_band(s, i)); i++)
		if (b->lo > 0)
			return b;
	return NULL;
}

static FILE *table(const char *dir, const char *name, const char *header, char *err)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof path, "%s/data/%s", dir, name);
	if (!(f = fopen(path, "we")))
		snprintf(err, HTML_ERR_LEN, "cannot write %s: %s", path, strerror(errno));
	else
		fprintf(f, "%s\n", header);
	return f;
}

static int done(FILE *f, const char *dir, const char *name, char *err)
{
	if (ferror(f) | fclose(f)) {
		snprintf(err, HTML_ERR_LEN, "cannot write %s/data/%s", dir, name);
		return -1;
	}
	return 0;
}

/* points.csv: series, run, value, lo, hi, side (a ratio's interval
 * against its claim band, enum side; empty for a cell). */
static int points(const struct history *h, const char *dir, char *err)
{
	FILE *f = table(dir, "points.csv", "series,run,value,lo,hi,side", err);

	if (!f)
		return -1;
	for (size_t k = 0; k < h->nseries; k++) {
		const struct hist_series *s = &h->series[k];
		const struct band *b = shaded(s);

		for (size_t i = 0; i < s->n; i++) {
			struct est e = s->pt[i].v;

			fprintf(f, "%zu,%zu,%s,%s,%s,", k + 1, s->pt[i].run + 1, num(e.v), num(e.lo),
				num(e.hi));
			if (b)
				fprintf(f, "%d", (int)band_side(e, b->lo, b->hi));
			fputc('\n', f);
		}
	}
	return done(f, dir, "points.csv", err);
}

/* levels.csv: series, from_run, to_run, level: the median of the runs
 * between two change points (those of series with one). */
static int levels(const struct history *h, const char *dir, char *err)
{
	FILE *f = table(dir, "levels.csv", "series,from_run,to_run,level", err);

	if (!f)
		return -1;
	for (size_t k = 0; k < h->nseries; k++) {
		const struct hist_series *s = &h->series[k];

		for (size_t i = 0; i < s->ncp; i++) {
			const struct change *c = &s->cp[i];

			fprintf(f, "%zu,%zu,%zu,%s\n", k + 1, s->pt[c->lo].run + 1,
				s->pt[c->at - 1].run + 1, num(c->before.v));
			if (i + 1 == s->ncp)
				fprintf(f, "%zu,%zu,%zu,%s\n", k + 1, s->pt[c->at].run + 1,
					s->pt[c->hi - 1].run + 1, num(c->after.v));
		}
	}
	return done(f, dir, "levels.csv", err);
}

/* gnuplot's array name = [one per series]. */
static void series_array(FILE *f, const struct history *h, const char *name,
			 double (*of)(const struct hist_series *))
{
	fprintf(f, "array %s = [", name);
	for (size_t k = 0; k < h->nseries; k++)
		fprintf(f, "%s%s", k ? ", " : "", isnan(of(&h->series[k])) ? "NaN"
				: num(of(&h->series[k])));
	fputs("]\n", f);
}

static double is_ratio(const struct hist_series *s) { return s->kind == SERIES_RATIO; }
static double has_change(const struct hist_series *s) { return s->ncp > 0; }

/* A log scale where the series spans more than 3x: a step of 10x on a
 * linear axis flattens everything else. */
static double wide(const struct hist_series *s)
{
	double lo = INFINITY, hi = 0;

	for (size_t i = 0; i < s->n; i++) {
		lo = fmin(lo, s->pt[i].v.v);
		hi = fmax(hi, s->pt[i].v.v);
	}
	return s->n && hi > 3 * lo;
}

/* The y range a chart needs: its intervals' ends (the figure where a point
 * has none). */
static double lowest(const struct hist_series *s)
{
	double v = INFINITY;

	for (size_t i = 0; i < s->n; i++)
		v = fmin(v, isfinite(s->pt[i].v.lo) ? s->pt[i].v.lo : s->pt[i].v.v);
	return s->n ? v : NAN;
}

static double highest(const struct hist_series *s)
{
	double v = 0;

	for (size_t i = 0; i < s->n; i++)
		v = fmax(v, isfinite(s->pt[i].v.hi) ? s->pt[i].v.hi : s->pt[i].v.v);
	return s->n ? v : NAN;
}

static double band_lo(const struct hist_series *s) { return shaded(s) ? shaded(s)->lo : NAN; }
static double band_hi(const struct hist_series *s) { return shaded(s) ? shaded(s)->hi : NAN; }

static double line_at(const struct hist_series *s)
{
	const struct band *b;

	for (size_t i = 0; (b = hist_band(s, i)); i++)
		if (b->lo == 0)
			return b->hi;
	return NAN;
}

enum cp_col { CP_SERIES, CP_RUN, CP_STEP };

/* gnuplot's array name = [one per change point, in listing order]. */
static void change_array(FILE *f, const struct history *h, const char *name, enum cp_col col)
{
	size_t n = 0;

	fprintf(f, "array %s = [", name);
	for (size_t k = 0; k < h->nseries; k++)
		for (size_t i = 0; i < h->series[k].ncp; i++) {
			const struct hist_series *s = &h->series[k];

			fputs(n++ ? ", " : "", f);
			if (col == CP_SERIES)
				fprintf(f, "%zu", k + 1);
			else if (col == CP_RUN)
				fprintf(f, "%zu", s->pt[s->cp[i].at].run + 1);
			else
				fprintf(f, "%.1f", 100 * (s->cp[i].step.v - 1));
		}
	fputs("]\n", f);
}

static int names(const struct history *h, const char *dir, char *err)
{
	FILE *f = table(dir, "charts.gp", "# Names for the tables beside this file; written by "
			"spawncost history --html.", err);

	if (!f)
		return -1;
	fprintf(f, "runs_n = %zu\nhs_n = %zu\narray hs_label = [", h->nruns, h->nseries);
	for (size_t k = 0; k < h->nseries; k++) {
		fputs(k ? ", " : "", f);
		gp_string(f, h->series[k].name);
	}
	fputs("]\n", f);
	series_array(f, h, "hs_ratio", is_ratio);
	series_array(f, h, "hs_full", has_change);
	series_array(f, h, "hs_log", wide);
	series_array(f, h, "hs_min", lowest);
	series_array(f, h, "hs_max", highest);
	series_array(f, h, "hs_band_lo", band_lo);
	series_array(f, h, "hs_band_hi", band_hi);
	series_array(f, h, "hs_line", line_at);
	/* no arrays when there is no change point: gnuplot has no empty one */
	fprintf(f, "cp_n = %zu\n", h->nchanges);
	if (h->nchanges) {
		change_array(f, h, "cp_series", CP_SERIES);
		change_array(f, h, "cp_run", CP_RUN);
		change_array(f, h, "cp_step", CP_STEP);
	}
	return done(f, dir, "charts.gp", err);
}

/* Our environment with gnuplot's library folder and a UTF-8 locale put
 * first (getenv takes the first): the µ and × of the labels, and a
 * decimal point. NULL out of memory. */
static char **gnuplot_env(char *lib)
{
	size_t n = 0;
	char **envp;

	while (environ[n])
		n++;
	if (!(envp = calloc(n + 3, sizeof *envp)))
		return NULL;
	envp[0] = lib;
	envp[1] = "LC_ALL=C.UTF-8";
	memcpy(envp + 2, environ, n * sizeof *envp);
	return envp;
}

/* plots/history.gp DATA CHARTS, its stdout on our stderr (ours is the
 * page's path). */
static int gnuplot(const char *plots, const char *data, const char *charts, char *err)
{
	char script[PATH_MAX + 16], lib[PATH_MAX + 16];
	char *argv[] = { "gnuplot", "-c", script, (char *)data, (char *)charts, NULL };
	posix_spawn_file_actions_t fa;
	char **envp;
	pid_t pid;
	int rc, status;

	snprintf(script, sizeof script, "%s/history.gp", plots);
	snprintf(lib, sizeof lib, "GNUPLOT_LIB=%s", plots);
	if (!(envp = gnuplot_env(lib))) {
		snprintf(err, HTML_ERR_LEN, "out of memory");
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	if (rc == ENOENT) {
		snprintf(err, HTML_ERR_LEN, "gnuplot is not installed (scripts/deps installs it)");
		return -1;
	}
	if (rc) {
		snprintf(err, HTML_ERR_LEN, "cannot start gnuplot: %s", strerror(rc));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, HTML_ERR_LEN, "gnuplot: %s", strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, HTML_ERR_LEN, "gnuplot could not draw the charts (its messages "
			 "are above)");
		return -1;
	}
	return 0;
}

int history_charts(const struct history *h, const char *dir, char *err)
{
	char plots[PATH_MAX], data[PATH_MAX + 8], charts[PATH_MAX + 8], svg[PATH_MAX + 48];
	struct stat st;

	if (!bundled("plots", plots, sizeof plots)) {
		snprintf(err, HTML_ERR_LEN, "the chart scripts (plots/) are not next to spawncost "
			 "(make builds them in, make install installs them)");
		return -1;
	}
	snprintf(data, sizeof data, "%s/data", dir);
	snprintf(charts, sizeof charts, "%s/charts", dir);
	if (mkdir(data, 0777) || mkdir(charts, 0777)) {
		snprintf(err, HTML_ERR_LEN, "cannot make a folder in %s: %s", dir, strerror(errno));
		return -1;
	}
	if (points(h, dir, err) || levels(h, dir, err) || names(h, dir, err) ||
	    gnuplot(plots, data, charts, err))
		return -1;
	/* as scripts/plots: a chart is drawn when its file is there and not empty */
	for (size_t k = 0; k < h->nseries; k++) {
		snprintf(svg, sizeof svg, "%s/s%zu.svg", charts, k + 1);
		if (stat(svg, &st) || st.st_size == 0) {
			snprintf(err, HTML_ERR_LEN, "gnuplot did not draw %s", svg);
			return -1;
		}
	}
	return 0;
}
