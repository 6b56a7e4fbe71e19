/* sim: llmsim's timing model, tokenizer estimate, prefix cache and profiles. */
#ifndef TB_SIM_H
#define TB_SIM_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

/*
 * A simulated model.  The timing model (docs/llmsim.md):
 *
 *   TTFT      = ttft_s + uncached_prompt_tokens / prefill_tps
 *   decode    = one token every 1 / r(n) seconds, r(n) = decode_tps /
 *               (1 + batch_k * (n - 1)), n = streams decoding right now,
 *               each gap scaled by (1 + jitter * u), u uniform in [-1, 1]
 *   slots     = at most `slots` requests run at once (0: no limit); the
 *               rest wait in a FIFO queue, and the wait adds to TTFT
 *
 * so a concurrency sweep looks like real batching: aggregate tokens/s
 * n * r(n) rises towards decode_tps / batch_k while each stream slows.
 * decode_tps 0 means unpaced: tokens are written as fast as the client
 * reads them.
 */
struct sim_profile {
	char id[128];	    /* model id served and matched in requests */
	char name[128];	    /* human name, e.g. "MiniMax-M2.1 MLX 4-bit" */
	char family[64];    /* "MiniMax-M2.1" */
	char backend[16];   /* "mlx", "gguf" */
	char quant[16];	    /* "4bit", "Q4_K_M" */
	double load_s;	    /* model load time */
	double ttft_s;	    /* fixed part of the time to first token */
	double prefill_tps; /* prompt tokens per second; 0: instant */
	double decode_tps;  /* tokens per second of a stream alone */
	double jitter;	    /* relative jitter of token gaps, 0..1 */
	double batch_k;	    /* slowdown per extra concurrent stream */
	int slots;	    /* concurrent requests; 0: unlimited */
	double mem_gb;	    /* memory of the real model, GB */
	int ctx_size;	    /* context loaded: longer prompts are refused */
	int ctx_train; /* the model's own context, advertised; 0: ctx_size */
	double
	    kv_kb_per_token;  /* KV cache per token of a running request, KB */
	int chunk_tokens;     /* tokens per streamed chunk, >= 1 */
	int reasoning_tokens; /* tokens of reasoning before content */
	int natural_len;      /* stops by itself after this many; 0: never */
	double graded_error;  /* graded items (llmsim --graded) answered
			       * wrongly, 0..1: which ones is fixed by the
			       * item's name and this profile's id */
	double logit_noise;   /* logprob model (simlp.h): the size of the noise
			       * added to the family's reference logits; 0: the
			       * reference itself */
	double slow_after_s;  /* sustained speed: after this many seconds of
			       * llmsim's life, decode runs at slow_factor
			       * times its rate, as a throttled machine does */
	double slow_factor;   /* (0, 1]; 0 (the default) or 1: never slows */
};

/* The defaults: fast, unlimited, for tests (about 1,000 tokens/s per
 * stream, TTFT about 2 ms). */
void sim_profile_default(struct sim_profile *p);

/* Fills p from a JSON object, starting from the values already in p
 * (unknown keys are an error, to catch typos).  Returns 0, or -1 with a
 * reason in err. */
int sim_profile_from_json(struct sim_profile *p, const cJSON *obj, char *err,
			  size_t errlen);

/* Checks ranges; returns 0, or -1 with a reason in err. */
int sim_profile_check(const struct sim_profile *p, char *err, size_t errlen);

/* The simulated tokenizer's next token of text[0..n), n > 0: its length
 * in bytes.  A token is up to 4 bytes of a run of ASCII, else one
 * non-ASCII character (a byte of 0x80 or more and at most 3 continuation
 * bytes after it): CJK text is about a token a character. */
size_t sim_token_len(const char *text, size_t n);

/* Tokens in a prompt by sim_token_len (llmsim's usage and its /tokenize
 * agree), at least 1. */
int sim_prompt_tokens(const char *text, size_t n);

/* Time to first token in seconds for that many uncached prompt tokens. */
double sim_ttft(const struct sim_profile *p, int uncached_tokens);

/* Per-stream decode rate with n streams decoding at once. */
double sim_rate(const struct sim_profile *p, int n);

/* The decode rate's multiplier at life_s seconds of llmsim's life: the
 * profile's slow_factor from slow_after_s on, else 1. */
double sim_slow(const struct sim_profile *p, double life_s);

/* Gap before the next chunk of k tokens, with jitter draw u in [-1, 1]. */
double sim_gap(const struct sim_profile *p, int n, int k, double u);

/* A small deterministic generator (splitmix64). */
struct sim_rng {
	uint64_t s;
};
void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
double sim_rng_unit(struct sim_rng *r); /* uniform in [0, 1) */
double sim_rng_sym(struct sim_rng *r);	/* uniform in [-1, 1) */

/* The text of output token i of a request (a word with its leading space,
 * sometimes multi-byte UTF-8); a static string. */
const char *sim_token_text(uint64_t seed, int i);

/*
 * The prompt-prefix cache: remembers the last `cap` prompts and answers
 * how many leading bytes of a new prompt one of them shares, as
 * llama-server reuses a slot's KV cache for a common prefix.
 */
struct sim_cache;
struct sim_cache *sim_cache_new(int cap); /* NULL when out of memory */
void sim_cache_free(struct sim_cache *c);
/* Longest common prefix in bytes with any remembered prompt. */
size_t sim_cache_lookup(const struct sim_cache *c, const char *s, size_t n);
/* Remembers s (copied), evicting the oldest; returns 0 or -1 on ENOMEM. */
int sim_cache_store(struct sim_cache *c, const char *s, size_t n);

#endif
