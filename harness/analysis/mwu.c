/* Mann–Whitney U: ranks by a merge of the two sorted samples, the normal
 * approximation with tie and continuity corrections, and an exact count of
 * U's null distribution for small samples without ties. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mwu.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* How many orderings of nx x's and ny y's give each U (pairs where an x
 * exceeds a y), into count[0 .. nx*ny]. Built up one element at a time:
 * the largest of i x's and j y's is either an x, which beats all j y's, or
 * a y, which beats nothing:
 *     f(i, j, u) = f(i-1, j, u-j) + f(i, j-1, u),   f(i, 0, u) = f(0, j, u) = [u = 0].
 * Doubles: at MWU_EXACT_MAX the largest count, C(60, 30), is about 1.2e17,
 * past exact integers but far inside a double's relative precision. */
static int exact_counts(size_t nx, size_t ny, double *count)
{
	size_t umax = nx * ny, stride = umax + 1;
	double *prev = calloc((ny + 1) * stride, sizeof *prev);
	double *cur = calloc((ny + 1) * stride, sizeof *cur);

	if (!prev || !cur) {
		free(prev);
		free(cur);
		return -1;
	}
	for (size_t j = 0; j <= ny; j++)	/* i = 0: no x, U = 0 */
		prev[j * stride] = 1;
	for (size_t i = 1; i <= nx; i++) {
		memset(cur, 0, (ny + 1) * stride * sizeof *cur);
		cur[0] = 1;	/* j = 0 */
		for (size_t j = 1; j <= ny; j++)
			for (size_t u = 0; u <= i * j; u++)
				cur[j * stride + u] = (u >= j ? prev[j * stride + u - j] : 0) +
						      cur[(j - 1) * stride + u];
		double *t = prev;
		prev = cur;
		cur = t;
	}
	memcpy(count, prev + ny * stride, stride * sizeof *count);
	free(prev);
	free(cur);
	return 0;
}

/* Two-sided exact p of an integer U: twice the smaller tail, at most 1. */
static int exact_p(size_t nx, size_t ny, double u, double *p)
{
	size_t umax = nx * ny;
	double *count = malloc((umax + 1) * sizeof *count);
	double total = 0, lower = 0, upper = 0;

	if (!count || exact_counts(nx, ny, count)) {
		free(count);
		return -1;
	}
	for (size_t v = 0; v <= umax; v++) {
		total += count[v];
		if ((double)v <= u)
			lower += count[v];
		if ((double)v >= u)
			upper += count[v];
	}
	free(count);
	*p = fmin(1.0, 2 * fmin(lower, upper) / total);
	return 0;
}

int mwu_test(double *x, size_t nx, double *y, size_t ny, struct mwu *r)
{
	double n = (double)(nx + ny), rank_x = 0, ties = 0, d;
	size_t i = 0, j = 0;

	qsort(x, nx, sizeof *x, cmp_double);
	qsort(y, ny, sizeof *y, cmp_double);
	/* Walk both sorted samples in step, one distinct value at a time: the t
	 * values equal to v take ranks pos+1 .. pos+t, each the midrank. */
	for (double pos = 0; i < nx || j < ny;) {
		double v = j >= ny || (i < nx && x[i] <= y[j]) ? x[i] : y[j];
		size_t cx = 0, cy = 0;

		while (i < nx && x[i] == v)
			i++, cx++;
		while (j < ny && y[j] == v)
			j++, cy++;
		double t = (double)(cx + cy);
		rank_x += (double)cx * (pos + (t + 1) / 2);
		ties += t * t * t - t;
		pos += t;
	}
	r->u = rank_x - (double)nx * ((double)nx + 1) / 2;
	r->mean = (double)nx * (double)ny / 2;
	/* Var U = nx ny / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1))). */
	r->sd = n > 1 ? sqrt((double)nx * (double)ny / 12 * ((n + 1) - ties / (n * (n - 1)))) : 0;
	d = r->u - r->mean;
	r->z = r->sd > 0 && fabs(d) > 0.5 ? (d - copysign(0.5, d)) / r->sd : 0;
	r->p = erfc(fabs(r->z) / sqrt(2.0));
	r->exact = false;
	if (ties == 0 && nx <= MWU_EXACT_MAX && ny <= MWU_EXACT_MAX) {
		if (exact_p(nx, ny, r->u, &r->p))
			return -1;
		r->exact = true;
	}
	return 0;
}
