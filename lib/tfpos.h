/* tfpos: teacher-forced positions (issue #25, level c).  The llama-server
 * /completion request that feeds a sequence of token ids and asks for the
 * next token's n_probs most likely alternatives, the distribution each
 * reply gives, the form the done event keeps it in, and two distributions
 * of one position compared (docs/metrics.md, Teacher-forced quality). */
#ifndef TB_TFPOS_H
#define TB_TFPOS_H

#include <stddef.h>

#include <cJSON.h>

#include "jw.h"

/* A list of alternatives whose probabilities sum to within this of 1 is
 * the whole distribution, however short it is (llmsim's vocabulary of
 * words, a model sure of its next token). */
#define TF_MASS_TOL 1e-5

struct tf_alt {
	int id;	   /* the token's id in the model's vocabulary */
	double lp; /* natural log of its probability */
};

/* One position: the alternatives the server gave for the next token, in
 * the order given, and the log-probability of the token the sequence
 * goes on with (the forced token) when it is one of them. */
struct tf_pos {
	int n;
	struct tf_alt *top; /* n alternatives, owned: tf_pos_free */
	int has_lp;	    /* the forced token is among them */
	double lp;	    /* its log-probability */
};

/* Frees p's alternatives and empties it. */
void tf_pos_free(struct tf_pos *p);

/*
 * The body of one /completion request for count positions of a sequence
 * from position from on: one prompt per position j, the token ids ctx[0 ..
 * nctx) then forced[0 .. j), each asking for one token with its k most
 * likely alternatives before sampling ("n_probs"), the prompt cache on (a
 * position's prompt is the previous one and one token more), temperature
 * 0, on the server's slot slot (< 0: any).  The caller frees the string;
 * NULL when out of memory.
 */
char *tf_body(const char *model, const int *ctx, int nctx, const int *forced,
	      int from, int count, int k, int slot);

enum tf_reply_status {
	TF_OK,	    /* every position read */
	TF_NOPROBS, /* a result without completion_probabilities: the server
		     * ignored n_probs */
	TF_BAD	    /* not the shape of a reply to tf_body */
};

/*
 * Reads the reply to a tf_body of count positions (one result object, or
 * an array of them, each placed by its "index") into pos[0 .. count),
 * which the caller frees with tf_pos_free: each result's
 * completion_probabilities[0].top_logprobs (logprob, or prob with
 * post_sampling_probs), and the log-probability of forced[i], the token
 * position i goes on with, where it is listed.  Returns a tf_reply_status;
 * why says what is wrong.
 */
int tf_reply(const cJSON *reply, const int *forced, int count,
	     struct tf_pos *pos, char *why, size_t whylen);

/*
 * The body of vLLM's teacher-forced request for a whole sequence (its
 * OpenAI-compatible /v1/completions, docs/servers.md, Teacher forcing):
 * the prompt the token ids ctx[0 .. nctx) then forced[0 .. nforced), one
 * token generated ("max_tokens" 1: vLLM generates at least one),
 * "prompt_logprobs" k (the log-probability of every prompt token given its
 * prefix, with the k most likely alternatives), temperature 0, not
 * streamed (vLLM gives prompt_logprobs only to a reply that is not).  The
 * caller frees the string; NULL when out of memory.
 */
char *tf_vllm_body(const char *model, const int *ctx, int nctx,
		   const int *forced, int nforced, int k);

/*
 * Reads the reply to a tf_vllm_body into pos[0 .. nforced), which the
 * caller frees with tf_pos_free: choices[0].prompt_logprobs[nctx + i], an
 * object of token ids (as strings) to {"logprob", "rank", ...}, for the
 * distribution of position i (the entry of prompt token forced[i] given
 * what precedes it; the first prompt token's entry is null).  The
 * alternatives are the entries of rank 1 .. k, in rank order; the forced
 * token's log-probability is its own entry, which vLLM gives whatever its
 * rank.  Returns a tf_reply_status (TF_NOPROBS: no prompt_logprobs, the
 * server ignored it); why says what is wrong.
 */
int tf_vllm_reply(const cJSON *reply, int nctx, const int *forced, int nforced,
		  int k, struct tf_pos *pos, char *why, size_t whylen);

/* Writes p as one element of the done event's tf.content:
 * {"lp": the forced token's logprob or null, "top": [[id, logprob], ...]}. */
void tf_pos_write(jw *w, const struct tf_pos *p);

/* Reads what tf_pos_write wrote into p (freed with tf_pos_free); 0, or -1
 * when o is not of that form. */
int tf_pos_read(const cJSON *o, struct tf_pos *p);

/* The probability mass of p's alternatives. */
double tf_mass(const struct tf_pos *p);

/* The id of p's most likely alternative (the smallest id among equals, as
 * llama-perplexity's scan of the vocabulary finds it); -1 when none. */
int tf_argmax(const struct tf_pos *p);

/* Whether p is cut short: fewer alternatives than asked and than the
 * vocabulary has (n_vocab <= 0: not known), and not the whole mass. */
int tf_truncated(const struct tf_pos *p, int asked, long n_vocab);

/*
 * KL(ref || cand) in nats over a partition of the vocabulary: one cell per
 * token in both lists, one bucket for everything else (each side's mass
 * outside those cells, floored at 1e-12).  Exact when both lists are the
 * whole distribution (n_probs = the vocabulary), and a lower bound of the
 * true KL otherwise (coarse-graining never raises a KL divergence;
 * docs/metrics.md).
 */
double tf_kl(const struct tf_pos *ref, const struct tf_pos *cand);

#endif
