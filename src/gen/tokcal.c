/* tokcal: a prompt brought to exactly N tokens by the server's count
 * (tokcal.h). */
#include "tokcal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "clock.h"
#include "jget.h"
#include "jw.h"

#define FILLER " the"

void tokcal_init(struct tokcal *c, long target)
{
	memset(c, 0, sizeof *c);
	c->target = target;
}

long tokcal_first(const struct tokcal *c)
{
	(void)c;
	return 0;
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

/* POSTs body to root + path and parses the 2xx reply; NULL with err. */
static cJSON *post_json(const char *root, const char *path, const char *key,
			const char *body, double timeout, char *err,
			size_t errlen)
{
	char url[1200];
	jw out;
	long http = 0;
	cJSON *j = NULL;

	snprintf(url, sizeof url, "%s%s", root, path);
	jw_init(&out);
	if (fetch(url, key, body, timeout, &http, &out, err, errlen) != 0)
		goto done;
	if (http < 200 || http > 299)
		snprintf(err, errlen, "%s: HTTP %ld: %.200s", path, http,
			 jw_cstr(&out));
	else if ((j = cJSON_Parse(jw_cstr(&out))) == NULL)
		snprintf(err, errlen, "%s: the reply is not JSON", path);
done:
	jw_free(&out);
	return j;
}

/* The text llama-server would tokenize for body: its chat template over
 * the messages (POST /apply-template), or the completion's prompt.
 * Returns a string the caller frees, or NULL with err. */
static char *template_text(const char *root, const char *key, const cJSON *req,
			   int chat, double timeout, char *err, size_t errlen)
{
	cJSON *o, *reply;
	char *body, *text = NULL;
	const char *s;

	if (!chat) {
		s = jget_str(req, "prompt");
		if (s == NULL)
			snprintf(err, errlen, "the request has no prompt");
		return s ? strdup(s) : NULL;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemReferenceToObject(
	    o, "messages", cJSON_GetObjectItemCaseSensitive(req, "messages"));
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (body == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	reply =
	    post_json(root, "/apply-template", key, body, timeout, err, errlen);
	free(body);
	if (reply != NULL && (s = jget_str(reply, "prompt")) != NULL)
		text = strdup(s);
	else if (reply != NULL)
		snprintf(err, errlen,
			 "/apply-template: no prompt in the reply");
	cJSON_Delete(reply);
	return text;
}

int tokcal_tokenize(const char *root, const char *api_key, const char *body,
		    int chat, double timeout, long *tokens, char *err,
		    size_t errlen)
{
	cJSON *req = cJSON_Parse(body), *reply = NULL;
	char *text = NULL;
	const cJSON *toks;
	jw tb;
	int rc = -1;

	jw_init(&tb);
	if (req == NULL) {
		snprintf(err, errlen, "the request is not JSON");
		goto done;
	}
	text = template_text(root, api_key, req, chat, timeout, err, errlen);
	if (text == NULL)
		goto done;
	jw_obj_open(&tb, NULL);
	jw_str(&tb, "content", text);
	jw_bool(&tb, "add_special", 1);
	jw_bool(&tb, "parse_special", 1);
	jw_obj_close(&tb);
	reply = post_json(root, "/tokenize", api_key, jw_cstr(&tb), timeout,
			  err, errlen);
	toks = reply ? cJSON_GetObjectItemCaseSensitive(reply, "tokens") : NULL;
	if (reply != NULL && !cJSON_IsArray(toks))
		snprintf(err, errlen, "/tokenize: no tokens in the reply");
	else if (reply != NULL) {
		*tokens = cJSON_GetArraySize(toks);
		rc = 0;
	}
done:
	cJSON_Delete(req);
	cJSON_Delete(reply);
	free(text);
	jw_free(&tb);
	return rc;
}

const char *tokcal_method_name(enum tokcal_method m)
{
	return m == TOKCAL_TOKENIZE ? "tokenize"
	       : m == TOKCAL_USAGE  ? "usage"
				    : "none";
}

/* One count of the body for units by r->method; 0, or -1 with r->why. */
static int count_once(const struct tokcal_how *h, long units,
		      struct tokcal_result *r, long *tokens)
{
	char *body = h->body(units, h->ctx);
	int rc;

	if (body == NULL) {
		snprintf(r->why, sizeof r->why, "out of memory");
		return -1;
	}
	r->requests++;
	if (r->method == TOKCAL_TOKENIZE)
		rc = tokcal_tokenize(h->root, h->api_key, body, h->chat,
				     h->timeout, tokens, r->why, sizeof r->why);
	else
		rc = tokcal_count(h->url, h->api_key, body, h->timeout, tokens,
				  r->why, sizeof r->why);
	free(body);
	return rc;
}

/* The search by r->method: 0 exact, -1 with r->why. */
static int search(const struct tokcal_how *h, struct tokcal_result *r)
{
	struct tokcal c;
	long u, next = 0, tokens = 0;

	tokcal_init(&c, r->target);
	for (u = tokcal_first(&c);; u = next) {
		if (h->stopped && h->stopped()) {
			snprintf(r->why, sizeof r->why, "stopped");
			return -1;
		}
		if (count_once(h, u, r, &tokens) != 0)
			return -1;
		r->tokens = tokens;
		next = tokcal_next(&c, u, tokens, r->why, sizeof r->why);
		if (next == TOKCAL_FAIL)
			return -1;
		if (next == TOKCAL_DONE) {
			r->units = u;
			r->exact = 1;
			return 0;
		}
	}
}

int tokcal_bring(const struct tokcal_how *how, long target,
		 struct tokcal_result *r)
{
	memset(r, 0, sizeof *r);
	r->target = target;
	r->tokens = -1;
	r->method = how->root ? TOKCAL_TOKENIZE : TOKCAL_USAGE;
	if (search(how, r) == 0)
		return 0;
	/* a server without the endpoints, seen at the first count: usage */
	if (r->method == TOKCAL_TOKENIZE && r->tokens < 0 &&
	    strcmp(r->why, "stopped") != 0) {
		int sent = r->requests;
		memset(r, 0, sizeof *r);
		r->target = target;
		r->tokens = -1;
		r->method = TOKCAL_USAGE;
		r->requests = sent;
		return search(how, r);
	}
	return -1;
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
