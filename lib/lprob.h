/* lprob: one output position's log-probabilities as servers send them
 * (every shape in docs/servers.md, "Logprobs"), as events carry them, and
 * the figures of two positions with the same context: top-1 agreement and
 * a KL divergence estimated from the top-K lists. */
#ifndef TB_LPROB_H
#define TB_LPROB_H

#include <cJSON.h>

#include "jw.h"

/* The most alternatives kept per position (OpenAI's top_logprobs limit). */
#define LP_TOPMAX 20
/* Token text kept, bytes with the NUL: longer tokens are cut (rare; two
 * cut tokens that share 63 bytes would compare equal). */
#define LP_TOKLEN 64

struct lp_alt {
	char tok[LP_TOKLEN];
	double lp; /* natural log of its probability */
	int id;	   /* the token's id in the vocabulary where the server
		    * gives it (llama-server's "id"); -1 when not */
};

/* One output position: the token the server chose and the top
 * alternatives it gave, in the order given (not always sorted: mlx_lm). */
struct lp_pos {
	struct lp_alt tok;
	int ntop;
	struct lp_alt top[LP_TOPMAX];
};

/* Called for each position found, in order. */
typedef void lp_pos_fn(void *ctx, const struct lp_pos *p);

/*
 * The positions a streamed chunk carries, from choice (choices[0], may be
 * NULL) and root (the whole chunk): choice.logprobs.content[] (OpenAI chat;
 * llama-server chat and completions; Ollama /v1/chat), choice.logprobs
 * .tokens/token_logprobs/top_logprobs (OpenAI and vLLM completions),
 * root.completion_probabilities[] (llama-server /completion, with
 * prob/top_probs when post_sampling_probs), root.logprobs[] (Ollama's
 * native /api/chat).  Returns the number of positions, or -1 when the
 * chunk carries no logprobs at all (absent or null).
 */
int lp_parse(const cJSON *choice, const cJSON *root, lp_pos_fn *fn, void *ctx);

/* Writes p as one array element of the done event's logprobs.content:
 * {"t": token, "id": its id (only when known), "lp": logprob,
 * "top": [[token, logprob], ...]}. */
void lp_write(jw *w, const struct lp_pos *p);

/* Reads what lp_write wrote (p->tok.id -1 without "id"); returns 0, or -1
 * when o is not of that form. */
int lp_read(const cJSON *o, struct lp_pos *p);

/* The index of p's most likely alternative (its own token when it has no
 * list); -1 for neither. */
int lp_argmax(const struct lp_pos *p);

/* Whether the two positions' most likely tokens are the same. */
int lp_top1_agree(const struct lp_pos *ref, const struct lp_pos *cand);

/*
 * KL(ref || cand) in nats over a partition of the vocabulary: one cell per
 * token in both top lists, one bucket for everything else (each side's
 * mass outside those tokens).  A coarse-graining never raises a KL
 * divergence, so this is at most the true one (docs/metrics.md).  A
 * bucket of mass below 1e-12 on either side is taken as 1e-12.
 */
double lp_kl_topk(const struct lp_pos *ref, const struct lp_pos *cand);

#endif
