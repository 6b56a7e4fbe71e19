/* benchdata: the report's community figures, in the data layer: each bench
 * run's test (gen --bench) as a row of llama-bench's table, with the
 * server's own figure and, when a llama-bench JSON file (llama-bench -o
 * json) is given, the in-process figure of the same test beside it and the
 * ratio of the two (docs/report.md, Community figures).  Renderers take
 * the rows and never see JSON. */
#ifndef TB_BENCHDATA_H
#define TB_BENCHDATA_H

#include <stddef.h>

#include "rundata.h"

/* A mean ± sample sd over n repetitions; n == 0: none. */
struct bd_fig {
	double mean, sd;
	long n;
};

struct bd_row {
	char
	    model[2 * 96 + 2]; /* a run's model and quant fields, and a blank */
	char backend[64], test[64];
	int type; /* RK_PP or RK_TG */
	long n, depth;
	double size_bytes; /* the model file; NAN unknown */
	double params; /* parameters (llama-bench's n_params); NAN unknown */
	long threads;  /* -1 unknown */
	struct bd_fig served; /* through the server, the client's clock */
	struct bd_fig server; /* the server's own figure (timings, stats) */
	struct bd_fig inproc; /* llama-bench's, in-process */
	double ratio;	      /* served / in-process means; NAN none */
	int exact;	      /* every request had the test's tokens */
	char note[220];	      /* why not, or "" */
	/* for llama-bench's output shapes (benchout) */
	double *samples; /* the served t/s of each repetition; nsamples */
	long nsamples;
	double t_start;	       /* the run's start, s since the epoch; NAN */
	char model_file[256];  /* the server's model id (a GGUF's path) */
	char cpu[128];	       /* the host's CPU, as llama-bench's cpu_info */
	char count_method[16]; /* how the prompt was counted (tokenize, usage,
				* none) */
	long prompt_tokens;    /* the prompt's tokens, by that count */
	double latency;	       /* s, the request latency taken off pp */
	char tool_version[64]; /* gen's */
};

struct bd_table {
	struct bd_row *row;
	int n;
	int has_lb;	  /* a llama-bench file was read */
	int lb_unmatched; /* its tests no run matched */
};

/* The rows of every bench run in s (each row's samples its own, freed by
 * bd_free), ordered by model, then pp before tg,
 * then n and depth; lb_path (NULL: none) is llama-bench's JSON output.
 * Returns 0, or -1 with the reason in err (the file unreadable or not
 * llama-bench's, out of memory). */
int bd_build(const struct rd_set *s, const char *lb_path, struct bd_table *t,
	     char *err, size_t errlen);

void bd_free(struct bd_table *t);

#endif
