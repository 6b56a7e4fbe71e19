/* stats: summary statistics, percentiles and histograms (see stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HIST_MIN 1e-6
#define HIST_GROWTH 1.01

int stats_push(struct stats_vec *s, double x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		double *v = realloc(s->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	return 0;
}

void stats_vec_free(struct stats_vec *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double stats_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, cmp_double);
	return v[(n + 1) / 2 - 1];
}

void stats_summarise(struct stats_vec *s, struct stats_sum *out)
{
	double sum = 0, sq = 0, half;
	size_t i;

	memset(out, 0, sizeof *out);
	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof *s->v, cmp_double);
	for (i = 0; i < s->n; i++)
		sum += s->v[i];
	out->n = s->n;
	out->mean = sum / (double)s->n;
	for (i = 0; i < s->n; i++)
		sq += (s->v[i] - out->mean) * (s->v[i] - out->mean);
	out->stddev = s->n > 1 ? sqrt(sq / (double)(s->n - 1)) : 0;
	out->min = s->v[0];
	out->max = s->v[s->n - 1];
	out->cv = out->mean != 0 ? out->stddev / fabs(out->mean) : 0;
	half = s->n > 1 ? stats_t95((long)s->n - 1) * out->stddev /
			      sqrt((double)s->n)
			: 0;
	out->ci_lo = out->mean - half;
	out->ci_hi = out->mean + half;
}

/* The 1-based nearest rank of percentile p among n values. */
static size_t rank_of(double p, double n)
{
	double r =
	    ceil(p / 100 * n -
		 1e-9); /* 1e-9: 0.95 * 20 is 19, not 19.000000000000004 */

	return r < 1 ? 1 : (size_t)r;
}

double stats_percentile(const struct stats_vec *s, double p)
{
	size_t r;

	if (s->n == 0)
		return 0;
	r = rank_of(p, (double)s->n);
	return s->v[(r > s->n ? s->n : r) - 1];
}

double stats_t95(long df)
{
	static const double t[] = {
	    0,	   12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
	    2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
	    2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
	    2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
	double z = 1.959964, g1, g2;

	if (df < 1)
		return 0;
	if (df <= 30)
		return t[df];
	/* Cornish-Fisher expansion of t in terms of the normal quantile. */
	g1 = (z * z * z + z) / 4;
	g2 = (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / 96;
	return z + g1 / (double)df + g2 / ((double)df * (double)df);
}

double stats_jain(const double *x, size_t n)
{
	double s = 0, sq = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		s += x[i];
		sq += x[i] * x[i];
	}
	return n == 0 || sq == 0 ? 0 : s * s / ((double)n * sq);
}

double stats_slope(const double *x, const double *y, size_t n, double *r2)
{
	double mx = 0, my = 0, sxx = 0, sxy = 0, syy = 0;
	size_t i;

	*r2 = 0;
	if (n < 2)
		return 0;
	for (i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (sxx == 0)
		return 0;
	*r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 0;
	return sxy / sxx;
}

double stats_slope_ci(const double *x, const double *y, size_t n, double *r2,
		      double *lo, double *hi)
{
	double b = stats_slope(x, y, n, r2), mx = 0, my = 0, sxx = 0, sse = 0,
	       a, e, half;
	size_t i;

	*lo = *hi = NAN;
	if (n < 3)
		return b;
	for (i = 0; i < n; i++)
		mx += x[i], my += y[i];
	mx /= (double)n;
	my /= (double)n;
	for (i = 0; i < n; i++)
		sxx += (x[i] - mx) * (x[i] - mx);
	if (sxx == 0)
		return b;
	a = my - b * mx;
	for (i = 0; i < n; i++) {
		e = y[i] - (a + b * x[i]);
		sse += e * e;
	}
	half = stats_t95((long)n - 2) * sqrt(sse / (double)(n - 2) / sxx);
	*lo = b - half;
	*hi = b + half;
	return b;
}

void stats_hist_init(struct stats_hist *h)
{
	memset(h, 0, sizeof *h);
}

static size_t bucket_of(double x)
{
	double b;

	if (x <= HIST_MIN)
		return 0;
	b = floor(log(x / HIST_MIN) / log(HIST_GROWTH));
	return b >= STATS_HIST_BUCKETS ? STATS_HIST_BUCKETS - 1 : (size_t)b;
}

void stats_hist_add(struct stats_hist *h, double x, double weight)
{
	if (!(weight > 0) || !isfinite(x) || x < 0)
		return;
	if (h->total == 0 || x < h->min)
		h->min = x;
	if (h->total == 0 || x > h->max)
		h->max = x;
	h->count[bucket_of(x)] += weight;
	h->total += weight;
	h->sum += x * weight;
}

double stats_hist_percentile(const struct stats_hist *h, double p)
{
	double want, seen = 0, v;
	size_t i;

	if (h->total <= 0)
		return 0;
	want = ceil(p / 100 * h->total - 1e-9);
	if (want <= 1)
		return h->min; /* the extreme ranks are known exactly */
	if (want >= h->total)
		return h->max;
	for (i = 0; i < STATS_HIST_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= want - 1e-9)
			break;
	}
	if (i == STATS_HIST_BUCKETS)
		i--;
	v = HIST_MIN * pow(HIST_GROWTH, (double)i + 0.5);
	return v < h->min ? h->min : v > h->max ? h->max : v;
}

double stats_hist_mean(const struct stats_hist *h)
{
	return h->total > 0 ? h->sum / h->total : 0;
}

/* The continued fraction of the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
	double c = 1, d = 1 - (a + b) * x / (a + 1), h, del, aa;
	int m;

	if (fabs(d) < 1e-300)
		d = 1e-300;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 300; m++) {
		aa = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = fabs(d) < 1e-300 ? 1e300 : 1 / d;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x /
		     ((a + 2 * m) * (a + 2 * m + 1));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = fabs(d) < 1e-300 ? 1e300 : 1 / d;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-14)
			break;
	}
	return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double beta_inc(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
		    b * log(1 - x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double stats_t_cdf(double t, double df)
{
	double tail = 0.5 * beta_inc(df / 2, 0.5, df / (df + t * t));

	return t >= 0 ? 1 - tail : tail;
}

void stats_paired_ratio(const double *a, const double *b, size_t n,
			struct stats_ratio *out)
{
	double sum = 0, ss = 0, mean, sd, half, t;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (isfinite(a[i]) && isfinite(b[i]) && a[i] > 0 && b[i] > 0)
			sum += log(b[i] / a[i]), k++;
	out->n = k;
	out->lo = out->hi = NAN;
	out->p = -1;
	if (k == 0) {
		out->ratio = NAN;
		return;
	}
	mean = sum / (double)k;
	out->ratio = exp(mean);
	if (k < 2)
		return;
	for (i = 0; i < n; i++)
		if (isfinite(a[i]) && isfinite(b[i]) && a[i] > 0 && b[i] > 0) {
			double d = log(b[i] / a[i]) - mean;
			ss += d * d;
		}
	sd = sqrt(ss / (double)(k - 1));
	/* below rounding noise of the logs: every pair had the same ratio */
	if (sd <= 1e-12 * (1 + fabs(mean))) {
		out->lo = out->hi = out->ratio;
		out->p = fabs(mean) <= 1e-12 ? 1 : 0;
		return;
	}
	half = stats_t95((long)k - 1) * sd / sqrt((double)k);
	out->lo = exp(mean - half);
	out->hi = exp(mean + half);
	t = mean / (sd / sqrt((double)k));
	out->p = 2 * (1 - stats_t_cdf(fabs(t), (double)(k - 1)));
}

void stats_mean_ratio(double ma, double sa, long na, double mb, double sb,
		      long nb, struct stats_ratio *out)
{
	double va, vb, se, df, half, t;

	out->n = (size_t)(na > 0 ? na : 0) + (size_t)(nb > 0 ? nb : 0);
	out->lo = out->hi = NAN;
	out->p = -1;
	if (!(isfinite(ma) && isfinite(mb) && ma > 0 && mb > 0)) {
		out->ratio = NAN;
		return;
	}
	out->ratio = mb / ma;
	if (na < 2 || nb < 2 || !(sa >= 0) || !(sb >= 0))
		return;
	va = sa * sa / ((double)na * ma * ma); /* var of log ma, delta method */
	vb = sb * sb / ((double)nb * mb * mb);
	se = sqrt(va + vb);
	if (se <= 1e-12) {
		out->lo = out->hi = out->ratio;
		out->p = fabs(log(out->ratio)) <= 1e-12 ? 1 : 0;
		return;
	}
	df = (va + vb) * (va + vb) /
	     (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
	half = stats_t95(df >= 1 ? (long)df : 1) * se;
	out->lo = out->ratio * exp(-half);
	out->hi = out->ratio * exp(half);
	t = log(out->ratio) / se;
	out->p = 2 * (1 - stats_t_cdf(fabs(t), df >= 1 ? df : 1));
}

double stats_mcnemar(long b, long c)
{
	long n = b + c, k = b < c ? b : c, i;
	double tail = 0;

	if (b < 0 || c < 0 || n == 0)
		return 1;
	/* each term C(n, i) / 2^n through logs: n may be in the thousands */
	for (i = 0; i <= k; i++)
		tail += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
			    lgamma((double)(n - i) + 1) - (double)n * log(2.0));
	return 2 * tail < 1 ? 2 * tail : 1;
}

void stats_holm(const double *p, size_t n, double *adj)
{
	size_t *idx = malloc((n ? n : 1) * sizeof *idx), m = 0, i, k;
	double run = 0;

	for (i = 0; i < n; i++) {
		/* out of memory: nothing significant rather than uncorrected */
		adj[i] = p[i] >= 0 && idx == NULL ? 1 : p[i];
		if (p[i] >= 0 && idx)
			idx[m++] = i;
	}
	if (idx == NULL)
		return;
	for (i = 1; i < m; i++) /* by increasing p, stable */
		for (k = i; k > 0 && p[idx[k]] < p[idx[k - 1]]; k--) {
			size_t t = idx[k];
			idx[k] = idx[k - 1];
			idx[k - 1] = t;
		}
	/* the r-th smallest (0-based) times m - r; never below an earlier one
	 */
	for (i = 0; i < m; i++) {
		double a = p[idx[i]] * (double)(m - i);
		run = a > run ? a : run;
		adj[idx[i]] = run < 1 ? run : 1;
	}
	free(idx);
}
