/* tfq: a quantization's quality teacher-forced (issue #25, level c): two
 * runs of gen --teacher-force fed the same token sequences, a reference
 * (the model at full precision) and a candidate, compared at every
 * position as llama-perplexity --kl-divergence compares them: mean KL
 * divergence, its 99th percentile, same top-1 and the change in perplexity
 * (docs/metrics.md, Teacher-forced quality). */
#ifndef TB_TFQ_H
#define TB_TFQ_H

#include <stddef.h>

#include <cJSON.h>

#include "tfpos.h"
#include "reqtab.h"

/* One prompt's sequence as a run fed it, and the positions read. */
struct tfq_seq {
	char *prompt;
	int *ctx, nctx, *forced, nforced;
	char *text; /* the sequence as the run's server read it back */
	int npos;
	struct tf_pos *pos;
};

/* What a run's events say of teacher forcing. */
struct tfq_run {
	char model[128], family[128];
	int tf;		    /* a teacher-forced run (config.teacher_force) */
	int asked;	    /* n_probs asked (config.logprobs) */
	long n_vocab;	    /* the server's vocabulary; -1 */
	long given[3];	    /* sequences given all, truncated, none */
	long truncated;	    /* positions cut short */
	int top_min;	    /* the shortest list; -1 */
	struct reqtab reqs; /* the run's requests by id */
	struct tfq_seq *seq;
	long nseq, capseq;
	int oom;
};

/* Starts an empty run; release with tfq_free. */
void tfq_init(struct tfq_run *r);
void tfq_free(struct tfq_run *r);

/* Takes one event (run, req and done matter; others are ignored). */
void tfq_event(struct tfq_run *r, const cJSON *ev);

/* The comparison's figures, over every position both runs read, pooled as
 * llama-perplexity pools them; each interval is 95 %. */
struct tfq_result {
	int prompts;
	long positions;
	int top_k; /* the shortest list of either run */
	int exact; /* every list the whole distribution: the KL exact */
	double kl, kl_se, kl_lo, kl_hi, kl_p99, kl_median;
	long same;
	double same_top, same_lo, same_hi; /* Wilson */
	long ppl_missing; /* positions without the forced token's logprob
			   * on a side: no perplexity when > 0 */
	double ppl_ref, ppl_cand, dppl, dppl_se, dppl_lo, dppl_hi;
	double ln_ratio, ln_ratio_se;
	int tie; /* same top-1 everywhere and 0 in Δ perplexity's interval */
	int family_checked;
};

/* Compares cand with ref.  Returns 0, or -1 with the reason in why:
 * either is not a teacher-forced run, a server gave no probabilities,
 * different families or vocabularies, or no prompt fed the same tokens in
 * both (cand made from ref: gen --teacher-force REF). */
int tfq_compare(const struct tfq_run *ref, const struct tfq_run *cand,
		struct tfq_result *out, char *why, size_t whylen);

#endif
