/* Unit tests of src/gen/sse: line endings, fields, comments, and every
 * captured stream split at every byte offset. */
#include "tap.h"
#include "sse.h"
#include "fileio.h"

#include <stdlib.h>

#ifndef FIXTURES
#define FIXTURES "tests/fixtures"
#endif

struct got {
	int n;
	char all[65536]; /* events joined by '|' */
	size_t len;
};

static int collect(void *ctx, const struct sse_event *ev)
{
	struct got *g = ctx;

	if (g->len + ev->len + 2 < sizeof g->all) {
		memcpy(g->all + g->len, ev->data, ev->len);
		g->len += ev->len;
		g->all[g->len++] = '|';
		g->all[g->len] = '\0';
	}
	g->n++;
	return 0;
}

/* Parses s fed in pieces of `step` bytes (0: all at once). */
static void parse(const char *s, size_t n, size_t step, struct got *g)
{
	sse_parser *p = sse_new(collect, g, 0);
	size_t i;

	memset(g, 0, sizeof *g);
	if (step == 0)
		step = n ? n : 1;
	for (i = 0; i < n; i += step)
		sse_feed(p, s + i, i + step <= n ? step : n - i);
	sse_finish(p);
	sse_free(p);
}

#define PARSE(lit, step, g) parse(lit, sizeof(lit) - 1, step, g)

static void test_basics(void)
{
	struct got g;

	PARSE("data: a\n\ndata: b\n\n", 0, &g);
	CHECK_STR(g.all, "a|b|");
	PARSE("data:a\r\n\r\ndata:  b\r\r", 0, &g); /* one space stripped */
	CHECK_STR(g.all, "a| b|");
	PARSE("data: x\ndata: y\n\n", 0, &g); /* multi-line data */
	CHECK_STR(g.all, "x\ny|");
	PARSE(": ping\n\nevent: e\nid: 4\nretry: 10\ndata: z\n\n", 0, &g);
	CHECK_STR(g.all, "z|");
	PARSE("event: only\n\n\n\ndata\n\n", 0, &g); /* no data: nothing */
	CHECK_STR(g.all, "|");			     /* "data" alone is empty */
	PARSE("data: last", 0, &g);		     /* flushed at EOF */
	CHECK_STR(g.all, "last|");
	PARSE("data: [DONE]\n\n", 0, &g);
	CHECK_STR(g.all, "[DONE]|");
}

static void test_split_line_endings(void)
{
	const char s[] = "data: a\r\n\r\ndata: b\r\rdata: c\n\n";
	size_t cut;
	struct got g;
	int bad = 0;

	/* A CRLF split between two feeds must not end two lines. */
	for (cut = 0; cut <= sizeof s - 1; cut++) {
		sse_parser *p = sse_new(collect, &g, 0);
		memset(&g, 0, sizeof g);
		sse_feed(p, s, cut);
		sse_feed(p, s + cut, sizeof s - 1 - cut);
		sse_finish(p);
		sse_free(p);
		if (strcmp(g.all, "a|b|c|") != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
}

static void test_comments_counted(void)
{
	struct got g;
	sse_parser *p = sse_new(collect, &g, 0);
	const char *in = ": ping\n\n: ping\n\ndata: x\n\n";

	memset(&g, 0, sizeof g);
	sse_feed(p, in, strlen(in));
	CHECK_INT(sse_comments(p), 2);
	CHECK_INT(g.n, 1);
	sse_free(p);
}

static void test_line_limit(void)
{
	struct got g;
	sse_parser *p = sse_new(collect, &g, 8);

	CHECK_INT(sse_feed(p, "data: 12345", 11), -1);
	sse_free(p);
}

static int stop_at_first(void *ctx, const struct sse_event *ev)
{
	(void)ctx;
	(void)ev;
	return 7;
}

static void test_callback_stops(void)
{
	sse_parser *p = sse_new(stop_at_first, NULL, 0);

	CHECK_INT(sse_feed(p, "data: a\n\ndata: b\n\n", 18), 7);
	sse_free(p);
}

/* Every captured stream, split at every offset and fed byte by byte,
 * gives the same events as fed whole. */
static void check_fixture(const char *name, int want_events)
{
	char path[256];
	size_t n, cut;
	char *s;
	struct got whole, part;
	int bad = 0;

	snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
	s = fileio_slurp(path, 1 << 20, &n);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	parse(s, n, 0, &whole);
	CHECK_INT(whole.n, want_events);
	for (cut = 1; cut < n; cut++) {
		sse_parser *p = sse_new(collect, &part, 0);
		memset(&part, 0, sizeof part);
		sse_feed(p, s, cut);
		sse_feed(p, s + cut, n - cut);
		sse_finish(p);
		sse_free(p);
		if (strcmp(part.all, whole.all) != 0)
			bad++;
	}
	parse(s, n, 1, &part);
	CHECK_STR(part.all, whole.all);
	CHECK_INT(bad, 0);
	free(s);
}

static void test_fixtures(void)
{
	check_fixture("llama-server/chat-stream-usage.sse", 20);
	check_fixture("llama-server/chat-stream-no-usage.sse", 15);
}

int main(void)
{
	RUN(test_basics);
	RUN(test_split_line_endings);
	RUN(test_comments_counted);
	RUN(test_line_limit);
	RUN(test_callback_stops);
	RUN(test_fixtures);
	return DONE();
}
