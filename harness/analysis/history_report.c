/* `spawncost history --report N`: one change in the shape of the kernel
 * test robot's mails: the two runs either side (commit, kernel, label),
 * each series that changed between them with its median and %stddev over
 * the runs on both sides and the %change, and the command that made the
 * run after it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"

/* The front end's own options, which it appends to the user's when it
 * starts the engine (harness/front/launch.c): env.txt's command= records
 * the engine's arguments, and the user's are those before these. */
static const char *const appended[] = { "--pin-why", "--spawner-cpus", "--event-spec", "--front",
					"--facts-fd", NULL };

static bool is_appended(const char *tok)
{
	for (const char *const *a = appended; *a; a++)
		if (strcmp(tok, *a) == 0)
			return true;
	return false;
}

/* The command a user types to make such a run again, from command=: the
 * front end's additions left out (the CPUs it resolved --pin to, and the
 * options after them), and -o, since a run folder is never written twice
 * (the run goes to results/<host>-<time>). Arguments were recorded joined
 * by spaces: one with a space in it (a --label) reads as several. */
static const char *user_command(const char *cmd, char *buf, size_t len)
{
	char *copy = strdup(cmd), *tok[512], *save;
	size_t n = 0, at = 0;

	buf[0] = '\0';
	if (!copy)
		return cmd;
	for (char *t = strtok_r(copy, " ", &save); t && n < 512; t = strtok_r(NULL, " ", &save)) {
		if (is_appended(t)) {
			/* --pin-why follows the --cpus (and a default --pin same) resolved */
			if (strcmp(t, "--pin-why") == 0 && n >= 2 && strcmp(tok[n - 2], "--cpus") == 0)
				n -= 2;
			if (strcmp(t, "--pin-why") == 0 && n >= 2 && strcmp(tok[n - 2], "--pin") == 0 &&
			    strcmp(tok[n - 1], "same") == 0)
				n -= 2;
			break;
		}
		tok[n++] = t;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(tok[i], "-o") == 0 || strcmp(tok[i], "--output") == 0) {
			i++;
			continue;
		}
		if (strncmp(tok[i], "--output=", 9) == 0 || strncmp(tok[i], "-o", 2) == 0)
			continue;
		at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s%s", at ? " " : "",
				       tok[i]);
	}
	free(copy);
	return buf;
}

/* Median, and the standard deviation as % of the mean, of points lo..hi-1. */
static void side_stats(const struct hist_series *s, size_t lo, size_t hi, double *sd_pct)
{
	double sum = 0, sq = 0, n = (double)(hi - lo), mean;

	for (size_t i = lo; i < hi; i++)
		sum += s->pt[i].v.v;
	mean = sum / n;
	for (size_t i = lo; i < hi; i++)
		sq += (s->pt[i].v.v - mean) * (s->pt[i].v.v - mean);
	*sd_pct = n > 1 ? 100 * sqrt(sq / (n - 1)) / mean : 0;
}

static const char *figure(const struct hist_series *s, double v, char *buf, size_t len)
{
	snprintf(buf, len, s->kind == SERIES_RATIO ? "%.3fx" : "%.4g us", v);
	return buf;
}

static void run_facts(FILE *f, const struct history *h, const char *what, size_t run)
{
	const struct hist_run *r = &h->runs[run];
	char t[32];

	strftime(t, sizeof t, "%Y-%m-%d %H:%M UTC", gmtime(&r->start));
	fprintf(f, "%-7s run %zu of %zu: %s\n", what, run + 1, h->nruns, r->name);
	fprintf(f, "        folder %s, started %s\n", h->rd[run].dir, t);
	fprintf(f, "        commit %s, kernel %s, label %s, machine %s\n",
		*r->commit ? r->commit : "-", *r->kernel ? r->kernel : "-",
		*r->label ? r->label : "-", *r->machine ? r->machine : "-");
}

/* Each series with a change whose first run is `after`, as a row. */
static size_t affected(FILE *f, const struct history *h, size_t after)
{
	size_t rows = 0;

	fprintf(f, "\n%21s  %8s  %21s  %s\n", "before     %stddev", "%change", "after      %stddev",
		"series (runs before, after)");
	for (size_t k = 0; k < h->nseries; k++) {
		const struct hist_series *s = &h->series[k];

		for (size_t i = 0; i < s->ncp; i++) {
			const struct change *c = &s->cp[i];
			double sb, sa;
			char b[32], a[32];

			if (s->pt[c->at].run != after)
				continue;
			side_stats(s, c->lo, c->at, &sb);
			side_stats(s, c->at, c->hi, &sa);
			fprintf(f, "%12s ± %5.1f%%  %+7.1f%%  %12s ± %5.1f%%  %s (%zu, %zu)\n",
				figure(s, c->before.v, b, sizeof b), sb, 100 * (c->step.v - 1),
				figure(s, c->after.v, a, sizeof a), sa, s->name, c->at - c->lo,
				c->hi - c->at);
			rows++;
		}
	}
	return rows;
}

int history_report(FILE *f, const struct history *h, size_t k)
{
	size_t i, before, after;
	const struct hist_series *s = history_change(h, k, &i);
	char cmd[4096];

	if (!s) {
		fprintf(stderr, "spawncost history: --report: no change %zu (the listing has %zu)\n",
			k, h->nchanges);
		return 2;
	}
	before = s->pt[s->cp[i].at - 1].run;
	after = s->pt[s->cp[i].at].run;
	fprintf(f, "spawncost history: change [%zu] of %zu, in %s, between runs %zu and %zu "
		"(p = %.3g)\n\n", k, h->nchanges, s->name, before + 1, after + 1, s->cp[i].p);
	run_facts(f, h, "before:", before);
	run_facts(f, h, "after:", after);
	fprintf(f, "\nmedians over the runs on each side (to the change before or after); "
		"%%stddev of the runs\n");
	fprintf(f, "\n%zu series changed at run %zu\n", affected(f, h, after), after + 1);
	fprintf(f, "\nto reproduce the run after the change (at commit %s, kernel %s):\n  %s\n",
		*h->runs[after].commit ? h->runs[after].commit : "-",
		*h->runs[after].kernel ? h->runs[after].kernel : "-",
		*h->runs[after].command ? user_command(h->runs[after].command, cmd, sizeof cmd)
					 : "(not recorded: env.txt has no command=)");
	if (*h->runs[before].command)
		fprintf(f, "and the run before it:\n  %s\n",
			user_command(h->runs[before].command, cmd, sizeof cmd));
	return 0;
}
