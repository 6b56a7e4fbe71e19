/* simtf: llmsim's teacher-forcing endpoints (see simtf.h). */
#include "simtf.h"

#include <math.h>
#include <string.h>

#include "sim.h"
#include "simwire.h"

#define INVALID "Prompt contains invalid tokens" /* llama-server's words */

/* A text token's id (sim_token_len's token t[0..n)): SIMLP_V plus 7 bits
 * a byte of an ASCII run, first byte lowest; or 1 << 28, the number of
 * continuation bytes << 25, the first byte's low 7 bits << 18 and 6 bits
 * of each continuation byte after them. */
static long text_id(const unsigned char *t, size_t n)
{
	long v = 0;

	if (t[0] < 0x80) {
		for (size_t i = n; i-- > 0;)
			v = v << 7 | t[i];
		return SIMLP_V + v;
	}
	v = (1L << 28) | (long)(n - 1) << 25 | (long)(t[0] & 0x7f) << 18;
	for (size_t i = 1; i < n; i++)
		v |= (long)(t[i] & 0x3f) << (6 * (3 - i));
	return SIMLP_V + v;
}

/* A token's text into buf (at least 64 bytes): a word, or a text token's
 * bytes; its length, or -1 when id is none of the vocabulary's. */
static int piece(long id, char *buf)
{
	long v = id - SIMLP_V;
	int n = 0;

	if (id < 0 || id >= SIMTF_VOCAB)
		return -1;
	if (id < SIMLP_V)
		return snprintf(buf, 64, "%s", simlp_word((int)id));
	if (v < (1L << 28)) {
		for (; v != 0; v >>= 7)
			if ((buf[n++] = (char)(v & 0x7f)) == 0)
				return -1; /* a NUL inside: no token's */
		buf[n] = '\0';
		return n > 0 ? n : -1;
	}
	n = (int)(v >> 25 & 3);
	buf[0] = (char)(0x80 | (v >> 18 & 0x7f));
	for (int i = 1; i <= n; i++)
		buf[i] = (char)(0x80 | (v >> (6 * (3 - i)) & 0x3f));
	buf[n + 1] = '\0';
	return n + 1;
}

/* The id at o, or -1 when it is not one of the vocabulary's. */
static long token_id(const cJSON *o)
{
	char buf[64];

	if (!cJSON_IsNumber(o) || o->valuedouble < 0 ||
	    o->valuedouble >= (double)SIMTF_VOCAB ||
	    o->valuedouble != floor(o->valuedouble) ||
	    piece((long)o->valuedouble, buf) < 0)
		return -1;
	return (long)o->valuedouble;
}

const char *simtf_tokenize(const cJSON *body, jw *out)
{
	const cJSON *c = cJSON_GetObjectItem(body, "content");
	const char *s;
	size_t n, k;

	if (!cJSON_IsString(c))
		return "\"content\" must be a string";
	jw_obj_open(out, NULL);
	jw_arr_open(out, "tokens");
	for (s = c->valuestring, n = strlen(s); n > 0; s += k, n -= k) {
		k = sim_token_len(s, n);
		jw_int(out, NULL, text_id((const unsigned char *)s, k));
	}
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
		long id = token_id(t);
		if (id < 0) {
			jw_free(&text);
			return INVALID;
		}
		jw_append(&text, buf, (size_t)piece(id, buf));
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

/* A prompt's text (its text tokens) and output position (the words after
 * them); NULL, or why it is refused. */
static const char *split(const cJSON *prompt, jw *text, int *pos, int *n)
{
	const cJSON *t;

	*pos = *n = 0;
	cJSON_ArrayForEach(t, prompt)
	{
		long id = token_id(t);
		char buf[64];
		if (id < 0)
			return INVALID;
		(*n)++;
		if (id < SIMLP_V) {
			(*pos)++;
			continue;
		}
		if (*pos > 0)
			return "llmsim: a prompt of token ids is the prompt's "
			       "text tokens, then output words";
		jw_append(text, buf, (size_t)piece(id, buf));
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

/* ---- vLLM's shapes ------------------------------------------------------ */

const char *simtf_vllm_tokenize(const cJSON *body, long max_len, jw *out)
{
	const cJSON *pr = cJSON_GetObjectItem(body, "prompt");
	struct simwire_req q;
	const char *err = NULL, *s, *data = NULL;
	size_t n, k, len = 0;
	long count = 0;
	jw ids;

	memset(&q, 0, sizeof q);
	jw_init(&q.prompt);
	if (cJSON_GetObjectItem(body, "messages") != NULL) {
		jw_free(&q.prompt);
		if ((err = simwire_req_parse(body, 1, &q)) == NULL)
			data = jw_data(&q.prompt, &len);
	} else if (cJSON_IsString(pr)) {
		data = pr->valuestring, len = strlen(data);
	} else {
		err = "\"prompt\" must be a string, or \"messages\" given";
	}
	if (err != NULL) {
		simwire_req_free(&q);
		return err;
	}
	jw_init(&ids);
	jw_arr_open(&ids, NULL);
	for (s = data, n = len; n > 0; s += k, n -= k, count++) {
		k = sim_token_len(s, n);
		jw_int(&ids, NULL, text_id((const unsigned char *)s, k));
	}
	jw_arr_close(&ids);
	jw_obj_open(out, NULL);
	jw_int(out, "count", count);
	jw_int(out, "max_model_len", max_len);
	jw_raw(out, "tokens", jw_cstr(&ids));
	jw_obj_close(out);
	jw_free(&ids);
	simwire_req_free(&q);
	return NULL;
}

const char *simtf_vllm_detokenize(const cJSON *body, jw *out)
{
	jw llama;
	const char *err;
	cJSON *r;

	jw_init(&llama);
	if ((err = simtf_detokenize(body, &llama)) == NULL) {
		r = cJSON_Parse(jw_cstr(&llama));
		jw_obj_open(out, NULL);
		jw_str(out, "prompt",
		       cJSON_GetStringValue(cJSON_GetObjectItem(r, "content")));
		jw_obj_close(out);
		cJSON_Delete(r);
	}
	jw_free(&llama);
	return err;
}

int simtf_vllm_asks(const cJSON *body)
{
	const cJSON *k = cJSON_GetObjectItem(body, "prompt_logprobs");

	return k != NULL && !cJSON_IsNull(k);
}

/* One entry of prompt_logprobs: the id's own first, then the k most
 * likely other words, each with its rank in lp (vllm/logprobs.py). */
static void vllm_entry(jw *w, int id, const double lp[SIMLP_V], int k)
{
	int idx[SIMLP_V], rank = 1;
	char key[16];

	for (int i = 0; i < SIMLP_V; i++)
		rank += lp[i] > lp[id];
	simlp_top(lp, k, idx);
	jw_obj_open(w, NULL);
	for (int i = -1; i < k && i < SIMLP_V; i++) {
		int t = i < 0 ? id : idx[i];
		if (i >= 0 && t == id)
			continue;
		snprintf(key, sizeof key, "%d", t);
		jw_obj_open(w, key);
		jw_num(w, "logprob", lp[t], 9);
		jw_int(w, "rank", i < 0 ? rank : i + 1);
		jw_str(w, "decoded_token", simlp_word(t));
		jw_obj_close(w);
	}
	jw_obj_close(w);
}

/* A text token's entry: llmsim models no text, so it is sure of it. */
static void vllm_text_entry(jw *w, long id)
{
	char key[24], buf[64];

	snprintf(key, sizeof key, "%ld", id);
	piece(id, buf);
	jw_obj_open(w, NULL);
	jw_obj_open(w, key);
	jw_num(w, "logprob", 0, 1);
	jw_int(w, "rank", 1);
	jw_str(w, "decoded_token", buf);
	jw_obj_close(w);
	jw_obj_close(w);
}

/* The prompt_logprobs array of prompt p, its text keyed by key. */
static void vllm_prompt_lps(jw *w, const cJSON *p, uint64_t key, int k,
			    const struct simtf_opts *o, simtf_truth_fn *fn,
			    void *ctx)
{
	const cJSON *t;
	double lp[SIMLP_V];
	struct simtf_truth tr;
	int i = 0, pos = 0;

	jw_arr_open(w, "prompt_logprobs");
	cJSON_ArrayForEach(t, p)
	{
		long id = token_id(t);
		if (i++ == 0) {
			jw_null(w, NULL); /* the first prompt token's */
		} else if (id >= SIMLP_V) {
			vllm_text_entry(w, id);
		} else {
			simlp_dist(key, pos, o->noise, o->noise_key, lp);
			truth(key, pos, lp, &tr);
			tr.index = 0;
			if (fn)
				fn(ctx, &tr);
			vllm_entry(w, (int)id, lp, k);
		}
		pos += id < SIMLP_V;
	}
	jw_arr_close(w);
}

const char *simtf_vllm_completion(const cJSON *body, const char *model,
				  const struct simtf_opts *o, jw *out,
				  simtf_truth_fn *fn, void *ctx)
{
	const cJSON *p = cJSON_GetObjectItem(body, "prompt");
	const cJSON *np = cJSON_GetObjectItem(body, "prompt_logprobs");
	double lp[SIMLP_V];
	int pos, n, k;
	size_t len;
	const char *err, *data;
	uint64_t key;
	jw text;

	if (!cJSON_IsNumber(np) || np->valuedouble < 0)
		return "`prompt_logprobs` must be a positive value.";
	if (cJSON_IsTrue(cJSON_GetObjectItem(body, "stream")))
		return "`prompt_logprobs` are not available when "
		       "`stream=True`.";
	if (!cJSON_IsArray(p) || cJSON_IsArray(cJSON_GetArrayItem(p, 0)))
		return "llmsim: vLLM's prompt_logprobs are imitated for one "
		       "prompt of token ids";
	jw_init(&text);
	if ((err = split(p, &text, &pos, &n)) != NULL) {
		jw_free(&text);
		return err;
	}
	k = (int)fmin(np->valuedouble, 1e6);
	if (o->cut > 0 && o->cut < k)
		k = o->cut;
	data = jw_data(&text, &len);
	key = simlp_key(o->family, data, len);
	jw_free(&text);
	simlp_dist(key, pos, o->noise, o->noise_key, lp);
	jw_obj_open(out, NULL);
	jw_str(out, "id", "cmpl-llmsim");
	jw_str(out, "object", "text_completion");
	jw_int(out, "created", 0);
	jw_str(out, "model", model);
	jw_arr_open(out, "choices");
	jw_obj_open(out, NULL);
	jw_int(out, "index", 0);
	jw_str(out, "text", simlp_word(simlp_argmax(lp)));
	jw_null(out, "logprobs");
	jw_str(out, "finish_reason", "length");
	jw_null(out, "stop_reason");
	if (o->no_probs)
		jw_null(out, "prompt_logprobs");
	else
		vllm_prompt_lps(out, p, key, k, o, fn, ctx);
	jw_obj_close(out);
	jw_arr_close(out);
	jw_obj_open(out, "usage");
	jw_int(out, "prompt_tokens", n);
	jw_int(out, "completion_tokens", 1);
	jw_int(out, "total_tokens", n + 1);
	jw_obj_close(out);
	jw_obj_close(out);
	return NULL;
}
