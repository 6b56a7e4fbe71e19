/* Unit tests for src/llmsim/simwire: llmsim's fault specs and request reading.
 */
#include "tap.h"

#include "simwire.h"

static void test_faults(void)
{
	struct simwire_fault f;

	CHECK_INT(simwire_fault_parse("http503", &f), 0);
	CHECK_INT(f.kind, F_HTTP);
	CHECK_INT(f.code, 503);
	CHECK_INT(simwire_fault_parse("http429:2s", &f), 0);
	CHECK_NEAR(f.secs, 2, 0);
	CHECK_INT(simwire_fault_parse("stall:3:250ms", &f), 0);
	CHECK_INT(f.kind, F_STALL);
	CHECK_INT(f.at, 3);
	CHECK_NEAR(f.secs, 0.25, 1e-12);
	CHECK_INT(simwire_fault_parse("reset:2", &f), 0);
	CHECK_INT(f.kind, F_RESET);
	CHECK_INT(simwire_fault_parse("no-probs", &f), 0);
	CHECK_INT(f.kind, F_NO_PROBS);
	CHECK_INT(simwire_fault_parse("probs-cut:3", &f), 0);
	CHECK_INT(f.kind, F_PROBS_CUT);
	CHECK_INT(f.at, 3);
	CHECK_INT(simwire_fault_parse("probs-cut:0", &f), -1);
	CHECK_INT(simwire_fault_parse("no-done", &f), 0);
	CHECK_INT(f.kind, F_NO_DONE);
	CHECK_STR(f.text, "no-done");
	/* refused, and nothing of them is left behind */
	CHECK_INT(simwire_fault_parse("http200", &f), -1);
	CHECK_INT(f.kind, F_NONE);
	CHECK_INT(simwire_fault_parse("reset", &f), -1);
	CHECK_INT(simwire_fault_parse("reset:2:1s", &f), -1);
	CHECK_INT(simwire_fault_parse("endless:1", &f), -1);
	CHECK_INT(simwire_fault_parse("stall:2", &f), -1);
	CHECK_INT(simwire_fault_parse("", &f), -1);
	CHECK_INT(simwire_fault_parse("boom:1", &f), -1);
}

static const char *parse(const char *json, int chat, struct simwire_req *q)
{
	cJSON *b = cJSON_Parse(json);
	const char *e = simwire_req_parse(b, chat, q);
	static char copy[160];

	/* the model string belongs to the body: copy it before freeing */
	snprintf(copy, sizeof copy, "%s", q->model ? q->model : "");
	q->model = q->model ? copy : NULL;
	cJSON_Delete(b);
	return e;
}

static void test_requests(void)
{
	struct simwire_req q;

	CHECK(
	    parse("{\"model\":\"m\",\"messages\":[{\"role\":\"system\","
		  "\"content\":\"a\"},"
		  "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
		  "\"b\"}]}],"
		  "\"stream\":true,\"stream_options\":{\"include_usage\":true},"
		  "\"max_completion_tokens\":7,\"cache_prompt\":false}",
		  1, &q) == NULL);
	CHECK_INT(q.max_tokens, 7);
	CHECK_INT(q.stream, 1);
	CHECK_INT(q.include_usage, 1);
	CHECK_INT(q.cache_prompt, 0);
	CHECK_STR(q.model, "m");
	CHECK_STR(jw_cstr(&q.prompt), "a\nb");
	simwire_req_free(&q);
	CHECK(parse("{\"prompt\":[\"x\",\"y\"]}", 0, &q) == NULL);
	CHECK_INT(q.max_tokens, 256);
	CHECK_INT(q.cache_prompt, 1);
	CHECK_STR(jw_cstr(&q.prompt), "x\ny");
	simwire_req_free(&q);
	CHECK_STR(parse("[]", 1, &q), "the body must be a JSON object");
	simwire_req_free(&q);
	CHECK_STR(parse("{\"messages\":[]}", 1, &q),
		  "\"messages\" must be a non-empty array");
	simwire_req_free(&q);
	CHECK_STR(parse("{\"messages\":[{\"content\":\"x\"}]}", 1, &q),
		  "each message needs a \"role\" string");
	simwire_req_free(&q);
	CHECK_STR(parse("{\"prompt\":\"x\",\"max_tokens\":0}", 0, &q),
		  "\"max_tokens\" must be a whole number >= 1");
	simwire_req_free(&q);
	CHECK(parse("{\"prompt\":\"x\",\"max_tokens\":-1}", 0, &q) ==
	      NULL); /* -1: the default */
	CHECK_INT(q.max_tokens, 256);
	simwire_req_free(&q);
}

int main(void)
{
	RUN(test_faults);
	RUN(test_requests);
	return DONE();
}
