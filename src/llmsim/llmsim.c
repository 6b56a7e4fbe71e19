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
#include <sys/mman.h>
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
#include "prompts.h"
#include "simtf.h"
#include "jw.h"
#include "sim.h"
#include "simlms.h"
#include "simmoe.h"
#include "simpersona.h"
#include "simsrv.h"
#include "simwire.h"
#include "units.h"
#include "help.h" /* generated from docs/llmsim.md */

#define MAX_PROFILES 64
/* Options and server state, file-static as in the house style. */
static struct sim_profile profiles[MAX_PROFILES];
static int n_profiles;
static const struct sim_profile *current; /* the loaded model (-P's; LM
					   * Studio's last loaded instance) */
static struct sim_profile overrides;	  /* flags given on the command line */
static unsigned override_mask;
/* Options: one struct. */
static struct options {
	const char *host;
	int port;
	const char *profiles_file;
	const char *profile;
	const char *log;
	const char *api_key; /* required as a Bearer token, like llama-server
				--api-key */
	const char *reasoning_field; /* NULL: the persona's */
	enum sim_persona as;	     /* --as: the server imitated */
	int engine_dead;	     /* --engine-dead (vLLM) */
	int vllm_metrics;	     /* --metrics (vLLM) */
	int timings, stats, role_early, eos_in_usage;
	uint64_t seed;
	double mem_scale;   /* MB allocated per GB of model */
	uint64_t mem_bytes; /* --mem: fixed ballast instead */
	int mem_set;
	uint64_t leak; /* --leak: bytes kept per request */
	double fault_rate;
	double load_time;
	const char *model_file; /* read at every load */
	const char *loaded;	/* --loaded: LM Studio's instances at start */
	int list;
	int no_usage;
	const char *power_dir;	 /* --power-dir: the simulated powercap */
	double idle_w, stream_w; /* its watts */
} opt = {.host = "127.0.0.1",
	 .port = 8080,
	 .seed = 42,
	 .idle_w = 20,
	 .stream_w = 10,
	 .mem_scale = 1.0,
	 .fault_rate = 1.0,
	 .load_time = -1};
static struct simwire_fault run_fault;
static struct prompt_set graded; /* --graded: items answered by their answer */
static char *replay;		 /* --replay: a captured body */
static size_t replay_len;

static struct event_base *base;
static struct evhttp *http;
static FILE *logfile; /* the ground-truth log (--log) */
static struct load_req *pending_load;
/* LM Studio's models and their instances (--as lmstudio; the generic
 * llmsim's one instance, which a load replaces) */
static struct simlms lms;

/* ---- options ------------------------------------------------------- */

static void persona_defaults(void);

enum {
	OV_TPS = 1,
	OV_TTFT = 2,
	OV_PREFILL = 4,
	OV_JITTER = 8,
	OV_SLOTS = 16,
	OV_BATCH = 32,
	OV_CHUNK = 64,
	OV_REASONING = 128,
	OV_NATURAL = 256,
	OV_LOAD = 512,
	OV_CTX = 1024,
	OV_GRADED = 2048,
	OV_NOISE = 4096,
	OV_SLOW_AFTER = 8192,
	OV_SLOW_FACTOR = 16384
};

/* -h prints the synopsis to stdout and exits 0; a bad command line prints
 * it to stderr and exits 2. */
static void usage(int code)
{
	diag_usage(code, tool_synopsis,
		   tool_help); /* both from docs/llmsim.md */
}

/* Long-only options: one enumeration from 256, as in every tool. */
enum {
	O_HOST = 256,
	O_PROFILES,
	O_TPS,
	O_TTFT,
	O_PREFILL,
	O_JITTER,
	O_SLOTS,
	O_BATCH_K,
	O_CHUNK_TOKENS,
	O_REASONING,
	O_NATURAL_LEN,
	O_LOAD_TIME,
	O_REASONING_FIELD,
	O_MEM,
	O_MEM_SCALE,
	O_TIMINGS,
	O_STATS,
	O_ROLE_EARLY,
	O_EOS_IN_USAGE,
	O_SEED,
	O_LOG,
	O_FAULT,
	O_FAULT_RATE,
	O_LIST_PROFILES,
	O_NO_USAGE,
	O_REPLAY,
	O_API_KEY,
	O_LEAK,
	O_CTX,
	O_MODEL_FILE,
	O_AS,
	O_ENGINE_DEAD,
	O_METRICS,
	O_LOADED,
	O_GRADED,
	O_GRADED_ERROR,
	O_LOGIT_NOISE,
	O_SLOW_AFTER,
	O_SLOW_FACTOR,
	O_POWER_DIR,
	O_MOE,
	O_IDLE_W,
	O_STREAM_W
};

/* An option that sets a field of every profile, or the load time.
 * Returns 1 when c is one, else 0. */
static int set_override(int c, const char *v)
{
	switch (c) {
	case O_TPS:
		overrides.decode_tps = args_real("--tps", v, 0, 1e9);
		override_mask |= OV_TPS;
		break;
	case O_TTFT:
		overrides.ttft_s = args_duration("--ttft", v);
		override_mask |= OV_TTFT;
		break;
	case O_PREFILL:
		overrides.prefill_tps = args_real("--prefill", v, 0, 1e12);
		override_mask |= OV_PREFILL;
		break;
	case O_JITTER:
		overrides.jitter = args_real("--jitter", v, 0, 0.99);
		override_mask |= OV_JITTER;
		break;
	case O_SLOTS:
		overrides.slots = (int)args_int("--slots", v, 0, 1000000);
		override_mask |= OV_SLOTS;
		break;
	case O_BATCH_K:
		overrides.batch_k = args_real("--batch-k", v, 0, 1000);
		override_mask |= OV_BATCH;
		break;
	case O_CHUNK_TOKENS:
		overrides.chunk_tokens =
		    (int)args_int("--chunk-tokens", v, 1, 1000000);
		override_mask |= OV_CHUNK;
		break;
	case O_REASONING:
		overrides.reasoning_tokens =
		    (int)args_int("--reasoning", v, 0, 1000000);
		override_mask |= OV_REASONING;
		break;
	case O_NATURAL_LEN:
		overrides.natural_len =
		    (int)args_int("--natural-len", v, 0, 100000000);
		override_mask |= OV_NATURAL;
		break;
	case O_LOAD_TIME:
		opt.load_time = args_duration("--load-time", v);
		break;
	case O_CTX:
		overrides.ctx_size = (int)args_int("--ctx", v, 0, 100000000);
		override_mask |= OV_CTX;
		break;
	case O_GRADED_ERROR:
		overrides.graded_error = args_real("--graded-error", v, 0, 1);
		override_mask |= OV_GRADED;
		break;
	case O_LOGIT_NOISE:
		overrides.logit_noise = args_real("--logit-noise", v, 0, 100);
		override_mask |= OV_NOISE;
		break;
	case O_SLOW_AFTER:
		overrides.slow_after_s = args_duration("--slow-after", v);
		override_mask |= OV_SLOW_AFTER;
		break;
	case O_SLOW_FACTOR:
		overrides.slow_factor = args_real("--slow-factor", v, 0, 1);
		override_mask |= OV_SLOW_FACTOR;
		break;
	default: return 0;
	}
	return 1;
}

static void apply_overrides(struct sim_profile *p)
{
	if (override_mask & OV_TPS)
		p->decode_tps = overrides.decode_tps;
	if (override_mask & OV_TTFT)
		p->ttft_s = overrides.ttft_s;
	if (override_mask & OV_PREFILL)
		p->prefill_tps = overrides.prefill_tps;
	if (override_mask & OV_JITTER)
		p->jitter = overrides.jitter;
	if (override_mask & OV_SLOTS)
		p->slots = overrides.slots;
	if (override_mask & OV_BATCH)
		p->batch_k = overrides.batch_k;
	if (override_mask & OV_CHUNK)
		p->chunk_tokens = overrides.chunk_tokens;
	if (override_mask & OV_REASONING)
		p->reasoning_tokens = overrides.reasoning_tokens;
	if (override_mask & OV_NATURAL)
		p->natural_len = overrides.natural_len;
	if (override_mask & OV_CTX)
		p->ctx_size = overrides.ctx_size;
	if (override_mask & OV_GRADED)
		p->graded_error = overrides.graded_error;
	if (override_mask & OV_NOISE)
		p->logit_noise = overrides.logit_noise;
	if (override_mask & OV_SLOW_AFTER)
		p->slow_after_s = overrides.slow_after_s;
	if (override_mask & OV_SLOW_FACTOR)
		p->slow_factor = overrides.slow_factor;
	if (opt.load_time >= 0)
		p->load_s = opt.load_time;
}

/* ---- profiles ------------------------------------------------------ */

/* Loads profiles from a JSON file: {"profiles": [ {...}, ... ]}; each
 * starts from the defaults.  Dies on any error, naming file and entry. */
static void load_profiles(const char *path)
{
	size_t len;
	char *text = fileio_slurp(path, 16 << 20, &len);
	cJSON *doc, *arr, *it;
	char err[256];

	if (text == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	doc = cJSON_ParseWithLength(text, len);
	free(text);
	arr = doc ? cJSON_GetObjectItem(doc, "profiles") : NULL;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(doc);
		diag_die(EXIT_RUNTIME,
			 "%s: not a JSON object with a "
			 "\"profiles\" array",
			 path);
	}
	cJSON_ArrayForEach(it, arr)
	{
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

/* Which endpoints the imitated server has: llama-server's /props; LM
 * Studio's REST API (the generic llmsim answers both, as before --as). */
static int llama_like(void)
{
	return opt.as == SIM_GENERIC || opt.as == SIM_LLAMACPP;
}

static int lms_like(void)
{
	return opt.as == SIM_GENERIC || opt.as == SIM_LMSTUDIO;
}

/* The engine's view: a request names a model; the generic llmsim's
 * loaded model as loaded (its context that of the load). */
static const struct sim_profile *profile_of(const char *id)
{
	const struct sim_profile *p = find_profile(id);
	struct simlms_inst *i =
	    opt.as == SIM_GENERIC && p ? simlms_find(&lms, p->id) : NULL;

	return i && i->variant == p ? &i->prof : p;
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

/* A simulated model's memory: mem_gb * scale MB (or --mem exactly),
 * allocated at once and touched page by page while the model "loads", as
 * a real server's resident memory grows while it reads its weights.  One
 * per LM Studio instance (mem[i] for lms.in[i], so that a second instance
 * holds memory of its own); mem[0] for a server of one model. */
struct ballast {
	char *p;
	size_t len, touched;
	int64_t from, until;
};
static struct ballast mem[SIMLMS_MAX];
static struct event *ballast_timer;

static void touch_ballast(struct ballast *b, size_t upto)
{
	for (; b->touched < upto; b->touched += 4096)
		b->p[b->touched] = (char)b->touched;
}

static void on_ballast(evutil_socket_t fd, short what, void *arg)
{
	int64_t now = clock_mono_ns();
	struct timeval tv = {0, 100000};
	int more = 0;

	(void)fd;
	(void)what;
	(void)arg;
	for (int k = 0; k < SIMLMS_MAX; k++) {
		struct ballast *b = &mem[k];
		double f = b->until > b->from ? (double)(now - b->from) /
						    (double)(b->until - b->from)
					      : 1;
		if (b->p == NULL)
			continue;
		touch_ballast(b,
			      f >= 1 ? b->len : (size_t)(f * (double)b->len));
		more |= b->touched < b->len;
	}
	if (more)
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

	if (opt.model_file == NULL)
		return;
	if ((fd = open(opt.model_file, O_RDONLY)) < 0)
		diag_die(EXIT_RUNTIME, "--model-file %s: %s", opt.model_file,
			 strerror(errno));
	/* to the end: a read cut short by a signal is resumed, an error is
	 * said, so a load never reads part of the file unnoticed */
	while ((n = read(fd, buf, sizeof buf)) != 0)
		if (n < 0 && errno != EINTR)
			diag_die(EXIT_RUNTIME, "--model-file %s: %s",
				 opt.model_file, strerror(errno));
	close(fd);
}

/* Mapped, not malloc'd: an unload leaves the resident set at once,
 * whatever the allocator (or a sanitizer's quarantine) would keep. */
static void free_ballast(struct ballast *b)
{
	if (b->p != NULL)
		munmap(b->p, b->len);
	memset(b, 0, sizeof *b);
}

static void set_ballast(struct ballast *b, const struct sim_profile *p,
			double load_s)
{
	size_t want = opt.mem_set ? (size_t)opt.mem_bytes
				  : (size_t)(p->mem_gb * opt.mem_scale * 1e6);

	read_model_file();
	free_ballast(b);
	if (want == 0)
		return;
	b->p = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON,
		    -1, 0);
	if (b->p == MAP_FAILED) {
		b->p = NULL;
		diag_die(EXIT_RUNTIME,
			 "cannot allocate %zu bytes of simulated "
			 "model memory",
			 want);
	}
	b->len = want;
	b->from = clock_mono_ns();
	b->until = b->from + (int64_t)(load_s * 1e9);
	if (load_s <= 0 || base == NULL) {
		touch_ballast(b, want);
		return;
	}
	if (ballast_timer == NULL)
		ballast_timer = evtimer_new(base, on_ballast, NULL);
	on_ballast(-1, 0, NULL);
}

/* ---- other endpoints --------------------------------------------------- */

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
	jw_num(&w, "mem_scale_mb_per_gb", opt.mem_set ? 0 : opt.mem_scale, 6);
	jw_obj_close(&w);
	jw_obj_close(&w);
	simsrv_reply_json(req, 200, "OK", jw_cstr(&w));
	jw_free(&w);
}

/* ---- teacher forcing: llama-server's /completion and its helpers ------- */

/* The ground truth of one teacher-forced position (src/llmsim/simtf). */
static void log_tf(void *ctx, const struct simtf_truth *t)
{
	jw *lw = simsrv_log_begin("tf");

	if (lw == NULL)
		return;
	jw_str(lw, "rid", ctx);
	jw_int(lw, "index", t->index);
	jw_int(lw, "pos", t->pos);
	jw_num(lw, "kl", t->kl, 9);
	jw_bool(lw, "same_top", t->same_top);
	jw_num(lw, "nll_ref", t->nll_ref, 9);
	jw_num(lw, "nll_cand", t->nll_cand, 9);
	simsrv_log_end();
}

/* The fault of a teacher-forced request: its X-Sim-Fault header, else the
 * run's --fault (no-probs and probs-cut are the ones that apply here). */
static void tf_fault(struct evhttp_request *req, struct simtf_opts *o)
{
	const char *h = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "X-Sim-Fault");
	struct simwire_fault f = run_fault;

	if (h != NULL && simwire_fault_parse(h, &f) != 0)
		memset(&f, 0, sizeof f);
	o->no_probs = f.kind == F_NO_PROBS;
	o->cut = f.kind == F_PROBS_CUT ? f.at : 0;
}

/* POST /completion (a prompt of token ids, n_probs), /tokenize,
 * /detokenize, /apply-template, answered at once from the loaded
 * profile's logprob model. */
static void handle_tf(struct evhttp_request *req, const char *path)
{
	cJSON *body = simsrv_read_body(req);
	const char *rid = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "X-Request-Id");
	struct simtf_opts o = {current->family, current->logit_noise,
			       simlp_noise_key(current->id), 0, 0};
	const char *err;
	jw w;

	jw_init(&w);
	tf_fault(req, &o);
	if (body == NULL)
		err = "the body is not a JSON object";
	else if (strcmp(path, "/tokenize") == 0)
		err = simtf_tokenize(body, &w);
	else if (strcmp(path, "/detokenize") == 0)
		err = simtf_detokenize(body, &w);
	else if (strcmp(path, "/apply-template") == 0)
		err = simtf_apply_template(body, &w);
	else
		err = simtf_completion(body, &o, &w, log_tf,
				       (void *)(rid ? rid : "-"));
	if (err != NULL)
		simsrv_reply_error(req, 400, "invalid_request_error", err);
	else
		simsrv_reply_json(req, 200, "OK", jw_cstr(&w));
	jw_free(&w);
	cJSON_Delete(body);
}

/* vLLM's teacher-forcing shapes (--as vllm): /tokenize, /detokenize, and
 * a /v1/completions that asks for prompt_logprobs; 0 when path and body
 * are none of them (a plain completion streams as before). */
static int handle_vllm_tf(struct evhttp_request *req, const char *path)
{
	cJSON *body = simsrv_read_body(req);
	struct simtf_opts o = {current->family, current->logit_noise,
			       simlp_noise_key(current->id), 0, 0};
	const char *err = NULL,
		   *rid = evhttp_find_header(
		       evhttp_request_get_input_headers(req), "X-Request-Id");
	int done = 1;
	jw w;

	jw_init(&w);
	tf_fault(req, &o);
	if (strcmp(path, "/tokenize") == 0)
		err = body ? simtf_vllm_tokenize(body, current->ctx_size, &w)
			   : "the body is not a JSON object";
	else if (strcmp(path, "/detokenize") == 0)
		err = body ? simtf_vllm_detokenize(body, &w)
			   : "the body is not a JSON object";
	else if (strcmp(path, "/v1/completions") == 0 && simtf_vllm_asks(body))
		err = simtf_vllm_completion(body, current->id, &o, &w, log_tf,
					    (void *)(rid ? rid : "-"));
	else
		done = 0;
	if (done && err != NULL)
		simsrv_reply_error(req, 400, "BadRequestError", err);
	else if (done)
		simsrv_reply_json(req, 200, "OK", jw_cstr(&w));
	jw_free(&w);
	cJSON_Delete(body);
	return done;
}

static int tf_path(const char *path)
{
	return !strcmp(path, "/completion") || !strcmp(path, "/tokenize") ||
	       !strcmp(path, "/detokenize") || !strcmp(path, "/apply-template");
}

/* POST /api/generate: only Ollama's load call (no prompt) is imitated. */
static void ollama_generate(struct evhttp_request *req)
{
	cJSON *body = simsrv_read_body(req);
	const cJSON *m = cJSON_GetObjectItem(body, "model");
	const cJSON *pr = cJSON_GetObjectItem(body, "prompt");

	if (!cJSON_IsString(m))
		simsrv_reply_json(req, 400, "Bad Request",
				  "{\"error\":\"model is required\"}");
	else if (cJSON_IsString(pr) && pr->valuestring[0] != '\0')
		simsrv_reply_json(
		    req, 400, "Bad Request",
		    "{\"error\":\"llmsim imitates "
		    "only Ollama's load call of /api/generate (no prompt)\"}");
	else
		simsrv_ollama_load(req, m->valuestring);
	cJSON_Delete(body);
}

/* Ollama loads a model at its first request, not at start. */
static void load_on_demand(void)
{
	set_ballast(&mem[0], current, current->load_s);
	simsrv_set_model(current,
			 clock_mono_ns() + (int64_t)(current->load_s * 1e9));
	simsrv_log_simple("load");
}

/* ---- LM Studio's models and instances ---------------------------------- */

/* The load config LM Studio applies when a load names none: flash
 * attention and the KV cache on the GPU (list.md's example). */
static const struct simlms_cfg cfg_default = {.flash_attention = -1,
					      .offload_kv = -1};

/* A load or unload in the log, with the instance's id. */
static void log_instance(const char *what, const struct simlms_inst *i)
{
	jw *lw = simsrv_log_begin(what);

	if (lw == NULL)
		return;
	jw_str(lw, "instance", i->id);
	jw_str(lw, "profile", i->variant->id);
	if (i->jit)
		jw_bool(lw, "jit", 1);
	simsrv_log_end();
}

/* Loads v as a new instance with its own memory, ready after v's load
 * time; NULL when SIMLMS_MAX are loaded.  The caller logs it (a load at
 * start is not logged, as before instances). */
static struct simlms_inst *lms_load(const struct sim_profile *v,
				    const struct simlms_cfg *c, int jit)
{
	struct simlms_inst *i = simlms_load(&lms, v, c, jit, 0);

	if (i == NULL)
		return NULL;
	set_ballast(&mem[i - lms.in], v, v->load_s);
	i->ready_at = clock_mono_ns() + (int64_t)(v->load_s * 1e9);
	return i;
}

static void lms_unload(struct simlms_inst *i)
{
	log_instance("unload", i);
	free_ballast(&mem[i - lms.in]);
	simlms_unload(&lms, i);
}

/* An error of LM Studio's REST API: {"error": {"type", "message"[,
 * "param"]}} (streaming-events.md at c6854fb lists the types). */
static void lms_error(struct evhttp_request *req, int code, const char *type,
		      const char *param, const char *fmt, ...) TB_PRINTF(5, 6);

static void lms_error(struct evhttp_request *req, int code, const char *type,
		      const char *param, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	jw w;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_obj_open(&w, "error");
	jw_str(&w, "type", type);
	jw_str(&w, "message", msg);
	if (param)
		jw_str(&w, "param", param);
	jw_obj_close(&w);
	jw_obj_close(&w);
	simsrv_reply_json(req, code,
			  code == 404	? "Not Found"
			  : code == 400 ? "Bad Request"
					: "Service Unavailable",
			  jw_cstr(&w));
	jw_free(&w);
}

/* A request names a model: its instance, else (JIT loading on, LM Studio's
 * default) a new instance of it, the request answered once it has loaded;
 * a new JIT load first unloads the instances loaded just in time before
 * (Auto-Evict on, the default: ttl-and-auto-evict.md). */
static const struct sim_profile *lms_resolve(const char *model, char *why,
					     size_t n)
{
	struct simlms_inst *i = simlms_find(&lms, model);
	const struct sim_profile *v = simlms_model(&lms, model);
	char names[400];

	if (i != NULL)
		return &i->prof;
	if (v == NULL) {
		simlms_names(&lms, "\n", names, sizeof names);
		if (model == NULL)
			snprintf(
			    why, n,
			    "No models loaded. Please load a model in the "
			    "developer page or use the 'lms load' command.");
		else
			snprintf(
			    why, n,
			    "Model \"%s\" not found. Please specify a valid "
			    "model.\n\nYour models:\n\n%s",
			    model, names);
		return NULL;
	}
	for (int k = 0; k < SIMLMS_MAX; k++)
		if (lms.in[k].used && lms.in[k].jit)
			lms_unload(&lms.in[k]);
	if ((i = lms_load(v, &cfg_default, 1)) == NULL) {
		snprintf(why, n, "llmsim holds at most %d model instances",
			 SIMLMS_MAX);
		return NULL;
	}
	log_instance("load", i);
	simsrv_jit_load(&i->prof, i->ready_at);
	return &i->prof;
}

/* POST /api/v1/models/load: LM Studio's load, answered after load_s. */
struct load_req {
	struct evhttp_request *req;
	struct event *ev;
	int64_t t0;
	struct simlms_inst *inst;
	int echo; /* echo_load_config */
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
	jw_str(&w, "instance_id", l->inst->id);
	jw_num(&w, "load_time_seconds", (double)(clock_mono_ns() - l->t0) / 1e9,
	       3);
	jw_str(&w, "status", "loaded");
	if (l->echo)
		simlms_write_cfg(&w, "load_config", l->inst, 0);
	jw_obj_close(&w);
	log_instance("loaded", l->inst);
	simsrv_reply_json(l->req, 200, "OK", jw_cstr(&w));
	jw_free(&w);
	event_free(l->ev);
	free(l);
	pending_load = NULL;
}

/* A positive whole number field of the load body into *out (absent: left);
 * a boolean into *b.  Return the field's name when it is neither. */
static const char *load_int(const cJSON *body, const char *key, int *out)
{
	const cJSON *v = cJSON_GetObjectItem(body, key);

	if (v == NULL)
		return NULL;
	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 1e8 ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return key;
	*out = (int)v->valuedouble;
	return NULL;
}

static const char *load_bool(const cJSON *body, const char *key, int *out)
{
	const cJSON *v = cJSON_GetObjectItem(body, key);

	if (v == NULL)
		return NULL;
	if (!cJSON_IsBool(v))
		return key;
	*out = cJSON_IsTrue(v);
	return NULL;
}

/* The load body's fields (load.md at c6854fb) into c and *echo; the name
 * of a field of the wrong type, or NULL. */
static const char *load_fields(const cJSON *body, struct simlms_cfg *c,
			       int *echo)
{
	const char *bad = NULL;

	*c = cfg_default;
	*echo = 0;
	if (!bad)
		bad = load_int(body, "context_length", &c->context_length);
	if (!bad)
		bad = load_int(body, "eval_batch_size", &c->eval_batch_size);
	if (!bad)
		bad = load_int(body, "num_experts", &c->num_experts);
	if (!bad)
		bad = load_bool(body, "flash_attention", &c->flash_attention);
	if (!bad)
		bad =
		    load_bool(body, "offload_kv_cache_to_gpu", &c->offload_kv);
	if (!bad)
		bad = load_bool(body, "echo_load_config", echo);
	return bad;
}

/* Starts the load of p as a new instance (the generic llmsim's replaces
 * its one model), answered by on_loaded. */
static void start_load(struct evhttp_request *req, const struct sim_profile *p,
		       const struct simlms_cfg *c, int echo)
{
	struct load_req *l;
	struct timeval tv;

	if (pending_load != NULL || (l = calloc(1, sizeof *l)) == NULL) {
		simsrv_reply_error(req, 503, "unavailable_error",
				   "a model is loading already");
		return;
	}
	if (opt.as == SIM_GENERIC)
		for (int k = 0; k < SIMLMS_MAX; k++)
			if (lms.in[k].used)
				lms_unload(&lms.in[k]);
	if ((l->inst = lms_load(p, c, 0)) == NULL) {
		free(l);
		simsrv_reply_error(req, 503, "unavailable_error",
				   "llmsim holds at most "
				   "8 model instances: unload one first");
		return;
	}
	log_instance("load", l->inst);
	l->req = req;
	l->echo = echo;
	l->t0 = clock_mono_ns();
	current = &l->inst->prof;
	simsrv_set_model(current, l->inst->ready_at);
	l->ev = evtimer_new(base, on_loaded, l);
	tv.tv_sec = (time_t)p->load_s;
	tv.tv_usec = (suseconds_t)((p->load_s - (double)tv.tv_sec) * 1e6);
	evtimer_add(l->ev, &tv);
	pending_load = l;
}

/* POST /api/v1/models/load {"model": key, "context_length", ...}: a new
 * instance, even of a model loaded already.  The key@variant of a model
 * of several variants is "not found in downloaded models", as LM Studio
 * 0.4.1 answers it (lmstudio-bug-tracker #1462): the key loads its
 * selected variant. */
static void handle_load(struct evhttp_request *req)
{
	cJSON *body = simsrv_read_body(req);
	const cJSON *m = cJSON_GetObjectItem(body, "model");
	const struct sim_profile *p =
	    cJSON_IsString(m) && !simlms_grouped(&lms, m->valuestring)
		? simlms_model(&lms, m->valuestring)
		: NULL;
	struct simlms_cfg c;
	int echo, max;
	const char *bad = load_fields(body, &c, &echo);

	if (!cJSON_IsString(m))
		lms_error(req, 400, "invalid_request", "model",
			  "\"model\" is required");
	else if (p == NULL && simlms_grouped(&lms, m->valuestring))
		lms_error(req, 404, "model_not_found", "model",
			  "Model %s not found in downloaded models",
			  m->valuestring);
	else if (p == NULL)
		lms_error(req, 404, "model_not_found", "model",
			  "Model \"%s\" not found "
			  "(see GET /api/v1/models)",
			  m->valuestring);
	else if (bad != NULL)
		lms_error(req, 400, "invalid_request", bad, "\"%s\": want %s",
			  bad,
			  strcmp(bad, "context_length") &&
				  strcmp(bad, "eval_batch_size") &&
				  strcmp(bad, "num_experts")
			      ? "true or false"
			      : "a whole number >= 1");
	else if ((max = simlms_max_context(p)) > 0 && c.context_length > max)
		lms_error(req, 400, "invalid_request", "context_length",
			  "context_length "
			  "%d exceeds the model's maximum context length (%d)",
			  c.context_length, max);
	else
		start_load(req, p, &c, echo);
	cJSON_Delete(body);
}

/* POST /api/v1/models/unload {"instance_id"} (unload.md at c6854fb). */
static void handle_unload(struct evhttp_request *req)
{
	cJSON *body = simsrv_read_body(req);
	const cJSON *id = cJSON_GetObjectItem(body, "instance_id");
	struct simlms_inst *i =
	    cJSON_IsString(id) ? simlms_by_id(&lms, id->valuestring) : NULL;
	jw w;

	if (!cJSON_IsString(id))
		lms_error(req, 400, "invalid_request", "instance_id",
			  "\"instance_id\" is required");
	else if (i == NULL)
		lms_error(req, 404, "model_not_found", "instance_id",
			  "No loaded model "
			  "instance with id \"%s\"",
			  id->valuestring);
	else if (pending_load != NULL && pending_load->inst == i)
		simsrv_reply_error(req, 503, "unavailable_error",
				   "that instance is loading");
	else {
		jw_init(&w);
		jw_obj_open(&w, NULL);
		jw_str(&w, "instance_id", i->id);
		jw_obj_close(&w);
		lms_unload(i);
		simsrv_reply_json(req, 200, "OK", jw_cstr(&w));
		jw_free(&w);
	}
	cJSON_Delete(body);
}

/* Ollama's own API (v0.33 server/routes.go): the listings, the load call
 * (a generate without a prompt), the native chat, and "Ollama is running". */
static void ollama_route(struct evhttp_request *req, const char *path, int post,
			 int get)
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
		simsrv_reply_error(req, 404, "not_found_error",
				   "no such endpoint");
}

/* With --api-key, every endpoint but /health wants "Authorization: Bearer
 * KEY", as llama-server does; the log records each refusal (never the key),
 * so tests can prove a client sent it. */
static int authorized(struct evhttp_request *req, const char *path)
{
	const char *h;

	if (opt.api_key == NULL || strcmp(path, "/health") == 0)
		return 1;
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
			       "Authorization");
	if (h != NULL && strncmp(h, "Bearer ", 7) == 0 &&
	    strcmp(h + 7, opt.api_key) == 0)
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
	const char *path =
	    evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	int post = cmd == EVHTTP_REQ_POST, get = cmd == EVHTTP_REQ_GET;

	(void)arg;
	if (path == NULL)
		path = "";
	if (!authorized(req, path)) {
		simsrv_reply_error(req, 401, "authentication_error",
				   "Invalid API Key");
		return;
	}
	if (post && opt.as == SIM_VLLM && !simsrv_loading() &&
	    handle_vllm_tf(req, path))
		; /* vLLM's teacher-forcing shapes */
	else if (post && strcmp(path, "/v1/chat/completions") == 0)
		simsrv_completion(req, SIM_CHAT);
	else if (post && strcmp(path, "/v1/completions") == 0)
		simsrv_completion(req, SIM_COMPLETIONS);
	else if (get && strcmp(path, "/v1/models") == 0 &&
		 opt.as == SIM_LMSTUDIO)
		simpersona_lms_list(req, &lms, LMS_OPENAI, clock_mono_ns());
	else if (get && strcmp(path, "/v1/models") == 0)
		simpersona_models(req, opt.as, profiles, n_profiles);
	else if (get && strcmp(path, "/health") == 0)
		simpersona_health(req, opt.as, simsrv_loading(),
				  opt.engine_dead);
	else if (opt.as == SIM_OLLAMA)
		ollama_route(req, path, post, get);
	else if (get && strcmp(path, "/props") == 0 && llama_like())
		handle_props(req);
	else if (post && tf_path(path) && llama_like() && simsrv_loading())
		simsrv_reply_error(req, 503, "unavailable_error",
				   "Loading model");
	else if (post && tf_path(path) && llama_like())
		handle_tf(req, path);
	else if (get && strcmp(path, "/api/v0/models") == 0 && lms_like())
		simpersona_lms_list(req, &lms, LMS_V0, clock_mono_ns());
	else if (get && strcmp(path, "/api/v1/models") == 0 &&
		 opt.as == SIM_LMSTUDIO)
		simpersona_lms_list(req, &lms, LMS_V1, clock_mono_ns());
	else if (post && strcmp(path, "/api/v1/models/load") == 0 && lms_like())
		handle_load(req);
	else if (post && strcmp(path, "/api/v1/models/unload") == 0 &&
		 opt.as == SIM_LMSTUDIO)
		handle_unload(req);
	else
		simsrv_reply_error(req, 404, "not_found_error",
				   "no such endpoint");
}

/* ---- main -------------------------------------------------------------- */

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	diag_warn("signal %d: stopping", (int)sig);
	event_base_loopexit(base, NULL);
}

/* The profile file: --profiles, $TOKBENCH_PROFILES, profiles/llmsim.json
 * beside the bin/ directory the program was started from (a checkout),
 * else the installed one under TB_DATADIR (make install's
 * $(PREFIX)/share/tokbench, compiled in, since an installed llmsim started
 * through PATH has no directory in its argv[0]). */
static const char *profiles_path(const char *argv0, char *buf, size_t len)
{
	const char *env = getenv("TOKBENCH_PROFILES");
	const char *slash = strrchr(argv0, '/');

	if (opt.profiles_file)
		return opt.profiles_file;
	if (env && *env)
		return env;
	if (slash) {
		snprintf(buf, len, "%.*s../profiles/llmsim.json",
			 (int)(slash - argv0 + 1), argv0);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	snprintf(buf, len, "%s/profiles/llmsim.json", TB_DATADIR);
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

/* --graded FILE: a prompt set whose items with an answer llmsim answers. */
static void load_graded(const char *path)
{
	char err[300], *text;
	size_t len;

	if ((text = fileio_slurp(path, 64 << 20, &len)) == NULL)
		diag_die(EXIT_RUNTIME, "--graded %s: %s", path,
			 strerror(errno));
	prompts_free(&graded);
	if (prompts_parse(text, len, &graded, err, sizeof err) != 0) {
		free(text);
		diag_die(EXIT_RUNTIME, "--graded %s: %s", path, err);
	}
	free(text);
}

static const struct option longopts[] = {
    {"port", 1, 0, 'p'},
    {"host", 1, 0, O_HOST},
    {"profiles", 1, 0, O_PROFILES},
    {"profile", 1, 0, 'P'},
    {"tps", 1, 0, O_TPS},
    {"ttft", 1, 0, O_TTFT},
    {"prefill", 1, 0, O_PREFILL},
    {"jitter", 1, 0, O_JITTER},
    {"slots", 1, 0, O_SLOTS},
    {"batch-k", 1, 0, O_BATCH_K},
    {"chunk-tokens", 1, 0, O_CHUNK_TOKENS},
    {"reasoning", 1, 0, O_REASONING},
    {"natural-len", 1, 0, O_NATURAL_LEN},
    {"load-time", 1, 0, O_LOAD_TIME},
    {"reasoning-field", 1, 0, O_REASONING_FIELD},
    {"mem", 1, 0, O_MEM},
    {"mem-scale", 1, 0, O_MEM_SCALE},
    {"timings", 0, 0, O_TIMINGS},
    {"stats", 0, 0, O_STATS},
    {"role-early", 0, 0, O_ROLE_EARLY},
    {"eos-in-usage", 0, 0, O_EOS_IN_USAGE},
    {"seed", 1, 0, O_SEED},
    {"log", 1, 0, O_LOG},
    {"fault", 1, 0, O_FAULT},
    {"fault-rate", 1, 0, O_FAULT_RATE},
    {"list-profiles", 0, 0, O_LIST_PROFILES},
    {"no-usage", 0, 0, O_NO_USAGE},
    {"replay", 1, 0, O_REPLAY},
    {"api-key", 1, 0, O_API_KEY},
    {"leak", 1, 0, O_LEAK},
    {"ctx", 1, 0, O_CTX},
    {"model-file", 1, 0, O_MODEL_FILE},
    {"as", 1, 0, O_AS},
    {"engine-dead", 0, 0, O_ENGINE_DEAD},
    {"metrics", 0, 0, O_METRICS},
    {"loaded", 1, 0, O_LOADED},
    {"graded", 1, 0, O_GRADED},
    {"graded-error", 1, 0, O_GRADED_ERROR},
    {"logit-noise", 1, 0, O_LOGIT_NOISE},
    {"slow-after", 1, 0, O_SLOW_AFTER},
    {"slow-factor", 1, 0, O_SLOW_FACTOR},
    {"power-dir", 1, 0, O_POWER_DIR},
    {"moe", 1, 0, O_MOE},
    {"idle-w", 1, 0, O_IDLE_W},
    {"stream-w", 1, 0, O_STREAM_W},
    {"help", 0, 0, 'h'},
    {"version", 0, 0, 'V'},
    {0, 0, 0, 0}};

/* --moe FILE: the mixture-of-experts weights each request touches
 * (simmoe.h), mapped before the first request. */
static void moe_open(const char *path)
{
	char err[300];

	if (simmoe_open(path, err, sizeof err) != 0)
		diag_die(EXIT_RUNTIME, "--moe %s", err);
}

/* The options of the server: where it listens, what it serves, as which server,
 * its log.  Returns 1 when c is one, else 0. */
static int set_server_opt(int c, char *v)
{
	switch (c) {
	case 'p': opt.port = (int)args_int("--port", v, 0, 65535); return 1;
	case O_HOST: opt.host = v; return 1;
	case O_PROFILES: opt.profiles_file = v; return 1;
	case 'P': opt.profile = v; return 1;
	case O_SEED:
		opt.seed = (uint64_t)args_int("--seed", v, 0, 1LL << 62);
		return 1;
	case O_LOG: opt.log = v; return 1;
	case O_LIST_PROFILES: opt.list = 1; return 1;
	case O_MODEL_FILE: opt.model_file = v; return 1;
	case O_AS:
		if (simpersona_of(v) < 0)
			diag_die(EXIT_USAGE,
				 "--as %s: want generic, llamacpp, lmstudio, "
				 "ollama, mlx or vllm",
				 v);
		opt.as = (enum sim_persona)simpersona_of(v);
		return 1;
	case O_ENGINE_DEAD: opt.engine_dead = 1; return 1;
	case O_METRICS: opt.vllm_metrics = 1; return 1;
	case O_LOADED: opt.loaded = v; return 1;
	case O_API_KEY: opt.api_key = v; return 1;
	case O_REPLAY:
		replay = fileio_slurp(v, 256 << 20, &replay_len);
		if (replay == NULL)
			diag_die(EXIT_RUNTIME, "--replay %s: %s", v,
				 strerror(errno));
		return 1;
	case O_GRADED: load_graded(v); return 1;
	case O_POWER_DIR: opt.power_dir = v; return 1;
	case O_MOE: moe_open(v); return 1;
	case O_IDLE_W: opt.idle_w = args_real("--idle-w", v, 0, 1e6); return 1;
	case O_STREAM_W:
		opt.stream_w = args_real("--stream-w", v, 0, 1e6);
		return 1;
	default: return 0;
	}
}

/* The options of the streams it sends: fields, usage, timings, faults, memory.
 * Returns 1 when c is one, else 0. */
static int set_stream_opt(int c, char *v)
{
	switch (c) {
	case O_REASONING_FIELD:
		if (!*v ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyz_-") < strlen(v))
			diag_die(EXIT_USAGE, "--reasoning-field: want "
					     "reasoning_content, reasoning, "
					     "think-tags or a field name");
		opt.reasoning_field = v;
		return 1;
	case O_MEM:
		if (units_bytes(v, &opt.mem_bytes) != UNITS_OK)
			diag_die(EXIT_USAGE, "--mem %s: not a size", v);
		opt.mem_set = 1;
		return 1;
	case O_MEM_SCALE:
		opt.mem_scale = args_real("--mem-scale", v, 0, 1e6);
		return 1;
	case O_LEAK:
		if (units_bytes(v, &opt.leak) != UNITS_OK ||
		    opt.leak > (1ull << 30))
			diag_die(EXIT_USAGE,
				 "--leak %s: want a size up to 1GiB", v);
		return 1;
	case O_TIMINGS: opt.timings = 1; return 1;
	case O_STATS: opt.stats = 1; return 1;
	case O_ROLE_EARLY: opt.role_early = 1; return 1;
	case O_EOS_IN_USAGE: opt.eos_in_usage = 1; return 1;
	case O_FAULT:
		if (simwire_fault_parse(v, &run_fault) != 0)
			diag_die(EXIT_USAGE, "--fault %s: unknown fault", v);
		return 1;
	case O_FAULT_RATE:
		opt.fault_rate = args_real("--fault-rate", v, 0, 1);
		return 1;
	case O_NO_USAGE: opt.no_usage = 1; return 1;
	default: return 0;
	}
}

static void parse_args(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "p:P:h", longopts, NULL)) != -1) {
		if (c == 'h')
			usage(EXIT_OK);
		if (c == 'V')
			diag_version(TB_VERSION);
		if (!set_server_opt(c, optarg) && !set_stream_opt(c, optarg) &&
		    !set_override(c, optarg))
			usage(EXIT_USAGE);
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
	if ((opt.engine_dead || opt.vllm_metrics) && opt.as != SIM_VLLM)
		diag_die(EXIT_USAGE, "--%s goes with --as vllm",
			 opt.engine_dead ? "engine-dead" : "metrics");
	if (opt.loaded && opt.as != SIM_LMSTUDIO)
		diag_die(EXIT_USAGE, "--loaded goes with --as lmstudio");
	if (opt.reasoning_field == NULL)
		opt.reasoning_field = opt.as == SIM_OLLAMA ||
					      opt.as == SIM_MLX ||
					      opt.as == SIM_VLLM
					  ? "reasoning"
					  : "reasoning_content";
	if (opt.as == SIM_LLAMACPP || opt.as == SIM_OLLAMA ||
	    opt.as == SIM_MLX || opt.as == SIM_VLLM)
		opt.eos_in_usage = 1;
	if (opt.as == SIM_LLAMACPP)
		opt.timings = 1;
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
	current = find_profile(opt.profile ? opt.profile : "llmsim");
	if (current == NULL)
		diag_die(EXIT_USAGE,
			 "-P %s: no such profile (llmsim "
			 "--list-profiles lists them)",
			 opt.profile);
	simlms_init(&lms, profiles, n_profiles);
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
	snprintf(port, sizeof port, "%d", opt.port);
	if (evutil_getaddrinfo(opt.host, port, &hints, &ai) != 0 || ai == NULL)
		diag_die(EXIT_RUNTIME,
			 "cannot listen on %s:%d: unknown address", opt.host,
			 opt.port);
	lev = evconnlistener_new_bind(
	    base, NULL, NULL,
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
	    4096, ai->ai_addr, (int)ai->ai_addrlen);
	evutil_freeaddrinfo(ai);
	if (lev == NULL)
		diag_die(EXIT_RUNTIME, "cannot listen on %s:%d: %s", opt.host,
			 opt.port, strerror(errno));
	sock = evhttp_bind_listener(http, lev);
	if (sock == NULL)
		diag_die(EXIT_RUNTIME, "cannot listen on %s:%d", opt.host,
			 opt.port);
	return sock;
}

/* Binds, prints the base URL on stdout (the only data llmsim writes
 * there, so a script can read the port chosen by --port 0). */
static void listen_and_announce(void)
{
	struct evhttp_bound_socket *sock;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int port = opt.port;

	/* A load target must accept bursts: with libevent's default backlog
	 * (128) a few hundred simultaneous connects overflow the accept
	 * queue and the dropped SYNs come back a second later. */
	sock = bind_listener();
	if (getsockname(evhttp_bound_socket_get_fd(sock),
			(struct sockaddr *)&ss, &len) == 0)
		port = ntohs(ss.ss_family == AF_INET6
				 ? ((struct sockaddr_in6 *)&ss)->sin6_port
				 : ((struct sockaddr_in *)&ss)->sin_port);
	printf("http://%s:%d/v1\n", strchr(opt.host, ':') ? "[::1]" : opt.host,
	       port);
	fflush(stdout);
	if (opt.as == SIM_LMSTUDIO)
		diag_warn("listening on %s:%d as LM Studio, %d model "
			  "instance%s loaded",
			  opt.host, port, simlms_count(&lms, 0, 0),
			  simlms_count(&lms, 0, 0) == 1 ? "" : "s");
	else
		diag_warn("listening on %s:%d, model %s (%s), %s", opt.host,
			  port, current->id, current->name,
			  current->decode_tps > 0 ? "paced" : "unpaced");
}

static void open_log(void)
{
	if (opt.log == NULL)
		return;
	logfile = fopen(opt.log, "w");
	if (logfile == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", opt.log, strerror(errno));
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
	jw_int(lw, "seed", (long long)opt.seed);
	if (opt.power_dir != NULL) { /* the power model's: energy 0 here */
		jw_num(lw, "idle_w", opt.idle_w, 3);
		jw_num(lw, "stream_w", opt.stream_w, 3);
	}
	if (current->slow_factor > 0) { /* the slowdown's truth */
		jw_num(lw, "slow_after_s", current->slow_after_s, 6);
		jw_num(lw, "slow_factor", current->slow_factor, 6);
	}
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
			diag_warn("%s: %s", opt.log, strerror(errno));
	}
	simsrv_free();
	if (ballast_timer)
		event_free(ballast_timer);
	for (int k = 0; k < SIMLMS_MAX; k++)
		free_ballast(&mem[k]);
	free(replay);
	prompts_free(&graded);
	event_base_free(base);
}

/* LM Studio's models at start: --loaded's, in order, each a new instance
 * ("none": nothing), else -P's; the generic llmsim's -P model likewise.
 * The engine serves the first, loaded when the last has. */
static void first_load_lms(void)
{
	char list[1024], *name, *save = NULL;
	struct simlms_inst *first = NULL, *i;
	int64_t until = 0;

	snprintf(list, sizeof list, "%s",
		 opt.loaded ? opt.loaded : current->id);
	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		const struct sim_profile *v = simlms_model(&lms, name);
		if (opt.loaded && strcmp(opt.loaded, "none") == 0)
			break;
		if (v == NULL)
			diag_die(
			    EXIT_USAGE,
			    "--loaded %s: no such model (a key, key@variant "
			    "or profile id: llmsim --list-profiles)",
			    name);
		if ((i = lms_load(v, &cfg_default, 0)) == NULL)
			diag_die(EXIT_USAGE, "--loaded: more than %d instances",
				 SIMLMS_MAX);
		if (first == NULL)
			first = i;
		if (i->ready_at > until)
			until = i->ready_at;
	}
	if (first != NULL)
		current = &first->prof;
	simsrv_set_model(current, until);
}

/* The model at start: llama-server (b10573 on) and vLLM listen only once
 * it has loaded (connection refused until then); Ollama loads at the first
 * request; the rest listen at once and load meanwhile. */
static void first_load(void)
{
	double s = current->load_s;

	if (opt.as == SIM_OLLAMA) {
		simsrv_set_model(current, -1);
		return;
	}
	if (opt.as == SIM_LLAMACPP || opt.as == SIM_VLLM) {
		struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
		set_ballast(&mem[0], current, 0);
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		simsrv_set_model(current, clock_mono_ns());
		return;
	}
	if (lms_like()) {
		first_load_lms();
		return;
	}
	set_ballast(&mem[0], current, s);
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
	if (opt.list) {
		list_profiles();
		return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
	}
	fileio_raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	base = new_base();
	http = base ? evhttp_new(base) : NULL;
	open_log();
	if (http == NULL ||
	    simsrv_init(
		base,
		&(struct simsrv_opts){
		    .persona = opt.as,
		    .engine_dead = opt.engine_dead,
		    .vllm_metrics = opt.vllm_metrics,
		    .load_on_demand =
			opt.as == SIM_OLLAMA ? load_on_demand : NULL,
		    .reasoning_field = opt.reasoning_field,
		    .timings = opt.timings,
		    .stats = opt.stats,
		    .role_early = opt.role_early,
		    .eos_in_usage = opt.eos_in_usage,
		    .no_usage = opt.no_usage,
		    .mem_scale = opt.mem_set ? 0 : opt.mem_scale / 1e3,
		    .seed = opt.seed,
		    .run_fault = run_fault,
		    .fault_rate = opt.fault_rate,
		    .replay = replay,
		    .replay_len = replay_len,
		    .log = logfile,
		    .graded = graded.n ? &graded : NULL,
		    .leak_bytes = (size_t)opt.leak,
		    .log_path = opt.log,
		    .power_dir = opt.power_dir,
		    .idle_w = opt.idle_w,
		    .stream_w = opt.stream_w,
		    .find_profile = profile_of,
		    .resolve = opt.as == SIM_LMSTUDIO ? lms_resolve : NULL,
		    .fatal = fatal,
		    .warn = diag_warn}) != 0)
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
