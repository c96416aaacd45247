/* Is NEW a whole run? One cut short (a signal, a second Ctrl-C: env.txt's
 * complete=no) or one that lacks cells BASE has would pass the gate on the
 * cells it kept, and a CI job that was killed would go green. So NEW must
 * be whole, unless --allow-missing says the missing cells are meant (a
 * method dropped on purpose). A BASE run cut short only leaves its missing
 * cells uncompared (they show as only in NEW): that is a warning, and
 * scripts/ci-regress never stores such a run as a baseline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

/* Names in the sentence at most; the rest are counted. */
#define NAMES_SHOWN 4

/* What env.txt's complete= says, when not "yes": cut short, or still going
 * (NULL: not said, as in a run made before the key). */
static bool cut_short(const char *complete)
{
	return complete && strcmp(complete, "yes") != 0;
}

static bool has(const struct cell_data *const *cells, size_t n, const struct cell_data *c,
		const bool *use)
{
	for (size_t i = 0; i < n; i++)
		if (cell_same(cells[i], c, use))
			return true;
	return false;
}

int compare_whole(struct comparison *c, const struct rundir *b, size_t nb,
		  const struct rundir *n, bool allow_missing)
{
	size_t cap = 1;

	for (size_t k = 0; k < nb; k++)
		cap += b[k].ncells;
	c->missing = calloc(cap, sizeof *c->missing);
	if (!c->missing)
		return -1;
	/* every BASE run's cells NEW lacks, each once (the first BASE's are its
	 * only_base), but a refined size: where run --refine puts one follows
	 * each run's own figures, and another run need not have it */
	for (size_t k = 0; k < nb; k++)
		for (size_t i = 0; i < b[k].ncells; i++) {
			const struct cell_data *x = &b[k].cells[i];
			bool in_new = false;

			for (size_t j = 0; j < n->ncells && !in_new; j++)
				in_new = cell_same(x, &n->cells[j], c->use_key);
			if (!x->refined && !in_new && !has(c->missing, c->nmissing, x, c->use_key))
				c->missing[c->nmissing++] = x;
		}
	c->complete_new = rundir_env(n, "complete");
	for (size_t k = 0; k < nb; k++)
		if (cut_short(rundir_env(&b[k], "complete"))) {
			c->incomplete_base[c->nincomplete_bases] = b[k].dir;
			c->complete_base[c->nincomplete_bases++] = rundir_env(&b[k], "complete");
		}
	c->partial = cut_short(c->complete_new) || c->nmissing;
	c->allow_missing = allow_missing;
	return 0;
}

const char *compare_partial_text(const struct comparison *c, char *buf, size_t len)
{
	bool cut = cut_short(c->complete_new);
	size_t at = 0;

#define ADD(...) (at += (size_t)snprintf(buf + at, at < len ? len - at : 0, __VA_ARGS__))
	buf[0] = '\0';
	if (cut || c->nmissing)
		ADD("NEW %s", c->new_dir);
	if (cut)
		ADD(" is incomplete (its env.txt says complete=%s: the run was cut short or is "
		    "still going)", c->complete_new);
	if (c->nmissing)
		ADD("%s %zu cell%s BASE has: ", cut ? " and lacks" : " lacks", c->nmissing,
		    c->nmissing == 1 ? "" : "s");
	for (size_t i = 0; i < c->nmissing && i < NAMES_SHOWN; i++)
		ADD("%s%s", i ? ", " : "", c->missing[i]->name);
	if (c->nmissing > NAMES_SHOWN)
		ADD(" and %zu more", c->nmissing - NAMES_SHOWN);
#undef ADD
	return buf;
}

void report_whole(FILE *f, const struct comparison *c, bool markdown)
{
	char why[1024];

	if (compare_partial_text(c, why, sizeof why)[0] && !c->allow_missing)
		fprintf(f, markdown ? "> **Error:** %s: the gate fails (`--allow-missing` lets it "
				      "pass).\n\n"
				    : "error: %s: the gate fails (--allow-missing lets it pass)\n",
			why);
	else if (why[0])
		fprintf(f, markdown ? "> **Warning:** %s; with `--allow-missing` the cells it has "
				      "are judged.\n\n"
				    : "warning: %s; with --allow-missing the cells it has are judged\n",
			why);
	for (size_t k = 0; k < c->nincomplete_bases; k++)
		fprintf(f, markdown ? "> **Warning:** BASE `%s` is incomplete (its env.txt says "
				      "complete=%s): the cells it lacks are not compared.\n\n"
				    : "warning: BASE %s is incomplete (its env.txt says complete=%s): "
				      "the cells it lacks are not compared\n",
			c->incomplete_base[k], c->complete_base[k]);
}
