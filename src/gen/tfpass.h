/* tfpass: a teacher-forced pass (gen --teacher-force, issue #25 level c)
 * over llama-server or vLLM.  A prompt tokenized as a generation run's
 * server read it (llama-server: its chat template by /apply-template, then
 * /tokenize; vLLM: /tokenize with the messages), a sequence's positions
 * fed (llama-server: to /completion, the batch's positions at a time on
 * one slot; vLLM: the whole sequence as one /v1/completions prompt with
 * prompt_logprobs; lib/tfpos), the sequence read back as text
 * (/detokenize) for the vocabulary check, and the done event's tf object
 * (docs/events.md).  One request at a time on one kept-alive connection. */
#ifndef TB_TFPASS_H
#define TB_TFPASS_H

#include <signal.h>
#include <stddef.h>

#include <curl/curl.h>

#include "jw.h"
#include "tfpos.h"

/* Positions per llama-server /completion request, unless gen --tf-batch
 * says otherwise: the prompts of one request share a slot and its prefix
 * cache; more per request spare round trips, fewer keep a long context's
 * body small (docs/perf.md, Teacher forcing). */
#define TFPASS_BATCH 64

struct tfpass {
	CURL *easy;
	struct curl_slist *hdrs;
	char root[1100]; /* the server's root: /completion is beside /v1 */
	const char *model;
	int k;		/* n_probs asked */
	long n_vocab;	/* the server's; -1 when not told */
	double timeout; /* each request's, s */
	int vllm;	/* vLLM's shapes, not llama-server's */
	int batch;	/* llama-server: positions per request */
	jw reply;
};

/* Sets p up for the server at root (no trailing slash), asking k
 * alternatives, in llama-server's shapes, TFPASS_BATCH positions a request
 * (set vllm and batch after it to change them); the API key (may be
 * empty) goes only into a header.
 * Returns 0, or -1 when libcurl cannot be set up. Release with
 * tfpass_free. */
int tfpass_init(struct tfpass *p, const char *root, const char *api_key,
		const char *model, int k, long n_vocab, double timeout);
void tfpass_free(struct tfpass *p);

/* The ids of a prompt as the server's completions read it: a chat request
 * body (chat_body, messages with the run's nonce) rendered by
 * /apply-template, or a completions prompt (text), tokenized with
 * /tokenize as the completions do (BOS added, special tokens parsed).  0
 * with *ids (the caller frees) and *n, or -1 with why. */
int tfpass_tokens(struct tfpass *p, const char *chat_body, const char *text,
		  int **ids, int *n, char *why, size_t whylen);

/* The ids as text, by the server's /detokenize: 0 with *text (the caller
 * frees), or -1 with why. */
int tfpass_text(struct tfpass *p, const int *ids, int n, char **text, char *why,
		size_t whylen);

/* One sequence's pass. */
struct tfpass_out {
	int status; /* an enum formats_status */
	long http;  /* the last reply's status */
	char err[400];
	int npos;	    /* positions read */
	struct tf_pos *pos; /* npos, owned */
	int noprobs;	    /* the server gave no probabilities */
	int truncated;	    /* positions whose list was cut short */
	int top_min;	    /* the shortest list; -1 */
	long requests;	    /* /completion requests made */
};

/* Feeds the positions of ctx then forced (nforced of them), stopping at
 * the first failure, a reply without probabilities, or *stop. */
void tfpass_run(struct tfpass *p, const int *ctx, int nctx, const int *forced,
		int nforced, volatile sig_atomic_t *stop, struct tfpass_out *o);
void tfpass_out_free(struct tfpass_out *o);

/* Writes the done event's "tf" object: the source's run and request,
 * ctx, forced, text (may be NULL), what was asked and given, and each
 * position's alternatives (docs/events.md). */
void tfpass_write(jw *w, const char *source_run, long source_req,
		  const int *ctx, int nctx, const int *forced, int nforced,
		  const char *text, int asked, const struct tfpass_out *o);

#endif
