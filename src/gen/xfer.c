/* xfer: one streamed request on h1 or libcurl (see xfer.h). */
#include "xfer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	long http = 0;

	resp_header(&x->r, p, len);
	if ((len == 2 && p[0] == '\r') || (len == 1 && p[0] == '\n')) {
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http);
		if (http >= 200) { /* not a 1xx interim response */
			x->m_headers = clock_mono_ns();
			resp_headers_done(&x->r, http, x->m_headers);
		}
	}
	return len;
}

/* When bytes read now arrived: the loop's batch wake-up, else now
 * (outside the loop's batches); never before the request went (libcurl
 * may send and read its answer in one call, after one wake-up). */
static int64_t arrival(struct xfer *x)
{
	x->m_last_byte = x->conf->wake != NULL ? *x->conf->wake : 0;
	if (x->m_last_byte == 0)
		x->m_last_byte = clock_mono_ns();
	if (x->m_last_byte < x->m_send)
		x->m_last_byte = x->m_send;
	return x->m_last_byte;
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;

	/* 0 makes curl abort the transfer (an SSE line over the limit) */
	return resp_body(&x->r, p, len, arrival(x)) == 0 ? len : 0;
}

/* ---- on h1 ---------------------------------------------------------- */

static void h1_header(void *ud, const char *line, size_t len)
{
	struct xfer *x = ud;
	resp_header(&x->r, line, len);
}

static void h1_headers_done(void *ud, long status)
{
	struct xfer *x = ud;
	x->m_headers = clock_mono_ns();
	resp_headers_done(&x->r, status, x->m_headers);
}

static int h1_body(void *ud, const char *p, size_t len, int64_t at)
{
	struct xfer *x = ud;

	/* never before the stream's last bytes (a clock step between two
	 * of the kernel's stamps) */
	if (at <= 0)
		at = clock_mono_ns();
	if (at < x->m_last_byte)
		at = x->m_last_byte;
	x->m_last_byte = at;
	return resp_body(&x->r, p, len, at);
}

static void h1_done(void *ud, enum resp_transport how, const char *why,
		    int sock_errno)
{
	struct xfer *x = ud;
	int64_t now = clock_mono_ns();

	/* a whole response ended when its last bytes arrived (the kernel's
	 * time, h1.h), not when the loop came to them */
	if (how == RT_OK && x->m_last_byte > 0 && x->m_last_byte < now)
		now = x->m_last_byte;
	x->hr = NULL; /* h1 has let it go */
	xfer_finish(x, how, why, sock_errno, now);
	x->conf->on_end(x, now);
}

/* The request's first bytes went at `at`; the first time counts (a
 * request resent on a new connection keeps it: its req event is out). */
static void sent_at(struct xfer *x, int64_t at)
{
	if (x->m_send != 0)
		return;
	x->m_send = at;
	if (x->conf->on_sent)
		x->conf->on_sent(x);
}

static void h1_sent(void *ud, int64_t at)
{
	sent_at(ud, at);
}

static const h1_cb on_h1 = {.header = h1_header,
			    .sent = h1_sent,
			    .headers_done = h1_headers_done,
			    .body = h1_body,
			    .done = h1_done};

/* Opens a request's socket as libcurl would, keeping socket()'s errno:
 * out of descriptors is this machine's limit, not a server that is down,
 * and libcurl reports both as "Couldn't connect". */
static curl_socket_t open_socket(void *ud, curlsocktype purpose,
				 struct curl_sockaddr *a)
{
	struct xfer *x = ud;
	curl_socket_t fd;

	(void)purpose;
	fd = socket(a->family, a->socktype, a->protocol);
	if (fd == CURL_SOCKET_BAD)
		x->sock_errno = errno;
	else /* never inherited by a child process (gen --load-cmd) */
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

static struct curl_slist *request_headers(const struct xfer_conf *c, long id)
{
	struct curl_slist *h = NULL, *n;
	char buf[640];
	const char *lines[5] = {"Content-Type: application/json",
				"Accept: text/event-stream",
				"Expect:", /* no 100-continue round trip */
				buf, NULL};

	snprintf(buf, sizeof buf, "X-Request-Id: %s-%ld", c->run_id, id);
	for (int i = 0; lines[i]; i++) {
		if ((n = curl_slist_append(h, lines[i])) == NULL)
			goto oom;
		h = n;
	}
	if (c->api_key[0]) {
		snprintf(buf, sizeof buf, "Authorization: Bearer %s",
			 c->api_key);
		if ((n = curl_slist_append(h, buf)) == NULL)
			goto oom;
		h = n;
	}
	return h;
oom:
	curl_slist_free_all(h);
	return NULL;
}

/* The same header lines as one string, for h1 (which adds Host and
 * Content-Length; no Expect is sent, so none is named). */
static char *h1_lines(const struct xfer_conf *c, long id)
{
	size_t n = strlen(c->run_id) + strlen(c->api_key) + 160;
	char *s = malloc(n);

	if (s == NULL)
		return NULL;
	snprintf(s, n,
		 "Content-Type: application/json\r\n"
		 "Accept: text/event-stream\r\n"
		 "X-Request-Id: %s-%ld\r\n%s%s%s",
		 c->run_id, id, c->api_key[0] ? "Authorization: Bearer " : "",
		 c->api_key, c->api_key[0] ? "\r\n" : "");
	return s;
}

#if LIBCURL_VERSION_NUM >= 0x075000 /* CURLOPT_PREREQFUNCTION: 7.80.0 */
/* libcurl: connected (or a connection reused), the request about to be
 * sent. */
static int on_prereq(void *ud, char *ip, char *local_ip, int port,
		     int local_port)
{
	(void)ip;
	(void)local_ip;
	(void)port;
	(void)local_port;
	sent_at(ud, clock_mono_ns());
	return CURL_PREREQFUNC_OK;
}
#endif

/* On libcurl: the easy handle; -1 when out of memory. */
static int curl_setup(struct xfer *x)
{
	const struct xfer_conf *c = x->conf;
	CURL *e;

	x->hdrs = request_headers(c, x->id);
	x->easy = e = curl_easy_init();
	if (e == NULL || x->hdrs == NULL)
		return -1;
	curl_easy_setopt(e, CURLOPT_URL, c->url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
			 (curl_off_t)strlen(x->body));
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
#if LIBCURL_VERSION_NUM >= 0x075000
	/* a library older than the headers refuses it: the start stands */
	x->prereq = curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq) ==
			CURLE_OK &&
		    curl_easy_setopt(e, CURLOPT_PREREQDATA, x) == CURLE_OK;
#endif
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->curl_err);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(c->t_connect * 1000));
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, NULL);
	return 0;
}

struct xfer *xfer_new(const struct xfer_conf *c, long id, char *body)
{
	struct xfer *x = calloc(1, sizeof *x);

	if (x == NULL || body == NULL) {
		free(body);
		free(x);
		return NULL;
	}
	x->conf = c;
	x->id = id;
	x->body = body;
	if (resp_init(&x->r, c->keep_text, XFER_SSE_LINE_MAX, c->on_tok, x) !=
		0 ||
	    (c->h1 ? (x->hdr_lines = h1_lines(c, id)) == NULL
		   : curl_setup(x) != 0)) {
		xfer_free(x);
		return NULL;
	}
	if (c->ollama)
		resp_set_ollama(&x->r, c->runner);
	if (c->logprobs > 0)
		resp_set_logprobs(&x->r, c->logprobs);
	return x;
}

int xfer_start(struct xfer *x, CURLM *multi)
{
	if (x->easy) {
		if (!x->prereq) /* no word of the send: the start */
			sent_at(x, x->m_start);
		return curl_multi_add_handle(multi, x->easy) == CURLM_OK ? 0
									 : -1;
	}
	x->hr = h1_start(x->conf->h1, x->hdr_lines, x->body, strlen(x->body),
			 &on_h1, x);
	return x->hr ? 0 : -1;
}

void xfer_stop(struct xfer *x, CURLM *multi)
{
	if (x->easy)
		curl_multi_remove_handle(multi, x->easy);
	if (x->hr)
		h1_cancel(x->hr);
	x->hr = NULL;
}

void xfer_classify(struct xfer *x, CURLcode rc, int64_t m_end)
{
	enum resp_transport how = RT_BROKEN;
	long connected = 0;
	const char *why = x->curl_err[0] || rc == CURLE_OK
			      ? x->curl_err
			      : curl_easy_strerror(rc);

	curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_PORT, &connected);
	if (rc == CURLE_OK)
		how = RT_OK;
	else if (rc == CURLE_COULDNT_CONNECT ||
		 rc == CURLE_COULDNT_RESOLVE_HOST)
		how = RT_CONNECT;
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		how = RT_TIMEOUT;
	else if (connected > 0 && !x->r.headers_done)
		/* connected, but what came back is no HTTP answer libcurl
		 * takes: a header line past its 100 KB limit reads "Out of
		 * memory" */
		how = RT_PROTOCOL,
		why =
		    rc == CURLE_OUT_OF_MEMORY
			? "the response headers are larger than an HTTP client "
			  "accepts (a header line over 100 KB)"
			: why;
	xfer_finish(x, how, why, x->sock_errno, m_end);
}

void xfer_finish(struct xfer *x, enum resp_transport how, const char *why,
		 int sock_errno, int64_t m_end)
{
	if (how != RT_OK && (sock_errno == EMFILE || sock_errno == ENFILE))
		/* the client's limit, not the server: said so, counted as
		 * no connection */
		how = RT_CONNECT, why = "out of file descriptors on this "
					"machine (too many open files): raise "
					"ulimit -n, or lower -c or --rate";
	resp_end(&x->r, how, why, m_end);
}

void xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	if (x->easy)
		curl_easy_cleanup(x->easy);
	if (x->hr)
		h1_cancel(x->hr);
	curl_slist_free_all(x->hdrs);
	free(x->hdr_lines);
	resp_free(&x->r);
	free(x->body);
	free(x);
}

void xfer_write_req(jw *w, const struct xfer *x, const struct prompt *p,
		    int max_tokens)
{
	jw_int(w, "id", x->id);
	jw_str(w, "prompt", p->name);
	if (p->category)
		jw_str(w, "category", p->category);
	if (p->expect)
		jw_str(w, "expect", p->expect);
	if (p->answer_json)
		jw_raw(w, "answer", p->answer_json);
	jw_int(w, "rep", x->rep);
	jw_bool(w, "warmup", x->warmup);
	jw_time(w, "t_sched", clock_to_shared_ns(x->m_sched));
	jw_int(w, "max_tokens", max_tokens);
	jw_int(w, "prompt_bytes", (long long)strlen(p->text));
	if (p->synthetic_tokens > 0)
		jw_int(w, "synthetic_tokens", p->synthetic_tokens);
}

void xfer_write_done(jw *w, const struct xfer *x)
{
	jw_int(w, "id", x->id);
	resp_write_outcome(&x->r, w);
	if (x->m_headers > 0)
		jw_time(w, "t_headers", clock_to_shared_ns(x->m_headers));
	if (x->r.m_first_event > 0)
		jw_time(w, "t_first_event",
			clock_to_shared_ns(x->r.m_first_event));
	resp_write_content(&x->r, w);
}
