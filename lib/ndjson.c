/* ndjson: a buffered reader of newline-delimited JSON (see ndjson.h). */
#include "ndjson.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"

struct ndjson_reader {
	FILE *f;
	char *name;
	int flags;
	char *buf;
	size_t start, end, cap; /* unread bytes are buf[start..end) */
	int eof;
	long lineno, invalid;
	char reason[96];
	ndjson_invalid_fn *on_invalid;
	void *ctx;
};

ndjson_reader *ndjson_open(FILE *f, const char *name, int flags)
{
	ndjson_reader *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	r->f = f;
	r->flags = flags;
	r->name = strdup(name ? name : "-");
	r->cap = 64 * 1024;
	r->buf = malloc(r->cap);
	if (r->name == NULL || r->buf == NULL) {
		ndjson_close(r);
		return NULL;
	}
	return r;
}

void ndjson_close(ndjson_reader *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->buf);
	free(r);
}

void ndjson_on_invalid(ndjson_reader *r, ndjson_invalid_fn *fn, void *ctx)
{
	r->on_invalid = fn;
	r->ctx = ctx;
}

void ndjson_warn_skipped(void *ctx, const char *name, long line,
			 const char *reason)
{
	(void)ctx;
	diag_warn("%s:%ld: skipped: %s", name, line, reason);
}

/* Reads more input after the unread bytes; grows the buffer when a single
 * line fills it.  Returns 1 if bytes were added, 0 at EOF, -1 on error. */
static int fill(ndjson_reader *r)
{
	ssize_t n;

	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < 4096) {
		char *p = realloc(r->buf, r->cap * 2);
		if (p == NULL)
			return -1;
		r->buf = p;
		r->cap *= 2;
	}
	/* read(2), not fread: on a pipe fread waits for a full buffer, and a
	 * consumer of a live stream must see each line as it arrives.  One
	 * byte stays free for the NUL that terminates a returned line. */
	do
		n = read(fileno(r->f), r->buf + r->end, r->cap - r->end - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	return 1;
}

int ndjson_getline(ndjson_reader *r, const char **line, size_t *len)
{
	size_t scanned = 0;
	char *nl;
	int rc;

	for (;;) {
		char *from = r->buf + r->start + scanned;
		nl = memchr(from, '\n', r->end - r->start - scanned);
		if (nl != NULL)
			break;
		scanned = r->end - r->start;
		rc = fill(r);
		if (rc < 0)
			return ND_IOERR;
		if (rc == 0) {
			if (r->end == r->start)
				return ND_EOF;
			nl = r->buf + r->end; /* last line, no newline */
			break;
		}
	}
	char *s = r->buf + r->start;
	size_t n = (size_t)(nl - s);
	r->start += n + (nl < r->buf + r->end);
	r->lineno++;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	s[n] = '\0';
	*line = s;
	*len = n;
	return ND_OK;
}

static int blank(const char *s, size_t n)
{
	return strspn(s, " \t\r\f\v") >= n;
}

/* Parses s as exactly one JSON value, or explains why not in r->reason. */
static cJSON *parse_line(ndjson_reader *r, const char *s, size_t n)
{
	const char *end = NULL;
	cJSON *v;

	if (memchr(s, '\0', n) != NULL) {
		snprintf(r->reason, sizeof r->reason, "NUL byte in line");
		return NULL;
	}
	v = cJSON_ParseWithLengthOpts(s, n, &end, 0);
	if (v == NULL) {
		const char *at = cJSON_GetErrorPtr();
		long off =
		    at && at >= s && at <= s + n ? (long)(at - s) + 1 : 0;
		snprintf(r->reason, sizeof r->reason,
			 "invalid JSON at byte %ld", off);
		return NULL;
	}
	if (end != NULL && !blank(end, n - (size_t)(end - s))) {
		cJSON_Delete(v);
		end += strspn(end, " \t\f\v");
		snprintf(r->reason, sizeof r->reason,
			 "text after the JSON value at byte %ld",
			 (long)(end - s) + 1);
		return NULL;
	}
	return v;
}

int ndjson_next(ndjson_reader *r, cJSON **out)
{
	const char *s;
	size_t n;
	int rc;

	while ((rc = ndjson_getline(r, &s, &n)) == ND_OK) {
		if (blank(s, n))
			continue;
		*out = parse_line(r, s, n);
		if (*out != NULL)
			return ND_OK;
		r->invalid++;
		if (r->flags & ND_STRICT)
			return ND_INVALID;
		if (r->on_invalid)
			r->on_invalid(r->ctx, r->name, r->lineno, r->reason);
	}
	return rc;
}

const char *ndjson_name(const ndjson_reader *r)
{
	return r->name;
}
long ndjson_lineno(const ndjson_reader *r)
{
	return r->lineno;
}
const char *ndjson_reason(const ndjson_reader *r)
{
	return r->reason;
}
long ndjson_invalid_count(const ndjson_reader *r)
{
	return r->invalid;
}
