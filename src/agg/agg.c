/* agg: turns events into a run summary (docs/metrics.md, docs/run-json.md). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "args.h"
#include "clock.h"
#include "diag.h"
#include "fileio.h"
#include "formats.h"
#include "jget.h"
#include "jw.h"
#include "benchfig.h"
#include "evacc.h"
#include "agree.h"
#include "lpq.h"
#include "tfq.h"
#include "memfig.h"
#include "ndjson.h"
#include "prompts.h"
#include "slo.h"
#include "statjson.h"
#include "stats.h"
#include "sustain.h"
#include "units.h"
#include "verdict.h"
#include "help.h" /* generated from docs/agg.md */

#define MAX_PCT 16

#define TIMELINE_POINTS 200
#define SAMPLE_TEXT_MAX 4000

/* Options. */
static double pcts[MAX_PCT] = {50, 90, 95, 99};
static struct statjson_pcts pc = {pcts, 4}; /* -p */
static struct slo_set slo;		    /* --slo; slo.n 0 without */
/* Options: one struct. */
static struct options {
	int per_request, strict, force;
	const char *out;
	const char *reference; /* --reference: the same model's reference run */
} opt;
static struct lpq_run lp_cand, lp_ref;
static struct tfq_run tf_cand, tf_ref;	 /* teacher-forced runs (#25 c) */
static struct agree_run ag_cand, ag_ref; /* output texts, with --reference */
static struct memfig_limits leak_lim = {1.0,
					10.0}; /* MB per request, per minute */
static const char *mem_files[64];
static int n_mem_files;

/* The events read. */
static struct evacc A;

/* ---- options --------------------------------------------------------- */

static void usage(int code)
{
	diag_usage(code, tool_synopsis, tool_help); /* both from docs/agg.md */
}

static void parse_pcts(char *s)
{
	const char *words[MAX_PCT];
	int i;

	pc.n = args_list("-p", s, words, MAX_PCT);
	for (i = 0; i < pc.n; i++)
		pcts[i] = args_real("-p", words[i], 0, 100);
}

static void parse_slo(const char *s)
{
	char err[512];

	if (slo_parse(s, &slo, err, sizeof err) != 0)
		diag_die(EXIT_USAGE, "--slo %s", err);
}

/* A line that is not JSON (the reader's), counted with the invalid events. */
static void on_invalid(void *ctx, const char *name, long line, const char *why)
{
	A.n_invalid++;
	ndjson_warn_skipped(ctx, name, line, why);
}

static void read_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	ndjson_reader *r;
	cJSON *ev;
	int rc;

	if (f == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	r = ndjson_open(f, name, opt.strict ? ND_STRICT : 0);
	if (r == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	ndjson_on_invalid(r, on_invalid, NULL);
	while ((rc = ndjson_next(r, &ev)) == ND_OK) {
		if (cJSON_IsObject(ev)) {
			lpq_event(&lp_cand, ev);
			tfq_event(&tf_cand, ev);
		}
		if (opt.reference != NULL) /* its texts matter only then */
			agree_event(&ag_cand, ev);
		if (cJSON_IsObject(ev) &&
		    evacc_event(&A, ev, name, ndjson_lineno(r)) != 0)
			diag_die(EXIT_RUNTIME, "%s", A.err);
		else if (!cJSON_IsObject(ev))
			on_invalid(NULL, name, ndjson_lineno(r),
				   "not a JSON object");
		cJSON_Delete(ev);
		if (opt.strict && A.n_invalid > 0)
			diag_die(EXIT_RUNTIME, "%s:%ld: not a JSON object",
				 name, ndjson_lineno(r));
	}
	if (rc == ND_INVALID)
		diag_die(EXIT_RUNTIME, "%s:%ld: %s", name, ndjson_lineno(r),
			 ndjson_reason(r));
	if (rc == ND_IOERR)
		diag_die(EXIT_RUNTIME, "%s: read error: %s", name,
			 strerror(errno));
	ndjson_close(r);
	if (f != stdin)
		fclose(f);
}

/* ---- computing -------------------------------------------------------- */

struct metrics {
	struct stats_vec ttft, ttfb, ttfo, decode, e2e, e2e_tps, prefill;
	struct stats_vec tpot_vllm, tpot_guidellm, queue, out_tokens;
	struct stats_vec srv_decode, srv_prefill;
};

static struct metrics all;
static long n_bad; /* requests left out: their events cannot be true */
static const char *first_bad; /* the first such reason */
static int bad_memory;	      /* a memory figure could not be true */
static long n_measured, n_warmup, n_ok, n_unfinished, by_status[FMT_ST_COUNT];
static long by_timeout[FMT_TO_COUNT];
static long tok_content, tok_reasoning, tok_tool, n_from_usage, n_from_chunks;
static double usage_gap_sum;
static long q_checked, q_passed;
static long g_checked, g_correct; /* graded items: answers checked, right */
static struct slo_req *sreq; /* every measured request's values, for --slo */
static size_t n_sreq, cap_sreq;
static double first_send = INFINITY, last_tok = -INFINITY,
	      last_done = -INFINITY;
static double first_any_send = INFINITY, sum_out_ok;
static int open_loop; /* the run's arrivals were at a rate (gen --rate) */

static void push(struct stats_vec *v, double x)
{
	if (isfinite(x) && stats_push(v, x) != 0)
		diag_die(EXIT_RUNTIME, "out of memory");
}

/* One measured request's values for the objectives (docs/metrics.md,
 * Service levels); a request that never finished has none. */
static void slo_add(const struct slo_req *r)
{
	if (slo.n == 0)
		return;
	if (n_sreq == cap_sreq) {
		size_t c = cap_sreq ? 2 * cap_sreq : 64;
		struct slo_req *p = realloc(sreq, c * sizeof *p);
		if (p == NULL)
			diag_die(EXIT_RUNTIME, "out of memory");
		sreq = p;
		cap_sreq = c;
	}
	sreq[n_sreq++] = *r;
}

static void slo_add_none(int failed)
{
	struct slo_req r;
	int m;

	for (m = 0; m < SLO_NMETRIC; m++)
		r.v[m] = NAN;
	r.tokens = 0;
	if (failed)
		slo_failed_values(&r);
	slo_add(&r);
}

/* The tokens the stream's chunks carried, for decode TPS: the server's
 * usage, except that on a natural stop llama-server counts the end-of-
 * sequence token there, which no chunk carries and whose time is not in
 * the span: one token more than the chunks is that EOS, not a token. */
static double decoded_tokens(const struct req *r)
{
	if (r->from_usage && r->natural_stop &&
	    r->out_tokens == r->chunk_tokens + 1)
		return (double)r->chunk_tokens;
	return (double)r->out_tokens;
}

/* The metrics of one successful measured request (docs/metrics.md). */
static void measure_ok(const struct req *r)
{
	struct prompt_acc *p = r->prompt >= 0 ? &A.prompts[r->prompt] : NULL;
	double n = (double)r->out_tokens, e2e = r->t_done - r->t_send;
	double ttft = r->tok_chunks > 0 ? r->t_first_tok - r->t_send : -1;
	double ttfo =
	    r->t_first_content > 0 ? r->t_first_content - r->t_send : -1;
	double span = r->t_last_tok - r->t_first_tok, nd = decoded_tokens(r);
	double tpot = n >= 2 && ttft >= 0 ? (e2e - ttft) / (n - 1) : -1;
	/* an open loop's user waits from when the request was due: the
	 * objectives count the client's delay too (docs/metrics.md) */
	double late = open_loop ? r->t_send - r->t_sched : 0;

	if (ttft >= 0)
		push(&all.ttft, ttft);
	if (r->t_first_event > 0)
		push(&all.ttfb, r->t_first_event - r->t_send);
	if (ttfo >= 0)
		push(&all.ttfo, ttfo);
	push(&all.e2e, e2e);
	if (e2e > 0)
		push(&all.e2e_tps, n / e2e);
	if (nd >= 2 && span > 0)
		push(&all.decode, (nd - 1) / span);
	if (r->prompt_tokens > 0 && ttft > 0)
		push(&all.prefill, (double)r->prompt_tokens / ttft);
	if (tpot >= 0)
		push(&all.tpot_vllm, tpot);
	if (n >= 1)
		push(&all.tpot_guidellm, e2e / n);
	push(&all.queue, r->t_send - r->t_sched);
	push(&all.out_tokens, n);
	if (r->srv_decode > 0)
		push(&all.srv_decode, r->srv_decode);
	if (r->srv_prefill > 0)
		push(&all.srv_prefill, r->srv_prefill);
	struct slo_req sr = {{NAN, NAN, NAN, NAN, NAN, NAN}, n};
	sr.v[SLO_TTFT] = ttft >= 0 ? ttft + late : NAN;
	sr.v[SLO_TTFO] = ttfo >= 0 ? ttfo + late : NAN;
	sr.v[SLO_TPOT] = tpot >= 0 ? tpot : NAN;
	sr.v[SLO_E2E] = e2e + late;
	if (nd >= 2 && span > 0) {
		sr.v[SLO_TPS] = (nd - 1) / span;
		sr.v[SLO_ITL] = span / (nd - 1);
	}
	slo_add(&sr);
	if (p == NULL)
		return;
	p->ok++;
	if (ttft >= 0)
		push(&p->ttft, ttft);
	if (ttfo >= 0)
		push(&p->ttfo, ttfo);
	if (nd >= 2 && span > 0)
		push(&p->decode, (nd - 1) / span);
	push(&p->e2e, e2e);
	if (r->prompt_tokens > 0 && ttft > 0)
		push(&p->prefill, (double)r->prompt_tokens / ttft);
	if (r->prompt_tokens > 0)
		push(&p->prompt_tokens, (double)r->prompt_tokens);
	push(&p->out_tokens, n);
}

static void count_tokens(const struct req *r)
{
	tok_content += r->content;
	tok_reasoning += r->reasoning;
	tok_tool += r->tool;
	if (r->from_usage) {
		n_from_usage++;
		usage_gap_sum += (double)(r->out_tokens - r->chunk_tokens);
	} else {
		n_from_chunks++;
	}
}

static void measure_one(struct req *r)
{
	if (r->seen_req && r->t_send < first_any_send)
		first_any_send = r->t_send;
	if (r->warmup) {
		n_warmup++;
		return;
	}
	n_measured++;
	if (r->seen_req && r->t_send < first_send)
		first_send = r->t_send;
	if (r->prompt >= 0)
		A.prompts[r->prompt].n++;
	if (!r->seen_done) {
		n_unfinished++; /* its chunk gaps add nothing to ITL */
		slo_add_none(0);
		return;
	}
	by_status[r->status]++;
	if (r->timeout >= 0)
		by_timeout[r->timeout]++;
	count_tokens(r);
	if (r->quality >= 0) {
		q_checked++;
		q_passed += r->quality;
		A.prompts[r->prompt].checked++;
		A.prompts[r->prompt].passed += r->quality;
	}
	if (r->graded >= 0) {
		g_checked++;
		g_correct += r->graded;
		A.prompts[r->prompt].graded++;
		A.prompts[r->prompt].correct += r->graded;
	}
	if (r->status != FMT_ST_OK) {
		slo_add_none(1); /* a failed request met no objective */
		return;
	}
	n_ok++;
	sum_out_ok += (double)r->out_tokens;
	if (r->t_done > last_done)
		last_done = r->t_done;
	if (r->tok_chunks > 0 && r->t_last_tok > last_tok)
		last_tok = r->t_last_tok;
	measure_ok(r);
}

static void measure_all(void)
{
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(A.run_ev, "config");
	long id;

	open_loop = jget_num(cfg, "rate", 0) > 0;

	/* request order is id order (the leak fit runs along it); the hash
	 * is not used after reading */
	if (A.n_reqs > 1)
		evacc_sort(&A);
	for (id = 0; id < A.n_reqs; id++) {
		struct req *r = &A.reqs[id];
		if (r->bad != NULL) { /* never a figure: counted and said */
			if (n_bad++ == 0)
				first_bad = r->bad;
			continue;
		}
		if (r->seen_req || r->seen_done)
			measure_one(r);
	}
}

/* ---- writing ---------------------------------------------------------- */

static jw out;

/* A summary object: n, mean, stddev, min, max, the percentiles, cv and
 * the 95 % CI of the mean; null when there are no values. */
static void copy_item(const char *key, const cJSON *from)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);
	char *s;

	if (v == NULL)
		return;
	s = cJSON_PrintUnformatted(v);
	if (s == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	jw_raw(&out, key, s);
	free(s);
}

static void write_run(void)
{
	static const char *const keys[] = {
	    "run_id",	    "model",  "model_id", "base_url", "api",
	    "tool_version", "config", "kind",	  "labels",   "host",
	    "env",	    "server", NULL};
	int i;

	jw_obj_open(&out, "run");
	for (i = 0; A.run_ev && keys[i]; i++)
		copy_item(keys[i], A.run_ev);
	if (isfinite(A.t_min)) {
		jw_num(&out, "t_start", A.t_min, 6);
		jw_num(&out, "t_end", A.t_max, 6);
	}
	jw_int(&out, "events_version",
	       (long long)jget_num(A.run_ev, "version", 0));
	jw_obj_close(&out);
}

static void write_requests(void)
{
	int i;

	jw_obj_open(&out, "requests");
	jw_int(&out, "measured", n_measured);
	jw_int(&out, "warmup", n_warmup);
	jw_int(&out, "ok", n_ok);
	jw_int(&out, "failed", n_measured - n_ok - n_unfinished);
	jw_int(&out, "unfinished", n_unfinished);
	jw_str(&out, "first_error", A.first_error[0] ? A.first_error : NULL);
	jw_num(&out, "error_rate",
	       n_measured ? (double)(n_measured - n_ok) / (double)n_measured
			  : 0,
	       4);
	jw_obj_open(&out, "by_status");
	for (i = 0; i < FMT_ST_COUNT; i++)
		if (by_status[i] > 0)
			jw_int(&out,
			       formats_status_name((enum formats_status)i),
			       by_status[i]);
	if (n_unfinished)
		jw_int(&out, "unfinished", n_unfinished);
	jw_obj_close(&out);
	jw_obj_open(&out, "by_timeout");
	for (i = 0; i < FMT_TO_COUNT; i++)
		if (by_timeout[i] > 0)
			jw_int(&out,
			       formats_timeout_name((enum formats_timeout)i),
			       by_timeout[i]);
	jw_obj_close(&out);
	jw_obj_close(&out);
}

static void write_tokens(void)
{
	jw_obj_open(&out, "tokens");
	jw_int(&out, "output", tok_content + tok_reasoning + tok_tool);
	jw_int(&out, "content", tok_content);
	jw_int(&out, "reasoning", tok_reasoning);
	jw_int(&out, "tool", tok_tool);
	jw_int(&out, "source_usage", n_from_usage);
	jw_int(&out, "source_chunks", n_from_chunks);
	jw_num(&out, "usage_minus_chunks_mean",
	       n_from_usage ? usage_gap_sum / (double)n_from_usage : 0, 3);
	jw_obj_close(&out);
}

static void write_metrics(void)
{
	jw_obj_open(&out, "metrics");
	statjson_vec(&out, "ttft_s", &all.ttft, 6, &pc);
	statjson_vec(&out, "ttfb_s", &all.ttfb, 6, &pc);
	statjson_vec(&out, "ttfo_s", &all.ttfo, 6, &pc);
	statjson_vec(&out, "decode_tps", &all.decode, 3, &pc);
	statjson_vec(&out, "e2e_s", &all.e2e, 6, &pc);
	statjson_vec(&out, "e2e_tps", &all.e2e_tps, 3, &pc);
	statjson_vec(&out, "prefill_tps", &all.prefill, 3, &pc);
	statjson_vec(&out, "tpot_vllm_s", &all.tpot_vllm, 6, &pc);
	statjson_vec(&out, "tpot_guidellm_s", &all.tpot_guidellm, 6, &pc);
	statjson_hist(&out, "itl_s", &A.itl_all, &pc);
	statjson_vec(&out, "queue_delay_s", &all.queue, 6, &pc);
	statjson_vec(&out, "output_tokens", &all.out_tokens, 1, &pc);
	jw_obj_close(&out);
	jw_obj_open(&out, "server_reported");
	statjson_vec(&out, "decode_tps", &all.srv_decode, 3, &pc);
	statjson_vec(&out, "prefill_tps", &all.srv_prefill, 3, &pc);
	jw_obj_close(&out);
}

static double run_concurrency(void)
{
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(A.run_ev, "config");

	return jget_num(cfg, "concurrency", 0);
}

static void write_throughput(void)
{
	double window = last_tok - first_send, span = last_done - first_send;
	double agg = window > 0 ? sum_out_ok / window : 0;
	double c = run_concurrency();

	jw_obj_open(&out, "throughput");
	jw_num(&out, "aggregate_tps", agg, 3);
	jw_num(&out, "request_rate", span > 0 ? (double)n_ok / span : 0, 4);
	jw_num(&out, "window_s", window > 0 ? window : 0, 6);
	jw_num(&out, "jain_fairness", stats_jain(all.decode.v, all.decode.n),
	       4);
	jw_num(&out, "concurrency", c, 0);
	jw_obj_close(&out);
}

static void write_objective(const struct slo_obj *o, const struct slo_result *r)
{
	char t[64];

	jw_obj_open(&out, NULL);
	jw_str(&out, "objective", slo_obj_text(o, t, sizeof t));
	jw_str(&out, "metric", slo_metric_name(o->m));
	jw_num(&out, "pct", o->pct, 3);
	jw_num(&out, "bound", o->bound, 6);
	jw_int(&out, "n", r->n);
	jw_int(&out, "need", r->need);
	if (isfinite(r->value))
		jw_num(&out, "value", r->value, 6);
	else
		jw_null(&out, "value"); /* none, or a failed request's */
	jw_str(&out, "verdict", verdict_slo_name(r->st));
	jw_obj_close(&out);
}

/* Goodput and the objectives' verdict (docs/run-json.md, goodput). */
static void write_goodput(void)
{
	static const char *const old_keys[SLO_NMETRIC] = {
	    "ttft_s", "ttfo_s", "tpot_s", NULL, "e2e_s", NULL};
	double span = last_done - first_send;
	struct slo_level lv;
	char t[64];
	int i;

	if (slo.n == 0) {
		jw_null(&out, "goodput");
		return;
	}
	if (slo_judge(&slo, sreq, n_sreq, &lv) != 0)
		diag_die(EXIT_RUNTIME, "out of memory");
	jw_obj_open(&out, "goodput");
	jw_obj_open(&out, "slo"); /* the per-request thresholds, as before */
	for (i = 0; i < slo.n; i++)
		if (slo.o[i].pct <= 0 && old_keys[slo.o[i].m])
			jw_num(&out, old_keys[slo.o[i].m], slo.o[i].bound, 6);
	jw_obj_close(&out);
	jw_arr_open(&out, "objectives"); /* those with a percentile to judge */
	for (i = 0; i < slo.n; i++)
		if (slo.o[i].pct > 0)
			write_objective(&slo.o[i], &lv.r[i]);
	jw_arr_close(&out);
	for (i = 0; i < slo.n && slo.o[i].pct <= 0; i++)
		;
	if (i < slo.n)
		jw_str(&out, "verdict", verdict_slo_name(lv.st));
	else
		jw_null(&out,
			"verdict"); /* thresholds only: goodput, no verdict */
	if (lv.worst >= 0)
		jw_str(&out, "worst",
		       slo_obj_text(&slo.o[lv.worst], t, sizeof t));
	else
		jw_null(&out, "worst");
	jw_int(&out, "met", lv.met);
	jw_num(&out, "fraction",
	       n_measured ? (double)lv.met / (double)n_measured : 0, 4);
	jw_num(&out, "ci95_lo", lv.att_lo, 4);
	jw_num(&out, "ci95_hi", lv.att_hi, 4);
	jw_num(&out, "rate", span > 0 ? (double)lv.met / span : 0, 4);
	jw_num(&out, "tokens_per_s", span > 0 ? lv.met_tokens / span : 0, 3);
	jw_obj_close(&out);
}

static void write_prompt(struct prompt_acc *p)
{
	jw_obj_open(&out, p->name);
	if (p->category)
		jw_str(&out, "category", p->category);
	jw_int(&out, "n", p->n);
	jw_int(&out, "ok", p->ok);
	if (p->synthetic_tokens > 0)
		jw_int(&out, "synthetic_tokens", p->synthetic_tokens);
	statjson_vec(&out, "ttft_s", &p->ttft, 6, &pc);
	statjson_vec(&out, "ttfo_s", &p->ttfo, 6, &pc);
	statjson_vec(&out, "decode_tps", &p->decode, 3, &pc);
	statjson_vec(&out, "e2e_s", &p->e2e, 6, &pc);
	statjson_vec(&out, "prefill_tps", &p->prefill, 3, &pc);
	statjson_vec(&out, "output_tokens", &p->out_tokens, 1, &pc);
	statjson_vec(&out, "prompt_tokens", &p->prompt_tokens, 1, &pc);
	statjson_hist(&out, "itl_s", &p->itl, &pc);
	if (p->expect) {
		jw_obj_open(&out, "quality");
		jw_str(&out, "expect", p->expect);
		jw_int(&out, "checked", p->checked);
		jw_int(&out, "passed", p->passed);
		jw_obj_close(&out);
	}
	if (p->answer) {
		jw_obj_open(&out, "graded");
		jw_int(&out, "checked", p->graded);
		jw_int(&out, "correct", p->correct);
		jw_obj_close(&out);
	}
	if (p->sample) {
		jw_obj_open(&out, "output");
		jw_str(&out, "text", p->sample);
		jw_int(&out, "chars", p->sample_chars);
		jw_int(&out, "tokens", p->sample_tokens);
		jw_bool(&out, "truncated", p->sample_chars > SAMPLE_TEXT_MAX);
		jw_obj_close(&out);
	}
	jw_obj_close(&out);
}

static void write_prompts(void)
{
	int i;

	jw_obj_open(&out, "per_prompt");
	for (i = 0; i < A.n_prompts; i++)
		write_prompt(&A.prompts[i]);
	jw_obj_close(&out);
}

/* The timeline of the first nm samples of A.mem (those with a process
 * figure). */
static void write_timeline(size_t nm)
{
	static double pts[TIMELINE_POINTS][2];
	int k, n = memfig_timeline(A.mem, nm,
				   isfinite(first_any_send) ? first_any_send
							    : A.mem[0].t,
				   pts, TIMELINE_POINTS);

	jw_arr_open(&out, "timeline");
	for (k = 0; k < n; k++) {
		jw_arr_open(&out, NULL);
		jw_num(&out, NULL, pts[k][0], 3);
		jw_num(&out, NULL, pts[k][1] / 1e6, 3);
		jw_arr_close(&out);
	}
	jw_arr_close(&out);
}

/* The leak fit (src/agg/memfig) over the successful measured requests, in
 * order, against the first nm samples of A.mem. */
static void write_leak(size_t nm)
{
	double *done =
	    diag_xrealloc(NULL, (size_t)(A.n_reqs + 1) * sizeof *done);
	struct memfig_leak lk;
	size_t nd = 0;
	long id;

	for (id = 0; id < A.n_reqs; id++)
		if (!A.reqs[id].warmup && A.reqs[id].status == FMT_ST_OK &&
		    A.reqs[id].bad == NULL)
			done[nd++] = A.reqs[id].t_done;
	memfig_leak(A.mem, nm, done, nd, first_send, last_done, &leak_lim, &lk);
	free(done);
	jw_obj_open(&out, "leak");
	jw_int(&out, "points", lk.points);
	jw_num(&out, "mb_per_request", lk.mb_per_request, 4);
	jw_arr_open(&out, "mb_per_request_ci95");
	jw_num(&out, NULL, lk.req_lo, 4);
	jw_num(&out, NULL, lk.req_hi, 4);
	jw_arr_close(&out);
	jw_num(&out, "r2", lk.r2, 4);
	jw_num(&out, "mb_per_minute", lk.mb_per_minute, 4);
	jw_arr_open(&out, "mb_per_minute_ci95");
	jw_num(&out, NULL, lk.min_lo, 4);
	jw_num(&out, NULL, lk.min_hi, 4);
	jw_arr_close(&out);
	jw_num(&out, "threshold_mb_per_request", leak_lim.mb_per_request, 3);
	jw_num(&out, "threshold_mb_per_minute", leak_lim.mb_per_minute, 3);
	jw_str(&out, "verdict", verdict_leak_name(lk.verdict));
	if (lk.error[0]) {
		jw_str(&out, "error", lk.error);
		diag_warn("memory: %s", lk.error);
		bad_memory = 1;
	}
	jw_obj_close(&out);
}

/* llmsim allocates mem_scale MB per simulated GB: its runs report memory
 * scaled back to simulated bytes, and say so. */
static double mem_factor(void)
{
	const cJSON *srv = cJSON_GetObjectItemCaseSensitive(A.run_ev, "server");
	double scale = jget_num(srv, "mem_scale_mb_per_gb", 0);

	return cJSON_IsTrue(
		   cJSON_GetObjectItemCaseSensitive(srv, "simulated")) &&
		       scale > 0
		   ? 1000 / scale
		   : 1;
}

/* A process tree's resident memory cannot exceed the machine's: a sum
 * that does counts shared pages many times (forked workers, a mapped
 * model) or strangers' processes.  Such a peak is reported as an error,
 * never as a figure.  Returns 1 when it was.  m: the n samples with a
 * process figure. */
static int impossible_peak(const struct memfig_sample *m, size_t n)
{
	const cJSON *host = jget_obj(A.run_ev, "host");
	double total = jget_num(host, "mem_total_bytes", 0), gpu;
	double peak = memfig_peak(m, n, &gpu);
	char why[300];

	if (total <= 0 || peak <= total * 1.02)
		return 0;
	snprintf(
	    why, sizeof why,
	    "the sampled processes' memory peaks at %.1f GB, "
	    "more than this machine's %.1f GB: shared pages were counted more "
	    "than once, or other processes were sampled (memsample -p PID or "
	    "--port PORT, or --pss)",
	    peak / 1e9, total / 1e9);
	diag_warn("memory: %s", why);
	jw_str(&out, "error", why);
	jw_int(&out, "samples", (long long)A.n_samples);
	bad_memory = 1;
	return 1;
}

/* The process figures from the n samples that carry one (the first n of
 * A.mem), scaled by f; gpu_peak is every sample's. */
static void write_process(size_t n, double f, double gpu_peak)
{
	double base, peak, gpu, decode, steady;
	char measure[160];
	struct stats_sum s;
	int before;
	size_t i;

	for (i = 0; f != 1 && i < n; i++)
		A.mem[i].bytes *= f;
	base = memfig_baseline(A.mem, n, first_any_send, &before);
	peak = memfig_peak(A.mem, n, &gpu);
	stats_summarise(&all.decode, &s);
	decode = s.mean;
	snprintf(
	    measure, sizeof measure, "%s%s", A.mem_kind,
	    f != 1
		? " (simulated: llmsim's allocation scaled to the model's size)"
		: "");
	jw_str(&out, "measure", measure);
	jw_int(&out, "samples", (long long)A.n_samples);
	jw_num(&out, "baseline_bytes", base, 0);
	jw_str(&out, "baseline_from",
	       before ? "last sample before the first "
			"request"
		      : "first sample (none before the first request)");
	jw_num(&out, "peak_bytes", peak, 0);
	jw_num(&out, "delta_bytes", peak - base, 0);
	steady = memfig_steady(A.mem, n, first_send, last_done);
	if (steady >= 0)
		jw_num(&out, "steady_bytes", steady, 0);
	if (gpu_peak > 0)
		jw_num(&out, "gpu_peak_bytes", gpu_peak, 0);
	jw_num(&out, "tps_per_gb", peak > 0 ? decode / (peak / 1e9) : 0, 4);
	write_timeline(n);
	write_leak(n);
}

/* The machine's memory (memsample's sys): each figure that some sample
 * carries, from those samples, unscaled (llmsim's scaling is of its own
 * allocation, not of the machine). */
static void write_system(void)
{
	static const char *const names[MEMFIG_NSYS] = {
	    [MEMFIG_WIRED] = "wired",
	    [MEMFIG_COMPRESSED] = "compressed",
	    [MEMFIG_SWAP_USED] = "swap_used",
	    [MEMFIG_USED] = "used",
	};
	struct memfig_span f;
	int k;

	if (A.n_sys == 0)
		return;
	memfig_sys_sort(A.sys, A.n_sys);
	jw_obj_open(&out, "system");
	for (k = 0; k < MEMFIG_NSYS; k++) {
		if (memfig_sys_span(A.sys, A.n_sys, (enum memfig_sysfig)k,
				    first_any_send, &f) != 0)
			continue;
		jw_obj_open(&out, names[k]);
		jw_num(&out, "baseline_bytes", f.baseline, 0);
		jw_num(&out, "peak_bytes", f.peak, 0);
		jw_num(&out, "growth_bytes", f.growth, 0);
		jw_obj_close(&out);
	}
	jw_obj_close(&out);
}

/* A sample without a process figure (memsample found no process to read,
 * or sampled only the GPU or the system) adds to no process figure: with
 * none at all the memory object has no process figures, never a -1 or a 0
 * standing for one. */
static void write_memory(void)
{
	double gpu_peak = 0, f = mem_factor();
	size_t n;

	if (A.n_samples == 0) {
		jw_null(&out, "memory");
		return;
	}
	memfig_sort(A.mem, A.n_mem);
	memfig_peak(A.mem, A.n_mem, &gpu_peak); /* the GPU's, of every sample */
	gpu_peak *= f;
	n = memfig_known(A.mem, A.n_mem);
	jw_obj_open(&out, "memory");
	if (n == 0) {
		jw_int(&out, "samples", (long long)A.n_samples);
		if (gpu_peak > 0)
			jw_num(&out, "gpu_peak_bytes", gpu_peak, 0);
	} else if (!impossible_peak(A.mem, n)) {
		write_process(n, f, gpu_peak);
	}
	write_system();
	jw_obj_close(&out);
}

static void num_or_null(const char *key, double v, int prec);

static void write_load(void)
{
	if (A.load_ev == NULL) {
		jw_null(&out, "load");
		return;
	}
	jw_obj_open(&out, "load");
	copy_item("method", A.load_ev);
	copy_item("command", A.load_ev);
	copy_item("seconds", A.load_ev);
	copy_item("server_seconds", A.load_ev);
	copy_item("status", A.load_ev);
	copy_item("error", A.load_ev);
	jw_obj_close(&out);
}

/* The model file's share in the page cache at the run's first and last
 * memsample --page-cache-event, and in the server's mappings where the
 * events name it (docs/metrics.md, MoE: weights touched by domain). */
static void write_page_cache(void)
{
	const cJSON *f = A.pc_first, *l = A.pc_last;
	double b0, b1;

	if (f == NULL) {
		jw_null(&out, "page_cache");
		return;
	}
	b0 = jget_num(f, "bytes", 0);
	b1 = jget_num(l, "bytes", 0);
	jw_obj_open(&out, "page_cache");
	copy_item("file", f);
	copy_item("bytes", l);
	num_or_null("start",
		    b0 > 0 ? jget_num(f, "resident_bytes", NAN) / b0 : NAN, 4);
	num_or_null("end",
		    b1 > 0 ? jget_num(l, "resident_bytes", NAN) / b1 : NAN, 4);
	num_or_null("mapped_start",
		    b0 > 0 ? jget_num(f, "mapped_bytes", NAN) / b0 : NAN, 4);
	num_or_null("mapped_end",
		    b1 > 0 ? jget_num(l, "mapped_bytes", NAN) / b1 : NAN, 4);
	jw_obj_close(&out);
}

/* Graded accuracy: the share of graded answers that were right, with its
 * Wilson interval, and how many items (prompts) it rests on. */
static void write_graded(void)
{
	double lo, hi;
	long items = 0;

	for (int i = 0; i < A.n_prompts; i++)
		items += A.prompts[i].graded > 0;
	slo_wilson(g_correct, g_checked, &lo, &hi);
	jw_obj_open(&out, "graded");
	jw_int(&out, "items", items);
	jw_int(&out, "checked", g_checked);
	jw_int(&out, "correct", g_correct);
	jw_num(&out, "accuracy", (double)g_correct / (double)g_checked, 4);
	jw_num(&out, "ci95_lo", lo, 4);
	jw_num(&out, "ci95_hi", hi, 4);
	jw_obj_close(&out);
}

static void write_stat(const char *key, double mean, double lo, double hi)
{
	jw_obj_open(&out, key);
	jw_num(&out, "mean", mean, 6);
	jw_num(&out, "ci95_lo", lo, 6);
	jw_num(&out, "ci95_hi", hi, 6);
}

/* The figures of the comparison with --reference (docs/metrics.md). */
static void write_lp_figures(const struct lpq_result *q)
{
	jw_obj_open(&out, "reference");
	jw_str(&out, "file", opt.reference);
	jw_str(&out, "model", lp_ref.model);
	jw_str(&out, "model_id", lp_ref.model_id);
	jw_obj_close(&out);
	jw_bool(&out, "family_checked", q->family_checked);
	jw_int(&out, "prompts", q->prompts);
	jw_int(&out, "positions", q->positions);
	write_stat("top1_agreement", q->top1, q->top1_lo, q->top1_hi);
	jw_obj_close(&out);
	write_stat("kl", q->kl, q->kl_lo, q->kl_hi);
	jw_num(&out, "p99", q->kl_p99, 6);
	jw_str(&out, "estimator", "top_k_and_rest");
	jw_obj_close(&out);
	jw_obj_open(&out, "first_divergence");
	jw_num(&out, "median", q->div_median, 1);
	jw_int(&out, "diverged", q->diverged);
	jw_obj_close(&out);
}

/* Logprobs: what the server gave, and with --reference the comparison,
 * or why there is none (its level of evidence "none", never a zero). */
static void write_logprobs(void)
{
	struct lpq_result q;
	char why[256];
	int cmp = -1, truncated;

	if (opt.reference == NULL)
		snprintf(why, sizeof why, "no --reference to compare with");
	else if ((cmp = lpq_compare(&lp_ref, &lp_cand, &q, why, sizeof why)) !=
		     0 &&
		 lp_ref.nseq > 0 && lp_cand.nseq > 0)
		diag_die(EXIT_RUNTIME, "--reference %s: %s", opt.reference,
			 why);
	truncated = cmp == 0 && lp_cand.asked > 0 && q.top_k < lp_cand.asked;
	jw_obj_open(&out, "logprobs");
	jw_str(&out, "evidence", cmp == 0 ? "logprobs" : "none");
	jw_int(&out, "asked", lp_cand.asked);
	jw_obj_open(&out, "given");
	jw_int(&out, "all", lp_cand.given[0]);
	jw_int(&out, "partial", lp_cand.given[1]);
	jw_int(&out, "none", lp_cand.given[2]);
	jw_obj_close(&out);
	if (cmp != 0) {
		jw_str(&out, "why", why);
	} else {
		jw_int(&out, "top_k", q.top_k);
		jw_bool(&out, "truncated", truncated);
		write_lp_figures(&q);
	}
	jw_obj_close(&out);
	if (cmp != 0 && opt.reference != NULL)
		diag_warn("no logprob figures: %s", why);
	if (truncated)
		diag_warn("logprobs: the server gave %d alternatives where %d "
			  "were asked; "
			  "the KL estimate rests on fewer (docs/metrics.md)",
			  q.top_k, lp_cand.asked);
}

/* Greedy agreement with --reference from the output texts: the level of
 * evidence every server allows (docs/metrics.md). */
static void write_agreement(void)
{
	struct agree_result a;
	char why[256];

	if (ag_cand.oom || ag_ref.oom)
		diag_die(EXIT_RUNTIME, "out of memory");
	if (lp_ref.family[0] && lp_cand.family[0] &&
	    strcmp(lp_ref.family, lp_cand.family) != 0)
		diag_die(
		    EXIT_RUNTIME,
		    "--reference %s: a run of %s, this one of %s: only "
		    "quantizations of one model are compared (label family)",
		    opt.reference, lp_ref.family, lp_cand.family);
	jw_obj_open(&out, "agreement");
	if (agree_compare(&ag_ref, &ag_cand, &a, why, sizeof why) != 0) {
		jw_str(&out, "evidence", "none");
		jw_str(&out, "why", why);
		jw_obj_close(&out);
		diag_warn("no greedy agreement: %s", why);
		return;
	}
	jw_str(&out, "evidence", "greedy_text");
	jw_str(&out, "reference", opt.reference);
	jw_int(&out, "prompts", a.prompts);
	jw_int(&out, "identical", a.identical);
	jw_num(&out, "share", a.share, 4);
	jw_num(&out, "ci95_lo", a.lo, 4);
	jw_num(&out, "ci95_hi", a.hi, 4);
	jw_obj_open(&out, "tokens_to_divergence");
	jw_int(&out, "diverged", a.diverged);
	if (a.diverged > 0) {
		jw_num(&out, "median", a.div_median, 1);
		jw_num(&out, "p10", a.div_p10, 1);
		jw_num(&out, "p90", a.div_p90, 1);
	}
	jw_obj_close(&out);
	jw_obj_close(&out);
}

/* The teacher-forced figures (docs/metrics.md): a KL, a share and a
 * perplexity change, each with its 95 % interval. */
static void write_tf_figures(const struct tfq_result *q)
{
	jw_int(&out, "prompts", q->prompts);
	jw_int(&out, "positions", q->positions);
	jw_int(&out, "top_k", q->top_k);
	jw_bool(&out, "exact", q->exact);
	jw_bool(&out, "family_checked", q->family_checked);
	jw_obj_open(&out, "kl"); /* a good quantization's is 1e-4 nats */
	jw_num(&out, "mean", q->kl, 9);
	jw_num(&out, "ci95_lo", q->kl_lo, 9);
	jw_num(&out, "ci95_hi", q->kl_hi, 9);
	jw_num(&out, "se", q->kl_se, 9);
	jw_num(&out, "p99", q->kl_p99, 9);
	jw_num(&out, "median", q->kl_median, 9);
	jw_str(&out, "estimator", q->exact ? "whole" : "top_k_and_rest");
	jw_obj_close(&out);
	jw_obj_open(&out, "same_top1");
	jw_int(&out, "same", q->same);
	jw_num(&out, "share", q->same_top, 6);
	jw_num(&out, "ci95_lo", q->same_lo, 6);
	jw_num(&out, "ci95_hi", q->same_hi, 6);
	jw_obj_close(&out);
	jw_obj_open(&out, "perplexity");
	if (q->ppl_missing > 0) {
		jw_int(&out, "missing", q->ppl_missing);
		jw_str(&out, "why",
		       "the forced token was not among a side's alternatives "
		       "at some positions: ask more (--logprobs)");
	} else {
		jw_num(&out, "reference", q->ppl_ref, 6);
		jw_num(&out, "candidate", q->ppl_cand, 6);
		write_stat("delta", q->dppl, q->dppl_lo, q->dppl_hi);
		jw_num(&out, "se", q->dppl_se, 6);
		jw_obj_close(&out);
		jw_num(&out, "ln_ratio", q->ln_ratio, 6);
		jw_num(&out, "ln_ratio_se", q->ln_ratio_se, 6);
	}
	jw_obj_close(&out);
	jw_bool(&out, "tie", q->tie);
}

/* Teacher-forced quality (level c): with --reference, the comparison; or
 * why there is none (evidence "none", never a zero). */
static void write_teacher_forced(void)
{
	struct tfq_result q;
	char why[400];
	int cmp = -1;

	if (tf_cand.oom || tf_ref.oom)
		diag_die(EXIT_RUNTIME, "out of memory");
	if (opt.reference == NULL)
		snprintf(why, sizeof why, "no --reference to compare with");
	else
		cmp = tfq_compare(&tf_ref, &tf_cand, &q, why, sizeof why);
	if (cmp != 0 && opt.reference != NULL &&
	    (strstr(why, "vocabularies") || strstr(why, "family") ||
	     strstr(why, "same tokens")))
		diag_die(EXIT_RUNTIME, "--reference %s: %s", opt.reference,
			 why);
	jw_obj_open(&out, "teacher_forced");
	jw_str(&out, "evidence", cmp == 0 ? "teacher_forced" : "none");
	jw_int(&out, "asked", tf_cand.asked);
	jw_obj_open(&out, "given");
	jw_int(&out, "all", tf_cand.given[0]);
	jw_int(&out, "truncated", tf_cand.given[1]);
	jw_int(&out, "none", tf_cand.given[2]);
	jw_obj_close(&out);
	jw_int(&out, "truncated_positions", tf_cand.truncated);
	if (cmp != 0) {
		jw_str(&out, "why", why);
	} else {
		jw_obj_open(&out, "reference");
		jw_str(&out, "file", opt.reference);
		jw_str(&out, "model", tf_ref.model);
		jw_obj_close(&out);
		write_tf_figures(&q);
	}
	jw_obj_close(&out);
	if (cmp != 0)
		diag_warn("no teacher-forced figures: %s", why);
}

static void write_quality(void)
{
	jw_obj_open(&out, "quality");
	jw_int(&out, "checked", q_checked);
	jw_int(&out, "passed", q_passed);
	jw_num(&out, "pass_rate",
	       q_checked ? (double)q_passed / (double)q_checked : 0, 4);
	if (g_checked > 0)
		write_graded();
	if (tf_cand.tf) /* a pass has no text and no logprobs of its own */
		write_teacher_forced();
	else if (opt.reference != NULL)
		write_agreement();
	if (!tf_cand.tf && (lp_cand.asked > 0 || opt.reference != NULL))
		write_logprobs();
	jw_obj_close(&out);
}

static void write_per_request(void)
{
	long id;

	jw_arr_open(&out, "per_request");
	for (id = 0; id < A.n_reqs; id++) {
		const struct req *r = &A.reqs[id];
		if (!r->seen_req && !r->seen_done)
			continue;
		jw_obj_open(&out, NULL);
		jw_int(&out, "id", r->id);
		jw_str(&out, "prompt",
		       r->prompt >= 0 ? A.prompts[r->prompt].name : NULL);
		jw_int(&out, "rep", r->rep);
		jw_bool(&out, "warmup", r->warmup);
		jw_str(&out, "status",
		       r->seen_done
			   ? formats_status_name((enum formats_status)r->status)
			   : "unfinished");
		jw_num(&out, "t_send", r->t_send, 6);
		if (r->tok_chunks > 0)
			jw_num(&out, "ttft_s", r->t_first_tok - r->t_send, 6);
		if (r->seen_done)
			jw_num(&out, "e2e_s", r->t_done - r->t_send, 6);
		jw_int(&out, "output_tokens", r->out_tokens);
		if (decoded_tokens(r) >= 2 && r->t_last_tok > r->t_first_tok)
			jw_num(&out, "decode_tps",
			       (decoded_tokens(r) - 1) /
				   (r->t_last_tok - r->t_first_tok),
			       3);
		if (r->quality >= 0)
			jw_bool(&out, "expect_passed", r->quality);
		if (r->graded >= 0)
			jw_bool(&out, "answer_correct", r->graded);
		jw_obj_close(&out);
	}
	jw_arr_close(&out);
}

/* Why the summary may not be the whole run. */
static void write_incomplete(void)
{
	const char *why[6];
	char bad[240], refused[700];
	const char *reason = A.end_ev ? jget_str(A.end_ev, "reason") : NULL;
	int n = 0, i;

	if (A.run_ev && A.end_ev == NULL)
		why[n++] = "no end event: the run was cut short";
	if (n_unfinished > 0)
		why[n++] = "requests without a done event";
	if (reason && !strcmp(reason, "signal"))
		why[n++] = "the run was stopped by a signal";
	if (reason &&
	    !strcmp(reason, "wrong_model")) { /* gen measured nothing */
		snprintf(refused, sizeof refused, "gen refused to measure: %s",
			 jget_str(A.end_ev, "error")
			     ? jget_str(A.end_ev, "error")
			     : "the wrong model is loaded");
		why[n++] = refused;
	}
	if (reason && !strcmp(reason, "not_counted")) { /* nothing was sent */
		snprintf(refused, sizeof refused,
			 "gen sent nothing: the prompt was not brought to its "
			 "token count: %s",
			 jget_str(A.end_ev, "error")
			     ? jget_str(A.end_ev, "error")
			     : "no reason given");
		why[n++] = refused;
	}
	if (A.run_ev == NULL && A.n_reqs > 0)
		why[n++] = "no run event: metadata unknown";
	if (n_bad > 0) {
		if (n_bad == 1)
			snprintf(bad, sizeof bad, "1 request left out: %s",
				 first_bad);
		else
			snprintf(bad, sizeof bad,
				 "%ld requests left out; the first: %s", n_bad,
				 first_bad);
		why[n++] = bad;
	}
	jw_bool(&out, "incomplete", n > 0);
	jw_arr_open(&out, "incomplete_reasons");
	for (i = 0; i < n; i++) {
		jw_str(&out, NULL, why[i]);
		diag_warn("incomplete run: %s", why[i]);
	}
	jw_arr_close(&out);
}

/* A figure, or null when unknown (never a 0 for what was not measured). */
static void num_or_null(const char *key, double v, int prec)
{
	if (v >= 0)
		jw_num(&out, key, v, prec);
	else
		jw_null(&out, key);
}

/* power.timeline: [seconds, W, °C] from the first request sent, as the
 * memory timeline; null where a slot had no such figure. */
static void write_power_timeline(void)
{
	static struct powfig_point pts[TIMELINE_POINTS];
	int k, n = powfig_timeline(A.pow, A.n_pow,
				   isfinite(first_any_send) ? first_any_send
							    : A.pow[0].t,
				   pts, TIMELINE_POINTS);

	jw_arr_open(&out, "timeline");
	for (k = 0; k < n; k++) {
		jw_arr_open(&out, NULL);
		jw_num(&out, NULL, pts[k].s, 3);
		num_or_null(NULL, pts[k].w, 3);
		num_or_null(NULL, pts[k].temp, 2);
		jw_arr_close(&out);
	}
	jw_arr_close(&out);
}

/* Power and heat over the measured window, from memsample --power
 * (docs/metrics.md, Power and heat): each figure with its source, and
 * null with the reasons memsample gave when no source measured it. */
static void write_power(void)
{
	struct powfig f;
	double e;

	if (A.n_pow == 0) {
		jw_null(&out, "power");
		return;
	}
	if (powfig_compute(A.pow, A.n_pow, first_send, last_done, &f) != 0)
		diag_die(EXIT_RUNTIME, "out of memory");
	e = f.energy_j;
	jw_obj_open(&out, "power");
	jw_int(&out, "samples", (long long)f.n);
	jw_num(&out, "window_s",
	       last_done > first_send ? last_done - first_send : 0, 6);
	jw_num(&out, "covered_s", f.covered_s, 6);
	num_or_null("energy_j", e, 3);
	num_or_null("mean_w", f.mean_w, 3);
	num_or_null("p95_w", f.p95_w, 3);
	num_or_null("j_per_output_token",
		    e >= 0 && sum_out_ok > 0 ? e / sum_out_ok : -1, 6);
	num_or_null("j_per_request", e >= 0 && n_ok > 0 ? e / (double)n_ok : -1,
		    4);
	if (e >= 0)
		jw_str(&out, "energy_source", A.pow_total_of);
	num_or_null("peak_temp_c", f.peak_temp, 2);
	if (f.peak_temp_src >= 0)
		jw_str(&out, "peak_temp_source", A.pow_names[f.peak_temp_src]);
	if (f.thermal_max >= 0)
		jw_str(&out, "thermal_max",
		       formats_thermal_name(f.thermal_max));
	else
		jw_null(&out, "thermal_max");
	num_or_null("throttled_share", f.throttled_share, 4);
	if (A.pow_throttled_by[0])
		jw_str(&out, "throttled_by", A.pow_throttled_by);
	if (A.pow_unknown != NULL) {
		char *u = cJSON_PrintUnformatted(A.pow_unknown);
		if (u == NULL)
			diag_die(EXIT_RUNTIME, "out of memory");
		jw_raw(&out, "unknown", u);
		free(u);
	}
	write_power_timeline();
	jw_obj_close(&out);
}

/* Sustained speed (src/agg/sustain; docs/metrics.md, Sustained speed):
 * each successful measured request's decode TPS at the middle of its
 * decode, the first third of the measured window against the last. */
static void write_sustained(void)
{
	struct sustain_req *rq =
	    diag_xrealloc(NULL, (size_t)(A.n_reqs + 1) * sizeof *rq);
	struct sustain su;
	size_t n = 0;
	long id;

	for (id = 0; id < A.n_reqs; id++) {
		const struct req *r = &A.reqs[id];
		double nd = decoded_tokens(r),
		       span = r->t_last_tok - r->t_first_tok;
		if (r->warmup || r->status != FMT_ST_OK || r->bad != NULL ||
		    r->tok_chunks == 0 || nd < 2 || !(span > 0))
			continue;
		rq[n].t = (r->t_first_tok + r->t_last_tok) / 2;
		rq[n++].tps = (nd - 1) / span;
	}
	if (sustain_compute(rq, n, first_send, last_done, &su) != 0)
		diag_die(EXIT_RUNTIME, "out of memory");
	free(rq);
	jw_obj_open(&out, "sustained");
	jw_int(&out, "first_n", (long long)su.n_first);
	jw_int(&out, "last_n", (long long)su.n_last);
	num_or_null("first_decode_tps", su.first_tps, 3);
	num_or_null("last_decode_tps", su.last_tps, 3);
	if (su.verdict == VD_SUS_UNKNOWN) {
		jw_null(&out, "ratio");
		jw_null(&out, "ratio_ci95");
	} else {
		jw_num(&out, "ratio", su.ratio, 4);
		jw_arr_open(&out, "ratio_ci95");
		jw_num(&out, NULL, su.lo, 4);
		jw_num(&out, NULL, su.hi, 4);
		jw_arr_close(&out);
	}
	jw_num(&out, "band", SUSTAIN_BAND, 3);
	jw_str(&out, "verdict", verdict_sustain_name(su.verdict));
	if (su.why[0])
		jw_str(&out, "reason", su.why);
	jw_obj_close(&out);
}

static void write_all(void)
{
	char bwhy[400];

	jw_init(&out);
	jw_obj_open(&out, NULL);
	jw_str(&out, "format", FMT_RUN);
	jw_int(&out, "version", FMT_RUN_VERSION);
	jw_str(&out, "tool", "agg");
	jw_str(&out, "tool_version", TB_VERSION);
	write_incomplete();
	write_run();
	write_requests();
	write_tokens();
	write_metrics();
	write_throughput();
	write_goodput();
	write_quality();
	write_prompts();
	write_memory();
	write_power();
	write_sustained();
	write_load();
	write_page_cache();
	if (benchfig_write(&out, &A, bwhy, sizeof bwhy)) /* gen --bench */
		diag_warn("%s", bwhy);
	if (opt.per_request)
		write_per_request();
	jw_obj_open(&out, "input");
	jw_int(&out, "events", A.n_events);
	jw_int(&out, "invalid_lines", A.n_invalid);
	jw_int(&out, "unknown_events", A.n_unknown);
	jw_obj_close(&out);
	jw_obj_close(&out);
}

/* ---- main ------------------------------------------------------------- */

static void emit_output(void)
{
	size_t len;
	const char *s = jw_cstr(&out);

	if (out.oom) /* never an empty or cut summary with exit 0 */
		diag_die(EXIT_RUNTIME, "out of memory writing the summary");
	len = strlen(s);
	if (opt.out == NULL) {
		if (fwrite(s, 1, len, stdout) != len ||
		    fputc('\n', stdout) == EOF)
			diag_die(EXIT_RUNTIME, "stdout: write error: %s",
				 strerror(errno));
		return;
	}
	char *withnl = malloc(len + 2);
	if (withnl == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	memcpy(withnl, s, len);
	withnl[len] = '\n';
	if (fileio_write_atomic(opt.out, withnl, len + 1,
				opt.force ? 0 : FIO_NOCLOBBER) != 0) {
		int e = errno;
		free(withnl);
		diag_die(EXIT_RUNTIME, "%s: %s%s", opt.out, strerror(e),
			 e == EEXIST ? " (results are never overwritten; "
				       "--force replaces it)"
				     : "");
	}
	free(withnl);
}

static void free_all(void)
{
	struct stats_vec *vs[] = {
	    &all.ttft,		&all.ttfb,    &all.ttfo,       &all.decode,
	    &all.e2e,		&all.e2e_tps, &all.prefill,    &all.tpot_vllm,
	    &all.tpot_guidellm, &all.queue,   &all.out_tokens, &all.srv_decode,
	    &all.srv_prefill};

	for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++)
		stats_vec_free(vs[i]);
	evacc_free(&A);
	lpq_free(&lp_cand);
	lpq_free(&lp_ref);
	tfq_free(&tf_cand);
	tfq_free(&tf_ref);
	agree_free(&ag_cand);
	agree_free(&ag_ref);
	free(sreq);
	jw_free(&out);
}

/* Long-only options: one enumeration from 256, as in every tool. */
enum {
	O_MEM = 256,
	O_SLO,
	O_PER_REQUEST,
	O_STRICT,
	O_FORCE,
	O_LEAK_THRESHOLD,
	O_LEAK_PER_MINUTE,
	O_REFERENCE
};

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"mem", 1, 0, O_MEM},
	    {"slo", 1, 0, O_SLO},
	    {"per-request", 0, 0, O_PER_REQUEST},
	    {"strict", 0, 0, O_STRICT},
	    {"output", 1, 0, 'o'},
	    {"force", 0, 0, O_FORCE},
	    {"leak-threshold", 1, 0, O_LEAK_THRESHOLD},
	    {"leak-per-minute", 1, 0, O_LEAK_PER_MINUTE},
	    {"reference", 1, 0, O_REFERENCE},
	    {"help", 0, 0, 'h'},
	    {"version", 0, 0, 'V'},
	    {0, 0, 0, 0}};
	int c;
	uint64_t b;

	while ((c = getopt_long(argc, argv, "p:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case O_MEM:
			if (n_mem_files == 64)
				diag_die(EXIT_USAGE,
					 "more than 64 --mem files");
			mem_files[n_mem_files++] = optarg;
			break;
		case 'p': parse_pcts(optarg); break;
		case O_SLO: parse_slo(optarg); break;
		case O_PER_REQUEST: opt.per_request = 1; break;
		case O_STRICT: opt.strict = 1; break;
		case 'o': opt.out = optarg; break;
		case O_REFERENCE: opt.reference = optarg; break;
		case O_FORCE: opt.force = 1; break;
		case O_LEAK_THRESHOLD:
			if (units_bytes(optarg, &b) != UNITS_OK)
				diag_die(EXIT_USAGE,
					 "--leak-threshold %s: not a size",
					 optarg);
			leak_lim.mb_per_request = (double)b / 1e6;
			break;
		case O_LEAK_PER_MINUTE:
			if (units_bytes(optarg, &b) != UNITS_OK)
				diag_die(EXIT_USAGE,
					 "--leak-per-minute %s: not a size",
					 optarg);
			leak_lim.mb_per_minute = (double)b / 1e6;
			break;
		case 'h': usage(EXIT_OK); break;
		case 'V': diag_version(TB_VERSION);
		default: usage(EXIT_USAGE);
		}
	}
}

/* The reference run's events (--reference): only their logprobs matter. */
static void read_reference(const char *path)
{
	FILE *f = fopen(path, "r");
	ndjson_reader *r;
	cJSON *ev;

	if (f == NULL)
		diag_die(EXIT_RUNTIME, "--reference %s: %s", path,
			 strerror(errno));
	if ((r = ndjson_open(f, path, 0)) == NULL)
		diag_die(EXIT_RUNTIME, "out of memory");
	while (ndjson_next(r, &ev) == ND_OK) {
		lpq_event(&lp_ref, ev);
		tfq_event(&tf_ref, ev);
		agree_event(&ag_ref, ev);
		cJSON_Delete(ev);
	}
	if (lp_ref.oom || tf_ref.oom)
		diag_die(EXIT_RUNTIME, "out of memory");
	ndjson_close(r);
	fclose(f);
}

/* Reads every input: the --mem files, then the others, or standard input
 * when no file is named. */
static void read_inputs(int argc, char **argv)
{
	int i;

	/* -o over an input would replace what is being read, --force or not */
	for (i = 0; opt.out != NULL && i < n_mem_files + argc - optind; i++) {
		const char *in = i < n_mem_files
				     ? mem_files[i]
				     : argv[optind + i - n_mem_files];
		if (fileio_same_file(opt.out, in))
			diag_die(EXIT_USAGE,
				 "-o %s is also an input: writing it "
				 "would destroy what is read",
				 opt.out);
	}

	for (i = 0; i < n_mem_files; i++)
		read_file(mem_files[i]);
	if (opt.reference != NULL)
		read_reference(opt.reference);
	for (i = optind; i < argc; i++)
		read_file(argv[i]);
	if (n_mem_files == 0 && optind == argc)
		read_file("-");
}

/* A run in which no measured request succeeded has no speed to report:
 * the summary is written (its failures are the result) and agg says why,
 * with the commonest failure, and exits 1.  So does a run with no
 * measured request at all (a failed load, a run stopped at once). */
static int no_success(void)
{
	int i, top = -1;

	if (n_ok > 0)
		return 0;
	if (n_measured == 0) {
		const char *err = jget_str(A.load_ev, "error");
		diag_warn(
		    "no measured request in the run%s%s; the summary has no "
		    "speed figures",
		    err ? ": the load failed: " : "", err ? err : "");
		return 1;
	}
	for (i = 0; i < FMT_ST_COUNT; i++)
		if (i != FMT_ST_OK &&
		    (top < 0 || by_status[i] > by_status[top]))
			top = i;
	/* a request with no done event (a cut run) has no status: it is
	 * named as unfinished, never as the first failure kind */
	if (by_status[top] == 0)
		diag_warn("no request succeeded: %ld of %ld unfinished (no "
			  "done event); the summary has no speed figures",
			  n_unfinished, n_measured);
	else
		diag_warn("no request succeeded: %ld of %ld failed, most with "
			  "%s%s; the summary has no speed figures",
			  n_measured - n_ok - n_unfinished, n_measured,
			  formats_status_name((enum formats_status)top),
			  n_unfinished ? ", the rest unfinished (no done event)"
				       : "");
	return 1;
}

int main(int argc, char **argv)
{
	int rc;

	clock_init();
	diag_init(argv[0]);
	/* a reader that went away (agg ... | head) is a write error with a
	 * message and exit 1, as in every tool, not a death by SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv);
	evacc_init(&A, opt.strict);
	lpq_init(&lp_cand);
	lpq_init(&lp_ref);
	tfq_init(&tf_cand);
	tfq_init(&tf_ref);
	agree_init(&ag_cand);
	agree_init(&ag_ref);
	A.warn = ndjson_warn_skipped;
	read_inputs(argc, argv);
	if (A.n_events == 0)
		diag_die(EXIT_RUNTIME, "no events in the input");
	measure_all();
	write_all();
	emit_output();
	if (A.n_invalid > 0)
		diag_warn("%ld invalid line%s skipped", A.n_invalid,
			  A.n_invalid > 1 ? "s" : "");
	rc = no_success() || bad_memory ? EXIT_RUNTIME : EXIT_OK;
	free_all();
	return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : rc;
}
