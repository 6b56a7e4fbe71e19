/* statjson: a metric's summary written as the run JSON's statistics object
 * (docs/run-json.md): n, mean, stddev, min, max, the chosen percentiles,
 * cv and the 95 % CI, or the histogram's figures for ITL. */
#ifndef TB_STATJSON_H
#define TB_STATJSON_H

#include "jw.h"
#include "stats.h"

/* The percentiles every object carries ("p50", "p90", ...). */
struct statjson_pcts {
	const double *p;
	int n;
};

/* key: {n, mean, stddev, min, max, pN..., cv, ci95_lo, ci95_hi} with prec
 * decimals (cv with 4), or null when v is empty.  Sorts v. */
void statjson_vec(jw *w, const char *key, struct stats_vec *v, int prec,
		  const struct statjson_pcts *pc);

/* key: {n, mean, min, max, pN..., method} of a histogram, or null. */
void statjson_hist(jw *w, const char *key, const struct stats_hist *h,
		   const struct statjson_pcts *pc);

#endif
