#include <math.h>
#include <stdio.h>

#include "cell.h"

#include "table.h"

/* Half the 95% interval as a share of the median: how sure the median is. */
static double ci_pct(const struct stats *s)
{
	return s->median > 0 ? 100.0 * (s->ci_hi - s->ci_lo) / 2 / s->median : 0;
}

void table_print(FILE *f, const struct table_row *rows, size_t n)
{
	fprintf(f, "%-20s %8s %4s %9s %12s %7s %12s %12s %9s  %s\n", "method", "rss_mib", "thp",
		"rss_kib", "median_us", "ci95_%", "p10_us", "p90_us", "n", "error");
	/* (ballast kinds other than anon are named after the method) */
	for (size_t i = 0; i < n; i++) {
		const struct table_row *t = &rows[i];
		const struct stats *s = &t->stats;

		char rss[24] = "-";

		if (t->rss_kib >= 0)
			snprintf(rss, sizeof rss, "%ld", t->rss_kib);
		char name[96];
		int used = snprintf(name, sizeof name, "%s%s%s", t->method->name, t->kind ? "/" : "",
				    t->kind ? ballast_names[t->kind] : "");

		if (t->fds && used < (int)sizeof name)
			used += snprintf(name + used, sizeof name - (size_t)used, "/fds=%llu",
					 (unsigned long long)t->fds);
		if (t->threads && used < (int)sizeof name)
			used += snprintf(name + used, sizeof name - (size_t)used, "/threads=%llu",
					 (unsigned long long)t->threads);
		if (t->parallel > 1 && used < (int)sizeof name)
			snprintf(name + used, sizeof name - (size_t)used, "/parallel=%llu",
				 (unsigned long long)t->parallel);
		char mib[32];

		fprintf(f, "%-20s %8s %4s %9s ", name, mib_text(t->ballast_kib, mib, sizeof mib),
			t->thp == THP_ON ? "on" : "off", rss);
		if (t->error[0])
			fprintf(f, "%12s %7s %12s %12s %9s  %s\n", "-", "-", "-", "-", "-",
				t->error);
		else if (isnan(s->ci_lo))	/* one window: no interval */
			fprintf(f, "%12.2f %7s %12.2f %12.2f %9zu\n", s->median / 1e3, "-",
				s->p10 / 1e3, s->p90 / 1e3, s->n);
		else
			fprintf(f, "%12.2f %6.1f%% %12.2f %12.2f %9zu\n", s->median / 1e3,
				ci_pct(s), s->p10 / 1e3, s->p90 / 1e3, s->n);
	}
}
