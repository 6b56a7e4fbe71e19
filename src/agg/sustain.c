/* sustain: the first third's decode speed against the last third's. */
#include "sustain.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "stats.h"

enum verdict_sustain sustain_verdict(double lo, double hi)
{
	if (isnan(lo) || isnan(hi))
		return VD_SUS_UNKNOWN;
	if (hi < 1 - SUSTAIN_BAND)
		return VD_SUS_SLOWED;
	if (lo > 1 + SUSTAIN_BAND)
		return VD_SUS_SPED_UP;
	if (lo >= 1 - SUSTAIN_BAND && hi <= 1 + SUSTAIN_BAND)
		return VD_SUS_STABLE;
	return VD_SUS_INCONCLUSIVE;
}

static double mean(const double *v, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += v[i];
	return n > 0 ? s / (double)n : -1;
}

/* The sample standard deviation of v[0..n) about its mean m. */
static double sdev(const double *v, size_t n, double m)
{
	double ss = 0;
	size_t i;

	for (i = 0; i < n; i++)
		ss += (v[i] - m) * (v[i] - m);
	return n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
}

/* Writes into out->why the reason there can be no verdict, if any. */
static void judge(struct sustain *out, double span)
{
	if (!(span > 0))
		snprintf(out->why, sizeof out->why,
			 "no measured window to divide in thirds");
	else if (out->n_first < SUSTAIN_MIN_N || out->n_last < SUSTAIN_MIN_N)
		snprintf(out->why, sizeof out->why,
			 "%zu and %zu requests with a decode speed in the "
			 "first and last thirds; a verdict needs %d in each",
			 out->n_first, out->n_last, SUSTAIN_MIN_N);
}

int sustain_compute(const struct sustain_req *r, size_t n, double t0, double t1,
		    struct sustain *out)
{
	double span = t1 - t0, *a = NULL, *b = NULL;
	struct stats_ratio q;
	size_t i;

	out->n_first = out->n_last = 0;
	out->ratio = out->lo = out->hi = NAN;
	out->verdict = VD_SUS_UNKNOWN;
	out->why[0] = '\0';
	if (n > 0 && ((a = malloc(n * sizeof *a)) == NULL ||
		      (b = malloc(n * sizeof *b)) == NULL)) {
		free(a);
		return -1;
	}
	for (i = 0; i < n && span > 0; i++) {
		if (!(r[i].tps > 0) || r[i].t < t0 || r[i].t > t1)
			continue;
		if (r[i].t < t0 + span / 3)
			a[out->n_first++] = r[i].tps;
		else if (r[i].t >= t1 - span / 3)
			b[out->n_last++] = r[i].tps;
	}
	out->first_tps = mean(a, out->n_first);
	out->last_tps = mean(b, out->n_last);
	judge(out, span);
	if (out->why[0] == '\0') {
		stats_mean_ratio(
		    out->first_tps, sdev(a, out->n_first, out->first_tps),
		    (long)out->n_first, out->last_tps,
		    sdev(b, out->n_last, out->last_tps), (long)out->n_last, &q);
		out->ratio = q.ratio;
		out->lo = q.lo;
		out->hi = q.hi;
		out->verdict = sustain_verdict(q.lo, q.hi);
	}
	free(a);
	free(b);
	return 0;
}
