/* h1parse: an HTTP/1.1 response read incrementally (see h1parse.h). */
#include "h1parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	S_STATUS,   /* the status line */
	S_HEADER,   /* header lines, up to the blank one */
	S_SIZE,	    /* a chunk's size line */
	S_DATA,	    /* a chunk's bytes (left) */
	S_DATA_END, /* the line end after a chunk's bytes */
	S_TRAILER,  /* trailer lines after the last chunk */
	S_LENGTH,   /* a body of Content-Length bytes (left) */
	S_TO_EOF,   /* a body that ends when the connection closes */
	S_DONE
};

void h1p_init(struct h1p *p)
{
	memset(p, 0, sizeof *p);
	p->len = -1;
}

void h1p_free(struct h1p *p)
{
	free(p->line);
	p->line = NULL;
	p->n = p->cap = 0;
}

int h1p_started(const struct h1p *p)
{
	return p->state != S_STATUS || p->n > 0 || p->version != 0;
}

int h1p_reusable(const struct h1p *p)
{
	return p->state == S_DONE && !p->close;
}

static enum h1p_rc fail(struct h1p *p, const char *fmt, const char *arg,
			size_t arglen)
{
	char shown[64];
	size_t k = arglen < sizeof shown - 1 ? arglen : sizeof shown - 1;

	/* a quoted excerpt, its control bytes shown as '?' */
	for (size_t i = 0; i < k; i++)
		shown[i] = (unsigned char)arg[i] < 0x20 || arg[i] == 0x7f
			       ? '?'
			       : arg[i];
	shown[k] = '\0';
	snprintf(p->err, sizeof p->err, fmt, shown);
	return H1P_ERROR;
}

/* Whether tok is among a value's comma-separated tokens. */
static int has_token(const char *v, size_t n, const char *tok)
{
	size_t tl = strlen(tok), i = 0;

	while (i < n) {
		size_t s, e;
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && strncasecmp(v + s, tok, tl) == 0)
			return 1;
	}
	return 0;
}

static enum h1p_rc status_line(struct h1p *p, const char *l, size_t n)
{
	long st;

	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 ||
	    (l[7] != '0' && l[7] != '1') || l[8] != ' ' ||
	    !isdigit((unsigned char)l[9]) || !isdigit((unsigned char)l[10]) ||
	    !isdigit((unsigned char)l[11]) || (n > 12 && l[12] != ' ') ||
	    l[9] == '0')
		return fail(p,
			    "not an HTTP/1.x response: its first line reads "
			    "\"%s\"",
			    l, n);
	st = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (st == 101)
		return fail(p,
			    "the server switched protocols (%s), which no "
			    "completion stream does",
			    l, n);
	p->version = l[7] == '1' ? 11 : 10;
	p->status = st;
	p->chunked = 0;
	p->len = -1;
	p->close = 0;
	p->keep_alive = 0;
	p->state = S_HEADER;
	return H1P_MORE;
}

static enum h1p_rc header_line(struct h1p *p, const char *l, size_t n)
{
	const char *colon = memchr(l, ':', n), *v;
	size_t name, vn;

	if (colon == NULL || colon == l)
		return fail(p,
			    "a malformed header line in the response: "
			    "\"%s\"",
			    l, n);
	name = (size_t)(colon - l);
	v = colon + 1;
	vn = n - name - 1;
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (name == 17 && strncasecmp(l, "transfer-encoding", 17) == 0) {
		/* one coding alone: in "gzip, chunked" the body, its chunks
		 * taken off, is still gzip's */
		if (vn == 7 && strncasecmp(v, "chunked", 7) == 0)
			p->chunked = 1;
		else if (!(vn == 8 && strncasecmp(v, "identity", 8) == 0))
			return fail(p,
				    "a transfer coding this client does not "
				    "read: \"%s\"",
				    v, vn);
	} else if (name == 14 && strncasecmp(l, "content-length", 14) == 0) {
		int64_t len = 0;
		size_t i;
		for (i = 0; i < vn && isdigit((unsigned char)v[i]); i++) {
			if (len > (INT64_MAX - 9) / 10)
				break;
			len = len * 10 + (v[i] - '0');
		}
		if (i == 0 || i != vn || (p->len >= 0 && p->len != len))
			return fail(p,
				    "a malformed or repeated Content-Length: "
				    "\"%s\"",
				    v, vn);
		p->len = len;
	} else if (name == 10 && strncasecmp(l, "connection", 10) == 0) {
		if (has_token(v, vn, "close"))
			p->close = 1;
		if (has_token(v, vn, "keep-alive"))
			p->keep_alive = 1;
	}
	return H1P_MORE;
}

/* The blank line: the head is complete. */
static enum h1p_rc head_end(struct h1p *p, const h1p_cb *cb, void *ud)
{
	if (p->status < 200) { /* an interim answer: the real one follows */
		p->state = S_STATUS;
		return H1P_MORE;
	}
	if (cb->headers_done)
		cb->headers_done(ud, p->status);
	/* HTTP/1.0 closes unless it said keep-alive; a close said wins; a
	 * length beside chunks is a message framed two ways, whose
	 * connection is not trusted with another (RFC 9112 6.3) */
	if ((p->version == 10 && !p->keep_alive) || (p->chunked && p->len >= 0))
		p->close = 1;
	if (p->status == 204 || p->status == 304)
		p->state = S_DONE;
	else if (p->chunked)
		p->state = S_SIZE;
	else if (p->len >= 0)
		p->state = p->len == 0 ? S_DONE : S_LENGTH, p->left = p->len;
	else
		p->state = S_TO_EOF, p->close = 1;
	return p->state == S_DONE ? H1P_DONE : H1P_MORE;
}

static enum h1p_rc size_line(struct h1p *p, const char *l, size_t n)
{
	int64_t sz = 0;
	size_t i = 0, digits;

	for (; i < n && isxdigit((unsigned char)l[i]); i++) {
		if (sz > (INT64_MAX >> 4))
			return fail(p,
				    "a chunk size too large to be real: "
				    "\"%s\"",
				    l, n);
		sz =
		    sz * 16 + (isdigit((unsigned char)l[i])
				   ? l[i] - '0'
				   : (tolower((unsigned char)l[i]) - 'a' + 10));
	}
	digits = i; /* a line of blanks is no size (and no last chunk) */
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (digits == 0 || (i < n && l[i] != ';'))
		return fail(p,
			    "a malformed chunk size line in the response: "
			    "\"%s\"",
			    l, n);
	p->left = sz;
	p->state = sz == 0 ? S_TRAILER : S_DATA;
	return H1P_MORE;
}

/* One whole line (its line end taken off, a CR before the LF too). */
static enum h1p_rc line(struct h1p *p, const char *raw, size_t rawn,
			const h1p_cb *cb, void *ud)
{
	size_t n = rawn - 1;

	if (n > 0 && raw[n - 1] == '\r')
		n--;
	switch (p->state) {
	case S_STATUS:
		if (n == 0) /* a stray line end before a status line */
			return H1P_MORE;
		if (cb->header)
			cb->header(ud, raw, rawn);
		return status_line(p, raw, n);
	case S_HEADER:
		if (cb->header)
			cb->header(ud, raw, rawn);
		return n == 0 ? head_end(p, cb, ud) : header_line(p, raw, n);
	case S_SIZE: return size_line(p, raw, n);
	case S_DATA_END:
		if (n != 0)
			return fail(p,
				    "a chunk longer than its size line said: "
				    "\"%s\"",
				    raw, n);
		p->state = S_SIZE;
		return H1P_MORE;
	default: /* S_TRAILER: ignored up to the blank line */
		if (n == 0)
			p->state = S_DONE;
		return n == 0 ? H1P_DONE : H1P_MORE;
	}
}

/* Body bytes: as many of n as this chunk or length takes; *took them. */
static enum h1p_rc body(struct h1p *p, const char *b, size_t n, size_t *took,
			const h1p_cb *cb, void *ud)
{
	size_t k = n;

	if (p->state != S_TO_EOF && (int64_t)k > p->left)
		k = (size_t)p->left;
	*took = k;
	if (k > 0 && cb->body && cb->body(ud, b, k) != 0)
		return H1P_STOP;
	if (p->state == S_TO_EOF)
		return H1P_MORE;
	p->left -= (int64_t)k;
	if (p->left == 0)
		p->state = p->state == S_DATA ? S_DATA_END : S_DONE;
	return p->state == S_DONE ? H1P_DONE : H1P_MORE;
}

/* Appends to the partial line; 0, or -1 past the limit or out of memory. */
static int keep(struct h1p *p, const char *b, size_t n)
{
	if (p->n + n > H1P_LINE_MAX)
		return -1;
	if (p->n + n > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		char *nl;
		while (cap < p->n + n)
			cap *= 2;
		if ((nl = realloc(p->line, cap)) == NULL)
			return -1;
		p->line = nl;
		p->cap = cap;
	}
	memcpy(p->line + p->n, b, n);
	p->n += n;
	return 0;
}

enum h1p_rc h1p_feed(struct h1p *p, const char *buf, size_t n, size_t *used,
		     const h1p_cb *cb, void *ud)
{
	size_t i = 0;
	enum h1p_rc rc = p->state == S_DONE ? H1P_DONE : H1P_MORE;

	while (i < n && rc == H1P_MORE) {
		size_t k;
		if (p->state == S_DATA || p->state == S_LENGTH ||
		    p->state == S_TO_EOF) {
			rc = body(p, buf + i, n - i, &k, cb, ud);
			i += k;
			continue;
		}
		const char *lf = memchr(buf + i, '\n', n - i);
		k = lf ? (size_t)(lf - (buf + i)) + 1 : n - i;
		if (keep(p, buf + i, k) != 0) {
			snprintf(p->err, sizeof p->err,
				 "the response headers are larger than an HTTP "
				 "client accepts (a header line over %zu KB)",
				 H1P_LINE_MAX / 1024);
			rc = H1P_ERROR;
			break;
		}
		i += k;
		if (lf) {
			rc = line(p, p->line, p->n, cb, ud);
			p->n = 0;
		}
	}
	*used = i;
	return rc;
}

enum h1p_rc h1p_eof(struct h1p *p)
{
	switch (p->state) {
	case S_DONE:
	case S_TO_EOF: p->state = S_DONE; return H1P_DONE;
	case S_STATUS:
		snprintf(p->err, sizeof p->err, "%s",
			 h1p_started(p)
			     ? "the server closed the connection in "
			       "the middle of the response's head"
			     : "the server closed the connection "
			       "without a response (an empty reply)");
		return H1P_ERROR;
	case S_HEADER:
		snprintf(p->err, sizeof p->err,
			 "the server closed the connection in the middle of "
			 "the response's head");
		return H1P_ERROR;
	case S_LENGTH:
		snprintf(p->err, sizeof p->err,
			 "the server closed the connection %lld bytes short "
			 "of the body's Content-Length",
			 (long long)p->left);
		return H1P_ERROR;
	default:
		snprintf(p->err, sizeof p->err,
			 "the server closed the connection before the "
			 "chunked body's end");
		return H1P_ERROR;
	}
}
