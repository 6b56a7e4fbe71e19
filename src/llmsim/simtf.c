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
