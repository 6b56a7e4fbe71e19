/* h1parse: an HTTP/1.1 response read incrementally, as bytes arrive (pure:
 * no I/O).  The status line and each header line go to a callback as they
 * were received, then the body, its chunked coding removed, as it comes.
 * src/gen/h1 drives it for gen's built-in transport (docs/gen.md).
 *
 * What it takes (RFC 9112): a status line "HTTP/1.x NNN reason", any
 * number of 1xx interim responses before the final one, a body delimited
 * by Transfer-Encoding: chunked (its chunk extensions and trailers read
 * and ignored), by Content-Length, or by the connection's close; none for
 * a 1xx, 204 or 304 answer.  What it refuses, with a one-line reason: a
 * line over H1P_LINE_MAX (as libcurl refuses a header over 100 KB), a
 * status line that is not HTTP/1.x, a malformed chunk size or length, two
 * lengths that disagree, a transfer coding other than chunked. */
#ifndef TB_H1PARSE_H
#define TB_H1PARSE_H

#include <stddef.h>
#include <stdint.h>

/* The longest status, header or chunk-size line taken (libcurl's
 * CURL_MAX_HTTP_HEADER). */
#define H1P_LINE_MAX ((size_t)100 * 1024)

enum h1p_rc {
	H1P_MORE,  /* every byte taken; the response goes on */
	H1P_DONE,  /* the response is complete */
	H1P_ERROR, /* not HTTP a client takes: why in err */
	H1P_STOP   /* the body callback asked to stop */
};

typedef struct {
	/* Each line of a response head as received, its line end included:
	 * the status line, the headers, the blank line; for every 1xx head
	 * too, as libcurl's header callback has them. */
	void (*header)(void *ud, const char *line, size_t len);
	/* The final (not 1xx) head is complete, with its status. */
	void (*headers_done)(void *ud, long status);
	/* Body bytes, the chunked coding removed; non-zero stops. */
	int (*body)(void *ud, const char *p, size_t n);
} h1p_cb;

struct h1p {
	int state;
	int version;	/* 10 or 11: the final status line's HTTP/1.x */
	long status;	/* the final status, once its head is complete */
	int chunked;	/* Transfer-Encoding: chunked */
	int close;	/* the server closes after this response */
	int keep_alive; /* Connection: keep-alive, which HTTP/1.0 needs */
	int64_t len;	/* Content-Length, or -1 */
	int64_t left;	/* bytes left in this chunk or length-delimited body */
	char *line;	/* a line not yet complete */
	size_t n, cap;
	char err[160];
};

void h1p_init(struct h1p *p);
void h1p_free(struct h1p *p);

/* Takes n bytes.  On H1P_DONE *used is the count of bytes the response
 * took (the rest belongs to none: gen sends one request at a time on a
 * connection); on H1P_MORE it is n; else the count read before stopping. */
enum h1p_rc h1p_feed(struct h1p *p, const char *buf, size_t n, size_t *used,
		     const h1p_cb *cb, void *ud);

/* The server closed the connection: H1P_DONE when that ends the body (one
 * with neither length nor chunks), else H1P_ERROR saying what was cut. */
enum h1p_rc h1p_eof(struct h1p *p);

/* Whether any byte of a response arrived. */
int h1p_started(const struct h1p *p);

/* Whether the connection may carry another request after H1P_DONE. */
int h1p_reusable(const struct h1p *p);

#endif
