#include <math.h>
#include <string.h>

#include "methods.h"
#include "results.h"
#include "runtimes.h"

static bool is_runtime(const char *method)
{
	return strncmp(method, "rt-", 3) == 0;
}


/* The series of method: its plain, error-free cells at THP off, by rising
 * size. */
static void series_of(const struct rundir *r, const char *method, struct rt_series *s)
{
	double x[RT_POINTS];

	memset(s, 0, sizeof *s);
	s->method = method;
	s->reference = !is_runtime(method);
	for (size_t i = 0; i < r->ncells && s->n < RT_POINTS; i++) {
		const struct cell_data *c = &r->cells[i];
		size_t at;

		/* a runtime's cells carry its version as their variant */
		if (strcmp(c->method, method) || strcmp(c->thp, "off") ||
		    !(s->reference ? cell_plain(c) : cell_plain_parent(c)) ||
		    !cell_ok(c) || isnan(c->rss_kib))
			continue;
		if (!s->reference && !s->version)
			s->version = c->variant;
		for (at = s->n; at > 0 && s->x_mib[at - 1] > c->rss_kib / 1024; at--) {
			s->x_mib[at] = s->x_mib[at - 1];
			s->median_us[at] = s->median_us[at - 1];
		}
		s->x_mib[at] = c->rss_kib / 1024;
		s->median_us[at] = c->med.v;
		s->n++;
	}
	for (size_t k = 0; k < s->n; k++)
		x[k] = s->x_mib[k] / 1024;
	if (fit_line(x, s->median_us, s->n, &s->fit) != 0)
		s->fit.points = 0;
}

size_t runtime_series(const struct rundir *r, struct rt_series *out, size_t max)
{
	static const char *const refs[] = { "fork-exec", "posix-spawn" };
	size_t n = 0;

	for (const struct method *const *m = methods; *m && n < max; m++) {
		if (!(*m)->runtime)
			continue;
		series_of(r, (*m)->name, &out[n]);
		n += out[n].n > 0;
	}
	if (n == 0)
		return 0;
	for (size_t i = 0; i < 2 && n < max; i++) {
		series_of(r, refs[i], &out[n]);
		n += out[n].n > 0;
	}
	return n;
}

/* Text in a markdown table cell: a "|" would end the cell. */
static void cell_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputs(*s == '|' ? "\\|" : (char[]){ *s, 0 }, f);
}

void runtimes_section(FILE *f, const struct rundir *r)
{
	struct rt_series s[RT_SERIES];
	size_t n = runtime_series(r, s, RT_SERIES);

	if (!n)
		return;
	fputs("## Runtimes\n\nEach runtime API spawns the static no-op from a driver written in "
	      "that language, which allocates and touches its own ballast; x is the driver's own "
	      "VmRSS. The slope per GiB is a least-squares fit of the median against that VmRSS "
	      "(fit.csv's `us_per_gib` is fitted against the ballast asked for, `rss_mib`, and "
	      "differs where VmRSS does not grow as the ballast does): a runtime whose "
	      "spawn copies its parent's page tables (fork) grows with its heap, one that shares "
	      "them (vfork, posix_spawn, CLONE_VM) stays flat. The C `fork-exec` and "
	      "`posix-spawn` are the references. System calls: what strace saw the driver make "
	      "(`spawncost list`).\n\n", f);
	fputs("| method | runtime | smallest (MiB VmRSS: µs) | largest (MiB VmRSS: µs) | per GiB "
	      "of VmRSS | grows | system calls |\n|---|---|---|---|--:|---|---|\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct rt_series *x = &s[i];
		const struct method *m = method_find(x->method);
		double slope_ms = x->fit.points ? x->fit.slope / 1000 : NAN;
		/* grows: the fit adds at least half the smallest round trip over
		 * a GiB of heap */
		bool grows = x->fit.points && x->fit.slope > 0.5 * x->median_us[0];

		fprintf(f, "| %s%s | %s | %.0f: %.1f | %.0f: %.1f | ", x->method,
			x->reference ? " (C)" : "", x->reference ? "C" : x->version,
			x->x_mib[0], x->median_us[0], x->x_mib[x->n - 1], x->median_us[x->n - 1]);
		if (isnan(slope_ms))
			fputs("- | - |", f);
		else if (fabs(slope_ms) < 1)
			fprintf(f, "%.0f µs | %s |", slope_ms * 1000, grows ? "yes" : "no");
		else
			fprintf(f, "%.1f ms | %s |", slope_ms, grows ? "yes" : "no");
		fputc(' ', f);
		cell_text(f, m && m->syscall ? m->syscall : "");
		fputs(" |\n", f);
	}
	fputc('\n', f);
}
