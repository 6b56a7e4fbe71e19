/* statjson: statistics objects of the run JSON (see statjson.h). */
#include "statjson.h"

#include <stdio.h>

static void pct_key(char *buf, size_t n, double p)
{
	snprintf(buf, n, "p%g", p);
}

void statjson_vec(jw *w, const char *key, struct stats_vec *v, int prec,
		  const struct statjson_pcts *pc)
{
	struct stats_sum s;
	char k[16];

	stats_summarise(v, &s);
	if (s.n == 0) {
		jw_null(w, key);
		return;
	}
	jw_obj_open(w, key);
	jw_int(w, "n", (long long)s.n);
	jw_num(w, "mean", s.mean, prec);
	jw_num(w, "stddev", s.stddev, prec);
	jw_num(w, "min", s.min, prec);
	jw_num(w, "max", s.max, prec);
	for (int i = 0; i < pc->n; i++) {
		pct_key(k, sizeof k, pc->p[i]);
		jw_num(w, k, stats_percentile(v, pc->p[i]), prec);
	}
	jw_num(w, "cv", s.cv, 4);
	jw_num(w, "ci95_lo", s.ci_lo, prec);
	jw_num(w, "ci95_hi", s.ci_hi, prec);
	jw_obj_close(w);
}

void statjson_hist(jw *w, const char *key, const struct stats_hist *h,
		   const struct statjson_pcts *pc)
{
	char k[16];

	if (h->total <= 0) {
		jw_null(w, key);
		return;
	}
	jw_obj_open(w, key);
	jw_num(w, "n", h->total, 1);
	jw_num(w, "mean", stats_hist_mean(h), 6);
	jw_num(w, "min", h->min, 6);
	jw_num(w, "max", h->max, 6);
	for (int i = 0; i < pc->n; i++) {
		pct_key(k, sizeof k, pc->p[i]);
		jw_num(w, k, stats_hist_percentile(h, pc->p[i]), 6);
	}
	jw_str(w, "method", "log histogram, 1% buckets");
	jw_obj_close(w);
}
