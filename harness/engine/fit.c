#include <string.h>

#include "csv.h"
#include "fit.h"

static int same_group(const struct table_row *a, const struct table_row *b)
{
	return a->method == b->method && a->thp == b->thp && a->kind == b->kind;
}

void fit_rows(const struct table_row *rows, size_t n, FILE *csv, FILE *text,
	      const char *(*target)(const struct method *m, void *arg), void *arg,
	      const char *run_id, const char *host, unsigned long vmas)
{
	struct csv c = { .f = csv };
	int header = 0;

	if (csv)
		csv_header(&c, FIT_COLUMNS);
	for (size_t i = 0; i < n; i++) {
		double x[64], y[64];
		size_t k = 0;
		struct line_fit f;
		int first = 1;

		/* Each group once: at its first row. */
		for (size_t j = 0; j < i && first; j++)
			first = !same_group(&rows[j], &rows[i]);
		if (!first)
			continue;
		for (size_t j = i; j < n && k < 64; j++)
			if (same_group(&rows[j], &rows[i]) && !rows[j].error[0]) {
				x[k] = (double)rows[j].rss_mib / 1024;
				y[k++] = rows[j].stats.median / 1e3;
			}
		if (fit_line(x, y, k, &f) != 0)
			continue;
		if (csv) {
			csv_str(&c, rows[i].method->name);
			csv_str(&c, target(rows[i].method, arg));
			csv_str(&c, rows[i].thp == THP_ON ? "on" : "off");
			csv_str(&c, ballast_names[rows[i].kind]);
			csv_double(&c, f.fixed);
			csv_double(&c, f.slope);
			fprintf(csv, ",%.6f", f.r2);
			c.col++;
			csv_str(&c, run_id);
			csv_str(&c, host);
			csv_u64(&c, vmas);
			csv_u64(&c, f.points);
			csv_end(&c);
		}
		if (text) {
			if (!header++)
				fprintf(text, "\nfit over the sweep: latency = fixed + slope x ballast\n");
			fprintf(text, "  %-20s thp=%-3s %-14s %12.2f us + %12.2f us/GiB  (r2 %.4f, %zu sizes)\n",
				rows[i].method->name, rows[i].thp == THP_ON ? "on" : "off",
				ballast_names[rows[i].kind], f.fixed, f.slope, f.r2, f.points);
		}
	}
}
