/* jw: a JSON object writer for NDJSON events (see jw.h). */
#include "jw.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void jw_init(jw *w)
{
	memset(w, 0, sizeof *w);
	w->first[0] = 1;
}

void jw_free(jw *w)
{
	free(w->buf);
	jw_init(w);
}

void jw_reset(jw *w)
{
	w->len = 0;
	w->depth = 0;
	w->oom = 0;
	w->first[0] = 1;
	w->is_arr[0] = 0;
}

static int reserve(jw *w, size_t more)
{
	size_t need = w->len + more + 1, cap;
	char *p;

	if (w->oom)
		return -1;
	if (need <= w->cap)
		return 0;
	cap = w->cap ? w->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(w->buf, cap);
	if (p == NULL) {
		w->oom = 1;
		return -1;
	}
	w->buf = p;
	w->cap = cap;
	return 0;
}

static void put(jw *w, const char *s, size_t n)
{
	if (reserve(w, n) != 0)
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void putc_(jw *w, char c)
{
	if (reserve(w, 1) != 0)
		return;
	w->buf[w->len++] = c;
}

size_t jw_utf8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void jw_escape(jw *w, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, k;

	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			run++, i++;
			continue;
		}
		if (c >= 0x80 &&
		    (k = jw_utf8_len((const char *)s + i, n - i)) > 0) {
			run += k, i += k;
			continue;
		}
		put(w, (const char *)s + i - run, run);
		run = 0;
		i++;
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		case '\b': put(w, "\\b", 2); break;
		case '\f': put(w, "\\f", 2); break;
		default:
			if (c >= 0x80) {
				put(w, "\xef\xbf\xbd", 3); /* U+FFFD */
			} else {
				char u[6] = {'\\', 'u',		'0',
					     '0',  hex[c >> 4], hex[c & 15]};
				put(w, u, 6);
			}
		}
	}
	put(w, (const char *)s + i - run, run);
}

/* Writes the separator and "key": as the current container needs. */
static void member(jw *w, const char *key)
{
	int d = w->depth;

	if (!w->first[d])
		putc_(w, ',');
	w->first[d] = 0;
	if (d > 0 && !w->is_arr[d] && key != NULL) {
		putc_(w, '"');
		jw_escape(w, key, strlen(key));
		put(w, "\":", 2);
	}
}

static void open_(jw *w, const char *key, char c, int arr)
{
	member(w, key);
	putc_(w, c);
	if (w->depth + 1 >= JW_MAX_DEPTH) {
		w->oom = 1; /* too deep for this writer: fail the line */
		return;
	}
	w->depth++;
	w->first[w->depth] = 1;
	w->is_arr[w->depth] = (unsigned char)arr;
}

static void close_(jw *w, char c)
{
	putc_(w, c);
	if (w->depth > 0)
		w->depth--;
}

void jw_obj_open(jw *w, const char *key)
{
	open_(w, key, '{', 0);
}
void jw_obj_close(jw *w)
{
	close_(w, '}');
}
void jw_arr_open(jw *w, const char *key)
{
	open_(w, key, '[', 1);
}
void jw_arr_close(jw *w)
{
	close_(w, ']');
}

void jw_strn(jw *w, const char *key, const char *s, size_t n)
{
	member(w, key);
	if (s == NULL) {
		put(w, "null", 4);
		return;
	}
	putc_(w, '"');
	jw_escape(w, s, n);
	putc_(w, '"');
}

void jw_escape_join(jw *w, const char *key, const char *a, const char *b)
{
	member(w, key);
	putc_(w, '"');
	jw_escape(w, a, strlen(a));
	jw_escape(w, b, strlen(b));
	putc_(w, '"');
}

void jw_str(jw *w, const char *key, const char *s)
{
	jw_strn(w, key, s, s ? strlen(s) : 0);
}

/* The decimal digits of u, at most 20, written backwards from end;
 * returns where they start.  snprintf's general formatting was a fifth of
 * gen's CPU per event (docs/perf.md); events hold mostly integers and
 * times. */
static char *digits(char *end, unsigned long long u)
{
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	return end;
}

void jw_int(jw *w, const char *key, long long v)
{
	char b[24], *p;
	unsigned long long u =
	    v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	member(w, key);
	p = digits(b + sizeof b, u);
	if (v < 0)
		*--p = '-';
	put(w, p, (size_t)(b + sizeof b - p));
}

void jw_time(jw *w, const char *key, long long ns)
{
	char b[32], *p;
	unsigned long long us, frac;

	member(w, key);
	if (ns < 0) { /* before 1970: no clock of ours; the general path */
		char t[64];
		int n = snprintf(t, sizeof t, "%.6f", (double)ns / 1e9);
		put(w, t, (size_t)n);
		return;
	}
	us = ((unsigned long long)ns + 500) / 1000;
	frac = us % 1000000;
	p = b + sizeof b;
	for (int i = 0; i < 6; i++, frac /= 10)
		*--p = (char)('0' + frac % 10);
	*--p = '.';
	p = digits(p, us / 1000000);
	put(w, p, (size_t)(b + sizeof b - p));
}

void jw_num(jw *w, const char *key, double v, int prec)
{
	char b[64];
	int n;

	member(w, key);
	if (!isfinite(v)) {
		put(w, "null", 4);
		return;
	}
	if (prec < 0)
		prec = 0;
	if (prec > 17)
		prec = 17;
	n = snprintf(b, sizeof b, "%.*f", prec, v);
	if (n < 0 || (size_t)n >= sizeof b) /* |v| > 1e45: exponent form */
		n = snprintf(b, sizeof b, "%.17g", v);
	/* "-0.000" is valid JSON but reads as a sign error in reports. */
	if (b[0] == '-' && strspn(b + 1, "0.") == (size_t)n - 1)
		memmove(b, b + 1, (size_t)n--);
	put(w, b, (size_t)n);
}

void jw_bool(jw *w, const char *key, int v)
{
	member(w, key);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(jw *w, const char *key)
{
	member(w, key);
	put(w, "null", 4);
}

void jw_raw(jw *w, const char *key, const char *json)
{
	member(w, key);
	put(w, json, strlen(json));
}

void jw_append(jw *w, const char *s, size_t n)
{
	put(w, s, n);
}

const char *jw_data(const jw *w, size_t *len)
{
	*len = w->len;
	return w->buf ? w->buf : "";
}

const char *jw_cstr(jw *w)
{
	if (reserve(w, 0) != 0 || w->buf == NULL)
		return "";
	w->buf[w->len] = '\0'; /* reserve() always keeps one spare byte */
	return w->buf;
}

int jw_emit(jw *w, FILE *f, int flush)
{
	int rc = 0;

	putc_(w, '\n');
	if (w->oom) {
		errno = ENOMEM;
		rc = -1;
	} else if (fwrite(w->buf, 1, w->len, f) != w->len) {
		rc = -1;
	} else if (flush && fflush(f) != 0) {
		rc = -1;
	}
	jw_reset(w);
	return rc;
}
