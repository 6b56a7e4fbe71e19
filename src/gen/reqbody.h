/* reqbody: the JSON body of one streamed completion request. */
#ifndef TB_REQBODY_H
#define TB_REQBODY_H

#include "prompts.h"

/* What a body says beyond the prompt. */
struct reqbody_opts {
	int chat; /* /chat/completions (messages), else /completions (prompt) */
	const char *model;
	long max_tokens;    /* > 0: overrides the prompt's own */
	double temperature; /* < 0: not sent */
	long seed;	    /* < 0: not sent */
	int ignore_eos;	    /* "ignore_eos": true */
	int min_tokens; /* with ignore_eos: "min_tokens" = max_tokens (vLLM) */
	int no_cache_prompt; /* "cache_prompt": false (llama-server, llmsim) */
	const char *nonce;   /* put before the first message's text (cache
				busting); NULL: none */
	int no_stream_options; /* leave stream_options (include_usage) out */
	int ollama;    /* Ollama's native /api/chat: options.num_predict ... */
	int logprobs;  /* > 0: ask for logprobs with this many alternatives
			* (chat and Ollama: logprobs true, top_logprobs;
			* completions: logprobs K); 0: not asked */
	int token_ids; /* with logprobs: "return_tokens_as_token_ids": true,
			* each token as "token_id:N" (vLLM) */
};

/* The max_tokens a request for p asks for: the override, else the
 * prompt's, else 256. */
int reqbody_max_tokens(const struct prompt *p, long override);

/* The body, always streamed, with stream_options.include_usage unless told
 * (Ollama's native body: messages, stream, and options num_predict,
 * temperature, seed; no ignore_eos there); the caller frees it.  NULL when
 * out of memory. */
char *reqbody_build(const struct prompt *p, const struct reqbody_opts *o);

#endif
