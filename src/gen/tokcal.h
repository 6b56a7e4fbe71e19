/* tokcal: a prompt brought to exactly N tokens by the server's own count,
 * and the request latency that prefill figures leave out.  gen --bench
 * (docs/gen.md) sends a filler of some number of units, reads the
 * server's usage.prompt_tokens of a one-token request, and moves the
 * number of units until the count is exactly N: no tokenizer is assumed,
 * and the chat template's own tokens are counted as the server counts them
 * (docs/metrics.md, Community figures). */
#ifndef TB_TOKCAL_H
#define TB_TOKCAL_H

#include <stddef.h>

/* Requests at most, before a count that is not N is given up. */
#define TOKCAL_MAX 10

enum { TOKCAL_DONE = -1, TOKCAL_FAIL = -2 };

/* The search for the units that give target tokens. */
struct tokcal {
	long target;
	long units[TOKCAL_MAX], tokens[TOKCAL_MAX]; /* what was tried */
	int n;
};

void tokcal_init(struct tokcal *c, long target);

/* The units to try first: target itself (a filler unit is one token for
 * the tokenizers of llama, Qwen and GPT; the template's tokens are taken
 * off by the next step). */
long tokcal_first(const struct tokcal *c);

/* Records that units gave tokens.  Returns the units to try next (>= 0),
 * TOKCAL_DONE when tokens is the target, or TOKCAL_FAIL with the reason in
 * err (the prompt's fixed part alone is over the target, a count that no
 * number of units reaches, TOKCAL_MAX tries spent). */
long tokcal_next(struct tokcal *c, long units, long tokens, char *err,
		 size_t errlen);

/* The filler of units units: " the" each (one token in the tokenizers
 * named above, and four bytes: one token in llmsim's estimate too).
 * Returns a string the caller frees, or NULL when out of memory. */
char *tokcal_filler(long units);

/* The server's count of a prompt: POSTs body (a streamed completion
 * request asking for usage) to url and reads the last "prompt_tokens" of
 * the reply.  Returns 0 with *tokens, or -1 with the reason in err (no
 * connection, an HTTP error with the server's words, no usage). */
int tokcal_count(const char *url, const char *api_key, const char *body,
		 double timeout, long *tokens, char *err, size_t errlen);

/* The request latency, as llama-benchy's "api" mode measures it: the mean
 * of n round trips of GET url (the server's model list), in seconds; -1
 * when none answered. */
double tokcal_latency(const char *url, const char *api_key, int n);

#endif
