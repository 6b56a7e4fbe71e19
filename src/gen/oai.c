/* oai: decodes one OpenAI-compatible streamed chunk (see oai.h). */
#include "oai.h"
#include "jget.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The string at key and its length, or NULL. */
static const char *str_of(const cJSON *o, const char *key, size_t *len)
{
	const char *s = jget_str(o, key);

	if (s != NULL && len != NULL)
		*len = strlen(s);
	return s;
}

/* Sums the argument bytes of a tool_calls delta array. */
static void tool_calls(const cJSON *arr, struct oai_chunk *c)
{
	const cJSON *tc;
	size_t n;

	if (!cJSON_IsArray(arr))
		return;
	c->has_tool = 1;
	cJSON_ArrayForEach(tc, arr)
	{
		const cJSON *fn = jget_obj(tc, "function");
		if (fn && str_of(fn, "arguments", &n))
			c->tool_len += n;
	}
}

/* What a client's schema would reject in a choice: a field of the wrong
 * type (text that is not a string or null, a delta that is not an
 * object); NULL when it is well formed. */
static const char *choice_fault(const cJSON *ch)
{
	static const char *const text[] = {"content", "reasoning_content",
					   "reasoning", "role"};
	const cJSON *delta, *v;

	if (!cJSON_IsObject(ch))
		return "choices[0] is not an object";
	v = cJSON_GetObjectItemCaseSensitive(ch, "finish_reason");
	if (v && !cJSON_IsString(v) && !cJSON_IsNull(v))
		return "finish_reason is neither a string nor null";
	v = cJSON_GetObjectItemCaseSensitive(ch, "text");
	if (v && !cJSON_IsString(v) && !cJSON_IsNull(v))
		return "text is neither a string nor null";
	delta = cJSON_GetObjectItemCaseSensitive(ch, "delta");
	if (delta == NULL || cJSON_IsNull(delta))
		return NULL;
	if (!cJSON_IsObject(delta))
		return "delta is not an object";
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
		v = cJSON_GetObjectItemCaseSensitive(delta, text[i]);
		if (v && !cJSON_IsString(v) && !cJSON_IsNull(v))
			return i == 0 ? "delta.content is neither a string nor "
					"null"
				      : "a delta text field is neither a "
					"string nor null";
	}
	v = cJSON_GetObjectItemCaseSensitive(delta, "tool_calls");
	if (v && !cJSON_IsArray(v) && !cJSON_IsNull(v))
		return "delta.tool_calls is not an array";
	return NULL;
}

static void decode_choice(const cJSON *ch, struct oai_chunk *c)
{
	const cJSON *delta = jget_obj(ch, "delta");

	c->finish = str_of(ch, "finish_reason", NULL);
	if (delta == NULL) {
		/* completions API, or a non-streamed message */
		c->content = str_of(ch, "text", &c->content_len);
		return;
	}
	c->content = str_of(delta, "content", &c->content_len);
	c->reasoning = str_of(delta, "reasoning_content", &c->reasoning_len);
	if (c->reasoning == NULL)
		c->reasoning = str_of(delta, "reasoning", &c->reasoning_len);
	tool_calls(cJSON_GetObjectItemCaseSensitive(delta, "tool_calls"), c);
	c->role_only = str_of(delta, "role", NULL) != NULL &&
		       c->content_len == 0 && c->reasoning_len == 0 &&
		       !c->has_tool;
}

/* Parses a payload into c->root; -1 when there is nothing more to decode:
 * not a JSON object (OAI_BAD), or an error object, {"error": "..."} or
 * {"error": {"message": ...}} (OAI_ERROR). */
static int open_root(const char *data, size_t len, struct oai_chunk *c)
{
	const cJSON *err;

	c->root = cJSON_ParseWithLength(data, len);
	if (!cJSON_IsObject(c->root))
		return -1;
	err = cJSON_GetObjectItemCaseSensitive(c->root, "error");
	if (err == NULL || cJSON_IsNull(err))
		return 0;
	c->kind = OAI_ERROR;
	c->error = cJSON_IsString(err) ? err->valuestring
				       : str_of(err, "message", NULL);
	if (c->error == NULL)
		c->error = "error object without a message";
	return -1;
}

void oai_decode(const char *data, size_t len, struct oai_chunk *c)
{
	const cJSON *choices;

	memset(c, 0, offsetof(struct oai_chunk, sbuf));
	c->kind = OAI_BAD;
	if (len == 6 && memcmp(data, "[DONE]", 6) == 0) {
		c->kind = OAI_DONE;
		return;
	}
	if (open_root(data, len, c) != 0)
		return;
	choices = cJSON_GetObjectItemCaseSensitive(c->root, "choices");
	if (!cJSON_IsArray(choices)) {
		c->bad = "no choices array";
		return;
	}
	if (cJSON_GetArraySize(choices) > 0 &&
	    (c->bad = choice_fault(cJSON_GetArrayItem(choices, 0))) != NULL)
		return;
	c->kind = OAI_CHUNK;
	if (cJSON_GetArraySize(choices) > 0) {
		c->choice = cJSON_GetArrayItem(choices, 0);
		decode_choice(c->choice, c);
	}
	c->usage = jget_obj(c->root, "usage");
	c->timings = jget_obj(c->root, "timings");
	c->stats = jget_obj(c->root, "stats");
	c->metrics = jget_obj(c->root, "metrics");
}

void oai_decode_lean(const char *data, size_t len, struct oai_chunk *c)
{
	(void)oai_decode_memo(NULL, data, len, c);
}

void oai_decode_ollama(const char *data, size_t len, struct oai_chunk *c)
{
	const cJSON *msg, *v;

	memset(c, 0, offsetof(struct oai_chunk, sbuf));
	c->kind = OAI_BAD;
	if (open_root(data, len, c) != 0)
		return;
	v = cJSON_GetObjectItemCaseSensitive(c->root, "done");
	msg = cJSON_GetObjectItemCaseSensitive(c->root, "message");
	if (!cJSON_IsBool(v) || (msg != NULL && !cJSON_IsObject(msg))) {
		c->bad = !cJSON_IsBool(v) ? "no done field"
					  : "message is not an object";
		return;
	}
	c->kind = OAI_CHUNK;
	c->content = str_of(msg, "content", &c->content_len);
	c->reasoning = str_of(msg, "thinking", &c->reasoning_len);
	tool_calls(cJSON_GetObjectItemCaseSensitive(msg, "tool_calls"), c);
	if (cJSON_IsTrue(v)) {
		c->finish = str_of(c->root, "done_reason", NULL);
		if (c->finish == NULL)
			c->finish = "stop";
		c->ollama = c->root;
	}
}

static int same_text(const char *a, size_t an, const char *b, size_t bn)
{
	if (a == NULL || b == NULL)
		return a == b && an == bn;
	return an == bn && memcmp(a, b, an) == 0;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

int oai_same(const struct oai_chunk *a, const struct oai_chunk *b)
{
	return a->kind == b->kind && a->role_only == b->role_only &&
	       same_text(a->content, a->content_len, b->content,
			 b->content_len) &&
	       same_text(a->reasoning, a->reasoning_len, b->reasoning,
			 b->reasoning_len) &&
	       a->tool_len == b->tool_len && a->has_tool == b->has_tool &&
	       same_str(a->finish, b->finish) && same_str(a->error, b->error) &&
	       same_str(a->bad, b->bad) && !a->usage == !b->usage &&
	       !a->timings == !b->timings && !a->stats == !b->stats &&
	       !a->metrics == !b->metrics && !a->ollama == !b->ollama;
}

void oai_clear(struct oai_chunk *c)
{
	cJSON_Delete(c->root);
	memset(c, 0, offsetof(struct oai_chunk, sbuf));
}

const char *oai_error_of(const cJSON *root)
{
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");

	if (cJSON_IsString(err))
		return err->valuestring;
	if (cJSON_IsObject(err))
		return str_of(err, "message", NULL);
	return cJSON_IsObject(root) ? str_of(root, "message", NULL) : NULL;
}

char *oai_error_message(const char *body, size_t len, char *buf, size_t buflen)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const char *msg = oai_error_of(root);

	if (msg != NULL)
		snprintf(buf, buflen, "%s", msg);
	cJSON_Delete(root);
	return msg ? buf : NULL;
}
