/* tfq: teacher-forced quality (see tfq.h). */
#include "tfq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jget.h"
#include "slo.h"
#include "stats.h"
#include "vec.h"

/* The normal 97.5 % quantile: llama-perplexity gives one standard error;
 * tokbench's intervals are 95 %. */
#define Z95 1.959964

void tfq_init(struct tfq_run *r)
{
	memset(r, 0, sizeof *r);
	r->n_vocab = -1;
	r->top_min = -1;
}

static void seq_free(struct tfq_seq *q)
{
	for (int i = 0; i < q->npos; i++)
		tf_pos_free(&q->pos[i]);
	free(q->pos);
	free(q->prompt);
	free(q->ctx);
	free(q->forced);
	free(q->text);
}

void tfq_free(struct tfq_run *r)
{
	for (long i = 0; i < r->nseq; i++)
		seq_free(&r->seq[i]);
	reqtab_free(&r->reqs);
	free(r->seq);
	tfq_init(r);
}

static void take_run(struct tfq_run *r, const cJSON *ev)
{
	const cJSON *cfg = jget_obj(ev, "config");

	jget_copy(r->model, sizeof r->model, ev, "model");
	jget_copy(r->family, sizeof r->family, jget_obj(ev, "labels"),
		  "family");
	r->tf = jget_obj(cfg, "teacher_force") != NULL;
	r->asked = (int)jget_num(cfg, "logprobs", 0);
	r->n_vocab = (long)jget_num(jget_obj(ev, "server"), "n_vocab", -1);
}

static void take_req(struct tfq_run *r, const cJSON *ev)
{
	if (reqtab_add(&r->reqs, ev) < 0)
		r->oom = 1;
}

static const char *prompt_of(const struct tfq_run *r, long id)
{
	const struct reqtab_req *q = reqtab_find(&r->reqs, id);

	return q ? q->prompt : NULL;
}

static int *ids_of(const cJSON *arr, int *n)
{
	int len = cJSON_GetArraySize(arr);
	int *v = malloc(((size_t)len + 1) * sizeof *v);
	const cJSON *e;

	*n = 0;
	cJSON_ArrayForEach(e, arr) if (v != NULL && cJSON_IsNumber(e))
	    v[(*n)++] = (int)e->valuedouble;
	return v;
}

/* The sequence and positions of a done event's tf object; 0, or -1. */
static int read_seq(const cJSON *tf, struct tfq_seq *q)
{
	const cJSON *content = cJSON_GetObjectItem(tf, "content"), *o;
	const char *text = jget_str(tf, "text");

	q->ctx = ids_of(cJSON_GetObjectItem(tf, "ctx"), &q->nctx);
	q->forced = ids_of(cJSON_GetObjectItem(tf, "forced"), &q->nforced);
	q->text = text ? strdup(text) : NULL;
	q->pos =
	    calloc((size_t)cJSON_GetArraySize(content) + 1, sizeof *q->pos);
	if (q->ctx == NULL || q->forced == NULL || q->pos == NULL ||
	    (text && q->text == NULL))
		return -1;
	cJSON_ArrayForEach(o, content)
	{
		if (q->npos >= q->nforced || tf_pos_read(o, &q->pos[q->npos]))
			break; /* what can be compared ends at a bad position */
		q->npos++;
	}
	return 0;
}

static void count_given(struct tfq_run *r, const cJSON *tf, const cJSON *ev)
{
	const char *g = jget_str(tf, "given");
	int top = (int)jget_num(tf, "top_min", -1);

	(void)ev;
	r->given[g && !strcmp(g, "all")		? 0
		 : g && !strcmp(g, "truncated") ? 1
						: 2]++;
	r->truncated += (long)jget_num(tf, "truncated", 0);
	if (top >= 0 && (r->top_min < 0 || top < r->top_min))
		r->top_min = top;
}

static void take_done(struct tfq_run *r, const cJSON *ev)
{
	const cJSON *tf = jget_obj(ev, "tf");
	const char *p = prompt_of(r, (long)jget_num(ev, "id", -1));
	struct tfq_seq q;

	if (tf == NULL || p == NULL)
		return;
	count_given(r, tf, ev);
	memset(&q, 0, sizeof q);
	if ((q.prompt = strdup(p)) == NULL || read_seq(tf, &q) != 0 ||
	    vec_grow((void **)&r->seq, r->nseq, &r->capseq, sizeof *r->seq)) {
		seq_free(&q);
		r->oom = 1;
		return;
	}
	r->seq[r->nseq++] = q;
}

void tfq_event(struct tfq_run *r, const cJSON *ev)
{
	const char *what = jget_str(ev, "ev");

	if (what == NULL)
		return;
	if (strcmp(what, "run") == 0)
		take_run(r, ev);
	else if (strcmp(what, "req") == 0)
		take_req(r, ev);
	else if (strcmp(what, "done") == 0)
		take_done(r, ev);
}

/* Sums as llama-perplexity keeps them (kl_divergence_result). */
struct acc {
	struct stats_vec kl;
	double sum_kl, sum_kl2, nll, nll2, nllb, nllb2, nll_nllb;
	long n, same, ppl_n, ppl_missing;
	int prompts, exact;
};

static void one_position(struct acc *a, const struct tf_pos *r,
			 const struct tf_pos *c)
{
	double k = tf_kl(r, c);

	stats_push(&a->kl, k);
	a->sum_kl += k, a->sum_kl2 += k * k;
	a->same += tf_argmax(r) == tf_argmax(c);
	a->n++;
	a->exact &=
	    tf_mass(r) >= 1 - TF_MASS_TOL && tf_mass(c) >= 1 - TF_MASS_TOL;
	if (!r->has_lp || !c->has_lp) {
		a->ppl_missing++;
		return;
	}
	a->nll += -c->lp, a->nll2 += c->lp * c->lp;
	a->nllb += -r->lp, a->nllb2 += r->lp * r->lp;
	a->nll_nllb += c->lp * r->lp;
	a->ppl_n++;
}

static int same_ids(const int *a, int na, const int *b, int nb)
{
	return na == nb &&
	       (na == 0 || memcmp(a, b, (size_t)na * sizeof *a) == 0);
}

/* Adds a prompt fed in both; -1 (with why) when they were not fed the
 * same tokens, or the tokens read as other text on the two servers. */
static int one_prompt(struct acc *a, const struct tfq_seq *r,
		      const struct tfq_seq *c, char *why, size_t whylen)
{
	int n = r->npos < c->npos ? r->npos : c->npos;

	if (!same_ids(r->ctx, r->nctx, c->ctx, c->nctx) ||
	    !same_ids(r->forced, r->nforced, c->forced, c->nforced)) {
		snprintf(why, whylen,
			 "prompt \"%s\" was not fed the same tokens in both "
			 "(make the candidate's pass from the reference's: gen "
			 "--teacher-force REF)",
			 r->prompt);
		return -1;
	}
	if (r->text && c->text && strcmp(r->text, c->text) != 0) {
		snprintf(why, whylen,
			 "different vocabularies: prompt \"%s\"'s tokens read "
			 "as other text on the two servers",
			 r->prompt);
		return -1;
	}
	for (int i = 0; i < n; i++)
		one_position(a, &r->pos[i], &c->pos[i]);
	a->prompts += n > 0;
	return 0;
}

/* llama-perplexity's mean_and_uncertainty: the mean and its standard
 * error, 0 below 11 values. */
static void mean_se(double sum, double sum2, long n, double *mean, double *se)
{
	double df;

	*mean = n > 0 ? sum / (double)n : 0;
	df = n > 0 ? sum2 / (double)n - *mean * *mean : 0;
	*se = df > 0 && n > 10 ? sqrt(df / (double)(n - 1)) : 0;
}

/* Perplexities and their change, with llama-perplexity's covariance. */
static void perplexity(const struct acc *a, struct tfq_result *o)
{
	double lq, sq, lb, sb, cov = 0, n = (double)a->ppl_n, uq, ub;

	o->ppl_missing = a->ppl_missing;
	if (a->ppl_missing > 0 || a->ppl_n == 0)
		return;
	mean_se(a->nll, a->nll2, a->ppl_n, &lq, &sq);
	mean_se(a->nllb, a->nllb2, a->ppl_n, &lb, &sb);
	if (a->ppl_n >= 10)
		cov =
		    (a->nll_nllb / n - (a->nll / n) * (a->nllb / n)) / (n - 1);
	o->ppl_cand = exp(lq), o->ppl_ref = exp(lb);
	uq = o->ppl_cand * sq, ub = o->ppl_ref * sb;
	o->ln_ratio = lq - lb;
	o->ln_ratio_se = sqrt(fmax(0, sq * sq + sb * sb - 2 * cov));
	o->dppl = o->ppl_cand - o->ppl_ref;
	o->dppl_se = sqrt(
	    fmax(0, uq * uq + ub * ub - 2 * o->ppl_cand * o->ppl_ref * cov));
	o->dppl_lo = o->dppl - Z95 * o->dppl_se;
	o->dppl_hi = o->dppl + Z95 * o->dppl_se;
}

static void summarise(struct acc *a, struct tfq_result *o)
{
	struct stats_sum s;

	o->positions = a->n;
	o->prompts = a->prompts;
	o->exact = a->exact;
	mean_se(a->sum_kl, a->sum_kl2, a->n, &o->kl, &o->kl_se);
	o->kl_lo = fmax(0, o->kl - Z95 * o->kl_se);
	o->kl_hi = o->kl + Z95 * o->kl_se;
	stats_summarise(&a->kl, &s);
	o->kl_p99 = stats_percentile(&a->kl, 99);
	o->kl_median = stats_percentile(&a->kl, 50);
	o->same = a->same;
	o->same_top = a->n ? (double)a->same / (double)a->n : 0;
	slo_wilson(a->same, a->n, &o->same_lo, &o->same_hi);
	perplexity(a, o);
	o->tie = a->same == a->n && o->ppl_missing == 0 && o->dppl_lo <= 0 &&
		 o->dppl_hi >= 0;
}

static const struct tfq_seq *find_seq(const struct tfq_run *r,
				      const char *prompt)
{
	for (long i = 0; i < r->nseq; i++)
		if (strcmp(r->seq[i].prompt, prompt) == 0)
			return &r->seq[i];
	return NULL;
}

/* Why two runs cannot be compared before looking at positions; NULL. */
static const char *refuse(const struct tfq_run *ref, const struct tfq_run *cand,
			  char *why, size_t whylen)
{
	const struct tfq_run *side =
	    ref->given[0] + ref->given[1] == 0 ? ref : cand;

	if (ref->family[0] && cand->family[0] &&
	    strcmp(ref->family, cand->family) != 0)
		snprintf(why, whylen,
			 "the reference is family \"%s\", the run \"%s\" "
			 "(label family): only quantizations of one model "
			 "compare",
			 ref->family, cand->family);
	else if (!ref->tf || !cand->tf)
		snprintf(why, whylen,
			 "the %s is not a teacher-forced run (gen "
			 "--teacher-force)",
			 ref->tf ? "run" : "reference");
	else if (ref->n_vocab > 0 && cand->n_vocab > 0 &&
		 ref->n_vocab != cand->n_vocab)
		snprintf(why, whylen,
			 "different vocabularies: the reference's model has "
			 "%ld tokens, the run's %ld",
			 ref->n_vocab, cand->n_vocab);
	else if (side->given[0] + side->given[1] == 0)
		snprintf(why, whylen,
			 "the %s's server sent no probabilities (it ignores "
			 "n_probs)",
			 side == ref ? "reference" : "run");
	else
		return NULL;
	return why;
}

int tfq_compare(const struct tfq_run *ref, const struct tfq_run *cand,
		struct tfq_result *out, char *why, size_t whylen)
{
	struct acc a;
	const struct tfq_seq *r;
	int rc = 0;

	memset(out, 0, sizeof *out);
	memset(&a, 0, sizeof a);
	a.exact = 1;
	if (refuse(ref, cand, why, whylen) != NULL)
		return -1;
	for (long i = 0; i < cand->nseq && rc == 0; i++)
		if ((r = find_seq(ref, cand->seq[i].prompt)) != NULL)
			rc = one_prompt(&a, r, &cand->seq[i], why, whylen);
	if (rc == 0 && a.n == 0) {
		snprintf(why, whylen,
			 "no position of the run is in the reference (no "
			 "prompt in common)");
		rc = -1;
	}
	if (rc == 0) {
		summarise(&a, out);
		out->top_k =
		    ref->top_min < cand->top_min ? ref->top_min : cand->top_min;
		out->family_checked = ref->family[0] && cand->family[0];
	}
	stats_vec_free(&a.kl);
	return rc;
}
