/* tfpos: teacher-forced positions and their comparison (see tfpos.h). */
#include "tfpos.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bucket's smallest mass: keeps log() finite when rounding leaves a
 * side's remainder at or below zero (as lprob's estimate does). */
#define TF_FLOOR 1e-12
/* Decimals of a logprob in events: float's precision, which the servers
 * compute them in. */
#define TF_LP_PREC 7

void tf_pos_free(struct tf_pos *p)
{
	free(p->top);
	memset(p, 0, sizeof *p);
}

static void ids(jw *w, const int *v, int n)
{
	for (int i = 0; i < n; i++)
		jw_int(w, NULL, v[i]);
}

/* A request body's start: the object, the model where named, and the
 * prompt's array opened. */
static void body_open(jw *w, const char *model)
{
	jw_init(w);
	jw_obj_open(w, NULL);
	if (model != NULL)
		jw_str(w, "model", model);
	jw_arr_open(w, "prompt");
}

/* The body closed and copied out (NULL when out of memory). */
static char *body_done(jw *w)
{
	char *out;

	jw_obj_close(w);
	out = w->oom ? NULL : strdup(jw_cstr(w));
	jw_free(w);
	return out;
}

char *tf_body(const char *model, const int *ctx, int nctx, const int *forced,
	      int from, int count, int k, int slot)
{
	jw w;

	body_open(&w, model);
	for (int j = from; j < from + count; j++) {
		jw_arr_open(&w, NULL);
		ids(&w, ctx, nctx);
		ids(&w, forced, j);
		jw_arr_close(&w);
	}
	jw_arr_close(&w);
	jw_int(&w, "n_predict", 1);
	jw_int(&w, "n_probs", k);
	jw_bool(&w, "cache_prompt", 1);
	jw_num(&w, "temperature", 0, 1);
	if (slot >= 0)
		jw_int(&w, "id_slot", slot);
	/* the reply without the prompt's text and the settings it echoes */
	jw_arr_open(&w, "response_fields");
	jw_str(&w, NULL, "index");
	jw_str(&w, NULL, "completion_probabilities");
	jw_str(&w, NULL, "timings");
	jw_arr_close(&w);
	return body_done(&w);
}

/* The log-probability of an item: "logprob", or the log of "prob"; 0 and
 * -1 when neither is a number. */
static int item_lp(const cJSON *o, double *lp)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "logprob");

	if (cJSON_IsNumber(v)) {
		*lp = v->valuedouble;
		return 0;
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "prob");
	if (!cJSON_IsNumber(v))
		return -1;
	*lp = v->valuedouble > 0 ? log(v->valuedouble) : log(TF_FLOOR);
	return 0;
}

/* One result's completion_probabilities[0] into p. */
static int one_result(const cJSON *res, int forced, struct tf_pos *p, char *why,
		      size_t whylen)
{
	const cJSON *cp =
	    cJSON_GetObjectItemCaseSensitive(res, "completion_probabilities");
	const cJSON *first = cJSON_GetArrayItem(cp, 0), *top, *a;
	int n;

	if (!cJSON_IsArray(cp) || first == NULL) {
		snprintf(why, whylen,
			 "a result without completion_probabilities: the "
			 "server ignored n_probs");
		return TF_NOPROBS;
	}
	top = cJSON_GetObjectItemCaseSensitive(first, "top_logprobs");
	if (!cJSON_IsArray(top))
		top = cJSON_GetObjectItemCaseSensitive(first, "top_probs");
	n = cJSON_GetArraySize(top);
	if (!cJSON_IsArray(top) ||
	    (p->top = calloc((size_t)n + 1, sizeof *p->top)) == NULL) {
		snprintf(why, whylen, "%s",
			 cJSON_IsArray(top) ? "out of memory"
					    : "completion_probabilities[0] has "
					      "no top_logprobs");
		return TF_BAD;
	}
	cJSON_ArrayForEach(a, top)
	{
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(a, "id");
		struct tf_alt *t = &p->top[p->n];
		if (!cJSON_IsNumber(id) || item_lp(a, &t->lp) != 0) {
			snprintf(why, whylen,
				 "an alternative without id and logprob");
			return TF_BAD;
		}
		t->id = (int)id->valuedouble;
		if (t->id == forced && !p->has_lp)
			p->has_lp = 1, p->lp = t->lp;
		p->n++;
	}
	return TF_OK;
}

/* The result's place: its "index", or 0 for a lone object without one. */
static int result_index(const cJSON *res, int lone)
{
	const cJSON *i = cJSON_GetObjectItemCaseSensitive(res, "index");

	if (cJSON_IsNumber(i))
		return (int)i->valuedouble;
	return lone ? 0 : -1;
}

int tf_reply(const cJSON *reply, const int *forced, int count,
	     struct tf_pos *pos, char *why, size_t whylen)
{
	const cJSON *res;
	int lone = cJSON_IsObject(reply), n = 0, at, rc;

	memset(pos, 0, (size_t)count * sizeof *pos);
	if (!lone && !cJSON_IsArray(reply)) {
		snprintf(why, whylen,
			 "the reply is not a JSON object or array");
		return TF_BAD;
	}
	for (res = lone ? reply : reply->child; res != NULL;
	     res = lone ? NULL : res->next, n++) {
		at = result_index(res, lone);
		if (at < 0 || at >= count || pos[at].top != NULL) {
			snprintf(why, whylen,
				 "result %d has index %d: not one of the %d "
				 "prompts sent, or twice",
				 n, at, count);
			return TF_BAD;
		}
		rc = one_result(res, forced[at], &pos[at], why, whylen);
		if (rc != TF_OK)
			return rc;
	}
	if (n != count) {
		snprintf(why, whylen, "%d results for %d prompts", n, count);
		return TF_BAD;
	}
	return TF_OK;
}

char *tf_vllm_body(const char *model, const int *ctx, int nctx,
		   const int *forced, int nforced, int k)
{
	jw w;

	body_open(&w, model);
	ids(&w, ctx, nctx);
	ids(&w, forced, nforced);
	jw_arr_close(&w);
	jw_int(&w, "max_tokens", 1);
	jw_int(&w, "prompt_logprobs", k);
	jw_num(&w, "temperature", 0, 1);
	jw_bool(&w, "stream", 0);
	return body_done(&w);
}

/* One entry of prompt_logprobs into p: its ranks 1 .. k in rank order
 * (where the forced token ties with an alternative at a rank, the
 * alternative, which vLLM writes after it), and the forced token's own
 * log-probability. */
static int vllm_entry(const cJSON *e, int forced, int k, struct tf_pos *p,
		      char *why, size_t whylen)
{
	const cJSON *a;
	int n = cJSON_GetArraySize(e), m = k < n ? k : n;

	if (!cJSON_IsObject(e) ||
	    (p->top = calloc((size_t)m + 1, sizeof *p->top)) == NULL) {
		snprintf(why, whylen, "%s",
			 cJSON_IsObject(e) ? "out of memory"
					   : "an entry of prompt_logprobs is "
					     "not an object of token ids");
		return TF_BAD;
	}
	for (int i = 0; i < m; i++)
		p->top[i].id = -1;
	cJSON_ArrayForEach(a, e)
	{
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(a, "rank");
		char *end;
		long id = strtol(a->string, &end, 10);
		double lp;
		if (*end != '\0' || end == a->string || id < 0 ||
		    item_lp(a, &lp) != 0 || !cJSON_IsNumber(r)) {
			snprintf(why, whylen,
				 "a prompt_logprobs entry without a token id, "
				 "logprob and rank");
			return TF_BAD;
		}
		if (id == forced)
			p->has_lp = 1, p->lp = lp;
		if (r->valuedouble >= 1 && r->valuedouble <= m)
			p->top[(int)r->valuedouble - 1] =
			    (struct tf_alt){(int)id, lp};
	}
	while (p->n < m && p->top[p->n].id >= 0)
		p->n++;
	return TF_OK;
}

int tf_vllm_reply(const cJSON *reply, int nctx, const int *forced, int nforced,
		  int k, struct tf_pos *pos, char *why, size_t whylen)
{
	const cJSON *ch = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(reply, "choices"), 0);
	const cJSON *pl =
	    cJSON_GetObjectItemCaseSensitive(ch, "prompt_logprobs");
	int rc;

	memset(pos, 0, (size_t)nforced * sizeof *pos);
	if (ch == NULL) {
		snprintf(why, whylen, "the reply has no choices[0]");
		return TF_BAD;
	}
	if (!cJSON_IsArray(pl)) {
		snprintf(why, whylen,
			 "the reply has no prompt_logprobs: the "
			 "server ignored them");
		return TF_NOPROBS;
	}
	if (cJSON_GetArraySize(pl) != nctx + nforced || nctx < 1) {
		snprintf(why, whylen,
			 "prompt_logprobs has %d entries for a prompt of %d "
			 "tokens",
			 cJSON_GetArraySize(pl), nctx + nforced);
		return TF_BAD;
	}
	for (int i = 0; i < nforced; i++) {
		rc = vllm_entry(cJSON_GetArrayItem(pl, nctx + i), forced[i], k,
				&pos[i], why, whylen);
		if (rc != TF_OK)
			return rc;
	}
	return TF_OK;
}

void tf_pos_write(jw *w, const struct tf_pos *p)
{
	jw_obj_open(w, NULL);
	if (p->has_lp)
		jw_num(w, "lp", p->lp, TF_LP_PREC);
	else
		jw_null(w, "lp");
	jw_arr_open(w, "top");
	for (int i = 0; i < p->n; i++) {
		jw_arr_open(w, NULL);
		jw_int(w, NULL, p->top[i].id);
		jw_num(w, NULL, p->top[i].lp, TF_LP_PREC);
		jw_arr_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

int tf_pos_read(const cJSON *o, struct tf_pos *p)
{
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(o, "lp");
	const cJSON *top = cJSON_GetObjectItemCaseSensitive(o, "top"), *a;
	int n = cJSON_GetArraySize(top);

	memset(p, 0, sizeof *p);
	if (!cJSON_IsArray(top) ||
	    (lp && !cJSON_IsNumber(lp) && !cJSON_IsNull(lp)))
		return -1;
	p->has_lp = cJSON_IsNumber(lp);
	p->lp = p->has_lp ? lp->valuedouble : 0;
	if ((p->top = calloc((size_t)n + 1, sizeof *p->top)) == NULL)
		return -1;
	cJSON_ArrayForEach(a, top)
	{
		const cJSON *id = cJSON_GetArrayItem(a, 0),
			    *v = cJSON_GetArrayItem(a, 1);
		if (!cJSON_IsNumber(id) || !cJSON_IsNumber(v)) {
			tf_pos_free(p);
			return -1;
		}
		p->top[p->n].id = (int)id->valuedouble;
		p->top[p->n++].lp = v->valuedouble;
	}
	return 0;
}

double tf_mass(const struct tf_pos *p)
{
	double m = 0;

	for (int i = 0; i < p->n; i++)
		m += exp(p->top[i].lp);
	return m;
}

int tf_argmax(const struct tf_pos *p)
{
	int best = -1;

	for (int i = 0; i < p->n; i++)
		if (best < 0 || p->top[i].lp > p->top[best].lp ||
		    (p->top[i].lp == p->top[best].lp &&
		     p->top[i].id < p->top[best].id))
			best = i;
	return best < 0 ? -1 : p->top[best].id;
}

int tf_truncated(const struct tf_pos *p, int asked, long n_vocab)
{
	return p->n < asked && (n_vocab <= 0 || p->n < n_vocab) &&
	       tf_mass(p) < 1 - TF_MASS_TOL;
}

static int by_id(const void *a, const void *b)
{
	const struct tf_alt *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* A copy of p's alternatives sorted by id; NULL when out of memory. */
static struct tf_alt *sorted(const struct tf_pos *p)
{
	struct tf_alt *v = malloc(((size_t)p->n + 1) * sizeof *v);

	if (v != NULL && p->n > 0) {
		memcpy(v, p->top, (size_t)p->n * sizeof *v);
		qsort(v, (size_t)p->n, sizeof *v, by_id);
	}
	return v;
}

double tf_kl(const struct tf_pos *ref, const struct tf_pos *cand)
{
	struct tf_alt *r = sorted(ref), *c = sorted(cand);
	double kl = 0, pr = 1, qr = 1;
	int i = 0, j = 0;

	if (r == NULL || c == NULL) {
		free(r);
		free(c);
		return NAN;
	}
	while (i < ref->n && j < cand->n) {
		if (r[i].id < c[j].id) {
			i++;
		} else if (r[i].id > c[j].id) {
			j++;
		} else { /* a cell of its own */
			kl += exp(r[i].lp) * (r[i].lp - c[j].lp);
			pr -= exp(r[i].lp);
			qr -= exp(c[j].lp);
			i++, j++;
		}
	}
	free(r);
	free(c);
	pr = pr > TF_FLOOR ? pr : TF_FLOOR;
	qr = qr > TF_FLOOR ? qr : TF_FLOOR;
	return kl + pr * log(pr / qr);
}
