/* simsrv: llmsim's streaming engine (see simsrv.h). */
#include "simsrv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include "clock.h"
#include "formats.h"
#include "grade.h"
#include "simlp.h"
#include "simmoe.h"
#include "simpower.h"

#define MAX_BODY (64 * 1024 * 1024)
/* Unpaced streams write until this much is queued, then wait for the
 * socket to drain, so a slow reader gets back-pressure, not a huge buffer. */
#define UNPACED_HIGH_WATER (64 * 1024)

enum state { STREAM_QUEUED, STREAM_PREFILL, STREAM_DECODE, STREAM_DONE };

struct stream {
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	struct event *timer;
	const struct sim_profile
	    *prof;		     /* = &own_prof once the model is known */
	struct sim_profile own_prof; /* its copy: an instance unloaded meanwhile
				      * leaves the request its figures */
	struct stream *qnext;
	enum sim_api api;
	enum state state;
	int streaming, include_usage, ignore_eos;
	int max_tokens, n_out, sent, n_reasoning;
	int prompt_tokens, cached_tokens;
	int decoding; /* counted in n_decoding */
	int headers_sent, waiting_drain, reset_pending, fault_done;
	int use_cache, natural;
	int native;	   /* Ollama's /api/chat: JSON lines */
	int role_sent;	   /* Ollama: role on the first chunk only */
	int finish_sent;   /* vLLM: finish_reason on the last token's chunk */
	int unknown_model; /* the model named is not served (persona rules) */
	char model_asked[128];
	char why[512]; /* LM Studio: why the model is not served */
	char *prompt;  /* kept until the prefix cache stores it */
	size_t prompt_len;
	struct {
		const char *ch;
		int n;
	} pend[64]; /* written, not logged */
	int npend;
	long seq;
	char rid[80];
	char cid[48];
	int64_t t_arrive, t_slot, t_first, t_last, next_due;
	int64_t timer_due; /* when the pending timer is meant to fire */
	struct sim_rng rng;
	uint64_t text_seed;
	struct simwire_fault fault;
	jw text, reasoning; /* non-streamed replies: the output so far */
	/* a graded item (--graded): its answer, cut into tokens at spaces */
	const char *item; /* its name, or NULL */
	int item_wrong;
	char answer[600];
	short piece_at[320];
	int n_pieces;
	int lp_on;  /* logprobs asked: text and logprobs from simlp */
	int lp_ids; /* and return_tokens_as_token_ids (vLLM) */
	struct simlp_req lp;
	struct evbuffer *hold; /* fault "buffered": chunks not yet sent */
	char *kv;	       /* its KV cache, while it runs (mmapped) */
	size_t kv_len;
	uint64_t experts; /* --moe: the experts its prompt went to */
};

/* The engine's state: one per process. */
static struct simsrv_opts O;
static struct event_base *base;
static const struct sim_profile *current; /* the model served */
static int64_t loaded_at;		  /* mono ns when loading ends */
static int64_t born;			  /* mono ns when llmsim started */
static int64_t served;	      /* mono ns the first request arrived, 0 before */
static struct simpower power; /* --power-dir's zone */
static struct event *power_timer; /* writes its counter */
static FILE *logfile;
static jw logw;
static struct sim_cache *cache;
static struct sim_rng fault_rng;
static struct stream *queue_head, *queue_tail;
static int n_running, n_decoding;
static long next_seq;
static int stopping;
static int jit_wait;		 /* LM Studio: requests wait for the
				  * load under way (just in time) */
static struct event *load_timer; /* ends a load requests wait for */
static struct evhttp_request *load_calls[16]; /* Ollama load calls waiting */
static int n_load_calls;

static void stream_tick(struct stream *s);
static void stream_finish(struct stream *s);
static void start_queued(void);

/* ---- ground-truth log ------------------------------------------------ */

static void log_begin(const char *what, const struct stream *s, int64_t t)
{
	jw_obj_open(&logw, NULL);
	jw_str(&logw, "ev", "sim");
	jw_time(&logw, "t", clock_to_shared_ns(t));
	jw_str(&logw, "what", what);
	if (s != NULL) {
		jw_str(&logw, "rid", s->rid);
		jw_int(&logw, "seq", s->seq);
	}
}

static void log_end(void)
{
	jw_obj_close(&logw);
	if (jw_emit(&logw, logfile, 1) != 0)
		O.fatal("%s: write error: %s", O.log_path, strerror(errno));
}

/* The power model's truth: the watts from now on and the energy so far. */
static void log_power(int64_t t)
{
	if (logfile == NULL)
		return;
	log_begin("power", NULL, t);
	jw_num(&logw, "w", simpower_watts(&power), 3);
	jw_num(&logw, "j", power.j, 6);
	log_end();
}

/* A stream starts (d = 1) or stops (d = -1) decoding: the batch's rate
 * and the simulated watts follow. */
static void decoding_add(int d)
{
	int64_t now;

	n_decoding += d;
	if (power_timer == NULL)
		return;
	now = clock_mono_ns();
	simpower_set(&power, n_decoding, now);
	log_power(now);
}

static void log_simple(const char *what, const struct stream *s)
{
	if (logfile == NULL)
		return;
	log_begin(what, s, clock_mono_ns());
	log_end();
}

static void log_chunk(const struct stream *s, const char *ch, int n, int64_t t)
{
	if (logfile == NULL)
		return;
	log_begin("chunk", s, t);
	jw_str(&logw, "ch", ch);
	jw_int(&logw, "n", n);
	log_end();
}

/* ---- HTTP helpers ---------------------------------------------------- */

static void add_header(struct evhttp_request *req, const char *k, const char *v)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), k, v);
}

static void reply_json(struct evhttp_request *req, int code, const char *reason,
		       const char *json)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add(b, json, strlen(json));
	add_header(req, "Content-Type", "application/json; charset=utf-8");
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

/* An OpenAI-style error object, as llama-server, vLLM and LM Studio
 * send it. */
static void reply_error(struct evhttp_request *req, int code, const char *type,
			const char *msg)
{
	jw w;
	const char *reason = code == 400   ? "Bad Request"
			     : code == 404 ? "Not Found"
			     : code == 429 ? "Too Many Requests"
			     : code == 503 ? "Service Unavailable"
					   : "Internal Server Error";

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_obj_open(&w, "error");
	jw_int(&w, "code", code);
	jw_str(&w, "message", msg);
	jw_str(&w, "type", type);
	jw_obj_close(&w);
	jw_obj_close(&w);
	reply_json(req, code, reason, jw_cstr(&w));
	jw_free(&w);
}

static int loading(void)
{
	return loaded_at < 0 || clock_mono_ns() < loaded_at;
}

/* llama-server, vLLM and LM Studio send a role-only first chunk; Ollama
 * puts the role on its first chunk (v0.33 middleware/openai.go), mlx_lm on
 * every chunk (0.32 server.py). */
static int has_role_chunk(void)
{
	return O.persona != SIM_OLLAMA && O.persona != SIM_MLX;
}

/* Is the model a request names served?  llama-server answers any name;
 * Ollama knows its names, with or without ":latest"; mlx_lm.server takes
 * "default_model" for its own; vLLM only its served name. */
static int model_served(const char *name)
{
	char bare[128];
	size_t n = strlen(name);

	switch (O.persona) {
	case SIM_OLLAMA:
		if (n > 7 && n < sizeof bare &&
		    !strcmp(name + n - 7, ":latest")) {
			memcpy(bare, name, n - 7);
			bare[n - 7] = '\0';
			name = bare;
		}
		return O.find_profile(name) != NULL;
	case SIM_MLX:
		return !strcmp(name, "default_model") ||
		       O.find_profile(name) != NULL;
	case SIM_VLLM: return O.find_profile(name) != NULL;
	default: return 1;
	}
}

/* {"error": "..."}: Ollama's native errors and mlx_lm.server's. */
static void reply_flat_error(struct evhttp_request *req, int code,
			     const char *msg)
{
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "error", msg);
	jw_obj_close(&w);
	reply_json(req, code, code == 404 ? "Not Found" : "Bad Request",
		   jw_cstr(&w));
	jw_free(&w);
}

/* LM Studio's model not found (0.3.x, as its users quote it: 404 with
 * param "model" and code "model_not_found"; see docs/llmsim.md). */
static void reply_lms_not_found(struct evhttp_request *req, const char *msg)
{
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_obj_open(&w, "error");
	jw_str(&w, "message", msg);
	jw_str(&w, "type", "invalid_request_error");
	jw_str(&w, "param", "model");
	jw_str(&w, "code", "model_not_found");
	jw_obj_close(&w);
	jw_obj_close(&w);
	reply_json(req, 404, "Not Found", jw_cstr(&w));
	jw_free(&w);
}

/* A model the imitated server does not serve, as that server says it. */
static void reply_unknown_model(struct evhttp_request *req,
				const struct stream *s)
{
	char msg[300];

	if (O.persona == SIM_LMSTUDIO && O.resolve) {
		reply_lms_not_found(req, s->why);
		return;
	}
	if (O.persona == SIM_OLLAMA) { /* routes.go: model 'X' not found */
		snprintf(msg, sizeof msg, "model '%s' not found",
			 s->model_asked);
		if (s->native)
			reply_flat_error(req, 404, msg);
		else
			reply_error(req, 404, "not_found_error", msg);
	} else if (O.persona ==
		   SIM_MLX) { /* the load of an unknown repo fails */
		snprintf(msg, sizeof msg,
			 "llmsim (as mlx_lm.server): cannot load model "
			 "'%s': not a local path nor a repository it can fetch",
			 s->model_asked);
		reply_flat_error(req, 404, msg);
	} else { /* vLLM engine/serving.py */
		snprintf(msg, sizeof msg, "The model `%s` does not exist.",
			 s->model_asked);
		reply_error(req, 404, "NotFoundError", msg);
	}
}

/* ---- stream lifecycle ------------------------------------------------ */

static void queue_remove(struct stream *s)
{
	struct stream **pp = &queue_head, *prev = NULL;

	while (*pp && *pp != s) {
		prev = *pp;
		pp = &(*pp)->qnext;
	}
	if (*pp == NULL)
		return;
	*pp = s->qnext;
	if (queue_tail == s)
		queue_tail = prev;
}

/* Frees a stream's memory (the request is answered or gone). */
static void stream_discard(struct stream *s)
{
	jw_free(&s->text);
	jw_free(&s->reasoning);
	free(s->prompt);
	if (s->kv)
		munmap(s->kv, s->kv_len);
	if (s->hold)
		evbuffer_free(s->hold);
	free(s);
}

/* Leaves the slot or the queue and frees s; the request must already be
 * answered, freed or owned by evhttp. */
static void stream_release(struct stream *s)
{
	if (s->state == STREAM_QUEUED) {
		queue_remove(s);
	} else {
		n_running--;
		if (s->decoding)
			decoding_add(-1);
	}
	if (s->evcon)
		evhttp_connection_set_closecb(s->evcon, NULL, NULL);
	if (s->timer)
		event_free(s->timer);
	stream_discard(s);
	start_queued();
}

/* The client went away (or the server is shutting down). */
static void on_close(struct evhttp_connection *evcon, void *arg)
{
	struct stream *s = arg;

	(void)evcon;
	log_simple("disconnect", s);
	/* On EOF evhttp detaches the request before calling us: then it is
	 * ours to free.  Otherwise evhttp frees it with the connection. */
	if (evhttp_request_get_connection(s->req) == NULL)
		evhttp_request_free(s->req);
	s->evcon = NULL;
	stream_release(s);
}

static void schedule(struct stream *s, int64_t due);

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct stream *s = arg;

	(void)fd;
	(void)what;
	/* libevent adds a timeout to the loop's cached time, which can lag
	 * the clock by a busy iteration, so a timer can fire early: a token
	 * must never leave before its scheduled time. */
	if (clock_mono_ns() < s->timer_due) {
		schedule(s, s->timer_due);
		return;
	}
	stream_tick(s);
}

/* Runs the stream's next step at monotonic time due (now if past). */
static void schedule(struct stream *s, int64_t due)
{
	int64_t d = due - clock_mono_ns();
	struct timeval tv = {0, 0};

	s->timer_due = due;
	if (d > 0) {
		tv.tv_sec = (time_t)(d / 1000000000);
		tv.tv_usec = (suseconds_t)(d % 1000000000 / 1000);
	}
	evtimer_add(s->timer, &tv);
}

/* ---- chunk building -------------------------------------------------- */

static void chunk_open(jw *w, const struct stream *s)
{
	jw_obj_open(w, NULL);
	jw_str(w, "id", s->cid);
	jw_str(w, "object",
	       s->api == SIM_CHAT ? "chat.completion.chunk"
				  : "text_completion");
	jw_int(w, "created", (long long)time(NULL));
	jw_str(w, "model", s->prof->id);
	jw_str(w, "system_fingerprint",
	       O.persona == SIM_OLLAMA ? "fp_ollama" : "llmsim-" TB_VERSION);
}

static void usage_obj(jw *w, const struct stream *s, int natural)
{
	int completion = s->sent + (natural && O.eos_in_usage) +
			 (s->fault.kind == F_USAGE_EXTRA ? s->fault.at : 0);

	jw_obj_open(w, "usage");
	jw_int(w, "prompt_tokens", s->prompt_tokens);
	jw_int(w, "completion_tokens", completion);
	jw_int(w, "total_tokens", s->prompt_tokens + completion);
	if (O.persona != SIM_OLLAMA) { /* openai.go: the three counts only */
		jw_obj_open(w, "prompt_tokens_details");
		jw_int(w, "cached_tokens", s->cached_tokens);
		jw_obj_close(w);
	}
	if (s->n_reasoning > 0) {
		jw_obj_open(w, "completion_tokens_details");
		jw_int(w, "reasoning_tokens", s->n_reasoning);
		jw_obj_close(w);
	}
	jw_obj_close(w);
}

/* llama-server's timings and LM Studio's stats, from the schedule. */
static void server_stats(jw *w, const struct stream *s)
{
	double prompt_ms = (double)(s->t_first - s->t_slot) / 1e6;
	double pred_ms = (double)(s->t_last - s->t_first) / 1e6;
	int pn = s->prompt_tokens - s->cached_tokens;

	if (O.timings) {
		jw_obj_open(w, "timings");
		jw_int(w, "cache_n", s->cached_tokens);
		jw_int(w, "prompt_n", pn);
		jw_num(w, "prompt_ms", prompt_ms, 3);
		jw_num(w, "prompt_per_token_ms", pn > 0 ? prompt_ms / pn : 0,
		       6);
		jw_num(w, "prompt_per_second",
		       prompt_ms > 0 ? pn / prompt_ms * 1e3 : 0, 3);
		/* As llama-server computes them (b10573 and later): the n - 1
		 * decode steps after the first token over the time from the
		 * first token to the last (the first comes from the prompt's
		 * logits, free). */
		jw_int(w, "predicted_n", s->sent);
		jw_num(w, "predicted_ms", pred_ms, 3);
		jw_num(w, "predicted_per_token_ms",
		       s->sent > 1 ? pred_ms / (s->sent - 1) : 0, 6);
		jw_num(w, "predicted_per_second",
		       pred_ms > 0 ? (s->sent - 1) / pred_ms * 1e3 : 0, 3);
		jw_obj_close(w);
	}
	/* LM Studio documents stats in /api/v0 replies, not in /v1 streams
	 * (its docs; bug tracker #676, #713): streamed only by --stats alone */
	if (O.stats && (O.persona == SIM_GENERIC || !s->streaming)) {
		jw_obj_open(w, "stats");
		jw_num(w, "tokens_per_second",
		       pred_ms > 0 ? (s->sent - 1) / pred_ms * 1e3 : 0, 3);
		jw_num(w, "time_to_first_token",
		       (double)(s->t_first - s->t_arrive) / 1e9, 3);
		jw_num(w, "generation_time", pred_ms / 1e3, 3);
		jw_str(w, "stop_reason", "eosFound");
		jw_obj_close(w);
	}
}

/* vLLM's per-request metrics on the usage chunk (docs/features/
 * per_request_metrics.md at 0377ba9ad8eb), from the schedule: TTFT from
 * the slot (scheduling), N tokens with EOS, generation from the first
 * token to the last (the EOS step included), tokens_per_second over the
 * prefill and decode both. */
static void vllm_metrics(jw *w, const struct stream *s)
{
	int eos = s->natural && O.eos_in_usage, n = s->sent + eos;
	double step =
	    eos && s->prof->decode_tps > 0 ? 1e3 / s->prof->decode_tps : 0;
	double gen = (double)(s->t_last - s->t_first) / 1e6 + step;
	double all = (double)(s->t_last - s->t_slot) / 1e6 + step;

	jw_obj_open(w, "metrics");
	jw_num(w, "time_to_first_token_ms",
	       (double)(s->t_first - s->t_slot) / 1e6, 3);
	jw_num(w, "generation_time_ms", gen, 3);
	jw_num(w, "queue_time_ms", (double)(s->t_slot - s->t_arrive) / 1e6, 3);
	if (n > 1)
		jw_num(w, "mean_itl_ms", gen / (n - 1), 6);
	else
		jw_null(w, "mean_itl_ms");
	jw_num(w, "tokens_per_second", all > 0 ? n / all * 1e3 : 0, 3);
	jw_obj_close(w);
}

/* Sends "data: <w>\n\n" as one HTTP chunk and logs it when written. */
static void send_event(struct stream *s, jw *w, const char *ch, int n);

/* --reasoning-field think-tags: the reasoning inside the content, between
 * <think> and </think>, as from a server that does not parse it out. */
static void think_tags(jw *w, const struct stream *s, const char *text,
		       size_t len)
{
	const char *open = s->sent == 0 ? "<think>" : "";
	const char *close = s->sent + 1 >= s->n_reasoning ? "</think>" : "";
	char *t = malloc(len + 20);

	if (t == NULL) {
		jw_strn(w, "content", text, len);
		return;
	}
	memcpy(t, open, strlen(open));
	memcpy(t + strlen(open), text, len);
	memcpy(t + strlen(open) + len, close, strlen(close));
	jw_strn(w, "content", t, strlen(open) + len + strlen(close));
	free(t);
}

/* The opening fields of an Ollama native line. */
static void native_open(jw *w, const struct stream *s)
{
	char at[40];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S.000000000Z", &tm);
	jw_obj_open(w, NULL);
	jw_str(w, "model", s->model_asked[0] ? s->model_asked : s->prof->id);
	jw_str(w, "created_at", at);
}

/* One line of Ollama's /api/chat stream (v0.33 api/types.go ChatResponse):
 * the text in message.content, reasoning in message.thinking. */
static void native_chunk(struct stream *s, const char *ch, const char *text,
			 size_t len, int n)
{
	jw w;

	jw_init(&w);
	native_open(&w, s);
	jw_obj_open(&w, "message");
	jw_str(&w, "role", "assistant");
	if (strcmp(ch, "reasoning") == 0) {
		jw_str(&w, "content", "");
		jw_strn(&w, "thinking", text, len);
	} else {
		jw_strn(&w, "content", text, len);
	}
	jw_obj_close(&w);
	jw_bool(&w, "done", 0);
	jw_obj_close(&w);
	send_event(s, &w, ch, n);
	jw_free(&w);
}

/* Ollama's last line, GGUF models (its embedded llama-server, v0.33
 * llm/llama_server.go): eval_count is predicted_n (EOS counted on a natural
 * stop), eval_duration predicted_ms, from the first token to the last (the
 * EOS step included), prompt_eval_duration prompt_ms, to the first token;
 * load_duration from the request to its scheduling, the wait for a
 * loading model included.  Nanoseconds. */
static void native_final(struct stream *s)
{
	int eos = s->natural && O.eos_in_usage;
	int64_t step = eos && s->prof->decode_tps > 0
			   ? (int64_t)(1e9 / s->prof->decode_tps)
			   : 0;
	int64_t waited = loaded_at > s->t_arrive ? loaded_at - s->t_arrive : 0;
	jw w;

	jw_init(&w);
	native_open(&w, s);
	jw_obj_open(&w, "message");
	jw_str(&w, "role", "assistant");
	jw_str(&w, "content", "");
	jw_obj_close(&w);
	jw_bool(&w, "done", 1);
	jw_str(&w, "done_reason", s->natural ? "stop" : "length");
	jw_int(&w, "total_duration", clock_mono_ns() - s->t_arrive);
	jw_int(&w, "load_duration", waited + 100000);
	jw_int(&w, "prompt_eval_count", s->prompt_tokens);
	jw_int(&w, "prompt_eval_duration", s->t_first - s->t_slot);
	jw_int(&w, "eval_count", s->sent + eos);
	jw_int(&w, "eval_duration", s->t_last - s->t_first + step);
	jw_obj_close(&w);
	send_event(s, &w, "final", 0);
	jw_free(&w);
}

/* vLLM sends finish_reason with the last token on a length stop
 * (chat_completion/serving.py), no chunk of its own. */
static int finish_with_token(const struct stream *s, int n)
{
	return O.persona == SIM_VLLM && n > 0 && !s->natural &&
	       s->fault.kind != F_ENDLESS && s->sent + n >= s->n_out;
}

/* The shape each persona streams logprobs in, as its source does
 * (docs/servers.md, Logprobs): none from LM Studio, mlx_lm.server's
 * streams or Ollama's /v1/completions; llama-server's content list with
 * token ids, on completions too; the completions' parallel lists
 * elsewhere. */
static enum simlp_shape lp_shape(const struct stream *s)
{
	if (!s->lp_on)
		return SIMLP_NONE;
	switch (O.persona) {
	case SIM_LMSTUDIO:
	case SIM_MLX: return SIMLP_NONE;
	case SIM_LLAMACPP: return SIMLP_LLAMA;
	case SIM_OLLAMA:
		return s->api == SIM_COMPLETIONS ? SIMLP_NONE : SIMLP_CONTENT;
	case SIM_VLLM: /* its tokens name their ids when asked */
		if (s->lp_ids && s->fault.kind != F_NO_TOKEN_IDS)
			return s->api == SIM_COMPLETIONS ? SIMLP_LEGACY_IDS
							 : SIMLP_VLLM_IDS;
		return s->api == SIM_COMPLETIONS ? SIMLP_LEGACY : SIMLP_CONTENT;
	default:
		return s->api == SIM_COMPLETIONS ? SIMLP_LEGACY : SIMLP_CONTENT;
	}
}

static void send_text_chunk(struct stream *s, const char *ch, const char *text,
			    size_t len, int n)
{
	jw w;

	if (s->native) {
		native_chunk(s, ch, text, len, n);
		return;
	}
	jw_init(&w);
	chunk_open(&w, s);
	jw_arr_open(&w, "choices");
	jw_obj_open(&w, NULL);
	jw_int(&w, "index", 0);
	if (s->api == SIM_COMPLETIONS) {
		jw_strn(&w, "text", text, len);
	} else {
		jw_obj_open(&w, "delta");
		if (strcmp(ch, "role") != 0 &&
		    (O.persona == SIM_MLX ||
		     (O.persona == SIM_OLLAMA && !s->role_sent)))
			jw_str(&w, "role", "assistant");
		s->role_sent = 1;
		if (strcmp(ch, "role") == 0) {
			jw_str(&w, "role", "assistant");
			jw_str(&w, "content", "");
		} else if (strcmp(ch, "reasoning") != 0) {
			jw_strn(&w, "content", text, len);
		} else if (strcmp(O.reasoning_field, "think-tags") != 0) {
			jw_strn(&w, O.reasoning_field, text, len);
		} else { /* a server that does not parse reasoning out */
			think_tags(&w, s, text, len);
		}
		jw_obj_close(&w);
	}
	if (strcmp(ch, "role") != 0)
		simlp_write(&w, lp_shape(s), &s->lp, s->sent, n);
	if (finish_with_token(s, n)) {
		jw_str(&w, "finish_reason", "length");
		s->finish_sent = 1;
	} else {
		jw_null(&w, "finish_reason");
	}
	jw_obj_close(&w);
	jw_arr_close(&w);
	jw_obj_close(&w);
	send_event(s, &w, ch, n);
	jw_free(&w);
}

/* Logs every chunk written so far with the time the socket took them. */
static void flush_pending(struct stream *s)
{
	int64_t now = clock_mono_ns();
	int i;

	for (i = 0; i < s->npend; i++)
		log_chunk(s, s->pend[i].ch, s->pend[i].n, now);
	s->npend = 0;
}

/* Called by evhttp when the connection's output buffer has drained: every
 * byte of our chunks is in the kernel.  Work that must follow the write
 * (ending the reply, a reset, more unpaced tokens) runs from the timer so
 * that nothing frees the connection inside evhttp's own callback. */
static void on_written(struct evhttp_connection *evcon, void *arg)
{
	struct stream *s = arg;

	(void)evcon;
	flush_pending(s);
	if (s->state == STREAM_DONE || s->reset_pending || s->waiting_drain) {
		s->waiting_drain = 0;
		schedule(s, 0);
	}
}

static struct evbuffer *scratch;

static void send_raw(struct stream *s, const char *data, size_t len,
		     const char *ch, int n)
{
	/* "buffered": the tokens wait and leave with the final chunk, as
	 * behind a proxy that buffers the stream. */
	int hold = s->fault.kind == F_BUFFERED && n > 0 &&
		   (s->hold || (s->hold = evbuffer_new()) != NULL);
	struct evbuffer *b = hold ? s->hold : scratch;

	if (s->native) { /* application/x-ndjson */
		evbuffer_add(b, data, len);
		evbuffer_add(b, "\n", 1);
	} else {
		evbuffer_add(b, "data: ", 6);
		evbuffer_add(b, data, len);
		evbuffer_add(b, "\n\n", 2);
	}
	if (s->npend == (int)(sizeof s->pend / sizeof s->pend[0]))
		flush_pending(s);
	s->pend[s->npend].ch = ch;
	s->pend[s->npend].n = n;
	s->npend++;
	if (hold)
		return;
	if (s->hold) {
		evbuffer_prepend_buffer(scratch, s->hold);
	}
	evhttp_send_reply_chunk_with_cb(s->req, scratch, on_written, s);
	evbuffer_drain(scratch, evbuffer_get_length(scratch));
}

static void send_event(struct stream *s, jw *w, const char *ch, int n)
{
	size_t len;
	const char *d = jw_data(w, &len);

	send_raw(s, d, len, ch, n);
}

static size_t queued_bytes(const struct stream *s)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(s->evcon);

	return evbuffer_get_length(bufferevent_get_output(bev));
}

static void send_headers(struct stream *s)
{
	add_header(s->req, "Content-Type",
		   s->fault.kind == F_WRONG_CTYPE ? "text/plain; charset=utf-8"
		   : s->native			  ? "application/x-ndjson"
						  : "text/event-stream");
	add_header(s->req, "Cache-Control", "no-cache");
	add_header(s->req, "X-Request-Id", s->rid);
	evhttp_send_reply_start(s->req, 200, "OK");
	s->headers_sent = 1;
	log_simple("headers", s);
	if (O.role_early && s->api == SIM_CHAT && !s->native &&
	    has_role_chunk())
		send_text_chunk(s, "role", "", 0, 0);
	if (s->fault.kind == F_EARLY_TOKEN) /* text before the prompt is read */
		send_text_chunk(s, "content", " ", 1, 0);
}

/* ---- the end of a request ---------------------------------------------- */

static void final_chunks(struct stream *s)
{
	jw w;

	if (s->native) {
		native_final(s);
		return;
	}
	jw_init(&w);
	if (s->finish_sent) /* vLLM: it came with the last token */
		goto usage;
	chunk_open(&w, s);
	jw_arr_open(&w, "choices");
	jw_obj_open(&w, NULL);
	jw_int(&w, "index", 0);
	if (s->api == SIM_CHAT) {
		jw_obj_open(&w, "delta");
		if (O.persona == SIM_VLLM) /* the EOS token's empty text */
			jw_str(&w, "content", "");
		jw_obj_close(&w);
	} else {
		jw_str(&w, "text", "");
	}
	jw_str(&w, "finish_reason", s->natural ? "stop" : "length");
	jw_obj_close(&w);
	jw_arr_close(&w);
	if (!s->include_usage)
		server_stats(&w, s);
	jw_obj_close(&w);
	send_event(s, &w, "final", 0);
usage:
	if (s->include_usage) {
		jw_reset(&w);
		chunk_open(&w, s);
		if (O.persona ==
		    SIM_MLX) { /* server.py: the usage chunk's object */
			jw_reset(&w);
			jw_obj_open(&w, NULL);
			jw_str(&w, "id", s->cid);
			jw_str(&w, "object", "chat.completion");
			jw_int(&w, "created", (long long)time(NULL));
			jw_str(&w, "model", s->prof->id);
		}
		jw_arr_open(&w, "choices");
		jw_arr_close(&w);
		usage_obj(&w, s, s->natural);
		server_stats(&w, s);
		if (O.persona == SIM_VLLM && O.vllm_metrics)
			vllm_metrics(&w, s);
		jw_obj_close(&w);
		send_event(s, &w, "usage", 0);
	}
	jw_free(&w);
	if (s->fault.kind != F_NO_DONE)
		send_raw(s, "[DONE]", 6, "done", 0);
}

static void reply_whole(struct stream *s)
{
	jw w;
	size_t tl, rl;
	const char *text = jw_data(&s->text, &tl);
	const char *reas = jw_data(&s->reasoning, &rl);

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "id", s->cid);
	jw_str(&w, "object",
	       s->api == SIM_CHAT ? "chat.completion" : "text_completion");
	jw_int(&w, "created", (long long)time(NULL));
	jw_str(&w, "model", s->prof->id);
	jw_arr_open(&w, "choices");
	jw_obj_open(&w, NULL);
	jw_int(&w, "index", 0);
	if (s->api == SIM_CHAT) {
		jw_obj_open(&w, "message");
		jw_str(&w, "role", "assistant");
		jw_strn(&w, "content", text, tl);
		if (rl > 0)
			jw_strn(&w, O.reasoning_field, reas, rl);
		jw_obj_close(&w);
	} else {
		jw_strn(&w, "text", text, tl);
	}
	jw_str(&w, "finish_reason", s->natural ? "stop" : "length");
	jw_obj_close(&w);
	jw_arr_close(&w);
	usage_obj(&w, s, s->natural);
	server_stats(&w, s);
	jw_obj_close(&w);
	add_header(s->req, "X-Request-Id", s->rid);
	evhttp_connection_set_closecb(s->evcon, NULL, NULL);
	reply_json(s->req, 200, "OK", jw_cstr(&w));
	log_simple("done", s);
	jw_free(&w);
}

/* All tokens are out: send the closing chunks, or the whole reply. */
/* --leak: a server that keeps memory for every request it served, so that
 * the leak check has a known slope to find.  Kept on a list, touched so
 * that it is resident, freed only at exit. */
struct leak {
	struct leak *next;
};
static struct leak *leaks;

static void leak_one(void)
{
	struct leak *l =
	    O.leak_bytes >= sizeof *l ? malloc(O.leak_bytes) : NULL;

	if (l == NULL)
		return;
	for (size_t i = 0; i < O.leak_bytes; i += 4096)
		((char *)l)[i] = (char)i;
	l->next = leaks;
	leaks = l;
}

static void stream_finish(struct stream *s)
{
	if (O.leak_bytes)
		leak_one();
	if (s->decoding) {
		s->decoding = 0;
		decoding_add(-1);
	}
	s->state = STREAM_DONE;
	if (!s->streaming) {
		reply_whole(s);
		s->evcon = NULL;
		stream_release(s);
		return;
	}
	final_chunks(s); /* on_written ends the reply once they are out */
}

/* Called from the timer once the closing chunks have been written. */
static void stream_end(struct stream *s)
{
	flush_pending(s);
	log_simple("done", s);
	evhttp_connection_set_closecb(s->evcon, NULL, NULL);
	s->evcon = NULL;
	evhttp_send_reply_end(s->req);
	stream_release(s);
}

/* Closes the connection with a TCP reset (SO_LINGER 0). */
static void stream_reset(struct stream *s)
{
	struct evhttp_connection *evcon = s->evcon;
	struct bufferevent *bev = evhttp_connection_get_bufferevent(evcon);
	struct linger lg = {1, 0};

	flush_pending(s);
	log_simple("reset", s);
	setsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_LINGER, &lg,
		   sizeof lg);
	evhttp_connection_set_closecb(evcon, NULL, NULL);
	s->evcon = NULL;
	evhttp_connection_free(evcon); /* frees the attached request too */
	stream_release(s);
}

/* ---- decoding ---------------------------------------------------------- */

static void log_fault(const struct stream *s)
{
	if (logfile == NULL)
		return;
	log_begin("fault", s, clock_mono_ns());
	jw_str(&logw, "fault", s->fault.text);
	jw_int(&logw, "at", s->sent);
	log_end();
}

/* Injects the stream's fault when its token count is reached.  Returns 1
 * when the fault took over (the caller must not go on this turn). */
static int fault_due(struct stream *s)
{
	struct simwire_fault *f = &s->fault;
	static const char broken[] =
	    "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bro";
	static const char in_stream_error[] =
	    "{\"error\":{\"code\":500,\"message\":\"simulated error in "
	    "the middle of a stream\",\"type\":\"server_error\"}}";

	if (s->fault_done || s->sent < f->at ||
	    (f->kind != F_STALL && f->kind != F_MALFORMED &&
	     f->kind != F_RESET && f->kind != F_ERROR_IN_STREAM))
		return 0;
	s->fault_done = 1;
	log_fault(s);
	switch (f->kind) {
	case F_STALL:
		s->next_due += (int64_t)(f->secs * 1e9);
		schedule(s, s->next_due);
		return 1;
	case F_MALFORMED:
		if (s->streaming)
			send_raw(s, broken, sizeof broken - 1, "malformed", 0);
		return 0;
	case F_RESET:
		s->reset_pending = 1;
		if (!s->streaming || queued_bytes(s) == 0)
			schedule(s, 0);
		return 1;
	case F_ERROR_IN_STREAM:
		if (!s->streaming) {
			evhttp_connection_set_closecb(s->evcon, NULL, NULL);
			reply_error(s->req, 500, "server_error",
				    "simulated error in the middle of a reply");
			s->evcon = NULL;
			stream_release(s);
			return 1;
		}
		send_raw(s, in_stream_error, sizeof in_stream_error - 1,
			 "error", 0);
		if (s->decoding) {
			s->decoding = 0;
			decoding_add(-1);
		}
		s->state = STREAM_DONE;
		return 1;
	default: return 0;
	}
}

/* Whether a profile answers an item wrongly: a fixed draw from the item's
 * name and the profile's id (FNV-1a), below its graded_error. */
static int item_wrong(const struct sim_profile *p, const char *name)
{
	uint64_t h = 1469598103934665603ull;
	const char *parts[2] = {name, p->id};

	for (int k = 0; k < 2; k++)
		for (const char *c = parts[k]; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ull;
	return (double)(h >> 11) / 9007199254740992.0 < p->graded_error;
}

/* The graded item the prompt ends with (after gen's nonce), if any: its
 * answer, cut into tokens each starting at whitespace. */
static void match_graded(struct stream *s, const char *text, size_t len)
{
	const struct prompt_set *g = O.graded;
	int i, n = 0;

	for (i = 0; g && i < g->n; i++) {
		size_t k = strlen(g->v[i].text);
		if (g->v[i].answer && k <= len &&
		    memcmp(text + len - k, g->v[i].text, k) == 0)
			break;
	}
	if (g == NULL || i == g->n)
		return;
	s->item = g->v[i].name;
	s->item_wrong = item_wrong(s->prof, s->item);
	grade_answer(g->v[i].answer, s->item_wrong, s->answer,
		     sizeof s->answer);
	for (const char *c = s->answer;
	     *c && n < (int)(sizeof s->piece_at / sizeof *s->piece_at); c++)
		if (c == s->answer || (isspace((unsigned char)*c) &&
				       !isspace((unsigned char)c[-1])))
			s->piece_at[n++] = (short)(c - s->answer);
	s->n_pieces = n;
}

/* Output token i of the stream's content or reasoning. */
static const char *token_text(const struct stream *s, int i, char *buf,
			      size_t len)
{
	int k = i - s->n_reasoning;

	if (s->lp_on)
		return simlp_word(simlp_token(&s->lp, i));
	if (s->item == NULL || k < 0)
		return sim_token_text(s->text_seed, i);
	snprintf(buf, len, "%.*s",
		 k + 1 < s->n_pieces ? s->piece_at[k + 1] - s->piece_at[k]
				     : (int)strlen(s->answer + s->piece_at[k]),
		 s->answer + s->piece_at[k]);
	return buf;
}

/* Emits the next chunk: up to chunk_tokens tokens of one channel. */
static void emit_tokens(struct stream *s)
{
	int k = s->prof->chunk_tokens, i;
	int reasoning = s->sent < s->n_reasoning;
	jw *out = reasoning ? &s->reasoning : &s->text;
	jw buf;
	size_t len;

	if (reasoning && k > s->n_reasoning - s->sent)
		k = s->n_reasoning - s->sent;
	if (s->fault.kind != F_ENDLESS && k > s->n_out - s->sent)
		k = s->n_out - s->sent;
	jw_init(&buf);
	for (i = 0; i < k; i++) {
		char tb[600];
		const char *t = token_text(s, s->sent + i, tb, sizeof tb);
		jw_append(s->streaming ? &buf : out, t, strlen(t));
	}
	if (s->streaming) {
		const char *d = jw_data(&buf, &len);
		send_text_chunk(s, reasoning ? "reasoning" : "content", d, len,
				k);
	}
	jw_free(&buf);
	s->sent += k;
	s->t_last = clock_mono_ns();
}

static int all_sent(const struct stream *s)
{
	return s->fault.kind != F_ENDLESS && s->sent >= s->n_out;
}

static void decode_step(struct stream *s)
{
	int paced = s->prof->decode_tps > 0;
	int budget = paced ? 1 : s->streaming ? 64 : 1 << 30;

	while (budget-- > 0) {
		if (fault_due(s))
			return;
		emit_tokens(s);
		if (all_sent(s)) {
			stream_finish(s);
			return;
		}
		if (paced) {
			double u = sim_rng_sym(&s->rng);
			double life =
			    (double)(s->next_due - (served ? served : born)) /
			    1e9;
			int64_t gap =
			    (int64_t)(sim_gap(s->prof, n_decoding,
					      s->prof->chunk_tokens, u) /
				      sim_slow(s->prof, life) * 1e9);
			s->next_due += gap;
			schedule(s, s->next_due);
			return;
		}
	}
	/* Unpaced: let other streams run; wait for the socket to drain when
	 * this one has enough queued. */
	if (queued_bytes(s) >= UNPACED_HIGH_WATER)
		s->waiting_drain = 1;
	else
		schedule(s, 0);
}

/* The prefill is over: the first token is due now. */
static void first_token(struct stream *s)
{
	s->state = STREAM_DECODE;
	s->decoding = 1;
	decoding_add(1);
	s->t_first = clock_mono_ns();
	if (s->use_cache && s->prompt != NULL &&
	    sim_cache_store(cache, s->prompt, s->prompt_len) != 0)
		O.warn("out of memory for the prompt cache");
	free(s->prompt);
	s->prompt = NULL;
	if (s->streaming && s->api == SIM_CHAT && !O.role_early && !s->native &&
	    has_role_chunk())
		send_text_chunk(s, "role", "", 0, 0);
}

static void stream_tick(struct stream *s)
{
	if (s->state == STREAM_DONE) {
		stream_end(s);
		return;
	}
	if (s->reset_pending) {
		stream_reset(s);
		return;
	}
	if (s->state == STREAM_PREFILL) {
		if (s->streaming && !s->headers_sent) {
			send_headers(s);
			if (clock_mono_ns() < s->next_due) {
				schedule(s, s->next_due);
				return;
			}
		}
		first_token(s);
	}
	decode_step(s);
}

/* The request's KV cache, held while it runs: kv_kb_per_token of the
 * simulated model for each token of its context (prompt and output),
 * scaled as the model's memory is, allocated and touched so that memory
 * grows with context as a real server's does. */
static void kv_alloc(struct stream *s)
{
	double b = s->prof->kv_kb_per_token * 1e3 * O.mem_scale *
		   (double)(s->prompt_tokens + s->n_out);
	size_t n = b > 0 && b < 64e9 ? (size_t)b : 0, i;
	void *m;

	/* mapped, not malloc'd: freed, it leaves the resident set at once,
	 * whatever the allocator would keep, so memory follows context */
	if (n < 4096 || (m = mmap(NULL, n, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANON, -1, 0)) == MAP_FAILED)
		return;
	s->kv = m;
	s->kv_len = n;
	for (i = 0; i < n; i += 4096)
		s->kv[i] = (char)i;
}

/* A slot is free: the request starts its prefill. */
static void stream_start(struct stream *s)
{
	int uncached = s->prompt_tokens - s->cached_tokens;
	int64_t ttft = (int64_t)(sim_ttft(s->prof, uncached) * 1e9);
	int64_t slow = 0;

	s->state = STREAM_PREFILL;
	s->t_slot = clock_mono_ns();
	n_running++;
	kv_alloc(s);
	if (logfile !=
	    NULL) { /* at t_slot, the anchor of the schedule itself */
		log_begin("start", s, s->t_slot);
		log_end();
	}
	if (s->fault.kind == F_SLOW_HEADERS)
		slow = (int64_t)(s->fault.secs * 1e9);
	s->next_due = s->t_slot + slow + ttft;
	if (s->streaming && slow == 0)
		send_headers(s);
	schedule(s, slow ? s->t_slot + slow : s->next_due);
}

/* The load requests waited for is over: answer Ollama's load calls and
 * start what queued meanwhile. */
static void on_load_done(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (loading()) { /* a new load began meanwhile */
		start_queued();
		return;
	}
	while (n_load_calls > 0)
		simsrv_ollama_load(load_calls[--n_load_calls], NULL);
	start_queued();
}

/* Wakes start_queued when the model has loaded. */
static void wait_load(void)
{
	int64_t d = loaded_at - clock_mono_ns();
	struct timeval tv;

	if (loaded_at < 0 ||
	    (load_timer == NULL &&
	     (load_timer = evtimer_new(base, on_load_done, NULL)) == NULL))
		return;
	if (d < 0)
		d = 0;
	tv.tv_sec = (time_t)(d / 1000000000);
	tv.tv_usec = (suseconds_t)(d % 1000000000 / 1000);
	evtimer_add(load_timer, &tv);
}

static void start_queued(void)
{
	struct stream *s;

	if (stopping)
		return;
	if (loading()) { /* Ollama, mlx_lm.server: requests wait for the model
			  */
		wait_load();
		return;
	}
	while ((s = queue_head) != NULL) {
		int slots = s->prof->slots;
		if (slots > 0 && n_running >= slots)
			return;
		queue_head = s->qnext;
		if (queue_head == NULL)
			queue_tail = NULL;
		s->qnext = NULL;
		stream_start(s);
	}
}

/* ---- requests ---------------------------------------------------------- */

/* Fills s from the request body (src/llmsim/simwire reads it); returns an error
 * message or NULL. */
static const char *parse_request(struct stream *s, const cJSON *body)
{
	struct simwire_req q;
	const struct sim_profile *p;
	const char *err = simwire_req_parse(body, s->api == SIM_CHAT, &q),
		   *text;
	size_t len;

	if (err != NULL) {
		simwire_req_free(&q);
		return err;
	}
	s->max_tokens = q.max_tokens;
	if (q.model != NULL)
		snprintf(s->model_asked, sizeof s->model_asked, "%s", q.model);
	if (O.resolve) { /* LM Studio: an instance, loaded just in time */
		p = O.resolve(q.model, s->why, sizeof s->why);
		s->unknown_model = p == NULL;
	} else {
		s->unknown_model = q.model != NULL && !model_served(q.model);
		p = q.model ? O.find_profile(q.model) : NULL;
	}
	s->own_prof = p ? *p : *current;
	s->prof = &s->own_prof;
	s->streaming = q.stream;
	s->include_usage = s->streaming && !O.no_usage && q.include_usage;
	s->ignore_eos = q.ignore_eos;
	s->use_cache = q.cache_prompt || s->fault.kind == F_STICKY_CACHE;
	text = jw_data(&q.prompt, &len);
	s->prompt_tokens = sim_prompt_tokens(text, len);
	if (simmoe_on()) /* the weights its prompt touches (simmoe.h) */
		(void)simmoe_touch(s->experts = simmoe_route(text, len));
	match_graded(s, text, len);
	if (q.lp_asked &&
	    s->item == NULL) { /* a graded item keeps its answer */
		s->lp_on = 1;
		s->lp_ids = q.lp_ids;
		s->lp = (struct simlp_req){
		    simlp_key(s->prof->family, text, len),
		    simlp_noise_key(s->prof->id), s->prof->logit_noise,
		    q.lp_top < SIMLP_V ? q.lp_top : SIMLP_V};
	}
	if (s->fault.kind == F_STICKY_CACHE) { /* a cache blind to the nonce */
		const char *e = len > 0 && text[0] == '['
				    ? memchr(text, ']', len < 128 ? len : 128)
				    : NULL;
		if (e != NULL) {
			len -= (size_t)(e + 1 - text);
			text = e + 1;
		}
	}
	if (s->use_cache) {
		size_t common = sim_cache_lookup(cache, text, len);
		s->cached_tokens = common ? sim_prompt_tokens(text, common) : 0;
		if (s->cached_tokens >=
		    s->prompt_tokens) /* one is always run */
			s->cached_tokens = s->prompt_tokens - 1;
		s->prompt = malloc(len + 1);
		if (s->prompt)
			memcpy(s->prompt, text, len);
		s->prompt_len = len;
	}
	simwire_req_free(&q);
	return NULL;
}

/* Output length and finish reason from the profile and the request. */
static void plan_output(struct stream *s)
{
	const struct sim_profile *p = s->prof;

	s->n_out = s->max_tokens;
	s->natural = 0;
	if (s->item != NULL) { /* the reasoning, then the answer, then a stop */
		int n = p->reasoning_tokens + s->n_pieces;
		s->natural = !s->ignore_eos && n <= s->max_tokens;
		s->n_out = s->natural ? n : s->max_tokens;
		s->n_reasoning = p->reasoning_tokens < s->n_out
				     ? p->reasoning_tokens
				     : s->n_out;
		if (s->ignore_eos && s->n_out > n) /* past the answer: filler */
			s->n_out = n;
		return;
	}
	if (!s->ignore_eos && p->natural_len > 0 &&
	    p->natural_len <= s->max_tokens) {
		s->n_out = p->natural_len;
		s->natural = 1;
	}
	s->n_reasoning =
	    p->reasoning_tokens < s->n_out ? p->reasoning_tokens : s->n_out;
}

/* The fault for this request: its X-Sim-Fault header, else the run's
 * --fault with probability --fault-rate.  Returns -1 on a bad header. */
static int pick_fault(struct evhttp_request *req, struct simwire_fault *f)
{
	const char *h = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "X-Sim-Fault");

	memset(f, 0, sizeof *f);
	if (h != NULL)
		return simwire_fault_parse(h, f);
	if (O.run_fault.kind != F_NONE &&
	    sim_rng_unit(&fault_rng) < O.fault_rate)
		*f = O.run_fault;
	return 0;
}

static void log_request(const struct stream *s, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);

	if (logfile == NULL)
		return;
	log_begin("req", s, s->t_arrive);
	jw_str(&logw, "model", s->prof->id);
	jw_bool(&logw, "stream", s->streaming);
	jw_int(&logw, "max_tokens", s->max_tokens);
	jw_int(&logw, "n_out", s->fault.kind == F_ENDLESS ? -1 : s->n_out);
	jw_int(&logw, "reasoning", s->n_reasoning);
	jw_int(&logw, "prompt_tokens", s->prompt_tokens);
	jw_int(&logw, "cached_tokens", s->cached_tokens);
	jw_str(&logw, "fault", s->fault.kind ? s->fault.text : NULL);
	if (evcon) { /* which connection: a client's reuse is visible */
		char *addr = NULL;
		ev_uint16_t port = 0;
		evhttp_connection_get_peer(evcon, &addr, &port);
		jw_int(&logw, "peer_port", port);
	}
	if (simmoe_on()) {
		jw_arr_open(&logw, "experts");
		for (int e = 0; e < SIMMOE_EXPERTS; e++)
			if (s->experts >> e & 1)
				jw_int(&logw, NULL, e);
		jw_arr_close(&logw);
	}
	if (s->item != NULL) {
		jw_str(&logw, "item", s->item);
		jw_bool(&logw, "answer_right", !s->item_wrong);
	}
	if (s->lp_on)
		simlp_truth(&logw, &s->lp,
			    s->fault.kind == F_ENDLESS ? 0 : s->n_out);
	log_end();
}

/* The slowdown counts from the first request served (a machine heats
 * up as it works, not as it idles): that moment, with the slowdown's
 * onset, is logged once as the truth (docs/llmsim.md, LOG). */
static void first_served(const struct stream *s)
{
	if (served != 0)
		return;
	served = s->t_arrive;
	if (logfile == NULL || !(s->prof->slow_factor > 0))
		return;
	log_begin("slowdown", NULL, served);
	jw_num(&logw, "t_onset",
	       clock_to_shared(served) + s->prof->slow_after_s, 6);
	jw_num(&logw, "slow_factor", s->prof->slow_factor, 6);
	log_end();
}

static void reply_fault(struct evhttp_request *req,
			const struct simwire_fault *f, const char *rid)
{
	char msg[128], ra[32];

	if (f->code == 429) {
		snprintf(ra, sizeof ra, "%.0f", ceil(f->secs));
		add_header(req, "Retry-After", ra);
	}
	snprintf(msg, sizeof msg, "simulated HTTP %d (llmsim fault)", f->code);
	add_header(req, "X-Request-Id", rid);
	reply_error(req, f->code,
		    f->code == 429   ? "rate_limit_error"
		    : f->code == 503 ? "unavailable_error"
				     : "server_error",
		    msg);
}

static struct stream *stream_new(struct evhttp_request *req, enum sim_api api)
{
	struct stream *s = calloc(1, sizeof *s);
	const char *rid;

	if (s == NULL)
		return NULL;
	s->req = req;
	s->api = api;
	s->seq = ++next_seq;
	s->t_arrive = clock_mono_ns();
	rid = evhttp_find_header(evhttp_request_get_input_headers(req),
				 "X-Request-Id");
	if (rid != NULL)
		snprintf(s->rid, sizeof s->rid, "%s", rid);
	else
		snprintf(s->rid, sizeof s->rid, "sim-%ld", s->seq);
	snprintf(s->cid, sizeof s->cid, "chatcmpl-sim%ld", s->seq);
	jw_init(&s->text);
	jw_init(&s->reasoning);
	sim_rng_seed(&s->rng, O.seed * 1000003u + (uint64_t)s->seq);
	s->text_seed = O.seed ^ (uint64_t)s->seq << 20;
	return s;
}

/* Small chunks must leave at once: with Nagle's algorithm a chunk waits
 * for the ACK of the previous one, which a client may delay by 40 ms. */
static void no_delay(struct evhttp_connection *evcon)
{
	int one = 1;
	int fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));

	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static cJSON *read_body(struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *p = (const char *)evbuffer_pullup(in, -1);

	return p ? cJSON_ParseWithLength(p, len) : NULL;
}

/* --replay: every completion gets the captured body, byte for byte (as
 * JSON lines on Ollama's /api/chat). */
static void handle_replay(struct evhttp_request *req, enum sim_api api)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add(b, O.replay, O.replay_len);
	add_header(req, "Content-Type",
		   api == SIM_OLLAMA_CHAT ? "application/x-ndjson"
					  : "text/event-stream");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	log_simple("replay", NULL);
}

/* Ollama's native body read as the OpenAI one: options.num_predict is
 * max_tokens; it streams unless "stream": false, which is not imitated. */
static int ollama_to_openai(cJSON *body, struct stream *s)
{
	const cJSON *np = cJSON_GetObjectItem(
	    cJSON_GetObjectItem(body, "options"), "num_predict");
	const cJSON *st = cJSON_GetObjectItem(body, "stream");

	s->native = 1;
	if (cJSON_IsFalse(st))
		return -1;
	if (cJSON_IsNumber(np) && np->valuedouble > 0)
		cJSON_AddNumberToObject(body, "max_tokens", np->valuedouble);
	if (st == NULL)
		cJSON_AddTrueToObject(body, "stream");
	return 0;
}

/* vLLM refuses a prompt whose tokens with max_tokens pass the context
 * (renderers/params.py, 400 BadRequestError). */
static void reply_vllm_ctx(struct evhttp_request *req, const struct stream *s)
{
	char msg[400];

	snprintf(msg, sizeof msg,
		 "This model's maximum context length is %d tokens. "
		 "However, you requested %d output tokens and your prompt "
		 "contains %d "
		 "input tokens, for a total of %d tokens. Please reduce the "
		 "length of the "
		 "input prompt or the number of requested output tokens. "
		 "(parameter=input_tokens, value=%d)",
		 s->prof->ctx_size, s->max_tokens, s->prompt_tokens,
		 s->prompt_tokens + s->max_tokens, s->prompt_tokens);
	log_simple("ctx_exceeded", s);
	reply_error(req, 400, "BadRequestError", msg);
}

/* A completion request read into a new stream, or NULL when it has been
 * answered already: vLLM's dead engine, a loading server, a replay, a body
 * or fault that cannot be read. */
static struct stream *accept_request(struct evhttp_request *req,
				     enum sim_api api)
{
	struct stream *s;
	cJSON *body;
	const char *err;

	if (O.engine_dead) { /* vLLM after EngineDeadError
				(v1/engine/exceptions.py) */
		reply_error(
		    req, 500, "InternalServerError",
		    "EngineCore encountered an "
		    "issue. See stack trace (above) for the root cause.");
		return NULL;
	}
	if (loading() && !simsrv_waits_for_load()) {
		reply_error(req, 503, "unavailable_error", "Loading model");
		return NULL;
	}
	if (O.replay != NULL) {
		handle_replay(req, api);
		return NULL;
	}
	if ((body = read_body(req)) == NULL) {
		reply_error(req, 400, "invalid_request_error",
			    "the body is not valid JSON");
		return NULL;
	}
	if ((s = stream_new(req, api == SIM_OLLAMA_CHAT ? SIM_CHAT : api)) ==
	    NULL) {
		cJSON_Delete(body);
		reply_error(req, 500, "server_error", "out of memory");
		return NULL;
	}
	if (api == SIM_OLLAMA_CHAT && ollama_to_openai(body, s) != 0) {
		cJSON_Delete(body);
		reply_flat_error(
		    req, 400,
		    "llmsim imitates Ollama's /api/chat streamed only");
		stream_discard(s);
		return NULL;
	}
	err = pick_fault(req, &s->fault) != 0
		  ? "X-Sim-Fault: unknown fault (see llmsim -h)"
		  : parse_request(s, body);
	cJSON_Delete(body);
	if (err != NULL) {
		if (s->native)
			reply_flat_error(req, 400, err);
		else
			reply_error(req, 400, "invalid_request_error", err);
		stream_discard(s);
		return NULL;
	}
	return s;
}

/* Whether the server refuses the request, its output planned: a context
 * too small (vLLM counts the output too, llama-server the prompt), or an
 * HTTP fault.  Answered and s discarded when so. */
static int refused(struct evhttp_request *req, struct stream *s)
{
	char msg[160];

	if (O.persona == SIM_VLLM && s->prof->ctx_size > 0 &&
	    s->prompt_tokens + s->max_tokens > s->prof->ctx_size) {
		reply_vllm_ctx(req, s);
	} else if (s->prof->ctx_size > 0 &&
		   s->prompt_tokens >= s->prof->ctx_size) {
		/* As llama-server refuses a prompt over its context. */
		snprintf(
		    msg, sizeof msg,
		    "request (%d tokens) exceeds the "
		    "available context size (%d tokens), try increasing it",
		    s->prompt_tokens, s->prof->ctx_size);
		log_simple("ctx_exceeded", s);
		reply_error(req, 400, "exceed_context_size_error", msg);
	} else if (s->fault.kind == F_HTTP) {
		log_fault(s);
		reply_fault(req, &s->fault, s->rid);
	} else {
		return 0;
	}
	stream_discard(s);
	return 1;
}

/* The stream waits for a slot, its connection watched. */
static void enqueue(struct evhttp_request *req, struct stream *s)
{
	s->evcon = evhttp_request_get_connection(req);
	evhttp_connection_set_closecb(s->evcon, on_close, s);
	no_delay(s->evcon);
	s->timer = evtimer_new(base, on_timer, s);
	s->state = STREAM_QUEUED;
	if (queue_tail)
		queue_tail->qnext = s;
	else
		queue_head = s;
	queue_tail = s;
	start_queued();
}

static void handle_completion(struct evhttp_request *req, enum sim_api api)
{
	struct stream *s = accept_request(req, api);

	if (s == NULL)
		return;
	if (s->unknown_model) {
		reply_unknown_model(req, s);
		stream_discard(s);
		return;
	}
	if (loaded_at < 0 &&
	    O.load_on_demand) /* Ollama: the first request loads */
		O.load_on_demand();
	plan_output(s);
	log_request(s, req);
	first_served(s);
	if (!refused(req, s))
		enqueue(req, s);
}

/* ---- the power model ----------------------------------------------- */

/* Every 5 ms: the counter as a reader of sysfs would see it. */
static void on_power_timer(evutil_socket_t fd, short what, void *arg)
{
	int64_t now = clock_mono_ns();

	(void)fd, (void)what, (void)arg;
	/* a machine that has slowed says so, as a throttle count that rises */
	power.throttled = served && current &&
			  sim_slow(current, (double)(now - served) / 1e9) < 1;
	if (simpower_write(&power, now) != 0)
		O.fatal("%s: %s", power.path, strerror(errno));
}

static int power_start(void)
{
	struct timeval every = {0, 5000};

	if (simpower_open(&power, O.power_dir, O.idle_w, O.stream_w, born) !=
	    0) {
		O.warn("--power-dir %s: %s", O.power_dir, strerror(errno));
		return -1;
	}
	power_timer = event_new(base, -1, EV_PERSIST, on_power_timer, NULL);
	if (power_timer == NULL || evtimer_add(power_timer, &every) != 0)
		return -1;
	return 0; /* the log's start line says the watts at 0 streams */
}

/* ---- the engine's interface ------------------------------------------ */

int simsrv_init(struct event_base *b, const struct simsrv_opts *o)
{
	O = *o;
	base = b;
	born = clock_mono_ns();
	if (o->power_dir != NULL && power_start() != 0)
		return -1;
	logfile = o->log;
	jw_init(&logw);
	sim_rng_seed(&fault_rng, o->seed);
	cache = sim_cache_new(64);
	scratch = evbuffer_new();
	return cache && scratch ? 0 : -1;
}

void simsrv_set_model(const struct sim_profile *p, int64_t at)
{
	current = p;
	loaded_at = at;
	jit_wait = 0;
}

void simsrv_jit_load(const struct sim_profile *p, int64_t until)
{
	current = p;
	if (!loading() || until > loaded_at)
		loaded_at = until;
	jit_wait = 1;
}

int simsrv_loading(void)
{
	return loading();
}

int simsrv_loaded(void)
{
	return !loading();
}

int simsrv_waits_for_load(void)
{
	return O.persona == SIM_OLLAMA || O.persona == SIM_MLX || jit_wait;
}

void simsrv_ollama_load(struct evhttp_request *req, const char *model)
{
	jw w;

	if (model != NULL && !model_served(model)) {
		char msg[200];
		snprintf(msg, sizeof msg, "model '%s' not found", model);
		reply_flat_error(req, 404, msg);
		return;
	}
	if (loaded_at < 0 && O.load_on_demand)
		O.load_on_demand();
	if (loading()) {
		if (n_load_calls ==
		    (int)(sizeof load_calls / sizeof load_calls[0])) {
			reply_error(req, 503, "unavailable_error",
				    "server busy");
			return;
		}
		load_calls[n_load_calls++] = req;
		wait_load();
		return;
	}
	/* routes.go: an empty prompt loads and answers with no metrics */
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "model", current->id);
	jw_str(&w, "created_at", "2026-01-01T00:00:00Z");
	jw_str(&w, "response", "");
	jw_bool(&w, "done", 1);
	jw_str(&w, "done_reason", "load");
	jw_obj_close(&w);
	reply_json(req, 200, "OK", jw_cstr(&w));
	jw_free(&w);
	log_simple("loaded", NULL);
}

void simsrv_completion(struct evhttp_request *req, enum sim_api api)
{
	handle_completion(req, api);
}

cJSON *simsrv_read_body(struct evhttp_request *req)
{
	return read_body(req);
}

void simsrv_reply_json(struct evhttp_request *req, int code, const char *reason,
		       const char *json)
{
	reply_json(req, code, reason, json);
}

void simsrv_reply_error(struct evhttp_request *req, int code, const char *type,
			const char *msg)
{
	reply_error(req, code, type, msg);
}

jw *simsrv_log_begin(const char *what)
{
	if (logfile == NULL)
		return NULL;
	log_begin(what, NULL, clock_mono_ns());
	return &logw;
}

void simsrv_log_end(void)
{
	log_end();
}

void simsrv_log_simple(const char *what)
{
	log_simple(what, NULL);
}

void simsrv_stop(void)
{
	stopping = 1;
	while (n_load_calls > 0) /* Ollama load calls still waiting */
		reply_error(load_calls[--n_load_calls], 503,
			    "unavailable_error", "the server is stopping");
}

void simsrv_free(void)
{
	while (leaks) {
		struct leak *l = leaks;
		leaks = l->next;
		free(l);
	}
	jw_free(&logw);
	if (power_timer)
		event_free(power_timer);
	power_timer = NULL;
	if (load_timer)
		event_free(load_timer);
	load_timer = NULL;
	sim_cache_free(cache);
	if (scratch)
		evbuffer_free(scratch);
	cache = NULL;
	scratch = NULL;
}
