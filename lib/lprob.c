/* lprob: servers' log-probabilities and the figures from them (see lprob.h). */
#include "lprob.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jget.h"

/* A bucket's smallest mass: keeps log() finite when rounding leaves a
 * side's remainder at or below zero. */
#define LP_FLOOR 1e-12

/* The log-probability of an item: "logprob", or the log of "prob"
 * (llama-server's post_sampling_probs); 0 and found = 0 when neither. */
static double item_lp(const cJSON *o, int *found)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "logprob");

	*found = 1;
	if (cJSON_IsNumber(v))
		return v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(o, "prob");
	if (cJSON_IsNumber(v))
		return v->valuedouble > 0 ? log(v->valuedouble) : log(LP_FLOOR);
	*found = 0;
	return 0;
}

/* The id a token of vLLM's return_tokens_as_token_ids names: "token_id:N"
 * exactly (N decimal, below 2^31); -1 for any other text. */
static int placeholder_id(const char *tok)
{
	static const char pre[] = "token_id:";
	long v = 0;
	const char *d;

	if (tok == NULL || strncmp(tok, pre, sizeof pre - 1) != 0)
		return -1;
	d = tok + sizeof pre - 1;
	if (*d == '\0')
		return -1;
	for (; *d; d++) {
		if (*d < '0' || *d > '9' || v > 214748364L)
			return -1;
		v = v * 10 + (*d - '0');
	}
	return v < 2147483647L ? (int)v : -1;
}

static void set_alt(struct lp_alt *a, const char *tok, double lp)
{
	snprintf(a->tok, sizeof a->tok, "%s", tok ? tok : "");
	a->lp = lp;
	a->id = placeholder_id(tok);
}

/* The item's token id: llama-server's "id", else the one its token
 * names (vLLM's "token_id:N"), else -1. */
static int item_id(const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "id");

	return cJSON_IsNumber(v) && v->valuedouble >= 0 &&
		       v->valuedouble < 2147483647.0
		   ? (int)v->valuedouble
		   : placeholder_id(jget_str(o, "token"));
}

/* One {token, logprob, top_logprobs} item (or prob, top_probs). */
static int content_item(const cJSON *it, struct lp_pos *p)
{
	const cJSON *top, *t;
	int found;
	double lp = item_lp(it, &found);

	memset(p, 0, sizeof *p);
	if (!cJSON_IsObject(it) || !found)
		return -1;
	set_alt(&p->tok, jget_str(it, "token"), lp);
	p->tok.id = item_id(it);
	top = cJSON_GetObjectItemCaseSensitive(it, "top_logprobs");
	if (!cJSON_IsArray(top))
		top = cJSON_GetObjectItemCaseSensitive(it, "top_probs");
	cJSON_ArrayForEach(t, top)
	{
		lp = item_lp(t, &found);
		if (found && p->ntop < LP_TOPMAX) {
			set_alt(&p->top[p->ntop], jget_str(t, "token"), lp);
			p->top[p->ntop++].id = item_id(t);
		}
	}
	return 0;
}

static int parse_content(const cJSON *arr, lp_pos_fn *fn, void *ctx)
{
	const cJSON *it;
	struct lp_pos p;
	int n = 0;

	cJSON_ArrayForEach(it, arr)
	{
		if (content_item(it, &p) == 0) {
			fn(ctx, &p);
			n++;
		}
	}
	return n;
}

/* OpenAI's completions shape: parallel arrays, alternatives as a
 * {token: logprob} object per position. */
static int parse_legacy(const cJSON *lp, lp_pos_fn *fn, void *ctx)
{
	const cJSON *toks = cJSON_GetObjectItemCaseSensitive(lp, "tokens");
	const cJSON *lps =
	    cJSON_GetObjectItemCaseSensitive(lp, "token_logprobs");
	const cJSON *tops =
	    cJSON_GetObjectItemCaseSensitive(lp, "top_logprobs");
	const cJSON *alt;
	struct lp_pos p;
	int i, n = cJSON_GetArraySize(toks);

	for (i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetArrayItem(lps, i);
		memset(&p, 0, sizeof p);
		set_alt(&p.tok,
			cJSON_GetStringValue(cJSON_GetArrayItem(toks, i)),
			cJSON_IsNumber(v) ? v->valuedouble : log(LP_FLOOR));
		cJSON_ArrayForEach(
		    alt, cJSON_GetArrayItem(tops, i)) if (cJSON_IsNumber(alt) &&
							  p.ntop < LP_TOPMAX)
		    set_alt(&p.top[p.ntop++], alt->string, alt->valuedouble);
		fn(ctx, &p);
	}
	return n;
}

int lp_parse(const cJSON *choice, const cJSON *root, lp_pos_fn *fn, void *ctx)
{
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(choice, "logprobs");
	const cJSON *v;

	if (cJSON_IsObject(lp)) {
		v = cJSON_GetObjectItemCaseSensitive(lp, "content");
		if (cJSON_IsArray(v))
			return parse_content(v, fn, ctx);
		if (cJSON_IsArray(
			cJSON_GetObjectItemCaseSensitive(lp, "tokens")))
			return parse_legacy(lp, fn, ctx);
		return -1;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "completion_probabilities");
	if (cJSON_IsArray(v))
		return parse_content(v, fn, ctx);
	v = cJSON_GetObjectItemCaseSensitive(root, "logprobs");
	if (cJSON_IsArray(v))
		return parse_content(v, fn, ctx);
	return -1;
}

void lp_write(jw *w, const struct lp_pos *p)
{
	jw_obj_open(w, NULL);
	jw_str(w, "t", p->tok.tok);
	if (p->tok.id >= 0)
		jw_int(w, "id", p->tok.id);
	jw_num(w, "lp", p->tok.lp, 6);
	jw_arr_open(w, "top");
	for (int i = 0; i < p->ntop; i++) {
		jw_arr_open(w, NULL);
		jw_str(w, NULL, p->top[i].tok);
		jw_num(w, NULL, p->top[i].lp, 6);
		jw_arr_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

int lp_read(const cJSON *o, struct lp_pos *p)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(o, "lp");
	const cJSON *top = cJSON_GetObjectItemCaseSensitive(o, "top"), *a;

	memset(p, 0, sizeof *p);
	if (!cJSON_IsString(t) || !cJSON_IsNumber(lp) ||
	    (top && !cJSON_IsArray(top)))
		return -1;
	set_alt(&p->tok, t->valuestring, lp->valuedouble);
	p->tok.id = item_id(o);
	cJSON_ArrayForEach(a, top)
	{
		const cJSON *at = cJSON_GetArrayItem(a, 0),
			    *al = cJSON_GetArrayItem(a, 1);
		if (!cJSON_IsString(at) || !cJSON_IsNumber(al))
			return -1;
		if (p->ntop < LP_TOPMAX)
			set_alt(&p->top[p->ntop++], at->valuestring,
				al->valuedouble);
	}
	return 0;
}

int lp_argmax(const struct lp_pos *p)
{
	int best = -1;

	for (int i = 0; i < p->ntop; i++)
		if (best < 0 || p->top[i].lp > p->top[best].lp)
			best = i;
	return best;
}

static const char *top1(const struct lp_pos *p)
{
	int i = lp_argmax(p);

	return i >= 0 ? p->top[i].tok : p->tok.tok;
}

int lp_top1_agree(const struct lp_pos *ref, const struct lp_pos *cand)
{
	return strcmp(top1(ref), top1(cand)) == 0;
}

/* cand's log-probability of tok, or 1 (no log-probability is) when tok is
 * not in its list. */
static double find_lp(const struct lp_pos *p, const char *tok)
{
	for (int i = 0; i < p->ntop; i++)
		if (strcmp(p->top[i].tok, tok) == 0)
			return p->top[i].lp;
	return 1;
}

double lp_kl_topk(const struct lp_pos *ref, const struct lp_pos *cand)
{
	double kl = 0, pr = 1, qr = 1, q;

	for (int i = 0; i < ref->ntop; i++) {
		if ((q = find_lp(cand, ref->top[i].tok)) > 0)
			continue; /* in the bucket */
		kl += exp(ref->top[i].lp) * (ref->top[i].lp - q);
		pr -= exp(ref->top[i].lp);
		qr -= exp(q);
	}
	pr = pr > LP_FLOOR ? pr : LP_FLOOR;
	qr = qr > LP_FLOOR ? qr : LP_FLOOR;
	return kl + pr * log(pr / qr);
}
