/* simsrv: llmsim's streaming engine over libevent's evhttp: completion
 * requests queued for the model's slots, prefilled, decoded on the
 * profile's schedule (lib/sim), streamed as OpenAI chunks with the
 * faults asked for, and every step written to the ground-truth log
 * (docs/llmsim.md).  One engine per process.  llmsim owns the options,
 * the profiles, the other endpoints and the event loop. */
#ifndef TB_SIMSRV_H
#define TB_SIMSRV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>
#include <event2/event.h>
#include <event2/http.h>

#include "jw.h"
#include "prompts.h"
#include "sim.h"
#include "simwire.h"

enum sim_api { SIM_CHAT, SIM_COMPLETIONS, SIM_OLLAMA_CHAT };

/* The server whose wire llmsim imitates (llmsim --as): each one's shapes
 * as its source says, cited in docs/servers.md.  SIM_GENERIC is the
 * flag-driven behaviour of earlier versions. */
enum sim_persona {
	SIM_GENERIC,
	SIM_LLAMACPP,
	SIM_LMSTUDIO,
	SIM_OLLAMA,
	SIM_MLX,
	SIM_VLLM
};

struct simsrv_opts {
	enum sim_persona persona;
	int engine_dead;  /* vLLM's EngineDeadError: every request 500 */
	int vllm_metrics; /* vLLM --enable-per-request-metrics */
	const char *reasoning_field; /* "reasoning_content" or "reasoning" */
	int timings, stats, role_early, eos_in_usage, no_usage;
	uint64_t seed;			/* jitter, text and faults */
	struct simwire_fault run_fault; /* --fault, for every request ... */
	double fault_rate;		/* ... with this probability */
	size_t leak_bytes;  /* --leak: memory kept per finished request */
	double mem_scale;   /* real bytes per simulated byte (KV cache) */
	const char *replay; /* --replay: a body for every completion */
	const struct prompt_set
	    *graded; /* --graded: items answered by their
		      * answer (grade.h), rightly or not by
		      * the profile's graded_error; or NULL */
	size_t replay_len;
	FILE *log; /* the ground-truth log, or NULL */
	/* --power-dir: the simulated powercap zone's sysfs root, or NULL;
	 * its watts: idle_w + stream_w per stream decoding */
	const char *power_dir;
	double idle_w, stream_w;
	const char *log_path;
	/* the profile a request's model names, or NULL */
	const struct sim_profile *(*find_profile)(const char *id);
	/* LM Studio, in find_profile's stead: the instance a request's model
	 * names (NULL: none named), loading it just in time (simsrv_jit_load)
	 * when it is not loaded; NULL, with why, when no model answers the
	 * name (404 model_not_found) */
	const struct sim_profile *(*resolve)(const char *model, char *why,
					     size_t n);
	/* Ollama loads a model at its first request: starts that load */
	void (*load_on_demand)(void);
	/* a write to the log failed: the tool stops; a lesser problem */
	void (*fatal)(const char *fmt, ...);
	void (*warn)(const char *fmt, ...);
};

/* Sets the engine up on base.  Returns 0, or -1 when out of memory. */
int simsrv_init(struct event_base *base, const struct simsrv_opts *o);

/* The model served, loaded from loaded_at on (monotonic ns; -1: not
 * loaded at all, as Ollama before a model's first request). */
void simsrv_set_model(const struct sim_profile *p, int64_t loaded_at);
/* LM Studio's just-in-time load of p, ending at until: requests wait for
 * it (and for any load under way) rather than being refused with 503. */
void simsrv_jit_load(const struct sim_profile *p, int64_t until);
int simsrv_loading(void);
int simsrv_loaded(void);

/* Ollama's and mlx_lm.server's requests wait for a loading model rather
 * than being refused with 503. */
int simsrv_waits_for_load(void);

/* POST /api/generate without a prompt, Ollama's load call: answered
 * {"done": true, "done_reason": "load"} once the model has loaded. */
void simsrv_ollama_load(struct evhttp_request *req, const char *model);

/* POST /v1/chat/completions or /v1/completions, or Ollama's /api/chat. */
void simsrv_completion(struct evhttp_request *req, enum sim_api api);

/* A request's JSON body (up to the server's limit), or NULL. */
cJSON *simsrv_read_body(struct evhttp_request *req);

/* Replies: a JSON body; an OpenAI-style error object. */
void simsrv_reply_json(struct evhttp_request *req, int code, const char *reason,
		       const char *json);
void simsrv_reply_error(struct evhttp_request *req, int code, const char *type,
			const char *msg);

/* A log line of the tool's own: begin returns the object to add to (NULL
 * without a log); end writes it. */
jw *simsrv_log_begin(const char *what);
void simsrv_log_end(void);
void simsrv_log_simple(const char *what);

/* Stops taking work (streams end as their connections close); frees. */
void simsrv_stop(void);
void simsrv_free(void);

#endif
