/* resp: one streamed completion's response (see resp.h). */
#include "resp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "jget.h"
#include "oai.h"

static int on_sse(void *ctx, const struct sse_event *ev);

int resp_init(struct resp *r, int keep_text, size_t max_line,
	      resp_tok_fn *on_tok, void *ctx)
{
	memset(r, 0, sizeof *r);
	r->status = ST_OK;
	r->timeout_kind = TO_OTHER;
	r->usage_completion = r->usage_prompt = r->usage_reasoning = -1;
	r->keep_text = keep_text;
	r->on_tok = on_tok;
	r->ctx = ctx;
	jw_init(&r->text);
	jw_init(&r->reasoning);
	jw_init(&r->errbody);
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
	free(r->usage);
	free(r->timings);
	free(r->stats);
	r->sse = NULL;
	r->usage = r->timings = r->stats = NULL;
}

void resp_fail(struct resp *r, enum fmt_status st, const char *fmt, ...)
{
	va_list ap;

	if (r->status != ST_OK)
		return;
	r->status = st;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
}

const char *resp_ch_name(enum resp_ch ch)
{
	static const char *const names[] = {"role", "reasoning", "content", "tool"};

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

static void take_chunk(struct resp *r, const struct oai_chunk *c)
{
	r->chunks++;
	if (c->role_only)
		tok(r, RESP_ROLE, 0);
	if (c->reasoning_len > 0) {
		r->n_reasoning++;
		tok(r, RESP_REASONING, c->reasoning_len);
		if (r->keep_text)
			jw_append(&r->reasoning, c->reasoning, c->reasoning_len);
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
}

/* One SSE event of the response. */
static int on_sse(void *ctx, const struct sse_event *ev)
{
	struct resp *r = ctx;
	struct oai_chunk c;

	if (r->m_first_event == 0)
		r->m_first_event = r->m_now;
	if (r->saw_done)
		return 0; /* a client stops reading at [DONE]: nothing after counts */
	oai_decode(ev->data, ev->len, &c);
	switch (c.kind) {
	case OAI_DONE:
		r->saw_done = 1;
		break;
	case OAI_ERROR:
		resp_fail(r, ST_STREAM, "error in stream: %.200s", c.error);
		break;
	case OAI_BAD:
		r->chunks++;
		resp_fail(r, ST_PROTOCOL, "malformed chunk %ld%s%s%s: %.60s", r->chunks,
			  c.bad ? " (" : "", c.bad ? c.bad : "", c.bad ? ")" : "", ev->data);
		break;
	case OAI_CHUNK:
		/* text after the model said it finished: no stream a client
		 * can trust (a usage or timings chunk may follow, text not) */
		if (r->finish[0] && (c.content_len || c.reasoning_len || c.has_tool))
			resp_fail(r, ST_PROTOCOL, "text after finish_reason \"%s\" in "
				  "chunk %ld", r->finish, r->chunks + 1);
		take_chunk(r, &c);
		break;
	}
	oai_clear(&c);
	return 0;
}

/* Copies the value of header line p if its name is name (with ':'). */
static void header_value(const char *p, size_t len, const char *name,
			 char *dst, size_t dstlen)
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
	header_value(p, len, "content-encoding:", r->encoding, sizeof r->encoding);
	header_value(p, len, "location:", r->location, sizeof r->location);
}

void resp_headers_done(struct resp *r, long http, int64_t now)
{
	(void)now;
	r->http = http;
	r->headers_done = 1;
	r->is_sse = strncasecmp(r->ctype, "text/event-stream", 17) == 0;
}

int resp_body(struct resp *r, const char *p, size_t len, int64_t now)
{
	size_t have;

	r->m_now = now;
	if (r->http < 200 || r->http >= 300) {
		jw_data(&r->errbody, &have);
		if (have < RESP_ERRBODY_MAX)
			jw_append(&r->errbody, p, len < RESP_ERRBODY_MAX - have ?
				  len : RESP_ERRBODY_MAX - have);
		return 0;
	}
	/* nothing asks for compression (gen sends no Accept-Encoding) */
	if (r->encoding[0] && strcasecmp(r->encoding, "identity") != 0)
		resp_fail(r, ST_PROTOCOL, "the body is %s-encoded, which was not "
			  "asked for", r->encoding);
	if (!r->is_sse)
		resp_fail(r, ST_PROTOCOL, "Content-Type is \"%s\", not "
			  "text/event-stream", r->ctype);
	if (sse_feed(r->sse, p, len) != 0) {
		resp_fail(r, ST_PROTOCOL, "an SSE line longer than %zu bytes", r->max_line);
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
	sse_finish(r->sse);
	if (why == NULL || why[0] == '\0')
		why = how == RT_OK ? "" : "the connection failed";
	if (how == RT_CONNECT ||
	    (how == RT_BROKEN && !r->headers_done && r->m_first_event == 0)) {
		resp_fail(r, ST_CONNECT, "%s", why);
	} else if (how == RT_PROTOCOL) {
		resp_fail(r, ST_PROTOCOL, "%s", why);
	} else if (how == RT_TIMEOUT && !r->headers_done) {
		if (r->status == ST_OK)
			r->timeout_kind = TO_CONNECT;
		resp_fail(r, ST_TIMEOUT, "%s", why);
	} else if (how != RT_OK) {
		resp_fail(r, ST_STREAM, "%s", why);
	} else if (r->http < 200 || r->http >= 300) {
		b = jw_data(&r->errbody, &n);
		m = oai_error_message(b, n, msg, sizeof msg);
		if (r->http >= 300 && r->http < 400 && r->location[0])
			resp_fail(r, ST_HTTP, "HTTP %ld: redirected to %s (use "
				  "that base URL)", r->http, r->location);
		else
			resp_fail(r, ST_HTTP, "HTTP %ld%s%s", r->http,
				  m ? ": " : "", m ? m : "");
	} else if (!r->saw_done && r->finish[0] == '\0') {
		resp_fail(r, ST_STREAM, "the stream ended without [DONE] or "
			  "a finish_reason");
	} else if (r->chunks == 0) {
		resp_fail(r, ST_PROTOCOL, "the stream ended at [DONE] without a "
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
	t->reasoning = r->usage_reasoning >= 0 ? r->usage_reasoning :
						 r->n_reasoning;
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
	jw_str(w, "status", fmt_status_name(r->status));
	jw_int(w, "http", r->http);
	if (r->status == ST_TIMEOUT)
		jw_str(w, "timeout", fmt_timeout_name(r->timeout_kind));
	if (r->status != ST_OK && r->err[0])
		jw_str(w, "error", r->err);
	if (r->finish[0])
		jw_str(w, "finish", r->finish);
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
	if (r->keep_text) {
		write_text(w, "text", &r->text);
		write_text(w, "reasoning_text", &r->reasoning);
	}
	if (r->status == ST_HTTP)
		write_text(w, "body", &r->errbody);
}

enum fmt_timeout resp_overdue(const struct resp *r, const struct resp_limits *l,
			      int64_t send, int64_t last, int64_t now,
			      char *msg, size_t msglen)
{
	double since_send = (double)(now - send) / 1e9;
	double since_last = (double)(now - (last > send ? last : send)) / 1e9;

	if (l->total > 0 && since_send > l->total) {
		snprintf(msg, msglen, "no end after %.3f s", l->total);
		return TO_TOTAL;
	}
	if (r->m_first_event == 0 && l->first > 0 && since_send > l->first) {
		snprintf(msg, msglen, "no first event after %.3f s", l->first);
		return TO_FIRST;
	}
	if (r->m_first_event != 0 && l->idle > 0 && since_last > l->idle) {
		snprintf(msg, msglen, "nothing received for %.3f s", l->idle);
		return TO_IDLE;
	}
	return TO_OTHER;
}
