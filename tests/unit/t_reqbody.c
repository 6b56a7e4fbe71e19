/* Unit tests for src/gen/reqbody: the body of a streamed request, field by
 * field. */
#include "tap.h"

#include <stdlib.h>

#include "reqbody.h"

static const char set[] =
    "{\"p\": {\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"},"
    " {\"role\": \"user\", \"content\": \"hi \\\"x\\\"\"}], \"max_tokens\": "
    "40}}";

static void test_chat(void)
{
	struct prompt_set ps;
	char why[128], *b;
	cJSON *j;
	struct reqbody_opts o = {.chat = 1,
				 .model = "m",
				 .temperature = -1,
				 .seed = -1,
				 .nonce = "[r-1] "};

	CHECK_INT(prompts_parse(set, sizeof set - 1, &ps, why, sizeof why), 0);
	b = reqbody_build(&ps.v[0], &o);
	j = cJSON_Parse(b);
	CHECK(j != NULL);
	CHECK_STR(cJSON_GetObjectItem(j, "model")->valuestring, "m");
	CHECK_INT(cJSON_GetObjectItem(j, "max_tokens")->valueint, 40);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "stream")));
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(j, "stream_options"), "include_usage")));
	/* the nonce goes before the first message only, escaped text intact */
	CHECK_STR(cJSON_GetObjectItem(
		      cJSON_GetArrayItem(cJSON_GetObjectItem(j, "messages"), 0),
		      "content")
		      ->valuestring,
		  "[r-1] be brief");
	CHECK_STR(cJSON_GetObjectItem(
		      cJSON_GetArrayItem(cJSON_GetObjectItem(j, "messages"), 1),
		      "content")
		      ->valuestring,
		  "hi \"x\"");
	CHECK(cJSON_GetObjectItem(j, "temperature") == NULL);
	CHECK(cJSON_GetObjectItem(j, "cache_prompt") == NULL);
	CHECK(cJSON_GetObjectItem(j, "ignore_eos") == NULL);
	cJSON_Delete(j);
	free(b);

	o.max_tokens = 7;
	o.temperature = 0.5;
	o.seed = 3;
	o.ignore_eos = o.min_tokens = o.no_cache_prompt = 1;
	o.nonce = NULL;
	b = reqbody_build(&ps.v[0], &o);
	j = cJSON_Parse(b);
	CHECK_INT(cJSON_GetObjectItem(j, "max_tokens")->valueint, 7);
	CHECK_INT(cJSON_GetObjectItem(j, "min_tokens")->valueint, 7);
	CHECK_NEAR(cJSON_GetObjectItem(j, "temperature")->valuedouble, 0.5, 0);
	CHECK_INT(cJSON_GetObjectItem(j, "seed")->valueint, 3);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "cache_prompt")));
	CHECK_STR(cJSON_GetObjectItem(
		      cJSON_GetArrayItem(cJSON_GetObjectItem(j, "messages"), 0),
		      "content")
		      ->valuestring,
		  "be brief");
	cJSON_Delete(j);
	free(b);
	prompts_free(&ps);
}

static void test_completions(void)
{
	static const char one[] = "{\"q\": {\"prompt\": \"2+2=\"}}";
	struct prompt_set ps;
	char why[128], *b;
	cJSON *j;
	struct reqbody_opts o = {.chat = 0,
				 .model = "m",
				 .temperature = -1,
				 .seed = -1,
				 .nonce = "[n] "};

	CHECK_INT(prompts_parse(one, sizeof one - 1, &ps, why, sizeof why), 0);
	CHECK_INT(reqbody_max_tokens(&ps.v[0], 0), 256); /* the default */
	b = reqbody_build(&ps.v[0], &o);
	j = cJSON_Parse(b);
	CHECK_STR(cJSON_GetObjectItem(j, "prompt")->valuestring, "[n] 2+2=");
	CHECK(cJSON_GetObjectItem(j, "messages") == NULL);
	cJSON_Delete(j);
	free(b);
	prompts_free(&ps);
}

static void test_ollama(void)
{
	struct prompt p = {0};
	struct reqbody_opts o = {.chat = 1,
				 .ollama = 1,
				 .model = "qwen3:0.6b",
				 .max_tokens = 64,
				 .temperature = 0,
				 .seed = 7,
				 .ignore_eos = 1,
				 .no_cache_prompt = 1};
	char *b;

	p.messages = cJSON_Parse("[{\"role\":\"user\",\"content\":\"hi\"}]");
	b = reqbody_build(&p, &o);
	/* Ollama's native body: options, no max_tokens, stream_options,
	 * ignore_eos or cache_prompt (it has none of them) */
	CHECK_STR(b, "{\"model\":\"qwen3:0.6b\",\"messages\":[{\"role\":"
		     "\"user\",\"content\":\"hi\"}],"
		     "\"stream\":true,\"options\":{\"num_predict\":64,"
		     "\"temperature\":0.000,\"seed\":7}}");
	free(b);
	cJSON_Delete(p.messages);
}

/* --logprobs K: chat and Ollama's native API ask with logprobs true and
 * top_logprobs, completions with logprobs K (docs/servers.md, Logprobs);
 * off, the body has neither.  --token-ids on vLLM adds
 * return_tokens_as_token_ids, only with logprobs (docs/servers.md,
 * Teacher forcing). */
static void test_logprobs(void)
{
	static const char one[] = "{\"q\": {\"prompt\": \"2+2=\"}}";
	struct prompt_set ps;
	struct prompt p = {0};
	char why[128], *b;
	cJSON *j;
	struct reqbody_opts o = {.chat = 1,
				 .model = "m",
				 .temperature = -1,
				 .seed = -1,
				 .logprobs = 5};

	CHECK_INT(prompts_parse(set, sizeof set - 1, &ps, why, sizeof why), 0);
	b = reqbody_build(&ps.v[0], &o);
	j = cJSON_Parse(b);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "logprobs")));
	CHECK_INT(cJSON_GetObjectItem(j, "top_logprobs")->valueint, 5);
	CHECK(cJSON_GetObjectItem(j, "return_tokens_as_token_ids") == NULL);
	cJSON_Delete(j);
	free(b);
	o.token_ids = 1;
	b = reqbody_build(&ps.v[0], &o);
	j = cJSON_Parse(b);
	CHECK(
	    cJSON_IsTrue(cJSON_GetObjectItem(j, "return_tokens_as_token_ids")));
	cJSON_Delete(j);
	free(b);
	o.logprobs = 0;
	b = reqbody_build(&ps.v[0], &o);
	CHECK(strstr(b, "logprobs") == NULL);
	CHECK(strstr(b, "return_tokens") == NULL);
	free(b);
	o.token_ids = 0;
	prompts_free(&ps);
	CHECK_INT(prompts_parse(one, sizeof one - 1, &ps, why, sizeof why), 0);
	o.chat = 0, o.logprobs = 3;
	b = reqbody_build(&ps.v[0], &o);
	j = cJSON_Parse(b);
	CHECK_INT(cJSON_GetObjectItem(j, "logprobs")->valueint, 3);
	CHECK(cJSON_GetObjectItem(j, "top_logprobs") == NULL);
	cJSON_Delete(j);
	free(b);
	prompts_free(&ps);
	p.messages = cJSON_Parse("[{\"role\":\"user\",\"content\":\"hi\"}]");
	o.chat = o.ollama = 1, o.max_tokens = 8;
	b = reqbody_build(&p, &o);
	CHECK(strstr(b, "\"options\":{\"num_predict\":8},\"logprobs\":true,"
			"\"top_logprobs\":3}") != NULL);
	free(b);
	cJSON_Delete(p.messages);
}

int main(void)
{
	RUN(test_logprobs);
	RUN(test_ollama);
	RUN(test_chat);
	RUN(test_completions);
	return DONE();
}
