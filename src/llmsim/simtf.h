/* simtf: llmsim's answers to a teacher-forced pass (issue #25, level c), in
 * llama-server's shapes: POST /completion with a prompt of token ids and
 * n_probs, /tokenize, /detokenize and /apply-template.  Its vocabulary is
 * the logprob model's words (ids 0 .. SIMLP_V-1) and the text tokens of
 * lib/sim's tokenizer (sim_token_len: up to 4 ASCII bytes, or one
 * non-ASCII character), so that /tokenize counts a text as llmsim's usage
 * does; a text token's id is SIMLP_V + its bytes packed (simtf.c).  A
 * prompt is its text's tokens, then the output's words, and the distribution of
 * the next token is the one the logprob model gives that output position
 * (src/llmsim/simlp), so every figure of the pass has a known truth
 * (docs/llmsim.md, TEACHER FORCING).  Pure: bodies in, replies out. */
#ifndef TB_SIMTF_H
#define TB_SIMTF_H

#include <stdint.h>

#include <cJSON.h>

#include "jw.h"
#include "simlp.h"

/* The vocabulary's size (/v1/models meta.n_vocab). */
#define SIMTF_VOCAB (SIMLP_V + (1L << 29))

/* POST /tokenize {"content": text}: {"tokens": [its text tokens' ids]} (no
 * BOS: add_special has nothing to add).  NULL, or why the body is refused
 * (400); out holds the reply. */
const char *simtf_tokenize(const cJSON *body, jw *out);

/* POST /detokenize {"tokens": [ids]}: {"content": the bytes and words}. */
const char *simtf_detokenize(const cJSON *body, jw *out);

/* POST /apply-template {"messages": [...]}: {"prompt": the messages'
 * texts as llmsim's chat completions read them (src/llmsim/simwire)}, so
 * that the prompt's tokens key the same distributions as the chat did. */
const char *simtf_apply_template(const cJSON *body, jw *out);

/* How a /completion is answered: the loaded profile's logprob model, and
 * the faults a client must notice (llmsim --fault no-probs, probs-cut:N). */
struct simtf_opts {
	const char *family;
	double noise;
	uint64_t noise_key;
	int no_probs; /* completion_probabilities left out */
	int cut;      /* at most this many alternatives; 0: as asked */
};

/* The truth of one prompt (position pos of its output): the true KL of the
 * reference's distribution to the profile's, whether their argmaxes agree,
 * and the negative log-probability of the reference's greedy token (the
 * token a pass fed from a reference run goes on with) under each. */
struct simtf_truth {
	int index, pos;
	double kl;
	int same_top;
	double nll_ref, nll_cand;
};
typedef void simtf_truth_fn(void *ctx, const struct simtf_truth *t);

/*
 * POST /completion: "prompt" an array of ids (one prompt: the reply is
 * one result object) or an array of such arrays (a result each, in an
 * array), each a byte prompt then output words; "n_probs" K.  Each result
 * is llama-server's (index, content, tokens, stop_type "limit",
 * tokens_predicted 1, tokens_evaluated, completion_probabilities with the
 * argmax and the K most likely words of the profile's distribution,
 * timings).  fn (may be NULL) gets each prompt's truth.  NULL, or why the
 * body is refused (400, llama-server's words for a token out of the
 * vocabulary: "Prompt contains invalid tokens").
 */
const char *simtf_completion(const cJSON *body, const struct simtf_opts *o,
			     jw *out, simtf_truth_fn *fn, void *ctx);

/*
 * vLLM's shapes of the same (llmsim --as vllm; docs/servers.md, Teacher
 * forcing).  POST /tokenize {"messages": [...]} (the chat's prompt as
 * simtf_apply_template renders it) or {"prompt": text}: {"count",
 * "max_model_len" (max_len), "tokens"}.  POST /detokenize {"tokens"}:
 * {"prompt"}.  NULL, or why the body is refused (400).
 */
const char *simtf_vllm_tokenize(const cJSON *body, long max_len, jw *out);
const char *simtf_vllm_detokenize(const cJSON *body, jw *out);

/* Whether a /v1/completions body asks for prompt_logprobs (vLLM's
 * teacher-forcing request), which simtf_vllm_completion answers. */
int simtf_vllm_asks(const cJSON *body);

/*
 * POST /v1/completions with "prompt" token ids (a byte prompt then output
 * words) and "prompt_logprobs" K, not streamed: vLLM's reply, one choice
 * whose "prompt_logprobs" has an entry per prompt token (null for the
 * first): an object of token ids to {"logprob", "rank",
 * "decoded_token"}, the prompt token's own first, then the K most likely
 * (vllm/logprobs.py); a text token's entry is its id at logprob 0 (llmsim
 * models no text), an output word's is the profile's distribution at its
 * position.  fn gets each output word's truth.  NULL, or why refused.
 */
const char *simtf_vllm_completion(const cJSON *body, const char *model,
				  const struct simtf_opts *o, jw *out,
				  simtf_truth_fn *fn, void *ctx);

#endif
