/* tfsrc: what a teacher-forced pass feeds (gen --teacher-force RUN), read
 * from a run's events: each prompt's token sequence.  From a generation
 * run (gen --logprobs on llama-server, whose logprobs carry each token's
 * id), the first measured, successful request of each prompt: its output's
 * ids, to be forced after its prompt, which the server tokenizes again as
 * that run sent it.  From a teacher-forced run, its sequences exactly as
 * they were fed, so that every candidate is fed the reference's tokens
 * (docs/gen.md, TEACHER FORCING). */
#ifndef TB_TFSRC_H
#define TB_TFSRC_H

#include <stddef.h>

#include <cJSON.h>
#include "reqtab.h"

/* One prompt's sequence. */
struct tfsrc_seq {
	char *prompt;	    /* the prompt's name */
	long req;	    /* the source request's id (its nonce has it) */
	int *ctx, nctx;	    /* the prompt's ids; NULL from a generation run */
	int *forced;	    /* the tokens the positions go on with */
	int nforced;	    /* > 0 */
	long prompt_tokens; /* the source's usage.prompt_tokens; -1 */
	char *text;	    /* a teacher-forced run's sequence as its server
			     * read it back (/detokenize); NULL */
};

/* What a run's events say of its sequences. */
struct tfsrc {
	char run_id[64], model[128], family[128], api[16];
	int cache_bust;	    /* its requests began with gen's nonce */
	int simulated;	    /* its server was llmsim */
	long n_vocab;	    /* its server's vocabulary; -1 when not told */
	int teacher_forced; /* it is itself a teacher-forced run */
	int ids_asked;	    /* made with gen --token-ids */
	char kind[16];	    /* its server's kind ("vllm", ...); "" */
	struct tfsrc_seq *seq;
	int nseq, capseq;
	struct reqtab reqs; /* the run's requests by id */
	long no_ids;	    /* measured, successful requests whose output came
			     * without every token's id */
	int oom;
};

/* Starts an empty source; release with tfsrc_free. */
void tfsrc_init(struct tfsrc *s);
void tfsrc_free(struct tfsrc *s);

/* Takes one event (run, req and done matter; others are ignored). */
void tfsrc_event(struct tfsrc *s, const cJSON *ev);

/* After the last event: 0 when there is something to feed, else -1 with
 * the reason in why (no run event, out of memory, no request with token
 * ids: how to make one). */
int tfsrc_check(const struct tfsrc *s, char *why, size_t whylen);

#endif
