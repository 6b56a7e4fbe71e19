/* tokcal: a prompt brought to exactly N tokens by the server's own count,
 * and the request latency that prefill figures leave out.  gen --bench and
 * --prompt-tokens (docs/gen.md) put a filler of some number of units
 * before the prompt, count the whole request as the server does, and move
 * the number of units until the count is exactly N.  The count is the
 * server's tokenizer where it has one that counts without running the
 * prompt (llama-server's /apply-template and /tokenize), else its
 * usage.prompt_tokens of a one-token request: no tokenizer of our own is
 * assumed, and the chat template's tokens are counted as the server counts
 * them (docs/metrics.md, Exact token counts). */
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

/* The units to try first: none, so that the first count is of the
 * prompt's fixed part alone (template, nonce, question), which costs a
 * server counting by usage almost no prefill; the next try is the target
 * less that part (a filler unit is one token for the tokenizers of llama,
 * Qwen and GPT), so a usage count prefills the whole prompt once, not
 * twice. */
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

/* The server's count of the prompt of body (a request gen would send; chat
 * when chat, else completions) by its own tokenizer, without running it:
 * llama-server's POST root/apply-template of the body's messages, then POST
 * root/tokenize of that text with add_special and parse_special, as its
 * completion handlers tokenize a prompt.  root is the server's URL without
 * /v1.  Returns 0 with *tokens, or -1 with the reason in err (no such
 * endpoints: HTTP 404; no connection; a reply of another shape). */
int tokcal_tokenize(const char *root, const char *api_key, const char *body,
		    int chat, double timeout, long *tokens, char *err,
		    size_t errlen);

/* How a prompt's count was made: config.prompt_count.method. */
enum tokcal_method { TOKCAL_NONE, TOKCAL_TOKENIZE, TOKCAL_USAGE };

/* "none", "tokenize" or "usage". */
const char *tokcal_method_name(enum tokcal_method m);

/* Builds the body of a one-token request whose prompt has a filler of
 * units (tokcal_filler) before its text, making it the prompt later
 * requests send; returns a string the caller frees, NULL when out of
 * memory. */
typedef char *(*tokcal_body_fn)(long units, void *ctx);

/* Where and how to count. */
struct tokcal_how {
	const char *url;  /* the completions URL: usage.prompt_tokens */
	const char *root; /* the server's root for /tokenize; NULL: not
			   * tried (a server without it) */
	const char *api_key;
	int chat; /* the body is a chat request (messages) */
	double timeout;
	tokcal_body_fn body;
	void *ctx;
	int (*stopped)(void); /* nonzero: give up (a signal); may be NULL */
};

/* What the search came to. */
struct tokcal_result {
	enum tokcal_method method; /* the count used */
	long target;
	long units;    /* the filler that gave the target (exact) */
	long tokens;   /* the last count; -1 none */
	int requests;  /* counting requests sent */
	int exact;     /* the last count is the target */
	char why[400]; /* not exact: why, in the server's words if it gave
			* any */
};

/* Brings a prompt to target tokens: counts by /tokenize when how->root is
 * set and the server has it (the first count decides; any later failure of
 * it is the result's), else by usage; leaves the prompt of the last body
 * built at the units that gave the target.  Returns 0 when exact, else -1
 * with r->why. */
int tokcal_bring(const struct tokcal_how *how, long target,
		 struct tokcal_result *r);

/* The request latency, as llama-benchy's "api" mode measures it: the mean
 * of n round trips of GET url (the server's model list), in seconds; -1
 * when none answered. */
double tokcal_latency(const char *url, const char *api_key, int n);

#endif
