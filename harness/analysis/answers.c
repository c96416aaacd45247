#include <math.h>
#include <stdio.h>

#include "answers.h"
#include "claimtext.h"

static size_t curve_answers(const struct curve *cv, struct answer *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < cv->n && n < max; i++) {
		const struct point *p = &cv->pt[i];

		if (!isfinite(p->r.v))
			continue;
		out[n++] = (struct answer){
			/* claim 3's methods are the cheapest at each size */
			.a = cv->na[i], .b = cv->nb[i], .thp = cv->thp, .rss_mib = p->rss_mib,
			.r = p->r, .rounds = p->rounds,
			.decided = est_ok(p->r) && (p->r.lo > 1 || p->r.hi < 1),
		};
	}
	return n;
}

size_t answers_of(const struct claims *c, struct answer *out, size_t max)
{
	size_t n = 0;

	for (size_t t = 0; t < c->nthp; t++) {
		/* claim 2's pair is claim 1's -exec pair: once */
		const struct curve *cv[] = { &c->vfork_exit[t], &c->vfork_exec[t], &c->spawn[t],
					     &c->cheapest[t] };

		for (size_t k = 0; k < sizeof cv / sizeof cv[0]; k++)
			n += curve_answers(cv[k], out + n, max - n);
	}
	return n;
}

char *answer_text(const struct answer *a, bool thp_named, char *buf, size_t len)
{
	char where[64];
	struct est r = a->r;

	snprintf(where, sizeof where, "at %g MiB%s%s", a->rss_mib, thp_named ? ", THP " : "",
		 thp_named ? a->thp : "");
	if (!a->decided) {
		if (est_ok(r))
			snprintf(buf, len, "%s and %s: no decided difference %s: %s× [%s, %s]", a->a,
				 a->b, where, fig(r.v), fig(r.lo), fig(r.hi));
		else
			snprintf(buf, len, "%s and %s: no decided difference %s: %s× from %zu "
				 "round%s, no interval", a->a, a->b, where, fig(r.v), a->rounds,
				 a->rounds == 1 ? "" : "s");
		return buf;
	}
	if (r.hi < 1)	/* faster: the ratio turned over, b / a */
		r = (struct est){ 1 / r.v, 1 / r.hi, 1 / r.lo };
	snprintf(buf, len, "%s ran %s× [%s, %s] %s than %s %s", a->a, fig(r.v), fig(r.lo),
		 fig(r.hi), a->r.hi < 1 ? "faster" : "slower", a->b, where);
	return buf;
}

void answer_lines(FILE *f, const struct claims *c, bool md)
{
	static struct answer a[MAX_ANSWERS];
	size_t n = answers_of(c, a, sizeof a / sizeof a[0]);
	char line[400];

	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s\n", md ? "- " : "  ", answer_text(&a[i], c->nthp > 1, line,
								     sizeof line));
}
