/* Order statistics, moments, the percentile bootstrap, and a least-squares
 * line. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double quantile_sorted(const uint64_t *x, size_t n, double q)
{
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)h;

	if (lo + 1 >= n)
		return (double)x[n - 1];
	return (double)x[lo] + (h - (double)lo) * ((double)x[lo + 1] - (double)x[lo]);
}

double quantile_sorted_d(const double *x, size_t n, double q)
{
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)h;

	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/* splitmix64: small, fast, and good enough to draw resampling indices. */
uint64_t boot_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int boot_interval(double (*draw)(void *arg, uint64_t *state), void *arg, size_t nboot,
		  uint64_t seed, double q_lo, double q_hi, double *lo, double *hi)
{
	double *d = malloc(nboot * sizeof *d);

	if (!d)
		return -1;
	for (size_t b = 0; b < nboot; b++)
		d[b] = draw(arg, &seed);
	qsort(d, nboot, sizeof *d, cmp_double);
	*lo = quantile_sorted_d(d, nboot, q_lo);
	*hi = quantile_sorted_d(d, nboot, q_hi);
	free(d);
	return 0;
}

void stats_compute(uint64_t *x, size_t n, struct stats *s)
{
	double sum = 0, sq = 0;

	qsort(x, n, sizeof *x, cmp_u64);
	s->n = n;
	s->min = (double)x[0];
	s->max = (double)x[n - 1];
	s->median = quantile_sorted(x, n, 0.50);
	s->p10 = quantile_sorted(x, n, 0.10);
	s->p90 = quantile_sorted(x, n, 0.90);
	s->p99 = quantile_sorted(x, n, 0.99);
	for (size_t i = 0; i < n; i++)
		sum += (double)x[i];
	s->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += ((double)x[i] - s->mean) * ((double)x[i] - s->mean);
	s->stddev = n > 1 ? sqrt(sq / (double)(n - 1)) : 0;
	/* the interval is the windows', not the samples' (winstats.h) */
	s->ci_lo = s->ci_hi = NAN;
}

int fit_line(const double *x, const double *y, size_t n, struct line_fit *f)
{
	double mx = 0, my = 0, sxx = 0, sxy = 0, ss_tot = 0, ss_res = 0;
	int distinct = 0;

	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
		if (i > 0 && x[i] != x[0])
			distinct = 1;
	}
	if (n < 2 || !distinct)
		return -1;
	mx /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	f->slope = sxy / sxx;
	f->fixed = my - f->slope * mx;
	for (size_t i = 0; i < n; i++) {
		double e = y[i] - (f->fixed + f->slope * x[i]);
		ss_res += e * e;
		ss_tot += (y[i] - my) * (y[i] - my);
	}
	/* A line through two points meets both, whatever they are: its r2
	 * of 1 would vouch for a line nothing tested. */
	f->r2 = n == 2 ? NAN : ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
	f->points = n;
	return 0;
}

#define MODE_BINS 40	/* count_modes' bins, at most */

/* How many bins of [lo, hi] count_modes takes for n samples: 15 a bin on
 * average, none narrower than 1% of lo, MODE_BINS at most. */
static unsigned mode_bins(double lo, double hi, size_t n)
{
	unsigned bins = MODE_BINS;

	if (n / 15 < bins)
		bins = (unsigned)(n / 15);
	if (lo <= 0 || hi <= lo || (hi - lo) / bins < lo / 100)
		bins = (unsigned)((hi - lo) / (lo / 100));
	return bins > MODE_BINS ? MODE_BINS : bins;
}

/* The histogram of x's samples within [lo, hi] in bins, each bin averaged
 * with its neighbours into sm; returns the tallest of sm. */
static double smoothed_histogram(const uint64_t *x, size_t n, double lo, double hi,
				 unsigned bins, double *sm)
{
	double width = (hi - lo) / bins, h[MODE_BINS] = { 0 }, tallest = 0;

	for (size_t i = 0; i < n; i++) {
		double v = (double)x[i];
		if (v < lo || v > hi)
			continue;
		unsigned b = (unsigned)((v - lo) / width);
		h[b < bins ? b : bins - 1]++;
	}
	for (unsigned b = 0; b < bins; b++) {
		double sum = 0;
		int k = 0;
		for (int d = -1; d <= 1; d++)
			if ((int)b + d >= 0 && b + d < bins) {
				sum += h[b + d];
				k++;
			}
		sm[b] = sum / k;
		if (sm[b] > tallest)
			tallest = sm[b];
	}
	return tallest;
}

/* The peaks of the smoothed histogram sm, left to right: a mode is climbed
 * while no valley below half its peak has been crossed; past such a
 * valley, a local maximum that is a tenth of the tallest and twice the
 * valley starts the next one. */
static unsigned peaks(const double *sm, unsigned bins, double tallest)
{
	double peak = -1, valley = 0;
	unsigned modes = 0;

	for (unsigned b = 0; b < bins; b++) {
		double v = sm[b];
		if (peak < 0) {
			if (v >= tallest / 10) {
				peak = valley = v;
				modes = 1;
			}
			continue;
		}
		if (v < valley)
			valley = v;
		if (valley >= peak / 2) {
			if (v > peak)
				peak = valley = v;	/* still the same mode */
		} else if (v >= tallest / 10 && v >= 2 * valley && (b + 1 == bins || sm[b + 1] <= v)) {
			modes++;
			peak = valley = v;
		}
	}
	return modes;
}

/* Modes of sorted x: peaks of a smoothed histogram between the 1st and
 * 99th percentiles, in bins no narrower than 1% of the 1st percentile and
 * holding 15 samples each on average. A peak counts when it is at least a
 * tenth of the tallest and the valley between it and the mode before falls
 * below half of the lower of the two: a long tail or the noise of a few
 * bins is one mode, a scheduler that places the child on either of two
 * CPUs is two. (No logarithms: the engine links no libm.) */
unsigned count_modes(const uint64_t *x, size_t n)
{
	double lo, hi, sm[MODE_BINS];
	unsigned bins;

	if (n < MODES_MIN_SAMPLES)
		return 0;
	lo = quantile_sorted(x, n, 0.01);
	hi = quantile_sorted(x, n, 0.99);
	bins = mode_bins(lo, hi, n);
	if (bins < 5)
		return 1;
	return peaks(sm, bins, smoothed_histogram(x, n, lo, hi, bins, sm));
}
