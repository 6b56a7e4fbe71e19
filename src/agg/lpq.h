/* lpq: a quantization's quality from logprobs (issue #25, level b): the
 * per-prompt greedy outputs of a candidate run and a reference run of the
 * same model, compared position by position up to the first divergence
 * (docs/metrics.md, Logprob agreement). */
#ifndef TB_LPQ_H
#define TB_LPQ_H

#include <cJSON.h>

#include "lprob.h"
#include "reqtab.h"

/* One prompt's output: the first measured, successful request's logprobs. */
struct lpq_seq {
	char *prompt;
	int n;
	struct lp_pos *pos;
};

/* What one run's events say of logprobs. */
struct lpq_run {
	char model[128], model_id[128], family[128];
	int asked;	    /* the run's config.logprobs; 0: not asked */
	long given[3];	    /* measured ok requests: all, partial, none */
	int top_min;	    /* the shortest top list given; -1: none */
	struct reqtab reqs; /* the run's requests by id */
	struct lpq_seq *seq;
	int nseq, capseq;
	int oom;
};

/* Starts an empty run; release with lpq_free. */
void lpq_init(struct lpq_run *r);
void lpq_free(struct lpq_run *r);

/* Takes one event (run, req and done matter; others are ignored). */
void lpq_event(struct lpq_run *r, const cJSON *ev);

/* The comparison's figures.  Means are over prompts (each prompt one
 * value: its positions' mean), with Student's t 95 % intervals over
 * prompts; p99 is the nearest-rank percentile of every compared
 * position's KL. */
struct lpq_result {
	int prompts;	/* compared (in both runs, with logprobs) */
	long positions; /* compared positions, all prompts */
	int top_k;	/* the shortest top list of either run */
	double top1, top1_lo, top1_hi;
	double kl, kl_lo, kl_hi, kl_p99;
	int diverged;	    /* prompts whose outputs differ somewhere */
	double div_median;  /* tokens before the first divergence, median
			     * (a prompt without one counts its length) */
	int family_checked; /* both runs named a family label */
};

/* Compares cand with ref.  Returns 0, or -1 with the reason in why: no
 * logprobs on either side, no prompt in common, different families
 * (label family), or vocabularies that do not meet (the candidate's first
 * token is in the reference's top list for fewer than half the prompts). */
int lpq_compare(const struct lpq_run *ref, const struct lpq_run *cand,
		struct lpq_result *out, char *why, size_t whylen);

#endif
