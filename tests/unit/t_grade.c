/* Unit tests for lib/grade: each kind of answer, the extraction of a final
 * answer, specs refused, and llmsim's right and wrong answers. */
#include "tap.h"

#include <string.h>

#include "grade.h"

static int g(const char *spec, const char *text)
{
	cJSON *s = cJSON_Parse(spec);
	int r = s && grade_check(s) == NULL ? grade_text(s, text) : -1;

	cJSON_Delete(s);
	return r;
}

static void test_number(void)
{
	CHECK_INT(g("{\"number\":42}", "6 times 7 is 42."), 1);
	CHECK_INT(g("{\"number\":42}", "42"), 1);
	/* the last number is the answer: a model that corrects itself */
	CHECK_INT(g("{\"number\":42}", "42? No: 6*7-1 = 41"), 0);
	CHECK_INT(g("{\"number\":1234567}", "**1,234,567**"), 1);
	CHECK_INT(g("{\"number\":-17}", "x = -17"), 1);
	CHECK_INT(g("{\"number\":17}", "x = -17"), 0);
	CHECK_INT(g("{\"number\":3}", "range 1-3"), 1);
	CHECK_INT(g("{\"number\":2.5}", "It is 2.5."), 1);
	CHECK_INT(g("{\"number\":3.14,\"tol\":0.005}", "about 3.1416"), 1);
	CHECK_INT(g("{\"number\":3.14}", "about 3.1416"), 0);
	CHECK_INT(g("{\"number\":12}", "no digits at all"), 0);
	CHECK_INT(g("{\"number\":12}", ""), 0);
	CHECK_INT(g("{\"number\":1000}", "1,000"), 1);
	CHECK_INT(g("{\"number\":1}", "1,00"),
		  0); /* not a thousands group: 1 then 00 */
}

static void test_exact(void)
{
	CHECK_INT(g("{\"exact\":[\"Paris\"]}", "Paris"), 1);
	CHECK_INT(g("{\"exact\":[\"Paris\"]}",
		    "The capital of France is:\n**Paris.**\n"),
		  1);
	CHECK_INT(g("{\"exact\":[\"Paris\"]}", "Answer: paris"), 1);
	CHECK_INT(g("{\"exact\":[\"Au\"]}", "Final answer: `Au`"), 1);
	/* a keyword anywhere is not an answer */
	CHECK_INT(g("{\"exact\":[\"Paris\"]}", "Paris is not it; Lyon"), 0);
	CHECK_INT(g("{\"exact\":[\"Paris\"]}", "The answer is Paris"), 0);
	CHECK_INT(g("{\"exact\":[\"H2O\",\"H₂O\"]}", "H₂O"), 1);
}

static void test_json(void)
{
	CHECK_INT(
	    g("{\"json\":{\"a\":1,\"b\":\"x\"}}", "{\"b\": \"x\", \"a\": 1}"),
	    1);
	CHECK_INT(g("{\"json\":{\"a\":1,\"b\":\"x\"}}",
		    "```json\n{\"a\":1,\"b\":\"x\"}\n```"),
		  1);
	CHECK_INT(g("{\"json\":{\"a\":1}}", "{\"a\":1,\"c\":2}"),
		  0); /* exactly these */
	CHECK_INT(g("{\"json\":{\"a\":1}}", "{\"a\":2}"), 0);
	CHECK_INT(g("{\"json\":{\"a\":1}}", "Here: {\"a\":1}"), 0);
	CHECK_INT(g("{\"json\":{\"a\":1}}", "[1]"), 0);
}

static void test_lines(void)
{
	CHECK_INT(g("{\"lines\":3}", "one\ntwo\n\nthree\n"), 1);
	CHECK_INT(g("{\"lines\":3}", "one\ntwo"), 0);
	CHECK_INT(g("{\"lines\":2,\"prefix\":\"- \"}", "- a\n- b"), 1);
	CHECK_INT(g("{\"lines\":2,\"prefix\":\"- \"}", "- a\n* b"), 0);
}

static void test_refused(void)
{
	static const char *const bad[] = {
	    "42",
	    "{}",
	    "{\"number\":1,\"exact\":[\"a\"]}",
	    "{\"number\":\"1\"}",
	    "{\"exact\":\"Paris\"}",
	    "{\"exact\":[]}",
	    "{\"exact\":[1]}",
	    "{\"json\":[1]}",
	    "{\"lines\":0}",
	    "{\"lines\":1.5}",
	    "{\"exact\":[\"a\"],\"tol\":1}",
	    "{\"number\":1,\"tol\":-1}",
	    "{\"number\":1,\"prefix\":\"-\"}",
	};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cJSON *s = cJSON_Parse(bad[i]);
		CHECK(grade_check(s) != NULL);
		cJSON_Delete(s);
	}
}

/* llmsim's answers: the right one passes, the wrong one fails. */
static void test_answers(void)
{
	static const char *const specs[] = {
	    "{\"number\":42}",
	    "{\"number\":-3.5}",
	    "{\"exact\":[\"Paris\",\"paris\"]}",
	    "{\"json\":{\"a\":[1,2],\"b\":null}}",
	    "{\"lines\":3,\"prefix\":\"- \"}",
	};
	char buf[512];

	for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
		cJSON *s = cJSON_Parse(specs[i]);
		CHECK_INT(grade_text(s, grade_answer(s, 0, buf, sizeof buf)),
			  1);
		CHECK_INT(grade_text(s, grade_answer(s, 1, buf, sizeof buf)),
			  0);
		cJSON_Delete(s);
	}
}

int main(void)
{
	RUN(test_number);
	RUN(test_exact);
	RUN(test_json);
	RUN(test_lines);
	RUN(test_refused);
	RUN(test_answers);
	return DONE();
}
