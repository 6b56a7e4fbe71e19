/* ndjson: a reader of newline-delimited JSON with file:line positions. */
#ifndef TB_NDJSON_H
#define TB_NDJSON_H

#include <stddef.h>
#include <stdio.h>

#include <cJSON.h>

/* Results of nd_next and nd_getline. */
enum {
	ND_OK = 0,   /* a line (or value) was returned */
	ND_EOF,      /* no more input */
	ND_INVALID,  /* the line is not one JSON value (strict mode only) */
	ND_IOERR     /* read error or out of memory; errno is set */
};

/* Options for nd_open. */
enum {
	ND_STRICT = 1 /* nd_next returns ND_INVALID instead of skipping */
};

/* Called for every invalid line skipped in lenient mode, with the source
 * name, the 1-based line number and a short reason. */
typedef void nd_invalid_fn(void *ctx, const char *name, long line,
			   const char *reason);

typedef struct nd_reader nd_reader;

/*
 * Opens a reader on f, which it does not own or close; it reads f's file
 * descriptor directly, so nothing else may read from f meanwhile.  name is used in
 * positions ("-" or "<stdin>" for standard input) and is copied.  Lines may
 * be of any length; "\n" and "\r\n" both end a line; a last line without a
 * newline is still a line; blank lines are skipped.  Release with nd_close.
 * Returns NULL when out of memory.
 */
nd_reader *nd_open(FILE *f, const char *name, int flags);
void nd_close(nd_reader *r);

/* Sets the callback for skipped invalid lines (lenient mode). */
void nd_on_invalid(nd_reader *r, nd_invalid_fn *fn, void *ctx);

/* Next raw line, without its terminator, in *line (valid until the next
 * call; NUL-terminated) and *len.  Returns ND_OK, ND_EOF or ND_IOERR. */
int nd_getline(nd_reader *r, const char **line, size_t *len);

/* Next line parsed as one JSON value in *out (owned by the caller: free
 * with cJSON_Delete).  Invalid lines are skipped and counted, or returned
 * as ND_INVALID in strict mode (nd_reason says why).  Returns ND_OK,
 * ND_EOF, ND_INVALID or ND_IOERR. */
int nd_next(nd_reader *r, cJSON **out);

const char *nd_name(const nd_reader *r);
/* 1-based number of the line last returned. */
long nd_lineno(const nd_reader *r);
/* The reason the last line was invalid ("invalid JSON at byte 12"). */
const char *nd_reason(const nd_reader *r);
/* Invalid lines seen so far. */
long nd_invalid_count(const nd_reader *r);

#endif
