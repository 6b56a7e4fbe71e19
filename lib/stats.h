/* stats: summary statistics, percentiles, histograms and paired ratios,
 * one method each. */
#ifndef TB_STATS_H
#define TB_STATS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Percentiles everywhere in tokbench use the nearest-rank method: the P-th
 * percentile of n sorted values is the value at rank ceil(P/100 * n)
 * (1-based; rank 1 for P = 0).  It is always one of the observed values.
 */

/* A growable array of doubles (exact statistics; memory grows with the
 * number of values, so it holds per-request values, not per-token ones). */
struct stats_vec {
	double *v;
	size_t n, cap;
};

/* Appends x; returns 0, or -1 when out of memory. */
int stats_push(struct stats_vec *s, double x);
void stats_vec_free(struct stats_vec *s);

/* The summary of a set of values. */
struct stats_sum {
	size_t n;
	double mean, stddev; /* sample standard deviation (n - 1) */
	double min, max;
	double cv;	     /* stddev / mean; 0 when mean is 0 */
	double ci_lo, ci_hi; /* 95 % confidence interval of the mean
			      * (Student's t); equal to mean when n < 2 */
};

/* Summarises s (sorting its values in place).  n == 0 gives all zeros. */
void stats_summarise(struct stats_vec *s, struct stats_sum *out);

/* Nearest-rank percentile p (0..100) of s, which must be sorted (as
 * stats_summarise leaves it); 0 when empty. */
double stats_percentile(const struct stats_vec *s, double p);

/* The nearest-rank median of v[0..n-1], which it sorts; NAN when n is 0. */
double stats_median(double *v, size_t n);

/* The two-sided 95 % quantile of Student's t with df degrees of freedom
 * (12.706 for df 1, 1.960 as df grows). */
double stats_t95(long df);

/* Jain's fairness index (sum x)^2 / (n * sum x^2): 1 when all equal,
 * 1/n when one value takes all; 0 for no values. */
double stats_jain(const double *x, size_t n);

/* Least-squares line y = a + b x; returns b (the slope) and stores r^2
 * in *r2 (0 when undefined).  Needs n >= 2 distinct x, else returns 0. */
double stats_slope(const double *x, const double *y, size_t n, double *r2);

/* The same slope with its 95 % confidence interval: b ± t(0.975, n-2) ·
 * sqrt(SSE / (n-2) / Sxx).  With fewer than 3 points, or every x equal,
 * lo and hi are NAN. */
double stats_slope_ci(const double *x, const double *y, size_t n, double *r2,
		      double *lo, double *hi);

/* A paired comparison of matched values a[i] and b[i] on their ratio
 * b/a: the geometric mean of the ratios, its 95 % confidence interval
 * (Student's t on the log ratios, n - 1 degrees of freedom) and the
 * two-sided p-value of "no difference" (ratio 1).  Pairs with a value
 * that is not positive and finite are skipped.  With fewer than 2 pairs
 * lo, hi are NAN and p is -1; ratios that are all equal give lo = hi =
 * ratio and p = 0 (1 when that ratio is 1). */
struct stats_ratio {
	size_t n;
	double ratio, lo, hi, p;
};
void stats_paired_ratio(const double *a, const double *b, size_t n,
			struct stats_ratio *out);

/* Two independent means compared on their ratio mb/ma, from each side's
 * mean, sample standard deviation and n (llama-bench's avg_ts, stddev_ts
 * and repetitions): the ratio, its 95 % confidence interval by the delta
 * method on the log ratio (variance s^2 / (n m^2) each side) with
 * Welch-Satterthwaite's degrees of freedom (rounded down), and the
 * two-sided p of "no difference".  n is na + nb.  With a mean that is not
 * positive and finite the ratio is NAN; with fewer than 2 on either side
 * lo, hi are NAN and p is -1; with both deviations 0, lo = hi = ratio and
 * p is 0 (1 when the ratio is 1). */
void stats_mean_ratio(double ma, double sa, long na, double mb, double sb,
		      long nb, struct stats_ratio *out);

/* Holm's step-down correction of n p-values for multiple comparisons:
 * adj[i] is p[i] adjusted (at most 1).  A p below 0 (no test) is left out
 * of the count and copied as is. */
void stats_holm(const double *p, size_t n, double *adj);

/* McNemar's exact test of paired yes/no outcomes: b pairs where only the
 * first said yes, c where only the second did.  Under "no difference"
 * each discordant pair goes either way with probability 1/2, so the
 * two-sided p is twice the binomial tail at min(b, c) of b + c trials,
 * at most 1; 1 when there is no discordant pair. */
double stats_mcnemar(long b, long c);

/* The CDF of Student's t with df degrees of freedom (df > 0, real). */
double stats_t_cdf(double t, double df);

/*
 * A histogram of positive values (seconds) in logarithmic buckets 1 %
 * wide from 1 µs to about 10,000 s: a percentile read from it is within
 * 0.5 % of the exact nearest-rank value.  Values below 1 µs count in the
 * first bucket and above the range in the last.  Weights may be
 * fractional (a chunk of k tokens counts as k gaps).  Fixed memory.
 */
#define STATS_HIST_BUCKETS 2320
struct stats_hist {
	double count[STATS_HIST_BUCKETS];
	double total, sum, min, max;
};

void stats_hist_init(struct stats_hist *h);
void stats_hist_add(struct stats_hist *h, double x, double weight);
/* Nearest-rank percentile on the histogram: the geometric middle of the
 * bucket that holds rank ceil(p/100 * total), clamped to [min, max]; the
 * first and last ranks give the exact min and max. */
double stats_hist_percentile(const struct stats_hist *h, double p);
double stats_hist_mean(const struct stats_hist *h);

#endif
