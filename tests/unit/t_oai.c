/* Unit tests of src/gen/oai: every chunk shape tokbench meets. */
#include "tap.h"
#include "oai.h"

static struct oai_chunk c;

static void dec(const char *s)
{
	oai_clear(&c);
	oai_decode(s, strlen(s), &c);
}

static void test_role_and_content(void)
{
	dec("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
	    "\"content\":null},\"finish_reason\":null}]}");
	CHECK_INT(c.kind, OAI_CHUNK);
	CHECK_INT(c.role_only, 1); /* llama-server's content:null */
	CHECK(c.content == NULL);
	dec("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}"
	    "}]}");
	CHECK_INT(c.role_only, 1); /* LM Studio, vLLM: content "" */
	dec("{\"choices\":[{\"delta\":{\"content\":\"量子\"}}]}");
	CHECK_INT(c.role_only, 0);
	CHECK_INT(c.content_len, 6);
	CHECK_STR(c.content, "量子");
	dec("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":"
	    "\"Hi\"}}]}");
	CHECK_INT(c.role_only, 0); /* a role with text is a token */
	CHECK_INT(c.content_len, 2);
}

static void test_reasoning_variants(void)
{
	dec("{\"choices\":[{\"delta\":{\"reasoning_content\":\"think\"}}]}");
	CHECK_INT(c.reasoning_len, 5);
	CHECK(c.content == NULL);
	dec("{\"choices\":[{\"delta\":{\"reasoning\":\"hmm\",\"content\":null}}"
	    "]}");
	CHECK_INT(c.reasoning_len, 3);
}

static void test_tools_finish_usage(void)
{
	dec("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,"
	    "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}}]}}]"
	    "}");
	CHECK_INT(c.has_tool, 1);
	CHECK_INT(c.tool_len, 5);
	dec("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
	    "\"length\"}],"
	    "\"timings\":{\"predicted_n\":12}}");
	CHECK_STR(c.finish, "length");
	CHECK(c.timings != NULL);
	CHECK_INT(c.content_len, 0);
	dec("{\"choices\":[],\"usage\":{\"completion_tokens\":16}}");
	CHECK_INT(c.kind, OAI_CHUNK);
	CHECK(c.usage != NULL);
	CHECK(c.finish == NULL);
	dec("{\"choices\":[{\"text\":\" the\",\"finish_reason\":null}]}");
	CHECK_STR(c.content, " the"); /* completions API */
	dec("{\"choices\":[{\"delta\":{}}],\"stats\":{\"tokens_per_second\":3}"
	    "}");
	CHECK(c.stats != NULL);
}

static void test_done_error_bad(void)
{
	dec("[DONE]");
	CHECK_INT(c.kind, OAI_DONE);
	dec("{\"error\":{\"code\":500,\"message\":\"boom\"}}");
	CHECK_INT(c.kind, OAI_ERROR);
	CHECK_STR(c.error, "boom");
	dec("{\"error\":\"plain\"}");
	CHECK_STR(c.error, "plain");
	dec("{\"choices\":[{\"delta\":{\"content\":\"bro");
	CHECK_INT(c.kind, OAI_BAD);
	dec("{\"object\":\"something else\"}");
	CHECK_INT(c.kind, OAI_BAD);
	dec("[1,2]");
	CHECK_INT(c.kind, OAI_BAD);
	dec("");
	CHECK_INT(c.kind, OAI_BAD);
	oai_clear(&c);
}

static void test_error_message(void)
{
	char buf[64];
	const char *b1 =
	    "{\"error\":{\"code\":500,\"message\":\"parse error\"}}";
	const char *b2 = "{\"error\":\"model not found\"}";
	const char *b3 = "<html>502</html>";

	CHECK_STR(oai_error_message(b1, strlen(b1), buf, sizeof buf),
		  "parse error");
	CHECK_STR(oai_error_message(b2, strlen(b2), buf, sizeof buf),
		  "model not found");
	CHECK(oai_error_message(b3, strlen(b3), buf, sizeof buf) == NULL);
}

int main(void)
{
	RUN(test_role_and_content);
	RUN(test_reasoning_variants);
	RUN(test_tools_finish_usage);
	RUN(test_done_error_bad);
	RUN(test_error_message);
	return DONE();
}
