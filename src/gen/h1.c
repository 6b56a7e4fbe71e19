/* h1: gen's built-in HTTP/1.1 transport (see h1.h). */
#include "h1.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clock.h"
#include "h1parse.h"

/* A write to a socket the server closed must fail with EPIPE, not kill
 * gen: Linux says so per call, macOS per socket. */
#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL
#else
#define SEND_FLAGS 0
#endif

/* The kernel's receive time of a read (Linux): enabled per socket, given
 * with recvmsg as a CLOCK_REALTIME timespec; elsewhere none (the loop's
 * wake-up stands for it). */
#if defined(SO_TIMESTAMPNS) && defined(SCM_TIMESTAMPNS)
#define RX_STAMP 1
#else
#define RX_STAMP 0
#endif

enum phase { PH_CONNECT, PH_SEND, PH_RECV };

struct conn {
	struct h1 *c;
	int fd;
	short kind; /* what its event waits for */
	struct event *ev;
	h1_req *req;	   /* NULL while idle */
	struct conn *next; /* the idle list */
};

struct h1_req {
	struct h1 *c;
	struct conn *k;
	enum phase phase;
	char *head;
	size_t head_len;
	const char *body;
	size_t body_len, sent;
	struct h1p p;
	h1_cb cb;
	void *ud;
	struct event *timer; /* the connect timeout, and failures to report */
	int ai;		     /* addresses tried */
	int cur;	     /* the address being tried (its index) */
	int reused, resent, got, hdone;
	int starting;		 /* inside h1_start, which never reports */
	enum resp_transport how; /* a failure the timer reports */
	int sock_errno;
	char why[200];
};

struct h1 {
	struct event_base *base;
	char host[256]; /* brackets taken off an IPv6 address */
	char port[8];
	char authority[300];
	char *path;
	struct addrinfo *ai;
	int n_ai, good; /* the address that last connected */
	struct timeval t_connect;
	int64_t *wake;
	int64_t real_off; /* CLOCK_REALTIME - CLOCK_MONOTONIC ... */
	int64_t off_at;	  /* ... read in the batch that woke at off_at */
	int64_t rx_at;	  /* when the bytes of the current read arrived */
	long unstamped;	  /* reads with bytes timed by the wake-up */
	struct conn *idle;
	int n_idle, max_idle;
	char buf[65536];
};

/* ---- the URL -------------------------------------------------------- */

/* Whether NO_PROXY (libcurl's rules, simplified) exempts host. */
static int no_proxy_for(const char *host)
{
	const char *np = getenv("no_proxy");
	size_t hl = strlen(host);

	if (np == NULL || !*np)
		np = getenv("NO_PROXY");
	while (np && *np) {
		size_t n = strcspn(np, ",");
		const char *e = np;
		while (n && (*e == ' ' || *e == '.'))
			e++, n--;
		while (n && e[n - 1] == ' ')
			n--;
		if ((n == 1 && *e == '*') ||
		    (n > 0 && n <= hl &&
		     strncasecmp(host + hl - n, e, n) == 0 &&
		     (n == hl || host[hl - n - 1] == '.')))
			return 1;
		np += strcspn(np, ",");
		np += *np == ',';
	}
	return 0;
}

/* Splits an http:// URL into c's host, port, authority and path; -1 when
 * it is not one (another scheme, credentials, a bad port). */
static int parse_url(struct h1 *c, const char *url)
{
	const char *a, *end, *hs, *he, *pt = NULL;
	size_t plen;

	if (strncasecmp(url, "http://", 7) != 0)
		return -1;
	a = url + 7;
	end = a + strcspn(a, "/?#");
	if (memchr(a, '@', (size_t)(end - a)) || end == a ||
	    (size_t)(end - a) >= sizeof c->authority)
		return -1;
	if (*a == '[') {
		hs = a + 1;
		he = memchr(hs, ']', (size_t)(end - hs));
		if (he == NULL || (he + 1 < end && he[1] != ':'))
			return -1;
		if (he + 1 < end)
			pt = he + 2;
	} else {
		hs = a;
		he = memchr(a, ':', (size_t)(end - a));
		if (he == NULL)
			he = end;
		else
			pt = he + 1;
	}
	if (he == hs || (size_t)(he - hs) >= sizeof c->host)
		return -1;
	memcpy(c->host, hs, (size_t)(he - hs));
	c->host[he - hs] = '\0';
	plen = pt ? (size_t)(end - pt) : 0;
	if (pt && (plen == 0 || plen > 5 || strspn(pt, "0123456789") < plen ||
		   atoi(pt) < 1 || atoi(pt) > 65535))
		return -1;
	snprintf(c->port, sizeof c->port, "%.*s", pt ? (int)plen : 2,
		 pt ? pt : "80");
	snprintf(c->authority, sizeof c->authority, "%.*s", (int)(end - a), a);
	plen = strcspn(end, "#");
	if ((c->path = malloc(plen + 2)) == NULL)
		return -1;
	snprintf(c->path, plen + 2, "%s%.*s", *end == '/' ? "" : "/", (int)plen,
		 end);
	return 0;
}

int h1_url_ok(const char *url)
{
	static const char *const proxy[] = {"http_proxy", "all_proxy",
					    "ALL_PROXY"};
	/* on the heap: a client holds its 64 KiB read buffer */
	struct h1 *c = calloc(1, sizeof *c);
	int ok = c != NULL && parse_url(c, url) == 0;

	for (size_t i = 0; ok && i < sizeof proxy / sizeof *proxy; i++) {
		const char *v = getenv(proxy[i]);
		if (v && *v && !no_proxy_for(c->host))
			ok = 0;
	}
	if (c)
		free(c->path);
	free(c);
	return ok;
}

/* ---- connections ---------------------------------------------------- */

static void on_conn(evutil_socket_t fd, short what, void *arg);
static void req_free(h1_req *r);

/* Makes k's event wait for kind (EV_PERSIST added), unless it does. */
static void watch(struct conn *k, short kind)
{
	if (k->kind == kind)
		return;
	event_del(k->ev);
	event_assign(k->ev, k->c->base, k->fd, kind | EV_PERSIST, on_conn, k);
	event_add(k->ev, NULL);
	k->kind = kind;
}

static void conn_close(struct conn *k)
{
	event_free(k->ev);
	close(k->fd);
	free(k);
}

static void idle_remove(struct conn *k)
{
	struct conn **pp = &k->c->idle;

	while (*pp && *pp != k)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = k->next;
		k->c->n_idle--;
	}
}

/* After a complete response: kept for the next request, or closed. */
static void conn_release(struct conn *k, int keep)
{
	struct h1 *c = k->c;

	k->req = NULL;
	if (!keep || c->n_idle >= c->max_idle) {
		conn_close(k);
		return;
	}
	watch(k, EV_READ); /* a close or stray bytes end it (on_conn) */
	k->next = c->idle;
	c->idle = k;
	c->n_idle++;
}

/* A new socket for address a, non-blocking, with its event; NULL with
 * errno when socket() or the event failed. */
static struct conn *conn_open(struct h1 *c, const struct addrinfo *a)
{
	struct conn *k = calloc(1, sizeof *k);
	int one = 1, e;

	if (k == NULL)
		return NULL;
	k->c = c;
	k->fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
	if (k->fd < 0) {
		e = errno;
		free(k);
		errno = e;
		return NULL;
	}
	/* never inherited by a child process (gen --load-cmd) */
	fcntl(k->fd, F_SETFD, FD_CLOEXEC);
	fcntl(k->fd, F_SETFL, fcntl(k->fd, F_GETFL) | O_NONBLOCK);
	setsockopt(k->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#ifdef SO_NOSIGPIPE
	setsockopt(k->fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
#if RX_STAMP
	setsockopt(k->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
#endif
	k->ev = event_new(c->base, k->fd, 0, on_conn, k);
	if (k->ev == NULL) {
		close(k->fd);
		free(k);
		errno = ENOMEM;
		return NULL;
	}
	return k;
}

/* ---- a request ------------------------------------------------------ */

/* Ends r: its connection kept (keep) or closed, r freed, then the
 * caller told. */
static void finish(h1_req *r, enum resp_transport how, const char *why,
		   int keep)
{
	h1_cb cb = r->cb;
	void *ud = r->ud;
	int se = r->sock_errno;
	char w[sizeof r->why];

	snprintf(w, sizeof w, "%s", why);
	if (r->k)
		conn_release(r->k, keep);
	r->k = NULL;
	req_free(r);
	cb.done(ud, how, w, se);
}

/* A failure reported from r's timer, never from inside h1_start. */
static void fail_later(h1_req *r, enum resp_transport how, const char *fmt,
		       const char *a1, const char *a2)
{
	struct timeval now = {0, 0};

	r->how = how;
	/* a host name too long for why is cut: the message stays one line */
	if (snprintf(r->why, sizeof r->why, fmt, a1, a2) < 0)
		r->why[0] = '\0';
	if (r->k) {
		conn_close(r->k);
		r->k = NULL;
	}
	evtimer_add(r->timer, &now);
}

static int resolve(struct h1 *c)
{
	struct addrinfo hints, *a;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(c->host, c->port, &hints, &c->ai);
	if (rc != 0) {
		c->ai = NULL;
		return rc;
	}
	for (a = c->ai, c->n_ai = 0; a; a = a->ai_next)
		c->n_ai++;
	return 0;
}

/* The index of the i-th address to try: the one that last connected
 * first, then the others in getaddrinfo's order. */
static int try_order(const struct h1 *c, int i)
{
	return i == 0 ? c->good : i <= c->good ? i - 1 : i;
}

static const struct addrinfo *nth_addr(const struct h1 *c, int idx)
{
	const struct addrinfo *a = c->ai;

	while (idx-- > 0 && a->ai_next)
		a = a->ai_next;
	return a;
}

static void send_some(h1_req *r);
static void connect_failed(h1_req *r, int e);
static void connected(h1_req *r);

/* Connects to the next address not yet tried; a failure of the last is
 * reported. */
static void try_connect(h1_req *r)
{
	struct h1 *c = r->c;
	char err[96] = "no address";

	while (r->ai < c->n_ai) {
		const struct addrinfo *a;
		struct conn *k;
		r->cur = try_order(c, r->ai++);
		a = nth_addr(c, r->cur);
		k = conn_open(c, a);
		if (k == NULL) {
			r->sock_errno = errno;
			fail_later(r, RT_CONNECT, "cannot open a socket: %s%s",
				   strerror(errno), "");
			return;
		}
		if (connect(k->fd, a->ai_addr, a->ai_addrlen) == 0 ||
		    errno == EINPROGRESS) {
			k->req = r;
			r->k = k;
			r->phase = PH_CONNECT;
			/* on loopback the handshake is over when connect()
			 * returns: the request goes now, not a wake-up later
			 * (a loop that connects many first sends them all
			 * after, while their first answers wait to be read) */
			send_some(r);
			return;
		}
		snprintf(err, sizeof err, "%s", strerror(errno));
		conn_close(k);
	}
	fail_later(r, RT_CONNECT, "Failed to connect to %s: %s",
		   r->c->authority, err);
}

/* The connection closed or failed before any byte of an answer: a reused
 * one the server had dropped is tried once more on a new connection. */
static int resend(h1_req *r)
{
	if (!r->reused || r->got || r->resent)
		return 0;
	r->resent = 1;
	r->reused = 0;
	r->sent = 0;
	conn_close(r->k);
	r->k = NULL;
	r->ai = 0;
	evtimer_add(r->timer, &r->c->t_connect);
	try_connect(r);
	return 1;
}

/* A socket error once connected. */
static void broke(h1_req *r, const char *what, int e)
{
	char why[160];

	if (resend(r))
		return;
	snprintf(why, sizeof why, "%s failure: %s", what, strerror(e));
	finish(r, r->hdone ? RT_BROKEN : RT_PROTOCOL, why, 0);
}

static void on_hdr(void *ud, const char *line, size_t len)
{
	h1_req *r = ud;
	r->cb.header(r->ud, line, len);
}

static void on_hdone(void *ud, long status)
{
	h1_req *r = ud;
	r->hdone = 1;
	r->cb.headers_done(r->ud, status);
}

static int on_body(void *ud, const char *p, size_t n)
{
	h1_req *r = ud;
	return r->cb.body(r->ud, p, n, r->c->rx_at);
}

/* One read into c->buf, and when its bytes arrived into c->rx_at: the
 * kernel's receive time where it gives one that is sane (within a second
 * of the wake-up), else the wake-up. */
static ssize_t read_stamped(struct h1 *c, int fd)
{
	ssize_t n;
#if RX_STAMP
	union {
		char b[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {c->buf, sizeof c->buf};
	struct msghdr m;
	struct cmsghdr *cm;

	memset(&m, 0, sizeof m);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl.b;
	m.msg_controllen = sizeof ctl.b;
	n = recvmsg(fd, &m, 0);
	c->rx_at = 0;
	for (cm = n > 0 ? CMSG_FIRSTHDR(&m) : NULL; cm;
	     cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			int64_t at;
			memcpy(&ts, CMSG_DATA(cm), sizeof ts);
			at = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec -
			     c->real_off;
			if (ts.tv_sec > 0 && at > *c->wake - 1000000000 &&
			    at < *c->wake + 1000000000)
				c->rx_at = at;
		}
#else
	n = recv(fd, c->buf, sizeof c->buf, 0);
	c->rx_at = 0;
#endif
	if (c->rx_at == 0) {
		c->rx_at = *c->wake;
		c->unstamped += n > 0;
	}
	return n;
}

static const h1p_cb parse_cb = {on_hdr, on_hdone, on_body};

/* Reads what is there (the loop says the socket is readable); 1 when r
 * ended or left its connection (neither may be touched then), else 0. */
static int recv_some(h1_req *r)
{
	struct h1 *c = r->c;

	for (;;) {
		ssize_t n = read_stamped(c, r->k->fd);
		size_t used;
		enum h1p_rc rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0) {
			broke(r, "Recv", errno);
			return 1;
		}
		if (n == 0) {
			if (resend(r))
				return 1;
			rc = h1p_eof(&r->p);
			finish(r,
			       rc == H1P_DONE ? RT_OK
			       : r->hdone     ? RT_BROKEN
					      : RT_PROTOCOL,
			       r->p.err, 0);
			return 1;
		}
		r->got = 1;
		rc = h1p_feed(&r->p, c->buf, (size_t)n, &used, &parse_cb, r);
		if (rc == H1P_DONE) { /* kept when all was sent and read */
			finish(r, RT_OK, "",
			       h1p_reusable(&r->p) && used == (size_t)n &&
				   r->phase == PH_RECV);
			return 1;
		}
		if (rc != H1P_MORE) { /* past the head: the stream broke */
			finish(r,
			       rc == H1P_STOP || r->hdone ? RT_BROKEN
							  : RT_PROTOCOL,
			       rc == H1P_STOP ? "the client stopped reading"
					      : r->p.err,
			       0);
			return 1;
		}
		if ((size_t)n < sizeof c->buf) /* all there was */
			return 0;
	}
}

/* The socket's pending error (SO_ERROR), else fallback: a connect's own
 * error, where a write's may be another (macOS: EPIPE). */
static int sock_error(int fd, int fallback)
{
	int e = 0;
	socklen_t el = sizeof e;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0)
		return errno;
	return e != 0 ? e : fallback;
}

/* The connect failed with e: the next address, else the failure. */
static void connect_failed(h1_req *r, int e)
{
	conn_close(r->k);
	r->k = NULL;
	errno = e;
	if (r->ai < r->c->n_ai) {
		try_connect(r);
		return;
	}
	fail_later(r, RT_CONNECT, "Failed to connect to %s: %s",
		   r->c->authority, strerror(e));
}

static void connected(h1_req *r)
{
	evtimer_del(r->timer);
	r->c->good = r->cur;
	r->phase = PH_SEND;
}

/* Writes what the socket takes of the request; r->cb.sent is told when
 * its first bytes went.  Tried at once after connect(): a socket still
 * connecting takes nothing (Linux EAGAIN, macOS ENOTCONN) and is waited
 * for; one whose connect failed says why. */
static void send_some(h1_req *r)
{
	while (r->sent < r->head_len + r->body_len) {
		struct iovec iov[2];
		struct msghdr m;
		size_t bo = r->sent > r->head_len ? r->sent - r->head_len : 0;
		int n = 0;
		ssize_t w;
		int64_t at = r->sent == 0 ? clock_mono_ns() : 0;

		if (r->sent < r->head_len)
			iov[n].iov_base = r->head + r->sent,
			iov[n++].iov_len = r->head_len - r->sent;
		if (r->body_len > bo)
			iov[n].iov_base = (char *)r->body + bo,
			iov[n++].iov_len = r->body_len - bo;
		memset(&m, 0, sizeof m);
		m.msg_iov = iov;
		m.msg_iovlen = n;
		w = sendmsg(r->k->fd, &m, SEND_FLAGS);
		if (w < 0 && errno == EINTR)
			continue;
		if (r->phase == PH_CONNECT) {
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
				      errno == ENOTCONN)) {
				watch(r->k, EV_WRITE);
				return;
			}
			if (w < 0) {
				connect_failed(r, sock_error(r->k->fd, errno));
				return;
			}
			connected(r);
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* an early answer (an error) may come first */
			watch(r->k, EV_READ | EV_WRITE);
			return;
		}
		if (w < 0 && r->starting && !r->reused) {
			/* h1_start never reports: on a new connection the
			 * loop finds what it was (an early answer, a reset);
			 * a kept one is resent below (broke) */
			watch(r->k, EV_READ | EV_WRITE);
			return;
		}
		if (w < 0) {
			int e = errno;
			char c1;
			/* a server that answered before it read the whole body
			 * (a 413, then a close that resets): its answer is
			 * there to read, as libcurl reads it (not in h1_start:
			 * bytes on a kept connection then answer no request) */
			if (!r->starting &&
			    recv(r->k->fd, &c1, 1, MSG_PEEK) > 0 &&
			    recv_some(r))
				return;
			broke(r, "Send", e);
			return;
		}
		if (at != 0 && w > 0)
			r->cb.sent(r->ud, at);
		r->sent += (size_t)w;
	}
	r->phase = PH_RECV;
	watch(r->k, EV_READ);
}

/* The connection's socket is ready. */
static void on_conn(evutil_socket_t fd, short what, void *arg)
{
	struct conn *k = arg;
	h1_req *r = k->req;
	int e;

	if (*k->c->wake == 0)
		*k->c->wake = clock_mono_ns();
#if RX_STAMP
	if (k->c->off_at != *k->c->wake) { /* once a batch */
		k->c->off_at = *k->c->wake;
		k->c->real_off = clock_real_ns() - clock_mono_ns();
	}
#endif
	if (r == NULL) { /* idle: the server closed it, or sent stray bytes */
		idle_remove(k);
		conn_close(k);
		return;
	}
	if (r->phase == PH_CONNECT) {
		if ((e = sock_error(fd, 0)) != 0) {
			connect_failed(r, e);
			return;
		}
		connected(r);
	}
	if ((what & EV_READ) && recv_some(r))
		return; /* r ended or left k: neither is there to touch */
	if (r->phase == PH_SEND && (what & EV_WRITE))
		send_some(r);
}

/* r's timer: a failure to report, or the connect timeout. */
static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	h1_req *r = arg;
	char why[96];

	(void)fd;
	(void)what;
	if (r->why[0]) {
		finish(r, r->how, r->why, 0);
		return;
	}
	snprintf(why, sizeof why, "Connection timed out after %ld ms",
		 (long)(r->c->t_connect.tv_sec * 1000 +
			r->c->t_connect.tv_usec / 1000));
	finish(r, RT_TIMEOUT, why, 0);
}

static void req_free(h1_req *r)
{
	if (r->k) {
		conn_close(r->k);
		r->k = NULL;
	}
	if (r->timer)
		event_free(r->timer);
	h1p_free(&r->p);
	free(r->head);
	free(r);
}

h1_req *h1_start(h1 *c, const char *headers, const char *body, size_t body_len,
		 const h1_cb *cb, void *ud)
{
	h1_req *r = calloc(1, sizeof *r);
	int n, rc;

	if (r == NULL)
		return NULL;
	r->c = c;
	r->cb = *cb;
	r->ud = ud;
	r->body = body;
	r->body_len = body_len;
	h1p_init(&r->p);
	n = snprintf(NULL, 0,
		     "POST %s HTTP/1.1\r\nHost: %s\r\n%sContent-Length: "
		     "%zu\r\n\r\n",
		     c->path, c->authority, headers, body_len);
	r->timer = evtimer_new(c->base, on_timer, r);
	if (n < 0 || r->timer == NULL ||
	    (r->head = malloc((size_t)n + 1)) == NULL) {
		req_free(r);
		return NULL;
	}
	r->head_len = (size_t)n;
	snprintf(r->head, (size_t)n + 1,
		 "POST %s HTTP/1.1\r\nHost: %s\r\n%sContent-Length: "
		 "%zu\r\n\r\n",
		 c->path, c->authority, headers, body_len);
	if (c->idle) { /* a kept connection: sent at once */
		r->k = c->idle;
		c->idle = r->k->next;
		c->n_idle--;
		r->k->req = r;
		r->reused = 1;
		r->phase = PH_SEND;
		r->starting = 1;
		send_some(r);
		r->starting = 0;
		return r; /* a failure here resends: nothing reported yet */
	}
	if (c->ai == NULL && (rc = resolve(c)) != 0) {
		fail_later(r, RT_CONNECT, "Could not resolve host: %s (%s)",
			   c->host, gai_strerror(rc));
		return r;
	}
	evtimer_add(r->timer, &c->t_connect);
	r->starting = 1;
	try_connect(r);
	r->starting = 0;
	return r;
}

void h1_cancel(h1_req *r)
{
	req_free(r);
}

h1 *h1_new(struct event_base *base, const char *url, double t_connect,
	   int max_idle, int64_t *wake)
{
	struct h1 *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	if (parse_url(c, url) != 0) {
		free(c);
		return NULL;
	}
	c->base = base;
	c->wake = wake;
	c->max_idle = max_idle;
	if (t_connect <= 0)
		t_connect = 300; /* libcurl's default */
	c->t_connect.tv_sec = (time_t)t_connect;
	c->t_connect.tv_usec =
	    (suseconds_t)((t_connect - (double)(time_t)t_connect) * 1e6);
	return c;
}

long h1_unstamped(const h1 *c)
{
	return c->unstamped;
}

void h1_free(h1 *c)
{
	if (c == NULL)
		return;
	while (c->idle) {
		struct conn *k = c->idle;
		c->idle = k->next;
		conn_close(k);
	}
	if (c->ai)
		freeaddrinfo(c->ai);
	free(c->path);
	free(c);
}
