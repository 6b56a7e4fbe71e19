/* endpoint: the server's base URL and API key as a user gives them,
 * checked before anything is sent or recorded. */
#ifndef TB_ENDPOINT_H
#define TB_ENDPOINT_H

#include <stddef.h>

/*
 * A base URL is http:// or https://, a host, an optional port from 1 to
 * 65535 and an optional path; trailing slashes go.  A user:password@ part
 * is refused: the URL is recorded in every event file and run, and a
 * password there would travel with them (the key goes in a file or
 * $OPENAI_API_KEY instead).  Writes the cleaned URL to out and returns 0,
 * or -1 with the reason in err; the reason never repeats the URL.
 */
int endpoint_url(const char *url, char *out, size_t outlen, char *err,
		 size_t errlen);

/*
 * An API key is sent as "Authorization: Bearer KEY": it must be 1 to
 * maxlen bytes of visible ASCII (no space, no control character: CR or LF
 * would break the header).  Returns 0, or -1 with the reason in err (never
 * the key).
 */
int endpoint_key_check(const char *key, size_t maxlen, char *err,
		       size_t errlen);

/* The key's first line from text (a key file's contents): the line end is
 * removed in place and the line returned. */
char *endpoint_key_line(char *text);

#endif
