/* Unit tests of lib/stats against values computed by hand. */
#include <math.h>

#include "tap.h"
#include "stats.h"

static void test_summary(void)
{
	struct stats_vec v = {0};
	struct stats_sum s;
	double xs[] = {4, 2, 8, 6, 10};
	size_t i;

	for (i = 0; i < 5; i++)
		stats_push(&v, xs[i]);
	stats_summarise(&v, &s);
	CHECK_INT(s.n, 5);
	CHECK_NEAR(s.mean, 6, 1e-12);
	CHECK_NEAR(s.stddev, sqrt(10), 1e-12); /* sum sq 40 / 4 */
	CHECK_NEAR(s.min, 2, 0);
	CHECK_NEAR(s.max, 10, 0);
	CHECK_NEAR(s.cv, sqrt(10) / 6, 1e-12);
	/* 6 +/- 2.776 * sqrt(10) / sqrt(5) */
	CHECK_NEAR(s.ci_lo, 6 - 2.776 * sqrt(2), 1e-9);
	CHECK_NEAR(s.ci_hi, 6 + 2.776 * sqrt(2), 1e-9);
	stats_vec_free(&v);
	stats_summarise(&v, &s);
	CHECK_INT(s.n, 0);
	stats_push(&v, 3);
	stats_summarise(&v, &s);
	CHECK_NEAR(s.ci_lo, 3, 0);
	CHECK_NEAR(s.stddev, 0, 0);
	stats_vec_free(&v);
}

static void test_nearest_rank(void)
{
	struct stats_vec v = {0};
	struct stats_sum s;
	int i;

	for (i = 20; i >= 1; i--) /* 1..20, pushed backwards */
		stats_push(&v, i);
	stats_summarise(&v, &s);
	CHECK_NEAR(stats_percentile(&v, 50), 10, 0); /* rank 10 */
	CHECK_NEAR(stats_percentile(&v, 95), 19, 0); /* rank 19 */
	CHECK_NEAR(stats_percentile(&v, 99), 20, 0); /* rank ceil(19.8) */
	CHECK_NEAR(stats_percentile(&v, 0), 1, 0);
	CHECK_NEAR(stats_percentile(&v, 100), 20, 0);
	CHECK_NEAR(stats_percentile(&v, 5), 1, 0);   /* rank 1 */
	CHECK_NEAR(stats_percentile(&v, 5.1), 2, 0); /* rank ceil(1.02) */
	stats_vec_free(&v);
	/* the median of an array, by the same rule: rank ceil(n / 2) */
	double a[] = {3, 1, 4, 1.5}, b[] = {9, 2, 7};
	CHECK_NEAR(stats_median(a, 4), 1.5, 0); /* rank 2 of 1 1.5 3 4 */
	CHECK_NEAR(stats_median(b, 3), 7, 0);	/* rank 2 of 2 7 9 */
	CHECK(isnan(stats_median(a, 0)));
}

static void test_t95(void)
{
	CHECK_NEAR(stats_t95(1), 12.706, 1e-9);
	CHECK_NEAR(stats_t95(10), 2.228, 1e-9);
	CHECK_NEAR(stats_t95(30), 2.042, 1e-9);
	CHECK_NEAR(stats_t95(60), 2.000, 0.002);  /* tables: 2.000 */
	CHECK_NEAR(stats_t95(120), 1.980, 0.002); /* tables: 1.980 */
	CHECK_NEAR(stats_t95(100000), 1.960, 0.001);
	CHECK_NEAR(stats_t95(0), 0, 0);
}

static void test_jain_slope(void)
{
	double eq[] = {5, 5, 5, 5}, one[] = {9, 0, 0};
	double x[] = {1, 2, 3, 4}, y[] = {3, 5, 7, 9}, r2;

	CHECK_NEAR(stats_jain(eq, 4), 1, 1e-12);
	CHECK_NEAR(stats_jain(one, 3), 1.0 / 3, 1e-12);
	CHECK_NEAR(stats_jain(eq, 0), 0, 0);
	CHECK_NEAR(stats_slope(x, y, 4, &r2), 2, 1e-12);
	CHECK_NEAR(r2, 1, 1e-12);
	CHECK_NEAR(stats_slope(x, y, 1, &r2), 0, 0);
}

static void test_histogram(void)
{
	struct stats_hist h;
	struct stats_vec v = {0};
	struct stats_sum s;
	double p, exact;
	int i, bad = 0;

	stats_hist_init(&h);
	for (i = 1; i <= 10000; i++) {
		double x = 0.001 * i; /* 1 ms .. 10 s */
		stats_hist_add(&h, x, 1);
		stats_push(&v, x);
	}
	stats_summarise(&v, &s);
	for (p = 1; p <= 99.9; p += 0.7) {
		exact = stats_percentile(&v, p);
		if (fabs(stats_hist_percentile(&h, p) - exact) > 0.005 * exact)
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_NEAR(stats_hist_percentile(&h, 100), 10, 1e-12); /* clamped */
	CHECK_NEAR(stats_hist_percentile(&h, 0), 0.001, 1e-12);
	CHECK_NEAR(stats_hist_mean(&h), s.mean, 1e-9);
	/* weights: 3 gaps of 0.1 s weigh like three values */
	stats_hist_init(&h);
	stats_hist_add(&h, 0.1, 3);
	stats_hist_add(&h, 1.0, 1);
	CHECK_NEAR(stats_hist_percentile(&h, 75), 0.1, 0.0005);
	CHECK_NEAR(stats_hist_percentile(&h, 76), 1.0, 0.005);
	CHECK_NEAR(h.total, 4, 0);
	stats_hist_add(&h, -1, 1); /* ignored */
	stats_hist_add(&h, 1, 0);  /* ignored */
	CHECK_NEAR(h.total, 4, 0);
	stats_vec_free(&v);
}

static void test_t_cdf(void)
{
	/* Known quantiles: t(0.975, 10) = 2.228, t(0.95, 5) = 2.015. */
	CHECK_NEAR(stats_t_cdf(2.228, 10), 0.975, 2e-4);
	CHECK_NEAR(stats_t_cdf(-2.015, 5), 0.05, 2e-4);
	CHECK_NEAR(stats_t_cdf(0, 3), 0.5, 1e-12);
	CHECK_NEAR(stats_t_cdf(1.96, 1e6), 0.975, 1e-4);
}

/* y = 1, 3, 2, 5 at x = 0..3: b = 1.1 (Sxy 5.5 / Sxx 5), a = 1.1;
 * residuals -0.1, 0.8, -1.3, 0.6, SSE 2.7; se = sqrt(2.7 / 2 / 5) =
 * 0.519615; t95(2) = 4.303: 1.1 ± 2.235904 */
static void test_slope_ci(void)
{
	double x[] = {0, 1, 2, 3}, y[] = {1, 3, 2, 5}, r2, lo, hi;

	CHECK_NEAR(stats_slope_ci(x, y, 4, &r2, &lo, &hi), 1.1, 1e-12);
	CHECK_NEAR(lo, 1.1 - 4.303 * 0.519615, 1e-5);
	CHECK_NEAR(hi, 1.1 + 4.303 * 0.519615, 1e-5);
	stats_slope_ci(x, y, 2, &r2, &lo, &hi);
	CHECK(isnan(lo) && isnan(hi));
}

/* A uniform 2x gain on every pair is certain, whatever the spread of the
 * values themselves (a t-test on the raw values would call it noise). */
static void test_ratio_means(void)
{
	struct stats_ratio r;

	/* worked by hand: 100 ± 10 (n 5) against 110 ± 11 (n 5): the same
	 * relative spread, var of each log 0.1^2 / 5 = 0.002, se 0.063246,
	 * Welch df 8 (t 2.306); 1.1 * exp(±0.145845) */
	stats_mean_ratio(100, 10, 5, 110, 11, 5, &r);
	CHECK_NEAR(r.ratio, 1.1, 1e-12);
	CHECK_NEAR(r.lo, 1.1 * exp(-2.306004 * 0.0632456), 1e-4);
	CHECK_NEAR(r.hi, 1.1 * exp(2.306004 * 0.0632456), 1e-4);
	CHECK_INT((long)r.n, 10);
	CHECK(r.p > 0.1 && r.p < 0.2); /* t = log 1.1 / se = 1.507 */
	/* no spread at all: the interval is the ratio */
	stats_mean_ratio(100, 0, 3, 50, 0, 3, &r);
	CHECK_NEAR(r.lo, 0.5, 1e-12);
	CHECK_NEAR(r.hi, 0.5, 1e-12);
	CHECK_NEAR(r.p, 0, 1e-12);
	/* one repetition: a ratio without an interval */
	stats_mean_ratio(100, 0, 1, 110, 5, 5, &r);
	CHECK_NEAR(r.ratio, 1.1, 1e-12);
	CHECK(isnan(r.lo) && isnan(r.hi));
	CHECK_NEAR(r.p, -1, 0);
	/* a mean that is no speed */
	stats_mean_ratio(0, 1, 5, 110, 5, 5, &r);
	CHECK(isnan(r.ratio));
}

static void test_paired_ratio(void)
{
	double a[] = {0.1, 0.5, 2.0, 8.0, 0.02}, b[5], c[] = {1, 2, 4, 8};
	double d[] = {1.1, 1.9, 4.4, 7.6}, e[] = {1, 0, NAN, 3},
	       f[] = {2, 5, 1, 6};
	struct stats_ratio r;
	int i;

	for (i = 0; i < 5; i++)
		b[i] = a[i] * 0.48;
	stats_paired_ratio(a, b, 5, &r);
	CHECK_INT((int)r.n, 5);
	CHECK_NEAR(r.ratio, 0.48, 1e-12);
	CHECK_NEAR(r.lo, 0.48, 1e-12);
	CHECK_NEAR(r.p, 0, 0);
	stats_paired_ratio(a, a, 5, &r);
	CHECK_NEAR(r.ratio, 1, 1e-12);
	CHECK_NEAR(r.p, 1, 0);
	/* log ratios ln(1.1, 0.95, 1.1, 0.95): mean 0.0220084, sd 0.0846416,
	 * standard error 0.0423208; t = 0.52004 with 3 df, whose closed-form
	 * CDF gives p = 0.638974; half-width t95(3) (3.182) x the standard
	 * error */
	stats_paired_ratio(c, d, 4, &r);
	CHECK_NEAR(r.ratio, exp(0.0220084), 1e-6);
	CHECK_NEAR(r.lo, exp(0.0220084 - 3.182 * 0.0423208), 2e-6);
	CHECK_NEAR(r.hi, exp(0.0220084 + 3.182 * 0.0423208), 2e-6);
	CHECK_NEAR(r.p, 0.638974, 1e-4);
	/* unusable pairs are skipped: 1->2 and 3->6 remain */
	stats_paired_ratio(e, f, 4, &r);
	CHECK_INT((int)r.n, 2);
	CHECK_NEAR(r.ratio, 2, 1e-12);
	stats_paired_ratio(e, f, 1, &r);
	CHECK_INT((int)r.n, 1);
	CHECK(isnan(r.lo) && r.p < 0);
}

/* Two independent samples: {9, 10, 11} (mean 10, s 1) and {4, 5, 6}
 * (mean 5, s 1).  Log-variances 1/3/100 and 1/3/25, summed 1/60;
 * Welch's df 2.94 -> 2, t95 4.303: 0.5 x exp(-+4.303 sqrt(1/60)). */
static void test_mean_ratio(void)
{
	struct stats_ratio r;

	stats_mean_ratio(10, 1, 3, 5, 1, 3, &r);
	CHECK_INT((int)r.n, 6);
	CHECK_NEAR(r.ratio, 0.5, 1e-12);
	CHECK_NEAR(r.lo, 0.286888, 1e-5);
	CHECK_NEAR(r.hi, 0.871419, 1e-5);
	CHECK(r.p >= 0 && r.p < 0.05);
	stats_mean_ratio(5, 0, 2, 5, 0, 2, &r); /* no spread: a point */
	CHECK_NEAR(r.lo, 1, 1e-12);
	CHECK_NEAR(r.hi, 1, 1e-12);
	CHECK_NEAR(r.p, 1, 0);
	stats_mean_ratio(9, 0, 1, 5, 1, 3, &r); /* one value: no interval */
	CHECK_NEAR(r.ratio, 0.5 * 10 / 9, 1e-12);
	CHECK(isnan(r.lo) && isnan(r.hi));
	stats_mean_ratio(0, 0, 2, 5, 1, 3, &r); /* a mean of 0: no ratio */
	CHECK(isnan(r.ratio) && isnan(r.lo));
	stats_mean_ratio(-1, 0, 0, 5, 1, 3, &r); /* no values: no ratio */
	CHECK(isnan(r.ratio));
}

/* Holm on a worked example: sorted 0.01, 0.02, 0.03, 0.04 times 4, 3, 2,
 * 1 = 0.04, 0.06, 0.06, 0.04 -> running max 0.04, 0.06, 0.06, 0.06. */
static void test_holm(void)
{
	double p[] = {0.03, 0.01, -1, 0.04, 0.02, 0.5}, adj[6];

	stats_holm(p, 6, adj);
	CHECK_NEAR(adj[1], 0.05, 1e-12); /* 0.01 x 5 tests */
	CHECK_NEAR(adj[4], 0.08, 1e-12); /* 0.02 x 4 */
	CHECK_NEAR(adj[0], 0.09, 1e-12); /* 0.03 x 3 */
	CHECK_NEAR(adj[3], 0.09, 1e-12); /* 0.04 x 2 = 0.08, not below 0.09 */
	CHECK_NEAR(adj[5], 0.5, 1e-12);	 /* 0.5 x 1 */
	CHECK_NEAR(adj[2], -1, 0);	 /* no test: left as is */
	stats_holm(p, 0, adj);
}

/* Hand-computed: twice the binomial(n, 1/2) tail at the smaller count. */
static void test_mcnemar(void)
{
	CHECK_NEAR(stats_mcnemar(0, 5), 2.0 / 32, 1e-12); /* 0.0625 */
	CHECK_NEAR(stats_mcnemar(5, 0), 2.0 / 32, 1e-12); /* symmetric */
	CHECK_NEAR(stats_mcnemar(1, 9), 2.0 * 11 / 1024,
		   1e-12); /* (1 + 10) / 2^10 */
	CHECK_NEAR(stats_mcnemar(2, 8), 2.0 * 56 / 1024,
		   1e-12);				  /* (1 + 10 + 45) */
	CHECK_NEAR(stats_mcnemar(0, 6), 2.0 / 64, 1e-12); /* 0.03125 */
	CHECK_NEAR(stats_mcnemar(3, 3), 1, 0);		  /* capped at 1 */
	CHECK_NEAR(stats_mcnemar(0, 0), 1, 0); /* nothing discordant */
	CHECK_NEAR(stats_mcnemar(4, 4), 1, 0);
	/* 0 of 20: 2 / 2^20, the logs exact enough far in the tail */
	CHECK_NEAR(stats_mcnemar(0, 20), 2.0 / 1048576, 1e-15);
	CHECK(stats_mcnemar(500, 600) > 0.001 &&
	      stats_mcnemar(500, 600) < 0.01);
}

int main(void)
{
	RUN(test_mcnemar);
	RUN(test_slope_ci);
	RUN(test_paired_ratio);
	RUN(test_ratio_means);
	RUN(test_mean_ratio);
	RUN(test_holm);
	RUN(test_t_cdf);
	RUN(test_summary);
	RUN(test_nearest_rank);
	RUN(test_t95);
	RUN(test_jain_slope);
	RUN(test_histogram);
	return DONE();
}
