/* resp: one streamed completion's response (see resp.h). */
#include "resp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "jget.h"
#include "lprob.h"
#include "oai.h"

static int on_sse(void *ctx, const struct sse_event *ev);

int resp_init(struct resp *r, int keep_text, size_t max_line,
	      resp_tok_fn *on_tok, void *ctx)
{
	memset(r, 0, sizeof *r);
	r->status = FMT_ST_OK;
	r->timeout_kind = FMT_TO_OTHER;
	r->usage_completion = r->usage_prompt = r->usage_reasoning = -1;
	r->load_s = -1;
	r->keep_text = keep_text;
	r->on_tok = on_tok;
	r->ctx = ctx;
	jw_init(&r->text);
	jw_init(&r->reasoning);
	jw_init(&r->errbody);
	jw_init(&r->line);
	jw_init(&r->lp);
	r->lp_top_min = -1;
	r->max_line = max_line ? max_line : (size_t)64 << 20;
	r->sse = sse_new(on_sse, r, r->max_line);
	return r->sse != NULL ? 0 : -1;
}

void resp_free(struct resp *r)
{
	sse_free(r->sse);
	jw_free(&r->text);
	jw_free(&r->reasoning);
	jw_free(&r->errbody);
	jw_free(&r->line);
	jw_free(&r->lp);
	free(r->usage);
	free(r->timings);
	free(r->stats);
	free(r->ollama);
	free(r->metrics);
	r->sse = NULL;
	r->usage = r->timings = r->stats = r->ollama = r->metrics = NULL;
}

void resp_set_ollama(struct resp *r, const char *runner)
{
	r->ndjson = 1;
	r->runner = runner;
}

void resp_set_logprobs(struct resp *r, int k)
{
	r->lp_asked = k;
}

void resp_fail(struct resp *r, enum formats_status st, const char *fmt, ...)
{
	va_list ap;

	if (r->status != FMT_ST_OK)
		return;
	r->status = st;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
}

const char *resp_ch_name(enum resp_ch ch)
{
	static const char *const names[] = {"role", "reasoning", "content",
					    "tool"};

	return ch >= RESP_ROLE && ch <= RESP_TOOL ? names[ch] : "?";
}

static void tok(struct resp *r, enum resp_ch ch, size_t bytes)
{
	if (r->on_tok != NULL)
		r->on_tok(r->ctx, ch, bytes);
}

static char *json_dup(const cJSON *v)
{
	return v ? cJSON_PrintUnformatted(v) : NULL;
}

/* Keeps a JSON value of the server's as text, replacing an earlier one. */
static void keep_json(char **dst, const cJSON *v)
{
	free(*dst);
	*dst = json_dup(v);
}

static void take_usage(struct resp *r, const cJSON *u)
{
	const cJSON *d = jget_obj(u, "completion_tokens_details");

	keep_json(&r->usage, u);
	r->usage_completion = (long)jget_num(u, "completion_tokens", -1);
	r->usage_prompt = (long)jget_num(u, "prompt_tokens", -1);
	if (d != NULL)
		r->usage_reasoning = (long)jget_num(d, "reasoning_tokens", -1);
}

/* Ollama's final native object: its durations (ns) and counts verbatim,
 * the runner they are measured by, and the counts as usage (eval_count
 * is usage.completion_tokens on Ollama's OpenAI API: openai.go). */
static void take_ollama(struct resp *r, const cJSON *o)
{
	static const char *const keys[] = {
	    "total_duration",	    "load_duration", "prompt_eval_count",
	    "prompt_eval_duration", "eval_count",    "eval_duration"};
	cJSON *k = cJSON_CreateObject();
	const cJSON *v;

	for (size_t i = 0; k != NULL && i < sizeof keys / sizeof keys[0]; i++)
		if (cJSON_IsNumber(
			v = cJSON_GetObjectItemCaseSensitive(o, keys[i])))
			cJSON_AddNumberToObject(k, keys[i], v->valuedouble);
	if (k != NULL && r->runner != NULL)
		cJSON_AddStringToObject(k, "runner", r->runner);
	keep_json(&r->ollama, k);
	cJSON_Delete(k);
	if (jget_num(o, "load_duration", -1) >= 0)
		r->load_s = jget_num(o, "load_duration", 0) / 1e9;
	r->usage_completion = (long)jget_num(o, "eval_count", -1);
	r->usage_prompt = (long)jget_num(o, "prompt_eval_count", -1);
	r->saw_done = 1; /* the native stream's end: nothing follows it */
}

static void on_lp(void *ctx, const struct lp_pos *p)
{
	struct resp *r = ctx;

	if (r->lp_top_min < 0 || p->ntop < r->lp_top_min)
		r->lp_top_min = p->ntop;
	r->lp_n++;
	lp_write(&r->lp, p);
}

/* The chunk's logprobs, when asked for; a chunk of text without any is
 * counted, so that a server that ignores the request is told apart. */
static void take_logprobs(struct resp *r, const struct oai_chunk *c)
{
	int n;

	if (r->lp_asked <= 0)
		return;
	n = lp_parse(c->choice, c->root, on_lp, r);
	if (n <= 0 && (c->content_len > 0 || c->reasoning_len > 0))
		r->lp_missing++;
}

static void take_chunk(struct resp *r, const struct oai_chunk *c)
{
	r->chunks++;
	take_logprobs(r, c);
	if (c->role_only)
		tok(r, RESP_ROLE, 0);
	if (c->reasoning_len > 0) {
		r->n_reasoning++;
		tok(r, RESP_REASONING, c->reasoning_len);
		if (r->keep_text)
			jw_append(&r->reasoning, c->reasoning,
				  c->reasoning_len);
	}
	if (c->content_len > 0) {
		r->n_content++;
		tok(r, RESP_CONTENT, c->content_len);
		if (r->keep_text)
			jw_append(&r->text, c->content, c->content_len);
	}
	if (c->has_tool) {
		r->n_tool++;
		tok(r, RESP_TOOL, c->tool_len);
	}
	if (c->finish)
		snprintf(r->finish, sizeof r->finish, "%s", c->finish);
	if (c->usage)
		take_usage(r, c->usage);
	if (c->timings)
		keep_json(&r->timings, c->timings);
	if (c->stats)
		keep_json(&r->stats, c->stats);
	if (c->ollama)
		take_ollama(r, c->ollama);
	if (c->metrics)
		keep_json(&r->metrics, c->metrics);
}

static void take_payload(struct resp *r, const char *data, size_t len);

/* One SSE event of the response. */
static int on_sse(void *ctx, const struct sse_event *ev)
{
	take_payload(ctx, ev->data, ev->len);
	return 0;
}

/* One line of Ollama's native stream; blank lines are nothing. */
static void on_line(struct resp *r)
{
	size_t len;
	const char *d = jw_data(&r->line, &len);

	while (len > 0 && (d[len - 1] == '\r' || d[len - 1] == ' '))
		len--;
	if (len > 0)
		take_payload(r, d, len);
	jw_reset(&r->line);
}

/* Splits bytes into lines; -1 when a line passes max_line. */
static int feed_lines(struct resp *r, const char *p, size_t len)
{
	size_t have;

	while (len > 0) {
		const char *nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) : len;
		jw_data(&r->line, &have);
		if (have + n > r->max_line)
			return -1;
		jw_append(&r->line, p, n);
		if (nl == NULL)
			break;
		on_line(r);
		p = nl + 1;
		len -= n + 1;
	}
	return 0;
}

/* One payload: an SSE event's data, or a line of Ollama's stream. */
static void take_payload(struct resp *r, const char *data, size_t len)
{
	struct oai_chunk c;

	if (r->m_first_event == 0)
		r->m_first_event = r->m_now;
	if (r->saw_done)
		return; /* a client stops reading at [DONE]: nothing after
			   counts */
	if (r->ndjson)
		oai_decode_ollama(data, len, &c);
	else if (r->lp_asked > 0) /* logprobs are read from the tree */
		oai_decode(data, len, &c);
	else
		oai_decode_memo(&r->memo, data, len, &c);
	switch (c.kind) {
	case OAI_DONE: r->saw_done = 1; break;
	case OAI_ERROR:
		resp_fail(r, FMT_ST_STREAM, "error in stream: %.200s", c.error);
		break;
	case OAI_BAD:
		r->chunks++;
		resp_fail(r, FMT_ST_PROTOCOL, "malformed chunk %ld%s%s%s: %.*s",
			  r->chunks, c.bad ? " (" : "", c.bad ? c.bad : "",
			  c.bad ? ")" : "", (int)(len < 60 ? len : 60), data);
		break;
	case OAI_CHUNK:
		/* text after the model said it finished: no stream a client
		 * can trust (a usage or timings chunk may follow, text not) */
		if (r->finish[0] &&
		    (c.content_len || c.reasoning_len || c.has_tool))
			resp_fail(r, FMT_ST_PROTOCOL,
				  "text after finish_reason \"%s\" in "
				  "chunk %ld",
				  r->finish, r->chunks + 1);
		take_chunk(r, &c);
		break;
	}
	oai_clear(&c);
}

/* Copies the value of header line p if its name is name (with ':'). */
static void header_value(const char *p, size_t len, const char *name, char *dst,
			 size_t dstlen)
{
	size_t n = strlen(name);
	const char *v;

	if (len < n || strncasecmp(p, name, n) != 0)
		return;
	for (v = p + n; v < p + len && (*v == ' ' || *v == '\t'); v++)
		;
	snprintf(dst, dstlen, "%.*s", (int)strcspn(v, "\r\n"), v);
}

void resp_header(struct resp *r, const char *p, size_t len)
{
	header_value(p, len, "content-type:", r->ctype, sizeof r->ctype);
	header_value(p, len, "content-encoding:", r->encoding,
		     sizeof r->encoding);
	header_value(p, len, "location:", r->location, sizeof r->location);
}

void resp_headers_done(struct resp *r, long http, int64_t now)
{
	(void)now;
	r->http = http;
	r->headers_done = 1;
	r->is_sse = r->ndjson
			? strncasecmp(r->ctype, "application/x-ndjson", 20) == 0
			: strncasecmp(r->ctype, "text/event-stream", 17) == 0;
}

int resp_body(struct resp *r, const char *p, size_t len, int64_t now)
{
	size_t have;

	r->m_now = now;
	if (r->http < 200 || r->http >= 300) {
		jw_data(&r->errbody, &have);
		if (have < RESP_ERRBODY_MAX)
			jw_append(&r->errbody, p,
				  len < RESP_ERRBODY_MAX - have
				      ? len
				      : RESP_ERRBODY_MAX - have);
		return 0;
	}
	/* nothing asks for compression (gen sends no Accept-Encoding) */
	if (r->encoding[0] && strcasecmp(r->encoding, "identity") != 0)
		resp_fail(r, FMT_ST_PROTOCOL,
			  "the body is %s-encoded, which was not "
			  "asked for",
			  r->encoding);
	if (!r->is_sse)
		resp_fail(r, FMT_ST_PROTOCOL, "Content-Type is \"%s\", not %s",
			  r->ctype,
			  r->ndjson ? "application/x-ndjson"
				    : "text/event-stream");
	if (r->ndjson ? feed_lines(r, p, len) != 0
		      : sse_feed(r->sse, p, len) != 0) {
		resp_fail(r, FMT_ST_PROTOCOL, "a%s line longer than %zu bytes",
			  r->ndjson ? " JSON" : "n SSE", r->max_line);
		return -1;
	}
	return 0;
}

void resp_end(struct resp *r, enum resp_transport how, const char *why,
	      int64_t now)
{
	char msg[200];
	size_t n;
	const char *b, *m;

	r->m_now = now;
	if (r->ndjson)
		on_line(r); /* a last line without its newline */
	else
		sse_finish(r->sse);
	if (why == NULL || why[0] == '\0')
		why = how == RT_OK ? "" : "the connection failed";
	if (how == RT_CONNECT ||
	    (how == RT_BROKEN && !r->headers_done && r->m_first_event == 0)) {
		resp_fail(r, FMT_ST_CONNECT, "%s", why);
	} else if (how == RT_PROTOCOL) {
		resp_fail(r, FMT_ST_PROTOCOL, "%s", why);
	} else if (how == RT_TIMEOUT && !r->headers_done) {
		if (r->status == FMT_ST_OK)
			r->timeout_kind = FMT_TO_CONNECT;
		resp_fail(r, FMT_ST_TIMEOUT, "%s", why);
	} else if (how != RT_OK) {
		resp_fail(r, FMT_ST_STREAM, "%s", why);
	} else if (r->http < 200 || r->http >= 300) {
		b = jw_data(&r->errbody, &n);
		m = oai_error_message(b, n, msg, sizeof msg);
		if (r->http >= 300 && r->http < 400 && r->location[0])
			resp_fail(r, FMT_ST_HTTP,
				  "HTTP %ld: redirected to %s (use "
				  "that base URL)",
				  r->http, r->location);
		else
			resp_fail(r, FMT_ST_HTTP, "HTTP %ld%s%s", r->http,
				  m ? ": " : "", m ? m : "");
	} else if (!r->saw_done && r->finish[0] == '\0') {
		resp_fail(
		    r, FMT_ST_STREAM,
		    r->ndjson
			? "the stream ended without a line "
			  "saying done"
			: "the stream ended without [DONE] or a finish_reason");
	} else if (r->chunks == 0) {
		resp_fail(r, FMT_ST_PROTOCOL,
			  "the stream ended at [DONE] without a "
			  "single completion chunk");
	}
}

void resp_tokens(const struct resp *r, struct resp_tokens *t)
{
	long total;

	t->chunk_total = r->n_content + r->n_reasoning + r->n_tool;
	t->content = r->n_content;
	t->reasoning = r->n_reasoning;
	t->tool = r->n_tool;
	t->from_usage = r->usage_completion >= 0;
	if (!t->from_usage)
		return;
	total = r->usage_completion;
	t->reasoning =
	    r->usage_reasoning >= 0 ? r->usage_reasoning : r->n_reasoning;
	if (t->reasoning > total)
		t->reasoning = total;
	if (t->tool > total - t->reasoning)
		t->tool = total - t->reasoning;
	t->content = total - t->reasoning - t->tool;
}

static void write_text(jw *w, const char *key, const jw *buf)
{
	size_t len;
	const char *s = jw_data(buf, &len);

	if (len > 0)
		jw_strn(w, key, s, len);
}

void resp_write_outcome(const struct resp *r, jw *w)
{
	jw_str(w, "status", formats_status_name(r->status));
	jw_int(w, "http", r->http);
	if (r->status == FMT_ST_TIMEOUT)
		jw_str(w, "timeout", formats_timeout_name(r->timeout_kind));
	if (r->status != FMT_ST_OK && r->err[0])
		jw_str(w, "error", r->err);
	if (r->finish[0])
		jw_str(w, "finish", r->finish);
}

/* What the server gave of the logprobs asked for: "none" (it ignored
 * them: no chunk had any), "partial" (some chunks of text had none), or
 * "all"; the shortest top list (a server may give fewer than asked). */
static void write_logprobs(const struct resp *r, jw *w)
{
	size_t len;
	const char *d = jw_data(&r->lp, &len);

	jw_obj_open(w, "logprobs");
	jw_int(w, "asked", r->lp_asked);
	jw_str(w, "given",
	       r->lp_n == 0	   ? "none"
	       : r->lp_missing > 0 ? "partial"
				   : "all");
	jw_int(w, "positions", r->lp_n);
	if (r->lp_top_min >= 0)
		jw_int(w, "top_min", r->lp_top_min);
	if (r->lp_n > 0) {
		jw_arr_open(w, "content");
		jw_append(w, d, len);
		jw_arr_close(w);
	}
	jw_obj_close(w);
}

void resp_write_content(const struct resp *r, jw *w)
{
	struct resp_tokens t;

	jw_int(w, "chunks", r->chunks);
	jw_bool(w, "done_marker", r->saw_done);
	resp_tokens(r, &t);
	jw_obj_open(w, "tokens");
	jw_int(w, "content", t.content);
	jw_int(w, "reasoning", t.reasoning);
	jw_int(w, "tool", t.tool);
	jw_str(w, "source", t.from_usage ? "usage" : "chunks");
	jw_int(w, "chunk_tokens", t.chunk_total);
	jw_obj_close(w);
	if (r->usage_prompt >= 0)
		jw_int(w, "prompt_tokens", r->usage_prompt);
	if (r->usage)
		jw_raw(w, "usage", r->usage);
	if (r->timings)
		jw_raw(w, "timings", r->timings);
	if (r->stats)
		jw_raw(w, "stats", r->stats);
	if (r->ollama)
		jw_raw(w, "ollama", r->ollama);
	if (r->metrics)
		jw_raw(w, "metrics", r->metrics);
	if (r->lp_asked > 0)
		write_logprobs(r, w);
	if (r->keep_text) {
		write_text(w, "text", &r->text);
		write_text(w, "reasoning_text", &r->reasoning);
	}
	if (r->status == FMT_ST_HTTP)
		write_text(w, "body", &r->errbody);
}

enum formats_timeout resp_overdue(const struct resp *r,
				  const struct resp_limits *l, int64_t send,
				  int64_t last, int64_t now, char *msg,
				  size_t msglen)
{
	double since_send = (double)(now - send) / 1e9;
	double since_last = (double)(now - (last > send ? last : send)) / 1e9;

	if (l->total > 0 && since_send > l->total) {
		snprintf(msg, msglen, "no end after %.3f s", l->total);
		return FMT_TO_TOTAL;
	}
	if (r->m_first_event == 0 && l->first > 0 && since_send > l->first) {
		snprintf(msg, msglen, "no first event after %.3f s", l->first);
		return FMT_TO_FIRST;
	}
	if (r->m_first_event != 0 && l->idle > 0 && since_last > l->idle) {
		snprintf(msg, msglen, "nothing received for %.3f s", l->idle);
		return FMT_TO_IDLE;
	}
	return FMT_TO_OTHER;
}

/* t + s seconds, a microsecond past (resp_overdue's test is strict) */
static int64_t after(int64_t t, double s)
{
	return t + (int64_t)(s * 1e9) + 1000;
}

int64_t resp_due(const struct resp *r, const struct resp_limits *l,
		 int64_t send, int64_t last, int64_t now)
{
	int64_t due = INT64_MAX, d;

	if (l->total > 0 && (d = after(send, l->total)) < due)
		due = d;
	if (r->m_first_event == 0) {
		if (l->first > 0 && (d = after(send, l->first)) < due)
			due = d;
		if (l->idle > 0 && (d = after(now, l->idle)) < due)
			due = d;
	} else if (l->idle > 0 &&
		   (d = after(last > send ? last : send, l->idle)) < due) {
		due = d;
	}
	return due;
}
