/* slo: service-level objectives: parsed from text, judged on one run's
 * requests (attainment, goodput, the percentile each objective names). */
#ifndef TB_SLO_H
#define TB_SLO_H

#include <stddef.h>

#include "verdict.h"

/* The metrics an objective may name (docs/metrics.md, Service levels). */
enum slo_metric {
	SLO_TTFT, /* ttft: seconds to the first token */
	SLO_TTFO, /* ttfo: seconds to the first content token */
	SLO_TPOT, /* tpot: vLLM's time per output token, seconds */
	SLO_ITL,  /* itl: the request's mean inter-token gap, seconds */
	SLO_E2E,  /* e2e: seconds from send to the end */
	SLO_TPS,  /* per_user_tps: the request's decode tokens/s */
	SLO_NMETRIC
};

#define SLO_MAX 8

/* One objective: the metric's percentile pct must be <= bound (>= for
 * per_user_tps).  pct 0 is agg's older per-request form "ttft=500ms":
 * a threshold for goodput with no percentile to judge. */
struct slo_obj {
	enum slo_metric m;
	double pct;
	double bound;
};

struct slo_set {
	struct slo_obj o[SLO_MAX];
	int n;
};

/* The default for interactive chat (docs/metrics.md says why). */
#define SLO_DEFAULT_CHAT "ttft_p95<=3s per_user_tps_p5>=10"

/* The accepted grammar, one line, for messages. */
extern const char slo_grammar[];

/* Parses objectives separated by spaces or commas, each
 * METRIC_pP<=DURATION (ttft, ttfo, tpot, itl, e2e), per_user_tps_pP>=RATE,
 * or the older METRIC=DURATION (ttft, tpot, e2e, ttfo).  Returns 0, or -1
 * with a message naming the objective in err (errlen bytes). */
int slo_parse(const char *text, struct slo_set *out, char *err, size_t errlen);

/* Writes objective i as text ("ttft_p95<=3s") into buf; returns buf. */
char *slo_obj_text(const struct slo_obj *o, char *buf, size_t len);

/* The metric's name in the grammar ("per_user_tps"). */
const char *slo_metric_name(enum slo_metric m);

/* The metric named name, or -1. */
int slo_metric_from_name(const char *name);

/* "TTFT p95 is 4.2 s (objective 3 s)" into buf, for a metric's
 * percentile value against its bound; a value that is not finite reads
 * "failed requests".  Returns buf. */
char *slo_describe(char *buf, size_t len, enum slo_metric m, double pct,
		   double value, double bound);

/* 1 for metrics where more is better (per_user_tps), else 0. */
int slo_higher_better(enum slo_metric m);

/* The values a percentile needs before it can be judged: its tail of
 * min(pct, 100 - pct) % must hold a whole request, ceil(100 / tail)
 * (p95 and p5 need 20, p99 100, p50 2); 1 for pct 0. */
long slo_need(double pct);

/* One request's values: NAN where it has none (a one-token reply has no
 * TPOT); a failed request is given slo_failed_values. */
struct slo_req {
	double v[SLO_NMETRIC];
	double tokens; /* output tokens, for goodput in tokens/s */
};

/* Fills r with the values of a failed request: it met no objective (its
 * latencies infinite, its speed 0). */
void slo_failed_values(struct slo_req *r);

/* 1 when the request meets every objective's bound.  A value it lacks
 * fails that objective. */
int slo_req_meets(const struct slo_set *s, const struct slo_req *r);

/* What one objective came to on a run. */
struct slo_result {
	long n, need; /* the values the percentile had and needs */
	double value; /* the percentile (NAN if n is 0) */
	enum verdict_slo st;
	double over; /* how far past its bound: value / bound (bound /
			value for per_user_tps); > 1 broke it */
};

/* One run judged (a level of a capacity search). */
struct slo_level {
	struct slo_result r[SLO_MAX];
	enum verdict_slo st; /* broke if any broke, else undecided if any is */
	int worst;	     /* the broken objective furthest past its bound, or
				the first undecided one; -1 when all held */
	long met, n;	     /* requests that met every objective, of n */
	double att_lo, att_hi; /* 95 % Wilson interval of met / n */
	double met_tokens;     /* the output tokens of the requests that met */
};

/* Judges n requests against s.  Returns 0, or -1 when out of memory. */
int slo_judge(const struct slo_set *s, const struct slo_req *req, size_t n,
	      struct slo_level *out);

/* The 95 % Wilson score interval of k successes in n trials. */
void slo_wilson(long k, long n, double *lo, double *hi);

#endif
