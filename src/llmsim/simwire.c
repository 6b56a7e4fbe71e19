/* simwire: fault specs and completion requests, as llmsim reads them
 * (see simwire.h). */
#include "simwire.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jget.h"
#include "units.h"

static int parse_one(const char *spec, struct simwire_fault *f);

int simwire_fault_parse(const char *spec, struct simwire_fault *f)
{
	if (parse_one(spec, f) == 0)
		return 0;
	memset(f, 0, sizeof *f);
	return -1;
}

static int parse_one(const char *spec, struct simwire_fault *f)
{
	char kind[32];
	const char *arg = strchr(spec, ':');
	size_t n = arg ? (size_t)(arg - spec) : strlen(spec);
	long long k = 0;
	double d = 0;

	memset(f, 0, sizeof *f);
	if (n == 0 || n >= sizeof kind)
		return -1;
	memcpy(kind, spec, n);
	kind[n] = '\0';
	snprintf(f->text, sizeof f->text, "%s", spec);
	if (arg)
		arg++;
	if (strncmp(kind, "http", 4) == 0) {
		if (units_int(kind + 4, 400, 599, &k) != UNITS_OK)
			return -1;
		f->kind = F_HTTP;
		f->code = (int)k;
		f->secs = 1;
		return !arg ? 0 : units_duration(arg, &f->secs) ? -1 : 0;
	}
	if (strcmp(kind, "slow-headers") == 0) {
		f->kind = F_SLOW_HEADERS;
		return arg && units_duration(arg, &f->secs) == UNITS_OK ? 0
									: -1;
	}
	static const struct {
		const char *name;
		enum simwire_fault_kind kind;
	} bare[] = {
	    {"endless", F_ENDLESS},	      {"wrong-ctype", F_WRONG_CTYPE},
	    {"no-done", F_NO_DONE},	      {"early-token", F_EARLY_TOKEN},
	    {"sticky-cache", F_STICKY_CACHE}, {"buffered", F_BUFFERED},
	    {"no-probs", F_NO_PROBS},	      {"no-token-ids", F_NO_TOKEN_IDS}};
	for (size_t i = 0; i < sizeof bare / sizeof bare[0]; i++)
		if (strcmp(kind, bare[i].name) == 0) {
			f->kind = bare[i].kind;
			return arg ? -1 : 0;
		}
	/* The rest take a token count K, and stall also a duration. */
	char karg[32] = "";
	const char *colon = arg ? strchr(arg, ':') : NULL;
	if (arg == NULL)
		return -1;
	snprintf(karg, sizeof karg, "%.*s",
		 (int)(colon ? (size_t)(colon - arg) : strlen(arg)), arg);
	if (units_int(karg, 0, 100000000, &k) != UNITS_OK)
		return -1;
	f->at = (int)k;
	if (strcmp(kind, "stall") == 0) {
		f->kind = F_STALL;
		return colon && units_duration(colon + 1, &d) == UNITS_OK &&
			       (f->secs = d, 1)
			   ? 0
			   : -1;
	}
	if (colon)
		return -1;
	if (strcmp(kind, "reset") == 0)
		f->kind = F_RESET;
	else if (strcmp(kind, "malformed") == 0)
		f->kind = F_MALFORMED;
	else if (strcmp(kind, "error") == 0)
		f->kind = F_ERROR_IN_STREAM;
	else if (strcmp(kind, "usage-extra") == 0)
		f->kind = F_USAGE_EXTRA;
	else if (strcmp(kind, "probs-cut") == 0 && k > 0)
		f->kind = F_PROBS_CUT;
	else
		return -1;
	return 0;
}

/* Appends the text of a message content, a string or an array of parts
 * of which the "text" ones count, after a newline if out has text. */
static void append_content(jw *out, const cJSON *c)
{
	const cJSON *part;
	size_t len;

	if (cJSON_IsString(c)) {
		if (jw_data(out, &len), len > 0)
			jw_append(out, "\n", 1);
		jw_append(out, c->valuestring, strlen(c->valuestring));
		return;
	}
	cJSON_ArrayForEach(part, c) append_content(
	    out,
	    cJSON_IsString(part) ? part : cJSON_GetObjectItem(part, "text"));
}

/* Collects the prompt text; returns an error message or NULL. */
static const char *collect_prompt(const cJSON *body, int chat, jw *out)
{
	const cJSON *m, *msgs = cJSON_GetObjectItem(body, "messages");
	const cJSON *prompt = cJSON_GetObjectItem(body, "prompt");

	if (!chat) {
		if (cJSON_IsString(prompt) || cJSON_IsArray(prompt)) {
			append_content(out, prompt);
			return NULL;
		}
		return "\"prompt\" must be a string or an array of strings";
	}
	if (!cJSON_IsArray(msgs) || cJSON_GetArraySize(msgs) == 0)
		return "\"messages\" must be a non-empty array";
	cJSON_ArrayForEach(m, msgs)
	{
		const cJSON *c = cJSON_GetObjectItem(m, "content");
		if (!cJSON_IsObject(m) ||
		    !cJSON_IsString(cJSON_GetObjectItem(m, "role")))
			return "each message needs a \"role\" string";
		if (!cJSON_IsString(c) && !cJSON_IsArray(c) && !cJSON_IsNull(c))
			return "\"content\" must be a string or an array";
		append_content(out, c);
	}
	return NULL;
}

static int flag(const cJSON *obj, const char *key, int dflt)
{
	const cJSON *v = cJSON_GetObjectItem(obj, key);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : dflt;
}

/* Reads max_tokens (or max_completion_tokens); default 256. */
static const char *read_max_tokens(const cJSON *body, int *out)
{
	const cJSON *v = cJSON_GetObjectItem(body, "max_tokens");

	if (v == NULL || cJSON_IsNull(v))
		v = cJSON_GetObjectItem(body, "max_completion_tokens");
	*out = 256;
	if (v == NULL || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble > 100000000 ||
	    (v->valuedouble < 1 && v->valuedouble != -1))
		return "\"max_tokens\" must be a whole number >= 1";
	if (v->valuedouble >= 1)
		*out = (int)v->valuedouble;
	return NULL;
}

/* What each API asks logprobs with (docs/servers.md, Logprobs). */
static void read_logprobs(const cJSON *body, int chat, struct simwire_req *q)
{
	const cJSON *lp = cJSON_GetObjectItem(body, "logprobs");
	const cJSON *n = cJSON_GetObjectItem(body, "n_probs");

	if (chat && cJSON_IsTrue(lp)) {
		q->lp_asked = 1;
		q->lp_top = (int)jget_num(body, "top_logprobs", 0);
	} else if (!chat && cJSON_IsNumber(lp) && lp->valuedouble >= 0) {
		q->lp_asked = 1;
		q->lp_top = (int)lp->valuedouble;
	}
	q->lp_ids = cJSON_IsTrue(
	    cJSON_GetObjectItem(body, "return_tokens_as_token_ids"));
	if (cJSON_IsNumber(n) && n->valuedouble > 0) { /* llama-server's own */
		q->lp_asked = 1;
		q->lp_top = (int)n->valuedouble;
	}
	if (q->lp_top < 0)
		q->lp_top = 0;
}

const char *simwire_req_parse(const cJSON *body, int chat,
			      struct simwire_req *q)
{
	const cJSON *model = cJSON_GetObjectItem(body, "model");
	const cJSON *opts = cJSON_GetObjectItem(body, "stream_options");
	const char *err;

	memset(q, 0, sizeof *q);
	jw_init(&q->prompt);
	q->max_tokens = 256;
	if (!cJSON_IsObject(body))
		return "the body must be a JSON object";
	if ((err = read_max_tokens(body, &q->max_tokens)) != NULL)
		return err;
	if ((err = collect_prompt(body, chat, &q->prompt)) != NULL)
		return err;
	q->model = cJSON_IsString(model) ? model->valuestring : NULL;
	q->stream = flag(body, "stream", 0);
	q->include_usage = flag(opts, "include_usage", 0);
	q->ignore_eos = flag(body, "ignore_eos", 0);
	q->cache_prompt = flag(body, "cache_prompt", 1);
	read_logprobs(body, chat, q);
	return NULL;
}

void simwire_req_free(struct simwire_req *q)
{
	jw_free(&q->prompt);
}
