/* lpq: a quantization's quality from logprobs (see lpq.h). */
#include "lpq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jget.h"
#include "stats.h"
#include "vec.h"

void lpq_init(struct lpq_run *r)
{
	memset(r, 0, sizeof *r);
	r->top_min = -1;
}

void lpq_free(struct lpq_run *r)
{
	for (int i = 0; i < r->nseq; i++) {
		free(r->seq[i].prompt);
		free(r->seq[i].pos);
	}
	reqtab_free(&r->reqs);
	free(r->seq);
	lpq_init(r);
}

static void take_run(struct lpq_run *r, const cJSON *ev)
{
	jget_copy(r->model, sizeof r->model, ev, "model");
	jget_copy(r->model_id, sizeof r->model_id, ev, "model_id");
	jget_copy(r->family, sizeof r->family, jget_obj(ev, "labels"),
		  "family");
	r->asked = (int)jget_num(jget_obj(ev, "config"), "logprobs", 0);
}

static void take_req(struct lpq_run *r, const cJSON *ev)
{
	if (reqtab_add(&r->reqs, ev) < 0)
		r->oom = 1;
}

static int find_seq(const struct lpq_run *r, const char *prompt)
{
	for (int i = 0; i < r->nseq; i++)
		if (strcmp(r->seq[i].prompt, prompt) == 0)
			return i;
	return -1;
}

/* A position read from an event; a token without alternatives stands as
 * its own one-entry list, so that the estimate still has a cell. */
static int read_pos(const cJSON *o, struct lp_pos *p)
{
	if (lp_read(o, p) != 0)
		return -1;
	if (p->ntop == 0) {
		p->top[0] = p->tok;
		p->ntop = 1;
	}
	return 0;
}

/* Keeps the positions of the prompt's first request that has any. */
static void keep_seq(struct lpq_run *r, const char *prompt,
		     const cJSON *content)
{
	struct lpq_seq s = {NULL, 0, NULL};
	long cap = r->capseq;
	const cJSON *o;

	if (find_seq(r, prompt) >= 0)
		return;
	s.pos = calloc((size_t)cJSON_GetArraySize(content) + 1, sizeof *s.pos);
	s.prompt = strdup(prompt);
	if (s.pos == NULL || s.prompt == NULL ||
	    vec_grow((void **)&r->seq, r->nseq, &cap, sizeof *r->seq) != 0) {
		free(s.pos);
		free(s.prompt);
		r->oom = 1;
		return;
	}
	r->capseq = (int)cap;
	cJSON_ArrayForEach(o, content)
	{
		if (read_pos(o, &s.pos[s.n]) != 0)
			break; /* a malformed position ends what can be compared
				*/
		if (r->top_min < 0 || s.pos[s.n].ntop < r->top_min)
			r->top_min = s.pos[s.n].ntop;
		s.n++;
	}
	r->seq[r->nseq++] = s;
}

static void take_done(struct lpq_run *r, const cJSON *ev)
{
	const struct reqtab_req *q =
	    reqtab_find(&r->reqs, (long)jget_num(ev, "id", -1));
	const cJSON *lp = jget_obj(ev, "logprobs");
	const char *given = jget_str(lp, "given");
	const cJSON *content = cJSON_GetObjectItem(lp, "content");

	if (q == NULL || q->warmup || lp == NULL || given == NULL ||
	    strcmp(jget_str(ev, "status") ? jget_str(ev, "status") : "",
		   "ok") != 0)
		return;
	r->given[!strcmp(given, "all")	     ? 0
		 : !strcmp(given, "partial") ? 1
					     : 2]++;
	if (cJSON_GetArraySize(content) > 0)
		keep_seq(r, q->prompt, content);
}

void lpq_event(struct lpq_run *r, const cJSON *ev)
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

/* The positions compared: up to and including the first whose chosen
 * tokens differ (the context is still the same there), else all both have.
 * *div is the tokens before the first divergence. */
static int compared(const struct lpq_seq *a, const struct lpq_seq *b, int *div,
		    int *diverged)
{
	int m = a->n < b->n ? a->n : b->n, i;

	for (i = 0; i < m; i++)
		if (strcmp(a->pos[i].tok.tok, b->pos[i].tok.tok) != 0)
			break;
	*div = i;
	*diverged = i < m;
	return i < m ? i + 1 : m;
}

struct acc {
	struct stats_vec top1, kl, kl_all, div;
	int met; /* prompts whose first tokens meet */
};

/* Whether cand's chosen token is one of ref's alternatives. */
static int find_in_top(const struct lp_pos *ref, const struct lp_pos *cand)
{
	for (int i = 0; i < ref->ntop; i++)
		if (strcmp(ref->top[i].tok, cand->tok.tok) == 0)
			return 1;
	return 0;
}

static void one_prompt(struct lpq_result *out, struct acc *a,
		       const struct lpq_seq *r, const struct lpq_seq *c)
{
	int div, diverged, n = compared(r, c, &div, &diverged), agree = 0;
	double kl = 0, k;

	if (n == 0)
		return;
	for (int i = 0; i < n; i++) {
		agree += lp_top1_agree(&r->pos[i], &c->pos[i]);
		k = lp_kl_topk(&r->pos[i], &c->pos[i]);
		kl += k;
		stats_push(&a->kl_all, k);
	}
	stats_push(&a->top1, (double)agree / n);
	stats_push(&a->kl, kl / n);
	stats_push(&a->div, div);
	a->met += lp_top1_agree(&r->pos[0], &c->pos[0]) ||
		  find_in_top(&r->pos[0], &c->pos[0]);
	out->diverged += diverged;
	out->positions += n;
	out->prompts++;
}

static void summarise(struct acc *a, struct lpq_result *out)
{
	struct stats_sum s;

	stats_summarise(&a->top1, &s);
	out->top1 = s.mean, out->top1_lo = s.ci_lo, out->top1_hi = s.ci_hi;
	stats_summarise(&a->kl, &s);
	out->kl = s.mean, out->kl_lo = s.ci_lo, out->kl_hi = s.ci_hi;
	stats_summarise(&a->kl_all, &s);
	out->kl_p99 = stats_percentile(&a->kl_all, 99);
	out->div_median = stats_median(a->div.v, a->div.n);
}

static void acc_free(struct acc *a)
{
	stats_vec_free(&a->top1);
	stats_vec_free(&a->kl);
	stats_vec_free(&a->kl_all);
	stats_vec_free(&a->div);
}

/* Why two runs cannot be compared before looking at positions; NULL. */
static const char *refuse(const struct lpq_run *ref, const struct lpq_run *cand,
			  char *why, size_t whylen)
{
	if (ref->family[0] && cand->family[0] &&
	    strcmp(ref->family, cand->family)) {
		snprintf(
		    why, whylen,
		    "the reference is family \"%s\", the run \"%s\" "
		    "(label family): only quantizations of one model compare",
		    ref->family, cand->family);
		return why;
	}
	if (ref->nseq == 0 || cand->nseq == 0) {
		snprintf(why, whylen, "the %s has no logprobs (%s)",
			 ref->nseq == 0 ? "reference" : "run",
			 (ref->nseq == 0 ? ref : cand)->asked
			     ? "the server sent none"
			     : "gen --logprobs was not given");
		return why;
	}
	return NULL;
}

int lpq_compare(const struct lpq_run *ref, const struct lpq_run *cand,
		struct lpq_result *out, char *why, size_t whylen)
{
	struct acc a;
	int j, rc = 0;

	memset(out, 0, sizeof *out);
	memset(&a, 0, sizeof a);
	if (refuse(ref, cand, why, whylen) != NULL)
		return -1;
	for (int i = 0; i < cand->nseq; i++)
		if ((j = find_seq(ref, cand->seq[i].prompt)) >= 0)
			one_prompt(out, &a, &ref->seq[j], &cand->seq[i]);
	if (out->prompts == 0) {
		snprintf(why, whylen,
			 "no prompt of the run is in the reference");
		rc = -1;
	} else if (2 * a.met < out->prompts) {
		snprintf(
		    why, whylen,
		    "the vocabularies differ: the run's first token is "
		    "among the reference's alternatives for %d of %d prompts "
		    "(not quantizations of one model?)",
		    a.met, out->prompts);
		rc = -1;
	} else {
		summarise(&a, out);
		out->top_k =
		    ref->top_min < cand->top_min ? ref->top_min : cand->top_min;
		out->family_checked = ref->family[0] && cand->family[0];
	}
	acc_free(&a);
	return rc;
}
