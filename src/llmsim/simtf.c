/* simtf: llmsim's teacher-forcing endpoints (see simtf.h). */
#include "simtf.h"

#include <math.h>
#include <string.h>

#include "simwire.h"

#define INVALID "Prompt contains invalid tokens" /* llama-server's words */

/* A token's text: a word, or one byte. */
static void piece(int id, char *buf)
{
	if (id < SIMLP_V)
		snprintf(buf, 64, "%s", simlp_word(id));
	else
		buf[0] = (char)(id - SIMLP_V), buf[1] = '\0';
}

/* The id at o, or -1 when it is not one of the vocabulary's. */
static int token_id(const cJSON *o)
{
	if (!cJSON_IsNumber(o) || o->valuedouble < 0 ||
	    o->valuedouble >= SIMTF_VOCAB ||
	    o->valuedouble != floor(o->valuedouble))
		return -1;
	return (int)o->valuedouble;
}

const char *simtf_tokenize(const cJSON *body, jw *out)
{
	const cJSON *c = cJSON_GetObjectItem(body, "content");

	if (!cJSON_IsString(c))
		return "\"content\" must be a string";
	jw_obj_open(out, NULL);
	jw_arr_open(out, "tokens");
	for (const char *s = c->valuestring; *s; s++)
		jw_int(out, NULL, SIMLP_V + (unsigned char)*s);
	jw_arr_close(out);
	jw_obj_close(out);
	return NULL;
}

const char *simtf_detokenize(const cJSON *body, jw *out)
{
	const cJSON *t, *toks = cJSON_GetObjectItem(body, "tokens");
	char buf[64];
	const char *data;
	jw text;
	size_t len;

	if (!cJSON_IsArray(toks))
		return "\"tokens\" must be an array";
	jw_init(&text);
	cJSON_ArrayForEach(t, toks)
	{
		int id = token_id(t);
		if (id < 0) {
			jw_free(&text);
			return INVALID;
		}
		piece(id, buf);
		jw_append(&text, buf, id < SIMLP_V ? strlen(buf) : 1);
	}
	data = jw_data(&text, &len);
	jw_obj_open(out, NULL);
	jw_strn(out, "content", data, len);
	jw_obj_close(out);
	jw_free(&text);
	return NULL;
}

const char *simtf_apply_template(const cJSON *body, jw *out)
{
	struct simwire_req q;
	const char *err = simwire_req_parse(body, 1, &q), *data;
	size_t len;

	if (err == NULL) {
		data = jw_data(&q.prompt, &len);
		jw_obj_open(out, NULL);
		jw_strn(out, "prompt", data, len);
		jw_obj_close(out);
	}
	simwire_req_free(&q);
	return err;
}

/* A prompt's text (its byte tokens) and output position (the words after
 * them); NULL, or why it is refused. */
static const char *split(const cJSON *prompt, jw *text, int *pos, int *n)
{
	const cJSON *t;

	*pos = *n = 0;
	cJSON_ArrayForEach(t, prompt)
	{
		int id = token_id(t);
		char c;
		if (id < 0)
			return INVALID;
		(*n)++;
		if (id < SIMLP_V) {
			(*pos)++;
			continue;
		}
		if (*pos > 0)
			return "llmsim: a prompt of token ids is the prompt's "
			       "bytes, then output words";
		c = (char)(id - SIMLP_V);
		jw_append(text, &c, 1);
	}
	return *n == 0 ? "the prompt is empty" : NULL;
}

/* One alternative: llama-server's id, token, bytes, logprob
 * (completion_token_output::to_json, server-task.cpp). */
static void alt(jw *w, int id, double lp)
{
	const char *t = simlp_word(id);

	jw_int(w, "id", id);
	jw_str(w, "token", t);
	jw_arr_open(w, "bytes");
	for (; *t; t++)
		jw_int(w, NULL, (unsigned char)*t);
	jw_arr_close(w);
	jw_num(w, "logprob", lp, 9);
}

static void probs(jw *w, const double lp[SIMLP_V], int k)
{
	int idx[SIMLP_V], top = simlp_argmax(lp);

	simlp_top(lp, k, idx);
	jw_arr_open(w, "completion_probabilities");
	jw_obj_open(w, NULL);
	alt(w, top, lp[top]);
	jw_arr_open(w, "top_logprobs");
	for (int i = 0; i < k && i < SIMLP_V; i++) {
		jw_obj_open(w, NULL);
		alt(w, idx[i], lp[idx[i]]);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
	jw_arr_close(w);
}

/* The truth of the position: the reference's distribution against the
 * profile's. */
static void truth(uint64_t key, int pos, const double cand[SIMLP_V],
		  struct simtf_truth *t)
{
	double ref[SIMLP_V];
	int g;

	simlp_dist(key, pos, 0, 0, ref);
	g = simlp_argmax(ref);
	t->pos = pos;
	t->kl = simlp_kl(ref, cand);
	t->same_top = g == simlp_argmax(cand);
	t->nll_ref = -ref[g];
	t->nll_cand = -cand[g];
}

/* One prompt's result, as to_json_non_oaicompat writes it. */
static const char *result(jw *w, const cJSON *prompt, int index, int k,
			  const struct simtf_opts *o, struct simtf_truth *t)
{
	double lp[SIMLP_V];
	int pos, n;
	size_t len;
	jw text;
	const char *err, *data;
	uint64_t key;

	jw_init(&text);
	if ((err = split(prompt, &text, &pos, &n)) != NULL) {
		jw_free(&text);
		return err;
	}
	data = jw_data(&text, &len);
	key = simlp_key(o->family, data, len);
	jw_free(&text);
	simlp_dist(key, pos, o->noise, o->noise_key, lp);
	truth(key, pos, lp, t);
	t->index = index;
	jw_obj_open(w, NULL);
	jw_int(w, "index", index);
	jw_str(w, "content", simlp_word(simlp_argmax(lp)));
	jw_arr_open(w, "tokens");
	jw_arr_close(w);
	jw_bool(w, "stop", 1);
	jw_str(w, "stop_type", "limit");
	jw_int(w, "tokens_predicted", 1);
	jw_int(w, "tokens_evaluated", n);
	if (!o->no_probs && k > 0)
		probs(w, lp, o->cut > 0 && o->cut < k ? o->cut : k);
	jw_obj_close(w);
	return NULL;
}

const char *simtf_completion(const cJSON *body, const struct simtf_opts *o,
			     jw *out, simtf_truth_fn *fn, void *ctx)
{
	const cJSON *p = cJSON_GetObjectItem(body, "prompt");
	const cJSON *np = cJSON_GetObjectItem(body, "n_probs"), *e;
	int k = cJSON_IsNumber(np) && np->valuedouble > 0
		    ? (int)fmin(np->valuedouble, 1e6)
		    : 0;
	int many = cJSON_IsArray(cJSON_GetArrayItem(p, 0)), i = 0;
	struct simtf_truth t;
	const char *err;

	if (!cJSON_IsArray(p))
		return "llmsim: \"prompt\" must be token ids, or an array of "
		       "them";
	if (!many) {
		if ((err = result(out, p, 0, k, o, &t)) == NULL && fn)
			fn(ctx, &t);
		return err;
	}
	cJSON_ArrayForEach(e, p) /* all checked before any truth is told */
	{
		jw scratch;
		int pos, n;
		jw_init(&scratch);
		err = cJSON_IsArray(e) ? split(e, &scratch, &pos, &n) : INVALID;
		jw_free(&scratch);
		if (err != NULL)
			return err;
	}
	jw_arr_open(out, NULL);
	cJSON_ArrayForEach(e, p)
	{
		result(out, e, i++, k, o, &t);
		if (fn)
			fn(ctx, &t);
	}
	jw_arr_close(out);
	return NULL;
}
