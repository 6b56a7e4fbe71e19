/* ndjson: a reader of newline-delimited JSON with file:line positions. */
#ifndef TB_NDJSON_H
#define TB_NDJSON_H

#include <stddef.h>
#include <stdio.h>

#include <cJSON.h>

/* Results of ndjson_next and ndjson_getline. */
enum {
	ND_OK = 0,  /* a line (or value) was returned */
	ND_EOF,	    /* no more input */
	ND_INVALID, /* the line is not one JSON value (strict mode only) */
	ND_IOERR    /* read error or out of memory; errno is set */
};

/* Options for ndjson_open. */
enum {
	ND_STRICT = 1 /* ndjson_next returns ND_INVALID instead of skipping */
};

/* Called for every invalid line skipped in lenient mode, with the source
 * name, the 1-based line number and a short reason. */
typedef void ndjson_invalid_fn(void *ctx, const char *name, long line,
			       const char *reason);

typedef struct ndjson_reader ndjson_reader;

/*
 * Opens a reader on f, which it does not own or close; it reads f's file
 * descriptor directly, so nothing else may read from f meanwhile.  name is used
 * in positions ("-" or "<stdin>" for standard input) and is copied.  Lines may
 * be of any length; "\n" and "\r\n" both end a line; a last line without a
 * newline is still a line; blank lines are skipped.  Release with ndjson_close.
 * Returns NULL when out of memory.
 */
ndjson_reader *ndjson_open(FILE *f, const char *name, int flags);
void ndjson_close(ndjson_reader *r);

/* Sets the callback for skipped invalid lines (lenient mode). */
void ndjson_on_invalid(ndjson_reader *r, ndjson_invalid_fn *fn, void *ctx);

/* An ndjson_invalid_fn that says so on stderr, the tool's name first:
 * "agg: run.ndjson:12: skipped: invalid JSON at byte 40" (ctx unused). */
void ndjson_warn_skipped(void *ctx, const char *name, long line,
			 const char *reason);

/* Next raw line, without its terminator, in *line (valid until the next
 * call; NUL-terminated) and *len.  Returns ND_OK, ND_EOF or ND_IOERR. */
int ndjson_getline(ndjson_reader *r, const char **line, size_t *len);

/* Next line parsed as one JSON value in *out (owned by the caller: free
 * with cJSON_Delete).  Invalid lines are skipped and counted, or returned
 * as ND_INVALID in strict mode (ndjson_reason says why).  Returns ND_OK,
 * ND_EOF, ND_INVALID or ND_IOERR. */
int ndjson_next(ndjson_reader *r, cJSON **out);

const char *ndjson_name(const ndjson_reader *r);
/* 1-based number of the line last returned. */
long ndjson_lineno(const ndjson_reader *r);
/* The reason the last line was invalid ("invalid JSON at byte 12"). */
const char *ndjson_reason(const ndjson_reader *r);
/* Invalid lines seen so far. */
long ndjson_invalid_count(const ndjson_reader *r);

#endif
