/* gen: streams completions for a prompt set and writes NDJSON token events. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <curl/curl.h>
#include <event2/event.h>

#include "args.h"
#include "clock.h"
#include "diag.h"
#include "dtimer.h"
#include "endpoint.h"
#include "evcurl.h"
#include "evline.h"
#include "h1.h"
#include "xfer.h"
#include "fileio.h"
#include "formats.h"
#include "hostinfo.h"
#include "ident.h"
#include "jw.h"
#include "pace.h"
#include "rdwin.h"
#include "probe.h"
#include "prompts.h"
#include "reqbody.h"
#include "resp.h"
#include "runenv.h"
#include "runkind.h"
#include "sigstop.h"
#include "ndjson.h"
#include "tfpass.h"
#include "tfsrc.h"
#include "tokcal.h"
#include "help.h" /* generated from docs/gen.md */

extern char **environ;

#define MAX_LABELS 64
#define EXIT_SIGNAL_BASE 128

enum api { API_CHAT, API_COMPLETIONS, API_OLLAMA };

/* Descriptors gen needs besides one socket per request in flight:
 * standard streams, the event loop, the signal pipe, libcurl's own. */
#define FD_RESERVE 16

/* Options: one struct. */
static struct options {
	const char *label;
	const char *model_id;
	char base[1024];
	const char *api_key_file;
	enum api api;
	long conc;
	int conc_set;
	double rate;	   /* requests/s; 0: closed loop */
	double burstiness; /* gamma shape; 1 is Poisson */
	int constant;	   /* constant arrivals */
	long reps;
	long warmup;
	long max_tokens; /* 0: the prompt's or 256 */
	int ignore_eos;
	int logprobs;	    /* --logprobs K: alternatives asked per token; 0 */
	int token_ids;	    /* --token-ids: each token's id with its logprobs */
	const char *tf_src; /* --teacher-force RUN: the run whose tokens a
			     * teacher-forced pass feeds */
	int tf_batch;	    /* --tf-batch N: llama-server positions a request;
			     * 0: TFPASS_BATCH */
	double temperature;
	long seed;
	double duration; /* 0: none */
	long requests;	 /* 0: prompts x reps */
	double t_connect, t_first, t_idle;
	double t_total;			   /* 0: none */
	const char *labels[MAX_LABELS][2]; /* -l key=value */
	int n_labels;
	struct runkind kind; /* --kind: what the run is part of */
	int cache_bust;
	enum srv_kind server;
	int keep_text;
	const char *prompts;
	int load, load_only, load_health, list_prompts, shuffle, no_sopts;
	const char *only;     /* comma-separated prompt names */
	const char *load_cmd; /* a shell command that loads the model */
	double load_since;    /* shared-base time the server started; 0: gen's
				 start */
	int no_wait;	      /* do not wait for a loading server */
	int no_check_model;   /* measure whatever the server has loaded */
	long load_pid;	      /* --load-health watches this process */
	int progress;	      /* -1: when stderr is a terminal */
	int reps_set, warmup_set;
	long prompt_tokens; /* --prompt-tokens: each prompt exactly this many
			     * tokens by the server's count; 0 */
	enum { TR_AUTO, TR_BUILTIN, TR_CURL } transport; /* --transport */
	double read_window; /* --read-window: the widest, s (rdwin.h) */
} opt = {.label = "model",
	 .base = "http://localhost:1234/v1",
	 .api = API_CHAT,
	 .conc = 1,
	 .burstiness = 1,
	 .reps = 1,
	 .temperature = -1,
	 .seed = -1,
	 .t_connect = 10,
	 .t_first = 600,
	 .t_idle = 120,
	 .cache_bust = 1,
	 .server = SRV_AUTO,
	 .keep_text = 1,
	 .prompts = "-",
	 .progress = -1};

/* Run state: one struct, beside the options. */
static struct state {
	/* gen --bench (a run of kind bench): llama-bench's test through the
	 * server */
	double bench_latency; /* s, GET /models (llama-benchy's "api") */
	/* gen --bench and --prompt-tokens: the prompt brought to an exact
	 * count (src/gen/tokcal) */
	struct tokcal_result count;
	char *count_base; /* the prompt's own text, the filler put before */
	int count_failed; /* --prompt-tokens not reached: nothing is sent */
	int count_warmup; /* the last count (by usage) was the warm-up */
	char api_key[512];
	struct prompt_set prompts;
	char run_id[64];
	CURLM *multi;
	jw ew; /* the event being written */
	long next_id, finished, failed, aborted_n;
	long n_status[FMT_ST_COUNT]; /* measured requests by how they ended */
	char first_err[FMT_ST_COUNT][256]; /* the first error of each status */
	struct pace pace;		   /* when each request starts */
	struct xfer *flight_head;	   /* every transfer in flight */
	int64_t m_start;
	long out_tokens;     /* for progress */
	struct probe prb;    /* where the server is probed */
	struct srv_info srv; /* what the server is and has loaded */
	int srv_detected;
	int srv_waited; /* the server was loading: probed again */
	struct load_result
	    load_res; /* the load, measured before the run event */
	int have_load;
	int load_failed;
	char wrong_model[600]; /* why the loaded model is not the one claimed
				* (src/gen/ident); "" when it is */
	const char *send_id;   /* the model id requests name */
	char endpoint[1100];   /* the completions URL */
	/* the event loop (run_loop): libevent drives libcurl's sockets */
	struct event_base *evbase;
	evcurl *ec;		/* libcurl's sockets on the loop */
	h1 *h1;			/* the built-in transport, or NULL */
	int64_t m_wake;		/* when the loop woke for this batch; 0 */
	struct rdwin rw;	/* the read window (rdwin.h) */
	int use_h1;		/* requests go on h1 (--transport) */
	struct xfer_conf xconf; /* what every request shares */
	dtimer *tick;
	struct event *wake, *sig_ev;
	int64_t tick_at; /* when the tick is armed for; 0: not armed */
	/* what it is armed for (INT64_MAX: nothing): the next possible
	 * timeout, progress line and flush */
	int64_t due_timeout, due_progress, due_flush;
	double loop_cpu; /* gen's CPU seconds in run_loop; -1: it did not run */
	int unflushed;	 /* events written since the last flush */
	/* gen --teacher-force (#25 level c): the source's sequences, the pass
	 */
	struct tfsrc tfs;
	struct tfpass tfp;
} G = {
    .bench_latency = -1,
    .loop_cpu = -1,
    .srv = {.kind = SRV_UNKNOWN, .ctx = -1},
};

/* ---- options ------------------------------------------------------- */

static void usage(int code)
{
	diag_usage(code, tool_synopsis, tool_help); /* both from docs/gen.md */
}

static void add_label(char *kv)
{
	char *eq = strchr(kv, '=');

	if (eq == NULL || eq == kv)
		diag_die(EXIT_USAGE, "-l %s: want key=value", kv);
	if (opt.n_labels == MAX_LABELS)
		diag_die(EXIT_USAGE, "more than %d labels", MAX_LABELS);
	*eq = '\0';
	opt.labels[opt.n_labels][0] = kv;
	opt.labels[opt.n_labels][1] = eq + 1;
	opt.n_labels++;
}

static void set_kind(const char *spec)
{
	char why[300];

	if (runkind_parse(spec, &opt.kind, why, sizeof why) != 0)
		diag_die(EXIT_USAGE, "--kind %s: %s", spec, why);
}

/* --bench TEST: llama-bench's name of a test (pp512, tg128, pp512@d4096
 * or "pp512 @ d4096") as the kind bench,test=pp,n=512,depth=4096. */
static void set_bench(const char *v)
{
	char t[3] = "", spec[160], rest[8] = "";
	long n = 0, d = 0;
	int got = sscanf(v, "%2[ptg]%ld @ d%ld%7s", t, &n, &d, rest);

	if (got < 2 || (strcmp(t, "pp") && strcmp(t, "tg")) || rest[0] ||
	    (got == 2 && strchr(v, '@')))
		diag_die(EXIT_USAGE,
			 "--bench %s: want ppN or tgN, then @dDEPTH "
			 "(pp512, tg128, pp512@d4096)",
			 v);
	snprintf(spec, sizeof spec, "bench,test=%s,n=%ld,depth=%ld", t, n, d);
	set_kind(spec);
}

static enum srv_kind parse_server(const char *s)
{
	int k = probe_kind_of(s);

	if (k >= 0)
		return (enum srv_kind)k;
	diag_die(EXIT_USAGE,
		 "--server %s: want auto, lmstudio, llamacpp, "
		 "ollama, mlx, vllm, openai or llmsim",
		 s);
}

/* -u or $OPENAI_BASE_URL (source names which); the reason for a refusal
 * never repeats the URL, which may hold a password. */
static void set_base_url(const char *u, const char *source)
{
	char why[200];

	if (endpoint_url(u, opt.base, sizeof opt.base, why, sizeof why) != 0)
		diag_die(EXIT_USAGE, "%s: %s", source, why);
}

enum {
	O_MODEL_ID = 256,
	O_API,
	O_RATE,
	O_BURST,
	O_CONST,
	O_WARMUP,
	O_MAXTOK,
	O_IGNORE_EOS,
	O_TEMP,
	O_SEED,
	O_DURATION,
	O_REQUESTS,
	O_TCONN,
	O_TFIRST,
	O_TIDLE,
	O_TTOTAL,
	O_NO_BUST,
	O_SERVER,
	O_NO_TEXT,
	O_KEYFILE,
	O_LOAD,
	O_LOAD_ONLY,
	O_PROGRESS,
	O_NO_PROGRESS,
	O_ONLY,
	O_LOAD_CMD,
	O_LOAD_HEALTH,
	O_LOAD_SINCE,
	O_PRINT_CLOCK,
	O_NO_WAIT,
	O_LOAD_PID,
	O_LIST_PROMPTS,
	O_SHUFFLE,
	O_NO_SOPTS,
	O_NO_CHECK_MODEL,
	O_KIND,
	O_BENCH,
	O_PROMPT_TOKENS,
	O_LOGPROBS,
	O_TOKEN_IDS,
	O_TEACHER_FORCE,
	O_TF_BATCH,
	O_TRANSPORT,
	O_READ_WINDOW
};

static const struct option longopts[] = {
    {"model", 1, 0, 'm'},
    {"model-id", 1, 0, O_MODEL_ID},
    {"base-url", 1, 0, 'u'},
    {"api", 1, 0, O_API},
    {"concurrency", 1, 0, 'c'},
    {"rate", 1, 0, O_RATE},
    {"burstiness", 1, 0, O_BURST},
    {"constant", 0, 0, O_CONST},
    {"repetitions", 1, 0, 'n'},
    {"warmup", 1, 0, O_WARMUP},
    {"max-tokens", 1, 0, O_MAXTOK},
    {"ignore-eos", 0, 0, O_IGNORE_EOS},
    {"temperature", 1, 0, O_TEMP},
    {"seed", 1, 0, O_SEED},
    {"duration", 1, 0, O_DURATION},
    {"requests", 1, 0, O_REQUESTS},
    {"timeout-connect", 1, 0, O_TCONN},
    {"transport", 1, 0, O_TRANSPORT},
    {"read-window", 1, 0, O_READ_WINDOW},
    {"timeout-first", 1, 0, O_TFIRST},
    {"timeout-idle", 1, 0, O_TIDLE},
    {"timeout-total", 1, 0, O_TTOTAL},
    {"label", 1, 0, 'l'},
    {"no-cache-bust", 0, 0, O_NO_BUST},
    {"server", 1, 0, O_SERVER},
    {"no-text", 0, 0, O_NO_TEXT},
    {"api-key-file", 1, 0, O_KEYFILE},
    {"prompts", 1, 0, 'p'},
    {"load", 0, 0, O_LOAD},
    {"load-only", 0, 0, O_LOAD_ONLY},
    {"progress", 0, 0, O_PROGRESS},
    {"no-progress", 0, 0, O_NO_PROGRESS},
    {"only", 1, 0, O_ONLY},
    {"load-cmd", 1, 0, O_LOAD_CMD},
    {"load-health", 0, 0, O_LOAD_HEALTH},
    {"load-since", 1, 0, O_LOAD_SINCE},
    {"print-clock", 0, 0, O_PRINT_CLOCK},
    {"no-wait", 0, 0, O_NO_WAIT},
    {"load-pid", 1, 0, O_LOAD_PID},
    {"list-prompts", 0, 0, O_LIST_PROMPTS},
    {"shuffle", 0, 0, O_SHUFFLE},
    {"no-stream-options", 0, 0, O_NO_SOPTS},
    {"no-check-model", 0, 0, O_NO_CHECK_MODEL},
    {"kind", 1, 0, O_KIND},
    {"bench", 1, 0, O_BENCH},
    {"prompt-tokens", 1, 0, O_PROMPT_TOKENS},
    {"logprobs", 1, 0, O_LOGPROBS},
    {"token-ids", 0, 0, O_TOKEN_IDS},
    {"teacher-force", 1, 0, O_TEACHER_FORCE},
    {"tf-batch", 1, 0, O_TF_BATCH},
    {"help", 0, 0, 'h'},
    {"version", 0, 0, 'V'},
    {0, 0, 0, 0}};

/* The options of what is sent: the model, the server, the load shape, each
 * request.  Returns 1 when c is one of them, else 0. */
static int parse_request_opt(int c, char *v)
{
	switch (c) {
	case 'm': opt.label = v; break;
	case O_MODEL_ID: opt.model_id = v; break;
	case 'u': set_base_url(v, "-u"); break;
	case O_API:
		if (strcmp(v, "chat") && strcmp(v, "completions") &&
		    strcmp(v, "ollama"))
			diag_die(EXIT_USAGE,
				 "--api %s: want chat, completions or ollama",
				 v);
		opt.api = !strcmp(v, "chat")	 ? API_CHAT
			  : !strcmp(v, "ollama") ? API_OLLAMA
						 : API_COMPLETIONS;
		break;
	case 'c':
		opt.conc = (long)args_int("-c", v, 1, 100000);
		opt.conc_set = 1;
		break;
	case O_RATE: opt.rate = args_real("--rate", v, 1e-6, 1e6); break;
	case O_BURST:
		opt.burstiness = args_real("--burstiness", v, 1e-3, 1e3);
		break;
	case O_CONST: opt.constant = 1; break;
	case 'n':
		opt.reps = (long)args_int("-n", v, 1, 100000000);
		opt.reps_set = 1;
		break;
	case O_WARMUP:
		opt.warmup = (long)args_int("--warmup", v, 0, 1000000);
		opt.warmup_set = 1;
		break;
	case O_MAXTOK:
		opt.max_tokens =
		    (long)args_int("--max-tokens", v, 1, 100000000);
		break;
	case O_IGNORE_EOS: opt.ignore_eos = 1; break;
	case O_TEMP:
		opt.temperature = args_real("--temperature", v, 0, 10);
		break;
	case O_SEED:
		opt.seed = (long)args_int("--seed", v, 0, 2147483647L);
		break;
	case O_DURATION: opt.duration = args_duration("--duration", v); break;
	case O_REQUESTS:
		opt.requests = (long)args_int("--requests", v, 1, 1000000000L);
		break;
	case O_TCONN:
		opt.t_connect = args_duration("--timeout-connect", v);
		break;
	case O_TFIRST: opt.t_first = args_duration("--timeout-first", v); break;
	case O_TIDLE: opt.t_idle = args_duration("--timeout-idle", v); break;
	case O_TTOTAL: opt.t_total = args_duration("--timeout-total", v); break;
	case O_TRANSPORT:
		if (strcmp(v, "auto") == 0)
			opt.transport = TR_AUTO;
		else if (strcmp(v, "builtin") == 0)
			opt.transport = TR_BUILTIN;
		else if (strcmp(v, "curl") == 0)
			opt.transport = TR_CURL;
		else
			diag_die(EXIT_USAGE,
				 "--transport: %s is not auto, builtin or "
				 "curl",
				 v);
		break;
	case O_READ_WINDOW:
		opt.read_window = args_duration("--read-window", v);
		if (opt.read_window > 0.01)
			diag_die(EXIT_USAGE,
				 "--read-window: %s is over 10ms (a window "
				 "is at most a quarter of the gaps between "
				 "a stream's chunks)",
				 v);
		break;
	default: return 0;
	}
	return 1;
}

static void parse_opt(int c, char *v)
{
	if (parse_request_opt(c, v))
		return;
	switch (c) {
	case 'l': add_label(v); break;
	case O_NO_BUST: opt.cache_bust = 0; break;
	case O_SERVER: opt.server = parse_server(v); break;
	case O_NO_TEXT: opt.keep_text = 0; break;
	case O_KEYFILE: opt.api_key_file = v; break;
	case 'p': opt.prompts = v; break;
	case O_LOAD: opt.load = 1; break;
	case O_LOAD_ONLY: opt.load = opt.load_only = 1; break;
	case O_PROGRESS: opt.progress = 1; break;
	case O_NO_PROGRESS: opt.progress = 0; break;
	case O_ONLY: opt.only = v; break;
	case O_LOAD_CMD:
		opt.load_cmd = v;
		opt.load = 1;
		break;
	case O_LOAD_HEALTH: opt.load_health = opt.load = 1; break;
	case O_NO_WAIT: opt.no_wait = 1; break;
	case O_LOAD_PID:
		opt.load_pid = (long)args_int("--load-pid", v, 1, 2147483647);
		break;
	case O_LOAD_SINCE:
		opt.load_since = args_real("--load-since", v, 1, 1e11);
		break;
	case O_LIST_PROMPTS: opt.list_prompts = 1; break;
	case O_SHUFFLE: opt.shuffle = 1; break;
	case O_NO_SOPTS: opt.no_sopts = 1; break;
	case O_NO_CHECK_MODEL: opt.no_check_model = 1; break;
	case O_KIND: set_kind(v); break;
	case O_BENCH: set_bench(v); break;
	case O_PROMPT_TOKENS:
		opt.prompt_tokens =
		    (long)args_int("--prompt-tokens", v, 1, 100000000);
		break;
	case O_LOGPROBS: /* 1-20 but with --teacher-force (parse_args) */
		opt.logprobs = (int)args_int("--logprobs", v, 1, 1000000);
		break;
	case O_TOKEN_IDS: opt.token_ids = 1; break;
	case O_TEACHER_FORCE: opt.tf_src = v; break;
	case O_TF_BATCH:
		opt.tf_batch = (int)args_int("--tf-batch", v, 1, 100000);
		break;
	case O_PRINT_CLOCK: /* for scripts: the shared base's now, then exit */
		printf("%.6f\n", clock_now());
		exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME);
	case 'h': usage(EXIT_OK); break;
	case 'V': diag_version(TB_VERSION);
	default: usage(EXIT_USAGE);
	}
}

/* A bench run measures one request at a time, llama-bench's repetitions
 * (5) after one warm-up, the test's tokens sent and asked for. */
static void bench_defaults(void)
{
	if (opt.conc > 1 || opt.rate > 0 || opt.requests || opt.duration > 0)
		diag_die(EXIT_USAGE,
			 "--bench: one request at a time, -n times; "
			 "not with -c, --rate, --requests or --duration");
	if (!opt.reps_set)
		opt.reps = 5;
	if (!opt.warmup_set)
		opt.warmup = 1;
	opt.max_tokens = opt.kind.test == RK_PP ? 1 : opt.kind.n;
	opt.ignore_eos = 1;
}

/* A teacher-forced pass feeds each sequence of its source once, one
 * request at a time: no load shape applies. */
static void tf_defaults(void)
{
	if (opt.conc > 1 || opt.rate > 0 || opt.requests || opt.duration > 0 ||
	    opt.reps_set || opt.warmup || opt.kind.name != RK_STANDARD ||
	    opt.api == API_OLLAMA || opt.load)
		diag_die(EXIT_USAGE,
			 "--teacher-force: each sequence of the run once, one "
			 "request at a time; not with -c, --rate, --requests, "
			 "--duration, -n, --warmup, --kind, --bench, --load or "
			 "--api ollama");
	if (opt.logprobs == 0)
		opt.logprobs = 20;
}

static void parse_args(int argc, char **argv)
{
	const char *env = getenv("OPENAI_BASE_URL");
	int c;

	if (env != NULL && *env != '\0')
		set_base_url(env, "$OPENAI_BASE_URL");
	while ((c = getopt_long(argc, argv, "m:u:c:n:l:p:h", longopts, NULL)) !=
	       -1)
		parse_opt(c, optarg);
	if (optind != argc)
		usage(EXIT_USAGE);
	if (opt.constant && opt.rate == 0)
		diag_die(EXIT_USAGE, "--constant needs --rate");
	if (opt.model_id == NULL)
		opt.model_id = opt.label;
	G.send_id = opt.model_id;
	if (opt.progress < 0)
		opt.progress = isatty(2);
	if ((opt.kind.name == RK_BENCH || opt.prompt_tokens) &&
	    opt.api == API_OLLAMA)
		diag_die(EXIT_USAGE,
			 "--%s: with --api chat or completions (the count "
			 "is the server's, by its tokenizer or usage)",
			 opt.prompt_tokens ? "prompt-tokens" : "bench");
	if (opt.kind.name == RK_BENCH && opt.prompt_tokens)
		diag_die(EXIT_USAGE,
			 "--prompt-tokens: not with --bench, whose test "
			 "says its tokens");
	if (opt.kind.name ==
	    RK_BENCH) /* llama-bench's defaults: 5 after a warm-up */
		bench_defaults();
	if (opt.tf_src == NULL && opt.tf_batch > 0)
		diag_die(EXIT_USAGE, "--tf-batch: only with --teacher-force");
	if (opt.token_ids && (opt.logprobs == 0 || opt.tf_src != NULL))
		diag_die(EXIT_USAGE, "--token-ids: only with --logprobs, "
				     "not with --teacher-force");
	if (opt.tf_src != NULL)
		tf_defaults();
	else if (opt.logprobs > 20)
		diag_die(EXIT_USAGE,
			 "--logprobs %d: at most 20 (OpenAI's top_logprobs "
			 "limit), but with --teacher-force",
			 opt.logprobs);
}

/* The API key: --api-key-file's first line, else $OPENAI_API_KEY.  It is
 * only ever put in the Authorization header. */
static void read_api_key(void)
{
	const char *env = getenv("OPENAI_API_KEY"), *key = env, *src;
	char why[160], *text = NULL;
	size_t len;

	src = "$OPENAI_API_KEY";
	if (opt.api_key_file != NULL) {
		text = fileio_slurp(opt.api_key_file, 64 * 1024, &len);
		if (text == NULL)
			diag_die(EXIT_RUNTIME, "%s: %s", opt.api_key_file,
				 strerror(errno));
		key = endpoint_key_line(text);
		src = opt.api_key_file;
	}
	/* Every source is checked alike, and the key is never printed. */
	if (key != NULL && (opt.api_key_file != NULL || *key != '\0') &&
	    endpoint_key_check(key, sizeof G.api_key - 1, why, sizeof why) !=
		0) {
		free(text);
		diag_die(EXIT_RUNTIME, "%s: %s", src, why);
	}
	if (key != NULL)
		snprintf(G.api_key, sizeof G.api_key, "%s", key);
	free(text);
}

/* ---- prompts ----------------------------------------------------------- */

static void load_prompts(void)
{
	char err[256];
	size_t len;
	char *text = fileio_slurp(opt.prompts, (size_t)1 << 30, &len);
	const char *name = strcmp(opt.prompts, "-") ? opt.prompts : "<stdin>";

	if (text == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", name, strerror(errno));
	int rc = prompts_parse(text, len, &G.prompts, err, sizeof err);
	free(text);
	if (rc != 0)
		diag_die(EXIT_RUNTIME, "%s:%s%s", name,
			 err[0] >= '0' && err[0] <= '9' ? "" : " ", err);
	if (opt.only &&
	    prompts_only(&G.prompts, opt.only, err, sizeof err) != 0)
		diag_die(EXIT_USAGE, "--only: %s has %s", name, err);
	if (prompts_synthesize(&G.prompts, err, sizeof err) != 0)
		diag_die(EXIT_RUNTIME, "%s: %s", name, err);
	if (opt.prompt_tokens == 0)
		return;
	if (G.prompts.n != 1)
		diag_die(EXIT_USAGE,
			 "--prompt-tokens: %s has %d prompts; one is brought "
			 "to a count (--only NAME)",
			 name, G.prompts.n);
	if (prompts_last_text(&G.prompts.v[0]) == NULL)
		diag_die(EXIT_RUNTIME,
			 "%s: prompt \"%s\": the last message has no text to "
			 "put the filler before",
			 name, G.prompts.v[0].name);
	G.count_base = diag_xstrdup(prompts_last_text(&G.prompts.v[0]));
}

/* ---- request bodies ---------------------------------------------------- */

/* A run whose prompt is brought to an exact count (gen --bench,
 * --prompt-tokens). */
static int counted(void)
{
	return opt.kind.name == RK_BENCH || opt.prompt_tokens > 0;
}

/* The body of request id asking for max_tokens (0: the run's): its nonce
 * busts the prefix cache, and llama-server (and llmsim) are also told not
 * to cache. */
static char *build_body_max(const struct prompt *p, long id, long max_tokens)
{
	char nonce[96];
	char *body;
	struct reqbody_opts o = {
	    .chat = opt.api != API_COMPLETIONS,
	    .ollama = opt.api == API_OLLAMA,
	    .model = G.send_id,
	    .max_tokens = max_tokens ? max_tokens : opt.max_tokens,
	    .temperature = opt.temperature,
	    .seed = opt.seed,
	    .ignore_eos = opt.ignore_eos,
	    .min_tokens = G.srv.kind == SRV_VLLM,
	    .no_cache_prompt = opt.cache_bust && (G.srv.kind == SRV_LLAMACPP ||
						  G.srv.kind == SRV_LLMSIM),
	    .nonce = opt.cache_bust ? nonce : NULL,
	    .no_stream_options = opt.no_sopts,
	    .logprobs = opt.logprobs,
	    .token_ids = opt.token_ids && G.srv.kind == SRV_VLLM};

	/* a counted run's nonce is of one width, so that every request's
	 * prompt is as many tokens as the one counted */
	snprintf(nonce, sizeof nonce, counted() ? "[%s-%06ld] " : "[%s-%ld] ",
		 G.run_id, id);
	body = reqbody_build(p, &o);
	if (body == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	return body;
}

static char *build_body(const struct prompt *p, long id)
{
	return build_body_max(p, id, 0);
}

/* ---- exact counts: gen --bench and --prompt-tokens -------------------- */

/* A bench run's one prompt, its text written by count_set_prompt. */
static void bench_make_prompt(void)
{
	char name[64], err[256];
	jw j;

	runkind_test_name(&opt.kind, name, sizeof name);
	jw_init(&j);
	jw_obj_open(&j, NULL);
	jw_obj_open(&j, name);
	jw_str(&j, "prompt", "");
	jw_int(&j, "max_tokens", opt.max_tokens);
	jw_str(&j, "category", "bench");
	jw_obj_close(&j);
	jw_obj_close(&j);
	if (j.oom || prompts_parse(jw_cstr(&j), strlen(jw_cstr(&j)), &G.prompts,
				   err, sizeof err) != 0)
		diag_die(EXIT_RUNTIME, "--bench: %s",
			 j.oom ? "out of memory" : err);
	jw_free(&j);
	G.count_base = diag_xstrdup("");
}

/* The run's one prompt: units of filler, then a blank line and the
 * prompt's own text (none for a bench run). */
static void count_set_prompt(long units)
{
	char err[256], *fill = tokcal_filler(units), *text;
	size_t n;

	if (fill == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	n = strlen(fill) + strlen(G.count_base) + 3;
	text = diag_xrealloc(NULL, n);
	snprintf(text, n, "%s%s%s", fill, G.count_base[0] ? "\n\n" : "",
		 G.count_base);
	free(fill);
	if (prompts_set_text(&G.prompts.v[0], text, err, sizeof err) != 0)
		diag_die(EXIT_RUNTIME, "%s", err);
	free(text);
}

/* tokcal's body: the prompt at units, asking for one token. */
static char *count_body(long units, void *ctx)
{
	(void)ctx;
	count_set_prompt(units);
	return build_body_max(&G.prompts.v[0], 999999, 1);
}

static int count_stopped(void)
{
	return sigstop_caught() != 0;
}

/* The prompt's tokens a counted run asks for: a bench test's depth and
 * its prompt, or --prompt-tokens. */
static long count_target(void)
{
	if (opt.prompt_tokens)
		return opt.prompt_tokens;
	return opt.kind.depth + (opt.kind.test == RK_PP ? opt.kind.n : 0);
}

/* Brings the prompt to target tokens by the server's own count (its
 * tokenizer where it has one, else usage.prompt_tokens of the very
 * request gen sends, template and nonce included): src/gen/tokcal,
 * docs/metrics.md.  0 exact, else -1 with G.count.why. */
static int count_bring(long target)
{
	long out = reqbody_max_tokens(&G.prompts.v[0], opt.max_tokens);
	struct tokcal_how how = {.url = G.endpoint,
				 .root = G.srv.kind == SRV_LLAMACPP ||
						 G.srv.kind == SRV_LLMSIM
					     ? G.prb.root
					     : NULL,
				 .api_key = G.api_key,
				 .chat = opt.api == API_CHAT,
				 .timeout = opt.t_first,
				 .body = count_body,
				 .stopped = count_stopped};

	if (G.srv.ctx > 0 && target + out > G.srv.ctx) {
		memset(&G.count, 0, sizeof G.count);
		G.count.target = target;
		snprintf(G.count.why, sizeof G.count.why,
			 "%ld tokens of prompt and %ld of output are beyond "
			 "the context the server has loaded (%ld)",
			 target, out, G.srv.ctx);
		return -1;
	}
	return tokcal_bring(&how, target, &G.count);
}

/* Before the run event: a bench run's request latency, and the prompt's
 * tokens.  A bench test that cannot be brought to its count stops gen
 * before any event; a --prompt-tokens run is written with why, and
 * nothing is sent. */
static void count_prepare(void)
{
	char url[1100], what[600];
	long target = count_target();

	if (!counted() || opt.load_only || G.load_failed || G.wrong_model[0])
		return;
	if (opt.kind.name == RK_BENCH) {
		snprintf(url, sizeof url, "%s/models", opt.base);
		G.bench_latency = tokcal_latency(url, G.api_key, 3);
	}
	if (target == 0) { /* tg at depth 0: the smallest prompt, as it comes */
		count_set_prompt(1);
		return;
	}
	if (count_bring(target) == 0) {
		/* llama-bench's warm-up run is the test's prompt and one
		 * token: a count by usage has just sent that very request */
		if (opt.kind.name == RK_BENCH &&
		    G.count.method == TOKCAL_USAGE && !opt.warmup_set) {
			opt.warmup = 0;
			pace_set_warmup(&G.pace, 0);
			G.count_warmup = 1;
		}
		return;
	}
	if (G.count.method == TOKCAL_NONE) /* refused before any count */
		snprintf(what, sizeof what, "%s", G.count.why);
	else
		snprintf(what, sizeof what,
			 "the prompt was not brought to %ld tokens by the "
			 "server's count (%s): %s",
			 target, tokcal_method_name(G.count.method),
			 G.count.why);
	if (opt.kind.name == RK_BENCH)
		diag_die(EXIT_RUNTIME, "--bench %s: %s; no figure is made",
			 G.prompts.v[0].name, what);
	diag_warn("--prompt-tokens %ld: %s; nothing is sent", target, what);
	G.count_failed = 1;
}

/* config.bench (the latency) and config.prompt_count (how the prompt was
 * counted). */
static void count_write_config(void)
{
	if (opt.kind.name == RK_BENCH) {
		jw_obj_open(&G.ew, "bench");
		if (G.bench_latency >= 0)
			jw_num(&G.ew, "latency_s", G.bench_latency, 6);
		else
			jw_null(&G.ew, "latency_s");
		jw_obj_close(&G.ew);
	}
	if (!counted())
		return;
	jw_obj_open(&G.ew, "prompt_count");
	jw_int(&G.ew, "target", G.count.target);
	jw_str(&G.ew, "method", tokcal_method_name(G.count.method));
	jw_int(&G.ew, "requests", G.count.requests);
	if (G.count.target > 0)
		jw_bool(&G.ew, "exact", G.count.exact);
	if (G.count_warmup)
		jw_bool(&G.ew, "warmup", 1);
	if (G.count.target > 0 && !G.count.exact)
		jw_str(&G.ew, "why", G.count.why);
	jw_obj_close(&G.ew);
}

/* ---- events -------------------------------------------------------------- */

/* Writes the event in ew to stdout.  A write error (a closed pipe, a full
 * disk) ends the run: measuring on without recording would lose data. */
static void emit(void)
{
	G.unflushed = 1;
	if (jw_emit(&G.ew, stdout, 0) != 0) {
		int e = errno;
		diag_die(EXIT_RUNTIME, "stdout: write error: %s", strerror(e));
	}
}

static void ev_open(const char *type, int64_t mono)
{
	jw_obj_open(&G.ew, NULL);
	jw_str(&G.ew, "ev", type);
	jw_time(&G.ew, "t", clock_to_shared_ns(mono));
}

/* src/gen/resp's callback: a token-bearing chunk was decoded. */
static void on_tok(void *ctx, enum resp_ch ch, size_t bytes)
{
	struct xfer *x = ctx;

	char line[EVLINE_TOK_MAX];
	size_t n;

	G.out_tokens += ch == RESP_CONTENT;
	if (G.use_h1 && (ch == RESP_CONTENT || ch == RESP_REASONING))
		rdwin_chunk(&G.rw, &x->rws, x->r.m_now); /* its counts: h1's */
	/* the line ev_open, jw_int, jw_str and jw_int would build (evline.h) */
	n = evline_tok(line, clock_to_shared_ns(x->r.m_now), x->id,
		       resp_ch_name(ch), (long long)bytes);
	G.unflushed = 1;
	if (fwrite(line, 1, n, stdout) != n) {
		int e = errno;
		diag_die(EXIT_RUNTIME, "stdout: write error: %s", strerror(e));
	}
}

/* A request's req event, when its first bytes went (xfer's on_sent), or
 * at its end if they never did (the time it started). */
static void emit_req(struct xfer *x)
{
	if (x->req_out)
		return;
	x->req_out = 1;
	ev_open("req", x->m_send != 0 ? x->m_send : x->m_start);
	xfer_write_req(
	    &G.ew, x, &G.prompts.v[x->prompt],
	    reqbody_max_tokens(&G.prompts.v[x->prompt], opt.max_tokens));
	jw_obj_close(&G.ew);
	emit();
}

static void emit_done(const struct xfer *x, int64_t m_end)
{
	static int told;

	ev_open("done", m_end);
	xfer_write_done(&G.ew, x);
	jw_obj_close(&G.ew);
	emit();
	/* Ollama loads a model at its first request and unloads one idle for
	 * keep_alive (v0.33 envconfig: 5 minutes by default) */
	if (x->r.load_s > 1 && !x->warmup && !told++)
		diag_warn(
		    "request %ld waited %.1f s for Ollama to load its model "
		    "(it loads at the first request and unloads one idle for "
		    "keep_alive, 5 min by default): its TTFT includes the "
		    "load; "
		    "load first (gen --load) and set OLLAMA_KEEP_ALIVE=-1 on "
		    "the "
		    "server for a study",
		    x->id, x->r.load_s);
}

/* Takes an ended transfer off the list and the multi handle; frees it. */
static void xfer_release(struct xfer *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else if (G.flight_head == x)
		G.flight_head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	xfer_stop(x, G.multi);
	xfer_free(x);
}

/* Counts an ended transfer; src/gen/pace backs off after a connection
 * failure and gives up when nothing ever answers (docs/gen.md). */
static void count_end(const struct xfer *x, int64_t m_end)
{
	pace_end(&G.pace, x->warmup, x->r.status == FMT_ST_CONNECT,
		 x->r.headers_done, m_end);
	if (!x->warmup) {
		G.n_status[x->r.status]++;
		if (x->r.status != FMT_ST_OK &&
		    G.first_err[x->r.status][0] == '\0')
			snprintf(G.first_err[x->r.status],
				 sizeof G.first_err[0], "%s", x->r.err);
		G.finished++;
		if (x->r.status == FMT_ST_ABORTED)
			G.aborted_n++;
		else if (x->r.status != FMT_ST_OK)
			G.failed++;
	}
}

/* The transfer is over, its parser flushed: record, release. */
static void xfer_over(struct xfer *x, int64_t m_end)
{
	emit_req(x); /* if nothing was ever sent */
	emit_done(x, m_end);
	count_end(x, m_end);
	xfer_release(x);
}

/* Ends a transfer early (a timeout, a signal). */
static void xfer_cut(struct xfer *x, enum formats_status st,
		     enum formats_timeout kind, const char *msg)
{
	int64_t now = clock_mono_ns();

	x->r.timeout_kind = kind;
	resp_fail(&x->r, st, "%s", msg);
	xfer_finish(x, RT_OK, "", 0, now); /* xfer_over stops its transport */
	xfer_over(x, now);
}

/* A request's own timeouts (--timeout-first, -idle, -total). */
static struct resp_limits limits(void)
{
	return (struct resp_limits){opt.t_first, opt.t_idle, opt.t_total};
}

/* Cuts a transfer past one of its timeouts (src/gen/resp decides which);
 * else returns when it could next be past one (INT64_MAX: never). */
static int64_t check_timeouts(struct xfer *x, int64_t now)
{
	struct resp_limits lim = limits();
	char msg[96];
	enum formats_timeout to = resp_overdue(
	    &x->r, &lim, x->m_start, x->m_last_byte, now, msg, sizeof msg);

	if (to == FMT_TO_OTHER)
		return resp_due(&x->r, &lim, x->m_start, x->m_last_byte, now);
	xfer_cut(x, FMT_ST_TIMEOUT, to, msg);
	return INT64_MAX;
}

/* Cuts what is past a timeout (or everything: abort_all); returns when
 * the next of the rest could be. */
static int64_t scan_in_flight(int64_t now, int abort_all)
{
	struct xfer *x = G.flight_head, *next;
	int64_t due = INT64_MAX, d;

	for (; x != NULL; x = next) {
		next = x->next; /* x may be freed below */
		if (abort_all)
			xfer_cut(x, FMT_ST_ABORTED, FMT_TO_OTHER,
				 "aborted by a signal");
		else if ((d = check_timeouts(x, now)) < due)
			due = d;
	}
	return due;
}

/* The tick: one timer for the timeouts, the progress line and the
 * flush, armed for the earliest of them (a scan of every request in
 * flight every 10 ms cost a wake-up per 10 ms at one stream and 100,000
 * checks a second at 1,000), and moved as they change: a flush done
 * before it was due takes its time away, so a stream that flows never
 * wakes the loop for one. */
static void tick_rearm(int64_t now)
{
	int64_t at = G.due_timeout;

	if (G.due_progress < at)
		at = G.due_progress;
	if (G.due_flush < at)
		at = G.due_flush;
	if (at == G.tick_at || (at == INT64_MAX && G.tick_at == 0))
		return;
	G.tick_at = at == INT64_MAX ? 0 : at;
	(void)dtimer_at(G.tick, G.tick_at, now);
}

/* ---- launching ------------------------------------------------------- */

static void launch(int prompt, long rep, int warmup, int64_t sched)
{
	struct resp_limits lim = limits();
	struct xfer *x;
	int64_t due;

	++G.next_id;
	if ((x = xfer_new(&G.xconf, G.next_id,
			  build_body(&G.prompts.v[prompt], G.next_id))) == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	x->prompt = prompt;
	x->rep = (int)rep;
	x->warmup = warmup;
	x->m_sched = sched;
	x->m_start = clock_mono_ns();
	/* its req event is written when its first bytes go (xfer's on_sent),
	 * here at once on a kept connection or a loopback one */
	if (xfer_start(x, G.multi) != 0)
		diag_die(EXIT_RUNTIME,
			 "cannot start a request (out of memory)");
	/* its first possible timeout (resp_due, before any byte) */
	due = resp_due(&x->r, &lim, x->m_start, 0, x->m_start);
	if (due < G.due_timeout) {
		G.due_timeout = due;
		tick_rearm(x->m_start);
	}
	x->next = G.flight_head;
	if (G.flight_head)
		G.flight_head->prev = x;
	G.flight_head = x;
}

/* Starts in one turn of the loop: the rest wait for the next, after the
 * reads that are ready.  Many starts at once (64 streams of a closed loop,
 * a burst) otherwise held every answer already there unread until the
 * last was sent: a stream's first chunk then came in one read with its
 * second and took its time (docs/perf.md).  A count, not a time: which
 * requests go in one turn must not depend on the machine's load (a first
 * start that resolves the host can take milliseconds). */
#define LAUNCH_MAX 8

/* Starts what the load shape says is due now, LAUNCH_MAX at most;
 * returns 1 when it stopped there (more may be due). */
static int launch_due(int64_t now)
{
	struct pace_launch l;
	int n = 0;

	while (pace_next(&G.pace, now, &l)) {
		launch(l.prompt, l.rep, l.warmup, l.m_sched);
		if (++n == LAUNCH_MAX)
			return 1;
	}
	return 0;
}

/* ---- the loop ------------------------------------------------------- */

/* src/gen/evcurl's callback: a transfer finished. */
static void on_done(void *ctx, CURL *easy, CURLcode result)
{
	struct xfer *x;

	(void)ctx;
	int64_t now = clock_mono_ns();

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
	xfer_classify(x, result, now);
	xfer_over(x, now);
}

/* The progress line, at most every 500 ms; returns when the next is due
 * (INT64_MAX: never). */
static int64_t progress(int64_t now, int final)
{
	static int64_t last;
	double el = (double)(now - G.m_start) / 1e9;

	if (!opt.progress)
		return INT64_MAX;
	if (!final && now - last < 500000000)
		return last + 500000000;
	last = now;
	fprintf(stderr,
		"\rgen: %ld done, %ld in flight, %ld failed, "
		"%.1f content chunks/s   %s",
		G.finished, G.pace.in_flight, G.failed + G.aborted_n,
		el > 0 ? G.out_tokens / el : 0.0, final ? "\n" : "");
	return now + 500000000;
}

/* The tick (tick_rearm): the first-token, idle and total timeouts, and
 * progress; the loop flushes when it regains control. */
static void on_tick(void *arg)
{
	int64_t now = clock_mono_ns();

	(void)arg;
	G.tick_at = 0;
	G.due_timeout = scan_in_flight(now, 0);
	G.due_progress = progress(now, 0);
	tick_rearm(now);
}

/* A stop signal arrived (lib/sigstop's pipe): leave the loop. */
static void on_sig_pipe(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sigstop_drain();
	event_base_loopbreak(G.evbase);
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg; /* the loop launches what is due when it regains control */
}

static void loop_setup(void)
{
	struct event_config *cfg = event_config_new();

	/* Precise timers in an open loop, whose arrivals are due at exact
	 * times: libevent otherwise reads a coarse clock (4 ms steps) and
	 * sleeps in whole milliseconds.  A closed loop starts requests as
	 * others end, and its timers (the connect and request timeouts, the
	 * flush) need no better; there the precise timer would cost a
	 * timerfd_settime call on every wake-up (libevent 2.1's epoll.c),
	 * one syscall in five per event at one stream.  Arrival times are
	 * read from clock_mono_ns either way, never from libevent's clock. */
	if (opt.rate > 0)
		event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	G.evbase = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (G.evbase == NULL)
		diag_die(EXIT_RUNTIME, "cannot set up the event loop");
	G.ec = evcurl_new(G.evbase, G.multi, &G.m_wake, on_done, NULL);
	G.xconf.wake = &G.m_wake;
	if (G.use_h1 && (G.h1 = h1_new(G.evbase, G.endpoint, opt.t_connect,
				       opt.conc + 16, &G.m_wake)) == NULL)
		diag_die(EXIT_RUNTIME, "cannot set up the event loop");
	G.xconf.h1 = G.h1;
	G.xconf.on_end = xfer_over;
	G.xconf.on_sent = emit_req;
	G.tick = dtimer_new(G.evbase, on_tick, NULL);
	G.wake = evtimer_new(G.evbase, on_wake, NULL);
	G.sig_ev = event_new(G.evbase, sigstop_fd(), EV_READ | EV_PERSIST,
			     on_sig_pipe, NULL);
	if (!G.ec || !G.tick || !G.wake || !G.sig_ev)
		diag_die(EXIT_RUNTIME, "cannot set up the event loop");
	G.tick_at = 0;
	G.due_timeout = G.due_flush = INT64_MAX;
	G.due_progress = progress(clock_mono_ns(), 0);
	tick_rearm(clock_mono_ns());
	event_add(G.sig_ev, NULL);
}

static void loop_teardown(void)
{
	evcurl_free(G.ec);
	h1_free(G.h1);
	G.h1 = G.xconf.h1 = NULL;
	dtimer_free(G.tick);
	event_free(G.wake);
	event_free(G.sig_ev);
	event_base_free(G.evbase);
}

/* Wakes the loop when the next start is due (an arrival, a back-off's end);
 * returns when (0: none). */
static int64_t arm_wake(int64_t now)
{
	int64_t at = pace_wake_at(&G.pace, now), d = at - now;
	struct timeval tv;

	if (at == 0)
		return 0;
	tv.tv_sec = (time_t)(d / 1000000000);
	tv.tv_usec = (suseconds_t)(d % 1000000000 / 1000);
	evtimer_add(G.wake, &tv);
	return at;
}

/* Events reach stdout at most this long after they were measured: a
 * write per wake-up was one syscall in five per event at one stream
 * (docs/perf.md).  A signal that stops gen ends the loop, which flushes;
 * only a kill that cannot be caught loses what is buffered. */
#define FLUSH_NS (50 * 1000000LL)

/* Flushes stdout when FLUSH_NS have passed since the last flush, or now
 * when now is 0; else has the tick come back for it. */
static void flush_some(int64_t now)
{
	static int64_t last;

	if (!G.unflushed)
		return;
	if (now != 0 && now - last < FLUSH_NS) {
		G.due_flush = last + FLUSH_NS;
		tick_rearm(now);
		return;
	}
	last = now;
	G.unflushed = 0;
	if (G.due_flush != INT64_MAX && now != 0) {
		G.due_flush = INT64_MAX;
		tick_rearm(now);
	}
	if (fflush(stdout) != 0)
		diag_die(EXIT_RUNTIME, "stdout: write error: %s",
			 strerror(errno));
}

/* The read window (rdwin.h): lets the streams' chunks gather before the
 * loop waits for them, never past a timer (a timeout, the progress line,
 * the flush, the next start, due at start_at; 0: none).  Their times are the
 * kernel's, which a window does not change. */
static int read_wait(int64_t now, int64_t start_at)
{
	int64_t w = rdwin_due(&G.rw, now, G.h1 ? h1_unstamped(G.h1) : 0);
	struct timespec ts;

	if (w <= 0)
		return 0;
	if (G.tick_at != 0 && G.tick_at - now < w)
		w = G.tick_at - now;
	if (start_at != 0 && start_at - now < w)
		w = start_at - now;
	if (w <= 0)
		return 0;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)w;
	G.rw.waits++;
	(void)nanosleep(&ts, NULL); /* a signal ends it early: the loop sees */
	return 1;
}

/* The CPU seconds (user and system) this process has used. */
static double cpu_seconds(void)
{
	struct rusage u;

	if (getrusage(RUSAGE_SELF, &u) != 0)
		return 0;
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
	       (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static void run_loop(void)
{
	double cpu0 = cpu_seconds();
	int waited = 0; /* the batch just read followed a window */

	loop_setup();
	rdwin_init(&G.rw, G.use_h1 ? (int64_t)(opt.read_window * 1e9) : 0,
		   clock_mono_ns());
	for (;;) {
		int64_t now = clock_mono_ns();
		long sent = G.next_id;
		int64_t start_at;
		int more;
		if (sigstop_caught() || G.pace.unreachable)
			break;
		more = launch_due(now);
		if (G.pace.in_flight == 0 && !pace_more(&G.pace, now))
			break;
		start_at = arm_wake(now);
		if (more) { /* the rest of the starts after this turn's reads */
			static const struct timeval zero = {0, 0};
			evtimer_add(G.wake, &zero);
			start_at = now;
		}
		/* Before the loop waits: what launch_due wrote too (a request
		 * sent at once on a kept connection may wake nothing for
		 * seconds), at most FLUSH_NS late, and when the loop ends. */
		flush_some(now);
		/* A window follows a batch the loop woke for, not one it
		 * waited a window for: where the streams' chunks come in
		 * clumps (a server's batch step) that waits for the clump's
		 * rest, and no second time for nothing until the next.  A
		 * request just started connects and sends in the loop: no
		 * window delays it. */
		waited =
		    !waited && G.next_id == sent && read_wait(now, start_at);
		/* One batch of ready events */
		G.m_wake = 0;
		event_base_loop(G.evbase, EVLOOP_ONCE);
		G.m_wake = 0;
		if (!G.use_h1) /* only libcurl's transfers end here */
			evcurl_drain(G.ec);
	}
	G.unflushed = 1;
	flush_some(0);
	if (sigstop_caught())
		scan_in_flight(0, 1);
	loop_teardown();
	G.loop_cpu = cpu_seconds() - cpu0;
}

/* ---- server detection and load ------------------------------------ */

/* Detects the server once (src/gen/probe) and warns where a choice of the
 * user's does not fit it. */
static void detect_server(void)
{
	if (G.srv_detected)
		return;
	G.srv_detected = 1;
	if (opt.server != SRV_AUTO) /* the user said which: one probe */
		probe_known(&G.prb, opt.server, &G.srv);
	else if (probe_detect(&G.prb, &G.srv) != 0 && !sigstop_caught())
		diag_warn("%s: no answer to any probe; is the server up?",
			  opt.base);
	if (opt.ignore_eos &&
	    (G.srv.kind == SRV_OLLAMA || G.srv.kind == SRV_MLX))
		diag_warn("--ignore-eos: %s has no ignore_eos (its source: "
			  "docs/servers.md); "
			  "outputs can stop early",
			  probe_kind_name(G.srv.kind));
	else if (opt.ignore_eos && G.srv.kind == SRV_LMSTUDIO)
		diag_warn("--ignore-eos: lmstudio may not support ignore_eos; "
			  "outputs "
			  "can stop early");
}

static void emit_load(void)
{
	if (!G.have_load)
		return;
	ev_open("load", G.load_res.t1);
	probe_write_load(&G.ew, &G.load_res, opt.model_id);
	jw_obj_close(&G.ew);
	emit();
}

/* A health poll is timed from the server's start (--load-since) when it
 * is known, else from gen's: timing from gen's start would leave out
 * whatever ran between the server's spawn and gen's first poll. */
static int load_by_health(void)
{
	int64_t t0 = G.m_start;

	if (opt.load_since > 0 && clock_from_shared(opt.load_since) < G.m_start)
		t0 = clock_from_shared(opt.load_since);
	return probe_load_health(&G.prb, t0, opt.t_first, (pid_t)opt.load_pid,
				 &G.load_res);
}

/* The value of label key, or NULL. */
static const char *label_of(const char *key)
{
	for (int i = 0; i < opt.n_labels; i++)
		if (strcmp(opt.labels[i][0], key) == 0)
			return opt.labels[i][1];
	return NULL;
}

/* --load-cmd, --load-health, or by the server's kind: the REST load of LM
 * Studio (and llmsim), Ollama's, else a health poll.  The kind comes from
 * the one detection, made here first when the load needs it. */
static int measure_load(void)
{
	long ctx;

	G.have_load = 1;
	if (opt.load_cmd)
		return probe_load_command(opt.load_cmd, &G.load_res);
	if (opt.load_health)
		return load_by_health();
	detect_server();
	/* the ctx label is the context asked for: a load at another would
	 * make it false (docs/gen.md, "Model identity") */
	ctx = label_of("ctx") ? ident_parse_ctx(label_of("ctx")) : -1;
	/* LM Studio loads a second instance of a model already loaded
	 * (its SDK docs): that load would time a copy beside it, and the run
	 * be refused for two loaded; said at once instead */
	if (G.srv.kind == SRV_LMSTUDIO && G.srv.instance[0]) {
		G.load_res.method = "lmstudio_api";
		G.load_res.t0 = G.load_res.t1 = clock_mono_ns();
		G.load_res.server_s = -1;
		snprintf(G.load_res.err, sizeof G.load_res.err,
			 "loaded already as instance "
			 "%.60s: a load would add a second copy; unload it "
			 "first (lms "
			 "unload --all)",
			 G.srv.instance);
		return -1;
	}
	switch (G.srv.kind) {
	case SRV_LMSTUDIO:
	case SRV_LLMSIM:
		return probe_load_api(&G.prb, 0, ctx, opt.t_first, &G.load_res);
	case SRV_OLLAMA:
		return probe_load_api(&G.prb, 1, ctx, opt.t_first, &G.load_res);
	default: return load_by_health();
	}
}

/* ---- run and end events ---------------------------------------------- */

static void write_config(void)
{
	jw_obj_open(&G.ew, "config");
	jw_int(&G.ew, "concurrency",
	       opt.rate > 0 && !opt.conc_set ? 0 : opt.conc);
	if (opt.rate > 0) {
		jw_num(&G.ew, "rate", opt.rate, 6);
		jw_str(&G.ew, "arrival",
		       opt.constant	     ? "constant"
		       : opt.burstiness == 1 ? "poisson"
					     : "gamma");
		jw_num(&G.ew, "burstiness", opt.burstiness, 3);
	}
	jw_int(&G.ew, "repetitions", opt.reps);
	jw_int(&G.ew, "warmup", opt.warmup);
	if (opt.max_tokens)
		jw_int(&G.ew, "max_tokens", opt.max_tokens);
	jw_bool(&G.ew, "ignore_eos", opt.ignore_eos);
	if (opt.temperature >= 0)
		jw_num(&G.ew, "temperature", opt.temperature, 3);
	if (opt.seed >= 0)
		jw_int(&G.ew, "seed", opt.seed);
	jw_bool(&G.ew, "cache_bust", opt.cache_bust);
	if (opt.shuffle)
		jw_bool(&G.ew, "shuffle", 1);
	if (opt.no_sopts)
		jw_bool(&G.ew, "stream_options", 0);
	if (opt.logprobs > 0)
		jw_int(&G.ew, "logprobs", opt.logprobs);
	if (opt.token_ids)
		jw_bool(&G.ew, "token_ids", 1);
	if (opt.tf_src != NULL) {
		jw_obj_open(&G.ew, "teacher_force");
		jw_str(&G.ew, "source", opt.tf_src);
		jw_str(&G.ew, "source_run", G.tfs.run_id);
		jw_str(&G.ew, "source_model", G.tfs.model);
		jw_str(&G.ew, "shape", G.tfp.vllm ? "vllm" : "llamacpp");
		jw_int(&G.ew, "batch", G.tfp.vllm ? 0 : G.tfp.batch);
		jw_obj_close(&G.ew);
	}
	if (opt.duration > 0)
		jw_num(&G.ew, "duration", opt.duration, 3);
	if (opt.requests > 0)
		jw_int(&G.ew, "requests", opt.requests);
	jw_num(&G.ew, "timeout_connect", opt.t_connect, 3);
	jw_str(&G.ew, "transport", G.use_h1 ? "builtin" : "curl");
	jw_num(&G.ew, "read_window", G.use_h1 ? opt.read_window : 0, 6);
	jw_num(&G.ew, "timeout_first", opt.t_first, 3);
	jw_num(&G.ew, "timeout_idle", opt.t_idle, 3);
	jw_num(&G.ew, "timeout_total", opt.t_total, 3);
	jw_str(&G.ew, "prompts",
	       strcmp(opt.prompts, "-") ? opt.prompts : "<stdin>");
	jw_int(&G.ew, "n_prompts", G.prompts.n);
	count_write_config();
	jw_obj_close(&G.ew);
}

static void emit_run(void)
{
	int i;

	ev_open("run", G.m_start);
	jw_str(&G.ew, "format", FMT_EVENTS);
	jw_int(&G.ew, "version", FMT_EVENTS_VERSION);
	jw_str(&G.ew, "tool", "gen");
	jw_str(&G.ew, "tool_version", TB_VERSION);
	jw_str(&G.ew, "run_id", G.run_id);
	jw_str(&G.ew, "model", opt.label);
	jw_str(&G.ew, "model_id", G.send_id);
	if (strcmp(G.send_id, opt.model_id) !=
	    0) /* resolved to the loaded instance */
		jw_str(&G.ew, "model_id_asked", opt.model_id);
	jw_str(&G.ew, "base_url", opt.base);
	jw_str(&G.ew, "api",
	       opt.api == API_CHAT     ? "chat"
	       : opt.api == API_OLLAMA ? "ollama"
				       : "completions");
	write_config();
	runkind_write(&G.ew, &opt.kind);
	jw_obj_open(&G.ew, "labels");
	for (i = 0; i < opt.n_labels; i++)
		jw_str(&G.ew, opt.labels[i][0], opt.labels[i][1]);
	jw_obj_close(&G.ew);
	hostinfo_write(&G.ew);
	runenv_write(&G.ew, (const char *const *)environ); /* no credentials */
	probe_write_server(&G.ew, &G.srv);
	jw_obj_close(&G.ew);
	emit();
}

static const char *end_reason(void)
{
	if (sigstop_caught())
		return "signal";
	if (G.pace.unreachable)
		return "unreachable";
	if (G.load_failed)
		return "load_failed";
	if (G.wrong_model[0])
		return "wrong_model";
	if (G.count_failed)
		return "not_counted";
	if (pace_cut_by_duration(&G.pace))
		return "duration";
	return "complete";
}

static void emit_end(void)
{
	ev_open("end", clock_mono_ns());
	jw_str(&G.ew, "tool", "gen");
	jw_str(&G.ew, "reason", end_reason());
	jw_int(&G.ew, "requests", G.finished);
	jw_int(&G.ew, "ok", G.finished - G.failed - G.aborted_n);
	jw_int(&G.ew, "failed", G.failed);
	jw_int(&G.ew, "aborted", G.aborted_n);
	jw_int(&G.ew, "warmup", G.pace.warm_launched);
	if (G.loop_cpu >= 0)
		jw_num(&G.ew, "client_cpu_s", G.loop_cpu, 6);
	if (G.use_h1) { /* the read window's (rdwin.h) */
		jw_int(&G.ew, "read_waits", G.rw.waits);
		jw_int(&G.ew, "multi_chunk_reads", G.rw.merged_total);
	}
	if (G.wrong_model[0])
		jw_str(&G.ew, "error", G.wrong_model);
	else if (G.count_failed)
		jw_str(&G.ew, "error", G.count.why);
	jw_obj_close(&G.ew);
	emit();
}

/* ---- teacher forcing: #25 level (c) --------------------------------- */

/* The source's sequences (--teacher-force RUN). */
static void tf_read_source(void)
{
	FILE *f = fopen(opt.tf_src, "r");
	ndjson_reader *r;
	cJSON *ev;
	char why[400];

	if (f == NULL)
		diag_die(EXIT_RUNTIME, "--teacher-force %s: %s", opt.tf_src,
			 strerror(errno));
	tfsrc_init(&G.tfs);
	if ((r = ndjson_open(f, opt.tf_src, 0)) == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	while (ndjson_next(r, &ev) == ND_OK) {
		tfsrc_event(&G.tfs, ev);
		cJSON_Delete(ev);
	}
	ndjson_close(r);
	fclose(f);
	if (tfsrc_check(&G.tfs, why, sizeof why) != 0)
		diag_die(EXIT_RUNTIME, "--teacher-force %s: %s", opt.tf_src,
			 why);
}

/* What a pass needs of the server: llama-server's /completion, which takes
 * token ids and gives n_probs, or vLLM's /v1/completions, which takes
 * token ids and gives prompt_logprobs (llmsim imitates both, by its --as);
 * and the source's model: its family label and its vocabulary.  Any other
 * server (Ollama, LM Studio, mlx_lm.server) has neither: one line says
 * that level (c) is missing there (docs/servers.md, Teacher forcing). */
static void tf_check_server(void)
{
	const char *fam = label_of("family");

	if (G.srv.kind != SRV_LLAMACPP && G.srv.kind != SRV_LLMSIM &&
	    G.srv.kind != SRV_VLLM)
		diag_die(EXIT_RUNTIME,
			 "--teacher-force: %s is %s, which takes no prompt "
			 "of token ids with its tokens' logprobs: "
			 "teacher-forced quality (level c) is missing there "
			 "(llama-server and vLLM have it; docs/servers.md, "
			 "Teacher forcing)",
			 opt.base, probe_kind_name(G.srv.kind));
	if (fam && G.tfs.family[0] && strcmp(fam, G.tfs.family) != 0)
		diag_die(EXIT_RUNTIME,
			 "--teacher-force %s: a run of family %s, this one of "
			 "%s: only quantizations of one model compare",
			 opt.tf_src, G.tfs.family, fam);
	if (G.tfs.n_vocab > 0 && G.srv.n_vocab > 0 &&
	    G.tfs.n_vocab != G.srv.n_vocab)
		diag_die(EXIT_RUNTIME,
			 "--teacher-force %s: different vocabularies: its "
			 "server's model has %ld tokens, this one's %ld; only "
			 "quantizations of one model compare",
			 opt.tf_src, G.tfs.n_vocab, G.srv.n_vocab);
}

static const struct prompt *find_prompt(const char *name)
{
	for (int i = 0; i < G.prompts.n; i++)
		if (strcmp(G.prompts.v[i].name, name) == 0)
			return &G.prompts.v[i];
	return NULL;
}

/* A generation run's prompt as its server read it: the prompt set's text
 * after the nonce the run sent ("[RUN-ID-REQ] "), through this server's
 * chat template and tokenizer; its count must be the run's own. */
static void tf_tokenize(struct tfsrc_seq *q)
{
	char nonce[96], why[400], *body = NULL, *text = NULL;
	const struct prompt *p = find_prompt(q->prompt);
	struct reqbody_opts o = {.chat = strcmp(G.tfs.api, "completions") != 0,
				 .model = G.send_id,
				 .nonce = G.tfs.cache_bust ? nonce : NULL};
	size_t n;

	if (p == NULL)
		diag_die(EXIT_RUNTIME,
			 "--teacher-force: prompt \"%s\" of the run is not in "
			 "the prompt set (-p %s)",
			 q->prompt, opt.prompts);
	snprintf(nonce, sizeof nonce, "[%s-%ld] ", G.tfs.run_id, q->req);
	n = strlen(nonce) + strlen(p->text) + 1;
	if (o.chat ? (body = reqbody_build(p, &o)) == NULL
		   : (text = malloc(n)) == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	if (text != NULL)
		snprintf(text, n, "%s%s", o.nonce ? nonce : "", p->text);
	if (tfpass_tokens(&G.tfp, body, text, &q->ctx, &q->nctx, why,
			  sizeof why) != 0)
		diag_die(EXIT_RUNTIME, "--teacher-force: prompt \"%s\": %s",
			 q->prompt, why);
	free(body);
	free(text);
	if (q->prompt_tokens > 0 && !G.tfs.simulated &&
	    q->nctx != q->prompt_tokens)
		diag_die(EXIT_RUNTIME,
			 "--teacher-force: prompt \"%s\": this server reads it "
			 "as %d tokens, the run's counted %ld: not the context "
			 "its output came from (another template or tokenizer: "
			 "another model?); nothing is fed",
			 q->prompt, q->nctx, q->prompt_tokens);
}

/* The sequence as this server reads it back; a teacher-forced source's
 * must be the same text, else the ids mean other tokens here. */
static void tf_text(struct tfsrc_seq *q)
{
	int *all = malloc(((size_t)q->nctx + (size_t)q->nforced) * sizeof *all);
	char why[400], *text;

	if (all == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	memcpy(all, q->ctx, (size_t)q->nctx * sizeof *all);
	memcpy(all + q->nctx, q->forced, (size_t)q->nforced * sizeof *all);
	if (tfpass_text(&G.tfp, all, q->nctx + q->nforced, &text, why,
			sizeof why) != 0)
		diag_die(EXIT_RUNTIME, "--teacher-force: prompt \"%s\": %s",
			 q->prompt, why);
	free(all);
	if (q->text != NULL && strcmp(q->text, text) != 0)
		diag_die(EXIT_RUNTIME,
			 "--teacher-force %s: different vocabularies: the "
			 "tokens of prompt \"%s\" read as other text here than "
			 "on the run's server; only quantizations of one model "
			 "compare",
			 opt.tf_src, q->prompt);
	free(q->text);
	q->text = text;
}

/* Before the run event: the server checked, every sequence's context
 * known (tokenized for a generation run), cut to --max-tokens positions,
 * and read back as text. */
static void tf_prepare(void)
{
	if (opt.tf_src == NULL || opt.load_only || G.load_failed ||
	    G.wrong_model[0])
		return;
	tf_check_server();
	if (tfpass_init(&G.tfp, G.prb.root, G.api_key, G.send_id, opt.logprobs,
			G.srv.n_vocab, opt.t_first) != 0)
		diag_die(EXIT_RUNTIME, "cannot set up libcurl");
	G.tfp.vllm = G.srv.kind == SRV_VLLM;
	if (opt.tf_batch > 0)
		G.tfp.batch = opt.tf_batch;
	if (!G.tfs.teacher_forced)
		load_prompts();
	for (int i = 0; i < G.tfs.nseq && !sigstop_caught(); i++) {
		struct tfsrc_seq *q = &G.tfs.seq[i];
		if (opt.max_tokens > 0 && q->nforced > opt.max_tokens) {
			q->nforced = (int)opt.max_tokens;
			free(q->text); /* the source's was of them all */
			q->text = NULL;
		}
		if (q->ctx == NULL)
			tf_tokenize(q);
		tf_text(q);
	}
}

/* One sequence: its req event, its positions fed, its done event. */
static void tf_sequence(const struct tfsrc_seq *q, long id)
{
	struct tfpass_out o;
	int64_t m0 = clock_mono_ns();

	ev_open("req", m0);
	jw_int(&G.ew, "id", id);
	jw_str(&G.ew, "prompt", q->prompt);
	jw_int(&G.ew, "rep", 0);
	jw_bool(&G.ew, "warmup", 0);
	jw_time(&G.ew, "t_sched", clock_to_shared_ns(m0));
	jw_int(&G.ew, "max_tokens", q->nforced);
	jw_obj_close(&G.ew);
	emit();
	tfpass_run(&G.tfp, q->ctx, q->nctx, q->forced, q->nforced,
		   sigstop_flag(), &o);
	ev_open("done", clock_mono_ns());
	jw_int(&G.ew, "id", id);
	jw_str(&G.ew, "status", formats_status_name(o.status));
	jw_int(&G.ew, "http", o.http);
	if (o.err[0])
		jw_str(&G.ew, "error", o.err);
	tfpass_write(&G.ew, G.tfs.run_id, q->req, q->ctx, q->nctx, q->forced,
		     q->nforced, q->text, opt.logprobs, &o);
	jw_obj_close(&G.ew);
	emit();
	G.finished++;
	if (o.status != FMT_ST_OK || o.noprobs) {
		G.failed++;
		diag_warn("prompt \"%s\": %d of %d positions fed: %s%s%s",
			  q->prompt, o.npos, q->nforced,
			  o.noprobs ? "the server sent no probabilities (it "
				      "ignores "
				    : o.err,
			  !o.noprobs   ? ""
			  : G.tfp.vllm ? "prompt_logprobs"
				       : "n_probs",
			  o.noprobs ? "); no teacher-forced figure" : "");
	} else if (o.truncated > 0) {
		diag_warn("prompt \"%s\": %d positions came with fewer than "
			  "%d alternatives (and not the whole mass): the KL "
			  "there is a lower bound",
			  q->prompt, o.truncated, opt.logprobs);
	}
	tfpass_out_free(&o);
}

static void tf_run(void)
{
	for (int i = 0; i < G.tfs.nseq && !sigstop_caught(); i++)
		tf_sequence(&G.tfs.seq[i], i + 1);
}

/* ---- main ------------------------------------------------------------- */

static void summary(void)
{
	if (G.pace.unreachable) {
		diag_warn(
		    "stopped after %ld requests: none could connect to %s; "
		    "is the server up?",
		    G.finished + G.pace.warm_launched, opt.base);
		return;
	}
	if (G.failed + G.aborted_n == 0)
		return;
	/* the commonest failure, in the server's or the transport's words */
	int i, top = -1;
	for (i = 0; i < FMT_ST_COUNT; i++)
		if (i != FMT_ST_OK && G.n_status[i] > 0 &&
		    (top < 0 || G.n_status[i] > G.n_status[top]))
			top = i;
	if (top >= 0 && G.first_err[top][0]) {
		diag_warn("%ld of %ld requests failed; %ld %s, the first: %s",
			  G.failed + G.aborted_n, G.finished, G.n_status[top],
			  formats_status_name((enum formats_status)top),
			  G.first_err[top]);
		return;
	}
	diag_warn("%ld of %ld requests failed%s%s", G.failed + G.aborted_n,
		  G.finished, G.aborted_n ? ", aborted: " : "",
		  G.aborted_n ? "yes" : "");
}

static void init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		diag_die(EXIT_RUNTIME, "cannot initialise libcurl");
	G.multi = curl_multi_init();
	if (G.multi == NULL)
		diag_die(EXIT_RUNTIME, "cannot initialise libcurl");
	curl_multi_setopt(G.multi, CURLMOPT_MAXCONNECTS, opt.conc + 16);
	/* a socket per request in flight, and a few more of gen's own: a
	 * limit below that fails requests as if the server were down */
	long files = fileio_raise_nofile();
	if (files > 0 && (opt.rate == 0 || opt.conc_set) &&
	    opt.conc + FD_RESERVE > files)
		diag_die(EXIT_USAGE,
			 "-c %ld needs about %ld open files and this "
			 "process may open %ld (ulimit -n): raise the limit or "
			 "lower -c",
			 opt.conc, opt.conc + FD_RESERVE, files);
	if (sigstop_init() != 0)
		diag_die(EXIT_RUNTIME, "pipe: %s", strerror(errno));
	jw_init(&G.ew);
	G.m_start = clock_mono_ns();
	snprintf(G.run_id, sizeof G.run_id, "r%lld-%ld", (long long)clock_now(),
		 (long)getpid());
	probe_init(&G.prb, opt.base, G.api_key, opt.model_id, sigstop_flag());
	G.xconf = (struct xfer_conf){.url = G.endpoint,
				     .run_id = G.run_id,
				     .api_key = G.api_key,
				     .t_connect = opt.t_connect,
				     .keep_text = opt.keep_text,
				     .on_tok = on_tok,
				     .logprobs = opt.logprobs};
	if (opt.api == API_OLLAMA) /* the native API, beside /v1 */
		snprintf(G.endpoint, sizeof G.endpoint, "%s/api/chat",
			 G.prb.root);
	else
		snprintf(G.endpoint, sizeof G.endpoint, "%s/%s", opt.base,
			 opt.api == API_CHAT ? "chat/completions"
					     : "completions");
	G.xconf.ollama = opt.api == API_OLLAMA;
	/* plain http:// on the built-in transport, the rest on libcurl */
	if (opt.transport == TR_BUILTIN &&
	    strncasecmp(G.endpoint, "http://", 7))
		diag_die(EXIT_USAGE,
			 "--transport builtin: %s is not an http:// URL (the "
			 "built-in transport speaks plain HTTP/1.1; auto "
			 "takes libcurl for the rest)",
			 G.endpoint);
	G.use_h1 = opt.transport == TR_BUILTIN ||
		   (opt.transport == TR_AUTO && h1_url_ok(G.endpoint));
	/* measured requests: --requests, else each prompt -n times, else
	 * (--duration) until the time is up */
	pace_init(&G.pace, opt.warmup,
		  opt.requests > 0   ? opt.requests
		  : opt.duration > 0 ? -1
				     : G.prompts.n * opt.reps,
		  opt.duration, opt.conc, opt.conc_set, opt.rate,
		  opt.burstiness, opt.constant,
		  opt.seed >= 0 ? (uint64_t)opt.seed : 1, G.prompts.n);
	if (opt.shuffle &&
	    pace_shuffle(&G.pace, opt.seed >= 0 ? (uint64_t)opt.seed : 1) != 0)
		diag_die(EXIT_RUNTIME, "out of memory");
}

static void waiting(double waited, void *ctx)
{
	(void)ctx;
	if (waited < 1)
		diag_warn("%s: the server is loading its model (/health: 503); "
			  "waiting up to %.0f s (--no-wait does not)",
			  opt.base, opt.t_first);
	else
		diag_warn("%s: still loading after %.0f s", opt.base, waited);
}

/* A server that answers 503 while it loads (llama-server, llmsim, vLLM)
 * is waited for, up to --timeout-first, before anything is measured:
 * requests sent now would only measure "Loading model". */
static void wait_ready(void)
{
	double w;

	/* vLLM binds its port only once the engine is built (refused until
	 * then) and answers /health 503 only when the engine is dead
	 * (entrypoints/serve/instrumentator/health.py, EngineDeadError):
	 * nothing to wait for */
	if (G.srv.kind == SRV_VLLM && probe_health(&G.prb) == 503)
		diag_die(EXIT_RUNTIME,
			 "%s: vLLM answers /health 503: its engine is "
			 "dead (vLLM says 503 only then, never while loading); "
			 "restart "
			 "the server",
			 opt.base);

	w = probe_wait_ready(&G.prb, opt.t_first, waiting, NULL);
	G.srv_waited = w > 0;
	if (w > 0.5)
		diag_warn(
		    "%s: the server finished loading after %.1f s; measuring",
		    opt.base, w);
	else if (w < 0 && !sigstop_caught())
		diag_warn("%s: still loading after %.0f s (--timeout-first); "
			  "measuring anyway",
			  opt.base, opt.t_first);
}

/* mlx_lm.server (0.32, server.py): the model a request names is loaded
 * on demand, the one running dropped first, so a label sent as the model
 * would measure a load or a failure; /health is 200 while the model still
 * loads in a background thread, so a health poll times nothing; and a
 * request with a seed is served alone, outside the batch. */
static void check_mlx(void)
{
	/* nothing listed (no answer): nothing to refuse on; a failed load is
	 * the result already, and its event must be written */
	if (!opt.load_only && !G.load_failed && G.srv.model_ids[0] &&
	    !G.srv.model_listed && strcmp(opt.model_id, "default_model") != 0)
		diag_die(EXIT_RUNTIME,
			 "%s: mlx_lm.server loads the model a request names, "
			 "dropping the one it serves: \"%s\" is not one of its "
			 "models (%s); "
			 "pass --model-id with one of them, or --model-id "
			 "default_model for the "
			 "model it was started with (a server that is not "
			 "mlx_lm.server but lists "
			 "no owned_by: --server openai)",
			 opt.base, opt.model_id,
			 G.srv.model_ids[0] ? G.srv.model_ids : "none listed");
	if (G.have_load && !G.load_failed &&
	    !strcmp(G.load_res.method, "health_poll")) {
		snprintf(G.load_res.err, sizeof G.load_res.err,
			 "mlx_lm.server answers /health "
			 "200 before its model has loaded: a health poll "
			 "cannot time the "
			 "load (use --load-cmd)");
		G.load_failed = 1;
		diag_warn("%s: %s", opt.base, G.load_res.err);
	}
	if (opt.seed >= 0 && (opt.conc > 1 || opt.rate > 0))
		diag_warn(
		    "--seed: mlx_lm.server serves a request with a seed alone, "
		    "outside its batch: with several users at once it answers "
		    "them "
		    "one at a time (leave --seed out to measure its batching)");
}

/* What the detected server's source says a run must heed (docs/servers.md). */
static void check_server(void)
{
	if (G.srv.kind == SRV_MLX)
		check_mlx();
	/* Ollama's durations: its embedded llama-server's for GGUF models,
	 * its MLX runner's otherwise (lib/srvfig) */
	if (opt.api == API_OLLAMA)
		G.xconf.runner =
		    G.srv.backend[0] && strcmp(G.srv.backend, "gguf") != 0
			? "mlx"
			: "llama-server";
}

/* Is the model the server has loaded the one the run claims (its model id
 * and its labels quant, backend and ctx)?  Read after any load and wait,
 * so the facts are the loaded model's.  A difference refuses the run,
 * naming both (docs/gen.md, "Model identity"); an LM Studio key or
 * key@variant resolves to the loaded instance's id, which requests then
 * name, so that none loads another copy. */
static void check_model(void)
{
	struct ident_claim c = {.model_id = opt.model_id,
				.quant = label_of("quant"),
				.backend = label_of("backend"),
				.ctx = -1};

	if (opt.no_check_model || opt.load_only || G.load_failed ||
	    G.srv.kind == SRV_UNKNOWN)
		return;
	if (G.have_load || G.srv_waited) { /* the facts after the load */
		enum srv_kind k = G.srv.kind;
		struct srv_info now;
		if (probe_known(&G.prb, k, &now) == 0) {
			now.simulated |= G.srv.simulated;
			G.srv = now;
		}
	}
	if (label_of("ctx") && (c.ctx = ident_parse_ctx(label_of("ctx"))) < 0)
		diag_warn(
		    "label ctx=%s: not a context length (131072 or 128k); "
		    "not checked",
		    label_of("ctx"));
	if (ident_check(&c, &G.srv, G.wrong_model, sizeof G.wrong_model) != 0) {
		diag_warn("refused: %s (--no-check-model measures it anyway)",
			  G.wrong_model);
		return;
	}
	if (G.srv.instance[0] && strcmp(G.srv.instance, opt.model_id) != 0) {
		G.send_id = G.srv.instance;
		diag_warn(
		    "\"%s\" is loaded as \"%s\": requests name that instance",
		    opt.model_id, G.send_id);
	}
}

int main(int argc, char **argv)
{
	clock_init();
	diag_init(argv[0]);
	/* Events are written in 64 KiB blocks (flushed at most every
	 * FLUSH_NS), not stdio's 4 KiB. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	parse_args(argc, argv);
	read_api_key();
	if (opt.tf_src != NULL && !opt.load_only)
		tf_read_source(); /* its prompts are read if it needs them */
	else if (opt.kind.name == RK_BENCH && !opt.load_only)
		bench_make_prompt(); /* its filler counted once the server is
				      * known */
	else if (!opt.load_only)
		load_prompts();
	if (opt.list_prompts) { /* for scripts: what a run would send, in order
				 */
		for (int i = 0; i < G.prompts.n; i++)
			printf("%s\n", G.prompts.v[i].name);
		return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
	}
	init();
	if (opt.load && (G.load_failed = measure_load() != 0) != 0 &&
	    G.load_res.err[0])
		diag_warn("%s: the load failed: %s; nothing is sent", opt.base,
			  G.load_res.err);
	detect_server();
	check_server();
	if (!opt.load_only && !G.load_failed && !opt.no_wait)
		wait_ready();
	check_model();
	count_prepare();
	tf_prepare();
	emit_run();
	emit_load();
	/* After a failed load nothing would answer: the failure is the result;
	 * nor is a model that is not the one claimed measured. */
	if (!opt.load_only && !sigstop_caught() && !G.load_failed &&
	    !G.wrong_model[0] && !G.count_failed && opt.tf_src != NULL)
		tf_run();
	else if (!opt.load_only && !sigstop_caught() && !G.load_failed &&
		 !G.wrong_model[0] && !G.count_failed)
		run_loop();
	emit_end();
	progress(clock_mono_ns(), 1);
	summary();
	curl_multi_cleanup(G.multi);
	curl_global_cleanup();
	prompts_free(&G.prompts);
	free(G.count_base);
	pace_free(&G.pace);
	tfsrc_free(&G.tfs);
	tfpass_free(&G.tfp);
	jw_free(&G.ew);
	if (diag_fshut(stdout, "stdout") != 0)
		return EXIT_RUNTIME;
	if (sigstop_caught())
		return EXIT_SIGNAL_BASE + sigstop_caught();
	return G.failed + G.aborted_n > 0 || G.load_failed ||
		       G.wrong_model[0] || G.count_failed
		   ? EXIT_RUNTIME
		   : EXIT_OK;
}
