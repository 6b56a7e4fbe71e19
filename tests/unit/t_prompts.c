/* Unit tests of lib/prompts: both set shapes, every error, the filler. */
#include "tap.h"
#include "prompts.h"

#include <stdlib.h>

static struct prompt_set set;
static char err[256];

static int parse(const char *s)
{
	err[0] = '\0';
	return prompts_parse(s, strlen(s), &set, err, sizeof err);
}

static void test_object_form(void)
{
	CHECK_INT(parse("{\"short\": {\"prompt\": \"请用一句话解释量子计算\", "
			"\"max_tokens\": 100, \"category\": \"简短问答\"},\n"
			" \"code\": {\"messages\": [{\"role\": \"system\", "
			"\"content\": \"be brief\"}, {\"role\": \"user\", "
			"\"content\": \"sort\"}], \"expect\": \"def |sort\"}}"),
		  0);
	CHECK_INT(set.n, 2);
	CHECK_STR(set.v[0].name, "short");
	CHECK_STR(set.v[0].category, "简短问答");
	CHECK_INT(set.v[0].max_tokens, 100);
	CHECK_STR(set.v[0].text, "请用一句话解释量子计算");
	CHECK_INT(cJSON_GetArraySize(set.v[0].messages), 1);
	CHECK_STR(set.v[1].name, "code");
	CHECK_STR(set.v[1].text, "be brief\nsort");
	CHECK_STR(set.v[1].expect, "def |sort");
	CHECK_INT(set.v[1].max_tokens, 0);
	prompts_free(&set);
}

static void test_array_form(void)
{
	CHECK_INT(parse("{\"_about\": \"x\", \"a\": {\"prompt\": \"y\"}}"), 0);
	CHECK_INT(set.n, 1);
	CHECK_STR(set.v[0].name, "a");
	prompts_free(&set);
	CHECK_INT(
	    parse("[{\"name\": \"a\", \"prompt\": \"x\"}, {\"name\": \"ctx\", "
		  "\"prompt\": \"q\", \"synthetic_tokens\": 1000}]"),
	    0);
	CHECK_INT(set.n, 2);
	CHECK_STR(set.v[1].name, "ctx");
	CHECK_INT(set.v[1].synthetic_tokens, 1000);
	prompts_free(&set);
}

static void test_errors(void)
{
	CHECK_INT(parse("{\"a\": {\"prompt\": \"x\",\n \"max_tokens\": }}"),
		  -1);
	CHECK_STR(err, "2:16: invalid JSON");
	CHECK_INT(parse("{\"a\": {\"prompt\": \"x\", \"max_token\": 5}}"), -1);
	CHECK_STR(err, "prompt \"a\": unknown key \"max_token\"");
	CHECK_INT(parse("{\"a\": {\"prompt\": \"x\", \"max_tokens\": 0}}"), -1);
	CHECK_STR(err,
		  "prompt \"a\": \"max_tokens\" must be a whole number >= 1");
	CHECK_INT(parse("{\"a\": {\"max_tokens\": 5}}"), -1);
	CHECK_STR(
	    err,
	    "prompt \"a\": needs exactly one of \"prompt\" and \"messages\"");
	CHECK_INT(parse("[{\"prompt\": \"x\"}]"), -1);
	CHECK_STR(err, "prompt \"#1\": needs a \"name\" string");
	CHECK_INT(parse("{\"a\": {\"messages\": []}}"), -1);
	CHECK_STR(err, "prompt \"a\": \"messages\" must be a non-empty array");
	CHECK_INT(parse("{\"a\": {\"prompt\": \"x\", \"expect\": \"(\"}}"), -1);
	CHECK_STR(err, "prompt \"a\": \"expect\" is not a valid extended "
		       "regular expression");
	/* Found by fuzzing: 100 '+' in a row made regcomp take gigabytes. */
	CHECK_INT(
	    parse(
		"{\"a\": {\"prompt\": \"x\", \"expect\": \"a+++++++++++b\"}}"),
	    -1);
	CHECK_STR(err, "prompt \"a\": \"expect\" repeats a repetition (like ++ "
		       "or *{2}), which POSIX leaves undefined");
	CHECK(prompts_check_regex("a{2}{3}") != NULL);
	CHECK(prompts_check_regex("[+*]+ \\++ (ab)+c?") == NULL);
	CHECK(prompts_check_regex("def [a-z_]+\\(") == NULL);
	CHECK_INT(parse("{\"_about\": \"comment only\"}"), -1);
	CHECK_STR(err, "the prompt set is empty");
	CHECK_INT(parse("{}"), -1);
	CHECK_STR(err, "the prompt set is empty");
	CHECK_INT(parse("42"), -1);
	CHECK_INT(parse(""), -1);
	CHECK_INT(set.n, 0);
}

static void test_filler(void)
{
	char *f = prompts_filler(1000);

	CHECK_INT(strlen(f), 4000);
	CHECK(strncmp(f, "Large language model", 20) == 0);
	free(f);
}

static void test_duplicate_names(void)
{
	static const char arr[] =
	    "[{\"name\": \"a\", \"prompt\": \"x\"},"
	    " {\"name\": \"a\", \"prompt\": \"y\", \"expect\": \"z\"}]";
	static const char obj[] =
	    "{\"a\": {\"prompt\": \"x\"}, \"a\": {\"prompt\": \"y\"}}";
	struct prompt_set ps;
	char why[128];

	CHECK_INT(prompts_parse(arr, sizeof arr - 1, &ps, why, sizeof why), -1);
	CHECK_STR(why, "prompt \"a\": the name is used twice");
	prompts_free(&ps);
	CHECK_INT(prompts_parse(obj, sizeof obj - 1, &ps, why, sizeof why), -1);
	CHECK_STR(why, "prompt \"a\": the name is used twice");
	prompts_free(&ps);
}

static void test_only_and_synthesize(void)
{
	static const char doc[] =
	    "{\"a\": {\"prompt\": \"one\"}, \"b\": {\"prompt\": \"two\"},"
	    " \"c\": {\"prompt\": \"three\", \"synthetic_tokens\": 50}}";
	struct prompt_set ps;
	char why[128];
	const cJSON *last;

	CHECK_INT(prompts_parse(doc, sizeof doc - 1, &ps, why, sizeof why), 0);
	CHECK_INT(prompts_only(&ps, "c,zz", why, sizeof why), -1);
	CHECK_STR(why, "no prompt \"zz\"");
	CHECK_INT(ps.n, 3); /* unchanged after a bad list */
	CHECK_INT(prompts_only(&ps, "c,a", why, sizeof why), 0);
	CHECK_INT(ps.n, 2);
	CHECK_STR(ps.v[0].name, "a"); /* the set's order, not the list's */
	CHECK_STR(ps.v[1].name, "c");
	CHECK_INT(prompts_synthesize(&ps, why, sizeof why), 0);
	CHECK_STR(ps.v[0].text, "one");
	/* about 50 tokens of filler, a blank line, then the prompt */
	CHECK(strlen(ps.v[1].text) >= 190 && strlen(ps.v[1].text) < 260);
	CHECK(strcmp(ps.v[1].text + strlen(ps.v[1].text) - 7, "\n\nthree") ==
	      0);
	last = cJSON_GetArrayItem(ps.v[1].messages, 0);
	CHECK_STR(cJSON_GetObjectItem(last, "content")->valuestring,
		  ps.v[1].text);
	prompts_free(&ps);
}

int main(void)
{
	RUN(test_object_form);
	RUN(test_array_form);
	RUN(test_errors);
	RUN(test_filler);
	RUN(test_only_and_synthesize);
	RUN(test_duplicate_names);
	return DONE();
}
