/* resp: one streamed completion's response, from bytes to a done event:
 * SSE and OpenAI chunk decoding, token counts, failure classes (pure: no
 * curl, no I/O; gen drives it from its transfers). */
#ifndef TB_RESP_H
#define TB_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "formats.h"
#include "jw.h"
#include "oai.h"
#include "sse.h"

/* How the transport ended, in terms that do not depend on libcurl. */
enum resp_transport {
	RT_OK,	    /* the body ended normally */
	RT_CONNECT, /* no connection (refused, unresolvable) */
	RT_TIMEOUT, /* the transport's own timeout */
	RT_BROKEN,  /* any other failure once connected */
	RT_PROTOCOL /* connected, but the answer was not HTTP a client
		     * accepts (headers too large, malformed) */
};

/* The channel of a token-bearing chunk; resp_ch_name gives its written
 * name ("role", "reasoning", "content", "tool"). */
enum resp_ch { RESP_ROLE, RESP_REASONING, RESP_CONTENT, RESP_TOOL };
const char *resp_ch_name(enum resp_ch ch);

/* Called for each token-bearing chunk as it is decoded, with its channel
 * and its length in bytes. */
typedef void resp_tok_fn(void *ctx, enum resp_ch ch, size_t bytes);

struct resp {
	long http; /* the status once headers are done */
	int headers_done, is_sse;
	char ctype[96];
	char encoding[32];	    /* Content-Encoding, when sent */
	char location[256];	    /* Location, of a redirect */
	enum formats_status status; /* FMT_ST_OK until something went wrong */
	enum formats_timeout timeout_kind; /* with FMT_ST_TIMEOUT */
	char err[256];			   /* the first problem, in words */
	int64_t m_first_event; /* monotonic ns of the first SSE event */
	int64_t m_now;	       /* the time the current bytes arrived */
	long chunks, n_content, n_reasoning, n_tool;
	jw text, reasoning, errbody;   /* kept texts; an error reply's body */
	char *usage, *timings, *stats; /* the server's JSON, as sent */
	char *ollama;	    /* Ollama's native durations and counts */
	char *metrics;	    /* vLLM's per-request metrics */
	int ndjson;	    /* Ollama's native stream: JSON lines */
	const char *runner; /* with ndjson: Ollama's runner, added to ollama */
	double load_s;	    /* with ndjson: Ollama's load_duration, s; -1 */
	jw line;	    /* with ndjson: the line so far */
	long usage_completion, usage_prompt, usage_reasoning; /* -1: none */
	char finish[32];
	int saw_done; /* the [DONE] marker arrived */
	int keep_text;
	int lp_asked;	       /* top alternatives asked for; 0: none */
	struct oai_memo memo;  /* the stream's last chunk (oai_decode_memo) */
	long lp_n, lp_missing; /* positions given; text chunks without */
	int lp_top_min;	       /* the shortest top list given; -1 */
	jw lp;		       /* the positions, written (lprob.h) */
	size_t max_line;       /* the longest SSE line accepted */
	sse_parser *sse;
	resp_tok_fn *on_tok;
	void *ctx;
};

/* The largest error body kept. */
#define RESP_ERRBODY_MAX 4096

/* Sets r up; on_tok (may be NULL) is called with ctx.  max_line bounds an
 * SSE line (0: sse's default).  Returns 0, or -1 when out of memory.
 * Release with resp_free. */
int resp_init(struct resp *r, int keep_text, size_t max_line,
	      resp_tok_fn *on_tok, void *ctx);
void resp_free(struct resp *r);

/* The body is Ollama's native stream (application/x-ndjson, one JSON
 * object a line, oai_decode_ollama) rather than SSE; runner (static, may
 * be NULL) is written into the done event's ollama object. */
void resp_set_ollama(struct resp *r, const char *runner);

/* The request asked for logprobs with k alternatives a position: each
 * chunk's are kept (lprob.h) and the done event says what came. */
void resp_set_logprobs(struct resp *r, int k);

/* Records the first problem; later ones do not replace it. */
void resp_fail(struct resp *r, enum formats_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* One header line (with its line end); "Content-Type" is kept. */
void resp_header(struct resp *r, const char *line, size_t len);

/* The headers are complete with this HTTP status (not a 1xx). */
void resp_headers_done(struct resp *r, long http, int64_t now);

/* Body bytes that arrived at monotonic time now.  An error reply's body is
 * kept (up to RESP_ERRBODY_MAX); a 2xx body must be an event stream (or,
 * after resp_set_ollama, JSON lines).
 * Returns 0, or -1 when the transfer must be aborted (a line too long). */
int resp_body(struct resp *r, const char *p, size_t len, int64_t now);

/* The transfer is over: flushes the parser and sorts the outcome into a
 * status unless one was already set (a timeout, an abort, the stream's own
 * error).  why is the transport's message ("" or NULL when none). */
void resp_end(struct resp *r, enum resp_transport how, const char *why,
	      int64_t now);

/* A request's own timeouts, in seconds (0: none): from sending to the
 * first SSE event, between bytes once events flow, and from sending to the
 * end.  (The connection's timeout is the transport's.) */
struct resp_limits {
	double first, idle, total;
};

/* Which limit the request has passed at now (sent at send, last byte at
 * last, 0 when none), with what happened in words in msg: FMT_TO_TOTAL first,
 * then FMT_TO_FIRST before any event, FMT_TO_IDLE after; FMT_TO_OTHER when
 * none. */
enum formats_timeout resp_overdue(const struct resp *r,
				  const struct resp_limits *l, int64_t send,
				  int64_t last, int64_t now, char *msg,
				  size_t msglen);

/* The earliest monotonic time at which resp_overdue could report a limit
 * passed (INT64_MAX: never), as known at now: a request without its first
 * event yet may get it any moment, and its idle limit is then counted from
 * then, so now + idle bounds it.  A later byte only moves it later. */
int64_t resp_due(const struct resp *r, const struct resp_limits *l,
		 int64_t send, int64_t last, int64_t now);

/* The token counts a done event reports: the server's usage when it sent
 * one (an EOS it counted stays in it), else the chunks. */
struct resp_tokens {
	long content, reasoning, tool, chunk_total;
	int from_usage;
};
void resp_tokens(const struct resp *r, struct resp_tokens *t);

/* Write the done event's fields into the open object of w, in two parts
 * around the caller's t_headers and t_first_event (they need its clock):
 * the outcome (status, http, timeout, error, finish), then the content
 * (chunks, done_marker, tokens, prompt_tokens, usage, timings, stats, ollama,
 * metrics, logprobs when asked, text, reasoning_text, and an error reply's
 * body). */
void resp_write_outcome(const struct resp *r, jw *w);
void resp_write_content(const struct resp *r, jw *w);

#endif
