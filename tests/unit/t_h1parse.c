/* Unit tests of src/gen/h1parse: each way a body ends, interim heads, line
 * ends, connection reuse, every refusal, and every response fed whole, byte
 * by byte and split in two at every offset, which must all agree. */
#include "tap.h"
#include "h1parse.h"

#include <stdlib.h>

/* A growing byte string. */
struct sb {
	char *p;
	size_t n, cap;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + n + 1)
			cap *= 2;
		if ((b->p = realloc(b->p, cap)) == NULL)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static int sb_eq(const struct sb *b, const char *s, size_t n)
{
	return b->n == n && (n == 0 || memcmp(b->p, s, n) == 0);
}

/* What one parse saw, through the callbacks and the calls' results. */
struct got {
	struct sb head; /* the header callback's lines, joined */
	struct sb body;
	int lines; /* header callback calls */
	int dones; /* headers_done calls */
	long status;
	int stop; /* the body callback asks to stop on its first call */
	enum h1p_rc rc;
	size_t used; /* bytes the response took, over every feed */
	int unset;   /* a feed left *used as it was */
	int reusable;
	char err[160];
};

static void on_header(void *ud, const char *line, size_t len)
{
	struct got *g = ud;

	sb_add(&g->head, line, len);
	g->lines++;
}

static void on_done(void *ud, long status)
{
	struct got *g = ud;

	g->dones++;
	g->status = status;
}

static int on_body(void *ud, const char *p, size_t n)
{
	struct got *g = ud;

	sb_add(&g->body, p, n);
	return g->stop;
}

static const h1p_cb cbs = {on_header, on_done, on_body};

static void got_free(struct got *g)
{
	free(g->head.p);
	free(g->body.p);
	memset(g, 0, sizeof *g);
}

/* Parses s cut at cuts[0..ncut) (ascending offsets), then, when every
 * byte went in and more was wanted and eof is set, closes the connection.
 * A H1P_MORE that took fewer bytes than given counts as H1P_ERROR. */
static void parse(const char *s, size_t n, const size_t *cuts, size_t ncut,
		  int eof, struct got *g)
{
	struct h1p p;
	size_t at = 0, used;

	h1p_init(&p);
	g->rc = H1P_MORE;
	for (size_t i = 0; i <= ncut && g->rc == H1P_MORE; i++) {
		size_t end = i < ncut ? cuts[i] : n;
		used = (size_t)-1;
		g->rc = h1p_feed(&p, s + at, end - at, &used, &cbs, g);
		if (g->rc == H1P_MORE && used != end - at)
			g->rc = H1P_ERROR;
		g->unset |= used == (size_t)-1;
		g->used = at + used;
		at = end;
	}
	if (g->rc == H1P_MORE && eof)
		g->rc = h1p_eof(&p);
	g->reusable = h1p_reusable(&p);
	memcpy(g->err, p.err, sizeof g->err);
	h1p_free(&p);
}

static int same(const struct got *a, const struct got *b)
{
	/* where an error is seen depends on the pieces */
	return a->rc == b->rc && (a->rc == H1P_ERROR || a->used == b->used) &&
	       a->status == b->status && a->dones == b->dones &&
	       a->lines == b->lines && a->reusable == b->reusable &&
	       strcmp(a->err, b->err) == 0 &&
	       sb_eq(&a->head, b->head.p, b->head.n) &&
	       sb_eq(&a->body, b->body.p, b->body.n);
}

/* Parses s whole into g, then byte by byte and split in two at every
 * offset (every 997th past 4 KB); the count of parses unlike the whole. */
static int parse_all(const char *s, size_t n, int eof, struct got *g)
{
	size_t *cuts = malloc((n + 1) * sizeof *cuts),
	       step = n > 4096 ? 997 : 1;
	struct got o;
	int bad = 0;

	memset(g, 0, sizeof *g);
	parse(s, n, NULL, 0, eof, g);
	for (size_t i = 0; i + 1 < n; i++)
		cuts[i] = i + 1;
	memset(&o, 0, sizeof o);
	parse(s, n, cuts, n > 1 ? n - 1 : 0, eof, &o);
	if (!same(g, &o) && bad++ < 3)
		printf("# byte by byte: rc %d, err %s\n", o.rc, o.err);
	got_free(&o);
	for (size_t cut = 0; cut <= n; cut += step) {
		parse(s, n, &cut, 1, eof, &o);
		if (!same(g, &o) && bad++ < 3)
			printf("# cut at %zu: rc %d, err %s\n", cut, o.rc,
			       o.err);
		got_free(&o);
	}
	free(cuts);
	return bad;
}

#define PARSE(lit, eof, g) CHECK_INT(parse_all(lit, sizeof(lit) - 1, eof, g), 0)
#define BODY_IS(g, lit) CHECK(sb_eq(&(g)->body, lit, sizeof(lit) - 1))
#define HEAD_IS(g, lit) CHECK(sb_eq(&(g)->head, lit, sizeof(lit) - 1))

/* A one-line reason: not empty, no control byte. */
static int err_ok(const char *e)
{
	if (*e == '\0')
		return 0;
	for (; *e; e++)
		if ((unsigned char)*e < 0x20 || *e == 0x7f)
			return 0;
	return 1;
}

#define SSE_HEAD                                                               \
	"HTTP/1.1 200 OK\r\n"                                                  \
	"Content-Type: text/event-stream\r\n"                                  \
	"Transfer-Encoding: chunked\r\n"                                       \
	"\r\n"

static void test_chunked(void)
{
	/* the next response's first bytes follow: none of this one's */
	static const char s[] = SSE_HEAD "f;name=value;q=\"a;b\"\r\n"
					 "data: {\"a\":1}\n\n\r\n"
					 "E \t; x\r\n"
					 "data: [DONE]\n\n\r\n"
					 "000;last\r\n"
					 "X-Trailer: yes\r\n"
					 "Server-Timing: t=1\r\n"
					 "\r\n"
					 "HTTP/1.1 200 OK\r\n";
	struct got g;

	PARSE(s, 1, &g);
	CHECK_INT(g.rc, H1P_DONE);
	CHECK_INT(g.used, sizeof s - 1 - strlen("HTTP/1.1 200 OK\r\n"));
	CHECK_INT(g.status, 200);
	CHECK_INT(g.dones, 1);
	CHECK_INT(g.lines, 4);
	HEAD_IS(&g, SSE_HEAD);
	BODY_IS(&g, "data: {\"a\":1}\n\ndata: [DONE]\n\n");
	CHECK(g.reusable);
	got_free(&g);
}

static void test_length(void)
{
	static const char s[] = "HTTP/1.1 200 OK\r\n"
				"content-length:  12 \r\n"
				"Content-Length: 12\r\n" /* the same again */
				"\r\n"
				"{\"ok\":true}\nHTTP/1.1";
	struct got g;

	PARSE(s, 1, &g);
	CHECK_INT(g.rc, H1P_DONE);
	CHECK_INT(g.used, sizeof s - 1 - strlen("HTTP/1.1"));
	BODY_IS(&g, "{\"ok\":true}\n");
	CHECK_INT(g.lines, 4);
	CHECK(g.reusable);
	got_free(&g);

	/* a zero length ends with the head; the status line needs no reason */
	PARSE("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\nxyz", 1, &g);
	CHECK_INT(g.rc, H1P_DONE);
	CHECK_INT(g.used, 35);
	CHECK_INT(g.body.n, 0);
	CHECK(g.reusable);
	got_free(&g);
}

static void test_to_eof(void)
{
	static const char s[] = "HTTP/1.1 200 OK\r\n"
				"Content-Type: text/event-stream\r\n"
				"\r\n"
				"data: a\n\ndata: b\n\n";
	struct got g;
	struct h1p p;
	size_t used;

	PARSE(s, 1, &g);
	CHECK_INT(g.rc, H1P_DONE);
	CHECK_INT(g.used, sizeof s - 1);
	BODY_IS(&g, "data: a\n\ndata: b\n\n");
	CHECK(!g.reusable);
	got_free(&g);

	/* each feed wants more; only the close ends it */
	h1p_init(&p);
	CHECK(!h1p_started(&p));
	CHECK_INT(h1p_feed(&p, s, sizeof s - 1, &used, &cbs, &g), H1P_MORE);
	CHECK(h1p_started(&p));
	CHECK(!h1p_reusable(&p));
	CHECK_INT(h1p_eof(&p), H1P_DONE);
	CHECK(!h1p_reusable(&p));
	h1p_free(&p);
	got_free(&g);
}

static void test_no_body(void)
{
	struct got g;

	/* neither length nor chunks are read for a 204 or a 304 */
	PARSE("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/", 0,
	      &g);
	CHECK_INT(g.rc, H1P_DONE);
	CHECK_INT(g.used, 46);
	CHECK_INT(g.status, 204);
	CHECK_INT(g.body.n, 0);
	CHECK(g.reusable);
	got_free(&g);
	PARSE("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
	      "0\r\n\r\n",
	      0, &g);
	CHECK_INT(g.rc, H1P_DONE);
	CHECK_INT(g.used, 57);
	CHECK_INT(g.status, 304);
	CHECK_INT(g.body.n, 0);
	got_free(&g);
}

#define INTERIM                                                                \
	"HTTP/1.1 100 Continue\r\n"                                            \
	"\r\n"                                                                 \
	"HTTP/1.1 103 Early Hints\r\n"                                         \
	"Link: </a.css>; rel=preload\r\n"                                      \
	"Content-Length: 3\r\n"                                                \
	"Transfer-Encoding: chunked\r\n"                                       \
	"Connection: close\r\n"                                                \
	"\r\n"

static void test_interim(void)
{
	struct got g;

	/* an interim head's length, coding and close are not the final's */
	PARSE(INTERIM "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 1,
	      &g);
	CHECK_INT(g.rc, H1P_DONE);
	CHECK_INT(g.status, 200);
	CHECK_INT(g.dones, 1);
	CHECK_INT(g.lines, 2 + 6 + 3);
	HEAD_IS(&g, INTERIM "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
	BODY_IS(&g, "hello");
	CHECK(g.reusable);
	got_free(&g);

	PARSE(
	    "HTTP/1.1 100 Continue\r\n\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
	    0, &g);
	CHECK_INT(g.rc, H1P_DONE);
	CHECK_INT(g.status, 204);
	CHECK_INT(g.dones, 1);
	CHECK_INT(g.lines, 4); /* the stray line end is no head's */
	got_free(&g);
}

static void test_codings(void)
{
	struct got g;

	PARSE("HTTP/1.1 200 OK\r\nTRANSFER-ENCODING:  Chunked \r\n\r\n"
	      "2\r\nok\r\n0\r\n\r\n",
	      0, &g);
	CHECK_INT(g.rc, H1P_DONE);
	BODY_IS(&g, "ok");
	got_free(&g);
	PARSE("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n"
	      "Content-Length: 2\r\n\r\nok",
	      0, &g);
	CHECK_INT(g.rc, H1P_DONE);
	BODY_IS(&g, "ok");
	got_free(&g);
}

static void test_bare_lf(void)
{
	struct got g;

	PARSE("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n5\nhello\n"
	      "1;e\r\n!\n0\nT: 1\n\nrest",
	      0, &g);
	CHECK_INT(g.rc, H1P_DONE);
	CHECK_INT(g.used, 67);
	HEAD_IS(&g, "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n");
	BODY_IS(&g, "hello!");
	CHECK(g.reusable);
	got_free(&g);
}

/* Whether the connection is reusable after s, a complete response. */
static int reusable(const char *s)
{
	struct got g;
	int r, bad = parse_all(s, strlen(s), 0, &g);

	r = g.rc == H1P_DONE && g.reusable;
	CHECK_INT(g.rc, H1P_DONE);
	CHECK_INT(bad, 0);
	got_free(&g);
	return r;
}

static void test_reuse(void)
{
	CHECK(!reusable("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx"));
	CHECK(reusable("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n"
		       "Content-Length: 1\r\n\r\nx"));
	CHECK(!reusable("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n"
			"Content-Length: 1\r\n\r\nx"));
	/* close wins, in whichever order the two come */
	CHECK(
	    !reusable("HTTP/1.0 200 OK\r\nConnection: close\r\n"
		      "Connection: keep-alive\r\nContent-Length: 1\r\n\r\nx"));
	CHECK(!reusable("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
			"Connection: close\r\nContent-Length: 1\r\n\r\nx"));
	CHECK(reusable("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"));
	CHECK(reusable("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n"
		       "Content-Length: 1\r\n\r\nx"));
	CHECK(!reusable("HTTP/1.1 200 OK\r\nConnection: close\r\n"
			"Content-Length: 1\r\n\r\nx"));
	CHECK(!reusable("HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\n"
			"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
	CHECK(
	    !reusable("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"));
	/* framed two ways: the chunks are read, the connection not kept */
	CHECK(!reusable("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
			"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
}

static void test_stop(void)
{
	static const char s[] =
	    SSE_HEAD "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n";
	size_t head = sizeof SSE_HEAD - 1, bad = 0;
	struct got g;

	/* wherever the cut, the first body bytes stop it, and are counted */
	for (size_t cut = 0; cut <= sizeof s - 1; cut++) {
		memset(&g, 0, sizeof g);
		g.stop = 1;
		parse(s, sizeof s - 1, &cut, 1, 1, &g);
		if (g.rc != H1P_STOP || g.body.n == 0 ||
		    g.used != head + 3 + g.body.n ||
		    memcmp(g.body.p, "hello", g.body.n) != 0)
			bad++;
		got_free(&g);
	}
	CHECK_INT(bad, 0);
}

/* The reason s is refused for, "" when it is not (or not the same way
 * however it is split). */
static const char *refused(const char *s, size_t n, int eof)
{
	static char err[160];
	struct got g;
	int bad = parse_all(s, n, eof, &g);

	err[0] = '\0';
	if (g.rc == H1P_ERROR && bad == 0 && !g.unset && err_ok(g.err))
		snprintf(err, sizeof err, "%s", g.err);
	got_free(&g);
	return err;
}

#define REFUSED(lit, eof) refused(lit, sizeof(lit) - 1, eof)
#define REFUSED_FOR(lit, eof, why) CHECK(strstr(REFUSED(lit, eof), why))

static void test_not_http(void)
{
	REFUSED_FOR("SSH-2.0-OpenSSH_9.6\r\n", 0, "\"SSH-2.0-OpenSSH_9.6\"");
	REFUSED_FOR("HTTP/2 200\r\n\r\n", 0, "not an HTTP/1.x response");
	REFUSED_FOR("HTTP/1.1 20\r\n\r\n", 0, "not an HTTP/1.x response");
	REFUSED_FOR("HTTP/1.1 2000 OK\r\n\r\n", 0, "not an HTTP/1.x");
	REFUSED_FOR("HTTP/1.1 099 Low\r\n\r\n", 0, "not an HTTP/1.x");
	REFUSED_FOR("HTTP/1.2 200 OK\r\n\r\n", 0, "not an HTTP/1.x");
	REFUSED_FOR("http/1.1 200 OK\r\n\r\n", 0, "not an HTTP/1.x");
	REFUSED_FOR("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
		    0, "switched protocols");
	/* control bytes in what is quoted are shown as '?' */
	REFUSED_FOR("\x16\x03\x01\x02\x00\x01\n", 0, "\"??????\"");
}

static void test_bad_head(void)
{
	REFUSED_FOR("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", 0,
		    "\"no colon here\"");
	REFUSED_FOR("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", 0, "malformed");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		    "Content-Length: 6\r\n\r\nhello!",
		    0, "Content-Length: \"6\"");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\n", 0,
		    "Content-Length");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0,
		    "Content-Length");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0,
		    "Content-Length");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", 0,
		    "Content-Length");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", 0,
		    "Content-Length");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nContent-Length: "
		    "99999999999999999999\r\n\r\n",
		    0, "Content-Length");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0,
		    "transfer coding this client does not read: \"gzip\"");
	/* chunked last, but the body still gzip's */
	REFUSED_FOR(
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
	    "2\r\n\x1f\x8b\r\n0\r\n\r\n",
	    0, "does not read: \"gzip, chunked\"");
}

#define CHUNKED_HEAD "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

static void test_bad_chunks(void)
{
	REFUSED_FOR(CHUNKED_HEAD "zz\r\n", 0, "malformed chunk size");
	REFUSED_FOR(CHUNKED_HEAD "\r\n", 0, "malformed chunk size");
	REFUSED_FOR(CHUNKED_HEAD ";ext\r\n", 0, "malformed chunk size");
	/* blanks are no size: not a last chunk, the body cut short */
	REFUSED_FOR(CHUNKED_HEAD "5\r\nhello\r\n \r\n\r\n", 0,
		    "malformed chunk");
	REFUSED_FOR(CHUNKED_HEAD "5\r\nhello\r\n\t;x\r\n\r\n", 0, "malformed");
	REFUSED_FOR(CHUNKED_HEAD "5 5\r\nhello\r\n", 0, "malformed chunk");
	REFUSED_FOR(CHUNKED_HEAD "0x5\r\nhello\r\n", 0, "malformed chunk");
	REFUSED_FOR(CHUNKED_HEAD "-5\r\nhello\r\n", 0, "malformed chunk");
	REFUSED_FOR(CHUNKED_HEAD "5\r\nhello!\r\n0\r\n\r\n", 0,
		    "a chunk longer than its size line said: \"!\"");
	REFUSED_FOR(CHUNKED_HEAD "7fffffffffffffff\r\nx", 1, "before the");
	REFUSED_FOR(CHUNKED_HEAD "10000000000000000\r\n", 0, "too large");
	REFUSED_FOR(CHUNKED_HEAD "fffffffffffffffff\r\n", 0, "too large");
}

/* A response whose first header line is len bytes, its CRLF included. */
static char *long_line(size_t len, size_t *n)
{
	static const char st[] = "HTTP/1.1 200 OK\r\n", end[] = "\r\nhi";
	char *s = malloc(sizeof st + len + sizeof end);

	memcpy(s, st, sizeof st - 1);
	memcpy(s + sizeof st - 1, "X-Long: ", 8);
	memset(s + sizeof st - 1 + 8, 'a', len - 10);
	memcpy(s + sizeof st - 1 + len - 2, "\r\n", 2);
	memcpy(s + sizeof st - 1 + len, end, sizeof end);
	*n = sizeof st - 1 + len + sizeof end - 1;
	return s;
}

static void test_line_max(void)
{
	size_t n, lens[] = {H1P_LINE_MAX - 1, H1P_LINE_MAX};
	struct got g;
	char *s;

	for (size_t i = 0; i < 2; i++) {
		s = long_line(lens[i], &n);
		CHECK_INT(parse_all(s, n, 1, &g), 0);
		CHECK_INT(g.rc, H1P_DONE);
		CHECK_INT(g.lines, 3);
		CHECK_INT(g.head.n, n - 2);
		BODY_IS(&g, "hi");
		got_free(&g);
		free(s);
	}
	s = long_line(H1P_LINE_MAX + 1, &n);
	CHECK(strstr(refused(s, n, 1), "a header line over 100 KB"));
	free(s);
}

static void test_eof(void)
{
	REFUSED_FOR("", 1, "without a response (an empty reply)");
	REFUSED_FOR("HTTP/1.1 2", 1, "in the middle of the response's head");
	REFUSED_FOR("HTTP/1.1 200 OK\r\n", 1,
		    "the middle of the response's head");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nContent-Le", 1, "the response's head");
	REFUSED_FOR("HTTP/1.1 100 Continue\r\n\r\n", 1, "the response's head");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel", 1,
		    "closed the connection 7 bytes short of the body's "
		    "Content-Length");
	REFUSED_FOR("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", 1,
		    "10 bytes short");
	REFUSED_FOR(CHUNKED_HEAD, 1, "before the chunked body's end");
	REFUSED_FOR(CHUNKED_HEAD "5", 1, "before the chunked body's end");
	REFUSED_FOR(CHUNKED_HEAD "5\r\nhel", 1,
		    "before the chunked body's end");
	REFUSED_FOR(CHUNKED_HEAD "5\r\nhello", 1, "before the chunked body");
	REFUSED_FOR(CHUNKED_HEAD "5\r\nhello\r", 1, "before the chunked body");
	REFUSED_FOR(CHUNKED_HEAD "5\r\nhello\r\n0\r\n", 1, "before the chunk");
	REFUSED_FOR(CHUNKED_HEAD "0\r\nT: 1\r\n", 1, "before the chunked");
}

int main(void)
{
	RUN(test_chunked);
	RUN(test_length);
	RUN(test_to_eof);
	RUN(test_no_body);
	RUN(test_interim);
	RUN(test_codings);
	RUN(test_bare_lf);
	RUN(test_reuse);
	RUN(test_stop);
	RUN(test_not_http);
	RUN(test_bad_head);
	RUN(test_bad_chunks);
	RUN(test_line_max);
	RUN(test_eof);
	return DONE();
}
