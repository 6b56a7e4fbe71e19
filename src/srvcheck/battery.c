/* battery: check-server's verdicts (battery.h, docs/srvcheck.md). */
#include "battery.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jget.h"
#include "srvfig.h"
#include "stats.h"

const char *const battery_step_names[BATTERY_NSTEPS] = {
    "basic",   "natural",  "reasoning", "bust",	  "nobust",
    "nousage", "overflow", "unknown",	"health", "mem"};

/* One request of a step, from its events and agg's per_request entry. */
struct rq {
	long id;
	double t_send, t_role, t_first, t_last;
	long max_tokens;
	long chunks, reasoning, content; /* token-bearing chunks */
	long run, burst; /* token chunks at one arrival time: now, at most */
	const cJSON *done, *agg;
};

struct step {
	struct rq *r;
	int n;
	const cJSON *run_ev; /* gen's run event */
};

static void say(struct battery_result *res, enum verdict_check v,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(struct battery_result *res, enum verdict_check v,
		const char *fmt, ...)
{
	va_list ap;

	res->verdict = v;
	va_start(ap, fmt);
	vsnprintf(res->text, sizeof res->text, fmt, ap);
	va_end(ap);
	/* one line per check: a server's message may hold newlines (LM
	 * Studio's "model not found" lists the models, one a line) */
	for (char *c = res->text; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
}

static struct rq *find(struct step *s, long id)
{
	for (int i = 0; i < s->n; i++)
		if (s->r[i].id == id)
			return &s->r[i];
	return NULL;
}

/* Reads a step's events (and agg's per_request) into s; 0, or -1 when the
 * step has no events (res says why). */
static int load(const struct battery_input *in, enum battery_step k,
		struct step *s, struct battery_result *res)
{
	const struct battery_step_data *d = &in->step[k];
	const cJSON *ev, *pr;
	struct rq *r;

	memset(s, 0, sizeof *s);
	if (d->events == NULL) {
		say(res, VD_CHECK_FAIL, "the %s step has no events: %s",
		    battery_step_names[k], d->why[0] ? d->why : "not run");
		return -1;
	}
	s->r = calloc((size_t)cJSON_GetArraySize(d->events) + 1, sizeof *s->r);
	if (s->r == NULL) {
		say(res, VD_CHECK_FAIL, "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(ev, d->events)
	{
		const char *what = jget_str(ev, "ev"), *ch;
		long id = (long)jget_num(ev, "id", -1);
		double t = jget_num(ev, "t", 0);

		if (what == NULL)
			continue;
		if (strcmp(what, "run") == 0) {
			s->run_ev = ev;
			continue;
		}
		if (strcmp(what, "req") == 0 && find(s, id) == NULL) {
			r = &s->r[s->n++];
			r->id = id;
			r->t_send = t;
			r->max_tokens = (long)jget_num(ev, "max_tokens", -1);
			continue;
		}
		if ((r = find(s, id)) == NULL)
			continue;
		if (strcmp(what, "done") == 0) {
			r->done = ev;
		} else if (strcmp(what, "tok") == 0 &&
			   (ch = jget_str(ev, "ch"))) {
			if (strcmp(ch, "role") == 0) {
				if (r->t_role == 0)
					r->t_role = t;
				continue;
			}
			r->run =
			    r->chunks > 0 && t == r->t_last ? r->run + 1 : 1;
			if (r->run > r->burst)
				r->burst = r->run;
			if (r->chunks++ == 0)
				r->t_first = t;
			r->t_last = t;
			r->reasoning += strcmp(ch, "reasoning") == 0;
			r->content += strcmp(ch, "content") == 0;
		}
	}
	pr = d->run ? cJSON_GetObjectItemCaseSensitive(d->run, "per_request")
		    : NULL;
	cJSON_ArrayForEach(
	    ev, pr) if ((r = find(s, (long)jget_num(ev, "id", -1))) != NULL)
	    r->agg = ev;
	return 0;
}

static int ok_req(const struct rq *r)
{
	const char *st = r->done ? jget_str(r->done, "status") : NULL;

	return st != NULL && strcmp(st, "ok") == 0;
}

/* A done event's status; a done without one (a malformed file) says so. */
static const char *status_of(const struct rq *r)
{
	const char *st = jget_str(r->done, "status");

	return st ? st : "no status";
}

/* The server's count of output tokens: usage, or on Ollama's native API
 * eval_count (which its OpenAI API sends as usage: openai.go). */
static long usage_out(const struct rq *r)
{
	double u = jget_path_num(r->done, "usage.completion_tokens", -1);

	return (long)(u >= 0 ? u
			     : jget_path_num(r->done, "ollama.eval_count", -1));
}

static const char *finish(const struct rq *r)
{
	const char *f = jget_str(r->done, "finish");

	return f ? f : "";
}

static double median(double *v, int n)
{
	return n > 0 ? stats_median(v, (size_t)n) : NAN;
}

/* ---- token counts ------------------------------------------------------ */

/* Length stops: the truth is max_tokens.  Counts the successful requests
 * (n) and those without usage (nouse); the first disagreement into why,
 * tokens without a chunk of their own into note. */
static void length_stops(const struct step *b, int *n, int *nouse, char *why,
			 size_t wl, char *note, size_t nl)
{
	long merged = 0, total = 0;

	for (int i = 0; i < b->n; i++) {
		const struct rq *r = &b->r[i];
		long u = usage_out(r), a;
		if (!ok_req(r))
			continue;
		(*n)++;
		a = r->agg ? (long)jget_num(r->agg, "output_tokens", -1) : -1;
		if (u < 0) {
			(*nouse)++;
			continue;
		}
		total += u;
		merged += u > r->chunks ? u - r->chunks : 0;
		if (strcmp(finish(r), "length") == 0 && r->max_tokens > 0 &&
		    u != r->max_tokens && !why[0])
			snprintf(why, wl,
				 "request %ld stopped at max_tokens "
				 "%ld but usage says %ld",
				 r->id, r->max_tokens, u);
		else if (r->chunks > u && !why[0])
			snprintf(why, wl,
				 "request %ld: %ld token chunks but "
				 "usage says %ld",
				 r->id, r->chunks, u);
		else if (a != u && !why[0])
			snprintf(why, wl,
				 "request %ld: agg counts %ld output "
				 "tokens, usage %ld",
				 r->id, a, u);
	}
	if (merged > 0)
		snprintf(
		    note, nl,
		    "; %ld of %ld tokens came without a "
		    "chunk of their own (merged or empty: split UTF-8, special "
		    "tokens), agg counts usage's",
		    merged, total);
}

/* Natural stops: does usage count the end-of-sequence token, and does agg
 * leave it out of the decoded tokens?  What usage counts, said into told;
 * the first disagreement into why. */
static void natural_stops(const struct step *nat, char *why, size_t wl,
			  const char **told)
{
	int stops = 0, eos = 0, plain = 0;

	for (int i = 0; i < nat->n; i++) {
		const struct rq *r = &nat->r[i];
		long u = usage_out(r);
		double span = r->t_last - r->t_first, want, got;
		if (!ok_req(r) || strcmp(finish(r), "stop") != 0 || u < 0)
			continue;
		stops++;
		if (u < r->chunks && !why[0])
			snprintf(why, wl,
				 "request %ld (natural stop): %ld "
				 "token chunks but usage says %ld",
				 r->id, r->chunks, u);
		eos += u == r->chunks + 1;
		plain += u == r->chunks;
		/* With the EOS in usage, agg's decode TPS rests on the chunks.
		 */
		want = r->chunks >= 2 && span > 0
			   ? (double)(r->chunks - 1) / span
			   : -1;
		got = r->agg ? jget_num(r->agg, "decode_tps", -1) : -1;
		if (u == r->chunks + 1 && want > 0 &&
		    fabs(got / want - 1) > 0.001 && !why[0])
			snprintf(why, wl,
				 "request %ld (natural stop): agg's "
				 "decode %.1f tok/s, the chunks' %.1f: the "
				 "end-of-sequence "
				 "token counted as decoded",
				 r->id, got, want);
	}
	*told =
	    stops == 0	   ? "no natural stop seen, not known"
	    : eos == stops ? "counted in usage on natural stops (usage = "
			     "chunks + 1), left out of agg's decoded tokens"
	    : plain == stops
		? "not counted in usage"
		: "not told apart (usage minus chunks varies on natural stops)";
}

static void check_tokens(const struct battery_input *in,
			 struct battery_result *res)
{
	struct step b, nat;
	int n = 0, nouse = 0;
	char why[300] = "", note[160] = "";
	const char *told;

	res->check = "token counts";
	if (load(in, BATTERY_BASIC, &b, res) != 0)
		return;
	length_stops(&b, &n, &nouse, why, sizeof why, note, sizeof note);
	if (why[0] || n == 0) {
		say(res, VD_CHECK_FAIL, "%s",
		    n ? why : "no request of the basic step succeeded");
		free(b.r);
		return;
	}
	if (load(in, BATTERY_NATURAL, &nat, res) != 0) {
		free(b.r);
		return;
	}
	natural_stops(&nat, why, sizeof why, &told);
	if (why[0])
		say(res, VD_CHECK_FAIL, "%s", why);
	else
		say(res, VD_CHECK_OK,
		    "%d requests: usage = max_tokens on length stops, "
		    "agg's output tokens = usage%s%s; end-of-sequence token: "
		    "%s",
		    n, nouse ? " where usage came" : "", note, told);
	free(b.r);
	free(nat.r);
}

/* ---- decode TPS against the server's own figure ------------------------- */

/* The server's own decode speed, or -1; *how names the source. */
static double server_decode(const cJSON *done, const char **how)
{
	struct srvfig f;

	srvfig_read(done, &f);
	if (f.source != NULL)
		*how = f.source;
	return f.decode_tps;
}

/* Where a stream's tokens waited on the way: streams in which three or more
 * token chunks arrived at one instant, into buf ("" when none did).  Seen
 * from a llama-server whose compute threads held both cores of a 2-core
 * machine: its HTTP thread sent 15 tokens at once after waiting 4 ms. */
static void stream_waits(const struct step *b, char *buf, size_t size)
{
	long most = 0;
	int i, n = 0;

	for (i = 0; i < b->n; i++) {
		n += b->r[i].burst >= 3;
		if (b->r[i].burst > most)
			most = b->r[i].burst;
	}
	if (n > 0)
		snprintf(buf, size,
			 " (in %d of %d streams up to %ld token chunks arrived "
			 "at one instant: a proxy that buffers, or a server "
			 "whose compute threads hold every core while its HTTP "
			 "thread waits for one, as llama-server's -t at the "
			 "core count does)",
			 n, b->n, most);
}

static void check_decode(const struct battery_input *in,
			 struct battery_result *res)
{
	struct step b;
	double ratio[256], cli[256], srv[256], span[256], tol;
	const char *how = NULL;
	double worst = 1;
	int n = 0, i, at_once = 0;

	res->check = "decode TPS";
	if (load(in, BATTERY_BASIC, &b, res) != 0)
		return;
	for (i = 0; i < b.n && n < 256; i++) {
		const struct rq *r = &b.r[i];
		double c = r->agg ? jget_num(r->agg, "decode_tps", -1) : -1;
		double s = ok_req(r) ? server_decode(r->done, &how) : -1;
		/* Every token in one read: no span for the client to time. */
		at_once += s > 0 && c <= 0 && r->chunks >= 2 &&
			   r->t_last <= r->t_first;
		if (c <= 0 || s <= 0)
			continue;
		cli[n] = c;
		srv[n] = s;
		span[n] = r->t_last - r->t_first;
		ratio[n] = c / s;
		if (fabs(ratio[n] - 1) > fabs(worst - 1))
			worst = ratio[n];
		n++;
	}
	if (at_once > 0) {
		say(res, VD_CHECK_FAIL,
		    "in %d request%s every token reached the client "
		    "at once, while the server reports %.1f tok/s (%s): the "
		    "stream is buffered on the way, so no speed the client "
		    "measures is the server's",
		    at_once, at_once == 1 ? "" : "s",
		    server_decode(b.r[0].done, &how), how);
	} else if (n == 0) {
		const char *k = jget_path_str(b.run_ev, "server.kind");
		say(res, VD_CHECK_NA,
		    "the server reports no decode speed of its own%s",
		    k && !strcmp(k, "lmstudio")
			? ": LM Studio sends none in /v1 streams "
			  "(its docs show stats only in /api/v0 and "
			  "/api/v1/chat replies)"
			: "");
	} else {
		double m = median(ratio, n), mc = median(cli, n),
		       ms = median(srv, n);
		char waited[256] = "";
		int ok;

		/* 2 % + 1 ms of the first-to-last span: a span of a few
		 * milliseconds (a tiny model at thousands of tok/s) moves by
		 * scheduling alone; a buffered stream shrinks it to nothing */
		tol = 0.02 + 0.001 / fmax(median(span, n), 1e-6);
		ok = fabs(m - 1) <= tol;
		if (!ok)
			stream_waits(&b, waited, sizeof waited);
		say(res, ok ? VD_CHECK_OK : VD_CHECK_FAIL,
		    "client %.1f tok/s, server %.1f (%s), client/server %.4f "
		    "(median of %d; the farthest %.4f; within %.1f %%)%s%s",
		    mc, ms, how, m, n, worst, tol * 100,
		    ok	    ? ""
		    : m > 1 ? ": tokens reach the client faster than the "
			      "server made them: "
			      "the stream is held on the way"
			    : ": the client sees a slower stream than the "
			      "server reports",
		    waited);
	}
	free(b.r);
}

/* ---- TTFT at the first token ------------------------------------------- */

/* The server's own time from the request to its first token, seconds, or
 * -1: llama-server's prompt time, LM Studio's, Ollama's prompt eval. */
static double server_ttft(const cJSON *done)
{
	struct srvfig f;

	srvfig_read(done, &f);
	return f.ttft_s;
}

static void ttft_step(const struct step *s, char *why, size_t wn, double *ttft,
		      double *hdr, double *role, double *srv, int *n,
		      int *early_role)
{
	for (int i = 0; i < s->n && *n < 256; i++) {
		const struct rq *r = &s->r[i];
		double a, mine, sv, h;
		if (!ok_req(r) || r->chunks == 0 || r->agg == NULL)
			continue;
		a = jget_num(r->agg, "ttft_s", -1);
		mine = r->t_first - r->t_send;
		h = jget_num(r->done, "t_headers", 0);
		if (fabs(a - mine) > 2.5e-6 && !why[0])
			snprintf(why, wn,
				 "request %ld: agg's TTFT %.6f s, the first "
				 "token came at %.6f s",
				 r->id, a, mine);
		sv = server_ttft(r->done);
		if (sv >= 0 && a < sv * 0.98 - 0.001 && !why[0])
			snprintf(
			    why, wn,
			    "request %ld: a chunk with text came %.1f ms "
			    "after sending, before the server's own %.1f ms to "
			    "its first token: that text is not the model's "
			    "first "
			    "token, so TTFT here is not the model's",
			    r->id, a * 1e3, sv * 1e3);
		ttft[*n] = a;
		hdr[*n] = h > 0 ? h - r->t_send : NAN;
		role[*n] = r->t_role > 0 ? r->t_role - r->t_send : NAN;
		srv[*n] = sv;
		*early_role += r->t_role > 0 && r->t_role < r->t_first - 0.001;
		(*n)++;
	}
}

static void check_ttft(const struct battery_input *in,
		       struct battery_result *res)
{
	struct step b, c;
	double ttft[256], hdr[256], role[256], srv[256];
	int n = 0, early = 0, nsrv = 0, i;
	char why[300] = "", extra[200] = "";

	res->check = "TTFT at the first token";
	if (load(in, BATTERY_BASIC, &b, res) != 0)
		return;
	if (load(in, BATTERY_BUST, &c, res) != 0) {
		free(b.r);
		return;
	}
	ttft_step(&b, why, sizeof why, ttft, hdr, role, srv, &n, &early);
	ttft_step(&c, why, sizeof why, ttft, hdr, role, srv, &n, &early);
	for (i = 0; i < n; i++)
		if (srv[i] >= 0)
			srv[nsrv++] = srv[i];
	if (n > 0 && nsrv > 0)
		snprintf(extra, sizeof extra,
			 "; the server's own: median %.1f ms",
			 median(srv, nsrv) * 1e3);
	if (why[0])
		say(res, VD_CHECK_FAIL, "%s", why);
	else if (n == 0)
		say(res, VD_CHECK_FAIL, "no request with a token to time");
	else
		say(res, VD_CHECK_OK,
		    "%d requests: agg's TTFT is the first token's "
		    "arrival (median %.1f ms); headers at %.1f ms, role-only "
		    "chunk "
		    "%s%s",
		    n, median(ttft, n) * 1e3, median(hdr, n) * 1e3,
		    early ? "before the first token (not counted)"
			  : "with the first token or none",
		    extra);
	free(b.r);
	free(c.r);
}

/* ---- reasoning split --------------------------------------------------- */

static void check_reasoning(const struct battery_input *in,
			    struct battery_result *res)
{
	struct step s;
	const struct rq *r = NULL;
	const char *text;
	double ttfo;
	long ru, u;

	res->check = "reasoning split";
	if (load(in, BATTERY_REASONING, &s, res) != 0)
		return;
	for (int i = 0; i < s.n; i++)
		if (ok_req(&s.r[i]) && r == NULL)
			r = &s.r[i];
	if (r == NULL) {
		say(res, VD_CHECK_FAIL, "the reasoning request failed: %s",
		    s.n && s.r[0].done && jget_str(s.r[0].done, "error")
			? jget_str(s.r[0].done, "error")
			: "no answer");
		free(s.r);
		return;
	}
	text = jget_str(r->done, "text");
	ru = (long)jget_path_num(
	    r->done, "usage.completion_tokens_details.reasoning_tokens", -1);
	u = usage_out(r);
	ttfo = jget_path_num(in->step[BATTERY_REASONING].run,
			     "metrics.ttfo_s.p50", -1);
	if (r->reasoning > 0 &&
	    (r->content > 0 || strcmp(finish(r), "length") == 0))
		say(res, VD_CHECK_OK,
		    "%ld reasoning and %ld answer chunks in separate "
		    "fields; TTFT %.1f ms, TTFO %s",
		    r->reasoning, r->content, (r->t_first - r->t_send) * 1e3,
		    ttfo >= 0	 ? "reported"
		    : r->content ? "missing"
				 : "none (no answer yet)");
	else if (text && (strstr(text, "<think>") || strstr(text, "</think>")))
		say(res, VD_CHECK_FAIL,
		    "the reasoning came inside the answer between "
		    "<think> tags: answer tokens and TTFO include it (turn the "
		    "server's reasoning parser on)");
	else if (r->reasoning == 0 && ru > 0)
		say(res, VD_CHECK_FAIL,
		    "usage counts %ld reasoning tokens, none came in "
		    "reasoning_content or reasoning: a field tokbench does not "
		    "read",
		    ru);
	else if (r->reasoning == 0 && strcmp(finish(r), "length") == 0 &&
		 r->chunks < r->max_tokens && u > r->chunks)
		say(res, VD_CHECK_FAIL,
		    "the answer stopped at max_tokens %ld with %ld "
		    "token chunks in content (usage %ld): the rest came in a "
		    "field "
		    "tokbench does not read",
		    r->max_tokens, r->chunks, u);
	else if (r->reasoning > 0 && ttfo >= 0 && r->content > 0)
		say(res, VD_CHECK_OK, "reasoning and answer separate");
	else
		say(res, VD_CHECK_NA,
		    "no reasoning from this model (%ld answer chunks): "
		    "not a reasoning model, or its reasoning is off",
		    r->content);
	free(s.r);
}

/* ---- prefix cache ------------------------------------------------------- */

/* Cached prompt tokens as the server tells them, or -1. */
static long cached_of(const cJSON *done, long *prompt)
{
	long c = (long)jget_path_num(done, "timings.cache_n", -1);
	long p = (long)jget_path_num(done, "usage.prompt_tokens", -1);

	if (c < 0)
		c = (long)jget_path_num(
		    done, "usage.prompt_tokens_details.cached_tokens", -1);
	if (p < 0 && jget_path_num(done, "timings.prompt_n", -1) >= 0)
		p = (long)jget_path_num(done, "timings.prompt_n", 0) +
		    (c > 0 ? c : 0);
	*prompt = p;
	return c;
}

/* The first request's TTFT, the later ones' median over it, and the
 * largest cached share of a later one (-1: not told). */
static int cache_step(const struct step *s, double *first, double *later,
		      double *share, long *cached, long *prompt)
{
	double v[256];
	int n = 0;

	*first = -1;
	*share = -1;
	for (int i = 0; i < s->n && n < 256; i++) {
		const struct rq *r = &s->r[i];
		double t = r->agg ? jget_num(r->agg, "ttft_s", -1) : -1;
		long p, c;
		if (!ok_req(r) || t < 0)
			continue;
		if (*first < 0) {
			*first = t;
			continue;
		}
		v[n++] = t;
		c = cached_of(r->done, &p);
		if (c >= 0 && p > 0 && (double)c / (double)p > *share) {
			*share = (double)c / (double)p;
			*cached = c;
			*prompt = p;
		}
	}
	*later = n ? median(v, n) / *first : -1;
	return n;
}

static void check_cache(const struct battery_input *in,
			struct battery_result *res)
{
	struct step on, off;
	double f1, l1, s1, f2, l2, s2;
	long c1 = 0, p1 = 0, c2 = 0, p2 = 0;
	char told[120] = "", saved[200];

	res->check = "prefix cache";
	if (load(in, BATTERY_BUST, &on, res) != 0)
		return;
	if (load(in, BATTERY_NOBUST, &off, res) != 0) {
		free(on.r);
		return;
	}
	if (cache_step(&on, &f1, &l1, &s1, &c1, &p1) == 0 ||
	    cache_step(&off, &f2, &l2, &s2, &c2, &p2) == 0) {
		say(res, VD_CHECK_FAIL,
		    "the repeated prompt did not get a first token "
		    "twice with busting on and off (see bust.ndjson, "
		    "nobust.ndjson)");
		goto out;
	}
	if (s1 >= 0)
		snprintf(told, sizeof told, ", %ld of %ld prompt tokens cached",
			 c1, p1);
	if (s2 > 0.1 || l2 < 0.8)
		snprintf(saved, sizeof saved,
			 "busting off: later TTFT %.0f %% "
			 "lower%s",
			 (1 - l2) * 100,
			 s2 >= 0 ? ", the server "
				   "tells of its cache"
				 : "");
	else
		snprintf(saved, sizeof saved,
			 "busting off: no saving seen "
			 "(later TTFT %.2fx the first)",
			 l2);
	if (s1 > 0.1 || (s1 < 0 && l1 < 0.5))
		say(res, VD_CHECK_FAIL,
		    "with cache busting on a repeated prompt came "
		    "%.0f %% faster to its first token%s: the server serves it "
		    "from "
		    "a cache tokbench cannot bust, so prefill figures are "
		    "inflated",
		    (1 - l1) * 100, told);
	else
		say(res, VD_CHECK_OK,
		    "busting on: later TTFT %.2fx the first%s; %s", l1, told,
		    saved);
out:
	free(on.r);
	free(off.r);
}

/* ---- usage ----------------------------------------------------------------
 */

static void check_usage(const struct battery_input *in,
			struct battery_result *res)
{
	struct step b, nu;
	int asked = 0, with = 0, unasked = 0, uwith = 0, i;

	res->check = "usage";
	/* the basic step on Ollama's native API has counts, not usage: the
	 * natural step asked on its OpenAI API */
	if (load(in, BATTERY_BASIC, &b, res) != 0)
		return;
	if (b.run_ev && jget_str(b.run_ev, "api") &&
	    !strcmp(jget_str(b.run_ev, "api"), "ollama")) {
		free(b.r);
		if (load(in, BATTERY_NATURAL, &b, res) != 0)
			return;
	}
	if (load(in, BATTERY_NOUSAGE, &nu, res) != 0) {
		free(b.r);
		return;
	}
	for (i = 0; i < b.n; i++)
		if (ok_req(&b.r[i])) {
			asked++;
			with += usage_out(&b.r[i]) >= 0;
		}
	for (i = 0; i < nu.n; i++)
		if (ok_req(&nu.r[i])) {
			unasked++;
			uwith += usage_out(&nu.r[i]) >= 0;
		}
	if (asked == 0 || unasked == 0)
		say(res, VD_CHECK_FAIL, "no successful request %s",
		    asked ? "without "
			    "stream_options"
			  : "with stream_options.include_usage");
	else if (with < asked)
		say(res, VD_CHECK_FAIL,
		    "asked for with stream_options.include_usage, "
		    "usage came in %d of %d streams: token counts rest on "
		    "counting "
		    "chunks",
		    with, asked);
	else
		say(res, VD_CHECK_OK,
		    "with include_usage: in %d of %d streams; without: "
		    "%s",
		    with, asked,
		    uwith == unasked ? "sent all the same"
		    : uwith == 0     ? "not sent (as OpenAI's API)"
				     : "sent in some");
	free(b.r);
	free(nu.r);
}

/* ---- errors ----------------------------------------------------------------
 */

static int says_context(const char *e)
{
	static const char *const words[] = {"context",	       "exceed",
					    "too long",	       "maximum",
					    "too many tokens", NULL};
	char low[512];
	size_t i;

	for (i = 0; e && e[i] && i + 1 < sizeof low; i++)
		low[i] = (char)tolower((unsigned char)e[i]);
	low[i] = '\0';
	for (i = 0; words[i]; i++)
		if (strstr(low, words[i]))
			return 1;
	return 0;
}

/* Whether a failed request's class fits how the error came: an HTTP
 * status >= 400 is http_error, an error in a 200 stream stream_error. */
static const char *class_wrong(const struct rq *r)
{
	const char *st = status_of(r);
	int http = (int)jget_num(r->done, "http", 0);

	if (http >= 400 && strcmp(st, "http_error") != 0)
		return "an HTTP error status not classified http_error";
	if (http == 200 && strcmp(st, "http_error") == 0)
		return "a 200 reply classified http_error";
	return NULL;
}

static void check_overflow(const struct battery_input *in,
			   struct battery_result *res)
{
	struct step s;
	const struct rq *r;
	const char *st, *err, *wrong;
	long ctx = -1;

	res->check = "context overflow";
	if (load(in, BATTERY_OVERFLOW, &s, res) != 0)
		return;
	if (s.n == 0 || (r = &s.r[0])->done == NULL) {
		say(res, VD_CHECK_FAIL, "the over-long request has no outcome");
		free(s.r);
		return;
	}
	if (s.run_ev)
		ctx = (long)jget_path_num(s.run_ev, "server.ctx_size", -1);
	st = status_of(r);
	err = jget_str(r->done, "error");
	wrong = class_wrong(r);
	if (strcmp(st, "ok") == 0)
		say(res, VD_CHECK_FAIL,
		    "a prompt over the context%s was answered (%ld "
		    "tokens, finish %s): the server cuts prompts silently, so "
		    "a "
		    "long-context figure measures a shorter prompt",
		    ctx > 0 ? "" : " (not told)", usage_out(r), finish(r));
	else if (wrong)
		say(res, VD_CHECK_FAIL, "%s: %s", wrong, err ? err : st);
	else if (strcmp(st, "http_error") != 0 &&
		 strcmp(st, "stream_error") != 0)
		say(res, VD_CHECK_FAIL,
		    "classified %s, not as the server's refusal: %s", st,
		    err ? err : "");
	else if (!says_context(err))
		say(res, VD_CHECK_FAIL, "%s whose message does not say why: %s",
		    st, err ? err : "(none)");
	else
		say(res, VD_CHECK_OK, "%s %d: %.200s", st,
		    (int)jget_num(r->done, "http", 0), err);
	free(s.r);
}

static void check_unknown(const struct battery_input *in,
			  struct battery_result *res)
{
	struct step s;
	const struct rq *r;
	const char *st, *err, *wrong;

	res->check = "unknown model";
	if (load(in, BATTERY_UNKNOWN, &s, res) != 0)
		return;
	if (s.n == 0 || (r = &s.r[0])->done == NULL) {
		say(res, VD_CHECK_FAIL, "the request has no outcome");
		free(s.r);
		return;
	}
	st = status_of(r);
	err = jget_str(r->done, "error");
	wrong = class_wrong(r);
	if (strcmp(st, "ok") == 0)
		say(res, VD_CHECK_NA,
		    "answered by the loaded model whatever the name, as "
		    "llama-server does: results are labelled by gen -m, not by "
		    "the server");
	else if (wrong)
		say(res, VD_CHECK_FAIL, "%s: %s", wrong, err ? err : st);
	else if (strcmp(st, "http_error") == 0 ||
		 strcmp(st, "stream_error") == 0)
		say(res, VD_CHECK_OK, "%s %d: %.200s", st,
		    (int)jget_num(r->done, "http", 0), err ? err : "");
	else
		say(res, VD_CHECK_FAIL, "classified %s: %s", st,
		    err ? err : "");
	free(s.r);
}

/* ---- memory, load, identity ------------------------------------------- */

static void check_memory(const struct battery_input *in,
			 struct battery_result *res)
{
	const cJSON *ev;
	double peak = -1;

	res->check = "memory peak";
	if (in->server_pid <= 0) {
		say(res, VD_CHECK_NA, "no SERVER_PID given");
		return;
	}
	if (in->step[BATTERY_MEM].events == NULL) {
		say(res, VD_CHECK_FAIL, "memsample gave no samples: %s",
		    in->step[BATTERY_MEM].why);
		return;
	}
	cJSON_ArrayForEach(ev, in->step[BATTERY_MEM].events)
	{
		double p = jget_path_num(ev, "proc.peak_rss_bytes", -1);
		if (p > peak)
			peak = p;
	}
	if (peak <= 0)
		say(res, VD_CHECK_FAIL, "memsample saw no memory of process %d",
		    in->server_pid);
	else if (in->hwm < 0)
		say(res, VD_CHECK_NA,
		    "memsample's peak %.3f GB; the kernel's high-water "
		    "mark is not told on this OS",
		    peak / 1e9);
	else
		say(res,
		    fabs(peak / (double)in->hwm - 1) <= 0.05 ? VD_CHECK_OK
							     : VD_CHECK_FAIL,
		    "memsample's peak %.3f GB, the kernel's VmHWM %.3f GB over "
		    "%d "
		    "process%s (%+.1f %%)%s",
		    peak / 1e9, (double)in->hwm / 1e9, in->hwm_procs,
		    in->hwm_procs == 1 ? "" : "es",
		    (peak / (double)in->hwm - 1) * 100,
		    peak < (double)in->hwm * 0.95
			? ": the peak came before memsample "
			  "began (start it with the server to see the load)"
		    : peak > (double)in->hwm * 1.05
			? ": memsample counts pages twice"
			: "");
}

static void check_load(const struct battery_input *in, const char *kind,
		       struct battery_result *res)
{
	const cJSON *ev, *load = NULL;

	res->check = "load mechanism";
	cJSON_ArrayForEach(
	    ev, in->step[BATTERY_HEALTH].events) if (jget_str(ev, "ev") &&
						     strcmp(jget_str(ev, "ev"),
							    "load") == 0) load =
	    ev;
	if (!strcmp(kind, "mlx"))
		say(res, VD_CHECK_FAIL,
		    "mlx_lm.server answers /health 200 while its model "
		    "still loads (mlx-lm 0.32 server.py): a health poll times "
		    "nothing; "
		    "time loads with gen --load-cmd");
	else if (load && jget_str(load, "status") &&
		 !strcmp(jget_str(load, "status"), "ok"))
		say(res, VD_CHECK_OK,
		    "/health answers 200: a load is timed from the "
		    "server's start to /health 200 (gen --load-health)");
	else if (!strcmp(kind, "lmstudio"))
		say(res, VD_CHECK_OK,
		    "LM Studio's REST API (/api/v0/models answers): a "
		    "load is timed by POST /api/v1/models/load (gen --load; "
		    "not "
		    "called here, it would load a model)");
	else if (!strcmp(kind, "ollama"))
		say(res, VD_CHECK_OK,
		    "Ollama (/api/tags answers): a load is timed by the "
		    "client over its load call, a generate without a prompt "
		    "(gen "
		    "--load; not called here)");
	else
		say(res, VD_CHECK_FAIL,
		    "no /health, no load API: time loads with gen "
		    "--load-cmd");
}

static const char *display(const char *kind)
{
	static const char *const m[][2] = {
	    {"llamacpp", "llama-server"},
	    {"lmstudio", "LM Studio"},
	    {"ollama", "Ollama"},
	    {"mlx", "mlx_lm.server"},
	    {"vllm", "vLLM"},
	    {"llmsim", "llmsim"},
	    {"openai", "OpenAI-compatible server"}};

	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strcmp(kind, m[i][0]) == 0)
			return m[i][1];
	return "unknown server";
}

/* What gen detected: the basic step's run event's "server", or NULL. */
static const cJSON *basic_server(const struct battery_input *in)
{
	const cJSON *srv = NULL, *ev;

	cJSON_ArrayForEach(
	    ev, in->step[BATTERY_BASIC].events) if (jget_str(ev, "ev") &&
						    strcmp(jget_str(ev, "ev"),
							   "run") == 0) srv =
	    jget_obj(ev, "server");
	return srv;
}

void battery_server(const struct battery_input *in, char *name, size_t nn,
		    char *version, size_t vn)
{
	const cJSON *srv = basic_server(in);
	const char *k, *v;

	k = srv ? jget_str(srv, "kind") : NULL;
	v = srv ? jget_str(srv, "version") : NULL;
	snprintf(name, nn, "%s", display(k ? k : "unknown"));
	snprintf(version, vn, "%s", v ? v : "(version not told)");
}

static void check_identity(const struct battery_input *in, const char *kind,
			   struct battery_result *res)
{
	const cJSON *rs = jget_path(in->step[BATTERY_BASIC].run, "run.server");
	const char *rk = rs ? jget_str(rs, "kind") : NULL;
	const char *ver = rs ? jget_str(rs, "version") : NULL;

	res->check = "server identity";
	if (!strcmp(kind, "unknown"))
		say(res, VD_CHECK_FAIL,
		    "the server was not recognised: runs will not "
		    "name it (gen --server KIND)");
	else if (rk == NULL || strcmp(rk, kind) != 0)
		say(res, VD_CHECK_FAIL,
		    "gen detected %s but agg's run JSON records %s", kind,
		    rk ? rk : "none");
	else
		say(res, VD_CHECK_OK,
		    "%s, version %s, model %s%s recorded in the run",
		    display(kind), ver ? ver : "not told by this server",
		    jget_str(rs, "model_id") ? jget_str(rs, "model_id") : "?",
		    jget_num(rs, "ctx_size", 0) > 0 ? ", context told," : "");
}

void battery_run(const struct battery_input *in, struct battery_result *out)
{
	const cJSON *srv = basic_server(in);
	const char *kind;

	kind = srv && jget_str(srv, "kind") ? jget_str(srv, "kind") : "unknown";
	memset(out, 0, BATTERY_NCHECKS * sizeof *out);
	check_identity(in, kind, &out[0]);
	check_tokens(in, &out[1]);
	check_decode(in, &out[2]);
	check_ttft(in, &out[3]);
	check_reasoning(in, &out[4]);
	check_cache(in, &out[5]);
	check_usage(in, &out[6]);
	check_overflow(in, &out[7]);
	check_unknown(in, &out[8]);
	check_memory(in, &out[9]);
	check_load(in, kind, &out[10]);
}
