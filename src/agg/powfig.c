/* powfig: power and heat figures over a window (see powfig.h). */
#include "powfig.h"

#include <stdlib.h>

#include "stats.h"

/* The part of (a, b] inside (t0, t1], in seconds. */
static double overlap(double a, double b, double t0, double t1)
{
	double lo = a > t0 ? a : t0, hi = b < t1 ? b : t1;

	return hi > lo ? hi - lo : 0;
}

/* Energy and the throttled share: each sample's figure over the part of
 * its interval inside the window. */
static void integrate(const struct powfig_sample *s, size_t n, double t0,
		      double t1, struct powfig *f)
{
	double e = 0, thr_known = 0, thr_on = 0;
	size_t k;

	f->covered_s = 0;
	for (k = 1; k < n; k++) {
		double d = overlap(s[k - 1].t, s[k].t, t0, t1);
		if (d <= 0)
			continue;
		if (s[k].w >= 0) {
			e += s[k].w * d;
			f->covered_s += d;
		}
		if (s[k].throttled >= 0) {
			thr_known += d;
			thr_on += s[k].throttled ? d : 0;
		}
	}
	f->energy_j = -1;
	f->mean_w = -1;
	if (t1 > t0 && f->covered_s >= POWFIG_COVER * (t1 - t0)) {
		f->energy_j = e;
		f->mean_w = e / f->covered_s;
	}
	f->throttled_share = thr_known > 0 ? thr_on / thr_known : -1;
}

int powfig_compute(const struct powfig_sample *s, size_t n, double t0,
		   double t1, struct powfig *f)
{
	struct stats_vec w = {0};
	size_t k;
	int rc = 0;

	f->n = 0;
	f->peak_temp = -1;
	f->peak_temp_src = -1;
	f->thermal_max = -1;
	f->p95_w = -1;
	integrate(s, n, t0, t1, f);
	for (k = 0; k < n; k++) {
		if (s[k].t <= t0 || s[k].t > t1)
			continue;
		f->n++;
		if (s[k].w >= 0 && stats_push(&w, s[k].w) != 0)
			rc = -1;
		if (s[k].temp > f->peak_temp) {
			f->peak_temp = s[k].temp;
			f->peak_temp_src = s[k].temp_src;
		}
		if (s[k].thermal > f->thermal_max)
			f->thermal_max = s[k].thermal;
	}
	if (f->energy_j >= 0 && w.n > 0) {
		struct stats_sum sum;
		stats_summarise(&w, &sum);
		f->p95_w = stats_percentile(&w, 95);
	}
	stats_vec_free(&w);
	return rc;
}

int powfig_timeline(const struct powfig_sample *s, size_t n, double ref,
		    struct powfig_point *out, int cap)
{
	double t0 = s[0].t, span = s[n - 1].t - t0;
	double *wt = calloc((size_t)cap, sizeof *wt); /* seconds with watts */
	char *used = calloc((size_t)cap, 1);
	int k, w = 0;

	if (used == NULL || wt == NULL) {
		free(used);
		free(wt);
		return 0;
	}
	for (k = 0; k < cap; k++)
		out[k].w = out[k].temp = -1;
	for (size_t i = 0; i < n; i++) {
		double dt = i > 0 ? s[i].t - s[i - 1].t : 0;
		k = span > 0 && cap > 1
			? (int)((s[i].t - t0) / span * (cap - 1))
			: 0;
		used[k] = 1;
		if (s[i].w >= 0 && dt > 0) { /* its mean over its interval */
			out[k].w = (out[k].w < 0 ? 0 : out[k].w) + s[i].w * dt;
			wt[k] += dt;
		}
		if (s[i].temp > out[k].temp)
			out[k].temp = s[i].temp;
	}
	for (k = 0; k < cap; k++) /* pack the used slots, in order */
		if (used[k]) {
			out[w].s =
			    t0 - ref + (cap > 1 ? span * k / (cap - 1) : 0);
			out[w].w = wt[k] > 0 ? out[k].w / wt[k] : -1;
			out[w].temp = out[k].temp;
			w++;
		}
	free(used);
	free(wt);
	return w;
}
