/* sse: a pure, incremental Server-Sent Events parser (see sse.h). */
#include "sse.h"

#include <stdlib.h>
#include <string.h>

struct sse_parser {
	sse_event_fn *fn;
	void *ctx;
	size_t max_line;
	char *line; /* the current, incomplete line */
	size_t line_len, line_cap;
	char *data; /* data of the pending event */
	size_t data_len, data_cap;
	int has_data;
	char event[64];
	int last_cr; /* the previous byte ended a line with CR */
	long comments;
};

sse_parser *sse_new(sse_event_fn *fn, void *ctx, size_t max_line)
{
	sse_parser *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	p->fn = fn;
	p->ctx = ctx;
	p->max_line = max_line ? max_line : (size_t)64 << 20;
	return p;
}

void sse_free(sse_parser *p)
{
	if (p == NULL)
		return;
	free(p->line);
	free(p->data);
	free(p);
}

long sse_comments(const sse_parser *p)
{
	return p->comments;
}

static int grow(char **buf, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 256;
	char *n;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	if ((n = realloc(*buf, c)) == NULL)
		return -1;
	*buf = n;
	*cap = c;
	return 0;
}

static int dispatch(sse_parser *p)
{
	struct sse_event ev;
	int rc;

	if (!p->has_data) {
		p->event[0] = '\0';
		return 0;
	}
	if (grow(&p->data, &p->data_cap, p->data_len + 1) != 0)
		return -1;
	p->data[p->data_len] = '\0';
	ev.data = p->data;
	ev.len = p->data_len;
	ev.event = p->event;
	rc = p->fn(p->ctx, &ev);
	p->data_len = 0;
	p->has_data = 0;
	p->event[0] = '\0';
	return rc;
}

/* Appends a data line's value, joining lines with '\n'. */
static int add_data(sse_parser *p, const char *v, size_t n)
{
	size_t need = p->data_len + n + 2;

	if (grow(&p->data, &p->data_cap, need) != 0)
		return -1;
	if (p->has_data)
		p->data[p->data_len++] = '\n';
	memcpy(p->data + p->data_len, v, n);
	p->data_len += n;
	p->has_data = 1;
	return 0;
}

/* Processes one complete line (without its terminator). */
static int process_line(sse_parser *p, const char *s, size_t n)
{
	const char *colon;
	size_t flen;

	if (n == 0)
		return dispatch(p);
	if (s[0] == ':') {
		p->comments++;
		return 0;
	}
	colon = memchr(s, ':', n);
	flen = colon ? (size_t)(colon - s) : n;
	const char *v = colon ? colon + 1 : s + n;
	size_t vlen = colon ? n - flen - 1 : 0;
	if (vlen > 0 && *v == ' ')
		v++, vlen--;
	if (flen == 4 && memcmp(s, "data", 4) == 0)
		return add_data(p, v, vlen);
	if (flen == 5 && memcmp(s, "event", 5) == 0) {
		if (vlen >= sizeof p->event)
			vlen = sizeof p->event - 1;
		memcpy(p->event, v, vlen);
		p->event[vlen] = '\0';
	}
	return 0; /* id, retry and unknown fields do not matter here */
}

/* Finishes the buffered line plus s[0..n). */
static int end_line(sse_parser *p, const char *s, size_t n)
{
	int rc;

	if (p->line_len == 0)
		return process_line(p, s, n);
	if (p->line_len + n > p->max_line)
		return -1;
	if (grow(&p->line, &p->line_cap, p->line_len + n) != 0)
		return -1;
	memcpy(p->line + p->line_len, s, n);
	rc = process_line(p, p->line, p->line_len + n);
	p->line_len = 0;
	return rc;
}

int sse_feed(sse_parser *p, const char *buf, size_t n)
{
	size_t i = 0, start;
	int rc;

	/* A CR that ended the previous feed may pair with an LF here. */
	if (p->last_cr && n > 0 && buf[0] == '\n')
		i = 1;
	p->last_cr = 0;
	start = i;
	/* Each line's end found with memchr (a line is a chunk's hundred
	 * bytes or more; a byte-at-a-time loop was a tenth of gen's CPU per
	 * event unpaced): the next LF, and the first CR before it. */
	while (i < n) {
		const char *nl = memchr(buf + i, '\n', n - i);
		size_t lim = nl ? (size_t)(nl - buf) : n;
		const char *cr = memchr(buf + i, '\r', lim - i);
		char c;
		if (cr != NULL)
			i = (size_t)(cr - buf);
		else if (nl != NULL)
			i = lim;
		else
			break;
		c = buf[i];
		if ((rc = end_line(p, buf + start, i - start)) != 0)
			return rc;
		if (c == '\r') {
			if (i + 1 < n && buf[i + 1] == '\n')
				i++;
			else if (i + 1 == n)
				p->last_cr = 1;
		}
		start = ++i;
	}
	if (start < n) {
		size_t rest = n - start;
		if (p->line_len + rest > p->max_line)
			return -1;
		if (grow(&p->line, &p->line_cap, p->line_len + rest) != 0)
			return -1;
		memcpy(p->line + p->line_len, buf + start, rest);
		p->line_len += rest;
	}
	return 0;
}

int sse_finish(sse_parser *p)
{
	int rc = 0;

	if (p->line_len > 0) {
		rc = process_line(p, p->line, p->line_len);
		p->line_len = 0;
	}
	if (rc == 0)
		rc = dispatch(p);
	p->last_cr = 0;
	return rc;
}
