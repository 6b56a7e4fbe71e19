/* Unit tests for src/gen/tokcal: the search for a prompt of exactly N tokens
 * against tokenizers of known shape, the filler, and which count is used
 * against a canned server (its /tokenize, else its usage). */
#include "tap.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "canned.h"
#include "tokcal.h"

/* Runs the search against a server whose count of u units is
 * fixed + per * u; returns the units found, or -1 with err. */
static long search(long target, long fixed, long per, int *tries, char *err,
		   size_t n)
{
	struct tokcal c;
	long u, next;

	tokcal_init(&c, target);
	u = tokcal_first(&c);
	for (*tries = 1;; (*tries)++) {
		next = tokcal_next(&c, u, fixed + per * u, err, n);
		if (next == TOKCAL_DONE)
			return u;
		if (next == TOKCAL_FAIL)
			return -1;
		u = next;
	}
}

static void test_search(void)
{
	char err[300];
	int tries;

	/* a template of 22 tokens, one token a unit: two requests */
	CHECK_INT(search(512, 22, 1, &tries, err, sizeof err), 490);
	CHECK_INT(tries, 2);
	/* the fixed part first: one token more, then exact */
	CHECK_INT(search(512, 1, 1, &tries, err, sizeof err), 511);
	CHECK_INT(tries, 2);
	/* a unit of two tokens: its slope seen at the second count */
	CHECK_INT(search(514, 20, 2, &tries, err, sizeof err), 247);
	CHECK_INT(tries, 3);
	/* two tokens a unit and an odd number left: unreachable, said so */
	CHECK_INT(search(513, 20, 2, &tries, err, sizeof err), -1);
	CHECK(strstr(err, "no prompt of this filler is 513 tokens") != NULL);
	/* the template alone over the target */
	CHECK_INT(search(8, 22, 1, &tries, err, sizeof err), -1);
	CHECK_STR(err, "the prompt's fixed part (template, nonce) is 22 tokens "
		       "alone, more than 8");
}

static void test_filler(void)
{
	char *s = tokcal_filler(3);

	CHECK_STR(s, " the the the");
	free(s);
	s = tokcal_filler(0);
	CHECK_STR(s, "");
	free(s);
	CHECK(tokcal_filler(-1) == NULL);
}

static char *body_of(long units, void *ctx)
{
	*(long *)ctx = units;
	return strdup("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]"
		      ",\"max_tokens\":1}");
}

/* Brings a prompt to 5 tokens against the canned table t; r's figures. */
static int bring(const struct canned *t, int n, int tokenize,
		 struct tokcal_result *r, long *units)
{
	char url[128], root[64];
	int port = 0, rc;
	pid_t pid = canned_peer(t, n, &port);
	struct tokcal_how how = {.url = url,
				 .root = tokenize ? root : NULL,
				 .api_key = "",
				 .chat = 1,
				 .timeout = 5,
				 .body = body_of,
				 .ctx = units};

	if (pid <= 0)
		return -9;
	snprintf(root, sizeof root, "http://127.0.0.1:%d", port);
	snprintf(url, sizeof url, "%s/v1/chat/completions", root);
	rc = tokcal_bring(&how, 5, r);
	canned_stop(pid);
	return rc;
}

static void test_methods(void)
{
	static const struct canned tok[] = {
	    {"/apply-template", 200, "{\"prompt\":\"<s>x\"}"},
	    {"/tokenize", 200, "{\"tokens\":[1,2,3,4,5]}"}};
	static const struct canned use[] = {
	    {"/v1/chat/completions", 200,
	     "data: {\"usage\":{\"prompt_tokens\":5}}\n\ndata: [DONE]\n\n"}};
	static const struct canned none[] = {
	    {"/v1/chat/completions", 200, "data: {}\n\ndata: [DONE]\n\n"}};
	struct tokcal_result r;
	long units = -1;

	/* the server's tokenizer: one count, no prompt run */
	CHECK_INT(bring(tok, 2, 1, &r, &units), 0);
	CHECK_STR(tokcal_method_name(r.method), "tokenize");
	CHECK_INT(r.requests, 1);
	CHECK_INT(r.exact, 1);
	CHECK_INT(r.units, 0); /* the fixed part alone was 5 */
	CHECK_INT(units, 0);
	/* no /tokenize (404): its usage, the failed try counted */
	CHECK_INT(bring(use, 1, 1, &r, &units), 0);
	CHECK_STR(tokcal_method_name(r.method), "usage");
	CHECK_INT(r.requests, 2);
	CHECK_INT(r.exact, 1);
	/* not tried where the server has none */
	CHECK_INT(bring(use, 1, 0, &r, &units), 0);
	CHECK_INT(r.requests, 1);
	/* neither: not exact, and why */
	CHECK_INT(bring(none, 1, 1, &r, &units), -1);
	CHECK_INT(r.exact, 0);
	CHECK_STR(tokcal_method_name(r.method), "usage");
	CHECK(strstr(r.why, "no usage.prompt_tokens") != NULL);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	RUN(test_search);
	RUN(test_filler);
	RUN(test_methods);
	curl_global_cleanup();
	return DONE();
}
