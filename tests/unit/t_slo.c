/* Unit tests for lib/slo: the grammar, the values a percentile needs,
 * attainment and the verdict of a run. */
#include "tap.h"

#include <math.h>

#include "slo.h"

static void test_parse(void)
{
	struct slo_set s;
	char err[512], t[64];

	CHECK_INT(slo_parse("ttft_p95<=3s tpot_p95<=100ms,per_user_tps_p5>=10",
			    &s, err, sizeof err),
		  0);
	CHECK_INT(s.n, 3);
	CHECK_INT(s.o[0].m, SLO_TTFT);
	CHECK_NEAR(s.o[0].pct, 95, 0);
	CHECK_NEAR(s.o[0].bound, 3, 1e-12);
	CHECK_INT(s.o[1].m, SLO_TPOT);
	CHECK_NEAR(s.o[1].bound, 0.1, 1e-12);
	CHECK_INT(s.o[2].m, SLO_TPS);
	CHECK_NEAR(s.o[2].pct, 5, 0);
	CHECK_NEAR(s.o[2].bound, 10, 0);
	CHECK_STR(slo_obj_text(&s.o[1], t, sizeof t), "tpot_p95<=100ms");
	CHECK_STR(slo_obj_text(&s.o[2], t, sizeof t), "per_user_tps_p5>=10");
	s.o[0].bound = 5e-4;
	CHECK_STR(slo_obj_text(&s.o[0], t, sizeof t), "ttft_p95<=500us");
	CHECK_INT(slo_parse("e2e_p99.9<=20s itl_p50<=50ms ttfo_p90<=4s", &s,
			    err, sizeof err),
		  0);
	CHECK_NEAR(s.o[0].pct, 99.9, 1e-12);
	CHECK_INT(s.o[1].m, SLO_ITL);
	/* agg's older form: thresholds, no percentile */
	CHECK_INT(slo_parse("ttft=150ms,tpot=60ms", &s, err, sizeof err), 0);
	CHECK_INT(s.n, 2);
	CHECK_NEAR(s.o[0].pct, 0, 0);
	CHECK_INT(slo_parse(SLO_DEFAULT_CHAT, &s, err, sizeof err), 0);
}

static void test_refused(void)
{
	const char *bad[] = {"",
			     "ttft_p95>=3s",
			     "per_user_tps_p5<=10",
			     "ttft_p100<=3s",
			     "ttft_p0<=3s",
			     "ttft_p95<=3 parsecs",
			     "ttft<=3s",
			     "decode_p95<=1s",
			     "ttft_p95<=0",
			     "ttft_p95=3s",
			     "ttft_pxx<=3s",
			     "per_user_tps_p5>=fast",
			     "itl=1s"};
	struct slo_set s;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		CHECK_INT(slo_parse(bad[i], &s, err, sizeof err), -1);
		CHECK(strstr(err, "METRIC_pP<=DURATION") != NULL);
	}
}

static void test_need(void)
{
	CHECK_INT(slo_need(95), 20);
	CHECK_INT(slo_need(5), 20);
	CHECK_INT(slo_need(99), 100);
	CHECK_INT(slo_need(50), 2);
	CHECK_INT(slo_need(90), 10);
	CHECK_INT(slo_need(99.9), 1000);
	CHECK_INT(slo_need(0), 1);
}

/* n requests with TTFT 0.1 s .. and speed 20 tok/s, k of them slow. */
static void fill(struct slo_req *r, int n, int slow, double slow_ttft)
{
	int i;

	for (i = 0; i < n; i++) {
		int m;
		for (m = 0; m < SLO_NMETRIC; m++)
			r[i].v[m] = NAN;
		r[i].v[SLO_TTFT] = i < slow ? slow_ttft : 0.1;
		r[i].v[SLO_TPS] = 20;
		r[i].tokens = 32;
	}
}

static void test_judge(void)
{
	struct slo_req r[40];
	struct slo_set s;
	struct slo_level lv;
	char err[256];

	slo_parse("ttft_p95<=1s per_user_tps_p5>=10", &s, err, sizeof err);
	fill(r, 20, 1, 4.2); /* one slow of 20: p95 is rank 19, still fast */
	CHECK_INT(slo_judge(&s, r, 20, &lv), 0);
	CHECK_INT(lv.st, VD_SLO_HELD);
	CHECK_INT(lv.met, 19);
	CHECK_NEAR(lv.met_tokens, 19 * 32, 0);
	CHECK(lv.att_lo < 0.95 && lv.att_hi > 0.95 && lv.att_hi <= 1);
	fill(r, 20, 2, 4.2); /* two slow: rank 19 is slow */
	slo_judge(&s, r, 20, &lv);
	CHECK_INT(lv.st, VD_SLO_BROKE);
	CHECK_INT(lv.worst, 0);
	CHECK_NEAR(lv.r[0].value, 4.2, 1e-12);
	CHECK_NEAR(lv.r[0].over, 4.2, 1e-12);
	CHECK_INT(lv.r[1].st, VD_SLO_HELD);
	/* 19 values are too few for a p95: undecided, never guessed */
	fill(r, 19, 0, 0);
	slo_judge(&s, r, 19, &lv);
	CHECK_INT(lv.st, VD_SLO_UNDECIDED);
	CHECK_INT(lv.r[0].need, 20);
	CHECK_INT(lv.r[0].n, 19);
	/* a failed request is a value that meets nothing */
	fill(r, 20, 0, 0);
	slo_failed_values(&r[3]);
	slo_failed_values(&r[7]);
	slo_judge(&s, r, 20, &lv);
	CHECK_INT(lv.st, VD_SLO_BROKE);
	CHECK_INT(lv.met, 18);
	CHECK(isinf(lv.r[0].value));
	/* the one furthest past its bound is named */
	fill(r, 20, 2, 1.5);
	r[0].v[SLO_TPS] = r[1].v[SLO_TPS] = 2; /* 5x too slow, TTFT 1.5x */
	slo_judge(&s, r, 20, &lv);
	CHECK_INT(lv.worst, 1);
	/* a speed the request lacks (one token) is no value */
	fill(r, 20, 0, 0);
	r[5].v[SLO_TPS] = NAN;
	slo_judge(&s, r, 20, &lv);
	CHECK_INT(lv.st, VD_SLO_UNDECIDED);
	CHECK_INT(lv.worst, 1);
	CHECK_INT(lv.met, 19);
}

static void test_wilson(void)
{
	double lo, hi;

	slo_wilson(20, 20, &lo, &hi);
	CHECK_NEAR(lo, 0.8389, 1e-3);
	CHECK_NEAR(hi, 1, 1e-12);
	slo_wilson(0, 20, &lo, &hi);
	CHECK_NEAR(lo, 0, 1e-12);
	CHECK_NEAR(hi, 0.1611, 1e-3);
	slo_wilson(50, 100, &lo, &hi);
	CHECK_NEAR(lo, 0.4038, 1e-3);
	CHECK_NEAR(hi, 0.5962, 1e-3);
}

static void test_describe(void)
{
	char b[128];

	CHECK_STR(slo_describe(b, sizeof b, SLO_TTFT, 95, 4.2, 3),
		  "TTFT p95 is 4.2 s (objective at most 3 s)");
	CHECK_STR(slo_describe(b, sizeof b, SLO_TPOT, 99, 0.125, 0.1),
		  "TPOT p99 is 125 ms (objective at most 100 ms)");
	CHECK_STR(slo_describe(b, sizeof b, SLO_TPS, 5, 44.44, 47),
		  "per-user TPS p5 is 44.4 tokens/s (objective at least 47 "
		  "tokens/s)");
	CHECK_STR(slo_describe(b, sizeof b, SLO_TTFT, 95, INFINITY, 3),
		  "TTFT p95 falls on failed requests (objective at most 3 s)");
	CHECK_INT(slo_metric_from_name("per_user_tps"), SLO_TPS);
	CHECK_INT(slo_metric_from_name("decode"), -1);
}

int main(void)
{
	RUN(test_describe);
	RUN(test_parse);
	RUN(test_refused);
	RUN(test_need);
	RUN(test_judge);
	RUN(test_wilson);
	return DONE();
}
