/* libFuzzer target: the HTTP/1.1 response parser (src/gen/h1parse), fed the
 * input whole, cut in two at an offset the input chooses, and in small
 * reads; the three must agree on the outcome, the status, the head's lines
 * and the body's bytes, or it aborts.  Each read is a buffer of its own, so
 * that ASan sees a byte read past it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "h1parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What one parse saw: the callbacks' bytes as FNV-1a hashes. */
struct seen {
	uint64_t head, body;
	size_t nhead, nbody;
	int dones;
	long status;
	enum h1p_rc rc;
	size_t used;
	int reusable;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211u;
	return h;
}

static void on_header(void *ud, const char *line, size_t len)
{
	struct seen *s = ud;

	if (len == 0 || line[len - 1] != '\n')
		abort(); /* a line is given with its line end */
	s->head = fnv(s->head, line, len);
	s->nhead += len;
}

static void on_done(void *ud, long status)
{
	struct seen *s = ud;

	s->dones++;
	s->status = status;
}

static int on_body(void *ud, const char *p, size_t n)
{
	struct seen *s = ud;

	if (n == 0)
		abort();
	s->body = fnv(s->body, p, n);
	s->nbody += n;
	return 0;
}

static const h1p_cb cbs = {on_header, on_done, on_body};

/* An error's reason is one line of printable text. */
static void check_err(const char *e)
{
	if (*e == '\0')
		abort();
	for (; *e; e++)
		if ((unsigned char)*e < 0x20 || *e == 0x7f)
			abort();
}

/* Parses data in reads of step bytes, the first of first bytes, each read
 * in a buffer of its own; then the connection's close. */
static void parse(const uint8_t *data, size_t size, size_t first, size_t step,
		  struct seen *s)
{
	struct h1p p;
	size_t at = 0, reads = 0;

	memset(s, 0, sizeof *s);
	h1p_init(&p);
	s->rc = H1P_MORE;
	while (s->rc == H1P_MORE && (at < size || reads == 0)) {
		size_t n = reads++ == 0 ? first : step, used = (size_t)-1;
		char *piece;
		if (n > size - at)
			n = size - at;
		if ((piece = malloc(n ? n : 1)) == NULL)
			abort();
		memcpy(piece, data + at, n);
		s->rc = h1p_feed(&p, piece, n, &used, &cbs, s);
		free(piece);
		if (used > n || (s->rc == H1P_MORE && used != n))
			abort();
		s->used = at + used;
		at += n;
	}
	if (s->rc == H1P_MORE)
		s->rc = h1p_eof(&p);
	if (s->rc == H1P_ERROR)
		check_err(p.err);
	else if (s->rc != H1P_DONE)
		abort();
	s->reusable = h1p_reusable(&p);
	h1p_free(&p);
}

static void same(const struct seen *a, const struct seen *b)
{
	/* where an error is seen depends on the reads */
	if (a->rc != b->rc || (a->rc != H1P_ERROR && a->used != b->used) ||
	    a->status != b->status || a->dones != b->dones ||
	    a->reusable != b->reusable || a->head != b->head ||
	    a->nhead != b->nhead || a->body != b->body || a->nbody != b->nbody)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t h = fnv(14695981039346656037u, data, size);
	struct seen whole, cut, small;

	parse(data, size, size, size, &whole);
	parse(data, size, (size_t)(h % (size + 1)), size, &cut);
	parse(data, size, 1, 1 + (size_t)(h >> 32) % 7, &small);
	same(&whole, &cut);
	same(&whole, &small);
	if (whole.dones > 1)
		abort();
	return 0;
}
