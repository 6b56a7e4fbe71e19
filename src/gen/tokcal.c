/* tokcal: a prompt brought to exactly N tokens by the server's count
 * (tokcal.h). */
#include "tokcal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "clock.h"
#include "jw.h"

#define FILLER " the"

void tokcal_init(struct tokcal *c, long target)
{
	memset(c, 0, sizeof *c);
	c->target = target;
}

long tokcal_first(const struct tokcal *c)
{
	return c->target;
}

/* Tokens per unit from the last two tries with different units; 1 until
 * there are two. */
static double slope(const struct tokcal *c)
{
	for (int i = c->n - 2; i >= 0; i--)
		if (c->units[i] != c->units[c->n - 1])
			return (double)(c->tokens[c->n - 1] - c->tokens[i]) /
			       (double)(c->units[c->n - 1] - c->units[i]);
	return 1;
}

static int tried(const struct tokcal *c, long units)
{
	for (int i = 0; i < c->n; i++)
		if (c->units[i] == units)
			return 1;
	return 0;
}

long tokcal_next(struct tokcal *c, long units, long tokens, char *err,
		 size_t errlen)
{
	double s;
	long next;

	if (tokens == c->target)
		return TOKCAL_DONE;
	if (c->n == TOKCAL_MAX) {
		snprintf(err, errlen,
			 "not %ld tokens after %d tries (the last: %ld)",
			 c->target, TOKCAL_MAX, tokens);
		return TOKCAL_FAIL;
	}
	c->units[c->n] = units;
	c->tokens[c->n++] = tokens;
	if (units == 0 && tokens > c->target) {
		snprintf(err, errlen,
			 "the prompt's fixed part (template, nonce) is "
			 "%ld tokens alone, more than %ld",
			 tokens, c->target);
		return TOKCAL_FAIL;
	}
	if ((s = slope(c)) <= 0) {
		snprintf(err, errlen,
			 "the server's count does not grow with the "
			 "prompt (%ld tokens for %ld units)",
			 tokens, units);
		return TOKCAL_FAIL;
	}
	next = units + (long)((double)(c->target - tokens) / s +
			      (tokens < c->target ? 0.5 : -0.5));
	if (next == units)
		next = units + (tokens < c->target ? 1 : -1);
	if (next < 0)
		next = 0;
	if (tried(c, next)) {
		snprintf(err, errlen,
			 "no prompt of this filler is %ld tokens by the "
			 "server's count (%ld units give %ld)",
			 c->target, units, tokens);
		return TOKCAL_FAIL;
	}
	return next;
}

char *tokcal_filler(long units)
{
	size_t w = sizeof FILLER - 1;
	char *s = units >= 0 && (size_t)units < ((size_t)1 << 30) / w
		      ? malloc((size_t)units * w + 1)
		      : NULL;

	if (s == NULL)
		return NULL;
	for (long i = 0; i < units; i++)
		memcpy(s + (size_t)i * w, FILLER, w);
	s[(size_t)units * w] = '\0';
	return s;
}

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
	jw_append(ctx, p, size * n);
	return size * n;
}

/* One request: its status and body into *http and out; 0, or -1 with err. */
static int fetch(const char *url, const char *key, const char *body,
		 double timeout, long *http, jw *out, char *err, size_t errlen)
{
	CURL *e = curl_easy_init();
	struct curl_slist *h = NULL;
	char auth[600];
	CURLcode rc;

	if (e == NULL) {
		snprintf(err, errlen, "cannot set up libcurl");
		return -1;
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	if (key && *key) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
	if (body)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, http);
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(rc));
	return rc == CURLE_OK ? 0 : -1;
}

int tokcal_count(const char *url, const char *api_key, const char *body,
		 double timeout, long *tokens, char *err, size_t errlen)
{
	jw out;
	long http = 0;
	const char *s, *p, *last = NULL;
	int rc = -1;

	jw_init(&out);
	if (fetch(url, api_key, body, timeout, &http, &out, err, errlen) != 0)
		goto done;
	s = jw_cstr(&out);
	if (http < 200 || http > 299) {
		snprintf(err, errlen, "HTTP %ld: %.200s", http, s);
		goto done;
	}
	for (p = s; (p = strstr(p, "\"prompt_tokens\"")) != NULL; p++)
		last = p;
	if (last == NULL || (p = strchr(last, ':')) == NULL ||
	    (*tokens = strtol(p + 1, NULL, 10)) <= 0) {
		snprintf(err, errlen,
			 "the server's reply has no usage.prompt_tokens: "
			 "its count of the prompt is unknown");
		goto done;
	}
	rc = 0;
done:
	jw_free(&out);
	return rc;
}

double tokcal_latency(const char *url, const char *api_key, int n)
{
	double sum = 0;
	int ok = 0;
	char err[300];

	for (int i = 0; i < n; i++) {
		jw out;
		long http = 0;
		int64_t t0 = clock_mono_ns();

		jw_init(&out);
		if (fetch(url, api_key, NULL, 10, &http, &out, err,
			  sizeof err) == 0 &&
		    http >= 200 && http <= 299) {
			sum += (double)(clock_mono_ns() - t0) / 1e9;
			ok++;
		}
		jw_free(&out);
	}
	return ok ? sum / ok : -1;
}
