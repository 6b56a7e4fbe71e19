/* sse: a pure, incremental parser of Server-Sent Events (no I/O, no curl). */
#ifndef TB_SSE_H
#define TB_SSE_H

#include <stddef.h>

/*
 * Follows the WHATWG EventSource parsing rules: lines end with LF, CRLF or
 * CR (also when split across feeds); "field: value" strips exactly one
 * space after the colon; lines starting with ':' are comments; several
 * "data" lines join with '\n'; a blank line dispatches the event; an event
 * with no data line is not dispatched.  Unknown fields are ignored.
 * sse_finish() flushes an event still pending at end of input (servers
 * that close without the final blank line), as clients expect.
 */

/* One dispatched event; the strings are valid only during the callback. */
struct sse_event {
	const char *data; /* NUL-terminated; may contain '\n' */
	size_t len;
	const char *event; /* the "event:" field, "" when absent */
};

/* Receives each event; returns 0 to go on, non-zero to stop parsing
 * (sse_feed then returns that value). */
typedef int sse_event_fn(void *ctx, const struct sse_event *ev);

typedef struct sse_parser sse_parser;

/* A new parser calling fn(ctx, ...) per event; NULL when out of memory.
 * Lines longer than max_line bytes make sse_feed fail (a guard against a
 * server that never sends a newline); 0 means 64 MiB. */
sse_parser *sse_new(sse_event_fn *fn, void *ctx, size_t max_line);
void sse_free(sse_parser *p);

/* Feeds n bytes.  Returns 0, the callback's non-zero value, or -1 when
 * out of memory or a line exceeds max_line. */
int sse_feed(sse_parser *p, const char *buf, size_t n);

/* End of input: dispatches a pending event.  Same returns as sse_feed. */
int sse_finish(sse_parser *p);

/* Comment lines seen (":" lines, such as llama-server's ": ping"). */
long sse_comments(const sse_parser *p);

#endif
