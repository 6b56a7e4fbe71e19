/* slo: service-level objectives parsed and judged (docs/metrics.md). */
#include "slo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "units.h"

const char slo_grammar[] =
    "METRIC_pP<=DURATION (METRIC ttft, ttfo, tpot, itl, e2e) or "
    "per_user_tps_pP>=RATE, P in (0, 100), separated by spaces or commas, "
    "e.g. \"" SLO_DEFAULT_CHAT " tpot_p99<=100ms\"";

static const char *const names[SLO_NMETRIC] = {"ttft", "ttfo", "tpot",
					       "itl",  "e2e",  "per_user_tps"};

const char *slo_metric_name(enum slo_metric m)
{
	return m < SLO_NMETRIC ? names[m] : "?";
}

int slo_metric_from_name(const char *name)
{
	int m;

	for (m = 0; name && m < SLO_NMETRIC; m++)
		if (strcmp(name, names[m]) == 0)
			return m;
	return -1;
}

/* A latency in s or ms, a speed in tokens/s. */
static void fmt_value(char *buf, size_t len, enum slo_metric m, double v)
{
	if (slo_higher_better(m))
		snprintf(buf, len, "%.3g tokens/s", v);
	else if (v < 1e-3)
		snprintf(buf, len, "%.3g us", v * 1e6);
	else if (v < 1)
		snprintf(buf, len, "%.3g ms", v * 1000);
	else
		snprintf(buf, len, "%.3g s", v);
}

char *slo_describe(char *buf, size_t len, enum slo_metric m, double pct,
		   double value, double bound)
{
	static const char *const label[SLO_NMETRIC] = {
	    "TTFT", "TTFO", "TPOT", "ITL", "E2E", "per-user TPS"};
	char v[48], b[48];

	fmt_value(b, sizeof b, m, bound);
	/* a failed request's value (infinite, or no speed) is no figure */
	if (isfinite(value) && (value > 0 || !slo_higher_better(m))) {
		memcpy(v, "is ", 4);
		fmt_value(v + 3, sizeof v - 3, m, value);
	} else {
		snprintf(v, sizeof v, "falls on failed requests");
	}
	snprintf(buf, len, "%s p%g %s (objective %s %s)",
		 m < SLO_NMETRIC ? label[m] : "?", pct, v,
		 slo_higher_better(m) ? "at least" : "at most", b);
	return buf;
}

int slo_higher_better(enum slo_metric m)
{
	return m == SLO_TPS;
}

long slo_need(double pct)
{
	double tail = pct < 50 ? pct : 100 - pct;

	if (pct <= 0)
		return 1;
	/* the tail must hold one whole request: n * tail / 100 >= 1 */
	return (long)ceil(100 / tail - 1e-9);
}

/* The older "ttft=500ms": a per-request threshold, no percentile. */
static int parse_old(const char *w, struct slo_obj *o)
{
	static const enum slo_metric ok[] = {SLO_TTFT, SLO_TPOT, SLO_E2E,
					     SLO_TTFO};
	const char *eq = strchr(w, '=');
	size_t i;

	for (i = 0; eq && i < sizeof ok / sizeof ok[0]; i++) {
		const char *nm = names[ok[i]];
		if ((size_t)(eq - w) == strlen(nm) &&
		    strncmp(w, nm, strlen(nm)) == 0 &&
		    units_duration(eq + 1, &o->bound) == UNITS_OK &&
		    o->bound > 0) {
			o->m = ok[i];
			o->pct = 0;
			return 0;
		}
	}
	return -1;
}

/* "ttft_p95<=3s", "per_user_tps_p5>=10". */
static int parse_one(const char *w, struct slo_obj *o)
{
	const char *p, *op;
	char pct[32];
	size_t len = 0;
	int m;

	for (m = 0; m < SLO_NMETRIC; m++) {
		len = strlen(names[m]);
		if (strncmp(w, names[m], len) == 0 &&
		    strncmp(w + len, "_p", 2) == 0)
			break;
	}
	if (m == SLO_NMETRIC)
		return parse_old(w, o);
	p = w + len + 2;
	op = strpbrk(p, "<>");
	if (op == NULL || op[1] != '=' || (size_t)(op - p) >= sizeof pct)
		return -1;
	if ((*op == '>') != slo_higher_better((enum slo_metric)m))
		return -1; /* latency wants <=, speed >= */
	memcpy(pct, p, (size_t)(op - p));
	pct[op - p] = '\0';
	if (units_real(pct, 0, 100, &o->pct) != UNITS_OK || o->pct <= 0 ||
	    o->pct >= 100)
		return -1;
	o->m = (enum slo_metric)m;
	if (slo_higher_better(o->m))
		return units_real(op + 2, 0, 1e9, &o->bound) == UNITS_OK &&
			       o->bound > 0
			   ? 0
			   : -1;
	return units_duration(op + 2, &o->bound) == UNITS_OK && o->bound > 0
		   ? 0
		   : -1;
}

int slo_parse(const char *text, struct slo_set *out, char *err, size_t errlen)
{
	char buf[512], *w, *save = NULL;

	out->n = 0;
	if (strlen(text) >= sizeof buf) {
		snprintf(err, errlen, "too long; want %s", slo_grammar);
		return -1;
	}
	strcpy(buf, text);
	for (w = strtok_r(buf, " ,\t", &save); w;
	     w = strtok_r(NULL, " ,\t", &save)) {
		if (out->n == SLO_MAX) {
			snprintf(err, errlen, "more than %d objectives",
				 SLO_MAX);
			return -1;
		}
		if (parse_one(w, &out->o[out->n]) != 0) {
			snprintf(err, errlen, "'%s': want %s", w, slo_grammar);
			return -1;
		}
		out->n++;
	}
	if (out->n == 0) {
		snprintf(err, errlen, "no objective; want %s", slo_grammar);
		return -1;
	}
	return 0;
}

char *slo_obj_text(const struct slo_obj *o, char *buf, size_t len)
{
	int hi = slo_higher_better(o->m);

	if (o->pct <= 0)
		snprintf(buf, len, "%s=%gs", names[o->m], o->bound);
	else if (hi)
		snprintf(buf, len, "%s_p%g>=%g", names[o->m], o->pct, o->bound);
	else if (o->bound < 1e-3)
		snprintf(buf, len, "%s_p%g<=%gus", names[o->m], o->pct,
			 o->bound * 1e6);
	else if (o->bound < 1)
		snprintf(buf, len, "%s_p%g<=%gms", names[o->m], o->pct,
			 o->bound * 1000);
	else
		snprintf(buf, len, "%s_p%g<=%gs", names[o->m], o->pct,
			 o->bound);
	return buf;
}

void slo_failed_values(struct slo_req *r)
{
	int m;

	for (m = 0; m < SLO_NMETRIC; m++)
		r->v[m] = slo_higher_better((enum slo_metric)m) ? 0 : INFINITY;
	r->tokens = 0;
}

static int meets(const struct slo_obj *o, double v)
{
	if (isnan(v))
		return 0;
	return slo_higher_better(o->m) ? v >= o->bound : v <= o->bound;
}

int slo_req_meets(const struct slo_set *s, const struct slo_req *r)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!meets(&s->o[i], r->v[s->o[i].m]))
			return 0;
	return 1;
}

void slo_wilson(long k, long n, double *lo, double *hi)
{
	const double z = 1.959964;
	double p, d, c, h;

	if (n <= 0) {
		*lo = 0, *hi = 1;
		return;
	}
	p = (double)k / (double)n;
	d = 1 + z * z / (double)n;
	c = (p + z * z / (2.0 * (double)n)) / d;
	h = z *
	    sqrt(p * (1 - p) / (double)n +
		 z * z / (4.0 * (double)n * (double)n)) /
	    d;
	*lo = c - h < 0 ? 0 : c - h;
	*hi = c + h > 1 ? 1 : c + h;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One objective's percentile over the requests that have its value. */
static int judge_one(const struct slo_obj *o, const struct slo_req *req,
		     size_t n, struct slo_result *r)
{
	struct stats_vec v = {0};
	size_t i;

	for (i = 0; i < n; i++)
		if (!isnan(req[i].v[o->m]) &&
		    stats_push(&v, req[i].v[o->m]) != 0) {
			stats_vec_free(&v);
			return -1;
		}
	r->n = (long)v.n;
	r->need = slo_need(o->pct);
	r->value = NAN;
	r->over = NAN;
	r->st = VD_SLO_UNDECIDED;
	if (v.n > 0 && o->pct > 0) {
		qsort(v.v, v.n, sizeof v.v[0], cmp_double);
		r->value = stats_percentile(&v, o->pct);
		r->over = slo_higher_better(o->m)
			      ? (r->value > 0 ? o->bound / r->value : INFINITY)
			      : r->value / o->bound;
		if (r->n >= r->need)
			r->st = meets(o, r->value) ? VD_SLO_HELD : VD_SLO_BROKE;
	} else if (o->pct <= 0) {
		r->st = VD_SLO_HELD; /* a goodput threshold, nothing to judge */
	}
	stats_vec_free(&v);
	return 0;
}

int slo_judge(const struct slo_set *s, const struct slo_req *req, size_t n,
	      struct slo_level *out)
{
	int i;
	size_t k;

	memset(out, 0, sizeof *out);
	out->st = VD_SLO_HELD;
	out->worst = -1;
	for (i = 0; i < s->n; i++) {
		struct slo_result *r = &out->r[i];
		if (judge_one(&s->o[i], req, n, r) != 0)
			return -1;
		if (r->st == VD_SLO_BROKE &&
		    (out->st != VD_SLO_BROKE ||
		     r->over > out->r[out->worst].over)) {
			out->st = VD_SLO_BROKE;
			out->worst = i;
		} else if (r->st == VD_SLO_UNDECIDED &&
			   out->st == VD_SLO_HELD) {
			out->st = VD_SLO_UNDECIDED;
			out->worst = i;
		}
	}
	out->n = (long)n;
	for (k = 0; k < n; k++)
		if (slo_req_meets(s, &req[k])) {
			out->met++;
			out->met_tokens += req[k].tokens;
		}
	slo_wilson(out->met, out->n, &out->att_lo, &out->att_hi);
	return 0;
}
