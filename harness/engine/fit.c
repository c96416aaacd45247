#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "fit.h"

/* " fds=N threads=N" for a cell whose parent has a shape, else "". */
static const char *shape_text(const struct table_row *r, char *buf, size_t len)
{
	if (!r->fds && !r->threads && r->parallel == 1)
		return "";
	snprintf(buf, len, "  fds=%llu threads=%llu parallel=%llu", (unsigned long long)r->fds,
		 (unsigned long long)r->threads, (unsigned long long)r->parallel);
	return buf;
}

static int same_group(const struct table_row *a, const struct table_row *b)
{
	return a->method == b->method && a->thp == b->thp && a->kind == b->kind &&
	       a->fds == b->fds && a->threads == b->threads && a->parallel == b->parallel;
}

void fit_rows(const struct table_row *rows, size_t n, FILE *csv, FILE *text,
	      const char *(*target)(const struct method *m, const struct run_opts *o),
	      const struct run_opts *o,
	      const char *run_id, const char *host, unsigned long vmas, const char *spawners)
{
	struct csv c = { .f = csv };
	int header = 0;

	if (csv)
		csv_header(&c, FIT_COLUMNS);
	for (size_t i = 0; i < n; i++) {
		double x[64], y[64];
		size_t k = 0;
		struct line_fit f;
		char shape[64];
		int first = 1;

		/* Each group once: at its first row. */
		for (size_t j = 0; j < i && first; j++)
			first = !same_group(&rows[j], &rows[i]);
		if (!first)
			continue;
		for (size_t j = i; j < n && k < 64; j++)
			if (same_group(&rows[j], &rows[i]) && !rows[j].error[0]) {
				x[k] = (double)rows[j].ballast_kib / (1024 * 1024);
				y[k++] = rows[j].stats.median / 1e3;
			}
		if (fit_line(x, y, k, &f) != 0)
			continue;
		if (csv) {
			csv_str(&c, rows[i].method->name);
			csv_str(&c, target(rows[i].method, o));
			csv_str(&c, rows[i].thp == THP_ON ? "on" : "off");
			csv_str(&c, ballast_names[rows[i].kind]);
			csv_double(&c, f.fixed);
			csv_double(&c, f.slope);
			csv_fixed(&c, f.r2, 6);
			csv_str(&c, run_id);
			csv_str(&c, host);
			csv_u64(&c, vmas);
			csv_u64(&c, f.points);
			csv_u64(&c, rows[i].fds);
			csv_u64(&c, rows[i].threads);
			csv_u64(&c, rows[i].parallel);
			csv_str(&c, spawners);
			csv_end(&c);
		}
		if (text) {
			if (!header++)
				fprintf(text, "\nfit over the sweep: latency = fixed + slope x ballast\n");
			fprintf(text, "  %-20s thp=%-3s %-14s %12.2f us + %12.2f us/GiB  (r2 %.4f, %zu sizes)%s\n",
				rows[i].method->name, rows[i].thp == THP_ON ? "on" : "off",
				ballast_names[rows[i].kind], f.fixed, f.slope, f.r2, f.points,
				shape_text(&rows[i], shape, sizeof shape));
		}
	}
}

/* The parent's shape as the x of a fit: descriptors or threads. */
static double shape_x(const struct table_row *r, int threads)
{
	return (double)(threads ? r->threads : r->fds);
}

/* Same cell but for the shape dimension fitted over. */
static int same_but(const struct table_row *a, const struct table_row *b, int threads)
{
	return a->method == b->method && a->thp == b->thp && a->kind == b->kind &&
	       a->ballast_kib == b->ballast_kib && a->parallel == b->parallel &&
	       (threads ? a->fds == b->fds : a->threads == b->threads);
}

void fit_shapes(const struct table_row *rows, size_t n, FILE *text)
{
	for (int threads = 0; threads < 2; threads++) {
		int header = 0;
		for (size_t i = 0; i < n; i++) {
			double x[MAX_SHAPES], y[MAX_SHAPES];
			size_t k = 0;
			struct line_fit f;
			int first = 1;

			for (size_t j = 0; j < i && first; j++)
				first = !same_but(&rows[j], &rows[i], threads);
			if (!first)
				continue;
			for (size_t j = i; j < n && k < MAX_SHAPES; j++)
				if (same_but(&rows[j], &rows[i], threads) && !rows[j].error[0]) {
					x[k] = shape_x(&rows[j], threads);
					y[k++] = rows[j].stats.median / 1e3;
				}
			if (k < 2 || fit_line(x, y, k, &f) != 0)
				continue;
			if (!header++)
				fprintf(text, "\nfit over the parent's %s: latency = fixed + slope x %s\n",
					threads ? "threads" : "descriptors",
					threads ? "threads" : "descriptors");
			fprintf(text, "  %-20s %6llu MiB thp=%-3s %s=%-6llu %10.2f us + %8.1f ns per %s"
				"  (r2 %.4f, %zu points)\n",
				rows[i].method->name, (unsigned long long)rows[i].ballast_kib / 1024,
				rows[i].thp == THP_ON ? "on" : "off", threads ? "fds" : "threads",
				(unsigned long long)(threads ? rows[i].fds : rows[i].threads), f.fixed,
				f.slope * 1e3, threads ? "thread" : "descriptor", f.r2, f.points);
		}
	}
}
