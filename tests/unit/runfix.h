/* runfix.h: run JSON files written as agg would, with worked-out values,
 * for the unit tests of the report's layers (t_rundata, t_decide,
 * t_mdreport), capacity searches among them.  Each
 * test program includes it once. */
#ifndef TB_RUNFIX_H
#define TB_RUNFIX_H

#include <stdlib.h>
#include <unistd.h>

#include <cJSON.h>

#include "tap.h"

#include "rundata.h"
#include "slo.h"
#include "stats.h"

static char dir[] = "/tmp/t_runfix.XXXXXX";

#define NP 5
static const char *names[NP] = {"short", "medium", "long", "reasoning",
				"instruction"};
static const double ptok[NP] = {17, 40, 60, 30, 200};
/* TTFT (s) and decode TPS of each prompt: very different per prompt */
static const double TTFT[NP] = {0.1, 0.5, 2.0, 8.0, 0.02};
static const double DEC[NP] = {40, 42, 44, 46, 48};

struct spec {
	const char *file, *model, *quant, *prompts;
	int conc, max_tokens, reps;
	double ttft_x, dec_x; /* every request's TTFT, decode scaled */
	double steady_gb, peak_gb, agg_tps;
	int drop_per_request; /* an older run: per_prompt only */
};

/* What the next runs written also have (clear() resets it). */
static struct extra {
	double load_s; /* > 0: a load of that many seconds */
	int load_failed;
	int checked, passed; /* expect checks */
	int failed;	     /* failed requests besides the ok ones */
	double model_gb;     /* > 0: the server told the model's size */
	double srv_decode;   /* > 0: the server's decode TPS, every request */
	int shuffle;	     /* gen --shuffle (a soak) */
	int reasoning;	     /* reasoning tokens; TTFO p50 = 2 x TTFT mean */
	int context;	     /* prompts with synthetic contexts of
			      * 1000 x (i + 1) tokens, prefill 1000 / (i + 1) */
	int sys;	     /* memory.system with the three below, each
			      * left out when negative (GB) */
	double wired_gb, compressed_gb, swap_gb; /* peak, growth, growth */
} X;

/* Writes one run JSON as agg would, with every request of every prompt
 * rep times: TTFT[i] * ttft_x, DEC[i] * dec_x, 32 tokens each. */
static void write_run(const struct spec *s)
{
	cJSON *d = cJSON_CreateObject(), *run, *cfg, *lab, *pp, *pr, *o, *m;
	struct stats_vec dv = {0}, tv = {0};
	struct stats_sum ds, ts;
	char path[256], *text;
	FILE *f;
	int i, r, id = 0;

	cJSON_AddStringToObject(d, "format", "tokbench-run");
	cJSON_AddNumberToObject(d, "version", 1);
	run = cJSON_AddObjectToObject(d, "run");
	cJSON_AddStringToObject(run, "model", s->model);
	cJSON_AddStringToObject(run, "api", "chat");
	lab = cJSON_AddObjectToObject(run, "labels");
	cJSON_AddStringToObject(lab, "quant", s->quant);
	cfg = cJSON_AddObjectToObject(run, "config");
	cJSON_AddNumberToObject(cfg, "concurrency", s->conc);
	cJSON_AddNumberToObject(cfg, "max_tokens", s->max_tokens);
	cJSON_AddStringToObject(cfg, "prompts", s->prompts);
	if (X.shuffle)
		cJSON_AddBoolToObject(cfg, "shuffle", 1);
	pp = cJSON_AddObjectToObject(d, "per_prompt");
	pr = cJSON_AddArrayToObject(d, "per_request");
	for (i = 0; i < NP; i++) {
		double t = TTFT[i] * s->ttft_x, v = DEC[i] * s->dec_x;
		o = cJSON_AddObjectToObject(pp, names[i]);
		cJSON_AddNumberToObject(o, "n", s->reps);
		cJSON_AddNumberToObject(o, "ok", s->reps);
		cJSON_AddNumberToObject(
		    cJSON_AddObjectToObject(o, "prompt_tokens"), "mean",
		    X.context ? 1000.0 * (i + 1) : ptok[i]);
		if (X.context) {
			cJSON_AddNumberToObject(o, "synthetic_tokens",
						1000 * (i + 1));
			m = cJSON_AddObjectToObject(o, "prefill_tps");
			cJSON_AddNumberToObject(m, "n", s->reps);
			cJSON_AddNumberToObject(m, "mean", 1000.0 / (i + 1));
		}
		m = cJSON_AddObjectToObject(o, "ttft_s");
		cJSON_AddNumberToObject(m, "n", s->reps);
		cJSON_AddNumberToObject(m, "mean", t);
		m = cJSON_AddObjectToObject(o, "decode_tps");
		cJSON_AddNumberToObject(m, "n", s->reps);
		cJSON_AddNumberToObject(m, "mean", v);
	}
	for (r = 0; r < s->reps; r++)
		for (i = 0; i < NP; i++) {
			double t = TTFT[i] * s->ttft_x, v = DEC[i] * s->dec_x;
			o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", ++id);
			cJSON_AddStringToObject(o, "prompt", names[i]);
			cJSON_AddNumberToObject(o, "rep", r);
			cJSON_AddStringToObject(o, "status", "ok");
			cJSON_AddNumberToObject(o, "ttft_s", t);
			cJSON_AddNumberToObject(o, "e2e_s", t + 31 / v);
			cJSON_AddNumberToObject(o, "decode_tps", v);
			cJSON_AddItemToArray(pr, o);
			stats_push(&dv, v);
			stats_push(&tv, t);
		}
	/* failed requests and a warm-up: none is a measured success */
	for (i = 0; i < X.failed; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "prompt", "short");
		cJSON_AddStringToObject(o, "status", "http_error");
		cJSON_AddItemToArray(pr, o);
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "prompt", "short");
	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddBoolToObject(o, "warmup", 1);
	cJSON_AddNumberToObject(o, "ttft_s", 99);
	cJSON_AddItemToArray(pr, o);
	if (s->drop_per_request)
		cJSON_DeleteItemFromObject(d, "per_request");
	stats_summarise(&dv, &ds);
	stats_summarise(&tv, &ts);
	m = cJSON_AddObjectToObject(cJSON_AddObjectToObject(d, "metrics"),
				    "decode_tps");
	cJSON_AddNumberToObject(m, "n", (double)ds.n);
	cJSON_AddNumberToObject(m, "mean", ds.mean);
	cJSON_AddNumberToObject(m, "ci95_lo", ds.ci_lo);
	cJSON_AddNumberToObject(m, "ci95_hi", ds.ci_hi);
	m = cJSON_AddObjectToObject(cJSON_GetObjectItem(d, "metrics"),
				    "ttft_s");
	cJSON_AddNumberToObject(m, "mean", ts.mean);
	m = cJSON_AddObjectToObject(cJSON_GetObjectItem(d, "metrics"), "e2e_s");
	cJSON_AddNumberToObject(m, "mean", ts.mean + 1);
	/* queue p95 of 1 ms per user, over the run's requests */
	m = cJSON_AddObjectToObject(cJSON_GetObjectItem(d, "metrics"),
				    "queue_delay_s");
	cJSON_AddNumberToObject(m, "n", (double)ds.n);
	cJSON_AddNumberToObject(m, "p95", 0.001 * s->conc);
	if (X.reasoning) {
		m = cJSON_AddObjectToObject(cJSON_GetObjectItem(d, "metrics"),
					    "ttfo_s");
		cJSON_AddNumberToObject(m, "n", (double)ts.n);
		cJSON_AddNumberToObject(m, "p50", 2 * ts.mean);
		cJSON_AddNumberToObject(cJSON_AddObjectToObject(d, "tokens"),
					"reasoning", X.reasoning);
	}
	if (X.srv_decode > 0) {
		m = cJSON_AddObjectToObject(
		    cJSON_AddObjectToObject(d, "server_reported"),
		    "decode_tps");
		cJSON_AddNumberToObject(m, "n", (double)ds.n);
		cJSON_AddNumberToObject(m, "mean", X.srv_decode);
	}
	if (X.model_gb > 0)
		cJSON_AddNumberToObject(cJSON_AddObjectToObject(run, "server"),
					"model_bytes", X.model_gb * 1e9);
	o = cJSON_AddObjectToObject(d, "requests");
	cJSON_AddNumberToObject(o, "measured", NP * s->reps + X.failed);
	cJSON_AddNumberToObject(o, "ok", NP * s->reps);
	o = cJSON_AddObjectToObject(d, "memory");
	cJSON_AddNumberToObject(o, "steady_bytes", s->steady_gb * 1e9);
	cJSON_AddNumberToObject(o, "peak_bytes", s->peak_gb * 1e9);
	if (X.sys) {
		cJSON *sy = cJSON_AddObjectToObject(o, "system");
		const char *k[3] = {"wired", "compressed", "swap_used"};
		double v[3] = {X.wired_gb, X.compressed_gb, X.swap_gb};
		for (i = 0; i < 3; i++)
			if (v[i] >= 0) {
				/* a baseline of 1 GB: peak - growth */
				m = cJSON_AddObjectToObject(sy, k[i]);
				cJSON_AddNumberToObject(m, "baseline_bytes",
							1e9);
				cJSON_AddNumberToObject(m, "peak_bytes",
							i ? 1e9 + v[i] * 1e9
							  : v[i] * 1e9);
				cJSON_AddNumberToObject(m, "growth_bytes",
							i ? v[i] * 1e9
							  : v[i] * 1e9 - 1e9);
			}
	}
	o = cJSON_AddObjectToObject(d, "throughput");
	cJSON_AddNumberToObject(o, "aggregate_tps", s->agg_tps);
	cJSON_AddNumberToObject(o, "jain_fairness", 1 - 0.01 * s->conc);
	if (X.load_s > 0 || X.load_failed) {
		o = cJSON_AddObjectToObject(d, "load");
		cJSON_AddStringToObject(o, "status",
					X.load_failed ? "error" : "ok");
		if (!X.load_failed) {
			cJSON_AddNumberToObject(o, "seconds", X.load_s);
			/* the server's own figure: 0.2 s less */
			cJSON_AddNumberToObject(o, "server_seconds",
						X.load_s - 0.2);
		}
	}
	if (X.checked) {
		o = cJSON_AddObjectToObject(d, "quality");
		cJSON_AddNumberToObject(o, "checked", X.checked);
		cJSON_AddNumberToObject(o, "passed", X.passed);
	}
	snprintf(path, sizeof path, "%s/%s", dir, s->file);
	text = cJSON_Print(d);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	free(text);
	cJSON_Delete(d);
	stats_vec_free(&dv);
	stats_vec_free(&tv);
}

/* One level of a capacity search at ttft_p95<=3s, as agg and
 * scripts/capacity.sh write it: users, met of 20 requests (the verdict
 * held when 19 or more met, as a p95 of 20 says), goodput tps; t orders
 * the runs of the search. */
static inline void write_level(const char *quant, int users, int met,
			       double tps, double t)
{
	cJSON *d = cJSON_CreateObject(), *run, *o, *gp, *obj;
	const char *v = met >= 19 ? "held" : "broke";
	double lo, hi;
	char path[256], *text;
	FILE *f;

	cJSON_AddStringToObject(d, "format", "tokbench-run");
	cJSON_AddNumberToObject(d, "version", 2);
	run = cJSON_AddObjectToObject(d, "run");
	cJSON_AddStringToObject(run, "model", "M");
	cJSON_AddNumberToObject(run, "t_start", t);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(run, "labels"), "quant",
				quant);
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(run, "config"),
				"concurrency", users);
	o = cJSON_AddObjectToObject(run, "kind");
	cJSON_AddStringToObject(o, "name", "capacity");
	cJSON_AddStringToObject(o, "series", quant);
	o = cJSON_AddObjectToObject(d, "requests");
	cJSON_AddNumberToObject(o, "measured", 20);
	cJSON_AddNumberToObject(o, "ok", 20);
	gp = cJSON_AddObjectToObject(d, "goodput");
	obj = cJSON_CreateObject();
	cJSON_AddStringToObject(obj, "objective", "ttft_p95<=3s");
	cJSON_AddStringToObject(obj, "metric", "ttft");
	cJSON_AddNumberToObject(obj, "pct", 95);
	cJSON_AddNumberToObject(obj, "bound", 3);
	cJSON_AddNumberToObject(obj, "value", met >= 19 ? 2 : 4);
	cJSON_AddStringToObject(obj, "verdict", v);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(gp, "objectives"), obj);
	cJSON_AddStringToObject(gp, "verdict", v);
	if (met < 19)
		cJSON_AddStringToObject(gp, "worst", "ttft_p95<=3s");
	slo_wilson(met, 20, &lo, &hi);
	cJSON_AddNumberToObject(gp, "met", met);
	cJSON_AddNumberToObject(gp, "fraction", met / 20.0);
	cJSON_AddNumberToObject(gp, "ci95_lo", lo);
	cJSON_AddNumberToObject(gp, "ci95_hi", hi);
	cJSON_AddNumberToObject(gp, "rate", met / 10.0);
	cJSON_AddNumberToObject(gp, "tokens_per_s", tps);
	snprintf(path, sizeof path, "%s/cap-%s-%d.json", dir, quant, users);
	text = cJSON_Print(d);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	free(text);
	cJSON_Delete(d);
}

/* A search doubling to 8 users, then 6 and 5, every level all met or
 * none but level 5 (met5 of 20) and 4 (goodput tps4); the group's own
 * run beside it, so that it may be picked. */
static inline void write_search(const char *quant, int met5, double tps4)
{
	static const int users[] = {1, 2, 4, 8, 6, 5};
	char file[64];
	int i;

	snprintf(file, sizeof file, "%s.json", quant);
	write_run(&(struct spec){file, "M", quant, "std.json", 1, 32, 2, 1, 1,
				 100, 110, 40, 0});
	for (i = 0; i < 6; i++)
		write_level(quant, users[i],
			    users[i] == 5   ? met5
			    : users[i] <= 4 ? 20
					    : 0,
			    users[i] == 4 ? tps4 : 100.0 * users[i], 1000 + i);
}

static const char *by[] = {"model", "quant"};

static struct rd_set load(void)
{
	struct rd_set s;

	rd_init(&s, by, 2);
	CHECK_INT(rd_add_path(&s, dir), 0);
	CHECK_INT(rd_build(&s), 0);
	return s;
}

static inline const struct rd_group *group(const struct rd_set *s,
					   const char *key)
{
	for (int i = 0; i < s->ng; i++)
		if (strcmp(s->g[i].key, key) == 0)
			return &s->g[i];
	printf("# no group %s\n", key);
	return NULL;
}

static void clear(void)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -f %s/*.json", dir);
	CHECK_INT(system(cmd), 0);
	memset(&X, 0, sizeof X);
}

#endif
