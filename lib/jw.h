/* jw: a JSON object writer for NDJSON events, one line at a time. */
#ifndef TB_JW_H
#define TB_JW_H

#include <stddef.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

/*
 * Builds one JSON value in a growing buffer, then writes it as one line.
 * Strings are escaped per RFC 8259: '"', '\\' and control characters are
 * escaped, valid UTF-8 passes through unchanged, and every byte that is not
 * part of valid UTF-8 becomes U+FFFD, so each line is valid UTF-8 JSON
 * whatever a server sent.  Numbers that are NaN or infinite become null.
 * A key argument is ignored inside arrays and at the top level.
 * Allocation failure is sticky: jw_emit then fails.
 */
typedef struct jw {
	char *buf;
	size_t len, cap;
	int depth;
	int oom;
	unsigned char first[JW_MAX_DEPTH]; /* no member written yet at depth */
	unsigned char is_arr[JW_MAX_DEPTH];
} jw;

/* Initialises an empty writer; release its buffer with jw_free. */
void jw_init(jw *w);
void jw_free(jw *w);

/* Discards what was built and starts a new value. */
void jw_reset(jw *w);

void jw_obj_open(jw *w, const char *key);
void jw_obj_close(jw *w);
void jw_arr_open(jw *w, const char *key);
void jw_arr_close(jw *w);

/* s NULL writes null. */
void jw_str(jw *w, const char *key, const char *s);
void jw_strn(jw *w, const char *key, const char *s, size_t n);
void jw_int(jw *w, const char *key, long long v);
/* A time in seconds from integer nanoseconds, with 6 digits after the
 * point: the nanoseconds rounded to the nearest microsecond (exact, where
 * jw_num of the same time as a double can be a microsecond off). */
void jw_time(jw *w, const char *key, long long ns);
/* Fixed-point with prec digits after the point (0..17). */
void jw_num(jw *w, const char *key, double v, int prec);
void jw_bool(jw *w, const char *key, int v);
void jw_null(jw *w, const char *key);
/* Writes the string a followed by b (one JSON string, both escaped). */
void jw_escape_join(jw *w, const char *key, const char *a, const char *b);
/* Inserts json, which must already be one serialised JSON value. */
void jw_raw(jw *w, const char *key, const char *json);

/* Appends the escaped contents of s[0..n) (without quotes) to buf's end;
 * the building block of jw_str, exported for tests and other writers. */
void jw_escape(jw *w, const char *s, size_t n);

/* Appends n raw bytes, neither escaped nor separated: for building plain
 * strings with the same buffer type. */
void jw_append(jw *w, const char *s, size_t n);

/* The value built so far and its length (not NUL-terminated). */
const char *jw_data(const jw *w, size_t *len);

/* The value built so far as a NUL-terminated string, valid until the next
 * call on w; "" if nothing was built or allocation failed. */
const char *jw_cstr(jw *w);

/* Writes the value and a newline to f, flushes f if flush is non-zero, and
 * resets w.  Returns 0, or -1 on a write error or an earlier allocation
 * failure (errno set). */
int jw_emit(jw *w, FILE *f, int flush);

/* Length of the valid UTF-8 sequence at s (at most n bytes, n >= 1):
 * 1 for ASCII, 2-4 for a well-formed multi-byte character, 0 for a byte
 * that does not start one (overlong forms, surrogates and code points past
 * U+10FFFF are not well-formed).  The one UTF-8 check of tokbench. */
size_t jw_utf8_len(const char *s, size_t n);

#endif
