/* probe: which server answers at a base URL, and the model load, timed
 * (blocking libcurl requests; gen's streaming loop is separate). */
#ifndef TB_PROBE_H
#define TB_PROBE_H

#include <signal.h>
#include <stdint.h>

#include "jw.h"

/* The server kinds gen knows; their names are what --server takes and the
 * run event's server.kind says. */
enum srv_kind {
	SRV_AUTO,
	SRV_LMSTUDIO,
	SRV_LLAMACPP,
	SRV_OLLAMA,
	SRV_MLX,
	SRV_VLLM,
	SRV_OPENAI,
	SRV_LLMSIM,
	SRV_UNKNOWN
};

/* The written name of a kind ("lmstudio", ...); a static string. */
const char *probe_kind_name(enum srv_kind k);

/* The kind a --server name means (SRV_AUTO ... SRV_LLMSIM), or -1. */
int probe_kind_of(const char *name);

/* Where to probe.  The strings are the caller's and must outlive it. */
struct probe {
	char base[1024];	     /* the OpenAI base URL, .../v1 */
	char root[1024];	     /* the base without its /v1 */
	const char *api_key;	     /* sent as a Bearer token unless "" */
	const char *model_id;	     /* the model to load or look for */
	volatile sig_atomic_t *stop; /* polls end early once *stop != 0 */
};

/* What the probes learnt; strings are empty and numbers -1 when unknown. */
struct srv_info {
	enum srv_kind kind; /* SRV_UNKNOWN when nothing answered */
	int simulated;	    /* llmsim says so in /props */
	char model[256], quant[64], version[128], backend[32];
	long ctx;	      /* context size the server reports */
	long ctx_train;	      /* the model's own (advertised) context:
			       * llama-server meta.n_ctx_train, LM
			       * Studio max_context_length; -1 */
	double mem_scale;     /* llmsim: MB allocated per simulated GB */
	double model_params;  /* the model's parameters (llama-server's
			       * meta.n_params), 0 when not told */
	long n_vocab;	      /* the model's vocabulary (llama-server
			       * /v1/models meta.n_vocab); -1 */
	double model_bytes;   /* the model file's size, 0 when not told
			       * (llama-server /v1/models meta.size,
			       * Ollama /api/tags size) */
	char model_ids[1024]; /* /v1/models ids, ", "-joined (cut short) */
	int model_listed;     /* the model asked for is one of them */
	int ctx_loaded;	      /* ctx is the context the model was
			       * loaded with, not its maximum */
	int n_loaded;	      /* model instances the server says are
			       * loaded (LM Studio, Ollama /api/ps); -1
			       * when it does not say */
	int parallel;	      /* requests the loaded instance serves at
			       * once (LM Studio config.parallel); -1 */
	char loaded[512];     /* their ids, ", "-joined (cut short) */
	char instance[256];   /* the loaded instance the model asked
			       * for resolves to (its id, which
			       * requests then name); "" when none */
};

/* A measured model load. */
struct load_result {
	const char
	    *method;	/* "lmstudio_api", "ollama", "health_poll", "command" */
	int64_t t0, t1; /* monotonic ns: start and end */
	double server_s; /* the server's own figure, or -1 */
	char err[200];	 /* empty when the load succeeded */
	const char *cmd; /* the load command (method "command"), or NULL */
};

/* Sets p up for base (trailing slashes already removed by the caller). */
void probe_init(struct probe *p, const char *base, const char *api_key,
		const char *model_id, volatile sig_atomic_t *stop);

/* Probes once: /props (llama-server, llmsim; then /api/v0/models too for
 * the quantization), else /api/v0/models (LM Studio), /api/tags (Ollama),
 * /v1/models (vLLM by its owned_by, else a generic OpenAI server).  Fills
 * info and returns 0, or -1 when nothing answered (info.kind is then
 * SRV_UNKNOWN). */
int probe_detect(const struct probe *p, struct srv_info *info);

/* With the kind known (gen --server), asks only that kind's endpoint for
 * the model's details; info.kind is kind whatever it finds.  Returns 0, or
 * -1 when the endpoint did not answer. */
int probe_known(const struct probe *p, enum srv_kind kind, struct srv_info *in);

/* The HTTP status of GET /health, 0 when nothing answered. */
long probe_health(const struct probe *p);

/* LM Studio's REST load (/api/v1/models/load, load_time_seconds) or, with
 * ollama, Ollama's documented load, a generate without a prompt, timed by
 * the client (its reply says done_reason "load" and carries no durations:
 * v0.33 server/routes.go; a load_duration it may send is the server's
 * figure): 0, or -1 with r->err.  ctx > 0 loads with that context (LM
 * Studio context_length, Ollama options.num_ctx). */
int probe_load_api(const struct probe *p, int ollama, long ctx, double timeout,
		   struct load_result *r);

/* Polls /health every 50 ms from monotonic time t0 until it answers 200
 * (refused connections and 503 "Loading model" mean "not yet"), timeout
 * seconds at most; with watch > 0, only while that process (the server
 * being started) lives, so that a server that died is noticed at once.
 * Returns 0, or -1 with r->err. */
int probe_load_health(const struct probe *p, int64_t t0, double timeout,
		      pid_t watch, struct load_result *r);

/* A server that is still loading its model answers /health with 503
 * (llama-server, llmsim, vLLM): polls every 200 ms until it answers
 * anything else, timeout seconds at most, calling progress (may be NULL)
 * at once and then about every 5 s with the seconds waited.  Returns the
 * seconds waited (0 when it was not loading), or -1 on timeout or stop. */
double probe_wait_ready(const struct probe *p, double timeout,
			void (*progress)(double waited, void *ctx), void *ctx);

/* Runs cmd with /bin/sh -c and times it: 0 when it exits 0, else -1. */
int probe_load_command(const char *cmd, struct load_result *r);

/* Write the run event's "server" object, and a load event's fields, into
 * the open object of w (docs/events.md). */
void probe_write_server(jw *w, const struct srv_info *in);
void probe_write_load(jw *w, const struct load_result *r, const char *model_id);

#endif
