/* reqbody: request bodies (see reqbody.h). */
#include "reqbody.h"

#include <stdlib.h>
#include <string.h>

#include "jw.h"

int reqbody_max_tokens(const struct prompt *p, long override)
{
	if (override > 0)
		return (int) override;
	return p->max_tokens > 0 ? p->max_tokens : 256;
}

/* The messages, the first one's text behind the nonce. */
static void write_messages(jw *w, const struct prompt *p, const char *nonce)
{
	const cJSON *m, *c, *role;
	int first = 1;

	jw_arr_open(w, "messages");
	cJSON_ArrayForEach(m, p->messages)
	{
		c = cJSON_GetObjectItem(m, "content");
		role = cJSON_GetObjectItem(m, "role");
		if (!first || nonce == NULL || !cJSON_IsString(c) ||
		    !cJSON_IsString(role)) {
			char *s = cJSON_PrintUnformatted(m);
			jw_raw(w, NULL, s ? s : "null");
			free(s);
			first = 0;
			continue;
		}
		first = 0;
		jw_obj_open(w, NULL);
		jw_str(w, "role", role->valuestring);
		jw_escape_join(w, "content", nonce, c->valuestring);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

/* Ollama's native /api/chat body (docs/api.md "Generate a chat
 * completion"): the sampling settings go in "options". */
static void ollama_body(jw *w, const struct prompt *p,
			const struct reqbody_opts *o)
{
	write_messages(w, p, o->nonce);
	jw_bool(w, "stream", 1);
	jw_obj_open(w, "options");
	jw_int(w, "num_predict", reqbody_max_tokens(p, o->max_tokens));
	if (o->temperature >= 0)
		jw_num(w, "temperature", o->temperature, 3);
	if (o->seed >= 0)
		jw_int(w, "seed", o->seed);
	jw_obj_close(w);
	if (o->logprobs > 0) { /* api/types.go: top-level, not in options */
		jw_bool(w, "logprobs", 1);
		jw_int(w, "top_logprobs", o->logprobs);
	}
}

/* logprobs as each API asks for them (docs/servers.md, Logprobs). */
static void logprobs(jw *w, const struct reqbody_opts *o)
{
	if (o->logprobs <= 0)
		return;
	if (o->chat) {
		jw_bool(w, "logprobs", 1);
		jw_int(w, "top_logprobs", o->logprobs);
	} else {
		jw_int(w, "logprobs", o->logprobs);
	}
	if (o->token_ids) /* vLLM's: its tokens then name their ids */
		jw_bool(w, "return_tokens_as_token_ids", 1);
}

/* The OpenAI body of /chat/completions or /completions. */
static void openai_body(jw *w, const struct prompt *p,
			const struct reqbody_opts *o)
{
	int max = reqbody_max_tokens(p, o->max_tokens);

	if (o->chat)
		write_messages(w, p, o->nonce);
	else
		jw_escape_join(w, "prompt", o->nonce ? o->nonce : "", p->text);
	jw_int(w, "max_tokens", max);
	jw_bool(w, "stream", 1);
	if (!o->no_stream_options) {
		jw_obj_open(w, "stream_options");
		jw_bool(w, "include_usage", 1);
		jw_obj_close(w);
	}
	if (o->temperature >= 0)
		jw_num(w, "temperature", o->temperature, 3);
	if (o->seed >= 0)
		jw_int(w, "seed", o->seed);
	if (o->ignore_eos) {
		jw_bool(w, "ignore_eos", 1);
		if (o->min_tokens)
			jw_int(w, "min_tokens", max);
	}
	if (o->no_cache_prompt)
		jw_bool(w, "cache_prompt", 0);
	logprobs(w, o);
}

char *reqbody_build(const struct prompt *p, const struct reqbody_opts *o)
{
	char *out;
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "model", o->model);
	if (o->ollama)
		ollama_body(&w, p, o);
	else
		openai_body(&w, p, o);
	jw_obj_close(&w);
	out = w.oom ? NULL : strdup(jw_cstr(&w));
	jw_free(&w);
	return out;
}
