/* Unit tests for src/gen/resp: a captured llama-server stream fed whole and a
 * byte at a time, and every failure class from the transport's outcome. */
#include "tap.h"

#include <stdlib.h>

#include "fileio.h"
#include "resp.h"

static char *fixture(const char *name, size_t *n)
{
	char path[256];

	snprintf(path, sizeof path, "%s/llama-server/%s", FIXTURES, name);
	return fileio_slurp(path, 1 << 20, n);
}

static long toks[4]; /* role, reasoning, content, tool */

static void count_tok(void *ctx, enum resp_ch ch, size_t bytes)
{
	(void)ctx;
	(void)bytes;
	toks[ch]++; /* RESP_ROLE .. RESP_TOOL: 0 .. 3 */
}

static void start(struct resp *r, const char *ctype, long http)
{
	char line[128];

	memset(toks, 0, sizeof toks);
	resp_init(r, 1, 0, count_tok, NULL);
	snprintf(line, sizeof line, "Content-Type: %s\r\n", ctype);
	resp_header(r, line, strlen(line));
	resp_headers_done(r, http, 1);
}

/* The capture with usage: 16 content chunks after a role-only one, usage
 * and timings in a chunk with no choices, finish "length", [DONE]. */
static void check_capture(struct resp *r)
{
	struct resp_tokens t;

	CHECK_INT(r->status, FMT_ST_OK);
	CHECK_INT(r->saw_done, 1);
	CHECK_STR(r->finish, "length");
	CHECK_INT(toks[0], 1);
	CHECK_INT(toks[2], 16);
	CHECK_INT(r->usage_completion, 16);
	CHECK_INT(r->usage_prompt, 49);
	CHECK(r->timings != NULL && strstr(r->timings, "predicted_per_second"));
	resp_tokens(r, &t);
	CHECK_INT(t.from_usage, 1);
	CHECK_INT(t.content, 16);
	CHECK_INT(t.chunk_total, 16);
}

static void test_capture_whole_and_bytewise(void)
{
	size_t n, i;
	char *s = fixture("chat-stream-usage.sse", &n);
	struct resp r;

	start(&r, "text/event-stream", 200);
	CHECK_INT(resp_body(&r, s, n, 2), 0);
	resp_end(&r, RT_OK, "", 3);
	check_capture(&r);
	resp_free(&r);
	start(&r, "text/event-stream", 200);
	for (i = 0; i < n; i++)
		CHECK_INT(resp_body(&r, s + i, 1, 2), 0);
	resp_end(&r, RT_OK, NULL, 3);
	check_capture(&r);
	resp_free(&r);
	free(s);
}

static void test_http_error(void)
{
	static const char body[] =
	    "{\"error\":{\"code\":500,\"message\":\"parse error\","
	    "\"type\":\"server_error\"}}";
	struct resp r;
	jw w;

	start(&r, "application/json; charset=utf-8", 500);
	resp_body(&r, body, sizeof body - 1, 2);
	resp_end(&r, RT_OK, "", 3);
	CHECK_INT(r.status, FMT_ST_HTTP);
	CHECK_STR(r.err, "HTTP 500: parse error");
	jw_init(&w);
	jw_obj_open(&w, NULL);
	resp_write_outcome(&r, &w);
	resp_write_content(&r, &w);
	jw_obj_close(&w);
	CHECK(strstr(jw_cstr(&w), "\"status\":\"http_error\",\"http\":500") !=
	      NULL);
	CHECK(strstr(jw_cstr(&w), "\"body\":") != NULL);
	jw_free(&w);
	resp_free(&r);
}

static void test_failures(void)
{
	static const char chunk[] =
	    "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n";
	struct resp r;

	start(&r, "application/json", 200); /* not an event stream */
	resp_body(&r, chunk, sizeof chunk - 1, 2);
	resp_end(&r, RT_OK, "", 3);
	CHECK_INT(r.status, FMT_ST_PROTOCOL);
	resp_free(&r);

	start(&r, "text/event-stream", 200); /* no [DONE], no finish */
	resp_body(&r, chunk, sizeof chunk - 1, 2);
	resp_end(&r, RT_OK, "", 3);
	CHECK_INT(r.status, FMT_ST_STREAM);
	CHECK(strstr(r.err, "without [DONE]") != NULL);
	resp_free(&r);

	resp_init(&r, 0, 0, NULL, NULL); /* refused before any header */
	resp_end(&r, RT_CONNECT, "Connection refused", 1);
	CHECK_INT(r.status, FMT_ST_CONNECT);
	CHECK_STR(r.err, "Connection refused");
	resp_free(&r);

	resp_init(&r, 0, 0, NULL,
		  NULL); /* the transport's timeout, no headers */
	resp_end(&r, RT_TIMEOUT, "", 1);
	CHECK_INT(r.status, FMT_ST_TIMEOUT);
	CHECK_INT(r.timeout_kind, FMT_TO_CONNECT);
	resp_free(&r);

	start(&r, "text/event-stream", 200); /* broken mid-stream */
	resp_body(&r, chunk, sizeof chunk - 1, 2);
	resp_end(&r, RT_BROKEN, "Recv failure", 3);
	CHECK_INT(r.status, FMT_ST_STREAM);
	CHECK_INT(toks[2], 1);
	resp_free(&r);

	start(&r, "text/event-stream", 200); /* an error object in the stream */
	const char *err = "data: {\"error\":{\"message\":\"boom\"}}\n\n";
	resp_body(&r, err, strlen(err), 2);
	resp_end(&r, RT_OK, "", 3);
	CHECK_INT(r.status, FMT_ST_STREAM);
	CHECK(strstr(r.err, "boom") != NULL);
	resp_free(&r);
}

static void test_line_limit(void)
{
	struct resp r;
	char big[300];

	memset(big, 'x', sizeof big);
	resp_init(&r, 0, 256, NULL, NULL);
	resp_header(&r, "Content-Type: text/event-stream\r\n", 33);
	resp_headers_done(&r, 200, 1);
	CHECK_INT(resp_body(&r, big, sizeof big, 2), -1);
	CHECK_INT(r.status, FMT_ST_PROTOCOL);
	CHECK_STR(r.err, "an SSE line longer than 256 bytes");
	resp_free(&r);
}

static void test_overdue(void)
{
	const int64_t S = 1000000000LL;
	struct resp_limits lim = {2, 1, 10};
	struct resp r;
	char msg[96];

	resp_init(&r, 0, 0, NULL, NULL);
	CHECK_INT(resp_overdue(&r, &lim, 0, 0, 2 * S, msg, sizeof msg),
		  FMT_TO_OTHER);
	CHECK_INT(resp_overdue(&r, &lim, 0, 0, 2 * S + 1, msg, sizeof msg),
		  FMT_TO_FIRST);
	CHECK_STR(msg, "no first event after 2.000 s");
	r.m_first_event =
	    S; /* events flow: the idle limit counts from the last byte */
	CHECK_INT(resp_overdue(&r, &lim, 0, 5 * S, 6 * S, msg, sizeof msg),
		  FMT_TO_OTHER);
	CHECK_INT(resp_overdue(&r, &lim, 0, 5 * S, 6 * S + 1, msg, sizeof msg),
		  FMT_TO_IDLE);
	CHECK_INT(
	    resp_overdue(&r, &lim, 0, 10 * S, 10 * S + 1, msg, sizeof msg),
	    FMT_TO_TOTAL);
	CHECK_STR(msg, "no end after 10.000 s");
	lim.idle = 0; /* 0: no limit */
	CHECK_INT(resp_overdue(&r, &lim, 0, 5 * S, 9 * S, msg, sizeof msg),
		  FMT_TO_OTHER);
	resp_free(&r);
}

/* resp_due: never later than the moment resp_overdue first says a limit
 * passed, the tick's only guide to when to look. */
static void test_due(void)
{
	const int64_t S = 1000000000LL;
	struct resp_limits lim = {2, 1, 10}, none = {0, 0, 0};
	struct resp r;
	char msg[96];
	int64_t d;

	resp_init(&r, 0, 0, NULL, NULL);
	/* before any event: the first-token limit, or the idle one counted
	 * from a first event that may come now, whichever is sooner */
	d = resp_due(&r, &lim, 0, 0, 0);
	CHECK(d > S && d <= S + 1000000);
	CHECK_INT(resp_overdue(&r, &lim, 0, 0, d, msg, sizeof msg),
		  FMT_TO_OTHER);
	d = resp_due(&r, &lim, 0, 0, 3 * S / 2); /* now + idle is later */
	CHECK(d > 2 * S && d <= 2 * S + 1000000);
	CHECK_INT(resp_overdue(&r, &lim, 0, 0, d, msg, sizeof msg),
		  FMT_TO_FIRST);
	CHECK(resp_due(&r, &none, 0, 0, 0) == INT64_MAX);
	/* events flow: the idle limit from the last byte, the total one */
	r.m_first_event = S;
	d = resp_due(&r, &lim, 0, 5 * S, 5 * S);
	CHECK(d > 6 * S && d <= 6 * S + 1000000);
	CHECK_INT(resp_overdue(&r, &lim, 0, 5 * S, d, msg, sizeof msg),
		  FMT_TO_IDLE);
	d = resp_due(&r, &lim, 0, 9 * S + S / 2, 9 * S + S / 2);
	CHECK(d > 10 * S && d <= 10 * S + 1000000);
	CHECK_INT(resp_overdue(&r, &lim, 0, 9 * S + S / 2, d, msg, sizeof msg),
		  FMT_TO_TOTAL);
	lim.idle = 0;
	CHECK(resp_due(&r, &lim, 0, 5 * S, 5 * S) > 10 * S);
	resp_free(&r);
}

static void test_encoding_and_redirect(void)
{
	static const char chunk[] =
	    "data: {\"choices\":[{\"delta\":{\"content\":\"a\"},"
	    "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
	struct resp r;

	/* an unrequested gzip body is named as such, not as a missing [DONE] */
	start(&r, "text/event-stream", 200);
	resp_header(&r, "Content-Encoding: gzip\r\n", 24);
	resp_body(&r, "\x1f\x8b\x08\x00", 4, 2);
	resp_end(&r, RT_OK, "", 3);
	CHECK_INT(r.status, FMT_ST_PROTOCOL);
	CHECK_STR(r.err, "the body is gzip-encoded, which was not asked for");
	resp_free(&r);
	start(&r, "text/event-stream", 200); /* identity is no encoding */
	resp_header(&r, "Content-Encoding: identity\r\n", 28);
	resp_body(&r, chunk, sizeof chunk - 1, 2);
	resp_end(&r, RT_OK, "", 3);
	CHECK_INT(r.status, FMT_ST_OK);
	resp_free(&r);
	/* a redirect says where it points */
	resp_init(&r, 0, 0, NULL, NULL);
	resp_header(
	    &r, "Location: http://127.0.0.1:1234/v1/chat/completions\r\n", 53);
	resp_headers_done(&r, 302, 1);
	resp_end(&r, RT_OK, "", 2);
	CHECK_INT(r.status, FMT_ST_HTTP);
	CHECK_STR(
	    r.err,
	    "HTTP 302: redirected to http://127.0.0.1:1234/v1/chat/completions "
	    "(use that base URL)");
	resp_free(&r);
}

/* Ollama's native stream (tests/fixtures/servers): JSON lines, thinking,
 * and its durations and counts on the last line. */
static void start_ollama(struct resp *r, const char *ctype)
{
	start(r, ctype, 0);
	resp_set_ollama(r, "llama-server");
	resp_headers_done(r, 200, 1);
}

static void check_ollama(struct resp *r)
{
	CHECK_INT(r->status, FMT_ST_OK);
	CHECK_INT(r->saw_done, 1);
	CHECK_STR(r->finish, "length");
	CHECK_INT(toks[1], 3);
	CHECK_INT(toks[2], 7);
	CHECK_INT(r->usage_completion, 10);
	CHECK_INT(r->usage_prompt, 12);
	CHECK_STR(r->ollama,
		  "{\"total_duration\":161000000,\"load_duration\":1200000,"
		  "\"prompt_eval_count\":12,\"prompt_eval_duration\":24000000,"
		  "\"eval_count\":10,\"eval_duration\":90000000,\"runner\":"
		  "\"llama-server\"}");
}

static void test_ollama_native(void)
{
	char path[256];
	size_t n, i, cut;
	char *s;
	struct resp r;

	snprintf(path, sizeof path, "%s/servers/ollama-api-chat.ndjson",
		 FIXTURES);
	s = fileio_slurp(path, 1 << 20, &n);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	/* split at every offset: lines cross the reads */
	for (cut = 0; cut <= n; cut += 7) {
		start_ollama(&r, "application/x-ndjson; charset=utf-8");
		CHECK_INT(resp_body(&r, s, cut, 2), 0);
		for (i = cut; i < n; i++)
			CHECK_INT(resp_body(&r, s + i, 1, 2), 0);
		resp_end(&r, RT_OK, "", 3);
		check_ollama(&r);
		resp_free(&r);
	}
	/* the last line without its newline still counts */
	start_ollama(&r, "application/x-ndjson");
	resp_body(&r, s, n - 1, 2);
	resp_end(&r, RT_OK, "", 3);
	check_ollama(&r);
	resp_free(&r);
	/* cut before the last line: no done line */
	start_ollama(&r, "application/x-ndjson");
	for (cut = n - 1; cut > 0 && s[cut - 1] != '\n'; cut--)
		;
	resp_body(&r, s, cut, 2);
	resp_end(&r, RT_OK, "", 3);
	CHECK_INT(r.status, FMT_ST_STREAM);
	CHECK_STR(r.err, "the stream ended without a line saying done");
	resp_free(&r);
	/* SSE where JSON lines were asked for */
	start_ollama(&r, "text/event-stream");
	resp_body(&r, s, n, 2);
	resp_end(&r, RT_OK, "", 3);
	CHECK_INT(r.status, FMT_ST_PROTOCOL);
	CHECK_STR(
	    r.err,
	    "Content-Type is \"text/event-stream\", not application/x-ndjson");
	resp_free(&r);
	/* an error line */
	start_ollama(&r, "application/x-ndjson");
	{
		static const char line[] =
		    "{\"error\":\"model runner has unexpectedly stopped\"}\n";
		resp_body(&r, line, sizeof line - 1, 2);
	}
	resp_end(&r, RT_OK, "", 3);
	CHECK_INT(r.status, FMT_ST_STREAM);
	CHECK_STR(r.err,
		  "error in stream: model runner has unexpectedly stopped");
	resp_free(&r);
	free(s);
}

/* The done event's logprobs as gen writes them. */
static char *done_of(struct resp *r)
{
	jw w;
	char *out;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	resp_write_content(r, &w);
	jw_obj_close(&w);
	out = strdup(jw_cstr(&w));
	jw_free(&w);
	return out;
}

/* logprobs asked: a server that sends them ("all"), one that ignores the
 * request ("none", never a silent zero), and one that drops some chunks'
 * ("partial").  The captured llama-server stream (without logprobs)
 * stands for the server that ignores them. */
static void test_logprobs(void)
{
	static const char with[] =
	    "data: {\"choices\":[{\"delta\":{\"content\":\"a\"},"
	    "\"logprobs\":{\"content\":[{\"token\":\"a\",\"logprob\":-0.25,"
	    "\"top_logprobs\":[{\"token\":\"a\",\"logprob\":-0.25}]}]}}]}\n\n";
	static const char without[] =
	    "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n";
	static const char fin[] =
	    "data: {\"choices\":[{\"delta\":{},\"finish_reason\":"
	    "\"stop\"}]}\n\ndata: [DONE]\n\n";
	struct resp r;
	size_t n;
	char *body = fixture("chat-stream-usage.sse", &n), *d;

	start(&r, "text/event-stream", 200);
	resp_set_logprobs(&r, 3);
	resp_body(&r, body, n, 2);
	resp_end(&r, RT_OK, NULL, 3);
	d = done_of(&r);
	CHECK(strstr(d, "\"logprobs\":{\"asked\":3,\"given\":\"none\","
			"\"positions\":0}") != NULL);
	free(d);
	resp_free(&r);
	start(&r, "text/event-stream", 200);
	resp_set_logprobs(&r, 3);
	resp_body(&r, with, strlen(with), 2);
	resp_body(&r, fin, strlen(fin), 2);
	resp_end(&r, RT_OK, NULL, 3);
	d = done_of(&r);
	CHECK(strstr(
		  d,
		  "\"given\":\"all\",\"positions\":1,\"top_min\":1,\"content\":"
		  "[{\"t\":\"a\",\"lp\":-0.250000,\"top\":[[\"a\",-0.250000]]}"
		  "]") != NULL);
	free(d);
	resp_free(&r);
	start(&r, "text/event-stream", 200);
	resp_set_logprobs(&r, 3);
	resp_body(&r, with, strlen(with), 2);
	resp_body(&r, without, strlen(without), 2);
	resp_end(&r, RT_OK, NULL, 3);
	d = done_of(&r);
	CHECK(strstr(d, "\"given\":\"partial\"") != NULL);
	free(d);
	resp_free(&r);
	free(body);
}

int main(void)
{
	RUN(test_logprobs);
	RUN(test_ollama_native);
	RUN(test_capture_whole_and_bytewise);
	RUN(test_http_error);
	RUN(test_failures);
	RUN(test_line_limit);
	RUN(test_overdue);
	RUN(test_due);
	RUN(test_encoding_and_redirect);
	return DONE();
}
