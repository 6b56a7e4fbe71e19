/* memfig: memory figures from samples (see memfig.h). */
#include "memfig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "stats.h"

static int cmp_sample(const void *a, const void *b)
{
	double x = ((const struct memfig_sample *)a)->t;
	double y = ((const struct memfig_sample *)b)->t;

	return x < y ? -1 : x > y;
}

void memfig_sort(struct memfig_sample *m, size_t n)
{
	if (n > 1)
		qsort(m, n, sizeof *m, cmp_sample);
}

size_t memfig_known(struct memfig_sample *m, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (m[i].bytes >= 0)
			m[k++] = m[i];
	return k;
}

double memfig_baseline(const struct memfig_sample *m, size_t n,
		       double first_send, int *before)
{
	double base = m[0].bytes;
	size_t i;

	*before = 0;
	for (i = 0; i < n && m[i].t <= first_send; i++) {
		base = m[i].bytes;
		*before = 1;
	}
	return base;
}

double memfig_peak(const struct memfig_sample *m, size_t n, double *gpu)
{
	double peak = -1;
	size_t i;

	*gpu = 0;
	for (i = 0; i < n; i++) {
		if (m[i].bytes > peak)
			peak = m[i].bytes;
		if (m[i].gpu > *gpu)
			*gpu = m[i].gpu;
	}
	return peak;
}

double memfig_steady(const struct memfig_sample *m, size_t n, double from,
		     double to)
{
	struct stats_vec v = {0};
	double med = -1;
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].t >= from && m[i].t <= to &&
		    stats_push(&v, m[i].bytes) != 0)
			break;
	if (i == n && v.n > 0) {
		struct stats_sum s;
		stats_summarise(&v, &s);
		med = stats_percentile(&v, 50);
	}
	stats_vec_free(&v);
	return med;
}

static int cmp_sys(const void *a, const void *b)
{
	double x = ((const struct memfig_sys *)a)->t;
	double y = ((const struct memfig_sys *)b)->t;

	return x < y ? -1 : x > y;
}

void memfig_sys_sort(struct memfig_sys *s, size_t n)
{
	if (n > 1)
		qsort(s, n, sizeof *s, cmp_sys);
}

int memfig_sys_span(const struct memfig_sys *s, size_t n, enum memfig_sysfig k,
		    double first_send, struct memfig_span *out)
{
	struct memfig_span f = {-1, -1, 0, 0};
	size_t i;

	for (i = 0; i < n; i++) {
		double v = s[i].v[k];
		if (v < 0)
			continue;
		if (f.n++ == 0 || s[i].t <= first_send)
			f.baseline = v;
		if (v > f.peak)
			f.peak = v;
	}
	if (f.n == 0)
		return -1;
	f.growth = f.peak - f.baseline;
	*out = f;
	return 0;
}

int memfig_timeline(const struct memfig_sample *m, size_t n, double ref,
		    double (*out)[2], int cap)
{
	double t0 = m[0].t, span = m[n - 1].t - t0;
	size_t i;
	int k, w = 0;

	for (k = 0; k < cap; k++)
		out[k][1] = -1;
	for (i = 0; i < n; i++) {
		k = span > 0 && cap > 1
			? (int)((m[i].t - t0) / span * (cap - 1))
			: 0;
		if (m[i].bytes > out[k][1])
			out[k][1] = m[i].bytes;
	}
	for (k = 0; k < cap; k++) /* pack the used slots, in order */
		if (out[k][1] >= 0) {
			out[w][0] =
			    t0 - ref + (cap > 1 ? span * k / (cap - 1) : 0);
			out[w][1] = out[k][1];
			w++;
		}
	return w;
}

void memfig_leak(const struct memfig_sample *m, size_t n, const double *done,
		 size_t ndone, double from, double to,
		 const struct memfig_limits *lim, struct memfig_leak *out)
{
	struct stats_vec x = {0}, y = {0}, tx = {0}, ty = {0};
	size_t i, j;
	double r2_t;
	/* growth per minute is judged over a minute at least: a few seconds
	 * of allocator noise extrapolated to an hour is not a leak */
	int per_minute;

	for (i = 0; i < ndone; i++) {
		for (j = 0; j < n && m[j].t < done[i]; j++)
			;
		if (j < n) {
			stats_push(&x, (double)i);
			stats_push(&y, m[j].bytes / 1e6);
		}
	}
	for (i = 0; i < n; i++)
		if (m[i].t >= from && m[i].t <= to) {
			stats_push(&tx, (m[i].t - from) / 60);
			stats_push(&ty, m[i].bytes / 1e6);
		}
	out->points = (long)x.n;
	per_minute = tx.n >= 8 && to - from >= 60;
	out->mb_per_request =
	    stats_slope_ci(x.v, y.v, x.n, &out->r2, &out->req_lo, &out->req_hi);
	out->mb_per_minute =
	    stats_slope_ci(tx.v, ty.v, tx.n, &r2_t, &out->min_lo, &out->min_hi);
	out->error[0] = '\0';
	/* a slope without an interval (all points on a line, or too few for
	 * one) is its own interval */
	if (isnan(out->req_lo))
		out->req_lo = out->req_hi = out->mb_per_request;
	if (isnan(out->min_lo))
		out->min_lo = out->min_hi = out->mb_per_minute;
	if (x.n < 8) {
		out->verdict = VD_LEAK_FEW;
	} else if (out->req_hi < -lim->mb_per_request) {
		out->verdict = VD_LEAK_ERROR;
		snprintf(out->error, sizeof out->error,
			 "memory fell by %.1f MB "
			 "per request (r2 %.2f): the sampled processes changed "
			 "during the run, so no verdict",
			 -out->mb_per_request, out->r2);
	} else if (out->req_lo > lim->mb_per_request ||
		   (per_minute && out->min_lo > lim->mb_per_minute)) {
		out->verdict = VD_LEAK_SUSPECTED;
	} else if (out->req_hi < lim->mb_per_request &&
		   (!per_minute || out->min_hi < lim->mb_per_minute)) {
		out->verdict = VD_LEAK_NONE;
	} else {
		out->verdict = VD_LEAK_INCONCLUSIVE;
	}
	stats_vec_free(&x);
	stats_vec_free(&y);
	stats_vec_free(&tx);
	stats_vec_free(&ty);
}
