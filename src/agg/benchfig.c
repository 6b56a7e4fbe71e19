/* benchfig: a bench run's figure in llama-bench's terms (benchfig.h). */
#include "benchfig.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "formats.h"
#include "jget.h"
#include "runkind.h"
#include "stats.h"

struct bench_acc {
	struct runkind k;
	double latency;	    /* s; 0 when not measured */
	long target;	    /* prompt tokens asked; 0: not counted */
	const char *method; /* how they were counted (config.prompt_count) */
	struct stats_vec tps, srv;
	long n_ok, n_inexact;
	char mismatch[200]; /* the first request whose tokens were not the
			       test's */
};

/* The request's tokens against the test's; 1 when exact. */
static int exact(struct bench_acc *b, const struct req *r)
{
	long want_out = b->k.test == RK_PP ? 1 : b->k.n;

	if (b->mismatch[0] == '\0' && b->target > 0 && r->prompt_tokens < 0) {
		snprintf(b->mismatch, sizeof b->mismatch,
			 "request %ld: the reply has no usage.prompt_tokens, "
			 "so its prompt's tokens are unknown",
			 r->id);
		return 0;
	}
	if (b->mismatch[0] == '\0' && b->target > 0 &&
	    r->prompt_tokens != b->target) {
		snprintf(b->mismatch, sizeof b->mismatch,
			 "request %ld: %ld prompt "
			 "tokens by the server's count, not %ld",
			 r->id, r->prompt_tokens, b->target);
		return 0;
	}
	if (b->target > 0 && r->prompt_tokens != b->target)
		return 0;
	if (r->out_tokens != want_out) {
		if (b->mismatch[0] == '\0')
			snprintf(b->mismatch, sizeof b->mismatch,
				 "request %ld: %ld output "
				 "tokens, not %ld",
				 r->id, r->out_tokens, want_out);
		return 0;
	}
	return 1;
}

/* One measured request's t/s: pp, its prompt over TTFT less the latency
 * (llama-benchy); tg, (N - 1) over the first to the last token. */
static void add(struct bench_acc *b, const struct req *r)
{
	double ttft = r->t_first_tok - r->t_send;
	double span = r->t_last_tok - r->t_first_tok;

	b->n_ok++;
	if (!exact(b, r)) { /* no figure from a request of other tokens */
		b->n_inexact++;
		return;
	}
	if (b->k.test == RK_PP && r->tok_chunks > 0 && r->prompt_tokens > 0 &&
	    ttft - b->latency > 0)
		stats_push(&b->tps,
			   (double)r->prompt_tokens / (ttft - b->latency));
	if (b->k.test == RK_TG && r->out_tokens >= 2 && span > 0)
		stats_push(&b->tps, (double)(r->out_tokens - 1) / span);
	if (b->k.test == RK_PP ? r->srv_prefill > 0 : r->srv_decode > 0)
		stats_push(&b->srv,
			   b->k.test == RK_PP ? r->srv_prefill : r->srv_decode);
}

/* {"n", "mean", "sd"[, "samples"]}: llama-bench's avg_ts and stddev_ts. */
static void write_sum(jw *w, const char *key, struct stats_vec *v, int samples)
{
	struct stats_sum s;

	if (v->n == 0) {
		jw_null(w, key);
		return;
	}
	jw_obj_open(w, key);
	if (samples) {
		jw_arr_open(w, "samples");
		for (size_t i = 0; i < v->n; i++)
			jw_num(w, NULL, v->v[i], 3);
		jw_arr_close(w);
	}
	stats_summarise(v, &s);
	jw_int(w, "n", (long long)s.n);
	jw_num(w, "mean", s.mean, 3);
	jw_num(w, "sd", s.n > 1 ? s.stddev : 0, 3);
	jw_obj_close(w);
}

static void write_acc(jw *w, struct bench_acc *b)
{
	char name[64];

	runkind_test_name(&b->k, name, sizeof name);
	jw_obj_open(w, "bench");
	jw_str(w, "test", name);
	jw_str(w, "type", b->k.test == RK_PP ? "pp" : "tg");
	jw_int(w, "n", b->k.n);
	jw_int(w, "depth", b->k.depth);
	jw_num(w, "latency_s", b->latency, 6);
	jw_int(w, "prompt_tokens", b->target);
	jw_str(w, "count_method", b->method ? b->method : "none");
	jw_bool(w, "exact", b->n_ok > 0 && b->n_inexact == 0);
	if (b->n_inexact)
		jw_str(w, "mismatch", b->mismatch);
	write_sum(w, "tps", &b->tps, 1);
	write_sum(w, "server_tps", &b->srv, 0);
	jw_obj_close(w);
}

int benchfig_write(jw *w, const struct evacc *a, char *why, size_t whylen)
{
	char name[64];
	struct bench_acc b;
	char err[300];
	const cJSON *cfg = jget_path(a->run_ev, "config.bench"),
		    *cnt = jget_path(a->run_ev, "config.prompt_count");

	memset(&b, 0, sizeof b);
	if (a->run_ev == NULL ||
	    runkind_read(a->run_ev, &b.k, err, sizeof err) != 0 ||
	    b.k.name != RK_BENCH)
		return 0;
	b.latency = jget_num(cfg, "latency_s", 0);
	b.target = (long)jget_num(cnt, "target", 0);
	b.method = jget_str(cnt, "method");
	for (long i = 0; i < a->n_reqs; i++) {
		const struct req *r = &a->reqs[i];
		if (!r->warmup && r->seen_done && r->status == FMT_ST_OK &&
		    r->bad == NULL)
			add(&b, r);
	}
	write_acc(w, &b);
	runkind_test_name(&b.k, name, sizeof name);
	if (b.n_inexact)
		snprintf(why, whylen, "bench %s: %s; %s", name, b.mismatch,
			 b.tps.n ? "its figure is from the exact requests alone"
				 : "no figure is made");
	stats_vec_free(&b.tps);
	stats_vec_free(&b.srv);
	return b.n_inexact > 0;
}
