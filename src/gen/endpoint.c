/* endpoint: base URL and API key checks (see endpoint.h). */
#include "endpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int endpoint_url(const char *url, char *out, size_t outlen, char *err,
		 size_t errlen)
{
	const char *host, *end, *at, *colon;
	size_t n = strlen(url), hostlen;
	long port;
	char *stop;

	if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return snprintf(err, errlen, "want http:// or https://"), -1;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at != NULL)
		return snprintf(
			   err, errlen,
			   "a user:password@ part is not "
			   "accepted (it would be recorded with every run); "
			   "give the key in --api-key-file or $OPENAI_API_KEY"),
		       -1;
	colon = host < end && host[0] == '['
		    ? memchr(host, ']', (size_t)(end - host))
		    : host;
	colon = colon ? memchr(colon, ':', (size_t)(end - colon)) : NULL;
	hostlen = (size_t)((colon ? colon : end) - host);
	if (hostlen == 0)
		return snprintf(err, errlen, "no host"), -1;
	if (colon != NULL) {
		port = strtol(colon + 1, &stop, 10);
		if (stop != end || colon + 1 == end || port < 1 || port > 65535)
			return snprintf(err, errlen,
					"the port must be a number "
					"from 1 to 65535"),
			       -1;
	}
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (n >= outlen)
		return snprintf(err, errlen, "longer than %zu bytes",
				outlen - 1),
		       -1;
	memcpy(out, url, n);
	out[n] = '\0';
	return 0;
}

int endpoint_key_check(const char *key, size_t maxlen, char *err, size_t errlen)
{
	size_t i, n = strlen(key);

	if (n == 0)
		return snprintf(err, errlen, "the key is empty"), -1;
	if (n > maxlen)
		return snprintf(err, errlen, "the key is longer than %zu bytes",
				maxlen),
		       -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)key[i] <= ' ' ||
		    (unsigned char)key[i] >= 0x7f)
			return snprintf(
				   err, errlen,
				   "the key has a character "
				   "that cannot go in an HTTP header (byte "
				   "%zu)",
				   i + 1),
			       -1;
	return 0;
}

char *endpoint_key_line(char *text)
{
	text[strcspn(text, "\r\n")] = '\0';
	return text;
}
