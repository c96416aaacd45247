/* `spawncost report --json DIR` and `spawncost run --json`: a run for
 * scripts, one JSON document on stdout:
 *
 *   {"schema": "spawncost-report/1", "run_id", "host", "kernel", "label"
 *    (when env.txt has one), "dir",
 *    "summary":  every row of summary.csv, every column,
 *    "verdicts": every row of verdicts.csv (what `report` writes there),
 *    "answers":  each pair in one line (answers.h): pair, a, b, thp,
 *                rss_mib, ratio, lo, hi, rounds, decided, text}
 *
 * A field is a number where its column holds numbers only (an integer
 * where it is a count), text where its column is a name or holds any text,
 * null where it is empty; names are text even when they look like numbers
 * (a variant "21", a CPU "1"). Nothing is written to the run's folder. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "claimtext.h"
#include "jsontext.h"
#include "parse.h"
#include "report.h"
#include "rundir.h"

/* Columns that name things: text whatever they hold. */
static const char *const summary_text[] = {
	"run_id", "host", "method", "target", "thp", "pin", "error", "variant", "ballast", "cpus",
	"spawners", "refined", "counters_scaled", NULL,
};
static const char *const verdicts_text[] = { "pair", "thp", "status", NULL };

static bool text_column(const struct csv_table *t, int col, const char *const *names)
{
	char perr[PARSE_ERR_LEN];
	double v;

	for (; *names; names++)
		if (strcmp(t->header[col], *names) == 0)
			return true;
	for (size_t i = 0; i < t->nrows; i++) {
		const char *f = csv_cell(t, i, col);

		if (*f && field_parse(f, FIELD_SIGNED, &v, perr))
			return true;
	}
	return false;
}

static json_t *field_json(const char *f, bool text)
{
	char perr[PARSE_ERR_LEN];
	double v;

	if (!*f)
		return json_null();
	if (text)
		return json_text(f);
	if (field_parse(f, FIELD_COUNT, &v, perr) == 0)
		return json_integer((json_int_t)v);
	field_parse(f, FIELD_SIGNED, &v, perr);
	return json_real(v);
}

/* The rows of t as objects, column by column. NULL when out of memory. */
static json_t *rows_json(const struct csv_table *t, const char *const *names)
{
	json_t *rows = json_array();
	bool *text = calloc(t->ncols ? t->ncols : 1, sizeof *text);
	bool ok = rows && text;

	for (size_t c = 0; ok && c < t->ncols; c++)
		text[c] = text_column(t, (int)c, names);
	for (size_t i = 0; ok && i < t->nrows; i++) {
		json_t *row = json_object();

		ok = row && json_array_append_new(rows, row) == 0;
		for (size_t c = 0; ok && c < t->ncols; c++)
			ok = json_object_set_new(row, t->header[c],
						 field_json(csv_cell(t, i, (int)c), text[c])) == 0;
	}
	free(text);
	if (!ok)
		json_decref(rows);
	return ok ? rows : NULL;
}

/* verdicts.csv's rows, made as `report` makes the file. */
static json_t *verdicts_json(const struct claims *c)
{
	struct csv_table t;
	char *buf = NULL, err[CSV_ERR_LEN];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *rows = NULL;

	if (!f)
		return NULL;
	claim_csv(f, c);
	if (fclose(f) == 0 && csv_parse(buf, len, &t, err) == 0) {
		rows = rows_json(&t, verdicts_text);
		csv_table_free(&t);
	}
	free(buf);
	return rows;
}

static json_t *number(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *answers_json(const struct claims *c)
{
	static struct answer a[MAX_ANSWERS];
	size_t n = answers_of(c, a, sizeof a / sizeof a[0]);
	json_t *list = json_array();
	char pair[160], text[400];
	bool ok = list != NULL;

	for (size_t i = 0; ok && i < n; i++) {
		snprintf(pair, sizeof pair, "%s/%s", a[i].a, a[i].b);
		json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:b, s:o}",
				      "pair", json_text(pair), "a", json_text(a[i].a),
				      "b", json_text(a[i].b), "thp", json_text(a[i].thp),
				      "rss_mib", json_real(a[i].rss_mib), "ratio", number(a[i].r.v),
				      "lo", number(a[i].r.lo), "hi", number(a[i].r.hi),
				      "rounds", (json_int_t)a[i].rounds, "decided", a[i].decided,
				      "text", json_text(answer_text(&a[i], c->nthp > 1, text,
								    sizeof text)));

		ok = o && json_array_append_new(list, o) == 0;
	}
	if (!ok)
		json_decref(list);
	return ok ? list : NULL;
}

/* An env.txt fact, else the summary's first row's column of that name. */
static json_t *fact(const struct rundir *r, const char *key, const char *column)
{
	const char *v = rundir_env(r, key);
	int col = column ? csv_col(&r->summary, column) : -1;

	if (!v && col >= 0 && r->summary.nrows)
		v = csv_cell(&r->summary, 0, col);
	return v && *v ? json_text(v) : json_null();
}

int run_json(const char *who, const char *dir, FILE *out)
{
	struct rundir r;
	struct claims *c;
	json_t *doc;
	int rc = report_load(who, dir, &r, &c);

	if (rc)
		return rc;
	doc = json_pack("{s:s, s:o, s:o, s:o}", "schema", "spawncost-report/1",
			"run_id", fact(&r, "run_id", "run_id"), "host", fact(&r, "host", "host"),
			"kernel", fact(&r, "kernel_release", NULL));
	if (doc && rundir_env(&r, "label"))
		json_object_set_new(doc, "label", json_text(rundir_env(&r, "label")));
	if (doc && (json_object_set_new(doc, "dir", json_text(r.dir)) ||
		    json_object_set_new(doc, "summary", rows_json(&r.summary, summary_text)) ||
		    json_object_set_new(doc, "verdicts", verdicts_json(c)) ||
		    json_object_set_new(doc, "answers", answers_json(c)))) {
		json_decref(doc);
		doc = NULL;
	}
	if (!doc) {
		fprintf(stderr, "%s: out of memory\n", who);
		rc = 2;
	} else if ((rc = json_write_whole(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10)))) {
		fprintf(stderr, "%s: %s\n", who, rc == -1 ? "out of memory"
							  : "cannot write the JSON document");
		rc = 2;
	}
	json_decref(doc);
	rundir_free(&r);
	free(c);
	return rc;
}
