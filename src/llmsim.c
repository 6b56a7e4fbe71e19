/* llmsim: a scripted OpenAI-compatible streaming server with known timing. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <fcntl.h>
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
#include "simpersona.h"
#include "simsrv.h"
#include "simwire.h"
#include "units.h"
#include "help.h" /* generated from docs/llmsim.md */

#define MAX_PROFILES 64
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
static const char *opt_reasoning_field;  /* NULL: the persona's */
static enum sim_persona opt_as;        /* --as: the server imitated */
static int opt_engine_dead;            /* --engine-dead (vLLM) */
static int opt_vllm_metrics;           /* --metrics (vLLM) */
static int opt_timings, opt_stats, opt_role_early, opt_eos_in_usage;
static uint64_t opt_seed = 42;
static double opt_mem_scale = 1.0;    /* MB allocated per GB of model */
static uint64_t opt_mem_bytes;        /* --mem: fixed ballast instead */
static int opt_mem_set;
static uint64_t opt_leak;             /* --leak: bytes kept per request */
static struct simfault run_fault;
static double opt_fault_rate = 1.0;
static double opt_load_time = -1;
static const char *opt_model_file;    /* read at every load */
static int opt_list;
static int opt_no_usage;
static char *replay;             /* --replay: a captured body */
static size_t replay_len;

static struct event_base *base;
static struct evhttp *http;
static FILE *logfile;                /* the ground-truth log (--log) */
static char *ballast;
static struct load_req *pending_load;
static size_t ballast_len;


/* ---- options ------------------------------------------------------- */

static void persona_defaults(void);

enum {
	OV_TPS = 1, OV_TTFT = 2, OV_PREFILL = 4, OV_JITTER = 8, OV_SLOTS = 16,
	OV_BATCH = 32, OV_CHUNK = 64, OV_REASONING = 128, OV_NATURAL = 256,
	OV_LOAD = 512, OV_CTX = 1024
};

/* -h prints the synopsis to stdout and exits 0; a bad command line prints
 * it to stderr and exits 2. */
static void usage(int code)
{
	diag_usage(code, tool_synopsis, tool_help); /* both from docs/llmsim.md */
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
	case 'c': overrides.ctx_size = (int)args_int("--ctx", v, 0, 100000000);
		  override_mask |= OV_CTX; break;
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
	if (override_mask & OV_CTX) p->ctx_size = overrides.ctx_size;
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

/* The engine's view: a request names a model. */
static const struct sim_profile *profile_of(const char *id)
{
	return find_profile(id);
}

/* The engine could not write the log: nothing it measures can be trusted. */
static void fatal(const char *fmt, ...) TB_PRINTF(1, 2);

static void fatal(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_die(EXIT_RUNTIME, "%s", msg);
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

/* --model-file: a load reads the whole file, as a server reads its
 * weights, so that the page cache holds it afterwards and the next load
 * is warm (the reading time adds to the load). */
static void read_model_file(void)
{
	static char buf[1 << 16];
	ssize_t n;
	int fd;

	if (opt_model_file == NULL)
		return;
	if ((fd = open(opt_model_file, O_RDONLY)) < 0)
		diag_die(EXIT_RUNTIME, "--model-file %s: %s", opt_model_file, strerror(errno));
	/* to the end: a read cut short by a signal is resumed, an error is
	 * said, so a load never reads part of the file unnoticed */
	while ((n = read(fd, buf, sizeof buf)) != 0)
		if (n < 0 && errno != EINTR)
			diag_die(EXIT_RUNTIME, "--model-file %s: %s", opt_model_file, strerror(errno));
	close(fd);
}

static void set_ballast(const struct sim_profile *p, double load_s)
{
	size_t want = opt_mem_set ? (size_t)opt_mem_bytes :
		      (size_t)(p->mem_gb * opt_mem_scale * 1e6);

	read_model_file();
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

/* ---- other endpoints --------------------------------------------------- */

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
	simsrv_reply_json(req, 200, "OK", jw_cstr(w));
	jw_free(w);
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
		jw_str(&w, "state", p == current && !simsrv_loading() ? "loaded" :
							      "not-loaded");
		jw_int(&w, "max_context_length", p->ctx_train > 0 ? p->ctx_train :
								   p->ctx_size);
		if (p == current)
			jw_int(&w, "loaded_context_length", p->ctx_size);
		/* no LM Studio sends it: a run against llmsim stays marked
		 * simulated when gen is told --server lmstudio */
		jw_obj_open(&w, "llmsim");
		jw_bool(&w, "simulated", 1);
		jw_obj_close(&w);
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
	simsrv_reply_json(req, 200, "OK", jw_cstr(&w));
	jw_free(&w);
}

/* POST /api/generate: only Ollama's load call (no prompt) is imitated. */
static void ollama_generate(struct evhttp_request *req)
{
	cJSON *body = simsrv_read_body(req);
	const cJSON *m = cJSON_GetObjectItem(body, "model");
	const cJSON *pr = cJSON_GetObjectItem(body, "prompt");

	if (!cJSON_IsString(m))
		simsrv_reply_json(req, 400, "Bad Request", "{\"error\":\"model is required\"}");
	else if (cJSON_IsString(pr) && pr->valuestring[0] != '\0')
		simsrv_reply_json(req, 400, "Bad Request", "{\"error\":\"llmsim imitates "
				  "only Ollama's load call of /api/generate (no prompt)\"}");
	else
		simsrv_ollama_load(req, m->valuestring);
	cJSON_Delete(body);
}

/* Ollama loads a model at its first request, not at start. */
static void load_on_demand(void)
{
	set_ballast(current, current->load_s);
	simsrv_set_model(current, clock_mono_ns() + (int64_t)(current->load_s * 1e9));
	simsrv_log_simple("load");
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
	simsrv_log_simple("loaded");
	simsrv_reply_json(l->req, 200, "OK", jw_cstr(&w));
	jw_free(&w);
	event_free(l->ev);
	free(l);
	pending_load = NULL;
}

static void handle_load(struct evhttp_request *req)
{
	cJSON *body = simsrv_read_body(req);
	const cJSON *m = cJSON_GetObjectItem(body, "model");
	struct sim_profile *p = cJSON_IsString(m) ? find_profile(m->valuestring)
						  : NULL;
	struct load_req *l;
	struct timeval tv;

	cJSON_Delete(body);
	if (p == NULL) {
		simsrv_reply_error(req, 404, "invalid_request_error",
			    "no such model (see GET /api/v0/models)");
		return;
	}
	if (pending_load != NULL || (l = calloc(1, sizeof *l)) == NULL) {
		simsrv_reply_error(req, 503, "unavailable_error",
			    "a model is loading already");
		return;
	}
	current = p;
	set_ballast(p, p->load_s);
	l->req = req;
	l->t0 = clock_mono_ns();
	simsrv_set_model(p, l->t0 + (int64_t)(p->load_s * 1e9));
	l->ev = evtimer_new(base, on_loaded, l);
	tv.tv_sec = (time_t)p->load_s;
	tv.tv_usec = (suseconds_t)((p->load_s - (double)tv.tv_sec) * 1e6);
	evtimer_add(l->ev, &tv);
	pending_load = l;
	simsrv_log_simple("load");
}

/* Which endpoints the imitated server has: llama-server's /props; LM
 * Studio's REST API (the generic llmsim answers both, as before --as). */
static int llama_like(void)
{
	return opt_as == SIM_GENERIC || opt_as == SIM_LLAMACPP;
}

static int lms_like(void)
{
	return opt_as == SIM_GENERIC || opt_as == SIM_LMSTUDIO;
}

/* Ollama's own API (v0.33 server/routes.go): the listings, the load call
 * (a generate without a prompt), the native chat, and "Ollama is running". */
static void ollama_route(struct evhttp_request *req, const char *path, int post, int get)
{
	if (get && strcmp(path, "/api/tags") == 0)
		simpersona_ollama_tags(req, profiles, n_profiles);
	else if (get && strcmp(path, "/api/ps") == 0)
		simpersona_ollama_ps(req, current, simsrv_loaded());
	else if (post && strcmp(path, "/api/chat") == 0)
		simsrv_completion(req, SIM_OLLAMA_CHAT);
	else if (post && strcmp(path, "/api/generate") == 0)
		ollama_generate(req);
	else if (get && strcmp(path, "/") == 0)
		simsrv_reply_json(req, 200, "OK", "\"Ollama is running\"");
	else
		simsrv_reply_error(req, 404, "not_found_error", "no such endpoint");
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
	jw *lw = simsrv_log_begin("unauthorized");
	if (lw != NULL) {
		jw_str(lw, "path", path);
		jw_str(lw, "authorization", h == NULL ? "missing" : "wrong");
		simsrv_log_end();
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
		simsrv_reply_error(req, 401, "authentication_error", "Invalid API Key");
		return;
	}
	if (post && strcmp(path, "/v1/chat/completions") == 0)
		simsrv_completion(req, SIM_CHAT);
	else if (post && strcmp(path, "/v1/completions") == 0)
		simsrv_completion(req, SIM_COMPLETIONS);
	else if (get && strcmp(path, "/v1/models") == 0)
		simpersona_models(req, opt_as, profiles, n_profiles);
	else if (get && strcmp(path, "/health") == 0)
		simpersona_health(req, opt_as, simsrv_loading(), opt_engine_dead);
	else if (opt_as == SIM_OLLAMA)
		ollama_route(req, path, post, get);
	else if (get && strcmp(path, "/props") == 0 && llama_like())
		handle_props(req);
	else if (get && strcmp(path, "/api/v0/models") == 0 && lms_like())
		handle_lms_models(req);
	else if (get && strcmp(path, "/api/v1/models") == 0 && opt_as == SIM_LMSTUDIO)
		simpersona_lms_models(req, profiles, n_profiles, current, simsrv_loaded());
	else if (post && strcmp(path, "/api/v1/models/load") == 0 && lms_like())
		handle_load(req);
	else
		simsrv_reply_error(req, 404, "not_found_error", "no such endpoint");
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
		{"api-key", 1, 0, 'k'}, {"leak", 1, 0, 'X'}, {"ctx", 1, 0, 'c'},
		{"model-file", 1, 0, 'W'}, {"as", 1, 0, 'a'}, {"engine-dead", 0, 0, 'D'},
		{"metrics", 0, 0, 'G'},
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
			if (!*optarg || strspn(optarg, "abcdefghijklmnopqrstuvwxyz_-") < strlen(optarg))
				diag_die(EXIT_USAGE, "--reasoning-field: want "
					 "reasoning_content, reasoning, think-tags or a field name");
			opt_reasoning_field = optarg;
			break;
		case 'm':
			if (units_bytes(optarg, &opt_mem_bytes) != UNITS_OK)
				diag_die(EXIT_USAGE, "--mem %s: not a size", optarg);
			opt_mem_set = 1;
			break;
		case 'M': opt_mem_scale = args_real("--mem-scale", optarg, 0, 1e6); break;
		case 'X':
			if (units_bytes(optarg, &opt_leak) != UNITS_OK || opt_leak > (1ull << 30))
				diag_die(EXIT_USAGE, "--leak %s: want a size up to 1GiB", optarg);
			break;
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
		case 'W': opt_model_file = optarg; break;
		case 'a':
			if (simpersona_of(optarg) < 0)
				diag_die(EXIT_USAGE, "--as %s: want generic, llamacpp, lmstudio, "
					 "ollama, mlx or vllm", optarg);
			opt_as = (enum sim_persona)simpersona_of(optarg);
			break;
		case 'D': opt_engine_dead = 1; break;
		case 'G': opt_vllm_metrics = 1; break;
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
	persona_defaults();
}

/* What --as sets unless a flag said otherwise: each server's reasoning
 * field, whether usage counts EOS, llama-server's timings (docs/servers.md
 * cites each). */
static void persona_defaults(void)
{
	if ((opt_engine_dead || opt_vllm_metrics) && opt_as != SIM_VLLM)
		diag_die(EXIT_USAGE, "--%s goes with --as vllm",
			 opt_engine_dead ? "engine-dead" : "metrics");
	if (opt_reasoning_field == NULL)
		opt_reasoning_field = opt_as == SIM_OLLAMA || opt_as == SIM_MLX ||
				      opt_as == SIM_VLLM ? "reasoning" : "reasoning_content";
	if (opt_as == SIM_LLAMACPP || opt_as == SIM_OLLAMA || opt_as == SIM_MLX ||
	    opt_as == SIM_VLLM)
		opt_eos_in_usage = 1;
	if (opt_as == SIM_LLAMACPP)
		opt_timings = 1;
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
}

/* The log's first line, once the engine writes to it. */
static void log_start(void)
{
	jw *lw = simsrv_log_begin("start");

	if (lw == NULL)
		return;
	jw_str(lw, "format", FMT_EVENTS);
	jw_int(lw, "version", FMT_EVENTS_VERSION);
	jw_str(lw, "model", current->id);
	jw_int(lw, "seed", (long long)opt_seed);
	simsrv_log_end();
}

static void shutdown_all(void)
{
	simsrv_stop();
	evhttp_free(http); /* closes every connection: on_close frees streams */
	if (pending_load) {
		event_free(pending_load->ev);
		free(pending_load);
	}
	if (logfile) {
		simsrv_log_simple("stop");
		if (fclose(logfile) != 0)
			diag_warn("%s: %s", opt_log, strerror(errno));
	}
	simsrv_free();
	if (ballast_timer)
		event_free(ballast_timer);
	free(ballast);
	free(replay);
	event_base_free(base);
}

/* The model at start: llama-server (b10573 on) and vLLM listen only once
 * it has loaded (connection refused until then); Ollama loads at the first
 * request; the rest listen at once and load meanwhile. */
static void first_load(void)
{
	double s = current->load_s;

	if (opt_as == SIM_OLLAMA) {
		simsrv_set_model(current, -1);
		return;
	}
	if (opt_as == SIM_LLAMACPP || opt_as == SIM_VLLM) {
		struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
		set_ballast(current, 0);
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		simsrv_set_model(current, clock_mono_ns());
		return;
	}
	set_ballast(current, s);
	simsrv_set_model(current, clock_mono_ns() + (int64_t)(s * 1e9));
}

int main(int argc, char **argv)
{
	char pbuf[4096];
	const char *pfile;
	struct event *sigint, *sigterm;

	clock_init();
	diag_init(argv[0]);
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
	base = new_base();
	http = base ? evhttp_new(base) : NULL;
	open_log();
	if (http == NULL || simsrv_init(base, &(struct simsrv_opts){
		    .persona = opt_as, .engine_dead = opt_engine_dead,
		    .vllm_metrics = opt_vllm_metrics,
		    .load_on_demand = opt_as == SIM_OLLAMA ? load_on_demand : NULL,
		    .reasoning_field = opt_reasoning_field, .timings = opt_timings,
		    .stats = opt_stats, .role_early = opt_role_early,
		    .eos_in_usage = opt_eos_in_usage, .no_usage = opt_no_usage,
		    .mem_scale = opt_mem_set ? 0 : opt_mem_scale / 1e3,
		    .seed = opt_seed, .run_fault = run_fault, .fault_rate = opt_fault_rate,
		    .replay = replay, .replay_len = replay_len, .log = logfile,
		    .leak_bytes = (size_t)opt_leak,
		    .log_path = opt_log, .find_profile = profile_of,
		    .fatal = fatal, .warn = diag_warn}) != 0)
		diag_die(EXIT_RUNTIME, "cannot set up the event loop");
	evhttp_set_max_body_size(http, 64 * 1024 * 1024);
	evhttp_set_gencb(http, on_request, NULL);
	log_start();
	first_load();
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
