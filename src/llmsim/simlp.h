/* simlp: llmsim's logprob model, the truth a quantization's quality is
 * measured against: a reference distribution per output position over a
 * small vocabulary, fixed by the model family, the prompt and the position;
 * a profile's distribution is the reference's logits plus noise of a known
 * size (its logit_noise), so the true KL divergence and top-1 agreement of
 * every position are known (docs/llmsim.md, Logprobs). */
#ifndef TB_SIMLP_H
#define TB_SIMLP_H

#include <stddef.h>
#include <stdint.h>

#include "jw.h"

/* The vocabulary's size: every token of the model is one of these words. */
#define SIMLP_V 12

/* Word j of the vocabulary (a static string). */
const char *simlp_word(int j);

/* The key of a request's distributions: the family and the prompt, with a
 * leading cache-busting nonce ("[...] ", gen's) left out, so that every
 * quantization of a family and every repetition of a prompt share it. */
uint64_t simlp_key(const char *family, const char *prompt, size_t len);

/* The key of a profile's noise (its id). */
uint64_t simlp_noise_key(const char *id);

/* The log-probabilities at position pos: the reference's logits (a fixed
 * scale times near-normal draws from key and pos) plus noise times draws
 * from noise_key; noise 0 is the reference itself. */
void simlp_dist(uint64_t key, int pos, double noise, uint64_t noise_key,
		double lp[SIMLP_V]);

/* KL(p || q) in nats of two log-probability vectors. */
double simlp_kl(const double p[SIMLP_V], const double q[SIMLP_V]);

/* The index of the largest entry (the greedy token). */
int simlp_argmax(const double lp[SIMLP_V]);

/* The k (at most SIMLP_V) most likely indices of lp, most likely first. */
void simlp_top(const double lp[SIMLP_V], int k, int *idx);

/* A request's logprob model: its key, its profile's noise and noise key,
 * and the alternatives it asked for (at most SIMLP_V are given). */
struct simlp_req {
	uint64_t key, noise_key;
	double noise;
	int top;
};

/* The greedy token of position pos: the argmax of the profile's
 * distribution (whatever the temperature asked for). */
int simlp_token(const struct simlp_req *q, int pos);

/* The shapes a chunk carries logprobs in (docs/servers.md, Logprobs). */
enum simlp_shape {
	SIMLP_NONE,	/* none sent (LM Studio; mlx_lm.server's streams) */
	SIMLP_CONTENT,	/* choices[0].logprobs.content[] (OpenAI chat) */
	SIMLP_LLAMA,	/* the same with each token's "id" (llama-server) */
	SIMLP_LEGACY,	/* tokens, token_logprobs, top_logprobs (completions) */
	SIMLP_VLLM_IDS, /* SIMLP_CONTENT, every token "token_id:N" (vLLM's
			 * return_tokens_as_token_ids) */
	SIMLP_LEGACY_IDS /* SIMLP_LEGACY, likewise */
};

/* Writes "logprobs" into w's open choice for positions pos .. pos+n-1. */
void simlp_write(jw *w, enum simlp_shape shape, const struct simlp_req *q,
		 int pos, int n);

/* Writes the truth of positions 0 .. n-1 as the object "lp" into w's open
 * ground-truth line: the true KL(reference || profile) of each position,
 * the first position whose greedy tokens differ (-1: none), and over the
 * positions up to and including it, their count, mean KL and top-1
 * agreement. */
void simlp_truth(jw *w, const struct simlp_req *q, int n);

#endif
