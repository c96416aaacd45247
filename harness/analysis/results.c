/* The report's questions of a run: see results.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "methods.h"
#include "results.h"

/* Methods that time page writes rather than a spawn (the COW issue). */
static const char *const per_page_methods[] = { "cow-child", "cow-parent", "first-touch",
						"rewrite" };

int method_rank(const char *name)
{
	int i = 0;

	for (const struct method *const *m = methods; *m; m++, i++)
		if (strcmp((*m)->name, name) == 0)
			return i;
	return 1000;
}

static const char *str_at(const struct csv_table *t, size_t row, int col)
{
	return col < 0 ? "" : csv_cell(t, row, col);
}

const char *run_label(const struct rundir *r, char *buf, size_t len)
{
	const char *host = r->ncells ? str_at(&r->summary, 0, csv_col(&r->summary, "host")) : "";
	const char *id = r->ncells ? str_at(&r->summary, 0, csv_col(&r->summary, "run_id"))
				   : r->dir;
	size_t h = strlen(host);

	if (h && strncmp(id, host, h) == 0 && id[h] == '-')
		snprintf(buf, len, "%s", id);
	else
		snprintf(buf, len, "%s%s%s", host, *host ? " " : "", id);
	return buf;
}

const char *run_name(const struct rundir *r, char *buf, size_t len)
{
	const char *label = rundir_env(r, "label"), *host = rundir_env(r, "host");
	const char *kernel = rundir_env(r, "kernel_release");

	if (label && *label)
		snprintf(buf, len, "%s", label);
	else if (host && *host && kernel && *kernel)
		snprintf(buf, len, "%s, Linux %s", host, kernel);
	else
		run_label(r, buf, len);
	return buf;
}

const char *run_name_among(const struct rundir *runs, size_t n, size_t i, char *buf,
			   size_t len)
{
	const char *dir = runs[i].dir, *base;
	char other[RUN_NAME_LEN];
	bool alike = false;
	size_t end = strlen(dir), k;

	run_name(&runs[i], buf, len);
	for (size_t j = 0; j < n && !alike; j++)
		alike = j != i && strcmp(run_name(&runs[j], other, sizeof other), buf) == 0;
	if (!alike)
		return buf;
	/* the folder's own name, without the slashes that may end it */
	while (end > 1 && dir[end - 1] == '/')
		end--;
	for (base = dir + end; base > dir && base[-1] != '/'; base--)
		;
	if ((k = strlen(buf)) < len)
		snprintf(buf + k, len - k, " [%.*s]", (int)(dir + end - base), base);
	return buf;
}

/* "yyyymmddThhmmss" at s, as a time in UTC. */
static bool utc_stamp(const char *s, time_t *t)
{
	struct tm tm = { 0 };

	if (strspn(s, "0123456789") != 8 || s[8] != 'T' || strspn(s + 9, "0123456789") != 6 ||
	    sscanf(s, "%4d%2d%2dT%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = timegm(&tm);
	return *t != (time_t)-1;
}

bool run_started(const struct rundir *r, time_t *t)
{
	const char *id = rundir_env(r, "run_id"), *s = id ? strrchr(id, 'T') : NULL;
	struct stat st;

	/* host-yyyymmddThhmmss, then -pid in runs that record their pid */
	if (s && s - id >= 9 && s[-9] == '-' && utc_stamp(s - 8, t) &&
	    (!s[7] || (s[7] == '-' && s[8] && strspn(s + 8, "0123456789") == strlen(s + 8))))
		return true;
	*t = stat(r->summary_path, &st) == 0 ? st.st_mtime : 0;
	return false;
}

bool cell_ok(const struct cell_data *c)
{
	return !*c->error && est_ok(c->med);
}

/* A shape key absent (a run made before it) or at the plain parent's value. */
static bool plain_key(const struct cell_data *c, int k)
{
	return !*c->key[k] || strcmp(c->key[k], key_plain[k]) == 0;
}

bool cell_plain(const struct cell_data *c)
{
	return cell_plain_parent(c) && !*c->variant && plain_key(c, KEY_PARALLEL) &&
	       plain_key(c, KEY_SPAWNERS);
}

bool cell_plain_parent(const struct cell_data *c)
{
	return (!*c->ballast || strcmp(c->ballast, "anon") == 0) && plain_key(c, KEY_FDS) &&
	       plain_key(c, KEY_THREADS);
}

bool fit_row_plain(const struct csv_table *t, size_t row)
{
	static const int keys[] = { KEY_FDS, KEY_THREADS, KEY_PARALLEL, KEY_SPAWNERS };

	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		int col = csv_col(t, key_names[keys[k]]);
		if (col >= 0 && *csv_cell(t, row, col) &&
		    strcmp(csv_cell(t, row, col), key_plain[keys[k]]) != 0)
			return false;
	}
	return true;
}

bool run_size_refined(const struct rundir *r, double rss)
{
	bool any = false;

	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].rss_mib == rss) {
			if (!r->cells[i].refined)
				return false;
			any = true;
		}
	return any;
}

bool cell_per_page(const struct cell_data *c)
{
	for (size_t i = 0; i < sizeof per_page_methods / sizeof per_page_methods[0]; i++)
		if (strcmp(c->method, per_page_methods[i]) == 0)
			return true;
	return !isnan(c->per_page_ns);
}

const struct cell_data *run_cell(const struct rundir *r, const char *method, double rss,
				 const char *thp)
{
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cell_data *c = &r->cells[i];

		if (strcmp(c->method, method) || c->rss_mib != rss || strcmp(c->thp, thp) ||
		    !cell_plain(c) || !cell_ok(c))
			continue;
		if (strcmp(c->target, "none") && strcmp(c->target, r->target))
			continue;
		return c;
	}
	return NULL;
}

bool run_has_method(const struct rundir *r, const char *method)
{
	for (size_t i = 0; i < r->ncells; i++)
		if (strcmp(r->cells[i].method, method) == 0)
			return true;
	return false;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

size_t run_rss(const struct rundir *r, double *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		size_t j = 0;

		while (j < n && out[j] != r->cells[i].rss_mib)
			j++;
		if (j == n && n < max)
			out[n++] = r->cells[i].rss_mib;
	}
	qsort(out, n, sizeof *out, cmp_double);
	return n;
}

size_t run_thps(const struct rundir *r, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		size_t j = 0;

		while (j < n && strcmp(out[j], r->cells[i].thp))
			j++;
		if (j == n && n < max)
			out[n++] = r->cells[i].thp;
	}
	for (size_t j = 1; j < n; j++)
		if (strcmp(out[j], "off") == 0) {
			const char *t = out[0];

			out[0] = out[j];
			out[j] = t;
		}
	return n;
}

double run_resident(const struct rundir *r, double rss)
{
	double sum = 0;
	size_t n = 0;

	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].rss_mib == rss && !isnan(r->cells[i].rss_kib)) {
			sum += r->cells[i].rss_kib;
			n++;
		}
	/* A run without rss_kib: place 0 MiB of ballast at 1 MiB. */
	return n ? sum / (double)n / 1024 : (rss > 0 ? rss : 1);
}

/* Characters, not bytes: the middle dot and a CPU model's ® are two. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Append piece to the title in buf (k bytes so far, line characters on its
 * last line): after " · " while the line stays within TITLE_WIDTH, else on
 * a line of its own. */
static void title_add(char *buf, size_t len, size_t *k, size_t *line, const char *piece)
{
	size_t w = text_width(piece);
	const char *sep = !*k ? "" : *line + 3 + w <= TITLE_WIDTH ? " · " : "\n";
	int n;

	if (*k >= len)
		return;
	n = snprintf(buf + *k, len - *k, "%s%s", sep, piece);
	if (n < 0)
		return;
	*k += (size_t)n;
	*line = *sep == '\n' || !*sep ? w : *line + 3 + w;
}

const char *run_title(const struct rundir *r, char *buf, size_t len)
{
	const char *kernel = rundir_env(r, "kernel_release"), *cpu = rundir_env(r, "cpu_model");
	const char *n = rundir_env(r, "cpu_count"), *allowed = rundir_env(r, "cpus_allowed");
	char label[256], piece[256];
	size_t k = 0, line = 0;

	run_label(r, label, sizeof label);
	/* The run id's pid (host-stamp-pid) tells runs apart in files, not in a
	 * chart's title, which must fit its width. */
	char *dash = strrchr(label, '-');
	if (dash && dash > label && dash[1] &&
	    strspn(dash + 1, "0123456789") == strlen(dash + 1) && strchr(label, 'T') &&
	    strchr(label, 'T') < dash)
		*dash = '\0';
	buf[0] = '\0';
	title_add(buf, len, &k, &line, label);
	if (kernel) {
		snprintf(piece, sizeof piece, "Linux %s", kernel);
		title_add(buf, len, &k, &line, piece);
	}
	if (cpu && n) {
		bool pinned = allowed && !strchr(allowed, '-') && !strchr(allowed, ',');
		int m = snprintf(piece, sizeof piece, "%s, %s CPUs%s%s", cpu, n,
				 pinned ? ", pinned to CPU " : "", pinned ? allowed : "");

		/* a model too long to share a line: the CPUs on the next */
		if (m > 0 && text_width(piece) > TITLE_WIDTH) {
			title_add(buf, len, &k, &line, cpu);
			snprintf(piece, sizeof piece, "%s CPUs%s%s", n,
				 pinned ? ", pinned to CPU " : "", pinned ? allowed : "");
		}
		title_add(buf, len, &k, &line, piece);
	}
	return buf;
}

bool run_emulated(const struct rundir *r)
{
	const char *e = rundir_env(r, "emulated");

	return e && strcmp(e, "yes") == 0;
}

const char *runs_mixed_emulation(const struct rundir *runs, size_t n, char *buf, size_t len)
{
	for (size_t i = 1; i < n; i++)
		if (run_emulated(&runs[i]) != run_emulated(&runs[0])) {
			const struct rundir *e = run_emulated(&runs[0]) ? &runs[0] : &runs[i];
			const struct rundir *h = e == &runs[0] ? &runs[i] : &runs[0];

			snprintf(buf, len, "%s was emulated under QEMU TCG (its env.txt says "
				 "emulated=yes) and %s was not: emulated figures are not hardware "
				 "figures, and are not set against them", e->dir, h->dir);
			return buf;
		}
	return NULL;
}
