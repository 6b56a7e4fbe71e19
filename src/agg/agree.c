/* agree: greedy agreement from the output texts (agree.h). */
#include "agree.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jget.h"
#include "slo.h"
#include "stats.h"

void agree_init(struct agree_run *r)
{
	memset(r, 0, sizeof *r);
}

void agree_free(struct agree_run *r)
{
	for (int i = 0; i < r->n; i++) {
		free(r->out[i].prompt);
		free(r->out[i].text);
		free(r->out[i].end);
		free(r->out[i].tokens);
	}
	free(r->out);
	memset(r, 0, sizeof *r);
}

static struct agree_out *by_id(struct agree_run *r, long id)
{
	for (int i = r->n - 1; i >= 0; i--)
		if (r->out[i].id == id)
			return &r->out[i];
	return NULL;
}

/* A measured request starts an output; a prompt keeps its first whole one. */
static void take_req(struct agree_run *r, const cJSON *ev)
{
	const char *p = jget_str(ev, "prompt");
	struct agree_out *o;
	void *g;

	if (p == NULL || cJSON_IsTrue(cJSON_GetObjectItem(ev, "warmup")))
		return;
	if (r->n == r->cap) {
		g = realloc(r->out, (size_t)(r->cap ? r->cap * 2 : 64) *
					sizeof *r->out);
		if (g == NULL) {
			r->oom = 1;
			return;
		}
		r->out = g;
		r->cap = r->cap ? r->cap * 2 : 64;
	}
	o = &r->out[r->n];
	memset(o, 0, sizeof *o);
	if ((o->prompt = strdup(p)) == NULL) {
		r->oom = 1;
		return;
	}
	o->id = (long)jget_num(ev, "id", -1);
	r->n++;
}

static void take_tok(struct agree_run *r, const cJSON *ev)
{
	struct agree_out *o = by_id(r, (long)jget_num(ev, "id", -1));
	const char *ch = jget_str(ev, "ch");
	long prev;

	if (o == NULL || ch == NULL || strcmp(ch, "content") != 0)
		return;
	if (o->nchunk == o->capchunk) {
		int cap = o->capchunk ? o->capchunk * 2 : 64;
		long *e = realloc(o->end, (size_t)cap * sizeof *e);
		int *t = e ? realloc(o->tokens, (size_t)cap * sizeof *t) : NULL;
		if (e)
			o->end = e;
		if (t == NULL) {
			r->oom = 1;
			return;
		}
		o->tokens = t;
		o->capchunk = cap;
	}
	prev = o->nchunk ? o->end[o->nchunk - 1] : 0;
	o->end[o->nchunk] = prev + (long)jget_num(ev, "bytes", 0);
	o->tokens[o->nchunk++] = (int)jget_num(ev, "n", 1);
}

static void take_done(struct agree_run *r, const cJSON *ev)
{
	struct agree_out *o = by_id(r, (long)jget_num(ev, "id", -1));
	const char *st = jget_str(ev, "status"), *text = jget_str(ev, "text");

	if (o == NULL || st == NULL || strcmp(st, "ok") != 0 || text == NULL)
		return;
	if ((o->text = strdup(text)) == NULL)
		r->oom = 1;
	else
		o->done = 1;
}

void agree_event(struct agree_run *r, const cJSON *ev)
{
	const char *what = jget_str(ev, "ev");

	if (what == NULL)
		return;
	if (strcmp(what, "req") == 0)
		take_req(r, ev);
	else if (strcmp(what, "tok") == 0)
		take_tok(r, ev);
	else if (strcmp(what, "done") == 0)
		take_done(r, ev);
}

long agree_tokens_before(const struct agree_out *o, long at)
{
	long n = 0;

	for (int i = 0; i < o->nchunk && o->end[i] <= at; i++)
		n += o->tokens[i];
	return n;
}

/* The prompt's first whole output in r (ids in the order sent), or NULL. */
static const struct agree_out *first_of(const struct agree_run *r,
					const char *p)
{
	const struct agree_out *best = NULL;

	for (int i = 0; i < r->n; i++)
		if (r->out[i].done && strcmp(r->out[i].prompt, p) == 0 &&
		    (best == NULL || r->out[i].id < best->id))
			best = &r->out[i];
	return best;
}

/* One prompt: identical, or the tokens before the first differing byte. */
static void one(struct agree_result *res, struct stats_vec *div,
		const struct agree_out *a, const struct agree_out *c)
{
	long at = 0;

	res->prompts++;
	while (a->text[at] && a->text[at] == c->text[at])
		at++;
	if (a->text[at] == '\0' && c->text[at] == '\0') {
		res->identical++;
		return;
	}
	res->diverged++;
	stats_push(div, (double)agree_tokens_before(c, at));
}

int agree_compare(const struct agree_run *ref, const struct agree_run *cand,
		  struct agree_result *out, char *why, size_t whylen)
{
	struct stats_vec div = {0};

	memset(out, 0, sizeof *out);
	out->div_median = out->div_p10 = out->div_p90 = NAN;
	for (int i = 0; i < cand->n; i++) {
		const struct agree_out *c = &cand->out[i], *a;
		if (!c->done || first_of(cand, c->prompt) != c ||
		    (a = first_of(ref, c->prompt)) == NULL)
			continue;
		one(out, &div, a, c);
	}
	if (out->prompts == 0) {
		snprintf(why, whylen,
			 "no prompt with an output text in both runs "
			 "(same prompt set?  gen --no-text keeps none)");
		stats_vec_free(&div);
		return -1;
	}
	out->share = (double)out->identical / out->prompts;
	slo_wilson(out->identical, out->prompts, &out->lo, &out->hi);
	if (div.n > 0) {
		struct stats_sum sum;
		stats_summarise(&div, &sum); /* sorts: percentiles need it */
		out->div_median = stats_percentile(&div, 50);
		out->div_p10 = stats_percentile(&div, 10);
		out->div_p90 = stats_percentile(&div, 90);
	}
	stats_vec_free(&div);
	return 0;
}
