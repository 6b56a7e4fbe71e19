/* llmsim: a scripted OpenAI-compatible streaming server with known timing. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "args.h"
#include "clock.h"
#include "diag.h"
#include "fileio.h"
#include "formats.h"
#include "jw.h"
#include "sim.h"
#include "simwire.h"
#include "units.h"
#include "help.h" /* generated from docs/llmsim.md */

#define MAX_PROFILES 64
#define MAX_BODY (64 * 1024 * 1024)
/* Unpaced streams write until this much is queued, then wait for the
 * socket to drain, so a slow reader gets back-pressure, not a huge buffer. */
#define UNPACED_HIGH_WATER (64 * 1024)

enum api { API_CHAT, API_COMPLETIONS };
enum state { ST_QUEUED, ST_PREFILL, ST_DECODE, ST_DONE };

/* One injected fault, from --fault or an X-Sim-Fault header. */

struct stream {
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	struct event *timer;
	const struct sim_profile *prof;
	struct stream *qnext;
	enum api api;
	enum state state;
	int streaming, include_usage, ignore_eos;
	int max_tokens, n_out, sent, n_reasoning;
	int prompt_tokens, cached_tokens;
	int decoding;            /* counted in n_decoding */
	int headers_sent, waiting_drain, reset_pending, fault_done;
	int use_cache, natural;
	char *prompt;            /* kept until the prefix cache stores it */
	size_t prompt_len;
	struct { const char *ch; int n; } pend[64]; /* written, not logged */
	int npend;
	long seq;
	char rid[80];
	char cid[48];
	int64_t t_arrive, t_slot, t_first, t_last, next_due;
	int64_t timer_due;           /* when the pending timer is meant to fire */
	struct sim_rng rng;
	uint64_t text_seed;
	struct simfault fault;
	jw text, reasoning;      /* non-streamed replies: the output so far */
};

/* Options and server state, file-static as in the house style. */
static struct sim_profile profiles[MAX_PROFILES];
static int n_profiles;
static struct sim_profile *current;   /* the loaded model */
static struct sim_profile overrides;  /* flags given on the command line */
static unsigned override_mask;
static const char *opt_host = "127.0.0.1";
static int opt_port = 8080;
static const char *opt_profiles_file;
static const char *opt_profile;
static const char *opt_log;
static const char *opt_api_key;      /* required as a Bearer token, like llama-server --api-key */
static const char *opt_reasoning_field = "reasoning_content";
static int opt_timings, opt_stats, opt_role_early, opt_eos_in_usage;
static uint64_t opt_seed = 42;
static double opt_mem_scale = 1.0;    /* MB allocated per GB of model */
static uint64_t opt_mem_bytes;        /* --mem: fixed ballast instead */
static int opt_mem_set;
static struct simfault run_fault;
static double opt_fault_rate = 1.0;
static double opt_load_time = -1;
static int opt_list;
static int opt_no_usage;
static char *replay;             /* --replay: a captured body */
static size_t replay_len;

static struct event_base *base;
static struct evhttp *http;
static FILE *logfile;
static jw logw;
static struct sim_cache *cache;
static struct sim_rng fault_rng;
static struct stream *queue_head, *queue_tail;
static int n_running, n_decoding;
static long next_seq;
static int64_t loaded_at;             /* mono ns when loading ends */
static char *ballast;
static int stopping;
static struct load_req *pending_load;
static size_t ballast_len;

static void stream_tick(struct stream *s);
static void stream_finish(struct stream *s);
static void start_queued(void);

/* ---- options ------------------------------------------------------- */

enum {
	OV_TPS = 1, OV_TTFT = 2, OV_PREFILL = 4, OV_JITTER = 8, OV_SLOTS = 16,
	OV_BATCH = 32, OV_CHUNK = 64, OV_REASONING = 128, OV_NATURAL = 256,
	OV_LOAD = 512, OV_CTX = 1024
};

/* -h prints the synopsis to stdout and exits 0; a bad command line prints
 * it to stderr and exits 2. */
static void usage(int code)
{
	diag_usage(code,
		"usage: llmsim [-p port] [--host addr] [--profiles file] "
		"[-P profile]\n"
		"              [--tps rate] [--ttft dur] [--prefill rate] "
		"[--jitter f]\n"
		"              [--slots n] [--batch-k k] [--chunk-tokens n] "
		"[--reasoning n]\n"
		"              [--reasoning-field reasoning_content|reasoning] "
		"[--natural-len n]\n"
		"              [--load-time dur] [--mem size | --mem-scale mb] "
		"[--timings] [--stats]\n"
		"              [--role-early] [--eos-in-usage] [--seed n] "
		"[--log file]\n"
		"              [--fault spec [--fault-rate p]] "
		"[--list-profiles]\n"
		"              [--no-usage] [--replay captured.sse] [--api-key key]\n"
		"faults: http500 http503 http429[:retry] reset:K malformed:K "
		"stall:K:DUR\n"
		"        slow-headers:DUR endless wrong-ctype error:K no-done\n",
		tool_help);
}

/* Parses a fault spec: http500 | http503 | http429[:retry_s] | reset:K |
 * malformed:K | stall:K:DUR | slow-headers:DUR | endless | wrong-ctype |
 * error:K | no-done.  Returns 0, or -1 if the spec is not understood. */
static void set_override(int c, const char *v)
{
	switch (c) {
	case 'T': overrides.decode_tps = args_real("--tps", v, 0, 1e9);
		  override_mask |= OV_TPS; break;
	case 'F': overrides.ttft_s = args_duration("--ttft", v);
		  override_mask |= OV_TTFT; break;
	case 'R': overrides.prefill_tps = args_real("--prefill", v, 0, 1e12);
		  override_mask |= OV_PREFILL; break;
	case 'J': overrides.jitter = args_real("--jitter", v, 0, 0.99);
		  override_mask |= OV_JITTER; break;
	case 'S': overrides.slots = (int)args_int("--slots", v, 0, 1000000);
		  override_mask |= OV_SLOTS; break;
	case 'K': overrides.batch_k = args_real("--batch-k", v, 0, 1000);
		  override_mask |= OV_BATCH; break;
	case 'C': overrides.chunk_tokens = (int)args_int("--chunk-tokens", v, 1,
						    1000000);
		  override_mask |= OV_CHUNK; break;
	case 'Q': overrides.reasoning_tokens = (int)args_int("--reasoning", v, 0,
							1000000);
		  override_mask |= OV_REASONING; break;
	case 'N': overrides.natural_len = (int)args_int("--natural-len", v, 0,
						   100000000);
		  override_mask |= OV_NATURAL; break;
	case 'L': opt_load_time = args_duration("--load-time", v); break;
	}
}

static void apply_overrides(struct sim_profile *p)
{
	if (override_mask & OV_TPS) p->decode_tps = overrides.decode_tps;
	if (override_mask & OV_TTFT) p->ttft_s = overrides.ttft_s;
	if (override_mask & OV_PREFILL) p->prefill_tps = overrides.prefill_tps;
	if (override_mask & OV_JITTER) p->jitter = overrides.jitter;
	if (override_mask & OV_SLOTS) p->slots = overrides.slots;
	if (override_mask & OV_BATCH) p->batch_k = overrides.batch_k;
	if (override_mask & OV_CHUNK) p->chunk_tokens = overrides.chunk_tokens;
	if (override_mask & OV_REASONING)
		p->reasoning_tokens = overrides.reasoning_tokens;
	if (override_mask & OV_NATURAL) p->natural_len = overrides.natural_len;
	if (opt_load_time >= 0) p->load_s = opt_load_time;
}

/* ---- profiles ------------------------------------------------------ */

/* Loads profiles from a JSON file: {"profiles": [ {...}, ... ]}; each
 * starts from the defaults.  Dies on any error, naming file and entry. */
static void load_profiles(const char *path)
{
	size_t len;
	char *text = fio_slurp(path, 16 << 20, &len);
	cJSON *doc, *arr, *it;
	char err[256];

	if (text == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	doc = cJSON_ParseWithLength(text, len);
	free(text);
	arr = doc ? cJSON_GetObjectItem(doc, "profiles") : NULL;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(doc);
		diag_die(EXIT_RUNTIME, "%s: not a JSON object with a "
			 "\"profiles\" array", path);
	}
	cJSON_ArrayForEach(it, arr) {
		struct sim_profile *p = &profiles[n_profiles];
		int bad = n_profiles == MAX_PROFILES;
		if (bad)
			snprintf(err, sizeof err, "more than %d profiles",
				 MAX_PROFILES);
		else
			sim_profile_default(p);
		if (bad || sim_profile_from_json(p, it, err, sizeof err) != 0) {
			cJSON_Delete(doc);
			diag_die(EXIT_RUNTIME, "%s: profile %d: %s", path,
				 n_profiles + 1, err);
		}
		n_profiles++;
	}
	cJSON_Delete(doc);
}

static struct sim_profile *find_profile(const char *id)
{
	int i;

	for (i = 0; id && i < n_profiles; i++)
		if (strcmp(profiles[i].id, id) == 0)
			return &profiles[i];
	return NULL;
}

/* ---- memory ballast -------------------------------------------------- */

/* The simulated model's memory: mem_gb * scale MB (or --mem exactly),
 * allocated at once and touched page by page while the model "loads", as a
 * real server's resident memory grows while it reads its weights. */
static size_t ballast_touched;
static struct event *ballast_timer;
static int64_t ballast_from, ballast_until;

static void touch_ballast(size_t upto)
{
	for (; ballast_touched < upto; ballast_touched += 4096)
		ballast[ballast_touched] = (char)ballast_touched;
}

static void on_ballast(evutil_socket_t fd, short what, void *arg)
{
	int64_t now = clock_mono_ns();
	double f = ballast_until > ballast_from ?
		   (double)(now - ballast_from) / (double)(ballast_until - ballast_from) : 1;
	struct timeval tv = {0, 100000};

	(void)fd;
	(void)what;
	(void)arg;
	touch_ballast(f >= 1 ? ballast_len : (size_t)(f * (double)ballast_len));
	if (ballast_touched < ballast_len)
		evtimer_add(ballast_timer, &tv);
}

static void set_ballast(const struct sim_profile *p, double load_s)
{
	size_t want = opt_mem_set ? (size_t)opt_mem_bytes :
		      (size_t)(p->mem_gb * opt_mem_scale * 1e6);

	free(ballast);
	ballast = NULL;
	ballast_len = ballast_touched = 0;
	if (want == 0)
		return;
	ballast = malloc(want);
	if (ballast == NULL)
		diag_die(EXIT_RUNTIME, "cannot allocate %zu bytes of simulated "
			 "model memory", want);
	ballast_len = want;
	ballast_from = clock_mono_ns();
	ballast_until = ballast_from + (int64_t)(load_s * 1e9);
	if (load_s <= 0 || base == NULL) {
		touch_ballast(want);
		return;
	}
	if (ballast_timer == NULL)
		ballast_timer = evtimer_new(base, on_ballast, NULL);
	on_ballast(-1, 0, NULL);
}

/* ---- ground-truth log ------------------------------------------------ */

static void log_begin(const char *what, const struct stream *s, int64_t t)
{
	jw_obj_open(&logw, NULL);
	jw_str(&logw, "ev", "sim");
	jw_num(&logw, "t", clock_to_shared(t), 6);
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
		diag_die(EXIT_RUNTIME, "%s: write error: %s", opt_log,
			 strerror(errno));
}

static void log_simple(const char *what, const struct stream *s)
{
	if (logfile == NULL)
		return;
	log_begin(what, s, clock_mono_ns());
	log_end();
}

static void log_chunk(const struct stream *s, const char *ch, int n,
		      int64_t t)
{
	if (logfile == NULL)
		return;
	log_begin("chunk", s, t);
	jw_str(&logw, "ch", ch);
	jw_int(&logw, "n", n);
	log_end();
}

/* ---- HTTP helpers ---------------------------------------------------- */

static void add_header(struct evhttp_request *req, const char *k,
		       const char *v)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), k, v);
}

static void reply_json(struct evhttp_request *req, int code,
		       const char *reason, const char *json)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add(b, json, strlen(json));
	add_header(req, "Content-Type", "application/json; charset=utf-8");
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

/* An OpenAI-style error object, as llama-server, vLLM and LM Studio
 * send it. */
static void reply_error(struct evhttp_request *req, int code,
			const char *type, const char *msg)
{
	jw w;
	const char *reason = code == 400 ? "Bad Request" :
			     code == 404 ? "Not Found" :
			     code == 429 ? "Too Many Requests" :
			     code == 503 ? "Service Unavailable" :
			     "Internal Server Error";

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
	return clock_mono_ns() < loaded_at;
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
	free(s);
}

/* Leaves the slot or the queue and frees s; the request must already be
 * answered, freed or owned by evhttp. */
static void stream_release(struct stream *s)
{
	if (s->state == ST_QUEUED) {
		queue_remove(s);
	} else {
		n_running--;
		if (s->decoding)
			n_decoding--;
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
	jw_str(w, "object", s->api == API_CHAT ? "chat.completion.chunk" :
						 "text_completion");
	jw_int(w, "created", (long long)time(NULL));
	jw_str(w, "model", s->prof->id);
	jw_str(w, "system_fingerprint", "llmsim-" TB_VERSION);
}

static void usage_obj(jw *w, const struct stream *s, int natural)
{
	int completion = s->sent + (natural && opt_eos_in_usage);

	jw_obj_open(w, "usage");
	jw_int(w, "prompt_tokens", s->prompt_tokens);
	jw_int(w, "completion_tokens", completion);
	jw_int(w, "total_tokens", s->prompt_tokens + completion);
	jw_obj_open(w, "prompt_tokens_details");
	jw_int(w, "cached_tokens", s->cached_tokens);
	jw_obj_close(w);
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

	if (opt_timings) {
		jw_obj_open(w, "timings");
		jw_int(w, "cache_n", s->cached_tokens);
		jw_int(w, "prompt_n", pn);
		jw_num(w, "prompt_ms", prompt_ms, 3);
		jw_num(w, "prompt_per_token_ms", pn > 0 ? prompt_ms / pn : 0, 6);
		jw_num(w, "prompt_per_second",
		       prompt_ms > 0 ? pn / prompt_ms * 1e3 : 0, 3);
		/* As llama-server computes them: n over the time from the
		 * first token to the last. */
		jw_int(w, "predicted_n", s->sent);
		jw_num(w, "predicted_ms", pred_ms, 3);
		jw_num(w, "predicted_per_token_ms",
		       s->sent > 0 ? pred_ms / s->sent : 0, 6);
		jw_num(w, "predicted_per_second",
		       pred_ms > 0 ? s->sent / pred_ms * 1e3 : 0, 3);
		jw_obj_close(w);
	}
	if (opt_stats) {
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

/* Sends "data: <w>\n\n" as one HTTP chunk and logs it when written. */
static void send_event(struct stream *s, jw *w, const char *ch, int n);

static void send_text_chunk(struct stream *s, const char *ch,
			    const char *text, size_t len, int n)
{
	jw w;

	jw_init(&w);
	chunk_open(&w, s);
	jw_arr_open(&w, "choices");
	jw_obj_open(&w, NULL);
	jw_int(&w, "index", 0);
	if (s->api == API_COMPLETIONS) {
		jw_strn(&w, "text", text, len);
	} else {
		jw_obj_open(&w, "delta");
		if (strcmp(ch, "role") == 0) {
			jw_str(&w, "role", "assistant");
			jw_str(&w, "content", "");
		} else {
			jw_strn(&w, strcmp(ch, "reasoning") == 0 ?
				opt_reasoning_field : "content", text, len);
		}
		jw_obj_close(&w);
	}
	jw_null(&w, "finish_reason");
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
	if (s->state == ST_DONE || s->reset_pending || s->waiting_drain) {
		s->waiting_drain = 0;
		schedule(s, 0);
	}
}

static struct evbuffer *scratch;

static void send_raw(struct stream *s, const char *data, size_t len,
		     const char *ch, int n)
{
	evbuffer_add(scratch, "data: ", 6);
	evbuffer_add(scratch, data, len);
	evbuffer_add(scratch, "\n\n", 2);
	if (s->npend == (int)(sizeof s->pend / sizeof s->pend[0]))
		flush_pending(s);
	s->pend[s->npend].ch = ch;
	s->pend[s->npend].n = n;
	s->npend++;
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
	add_header(s->req, "Content-Type", s->fault.kind == F_WRONG_CTYPE ?
		   "text/plain; charset=utf-8" : "text/event-stream");
	add_header(s->req, "Cache-Control", "no-cache");
	add_header(s->req, "X-Request-Id", s->rid);
	evhttp_send_reply_start(s->req, 200, "OK");
	s->headers_sent = 1;
	log_simple("headers", s);
	if (opt_role_early && s->api == API_CHAT)
		send_text_chunk(s, "role", "", 0, 0);
}

/* ---- the end of a request ---------------------------------------------- */

static void final_chunks(struct stream *s)
{
	jw w;

	jw_init(&w);
	chunk_open(&w, s);
	jw_arr_open(&w, "choices");
	jw_obj_open(&w, NULL);
	jw_int(&w, "index", 0);
	if (s->api == API_CHAT) {
		jw_obj_open(&w, "delta");
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
	if (s->include_usage) {
		jw_reset(&w);
		chunk_open(&w, s);
		jw_arr_open(&w, "choices");
		jw_arr_close(&w);
		usage_obj(&w, s, s->natural);
		server_stats(&w, s);
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
	jw_str(&w, "object", s->api == API_CHAT ? "chat.completion" :
						 "text_completion");
	jw_int(&w, "created", (long long)time(NULL));
	jw_str(&w, "model", s->prof->id);
	jw_arr_open(&w, "choices");
	jw_obj_open(&w, NULL);
	jw_int(&w, "index", 0);
	if (s->api == API_CHAT) {
		jw_obj_open(&w, "message");
		jw_str(&w, "role", "assistant");
		jw_strn(&w, "content", text, tl);
		if (rl > 0)
			jw_strn(&w, opt_reasoning_field, reas, rl);
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
static void stream_finish(struct stream *s)
{
	if (s->decoding) {
		s->decoding = 0;
		n_decoding--;
	}
	s->state = ST_DONE;
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
	struct simfault *f = &s->fault;
	static const char broken[] =
		"{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bro";
	static const char in_stream_error[] =
		"{\"error\":{\"code\":500,\"message\":\"simulated error in "
		"the middle of a stream\",\"type\":\"server_error\"}}";

	if (s->fault_done || s->sent < f->at || f->kind == F_NONE ||
	    f->kind == F_SLOW_HEADERS || f->kind == F_WRONG_CTYPE ||
	    f->kind == F_ENDLESS || f->kind == F_NO_DONE)
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
			n_decoding--;
		}
		s->state = ST_DONE;
		return 1;
	default:
		return 0;
	}
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
		const char *t = sim_token_text(s->text_seed, s->sent + i);
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
			int64_t gap = (int64_t)(sim_gap(s->prof, n_decoding,
					s->prof->chunk_tokens, u) * 1e9);
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
	s->state = ST_DECODE;
	s->decoding = 1;
	n_decoding++;
	s->t_first = clock_mono_ns();
	if (s->use_cache && s->prompt != NULL &&
	    sim_cache_store(cache, s->prompt, s->prompt_len) != 0)
		diag_warn("out of memory for the prompt cache");
	free(s->prompt);
	s->prompt = NULL;
	if (s->streaming && s->api == API_CHAT && !opt_role_early)
		send_text_chunk(s, "role", "", 0, 0);
}

static void stream_tick(struct stream *s)
{
	if (s->state == ST_DONE) {
		stream_end(s);
		return;
	}
	if (s->reset_pending) {
		stream_reset(s);
		return;
	}
	if (s->state == ST_PREFILL) {
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

/* A slot is free: the request starts its prefill. */
static void stream_start(struct stream *s)
{
	int uncached = s->prompt_tokens - s->cached_tokens;
	int64_t ttft = (int64_t)(sim_ttft(s->prof, uncached) * 1e9);
	int64_t slow = 0;

	s->state = ST_PREFILL;
	s->t_slot = clock_mono_ns();
	n_running++;
	if (logfile != NULL) { /* at t_slot, the anchor of the schedule itself */
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

static void start_queued(void)
{
	struct stream *s;

	if (stopping)
		return;
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

/* Fills s from the request body (lib/simwire reads it); returns an error
 * message or NULL. */
static const char *parse_request(struct stream *s, const cJSON *body)
{
	struct simreq q;
	const struct sim_profile *p;
	const char *err = simreq_parse(body, s->api == API_CHAT, &q), *text;
	size_t len;

	if (err != NULL) {
		simreq_free(&q);
		return err;
	}
	s->max_tokens = q.max_tokens;
	p = q.model ? find_profile(q.model) : NULL;
	s->prof = p ? p : current;
	s->streaming = q.stream;
	s->include_usage = s->streaming && !opt_no_usage && q.include_usage;
	s->ignore_eos = q.ignore_eos;
	s->use_cache = q.cache_prompt;
	text = jw_data(&q.prompt, &len);
	s->prompt_tokens = sim_prompt_tokens(text, len);
	if (s->use_cache) {
		size_t common = sim_cache_lookup(cache, text, len);
		s->cached_tokens = common ? sim_prompt_tokens(text, common) : 0;
		if (s->cached_tokens >= s->prompt_tokens) /* one is always run */
			s->cached_tokens = s->prompt_tokens - 1;
		s->prompt = malloc(len + 1);
		if (s->prompt)
			memcpy(s->prompt, text, len);
		s->prompt_len = len;
	}
	simreq_free(&q);
	return NULL;
}

/* Output length and finish reason from the profile and the request. */
static void plan_output(struct stream *s)
{
	const struct sim_profile *p = s->prof;

	s->n_out = s->max_tokens;
	s->natural = 0;
	if (!s->ignore_eos && p->natural_len > 0 &&
	    p->natural_len <= s->max_tokens) {
		s->n_out = p->natural_len;
		s->natural = 1;
	}
	s->n_reasoning = p->reasoning_tokens < s->n_out ?
			 p->reasoning_tokens : s->n_out;
}

/* The fault for this request: its X-Sim-Fault header, else the run's
 * --fault with probability --fault-rate.  Returns -1 on a bad header. */
static int pick_fault(struct evhttp_request *req, struct simfault *f)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req),
					   "X-Sim-Fault");

	memset(f, 0, sizeof *f);
	if (h != NULL)
		return simfault_parse(h, f);
	if (run_fault.kind != F_NONE && sim_rng_unit(&fault_rng) < opt_fault_rate)
		*f = run_fault;
	return 0;
}

static void log_request(const struct stream *s)
{
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
	log_end();
}

static void reply_fault(struct evhttp_request *req, const struct simfault *f,
			const char *rid)
{
	char msg[128], ra[32];

	if (f->code == 429) {
		snprintf(ra, sizeof ra, "%.0f", ceil(f->secs));
		add_header(req, "Retry-After", ra);
	}
	snprintf(msg, sizeof msg, "simulated HTTP %d (llmsim fault)", f->code);
	add_header(req, "X-Request-Id", rid);
	reply_error(req, f->code, f->code == 429 ? "rate_limit_error" :
		    f->code == 503 ? "unavailable_error" : "server_error", msg);
}

static struct stream *stream_new(struct evhttp_request *req, enum api api)
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
	sim_rng_seed(&s->rng, opt_seed * 1000003u + (uint64_t)s->seq);
	s->text_seed = opt_seed ^ (uint64_t)s->seq << 20;
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

/* --replay: every completion gets the captured body, byte for byte. */
static void handle_replay(struct evhttp_request *req)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add(b, replay, replay_len);
	add_header(req, "Content-Type", "text/event-stream");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	log_simple("replay", NULL);
}

static void handle_completion(struct evhttp_request *req, enum api api)
{
	struct stream *s;
	cJSON *body;
	const char *err;

	if (loading()) {
		reply_error(req, 503, "unavailable_error", "Loading model");
		return;
	}
	if (replay != NULL) {
		handle_replay(req);
		return;
	}
	if ((body = read_body(req)) == NULL) {
		reply_error(req, 400, "invalid_request_error",
			    "the body is not valid JSON");
		return;
	}
	if ((s = stream_new(req, api)) == NULL) {
		cJSON_Delete(body);
		reply_error(req, 500, "server_error", "out of memory");
		return;
	}
	err = parse_request(s, body);
	cJSON_Delete(body);
	if (err == NULL && pick_fault(req, &s->fault) != 0)
		err = "X-Sim-Fault: unknown fault (see llmsim -h)";
	if (err != NULL) {
		reply_error(req, 400, "invalid_request_error", err);
		stream_discard(s);
		return;
	}
	plan_output(s);
	log_request(s);
	if (s->fault.kind == F_HTTP) {
		log_fault(s);
		reply_fault(req, &s->fault, s->rid);
		stream_discard(s);
		return;
	}
	s->evcon = evhttp_request_get_connection(req);
	evhttp_connection_set_closecb(s->evcon, on_close, s);
	no_delay(s->evcon);
	s->timer = evtimer_new(base, on_timer, s);
	s->state = ST_QUEUED;
	if (queue_tail)
		queue_tail->qnext = s;
	else
		queue_head = s;
	queue_tail = s;
	start_queued();
}

/* ---- other endpoints --------------------------------------------------- */

static void handle_health(struct evhttp_request *req)
{
	if (loading())
		reply_error(req, 503, "unavailable_error", "Loading model");
	else
		reply_json(req, 200, "OK", "{\"status\":\"ok\"}");
}

/* The {"object":"list","data":[...]} of the model listings: opened, then
 * closed and sent. */
static void list_open(jw *w)
{
	jw_init(w);
	jw_obj_open(w, NULL);
	jw_str(w, "object", "list");
	jw_arr_open(w, "data");
}

static void list_reply(struct evhttp_request *req, jw *w)
{
	jw_arr_close(w);
	jw_obj_close(w);
	reply_json(req, 200, "OK", jw_cstr(w));
	jw_free(w);
}

/* GET /v1/models: every profile, OpenAI style with llama-server's meta. */
static void handle_models(struct evhttp_request *req)
{
	jw w;
	int i;

	list_open(&w);
	for (i = 0; i < n_profiles; i++) {
		jw_obj_open(&w, NULL);
		jw_str(&w, "id", profiles[i].id);
		jw_str(&w, "object", "model");
		jw_int(&w, "created", 0);
		jw_str(&w, "owned_by", "llmsim");
		jw_obj_open(&w, "meta");
		jw_int(&w, "n_ctx", profiles[i].ctx_size);
		/* the simulated model file's size, as llama-server's meta.size */
		if (profiles[i].mem_gb > 0)
			jw_num(&w, "size", profiles[i].mem_gb * 1e9, 0);
		jw_bool(&w, "simulated", 1);
		jw_obj_close(&w);
		jw_obj_close(&w);
	}
	list_reply(req, &w);
}

/* GET /api/v0/models: LM Studio's listing with quantization and state. */
static void handle_lms_models(struct evhttp_request *req)
{
	jw w;
	int i;

	list_open(&w);
	for (i = 0; i < n_profiles; i++) {
		const struct sim_profile *p = &profiles[i];
		jw_obj_open(&w, NULL);
		jw_str(&w, "id", p->id);
		jw_str(&w, "object", "model");
		jw_str(&w, "type", "llm");
		jw_str(&w, "publisher", "llmsim");
		jw_str(&w, "arch", p->family);
		jw_str(&w, "compatibility_type", p->backend);
		jw_str(&w, "quantization", p->quant);
		jw_str(&w, "state", p == current && !loading() ? "loaded" :
							      "not-loaded");
		jw_int(&w, "max_context_length", p->ctx_size);
		jw_obj_close(&w);
	}
	list_reply(req, &w);
}

/* GET /props: the part of llama-server's that clients read. */
static void handle_props(struct evhttp_request *req)
{
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_obj_open(&w, "default_generation_settings");
	jw_int(&w, "n_ctx", current->ctx_size);
	jw_obj_open(&w, "params");
	jw_obj_close(&w);
	jw_obj_close(&w);
	jw_int(&w, "total_slots", current->slots);
	jw_str(&w, "model_alias", current->id);
	jw_str(&w, "model_path", current->id);
	jw_str(&w, "build_info", "llmsim-" TB_VERSION);
	jw_obj_open(&w, "llmsim");
	jw_bool(&w, "simulated", 1);
	jw_str(&w, "name", current->name);
	jw_str(&w, "backend", current->backend);
	jw_str(&w, "quant", current->quant);
	jw_num(&w, "mem_gb", current->mem_gb, 3);
	/* The memory really allocated per simulated GB, so that clients can
	 * scale measurements back (0 when --mem set a fixed size). */
	jw_num(&w, "mem_scale_mb_per_gb", opt_mem_set ? 0 : opt_mem_scale, 6);
	jw_obj_close(&w);
	jw_obj_close(&w);
	reply_json(req, 200, "OK", jw_cstr(&w));
	jw_free(&w);
}

/* POST /api/v1/models/load: LM Studio's load, answered after load_s. */
struct load_req {
	struct evhttp_request *req;
	struct event *ev;
	int64_t t0;
};

static void on_loaded(evutil_socket_t fd, short what, void *arg)
{
	struct load_req *l = arg;
	jw w;

	(void)fd;
	(void)what;
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "type", "llm");
	jw_str(&w, "instance_id", current->id);
	jw_num(&w, "load_time_seconds",
	       (double)(clock_mono_ns() - l->t0) / 1e9, 3);
	jw_str(&w, "status", "loaded");
	jw_obj_close(&w);
	log_simple("loaded", NULL);
	reply_json(l->req, 200, "OK", jw_cstr(&w));
	jw_free(&w);
	event_free(l->ev);
	free(l);
	pending_load = NULL;
}

static void handle_load(struct evhttp_request *req)
{
	cJSON *body = read_body(req);
	const cJSON *m = cJSON_GetObjectItem(body, "model");
	struct sim_profile *p = cJSON_IsString(m) ? find_profile(m->valuestring)
						  : NULL;
	struct load_req *l;
	struct timeval tv;

	cJSON_Delete(body);
	if (p == NULL) {
		reply_error(req, 404, "invalid_request_error",
			    "no such model (see GET /api/v0/models)");
		return;
	}
	if (pending_load != NULL || (l = calloc(1, sizeof *l)) == NULL) {
		reply_error(req, 503, "unavailable_error",
			    "a model is loading already");
		return;
	}
	current = p;
	set_ballast(p, p->load_s);
	l->req = req;
	l->t0 = clock_mono_ns();
	loaded_at = l->t0 + (int64_t)(p->load_s * 1e9);
	l->ev = evtimer_new(base, on_loaded, l);
	tv.tv_sec = (time_t)p->load_s;
	tv.tv_usec = (suseconds_t)((p->load_s - (double)tv.tv_sec) * 1e6);
	evtimer_add(l->ev, &tv);
	pending_load = l;
	log_simple("load", NULL);
}

/* With --api-key, every endpoint but /health wants "Authorization: Bearer
 * KEY", as llama-server does; the log records each refusal (never the key),
 * so tests can prove a client sent it. */
static int authorized(struct evhttp_request *req, const char *path)
{
	const char *h;

	if (opt_api_key == NULL || strcmp(path, "/health") == 0)
		return 1;
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
			       "Authorization");
	if (h != NULL && strncmp(h, "Bearer ", 7) == 0 &&
	    strcmp(h + 7, opt_api_key) == 0)
		return 1;
	if (logfile != NULL) {
		log_begin("unauthorized", NULL, clock_mono_ns());
		jw_str(&logw, "path", path);
		jw_str(&logw, "authorization", h == NULL ? "missing" : "wrong");
		log_end();
	}
	return 0;
}

static void on_request(struct evhttp_request *req, void *arg)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	int post = cmd == EVHTTP_REQ_POST, get = cmd == EVHTTP_REQ_GET;

	(void)arg;
	if (path == NULL)
		path = "";
	if (!authorized(req, path)) {
		reply_error(req, 401, "authentication_error", "Invalid API Key");
		return;
	}
	if (post && strcmp(path, "/v1/chat/completions") == 0)
		handle_completion(req, API_CHAT);
	else if (post && strcmp(path, "/v1/completions") == 0)
		handle_completion(req, API_COMPLETIONS);
	else if (get && strcmp(path, "/v1/models") == 0)
		handle_models(req);
	else if (get && strcmp(path, "/health") == 0)
		handle_health(req);
	else if (get && strcmp(path, "/props") == 0)
		handle_props(req);
	else if (get && strcmp(path, "/api/v0/models") == 0)
		handle_lms_models(req);
	else if (post && strcmp(path, "/api/v1/models/load") == 0)
		handle_load(req);
	else
		reply_error(req, 404, "not_found_error", "no such endpoint");
}

/* ---- main -------------------------------------------------------------- */

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	diag_warn("signal %d: stopping", (int)sig);
	event_base_loopexit(base, NULL);
}

/* The profile file: --profiles, $TOKBENCH_PROFILES, or profiles/llmsim.json
 * beside the bin/ directory the program runs from. */
static const char *profiles_path(const char *argv0, char *buf, size_t len)
{
	const char *env = getenv("TOKBENCH_PROFILES");
	const char *slash = strrchr(argv0, '/');

	if (opt_profiles_file)
		return opt_profiles_file;
	if (env && *env)
		return env;
	snprintf(buf, len, "%.*s%s../profiles/llmsim.json",
		 slash ? (int)(slash - argv0 + 1) : 0, argv0,
		 slash ? "" : "./");
	return access(buf, R_OK) == 0 ? buf : NULL;
}

static void list_profiles(void)
{
	jw w;
	int i;

	jw_init(&w);
	for (i = 0; i < n_profiles; i++) {
		const struct sim_profile *p = &profiles[i];
		jw_obj_open(&w, NULL);
		jw_str(&w, "id", p->id);
		jw_str(&w, "name", p->name);
		jw_str(&w, "backend", p->backend);
		jw_str(&w, "quant", p->quant);
		jw_num(&w, "decode_tps", p->decode_tps, 2);
		jw_num(&w, "ttft_s", p->ttft_s, 3);
		jw_num(&w, "load_s", p->load_s, 2);
		jw_num(&w, "mem_gb", p->mem_gb, 1);
		jw_int(&w, "slots", p->slots);
		jw_obj_close(&w);
		jw_emit(&w, stdout, 1);
	}
	jw_free(&w);
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"port", 1, 0, 'p'}, {"host", 1, 0, 'H'},
		{"profiles", 1, 0, 'f'}, {"profile", 1, 0, 'P'},
		{"tps", 1, 0, 'T'}, {"ttft", 1, 0, 'F'}, {"prefill", 1, 0, 'R'},
		{"jitter", 1, 0, 'J'}, {"slots", 1, 0, 'S'},
		{"batch-k", 1, 0, 'K'}, {"chunk-tokens", 1, 0, 'C'},
		{"reasoning", 1, 0, 'Q'}, {"natural-len", 1, 0, 'N'},
		{"load-time", 1, 0, 'L'}, {"reasoning-field", 1, 0, 'r'},
		{"mem", 1, 0, 'm'}, {"mem-scale", 1, 0, 'M'},
		{"timings", 0, 0, 't'}, {"stats", 0, 0, 's'},
		{"role-early", 0, 0, 'e'}, {"eos-in-usage", 0, 0, 'E'},
		{"seed", 1, 0, 'x'}, {"log", 1, 0, 'l'}, {"fault", 1, 0, 'z'},
		{"fault-rate", 1, 0, 'Z'}, {"list-profiles", 0, 0, 'i'},
		{"no-usage", 0, 0, 'U'}, {"replay", 1, 0, 'y'},
		{"api-key", 1, 0, 'k'},
		{"help", 0, 0, 'h'}, {0, 0, 0, 0}
	};
	int c;

	while ((c = getopt_long(argc, argv, "p:P:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': opt_port = (int)args_int("--port", optarg, 0, 65535); break;
		case 'H': opt_host = optarg; break;
		case 'f': opt_profiles_file = optarg; break;
		case 'P': opt_profile = optarg; break;
		case 'r':
			if (strcmp(optarg, "reasoning_content") != 0 &&
			    strcmp(optarg, "reasoning") != 0)
				diag_die(EXIT_USAGE, "--reasoning-field: want "
					 "reasoning_content or reasoning");
			opt_reasoning_field = optarg;
			break;
		case 'm':
			if (units_bytes(optarg, &opt_mem_bytes) != UNITS_OK)
				diag_die(EXIT_USAGE, "--mem %s: not a size", optarg);
			opt_mem_set = 1;
			break;
		case 'M': opt_mem_scale = args_real("--mem-scale", optarg, 0, 1e6); break;
		case 't': opt_timings = 1; break;
		case 's': opt_stats = 1; break;
		case 'e': opt_role_early = 1; break;
		case 'E': opt_eos_in_usage = 1; break;
		case 'x': opt_seed = (uint64_t)(int)args_int("--seed", optarg, 0, 1LL << 62); break;
		case 'l': opt_log = optarg; break;
		case 'z':
			if (simfault_parse(optarg, &run_fault) != 0)
				diag_die(EXIT_USAGE, "--fault %s: unknown fault", optarg);
			break;
		case 'Z': opt_fault_rate = args_real("--fault-rate", optarg, 0, 1); break;
		case 'i': opt_list = 1; break;
		case 'U': opt_no_usage = 1; break;
		case 'k': opt_api_key = optarg; break;
		case 'y':
			replay = fio_slurp(optarg, 256 << 20, &replay_len);
			if (replay == NULL)
				diag_die(EXIT_RUNTIME, "--replay %s: %s", optarg,
					 strerror(errno));
			break;
		case 'h': usage(EXIT_OK); break;
		case '?': usage(EXIT_USAGE); break;
		default: set_override(c, optarg); break;
		}
	}
	if (optind != argc)
		usage(EXIT_USAGE);
}

/* Picks the served models: the built-in default ("llmsim") plus the file's
 * profiles, command-line timing flags applied to every one. */
static void setup_profiles(void)
{
	int i;

	if (find_profile("llmsim") == NULL) {
		if (n_profiles == MAX_PROFILES)
			diag_die(EXIT_RUNTIME, "too many profiles");
		memmove(&profiles[1], &profiles[0],
			(size_t)n_profiles * sizeof profiles[0]);
		sim_profile_default(&profiles[0]);
		n_profiles++;
	}
	for (i = 0; i < n_profiles; i++)
		apply_overrides(&profiles[i]);
	current = find_profile(opt_profile ? opt_profile : "llmsim");
	if (current == NULL)
		diag_die(EXIT_USAGE, "-P %s: no such profile (llmsim "
			 "--list-profiles lists them)", opt_profile);
}

/* The event loop with precise timers: without the flag libevent reads
 * CLOCK_MONOTONIC_COARSE (4 ms steps on many kernels) and waits in whole
 * milliseconds, which would bunch a 1,000 tokens/s schedule. */
static struct event_base *new_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *b;

	if (cfg == NULL)
		return NULL;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return b;
}

static struct evhttp_bound_socket *bind_listener(void)
{
	struct evutil_addrinfo hints, *ai = NULL;
	struct evconnlistener *lev;
	struct evhttp_bound_socket *sock;
	char port[16];

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = EVUTIL_AI_PASSIVE;
	snprintf(port, sizeof port, "%d", opt_port);
	if (evutil_getaddrinfo(opt_host, port, &hints, &ai) != 0 || ai == NULL)
		diag_die(EXIT_RUNTIME, "cannot listen on %s:%d: unknown address",
			 opt_host, opt_port);
	lev = evconnlistener_new_bind(base, NULL, NULL,
				      LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE |
				      LEV_OPT_CLOSE_ON_EXEC, 4096, ai->ai_addr,
				      (int)ai->ai_addrlen);
	evutil_freeaddrinfo(ai);
	if (lev == NULL)
		diag_die(EXIT_RUNTIME, "cannot listen on %s:%d: %s", opt_host,
			 opt_port, strerror(errno));
	sock = evhttp_bind_listener(http, lev);
	if (sock == NULL)
		diag_die(EXIT_RUNTIME, "cannot listen on %s:%d", opt_host, opt_port);
	return sock;
}

/* Binds, prints the base URL on stdout (the only data llmsim writes
 * there, so a script can read the port chosen by --port 0). */
static void listen_and_announce(void)
{
	struct evhttp_bound_socket *sock;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int port = opt_port;

	/* A load target must accept bursts: with libevent's default backlog
	 * (128) a few hundred simultaneous connects overflow the accept
	 * queue and the dropped SYNs come back a second later. */
	sock = bind_listener();
	if (getsockname(evhttp_bound_socket_get_fd(sock),
			(struct sockaddr *)&ss, &len) == 0)
		port = ntohs(ss.ss_family == AF_INET6 ?
			     ((struct sockaddr_in6 *)&ss)->sin6_port :
			     ((struct sockaddr_in *)&ss)->sin_port);
	printf("http://%s:%d/v1\n", strchr(opt_host, ':') ? "[::1]" : opt_host,
	       port);
	fflush(stdout);
	diag_warn("listening on %s:%d, model %s (%s), %s", opt_host, port,
		  current->id, current->name,
		  current->decode_tps > 0 ? "paced" : "unpaced");
}

static void open_log(void)
{
	if (opt_log == NULL)
		return;
	logfile = fopen(opt_log, "w");
	if (logfile == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", opt_log, strerror(errno));
	jw_obj_open(&logw, NULL);
	jw_str(&logw, "ev", "sim");
	jw_num(&logw, "t", clock_now(), 6);
	jw_str(&logw, "what", "start");
	jw_str(&logw, "format", FMT_EVENTS);
	jw_int(&logw, "version", FMT_EVENTS_VERSION);
	jw_str(&logw, "model", current->id);
	jw_int(&logw, "seed", (long long)opt_seed);
	log_end();
}

static void shutdown_all(void)
{
	stopping = 1;
	evhttp_free(http); /* closes every connection: on_close frees streams */
	if (pending_load) {
		event_free(pending_load->ev);
		free(pending_load);
	}
	if (logfile) {
		log_simple("stop", NULL);
		if (fclose(logfile) != 0)
			diag_warn("%s: %s", opt_log, strerror(errno));
	}
	jw_free(&logw);
	sim_cache_free(cache);
	evbuffer_free(scratch);
	if (ballast_timer)
		event_free(ballast_timer);
	free(ballast);
	free(replay);
	event_base_free(base);
}

int main(int argc, char **argv)
{
	char pbuf[4096];
	const char *pfile;
	struct event *sigint, *sigterm;

	clock_init();
	diag_init(argv[0]);
	jw_init(&logw);
	parse_args(argc, argv);
	if ((pfile = profiles_path(argv[0], pbuf, sizeof pbuf)) != NULL)
		load_profiles(pfile);
	setup_profiles();
	if (opt_list) {
		list_profiles();
		return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
	}
	fio_raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	sim_rng_seed(&fault_rng, opt_seed);
	base = new_base();
	http = base ? evhttp_new(base) : NULL;
	cache = sim_cache_new(64);
	scratch = evbuffer_new();
	if (http == NULL || cache == NULL || scratch == NULL)
		diag_die(EXIT_RUNTIME, "cannot set up the event loop");
	evhttp_set_max_body_size(http, MAX_BODY);
	evhttp_set_gencb(http, on_request, NULL);
	set_ballast(current, current->load_s);
	loaded_at = clock_mono_ns() + (int64_t)(current->load_s * 1e9);
	open_log();
	listen_and_announce();
	sigint = evsignal_new(base, SIGINT, on_signal, NULL);
	sigterm = evsignal_new(base, SIGTERM, on_signal, NULL);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	event_base_dispatch(base);
	event_free(sigint);
	event_free(sigterm);
	shutdown_all();
	return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
}
