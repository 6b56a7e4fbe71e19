/* oaifast: the common streamed chunk decoded in one pass, without a tree
 * (see oai.h, oai_decode_lean).
 *
 * gen's profile (docs/perf.md) showed cJSON's tree, the allocations under
 * it and its key lookups at about half of gen's own CPU per event.  A
 * chunk of a stream is nearly always the same few fields, so this scanner
 * reads exactly those in one pass over the bytes and checks the rest of
 * the JSON's syntax as it skips it.  It never guesses: whatever it is not
 * sure it reads as oai_decode would (an error object, usage or timings,
 * tool calls, an escape it does not decode, a duplicate key, a fault a
 * client's schema would reject, syntax it does not accept) makes it
 * decline, and the caller decodes the payload with cJSON as before.  The
 * unit test t_oai checks both decoders give the same chunk on every
 * payload of its corpus, and fuzz_sse on random ones.
 *
 * A stream's chunks mostly differ in their text alone (the id, model and
 * the rest repeat), so oai_decode_memo keeps the last one and reads the
 * next by comparing its bytes around the text and scanning the text only:
 * unpaced, a quarter of gen's CPU per event (docs/perf.md).  t_oai and
 * fuzz_sse hold it to the tree's chunk as they do the scanner. */
#include "oai.h"

#include <string.h>

struct scan {
	const char *p, *end;
	int depth;
	struct oai_chunk *c;
	size_t used; /* bytes of c->sbuf taken */
};

#define MAX_DEPTH 64

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
				 *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Four hex digits at p (p + 4 <= end), or -1. */
static long hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* The bytes that end a run of plain string bytes: the quote, the
 * backslash and the control characters. */
static const unsigned char special[256] = {
    [0] = 1,  [1] = 1,	[2] = 1,  [3] = 1,  [4] = 1,   [5] = 1,	  [6] = 1,
    [7] = 1,  [8] = 1,	[9] = 1,  [10] = 1, [11] = 1,  [12] = 1,  [13] = 1,
    [14] = 1, [15] = 1, [16] = 1, [17] = 1, [18] = 1,  [19] = 1,  [20] = 1,
    [21] = 1, [22] = 1, [23] = 1, [24] = 1, [25] = 1,  [26] = 1,  [27] = 1,
    [28] = 1, [29] = 1, [30] = 1, [31] = 1, ['"'] = 1, ['\\'] = 1};

/* A string at s->p (at its opening quote): its raw bytes between the
 * quotes, and whether it has escapes.  -1 on a control character, a bad
 * escape or no closing quote. */
static int str_raw(struct scan *s, const char **raw, size_t *n, int *esc)
{
	const char *p = s->p + 1;

	*esc = 0;
	while (p < s->end) {
		unsigned char ch;
		while (p < s->end && !special[(unsigned char)*p])
			p++;
		if (p >= s->end)
			break;
		ch = (unsigned char)*p;
		if (ch == '"') {
			*raw = s->p + 1;
			*n = (size_t)(p - *raw);
			s->p = p + 1;
			return 0;
		}
		if (ch < 0x20)
			return -1;
		if (ch != '\\') {
			p++;
			continue;
		}
		*esc = 1;
		if (p + 1 >= s->end)
			return -1;
		if (p[1] == 'u') {
			long u;
			if (p + 6 > s->end || (u = hex4(p + 2)) < 0)
				return -1;
			p += 6;
			/* a UTF-16 surrogate must pair, high then low, or
			 * cJSON fails the whole payload, even where the
			 * string is one this scanner skips */
			if (u >= 0xdc00 && u <= 0xdfff)
				return -1;
			if (u >= 0xd800 && u <= 0xdbff) {
				long lo;
				if (p + 6 > s->end || p[0] != '\\' ||
				    p[1] != 'u' ||
				    (lo = hex4(p + 2)) < 0xdc00 || lo > 0xdfff)
					return -1;
				p += 6;
			}
		} else if (strchr("\"\\/bfnrt", p[1]) != NULL && p[1]) {
			p += 2;
		} else {
			return -1;
		}
	}
	return -1;
}

/* Appends code point cp as UTF-8; -1 when it does not fit. */
static int put_utf8(char *out, size_t cap, size_t *k, unsigned long cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f)), n = 4;
	}
	if (*k + n >= cap)
		return -1;
	memcpy(out + *k, b, n);
	*k += n;
	return 0;
}

/* Decodes an escaped string's raw bytes into c->sbuf, as cJSON does:
 * a \u escape of a UTF-16 surrogate pair is one code point.  -1 (decline)
 * on \u0000, which cJSON's C string would end at, on a lone or reversed
 * surrogate, and when the buffer is full. */
static int str_decode(struct scan *s, const char *raw, size_t n,
		      const char **out, size_t *outlen)
{
	char *b = s->c->sbuf + s->used;
	size_t cap = sizeof s->c->sbuf - s->used, k = 0;

	for (size_t i = 0; i < n;) {
		unsigned long cp;
		if (raw[i] != '\\') {
			if (k + 1 >= cap)
				return -1;
			b[k++] = raw[i++];
			continue;
		}
		switch (raw[i + 1]) {
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u': cp = 0; break;
		default: cp = (unsigned char)raw[i + 1]; break;
		}
		if (raw[i + 1] != 'u') {
			i += 2;
		} else {
			cp = (unsigned long)hex4(raw + i + 2);
			i += 6;
			if (cp == 0 || (cp >= 0xdc00 && cp <= 0xdfff))
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				long lo;
				if (i + 6 > n || raw[i] != '\\' ||
				    raw[i + 1] != 'u')
					return -1;
				lo = hex4(raw + i + 2);
				if (lo < 0xdc00 || lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     ((unsigned long)lo - 0xdc00);
				i += 6;
			}
		}
		if (put_utf8(b, cap, &k, cp) != 0)
			return -1;
	}
	b[k] = '\0';
	s->used += k + 1;
	*out = b;
	*outlen = k;
	return 0;
}

/* A string value: raw in the payload when it has no escape (not
 * terminated), else decoded into c->sbuf (terminated); NULL for null.
 * term: the value must be a C string (copied when raw).  -1: decline. */
static int str_value(struct scan *s, const char **v, size_t *n, int term)
{
	const char *raw;
	size_t len;
	int esc;

	if (s->p < s->end && *s->p == 'n') {
		if (s->end - s->p < 4 || memcmp(s->p, "null", 4) != 0)
			return -1;
		s->p += 4;
		*v = NULL, *n = 0;
		return 0;
	}
	if (s->p >= s->end || *s->p != '"' || str_raw(s, &raw, &len, &esc))
		return -1;
	if (esc || term)
		return str_decode(s, raw, len, v, n);
	*v = raw, *n = len;
	return 0;
}

static int skip_value(struct scan *s);

/* A number per RFC 8259's grammar, which cJSON reads too. */
static int skip_number(struct scan *s)
{
	const char *p = s->p;

	if (p < s->end && *p == '-')
		p++;
	if (p < s->end && *p == '0')
		p++;
	else if (p < s->end && *p >= '1' && *p <= '9')
		while (p < s->end && *p >= '0' && *p <= '9')
			p++;
	else
		return -1;
	if (p < s->end && *p == '.') {
		if (++p >= s->end || *p < '0' || *p > '9')
			return -1;
		while (p < s->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < s->end && (*p == 'e' || *p == 'E')) {
		if (++p < s->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= s->end || *p < '0' || *p > '9')
			return -1;
		while (p < s->end && *p >= '0' && *p <= '9')
			p++;
	}
	/* cJSON reads at most 63 characters of a number, then fails on
	 * the rest: a long one is cJSON's to judge */
	if (p - s->p > 32)
		return -1;
	s->p = p;
	return 0;
}

static int skip_word(struct scan *s, const char *w, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

/* A member's key (NULL for an array's element) with its length and
 * whether it has escapes, handed to a reader of its value: 0, or -1 to
 * decline. */
typedef int each_fn(struct scan *s, const char *k, size_t kn, int esc,
		    void *ctx);

/* The members (close '}') or elements (close ']') of the container at
 * s->p, at its opening bracket, each value handed to fn. */
static int each_in(struct scan *s, char close, each_fn *fn, void *ctx)
{
	if (s->p >= s->end || *s->p != (close == '}' ? '{' : '[') ||
	    ++s->depth > MAX_DEPTH)
		return -1;
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++, s->depth--;
		return 0;
	}
	for (;;) {
		const char *k = NULL;
		size_t kn = 0;
		int esc = 0;
		if (close == '}') {
			if (s->p >= s->end || *s->p != '"' ||
			    str_raw(s, &k, &kn, &esc))
				return -1;
			ws(s);
			if (s->p >= s->end || *s->p++ != ':')
				return -1;
			ws(s);
		}
		if (fn(s, k, kn, esc, ctx) != 0)
			return -1;
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			ws(s);
			continue;
		}
		if (s->p < s->end && *s->p == close) {
			s->p++, s->depth--;
			return 0;
		}
		return -1;
	}
}

static int skip_member(struct scan *s, const char *k, size_t kn, int esc,
		       void *ctx)
{
	(void)k, (void)kn, (void)esc, (void)ctx;
	return skip_value(s);
}

static int skip_value(struct scan *s)
{
	const char *raw;
	size_t n;
	int esc;

	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '"': return str_raw(s, &raw, &n, &esc);
	case '{': return each_in(s, '}', skip_member, NULL);
	case '[': return each_in(s, ']', skip_member, NULL);
	case 't': return skip_word(s, "true", 4);
	case 'f': return skip_word(s, "false", 5);
	case 'n': return skip_word(s, "null", 4);
	default: return skip_number(s);
	}
}

/* The members of an object: keys with escapes decline (cJSON matches
 * them decoded; this scanner compares them as they are). */
#define KEY(k, lit) (kn == sizeof lit - 1 && memcmp(k, lit, kn) == 0)
#define PLAIN_KEY()                                                            \
	do {                                                                   \
		if (esc)                                                       \
			return -1;                                             \
	} while (0)

/* A key read once: a second of the same name declines (cJSON reads the
 * first; this scanner does not keep both). */
static int once(unsigned *seen, unsigned bit)
{
	if (*seen & bit)
		return -1;
	*seen |= bit;
	return 0;
}

/* Where a text's value was in the payload: its token [a, b), and the
 * bytes of c->sbuf taken before and after it (oai_decode_memo). */
struct tpos {
	const char *a, *b;
	size_t used0, used1;
};

/* A string value that may be the chunk's text, its place kept. */
static int text_value(struct scan *s, const char **v, size_t *n, struct tpos *t)
{
	t->a = s->p;
	t->used0 = s->used;
	if (str_value(s, v, n, 0) != 0)
		return -1;
	t->b = s->p;
	t->used1 = s->used;
	return 0;
}

struct delta {
	unsigned seen;
	const char *content, *rc, *r, *role;
	size_t content_n, rc_n, r_n, role_n;
	struct tpos content_at, rc_at, r_at;
};

static int delta_member(struct scan *s, const char *k, size_t kn, int esc,
			void *ctx)
{
	struct delta *d = ctx;

	PLAIN_KEY();
	if (KEY(k, "content"))
		return once(&d->seen, 1) ||
		       text_value(s, &d->content, &d->content_n,
				  &d->content_at);
	if (KEY(k, "reasoning_content"))
		return once(&d->seen, 2) ||
		       text_value(s, &d->rc, &d->rc_n, &d->rc_at);
	if (KEY(k, "reasoning"))
		return once(&d->seen, 4) ||
		       text_value(s, &d->r, &d->r_n, &d->r_at);
	if (KEY(k, "role"))
		return once(&d->seen, 8) ||
		       str_value(s, &d->role, &d->role_n, 0);
	if (KEY(k, "tool_calls")) /* only null: a call is cJSON's to read */
		return skip_word(s, "null", 4);
	return skip_value(s);
}

struct choice {
	unsigned seen;
	int delta; /* 1: an object, read into d */
	struct delta d;
	const char *finish, *text;
	size_t finish_n, text_n;
	struct tpos text_at;
};

static int choice_member(struct scan *s, const char *k, size_t kn, int esc,
			 void *ctx)
{
	struct choice *ch = ctx;

	PLAIN_KEY();
	if (KEY(k, "delta")) {
		if (once(&ch->seen, 1))
			return -1;
		if (s->p < s->end && *s->p == 'n')
			return skip_word(s, "null", 4);
		ch->delta = 1;
		return each_in(s, '}', delta_member, &ch->d);
	}
	if (KEY(k, "finish_reason"))
		return once(&ch->seen, 2) ||
		       str_value(s, &ch->finish, &ch->finish_n, 1);
	if (KEY(k, "text"))
		return once(&ch->seen, 4) ||
		       text_value(s, &ch->text, &ch->text_n, &ch->text_at);
	return skip_value(s);
}

struct root {
	unsigned seen;
	int nchoices;
	struct choice ch;
};

/* An element of choices: the first read, the rest skipped as cJSON's
 * reader ignores them. */
static int choice_elem(struct scan *s, const char *k, size_t kn, int esc,
		       void *ctx)
{
	struct root *r = ctx;

	(void)k, (void)kn, (void)esc;
	if (r->nchoices++ == 0)
		return each_in(s, '}', choice_member, &r->ch);
	return skip_value(s);
}

static int root_member(struct scan *s, const char *k, size_t kn, int esc,
		       void *ctx)
{
	struct root *r = ctx;

	PLAIN_KEY();
	if (KEY(k, "choices"))
		return once(&r->seen, 1) || each_in(s, ']', choice_elem, r);
	/* an error, and the objects oai_decode keeps as parsed: only null
	 * here (a value of another type reads as absent there too, but a
	 * decline costs nothing on the rare chunk that has one) */
	if (KEY(k, "error") || KEY(k, "usage") || KEY(k, "timings") ||
	    KEY(k, "stats") || KEY(k, "metrics"))
		return skip_word(s, "null", 4);
	return skip_value(s);
}

/* The chunk's one text, when it has exactly one and nothing else a
 * chunk's reader sees but the role: what oai_decode_memo can keep. */
static const struct tpos *sole_text(const struct root *r,
				    const struct oai_chunk *c, int *slot)
{
	if (r->nchoices == 0 || c->finish != NULL)
		return NULL;
	if (!r->ch.delta)
		return c->content ? (*slot = 1, &r->ch.text_at) : NULL;
	if (c->content != NULL && c->reasoning == NULL)
		return *slot = 1, &r->ch.d.content_at;
	if (c->content == NULL && r->ch.d.rc != NULL)
		return *slot = 2, &r->ch.d.rc_at;
	if (c->content == NULL && r->ch.d.r != NULL)
		return *slot = 2, &r->ch.d.r_at;
	return NULL;
}

static int decode_fast(const char *data, size_t len, struct oai_chunk *c,
		       struct oai_memo *m)
{
	struct scan s = {.p = data, .end = data + len, .c = c};
	struct root r;
	const struct tpos *t;
	int slot = 0;

	memset(&r, 0, sizeof r);
	ws(&s);
	if (each_in(&s, '}', root_member, &r) != 0)
		return -1;
	ws(&s);
	if (s.p != s.end || !(r.seen & 1))
		return -1;
	c->kind = OAI_CHUNK;
	if (r.nchoices == 0)
		goto keep;
	c->finish = r.ch.finish;
	if (!r.ch.delta) {
		c->content = r.ch.text;
		c->content_len = r.ch.text_n;
		goto keep;
	}
	c->content = r.ch.d.content;
	c->content_len = r.ch.d.content_n;
	c->reasoning = r.ch.d.rc ? r.ch.d.rc : r.ch.d.r;
	c->reasoning_len = r.ch.d.rc ? r.ch.d.rc_n : r.ch.d.r_n;
	c->role_only =
	    r.ch.d.role != NULL && c->content_len == 0 && c->reasoning_len == 0;
keep:
	/* Kept only where the text's escapes are the only bytes of sbuf
	 * taken, so that its decode in the next payload starts where it
	 * did here, and a payload that fits. */
	if (m == NULL)
		return 0;
	m->len = 0;
	if (len <= sizeof m->p && (t = sole_text(&r, c, &slot)) != NULL &&
	    t->used0 == 0 && t->used1 == s.used && *t->a == '"') {
		memcpy(m->p, data, len);
		m->len = len;
		m->qa = (size_t)(t->a - data);
		m->qb = (size_t)(t->b - data);
		m->slot = (unsigned char)slot;
		m->role = r.ch.delta && r.ch.d.role != NULL;
	}
	return 0;
}

int oai_decode_fast(const char *data, size_t len, struct oai_chunk *c)
{
	return decode_fast(data, len, c, NULL);
}

/* The payload as the kept one with another string in the text's place.
 * JSON's tokens are the same up to that string (the kept bytes before it
 * end at a token's end) and after it (a string ends at its closing
 * quote), so the payload parses to the same values but that string: the
 * chunk is the kept one's with the new text, decoded as decode_fast
 * decodes it there, its declines included.  0, or -1: read it whole. */
static int memo_hit(const struct oai_memo *m, const char *data, size_t len,
		    struct oai_chunk *c)
{
	size_t tail = m->len - m->qb;
	struct scan s;
	const char *v;
	size_t n;

	if (m->len == 0 || len < m->qa + 2 + tail ||
	    memcmp(data, m->p, m->qa) != 0 ||
	    memcmp(data + len - tail, m->p + m->qb, tail) != 0 ||
	    data[m->qa] != '"')
		return -1;
	s.p = data + m->qa;
	s.end = data + len - tail;
	s.depth = 0;
	s.c = c;
	s.used = 0;
	if (str_value(&s, &v, &n, 0) != 0 || s.p != s.end)
		return -1;
	c->kind = OAI_CHUNK;
	if (m->slot == 1)
		c->content = v, c->content_len = n;
	else
		c->reasoning = v, c->reasoning_len = n;
	c->role_only = m->role && n == 0;
	return 0;
}

int oai_decode_memo(struct oai_memo *m, const char *data, size_t len,
		    struct oai_chunk *c)
{
	memset(c, 0, offsetof(struct oai_chunk, sbuf));
	if (m != NULL && memo_hit(m, data, len, c) == 0)
		return 1;
	if (len == 6 && memcmp(data, "[DONE]", 6) == 0) {
		c->kind = OAI_DONE;
		return 0;
	}
	/* the scanner sets c only when it reads it */
	if (decode_fast(data, len, c, m) != 0)
		oai_decode(data, len, c);
	return 0;
}
