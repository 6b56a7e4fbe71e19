/* h1: gen's built-in transport, streamed requests over plain HTTP/1.1 on
 * the libevent loop (epoll on Linux, kqueue on macOS).
 *
 * Why not libcurl for these: after every read libcurl polls the socket
 * again to see whether more is pending (lib/cf-socket.c,
 * cf_socket_data_pending), and its transfer loop is most of the CPU gen
 * spends per chunk beyond the kernel's (docs/perf.md).  Here a chunk costs
 * the loop's wake-up and one read.  libcurl stays for what this does not
 * speak: https, proxies, credentials in the URL (xfer_builtin_ok says
 * which URLs this takes).
 *
 * What it does as libcurl did for gen: a connection per request in flight,
 * kept alive and reused after a complete response (as many idle as the
 * caller allows), a request that finds its reused connection closed by the
 * server before any byte of an answer sent once more on a new one, every
 * address of the host tried in turn, a connect timeout, TCP_NODELAY, no
 * SIGPIPE, descriptors closed on exec. */
#ifndef TB_H1_H
#define TB_H1_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "resp.h"

typedef struct h1 h1;
typedef struct h1_req h1_req;

typedef struct {
	/* each response head line, its line end included (h1parse's) */
	void (*header)(void *ud, const char *line, size_t len);
	/* the request's first bytes were handed to the kernel, on a
	 * connection that is up; at: the monotonic time just before that
	 * write (again if it is resent on a new connection) */
	void (*sent)(void *ud, int64_t at);
	/* the final head is complete */
	void (*headers_done)(void *ud, long status);
	/* body bytes that arrived at monotonic time at (h1_new says when);
	 * non-zero ends the request (as RT_BROKEN) */
	int (*body)(void *ud, const char *p, size_t n, int64_t at);
	/* the request is over; sock_errno: socket()'s errno when no socket
	 * could be opened, else 0.  Never called from h1_start itself. */
	void (*done)(void *ud, enum resp_transport how, const char *why,
		     int sock_errno);
} h1_cb;

/* Whether the built-in transport takes this URL: http://, no user name or
 * password, and no proxy named in the environment (http_proxy, all_proxy,
 * ALL_PROXY: libcurl's), which only libcurl would honour. */
int h1_url_ok(const char *url);

/* A client for url's host on base.  wake: where the loop keeps the time it
 * woke for the current batch of ready sockets (0 outside one), set at the
 * first ready socket of a batch.  A read's bytes arrived when the kernel
 * received the last of them, where it says (Linux: SO_TIMESTAMPNS, the
 * receive time of the read's last segment), else at the batch's wake-up:
 * every socket of a batch was readable then.
 * max_idle: connections kept open between requests.  NULL when url is
 * not one h1_url_ok takes, or out of memory. */
h1 *h1_new(struct event_base *base, const char *url, double t_connect,
	   int max_idle, int64_t *wake);

/* Sends one POST of body (borrowed until done or h1_cancel) with the
 * given header lines (each ending in CRLF; Host and Content-Length are
 * added).  NULL only when out of memory. */
h1_req *h1_start(h1 *c, const char *headers, const char *body, size_t body_len,
		 const h1_cb *cb, void *ud);

/* Ends a request without its done callback: its connection is closed.
 * Not from inside one of that request's own callbacks (its parser is
 * still reading then). */
void h1_cancel(h1_req *r);

/* How many reads with bytes so far were timed by the batch's wake-up, not
 * by the kernel (every one where it gives no time: macOS). */
long h1_unstamped(const h1 *c);

/* Closes the idle connections; every request must have ended. */
void h1_free(h1 *c);

#endif
