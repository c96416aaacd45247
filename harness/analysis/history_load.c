/* history's runs: the folders found, read back as the gate reads them
 * (rundir.h, FOR_GATE: whole cells or a refusal naming the file and line),
 * indexed on the keys every run has (as compare), and put in order.
 *
 * Orders. time: when each run started. commit: runs of one commit
 * together, commits in the order their first run came (a hash has no
 * order of its own, and the log that would give one is not in a run
 * folder). kernel and label: in version order (strverscmp: 6.6 before
 * 6.12, v9 before v10), as kernels and most labels are named. Ties go by
 * start time, then by folder. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grow.h"
#include "history.h"
#include "results.h"

static int fail(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, HISTORY_ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

struct found_dirs {
	char **v;
	size_t n, cap;
};

static int add_dir(struct found_dirs *d, const char *dir, const char *sub)
{
	char *s;

	if (grow(&d->v, d->n, &d->cap, sizeof *d->v))
		return -1;
	if (sub ? asprintf(&s, "%s/%s", dir, sub) < 0 : !(s = strdup(dir)))
		return -1;
	d->v[d->n++] = s;
	return 0;
}

static bool has_summary(const char *dir, const char *sub)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof path, "%s%s%s/summary.csv", dir, sub ? "/" : "", sub ? sub : "");
	return stat(path, &st) == 0;
}

static int hidden(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* dir itself when it holds summary.csv, else its subfolders that do (in
 * name order; others, such as a run still going, are passed over). */
static int expand(struct found_dirs *d, const char *dir, char *err)
{
	struct dirent **e;
	struct stat st;
	int n, rc = 0;
	size_t before = d->n;

	if (stat(dir, &st) != 0)
		return fail(err, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(err, "%s: not a folder (give run folders, or folders of them)", dir);
	if (has_summary(dir, NULL))
		return add_dir(d, dir, NULL) ? fail(err, "out of memory") : 0;
	if ((n = scandir(dir, &e, hidden, alphasort)) < 0)
		return fail(err, "%s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		if (!rc && has_summary(dir, e[i]->d_name) && add_dir(d, dir, e[i]->d_name))
			rc = fail(err, "out of memory");
		free(e[i]);
	}
	free(e);
	if (!rc && d->n == before)
		rc = fail(err, "%s: no run in it (no summary.csv, here or in a folder under it)", dir);
	return rc;
}

/* The same folder twice would count its run twice. */
static int given_twice(const struct found_dirs *d, char *err)
{
	char (*real)[PATH_MAX] = malloc((d->n + 1) * sizeof *real);
	int rc = 0;

	if (!real)
		return fail(err, "out of memory");
	for (size_t i = 0; i < d->n && !rc; i++) {
		if (!realpath(d->v[i], real[i]))
			snprintf(real[i], sizeof real[i], "%s", d->v[i]);
		for (size_t j = 0; j < i && !rc; j++)
			if (strcmp(real[i], real[j]) == 0)
				rc = fail(err, "%s: given twice (as %s too)", d->v[i], d->v[j]);
	}
	free(real);
	return rc;
}

static const char *env_or_empty(const struct rundir *r, const char *key)
{
	const char *v = rundir_env(r, key);

	return v ? v : "";
}

/* What the order compares, run by run. */
struct order_key {
	size_t i;		/* index in the runs as read */
	time_t start, group;	/* group: --by commit, the commit's first start */
	const char *text, *dir;	/* kernel or label (--by kernel, label) */
};

static int by_key(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;
	int c;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if ((c = strverscmp(x->text, y->text)))
		return c;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->dir, y->dir);
}

static int put_in_order(struct history *h, enum hist_order by)
{
	struct order_key *k = calloc(h->nruns + 1, sizeof *k);
	struct rundir *rd = malloc((h->nruns + 1) * sizeof *rd);
	struct hist_run *runs = malloc((h->nruns + 1) * sizeof *runs);

	if (!k || !rd || !runs) {
		free(k);
		free(rd);
		free(runs);
		return -1;
	}
	for (size_t i = 0; i < h->nruns; i++) {
		const struct hist_run *f = &h->runs[i];

		k[i] = (struct order_key){ .i = i, .start = f->start, .dir = h->rd[i].dir,
					   .text = by == BY_KERNEL ? f->kernel : by == BY_LABEL ? f->label
						   : by == BY_COMMIT ? f->commit : "" };
		if (by != BY_COMMIT)
			continue;
		k[i].group = f->start;
		for (size_t j = 0; j < h->nruns; j++)
			if (strcmp(h->runs[j].commit, f->commit) == 0 && h->runs[j].start < k[i].group)
				k[i].group = h->runs[j].start;
	}
	qsort(k, h->nruns, sizeof *k, by_key);
	for (size_t i = 0; i < h->nruns; i++) {
		rd[i] = h->rd[k[i].i];
		runs[i] = h->runs[k[i].i];
	}
	free(h->rd);
	free(h->runs);
	h->rd = rd;
	h->runs = runs;
	free(k);
	return 0;
}

/* Read every run, and index them on the keys all of them have. */
static int read_runs(struct history *h, char **dirs, size_t n, char *err)
{
	bool use[NKEYS];

	h->rd = calloc(n + 1, sizeof *h->rd);
	h->runs = calloc(n + 1, sizeof *h->runs);
	if (!h->rd || !h->runs)
		return fail(err, "out of memory");
	for (; h->nruns < n; h->nruns++)
		if (rundir_open(&h->rd[h->nruns], dirs[h->nruns], FOR_GATE, err))
			return -1;
	/* a series of emulated and real runs would read QEMU's steps as the
	 * kernel's (as compare refuses them) */
	if (runs_mixed_emulation(h->rd, n, err, HISTORY_ERR_LEN))
		return -1;
	for (int k = 0; k < NKEYS; k++) {
		use[k] = true;
		for (size_t i = 0; i < n; i++)
			use[k] = use[k] && h->rd[i].has_key[k];
	}
	for (size_t i = 0; i < n; i++) {
		struct rundir *r = &h->rd[i];
		struct hist_run *f = &h->runs[i];

		if (rundir_index(r, use, err))
			return -1;
		run_started(r, &f->start);
		f->commit = env_or_empty(r, "git_revision");
		f->kernel = env_or_empty(r, "kernel_release");
		f->label = env_or_empty(r, "label");
		f->command = env_or_empty(r, "command");
		f->machine = env_or_empty(r, "machine_id");
	}
	return 0;
}

int history_load(const char *const *dirs, size_t ndirs, enum hist_order by,
		 struct history *h, char *err)
{
	struct found_dirs d = { 0 };
	int rc = -1;

	for (size_t i = 0; i < ndirs; i++)
		if (expand(&d, dirs[i], err))
			goto out;
	if (given_twice(&d, err) || read_runs(h, d.v, d.n, err))
		goto out;
	if (put_in_order(h, by)) {
		fail(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < h->nruns; i++)
		run_name_among(h->rd, h->nruns, i, h->runs[i].name, sizeof h->runs[i].name);
	rc = 0;
out:
	for (size_t i = 0; i < d.n; i++)
		free(d.v[i]);
	free(d.v);
	return rc;
}
