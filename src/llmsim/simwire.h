/* simwire: what llmsim reads from a request, pure: its fault specs
 * (--fault, X-Sim-Fault) and the fields of a completion request. */
#ifndef TB_SIMWIRE_H
#define TB_SIMWIRE_H

#include <cJSON.h>

#include "jw.h"

/* The faults llmsim can inject (docs/llmsim.md, FAULTS). */
enum simwire_fault_kind {
	F_NONE,
	F_HTTP,
	F_RESET,
	F_MALFORMED,
	F_STALL,
	F_SLOW_HEADERS,
	F_ENDLESS,
	F_WRONG_CTYPE,
	F_ERROR_IN_STREAM,
	F_NO_DONE,
	/* servers whose figures cannot be trusted (check-server's cases) */
	F_USAGE_EXTRA,
	F_EARLY_TOKEN,
	F_STICKY_CACHE,
	F_BUFFERED,
	/* teacher forcing (/completion with n_probs): a server that ignores
	 * n_probs, or cuts the alternatives short */
	F_NO_PROBS,
	F_PROBS_CUT,
	/* a vLLM that ignores return_tokens_as_token_ids */
	F_NO_TOKEN_IDS
};

struct simwire_fault {
	enum simwire_fault_kind kind;
	int code;    /* F_HTTP: 400-599 */
	int at;	     /* after this many tokens */
	double secs; /* stall, slow headers; Retry-After for 429 */
	char text[64];
};

/* Parses "http500", "http429:2s", "reset:3", "malformed:2", "stall:2:1s",
 * "slow-headers:1s", "endless", "wrong-ctype", "error:2", "no-done",
 * "usage-extra:1", "early-token", "sticky-cache", "buffered", "no-probs",
 * "probs-cut:3", "no-token-ids".
 * Returns 0, or -1 (f is then cleared). */
int simwire_fault_parse(const char *spec, struct simwire_fault *f);

/* A completion request's fields as llmsim uses them. */
struct simwire_req {
	int max_tokens;	   /* max_tokens or max_completion_tokens; 256 */
	int stream;	   /* "stream" */
	int include_usage; /* stream_options.include_usage */
	int ignore_eos;
	int cache_prompt;  /* llama-server's "cache_prompt", default 1 */
	const char *model; /* NULL when absent; belongs to the body */
	int lp_asked;	   /* logprobs asked for: chat "logprobs": true,
			    * completions "logprobs": K, or "n_probs" > 0 */
	int lp_top;	   /* alternatives asked per position (top_logprobs,
			    * the completions' K, n_probs) */
	int lp_ids;	   /* vLLM's "return_tokens_as_token_ids": true */
	jw prompt;	   /* the text of every message, or the prompt */
};

/* Reads body (chat: messages, else prompt).  Returns NULL, or the
 * reason the body is refused (400).  Release q with simwire_req_free either
 * way. */
const char *simwire_req_parse(const cJSON *body, int chat,
			      struct simwire_req *q);
void simwire_req_free(struct simwire_req *q);

#endif
