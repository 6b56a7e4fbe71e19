/* evacc: the events of one run accumulated per request (see evacc.h). */
#include "evacc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "grade.h"
#include "jget.h"
#include "runkind.h"
#include "srvfig.h"
#include "prompts.h"

#define MAX_ID 100000000L
#define SAMPLE_TEXT_MAX 4000

static int fail(struct evacc *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records the first fatal error; returns -1. */
static int fail(struct evacc *a, const char *fmt, ...)
{
	va_list ap;

	if (a->err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(a->err, sizeof a->err, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int oom(struct evacc *a)
{
	return fail(a, "out of memory");
}

static char *xstrdup(struct evacc *a, const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		oom(a);
	return d;
}

void evacc_init(struct evacc *a, int strict)
{
	memset(a, 0, sizeof *a);
	a->strict = strict;
	a->t_min = INFINITY;
	a->t_max = -INFINITY;
	stats_hist_init(&a->itl_all);
}

static size_t slot_of(const struct evacc *a, long id)
{
	size_t h = (size_t)id * 11400714819323198485ull;

	for (h &= a->n_slots - 1;
	     a->req_slots[h] != 0 && a->reqs[a->req_slots[h] - 1].id != id;
	     h = (h + 1) & (a->n_slots - 1))
		;
	return h;
}

/* Doubles the hash and re-inserts every request. */
static int grow_slots(struct evacc *a)
{
	size_t n = a->n_slots ? a->n_slots * 2 : 2048;
	long *s = calloc(n, sizeof *s), i;

	if (s == NULL)
		return oom(a);
	free(a->req_slots);
	a->req_slots = s;
	a->n_slots = n;
	for (i = 0; i < a->n_reqs; i++)
		a->req_slots[slot_of(a, a->reqs[i].id)] = i + 1;
	return 0;
}

/* The request with this id, created on first sight. */
static struct req *req_of(struct evacc *a, long id)
{
	size_t h;
	struct req *r;

	if ((size_t)(a->n_reqs + 1) * 2 > a->n_slots && grow_slots(a) != 0)
		return NULL;
	h = slot_of(a, id);
	if (a->req_slots[h] != 0)
		return &a->reqs[a->req_slots[h] - 1];
	if (a->n_reqs == a->n_reqs_cap) {
		long cap = a->n_reqs_cap ? a->n_reqs_cap * 2 : 1024;
		r = realloc(a->reqs, (size_t)cap * sizeof *r);
		if (r == NULL) {
			oom(a);
			return NULL;
		}
		a->reqs = r;
		a->n_reqs_cap = cap;
	}
	r = &a->reqs[a->n_reqs++];
	memset(r, 0, sizeof *r);
	r->id = id;
	r->status = r->timeout = r->quality = r->graded = r->prompt = -1;
	a->req_slots[h] = a->n_reqs;
	return r;
}

static int cmp_req(const void *p, const void *q)
{
	long x = ((const struct req *)p)->id, y = ((const struct req *)q)->id;

	return (x > y) - (x < y);
}

/* A graded item's answer from a req event: a copy, when grade_check
 * takes it (an answer gen would not send is not graded). */
static cJSON *answer_of(struct evacc *a, const cJSON *ans)
{
	cJSON *c;

	if (ans == NULL || grade_check(ans) != NULL)
		return NULL;
	if ((c = cJSON_Duplicate(ans, 1)) == NULL)
		oom(a);
	return c;
}

static int prompt_index(struct evacc *a, const char *name, const char *category,
			const char *expect, const cJSON *answer)
{
	int i;

	for (i = 0; i < a->n_prompts; i++) {
		struct prompt_acc *q = &a->prompts[i];
		if (strcmp(q->name, name) != 0)
			continue;
		/* A later request may say what the first one did not. */
		if (q->category == NULL && category)
			q->category = xstrdup(a, category);
		if (!q->has_rx && expect &&
		    prompts_check_regex(expect) == NULL &&
		    regcomp(&q->rx, expect, REG_EXTENDED | REG_NOSUB) == 0) {
			q->expect = xstrdup(a, expect);
			q->has_rx = 1;
		}
		if (q->answer == NULL)
			q->answer = answer_of(a, answer);
		return i;
	}
	struct prompt_acc *p =
	    realloc(a->prompts, (size_t)(a->n_prompts + 1) * sizeof *p);
	if (p == NULL)
		return oom(a);
	a->prompts = p;
	p = &a->prompts[a->n_prompts];
	memset(p, 0, sizeof *p);
	p->name = xstrdup(a, name);
	p->category = category ? xstrdup(a, category) : NULL;
	/* The pattern comes from the event file: checked like gen checks it. */
	if (expect && prompts_check_regex(expect) == NULL &&
	    regcomp(&p->rx, expect, REG_EXTENDED | REG_NOSUB) == 0) {
		p->expect = xstrdup(a, expect);
		p->has_rx = 1;
	}
	p->answer = answer_of(a, answer);
	stats_hist_init(&p->itl);
	return a->n_prompts++;
}

static void see_time(struct evacc *a, double t)
{
	if (t < a->t_min)
		a->t_min = t;
	if (t > a->t_max)
		a->t_max = t;
}

/* ---- events ----------------------------------------------------------- */

/* Checks the event format version of a run or first a->mem event. */
static int check_version(struct evacc *a, const cJSON *ev, const char *file,
			 long line)
{
	double v = jget_num(ev, "version", 0);

	if (jget_str(ev, "format") &&
	    strcmp(jget_str(ev, "format"), FMT_EVENTS))
		return fail(a, "%s:%ld: not tokbench events (format \"%.40s\")",
			    file, line, jget_str(ev, "format"));
	if (v > FMT_EVENTS_VERSION)
		return fail(
		    a,
		    "%s:%ld: event format version %g is newer than this "
		    "agg reads (%d)",
		    file, line, v, FMT_EVENTS_VERSION);
	return 0;
}

static void on_run(struct evacc *a, cJSON *ev, const char *file, long line)
{
	const char *id = jget_str(ev, "run_id");
	struct runkind k;
	char why[300];

	if (check_version(a, ev, file, line) != 0)
		return;
	if (runkind_read(ev, &k, why, sizeof why) != 0) {
		fail(a, "%s:%ld: %s", file, line, why);
		return;
	}
	if (a->run_ev != NULL && id && strcmp(id, a->run_id) != 0) {
		fail(
		    a,
		    "%s:%ld: a second run (%.100s) in the input; aggregate one "
		    "run at a time",
		    file, line, id);
		return;
	}
	if (a->run_ev != NULL)
		return;
	if ((a->run_ev = cJSON_Duplicate(ev, 1)) == NULL)
		oom(a);
	snprintf(a->run_id, sizeof a->run_id, "%s", id ? id : "");
}

/* The request of an event by its id; NULL (a->err set) when the id is
 * not one or memory ran out. */
static struct req *req_at(struct evacc *a, const cJSON *ev, const char *file,
			  long line)
{
	double id = jget_num(ev, "id", -1);

	if (id < 1 || id > MAX_ID || id != floor(id)) {
		fail(a, "%s:%ld: \"id\" must be a whole number from 1 to %ld",
		     file, line, MAX_ID);
		return NULL;
	}
	return req_of(a, (long)id);
}

static void on_req(struct evacc *a, const cJSON *ev, double t, struct req *r)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(ev, "warmup");

	if (r->seen_req || r->tok_chunks > 0 || r->seen_done)
		r->bad = r->seen_req
			     ? "two req events"
			     : "events out of order "
			       "(its req came after its tokens or done)";
	r->seen_req = 1;
	r->t_send = t;
	r->t_sched = jget_num(ev, "t_sched", t);
	r->warmup = cJSON_IsTrue(w);
	r->rep = (int)jget_num(ev, "rep", 0);
	r->max_tokens = (long)jget_num(ev, "max_tokens", 0);
	r->prompt = prompt_index(
	    a, jget_str(ev, "prompt") ? jget_str(ev, "prompt") : "?",
	    jget_str(ev, "category"), jget_str(ev, "expect"),
	    cJSON_GetObjectItemCaseSensitive(ev, "answer"));
	if (r->prompt >= 0 && jget_num(ev, "synthetic_tokens", 0) > 0)
		a->prompts[r->prompt].synthetic_tokens =
		    (long)jget_num(ev, "synthetic_tokens", 0);
}

static void push_gap(struct evacc *a, struct req *r, double gap)
{
	if (r->ngaps == r->capgaps) {
		size_t cap = r->capgaps ? r->capgaps * 2 : 64;
		float *g = realloc(r->gaps, cap * sizeof *g);
		if (g == NULL) {
			oom(a);
			return;
		}
		r->gaps = g;
		r->capgaps = cap;
	}
	r->gaps[r->ngaps++] = (float)gap;
}

static void on_tok(struct evacc *a, const cJSON *ev, double t, struct req *r)
{
	const char *ch = jget_str(ev, "ch");

	if (ch == NULL || strcmp(ch, "role") == 0)
		return;
	if (!r->seen_req || r->seen_done ||
	    (r->tok_chunks > 0 && t < r->t_prev_tok))
		r->bad =
		    "events out of order (a token before its req, after its "
		    "done, or earlier than the one before)";
	if (r->tok_chunks == 0)
		r->t_first_tok = t;
	if (r->t_first_content == 0 && strcmp(ch, "content") == 0)
		r->t_first_content = t;
	if (r->tok_chunks > 0)
		push_gap(a, r, t - r->t_prev_tok);
	r->t_prev_tok = r->t_last_tok = t;
	r->tok_chunks++;
}

/* The server's own speed (lib/srvfig: one definition per server). */
static void server_speeds(struct req *r, const cJSON *ev)
{
	struct srvfig f;

	srvfig_read(ev, &f);
	r->srv_decode = f.decode_tps;
	r->srv_prefill = f.prefill_tps;
}

static void check_quality(struct evacc *a, struct req *r, const cJSON *ev)
{
	struct prompt_acc *p = r->prompt >= 0 ? &a->prompts[r->prompt] : NULL;
	const char *text = jget_str(ev, "text");

	if (p == NULL || r->status != FMT_ST_OK || r->warmup)
		return;
	if (p->has_rx)
		r->quality = text && regexec(&p->rx, text, 0, NULL, 0) == 0;
	if (p->answer)
		r->graded = grade_text(p->answer, text);
}

static void keep_sample(struct evacc *a, struct req *r, const cJSON *ev)
{
	struct prompt_acc *p = r->prompt >= 0 ? &a->prompts[r->prompt] : NULL;
	const char *text = jget_str(ev, "text");

	if (p == NULL || p->sample != NULL || text == NULL ||
	    r->status != FMT_ST_OK || r->warmup)
		return;
	p->sample_chars = (long)strlen(text);
	p->sample_tokens = r->out_tokens;
	if ((p->sample = xstrdup(a, text)) != NULL &&
	    strlen(p->sample) > SAMPLE_TEXT_MAX)
		p->sample[SAMPLE_TEXT_MAX] = '\0';
}

/* Folds a request's chunk gaps into the ITL histograms.  When usage says
 * there were more tokens than chunks, each of the C-1 chunk gaps stands
 * for (N-1)/(C-1) token gaps of proportionally shorter length. */
static void fold_gaps(struct evacc *a, struct req *r)
{
	struct prompt_acc *p = r->prompt >= 0 ? &a->prompts[r->prompt] : NULL;
	double f = 1;
	size_t i;

	if (r->out_tokens > r->tok_chunks && r->tok_chunks >= 2)
		f = (double)(r->out_tokens - 1) / (double)(r->tok_chunks - 1);
	if (!r->warmup && r->status == FMT_ST_OK) {
		for (i = 0; i < r->ngaps; i++) {
			stats_hist_add(&a->itl_all, r->gaps[i] / f, f);
			if (p)
				stats_hist_add(&p->itl, r->gaps[i] / f, f);
		}
	}
	free(r->gaps);
	r->gaps = NULL;
	r->ngaps = r->capgaps = 0;
}

/* Token counts are whole numbers from 0 to 10^9: a larger one would
 * overflow the sums and give negative speeds. */
static int counts_plausible(const cJSON *tk)
{
	static const char *const keys[] = {"content", "reasoning", "tool",
					   "chunk_tokens"};
	size_t i;
	double v;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		v = jget_num(tk, keys[i], 0);
		if (!(v >= 0 && v <= 1e9) || v != floor(v))
			return 0;
	}
	return 1;
}

static void on_done(struct evacc *a, const cJSON *ev, double t, struct req *r)
{
	const cJSON *tk = cJSON_GetObjectItemCaseSensitive(ev, "tokens");

	r->seen_done = 1;
	r->t_done = t;
	r->status = (int)formats_status_of(jget_str(ev, "status"));
	r->http = (int)jget_num(ev, "http", 0);
	r->timeout = jget_str(ev, "timeout")
			 ? (int)formats_timeout_of(jget_str(ev, "timeout"))
			 : -1;
	r->t_first_event = jget_num(ev, "t_first_event", 0);
	r->t_headers = jget_num(ev, "t_headers", 0);
	r->content = (long)jget_num(tk, "content", (double)r->tok_chunks);
	r->reasoning = (long)jget_num(tk, "reasoning", 0);
	r->tool = (long)jget_num(tk, "tool", 0);
	r->chunk_tokens =
	    (long)jget_num(tk, "chunk_tokens", (double)r->tok_chunks);
	r->from_usage =
	    jget_str(tk, "source") && !strcmp(jget_str(tk, "source"), "usage");
	r->natural_stop =
	    jget_str(ev, "finish") && !strcmp(jget_str(ev, "finish"), "stop");
	r->out_tokens = r->content + r->reasoning + r->tool;
	r->prompt_tokens = (long)jget_num(ev, "prompt_tokens", -1);
	if (r->status != FMT_ST_OK && !r->warmup && !a->first_error[0])
		snprintf(a->first_error, sizeof a->first_error, "%s: %s",
			 jget_str(ev, "status") ? jget_str(ev, "status") : "?",
			 jget_str(ev, "error") ? jget_str(ev, "error")
					       : "no message");
	if (!r->seen_req)
		r->bad = "a done event without its req";
	else if (t < r->t_send || (r->tok_chunks > 0 && t < r->t_last_tok))
		r->bad = "it ends before it began (done.t before req.t or its "
			 "tokens)";
	if (!counts_plausible(tk))
		r->bad =
		    "a token count that cannot be true (negative, not a whole "
		    "number, or over 10^9)";
	server_speeds(r, ev);
	check_quality(a, r, ev);
	keep_sample(a, r, ev);
	fold_gaps(a, r);
}

/* The array p (capacity *cap, n used) with room for one more element of
 * size sz: p itself or a larger copy; NULL when out of memory (p is kept). */
static void *grow(struct evacc *a, void *p, size_t *cap, size_t n, size_t sz)
{
	size_t c;

	if (n < *cap)
		return p;
	c = *cap ? *cap * 2 : 1024;
	if ((p = realloc(p, c * sz)) == NULL) {
		oom(a);
		return NULL;
	}
	*cap = c;
	return p;
}

/* The figures of a sample's sys object into v: each -1 when absent, not a
 * number, negative or infinite (unknown, never a measurement).  Returns
 * how many are known. */
static int sys_figures(const cJSON *sys, double *v)
{
	static const char *const keys[MEMFIG_NSYS] = {
	    [MEMFIG_WIRED] = "wired_bytes",
	    [MEMFIG_COMPRESSED] = "compressed_bytes",
	    [MEMFIG_SWAP_USED] = "swap_used_bytes",
	    [MEMFIG_USED] = "used_bytes",
	};
	int k, known = 0;

	for (k = 0; k < MEMFIG_NSYS; k++) {
		v[k] = jget_num(sys, keys[k], -1);
		if (!isfinite(v[k]) || v[k] < 0)
			v[k] = -1;
		else
			known++;
	}
	return known;
}

static void on_mem(struct evacc *a, const cJSON *ev, double t, const char *file,
		   long line)
{
	const cJSON *proc = cJSON_GetObjectItemCaseSensitive(ev, "proc");
	const cJSON *gpu = cJSON_GetObjectItemCaseSensitive(ev, "gpu");
	const cJSON *g;
	double bytes = -1, gsum = 0, sys[MEMFIG_NSYS];
	struct memfig_sys *ss;
	struct memfig_sample *m;
	int nsys;

	if (jget_str(ev, "format") && check_version(a, ev, file, line) != 0)
		return;
	/* macOS's physical footprint is what Activity Monitor shows; elsewhere
	 * the resident set of the process tree. */
	if (jget_num(proc, "footprint_bytes", -1) >= 0) {
		bytes = jget_num(proc, "footprint_bytes", -1);
		a->mem_kind = "proc.footprint_bytes";
	} else if (jget_num(proc, "rss_bytes", -1) >= 0) {
		bytes = jget_num(proc, "rss_bytes", -1);
		if (a->mem_kind == NULL)
			a->mem_kind = "proc.rss_bytes";
	}
	cJSON_ArrayForEach(g, gpu) gsum += jget_num(g, "used_bytes", 0);
	nsys = sys_figures(jget_obj(ev, "sys"), sys);
	if (bytes < 0 && gsum <= 0 && nsys == 0)
		return;
	a->n_samples++;
	if (nsys > 0 &&
	    (ss = grow(a, a->sys, &a->cap_sys, a->n_sys, sizeof *ss))) {
		a->sys = ss;
		ss[a->n_sys].t = t;
		memcpy(ss[a->n_sys].v, sys, sizeof sys);
		a->n_sys++;
	}
	if ((bytes >= 0 || gsum > 0) &&
	    (m = grow(a, a->mem, &a->cap_mem, a->n_mem, sizeof *m))) {
		a->mem = m;
		m[a->n_mem].t = t;
		m[a->n_mem].bytes = bytes;
		m[a->n_mem].gpu = gsum;
		a->n_mem++;
	}
}

/* A temperature source's index in a->pow_names (added when new), or -1
 * past the table. */
static int pow_name(struct evacc *a, const char *name)
{
	int i;

	for (i = 0; i < a->n_pow_names; i++)
		if (strcmp(a->pow_names[i], name) == 0)
			return i;
	if (i == (int)(sizeof a->pow_names / sizeof *a->pow_names))
		return -1;
	if ((a->pow_names[i] = strdup(name)) == NULL) {
		oom(a);
		return -1;
	}
	a->n_pow_names++;
	return i;
}

/* The names of w_total_of joined with "+", kept from the first sample. */
static void pow_sources(struct evacc *a, const cJSON *of)
{
	const cJSON *x;
	size_t k = 0;

	if (a->pow_total_of[0] || !cJSON_IsArray(of))
		return;
	cJSON_ArrayForEach(x, of) if (cJSON_IsString(x) &&
				      k + 2 < sizeof a->pow_total_of) k +=
	    (size_t)snprintf(a->pow_total_of + k, sizeof a->pow_total_of - k,
			     "%s%s", k ? "+" : "", x->valuestring);
}

/* A figure of a power event: a finite non-negative number, else -1. */
static double pow_num(const cJSON *o, const char *key)
{
	double v = jget_num(o, key, -1);

	return isfinite(v) && v >= 0 ? v : -1;
}

/* memsample --page-cache-event: the earliest and the latest are kept, the
 * model file's share in the page cache before and after the run. */
static void on_pagecache(struct evacc *a, const cJSON *ev, double t)
{
	cJSON **slot[2] = {&a->pc_first, &a->pc_last};
	int i;

	for (i = 0; i < 2; i++) {
		double u = *slot[i] ? jget_num(*slot[i], "t", NAN) : NAN;
		if (*slot[i] && (i == 0 ? u <= t : u > t))
			continue;
		cJSON_Delete(*slot[i]);
		if ((*slot[i] = cJSON_Duplicate(ev, 1)) == NULL)
			oom(a);
	}
}

static void on_power(struct evacc *a, const cJSON *ev, double t)
{
	const cJSON *temps = cJSON_GetObjectItemCaseSensitive(ev, "temp_c");
	const cJSON *x,
	    *thr = cJSON_GetObjectItemCaseSensitive(ev, "throttled");
	const char *th = jget_str(ev, "thermal"), *by;
	struct powfig_sample *s;

	if (a->pow_unknown == NULL && jget_obj(ev, "unknown") != NULL &&
	    (a->pow_unknown = cJSON_Duplicate(jget_obj(ev, "unknown"), 1)) ==
		NULL)
		oom(a);
	if ((s = grow(a, a->pow, &a->cap_pow, a->n_pow, sizeof *s)) == NULL)
		return;
	a->pow = s;
	s += a->n_pow++;
	s->t = t;
	s->w = pow_num(ev, "w_total");
	s->temp = -1;
	s->temp_src = -1;
	cJSON_ArrayForEach(x, temps) if (cJSON_IsNumber(x) &&
					 isfinite(x->valuedouble) &&
					 x->valuedouble > s->temp)
	{
		s->temp = x->valuedouble;
		s->temp_src = pow_name(a, x->string);
	}
	s->thermal = formats_thermal_of(th);
	s->throttled = cJSON_IsBool(thr) ? cJSON_IsTrue(thr) : -1;
	if (s->throttled == 1 && !a->pow_throttled_by[0] &&
	    (by = jget_str(ev, "throttled_by")) != NULL)
		snprintf(a->pow_throttled_by, sizeof a->pow_throttled_by, "%s",
			 by);
	if (s->w >= 0)
		pow_sources(a,
			    cJSON_GetObjectItemCaseSensitive(ev, "w_total_of"));
}

int evacc_event(struct evacc *a, cJSON *ev, const char *file, long line)
{
	const char *type = jget_str(ev, "ev");
	const cJSON *tv = cJSON_GetObjectItemCaseSensitive(ev, "t");
	struct req *r;
	double t;

	if (a->err[0])
		return -1;
	if (type == NULL || !cJSON_IsNumber(tv)) {
		a->n_invalid++;
		if (a->strict)
			return fail(
			    a,
			    "%s:%ld: an event needs \"ev\" and a numeric "
			    "\"t\"",
			    file, line);
		if (a->warn)
			a->warn(a->ctx, file, line,
				"an event needs \"ev\" and a numeric \"t\"");
		return 0;
	}
	t = tv->valuedouble;
	a->n_events++;
	if (!strcmp(type, "tok") || !strcmp(type, "req") ||
	    !strcmp(type, "done")) {
		if ((r = req_at(a, ev, file, line)) == NULL)
			return -1;
		if (type[0] == 't')
			on_tok(a, ev, t, r);
		else if (type[0] == 'r')
			on_req(a, ev, t, r);
		else
			on_done(a, ev, t, r);
	} else if (strcmp(type, "mem") == 0) {
		on_mem(a, ev, t, file, line);
	} else if (strcmp(type, "power") == 0) {
		on_power(a, ev, t);
	} else if (strcmp(type, "run") == 0) {
		on_run(a, ev, file, line);
	} else if (strcmp(type, "end") == 0 && jget_str(ev, "tool") &&
		   strcmp(jget_str(ev, "tool"), "gen") == 0) {
		cJSON_Delete(a->end_ev);
		if ((a->end_ev = cJSON_Duplicate(ev, 1)) == NULL)
			oom(a);
	} else if (strcmp(type, "load") == 0) {
		cJSON_Delete(a->load_ev);
		if ((a->load_ev = cJSON_Duplicate(ev, 1)) == NULL)
			oom(a);
	} else if (strcmp(type, "pagecache") == 0) {
		on_pagecache(a, ev, t);
	} else if (strcmp(type, "end") != 0) {
		a->n_unknown++;
		return 0;
	}
	if (strcmp(type, "mem") != 0 && strcmp(type, "power") != 0)
		see_time(a, t);
	return a->err[0] ? -1 : 0;
}

void evacc_sort(struct evacc *a)
{
	if (a->n_reqs > 1)
		qsort(a->reqs, (size_t)a->n_reqs, sizeof *a->reqs, cmp_req);
}

void evacc_free(struct evacc *a)
{
	long id;
	int i;

	for (id = 0; id < a->n_reqs; id++)
		free(a->reqs[id].gaps);
	free(a->reqs);
	free(a->req_slots);
	free(a->pow);
	cJSON_Delete(a->pow_unknown);
	for (i = 0; i < a->n_pow_names; i++)
		free(a->pow_names[i]);
	for (i = 0; i < a->n_prompts; i++) {
		struct prompt_acc *p = &a->prompts[i];
		free(p->name);
		free(p->category);
		free(p->expect);
		free(p->sample);
		if (p->has_rx)
			regfree(&p->rx);
		cJSON_Delete(p->answer);
		stats_vec_free(&p->ttft);
		stats_vec_free(&p->ttfo);
		stats_vec_free(&p->decode);
		stats_vec_free(&p->e2e);
		stats_vec_free(&p->prefill);
		stats_vec_free(&p->out_tokens);
		stats_vec_free(&p->prompt_tokens);
	}
	free(a->prompts);
	free(a->mem);
	free(a->sys);
	cJSON_Delete(a->run_ev);
	cJSON_Delete(a->end_ev);
	cJSON_Delete(a->load_ev);
	cJSON_Delete(a->pc_first);
	cJSON_Delete(a->pc_last);
	memset(a, 0, sizeof *a);
}
