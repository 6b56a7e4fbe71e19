/* evacc: the events of one run (gen's and memsample's NDJSON), accumulated
 * per request as they are read: its times, tokens, chunk gaps (folded
 * into ITL histograms when it ends) and verdicts, per prompt the values
 * its requests contribute, and the memory and power samples.  agg computes the
 * run's figures from it (docs/metrics.md).  Memory grows with the input,
 * never with a number inside it.  Library code: errors are returned, and
 * skipped lines reported through a callback. */
#ifndef TB_EVACC_H
#define TB_EVACC_H

#include <regex.h>
#include <stddef.h>

#include <cJSON.h>

#include "memfig.h"
#include "powfig.h"
#include "stats.h"

/* One request, found by its id. */
struct req {
	long id;
	int seen_req, seen_done, warmup, prompt, rep, http;
	int status; /* an enum formats_status; -1: no done */
	double t_send, t_sched, t_done, t_first_event, t_headers;
	double t_first_tok, t_first_content, t_last_tok, t_prev_tok;
	long tok_chunks; /* token-carrying chunks seen */
	float *gaps;	 /* chunk gaps, kept until done */
	size_t ngaps, capgaps;
	long out_tokens, content, reasoning, tool, chunk_tokens;
	long prompt_tokens, max_tokens;
	int from_usage;
	int natural_stop;		/* finish "stop": the model ended it */
	double srv_decode, srv_prefill; /* server-reported tokens/s */
	int quality;			/* -1 unchecked, 0 fail, 1 pass */
	int graded;	 /* its answer: -1 not graded, 0 wrong, 1 right */
	int timeout;	 /* an enum formats_timeout; -1: none */
	const char *bad; /* why its events cannot be trusted, or NULL */
};

/* Per prompt: the values its requests contribute. */
struct prompt_acc {
	char *name, *category, *expect;
	regex_t rx;
	int has_rx;
	cJSON *answer;	      /* a graded item's answer (grade.h), or NULL */
	long graded, correct; /* measured requests graded, answered right */
	struct stats_vec ttft, ttfo, decode, e2e, prefill, out_tokens;
	struct stats_vec prompt_tokens;
	struct stats_hist itl;
	long n, ok, checked, passed;
	long synthetic_tokens; /* > 0: a context-stress prompt */
	char *sample;	       /* the first successful output */
	long sample_chars, sample_tokens;
};

struct evacc {
	int strict; /* an invalid event is an error, not a skip */
	/* told of each skipped line (may be NULL) */
	void (*warn)(void *ctx, const char *file, long line, const char *why);
	void *ctx;
	/* the requests, densely in order of first sight (evacc_sort orders
	 * them by id), and a hash of id -> index + 1 */
	struct req *reqs;
	long n_reqs, n_reqs_cap;
	long *req_slots;
	size_t n_slots;
	struct prompt_acc *prompts;
	int n_prompts;
	cJSON *run_ev, *end_ev, *load_ev; /* copies; NULL when absent */
	/* memsample --page-cache-event: the earliest and latest by time
	 * (copies; NULL when absent; the same one when there is one) */
	cJSON *pc_first, *pc_last;
	char run_id[128];
	struct memfig_sample
	    *mem; /* the samples with a process or GPU figure */
	size_t n_mem, cap_mem;
	const char *mem_kind;	/* which process figure is "memory" */
	struct memfig_sys *sys; /* the samples with a system figure */
	size_t n_sys, cap_sys;
	size_t n_samples;	   /* memory samples with any figure */
	struct powfig_sample *pow; /* memsample --power's samples */
	size_t n_pow, cap_pow;
	cJSON *pow_unknown;	/* the sources that gave nothing, and why */
	char pow_total_of[256]; /* the sources of w_total, "a+b" */
	char *pow_names[16];	/* temperature sources, by index */
	int n_pow_names;
	char pow_throttled_by[80]; /* the first source that said so */
	long n_events, n_invalid, n_unknown;
	struct stats_hist itl_all;
	double t_min, t_max;   /* the events' span (mem events aside) */
	char err[300];	       /* the first fatal error, "file:line: why" */
	char first_error[300]; /* the first failed measured request: "status:
				  message" */
};

void evacc_init(struct evacc *a, int strict);

/* Takes one event read from file at line.  Returns 0, or -1 with a->err
 * set: a newer format, a second run, an id that is not one, an invalid
 * event under strict, out of memory.  Once failed it takes nothing more. */
int evacc_event(struct evacc *a, cJSON *ev, const char *file, long line);

/* Orders the requests by id (the lookup hash is not usable after). */
void evacc_sort(struct evacc *a);

void evacc_free(struct evacc *a);

#endif
