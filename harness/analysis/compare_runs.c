/* Which runs compare weighs and what it matches their cells on: each run's
 * name in the report (results.h's run_name: its --label, else host and
 * kernel), and the keys --ignore leaves out of a cell's identity, so that
 * two runs that differ in one knob (THP off and on, the pinning, the exec
 * target) can be compared cell by cell, with that knob's two values said
 * above the table. */
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "compare.h"
#include "jsontext.h"
#include "parse.h"

int compare_ignore_parse(const char *arg, bool ignore[NKEYS])
{
	char buf[256], *items[NKEYS], err[PARSE_ERR_LEN];
	size_t n;

	if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
		return cmd_bad("compare", "--ignore", "list too long");
	if (split_list(buf, items, NKEYS, &n, err))
		return cmd_bad("compare", "--ignore", err);
	for (size_t i = 0; i < n; i++) {
		int k = 0;

		while (k < NKEYS && strcmp(items[i], key_names[k]) != 0)
			k++;
		if (k == KEY_METHOD)
			return cmd_bad("compare", "--ignore", "'method' is what a cell measures: "
				       "cells of two methods are never matched");
		if (k == NKEYS) {
			char keys[160] = "";

			for (int j = KEY_METHOD + 1; j < NKEYS; j++)
				snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s",
					 j > KEY_METHOD + 1 ? ", " : "", key_names[j]);
			snprintf(err, sizeof err, "unknown key '%.40s' (keys: %s)", items[i], keys);
			return cmd_bad("compare", "--ignore", err);
		}
		ignore[k] = true;
	}
	return 0;
}

const char *compare_ignore_why(const bool ignore[NKEYS], const char *err, char *buf,
			       size_t len)
{
	char keys[128] = "";

	for (int k = 0; k < NKEYS; k++)
		if (ignore[k])
			snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s",
				 keys[0] ? "," : "", key_names[k]);
	if (!keys[0] || !strstr(err, "appears twice"))
		return err;
	snprintf(buf, len, "--ignore %s: %s: the run has cells that differ only in %s", keys,
		 err, keys);
	return buf;
}

static void add_value(struct key_values *vs, const char *v)
{
	for (size_t i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i], v) == 0)
			return;
	if (vs->n == IGNORED_VALUES)
		vs->more = true;
	else
		vs->v[vs->n++] = v;
}

void compare_runs(struct comparison *c, const struct rundir *runs, size_t nruns,
		  const bool ignore[NKEYS])
{
	for (size_t i = 0; i < nruns; i++)
		run_name(&runs[i], c->names[i], sizeof c->names[i]);
	c->nignored = 0;
	for (int k = 0; k < NKEYS; k++) {
		struct ignored_key *ig = &c->ignored[c->nignored];

		if (!ignore[k])
			continue;
		*ig = (struct ignored_key){ .key = k };
		for (size_t i = 0; i < c->npairs; i++) {
			for (size_t b = 0; b < c->nbases; b++)
				if (c->pairs[i].bases[b])
					add_value(&ig->base, c->pairs[i].bases[b]->key[k]);
			add_value(&ig->nw, c->pairs[i].nw->key[k]);
		}
		c->nignored++;
	}
}

/* The keys but the method on which cells a and b differ, in diff[]. */
static size_t differ(const struct cell_data *a, const struct cell_data *b,
		     const bool use[NKEYS], int *diff)
{
	size_t n = 0;

	for (int k = KEY_METHOD + 1; k < NKEYS; k++)
		if (use[k] && strcmp(a->key[k], b->key[k]) != 0)
			diff[n++] = k;
	return n;
}

const char *compare_suggest_ignore(const struct rundir *b, const struct rundir *n,
				   char *buf, size_t len)
{
	const struct cell_data *best_b = NULL, *best_n = NULL;
	int diff[NKEYS], best[NKEYS];
	size_t nbest = NKEYS, at = 0;

	for (size_t i = 0; i < b->ncells; i++)
		for (size_t j = 0; j < n->ncells; j++) {
			size_t nd;

			if (strcmp(b->cells[i].method, n->cells[j].method) != 0)
				continue;
			nd = differ(&b->cells[i], &n->cells[j], b->use_key, diff);
			if (nd < nbest) {
				nbest = nd;
				memcpy(best, diff, nd * sizeof *diff);
				best_b = &b->cells[i];
				best_n = &n->cells[j];
			}
		}
	buf[0] = '\0';
	if (!best_b || nbest == 0)
		return buf;
#define ADD(...) (at += (size_t)snprintf(buf + at, at < len ? len - at : 0, __VA_ARGS__))
	ADD("; they differ%s in ", nbest == 1 ? " only" : "");
	for (size_t i = 0; i < nbest; i++)
		ADD("%s%s (%s in BASE, %s in NEW)", i ? " and " : "", key_names[best[i]],
		    best_b->key[best[i]], best_n->key[best[i]]);
	ADD(": --ignore ");
	for (size_t i = 0; i < nbest; i++)
		ADD("%s%s", i ? "," : "", key_names[best[i]]);
	ADD(" matches them");
#undef ADD
	return buf;
}

/* "off", "0, 16, 64 and more" */
static void put_values(FILE *f, const struct key_values *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		fprintf(f, "%s%s", i ? ", " : "", *vs->v[i] ? vs->v[i] : "(empty)");
	if (vs->more)
		fputs(" and more", f);
}

void report_runs(FILE *f, const struct comparison *c, const char *prefix)
{
	for (size_t k = 0; k < c->nbases; k++) {
		fprintf(f, "%sBASE", prefix);
		if (c->nbases > 1)
			fprintf(f, " %zu", k + 1);
		fprintf(f, ": %s (%s)\n", c->names[k], c->dirs[k]);
	}
	fprintf(f, "%sNEW: %s (%s)\n", prefix, c->names[c->nbases], c->new_dir);
	for (size_t i = 0; i < c->nignored; i++) {
		fprintf(f, "%s%s: ", prefix, key_names[c->ignored[i].key]);
		put_values(f, &c->ignored[i].base);
		fputs(" (BASE) vs ", f);
		put_values(f, &c->ignored[i].nw);
		fputs(" (NEW), left out of matching cells (--ignore)\n", f);
	}
}

int report_runs_json(json_t *o, const struct comparison *c)
{
	json_t *names = json_array(), *ignored = json_array();
	int bad = !names || !ignored;

	for (size_t k = 0; k < c->nbases && !bad; k++)
		bad = json_array_append_new(names, json_text(c->names[k]));
	for (size_t i = 0; i < c->nignored && !bad; i++)
		bad = json_array_append_new(ignored, json_pack("{s:s, s:o, s:o}",
					    "key", key_names[c->ignored[i].key],
					    "base", json_texts(c->ignored[i].base.v, c->ignored[i].base.n),
					    "new", json_texts(c->ignored[i].nw.v, c->ignored[i].nw.n)));
	/* json_object_set_new takes its value even when it fails */
	bad = bad || json_object_set_new(o, "base_names", json_incref(names)) ||
	      json_object_set_new(o, "new_name", json_text(c->names[c->nbases])) ||
	      json_object_set_new(o, "ignored", json_incref(ignored));
	json_decref(names);
	json_decref(ignored);
	return bad ? -1 : 0;
}
