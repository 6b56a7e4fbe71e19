/* simlp: llmsim's logprob model (see simlp.h). */
#include "simlp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"

/* The reference logits' scale: with near-normal draws, the most likely
 * word takes about half the mass, as a confident model's does. */
#define SIMLP_SCALE 2.5

static const char *const words[SIMLP_V] = {
    " the", " model", " token", " stream",  " of",   " and",
    " to",  " a",     " quick", " latency", " 量子", " café",
};

const char *simlp_word(int j)
{
	return j >= 0 && j < SIMLP_V ? words[j] : "";
}

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

uint64_t simlp_key(const char *family, const char *prompt, size_t len)
{
	const char *e = len > 0 && prompt[0] == '['
			    ? memchr(prompt, ']', len < 128 ? len : 128)
			    : NULL;

	if (e != NULL) { /* gen's nonce, "[RUN-ID] ", is not the prompt */
		e += e + 1 < prompt + len && e[1] == ' ' ? 2 : 1;
		len -= (size_t)(e - prompt);
		prompt = e;
	}
	return fnv(fnv(1469598103934665603ull, family, strlen(family)) ^
		       0x5bd1e995u,
		   prompt, len);
}

uint64_t simlp_noise_key(const char *id)
{
	return fnv(0x9e3779b97f4a7c15ull, id, strlen(id));
}

/* A draw of mean 0 and variance 1 (the sum of three uniforms, scaled). */
static double near_normal(uint64_t key, int pos, int j)
{
	struct sim_rng r;
	double s = 0;

	sim_rng_seed(&r, key ^ ((uint64_t)pos * 0x2545f4914f6cdd1dull) ^
			     ((uint64_t)(j + 1) * 0x9e3779b97f4a7c15ull));
	for (int i = 0; i < 3; i++)
		s += sim_rng_sym(&r);
	return s; /* each uniform in [-1, 1) has variance 1/3 */
}

void simlp_dist(uint64_t key, int pos, double noise, uint64_t noise_key,
		double lp[SIMLP_V])
{
	double max = -INFINITY, sum = 0;
	int j;

	for (j = 0; j < SIMLP_V; j++) {
		lp[j] = SIMLP_SCALE * near_normal(key, pos, j);
		if (noise > 0)
			lp[j] += noise * near_normal(noise_key, pos, j);
		if (lp[j] > max)
			max = lp[j];
	}
	for (j = 0; j < SIMLP_V; j++)
		sum += exp(lp[j] - max);
	for (j = 0; j < SIMLP_V; j++)
		lp[j] -= max + log(sum);
}

double simlp_kl(const double p[SIMLP_V], const double q[SIMLP_V])
{
	double kl = 0;

	for (int j = 0; j < SIMLP_V; j++)
		kl += exp(p[j]) * (p[j] - q[j]);
	return kl;
}

int simlp_argmax(const double lp[SIMLP_V])
{
	int best = 0;

	for (int j = 1; j < SIMLP_V; j++)
		if (lp[j] > lp[best])
			best = j;
	return best;
}

void simlp_top(const double lp[SIMLP_V], int k, int *idx)
{
	int used[SIMLP_V] = {0};

	if (k > SIMLP_V)
		k = SIMLP_V;
	for (int i = 0; i < k; i++) {
		int best = -1;
		for (int j = 0; j < SIMLP_V; j++)
			if (!used[j] && (best < 0 || lp[j] > lp[best]))
				best = j;
		used[best] = 1;
		idx[i] = best;
	}
}

int simlp_token(const struct simlp_req *q, int pos)
{
	double lp[SIMLP_V];

	simlp_dist(q->key, pos, q->noise, q->noise_key, lp);
	return simlp_argmax(lp);
}

/* Token j as a shape writes it: its word, or vLLM's "token_id:N" (its
 * return_tokens_as_token_ids) into buf. */
static const char *tok_text(enum simlp_shape shape, int j, char *buf,
			    size_t len)
{
	if (shape != SIMLP_VLLM_IDS && shape != SIMLP_LEGACY_IDS)
		return simlp_word(j);
	snprintf(buf, len, "token_id:%d", j);
	return buf;
}

/* One alternative's fields: id (llama-server), token, logprob, bytes. */
static void alt_fields(jw *w, int j, double lp, enum simlp_shape shape)
{
	char buf[32];
	const char *t = tok_text(shape, j, buf, sizeof buf);

	if (shape == SIMLP_LLAMA)
		jw_int(w, "id", j);
	jw_str(w, "token", t);
	jw_num(w, "logprob", lp, 6);
	jw_arr_open(w, "bytes");
	for (; *t; t++)
		jw_int(w, NULL, (unsigned char)*t);
	jw_arr_close(w);
}

static void write_content(jw *w, const struct simlp_req *q, int pos, int n,
			  enum simlp_shape shape)
{
	double lp[SIMLP_V];
	int idx[SIMLP_V];

	jw_obj_open(w, "logprobs");
	jw_arr_open(w, "content");
	for (int i = 0; i < n; i++) {
		simlp_dist(q->key, pos + i, q->noise, q->noise_key, lp);
		simlp_top(lp, q->top, idx);
		jw_obj_open(w, NULL);
		alt_fields(w, simlp_argmax(lp), lp[simlp_argmax(lp)], shape);
		jw_arr_open(w, "top_logprobs");
		for (int k = 0; k < q->top && k < SIMLP_V; k++) {
			jw_obj_open(w, NULL);
			alt_fields(w, idx[k], lp[idx[k]], shape);
			jw_obj_close(w);
		}
		jw_arr_close(w);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

static void write_legacy(jw *w, const struct simlp_req *q, int pos, int n,
			 enum simlp_shape shape)
{
	double lp[SIMLP_V];
	int idx[SIMLP_V], i;
	char buf[32];

	jw_obj_open(w, "logprobs");
	jw_arr_open(w, "tokens");
	for (i = 0; i < n; i++)
		jw_str(
		    w, NULL,
		    tok_text(shape, simlp_token(q, pos + i), buf, sizeof buf));
	jw_arr_close(w);
	jw_arr_open(w, "token_logprobs");
	for (i = 0; i < n; i++) {
		simlp_dist(q->key, pos + i, q->noise, q->noise_key, lp);
		jw_num(w, NULL, lp[simlp_argmax(lp)], 6);
	}
	jw_arr_close(w);
	jw_arr_open(w, "top_logprobs");
	for (i = 0; i < n; i++) {
		simlp_dist(q->key, pos + i, q->noise, q->noise_key, lp);
		simlp_top(lp, q->top, idx);
		jw_obj_open(w, NULL);
		for (int k = 0; k < q->top && k < SIMLP_V; k++)
			jw_num(w, tok_text(shape, idx[k], buf, sizeof buf),
			       lp[idx[k]], 6);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

void simlp_write(jw *w, enum simlp_shape shape, const struct simlp_req *q,
		 int pos, int n)
{
	if (shape == SIMLP_LEGACY || shape == SIMLP_LEGACY_IDS)
		write_legacy(w, q, pos, n, shape);
	else if (shape != SIMLP_NONE)
		write_content(w, q, pos, n, shape);
}

void simlp_truth(jw *w, const struct simlp_req *q, int n)
{
	double ref[SIMLP_V], cand[SIMLP_V], sum = 0;
	int first = -1, agree = 0, m;

	jw_obj_open(w, "lp");
	jw_int(w, "top", q->top);
	jw_num(w, "noise", q->noise, 6);
	jw_arr_open(w, "kl");
	for (int i = 0; i < n; i++) {
		simlp_dist(q->key, i, 0, 0, ref);
		simlp_dist(q->key, i, q->noise, q->noise_key, cand);
		jw_num(w, NULL, simlp_kl(ref, cand), 9);
		if (first < 0 || i <= first) {
			sum += simlp_kl(ref, cand);
			agree += simlp_argmax(ref) == simlp_argmax(cand);
		}
		if (first < 0 && simlp_argmax(ref) != simlp_argmax(cand))
			first = i;
	}
	jw_arr_close(w);
	m = first >= 0 ? first + 1 : n;
	jw_int(w, "first_div", first);
	jw_int(w, "n", m);
	jw_num(w, "kl_mean", m > 0 ? sum / m : 0, 9);
	jw_num(w, "top1", m > 0 ? (double)agree / m : 1, 6);
	jw_obj_close(w);
}
