/* agree: greedy agreement with a reference run from the output texts (issue
 * #25, the level of evidence every server allows, LM Studio's included):
 * the share of prompts whose first measured, successful output is the
 * reference's byte for byte, and the tokens each gets through before the
 * first byte that differs (docs/metrics.md, Greedy agreement). */
#ifndef TB_AGREE_H
#define TB_AGREE_H

#include <cJSON.h>

/* One prompt's output: its text and, per content chunk, its tokens and
 * the bytes it ended at. */
struct agree_out {
	char *prompt, *text;
	long id; /* the request it came from */
	int nchunk, capchunk;
	long *end;   /* bytes of text up to the end of chunk i */
	int *tokens; /* tokens in chunk i (1 when the server does not say) */
	int done;    /* its done event came: ok and measured */
};

struct agree_run {
	struct agree_out *out;
	int n, cap;
	int oom;
};

void agree_init(struct agree_run *r);
void agree_free(struct agree_run *r);

/* Takes one event (req, tok and done matter; others are ignored). */
void agree_event(struct agree_run *r, const cJSON *ev);

struct agree_result {
	int prompts;	      /* in both runs, with a text */
	int identical;	      /* byte for byte the reference's */
	double share, lo, hi; /* identical / prompts, Wilson 95 % */
	int diverged;	      /* prompts that differ somewhere */
	double div_median, div_p10, div_p90; /* tokens before the first
					      * differing byte, over the
					      * diverged prompts */
};

/* Compares cand with ref.  Returns 0, or -1 with the reason in why: no
 * output text on a side (gen --no-text), or no prompt in common. */
int agree_compare(const struct agree_run *ref, const struct agree_run *cand,
		  struct agree_result *out, char *why, size_t whylen);

/* The tokens of out before byte `at`: the chunks that ended at or before
 * it (what the server had sent when the texts parted). */
long agree_tokens_before(const struct agree_out *o, long at);

#endif
