/* xfer: one streamed completion request, on gen's built-in HTTP/1.1
 * transport (src/gen/h1) or on a libcurl easy handle, its bytes fed to
 * src/gen/resp as they come, and the transport's result sorted into resp's
 * terms (what the user is told: a connection that never was, a machine out
 * of file descriptors, headers no client accepts).  The caller keeps the
 * list, and the multi handle of the libcurl ones. */
#ifndef TB_XFER_H
#define TB_XFER_H

#include <stdint.h>

#include <curl/curl.h>

#include "h1.h"
#include "jw.h"
#include "prompts.h"
#include "rdwin.h"
#include "resp.h"

/* The longest SSE line a stream may send: a chunk is a few hundred bytes,
 * and the parser's buffer grows to the longest line, per stream in flight
 * (64 MiB lines cost 140 MB of RSS each). */
#define XFER_SSE_LINE_MAX ((size_t)4 << 20)

struct xfer;

/* What every request of a run shares. */
struct xfer_conf {
	const char *url;     /* the completions endpoint */
	const char *run_id;  /* X-Request-Id: RUN-ID */
	const char *api_key; /* "" for none: Authorization: Bearer */
	double t_connect;    /* seconds */
	int keep_text;
	resp_tok_fn *on_tok; /* called with the transfer */
	const int64_t
	    *wake; /* the loop's batch time (0 outside one), or NULL */
	h1 *h1;	   /* the built-in transport, or NULL: libcurl */
	/* a transfer on h1 ended (resp_end done): the caller records it and
	 * releases it */
	void (*on_end)(struct xfer *x, int64_t m_end);
	/* its first bytes went (m_send set): once a request, before any
	 * byte of an answer, maybe inside xfer_start */
	void (*on_sent)(struct xfer *x);
	int ollama;	    /* Ollama's native stream (resp_set_ollama) ... */
	const char *runner; /* ... and the runner of its durations */
	int logprobs;	    /* alternatives asked for (resp_set_logprobs); 0 */
};

struct xfer {
	struct xfer *prev, *next; /* the caller's list */
	CURL *easy;		  /* on libcurl, else NULL */
	h1_req *hr;		  /* on h1 while in flight, else NULL */
	struct curl_slist *hdrs;
	char *hdr_lines; /* on h1: the request's own header lines */
	char *body;
	long id;
	int prompt, rep, warmup;
	/* monotonic ns: due (the load shape's), started (the timeouts count
	 * from it), its first bytes handed to the kernel on a connection
	 * that is up (0 until then: the req event's time), the head, the
	 * last body bytes */
	int64_t m_sched, m_start, m_send, m_headers, m_last_byte;
	int req_out; /* the caller has written its req event */
	int prereq;  /* libcurl tells when it sends (CURLOPT_PREREQFUNCTION) */
	struct rdwin_stream rws; /* the read window's (rdwin.h) */
	struct resp r;
	char curl_err[CURL_ERROR_SIZE];
	int sock_errno; /* socket() failed: its errno (libcurl keeps none) */
	const struct xfer_conf *conf;
};

/* A request with id and body (taken over), set up and ready to start;
 * NULL when out of memory (the body is freed). */
struct xfer *xfer_new(const struct xfer_conf *c, long id, char *body);

/* Sends it: on h1, or added to multi; -1 when that failed. */
int xfer_start(struct xfer *x, CURLM *multi);

/* Takes it off its transport (off multi, or its connection closed). */
void xfer_stop(struct xfer *x, CURLM *multi);

/* Ends the response from libcurl's result (unless a timeout, an abort or
 * the stream itself already decided it). */
void xfer_classify(struct xfer *x, CURLcode rc, int64_t m_end);

/* Ends the response (unless already decided): how the transport ended,
 * why in its words, socket()'s errno where no socket opened. */
void xfer_finish(struct xfer *x, enum resp_transport how, const char *why,
		 int sock_errno, int64_t m_end);

/* The fields of its events (docs/events.md) after "ev" and "t": a req
 * event's (the prompt sent and its limit) and a done event's (outcome,
 * times, tokens, text). */
void xfer_write_req(jw *w, const struct xfer *x, const struct prompt *p,
		    int max_tokens);
void xfer_write_done(jw *w, const struct xfer *x);

/* Releases the transfer (already stopped), its body and response. */
void xfer_free(struct xfer *x);

#endif
