/* Unit tests for agree: greedy agreement of two runs' output texts, and
 * the tokens before the first differing byte. */
#include "tap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agree.h"

static void ev(struct agree_run *r, const char *json)
{
	cJSON *e = cJSON_Parse(json);

	agree_event(r, e);
	cJSON_Delete(e);
}

/* A request of prompt p whose content came in the chunks words[] (each
 * one token), then ended ok. */
static void output(struct agree_run *r, long id, const char *p,
		   const char *const *words, int n)
{
	char j[600], text[400] = "";

	snprintf(j, sizeof j, "{\"ev\":\"req\",\"id\":%ld,\"prompt\":\"%s\"}",
		 id, p);
	ev(r, j);
	for (int i = 0; i < n; i++) {
		snprintf(j, sizeof j,
			 "{\"ev\":\"tok\",\"id\":%ld,\"ch\":\"content\","
			 "\"bytes\":%zu}",
			 id, strlen(words[i]));
		ev(r, j);
		strcat(text, words[i]);
	}
	snprintf(
	    j, sizeof j,
	    "{\"ev\":\"done\",\"id\":%ld,\"status\":\"ok\",\"text\":\"%s\"}",
	    id, text);
	ev(r, j);
}

static void test_compare(void)
{
	static const char *const same[] = {"The", " answer", " is", " 42."};
	static const char *const off[] = {"The", " answer", " is", " 43."};
	static const char *const word[] = {"Paris"};
	static const char *const nope[] = {"I", " do", " not", " know."};
	struct agree_run ref, cand;
	struct agree_result a;
	char why[200];

	agree_init(&ref);
	agree_init(&cand);
	output(&ref, 1, "a", same, 4);
	output(&ref, 2, "b", same, 4);
	output(&ref, 3, "c", word, 1);
	output(&cand, 1, "a", same, 4);
	output(&cand, 2, "b", off, 4);	/* parts inside the fourth token */
	output(&cand, 3, "c", nope, 4); /* at once */
	output(&cand, 4, "a", off, 4);	/* a second output of a: not compared */
	CHECK_INT(agree_compare(&ref, &cand, &a, why, sizeof why), 0);
	CHECK_INT(a.prompts, 3);
	CHECK_INT(a.identical, 1);
	CHECK_NEAR(a.share, 1.0 / 3, 1e-12);
	CHECK(a.lo < a.share && a.share < a.hi);
	CHECK_INT(a.diverged, 2);
	CHECK_NEAR(a.div_p10, 0, 0); /* "I" against "Paris" */
	CHECK_NEAR(a.div_p90, 3, 0); /* "The answer is" then " 4" */
	/* a run against itself */
	CHECK_INT(agree_compare(&ref, &ref, &a, why, sizeof why), 0);
	CHECK_INT(a.identical, 3);
	CHECK(isnan(a.div_median));
	agree_free(&cand);
	agree_init(&cand);
	output(&cand, 1, "z", same, 4);
	CHECK_INT(agree_compare(&ref, &cand, &a, why, sizeof why), -1);
	CHECK(strstr(why, "no prompt with an output text in both runs") !=
	      NULL);
	agree_free(&ref);
	agree_free(&cand);
}

static void test_tokens_before(void)
{
	struct agree_out o = {0};
	long end[] = {3, 10, 13, 17};
	int tok[] = {1, 1, 2, 1};

	o.nchunk = 4;
	o.end = end;
	o.tokens = tok;
	CHECK_INT(agree_tokens_before(&o, 0), 0);
	CHECK_INT(agree_tokens_before(&o, 3),
		  1); /* the first chunk ended at 3 */
	CHECK_INT(agree_tokens_before(&o, 12), 2);
	CHECK_INT(agree_tokens_before(&o, 13), 4); /* a chunk of two tokens */
	CHECK_INT(agree_tokens_before(&o, 99), 5);
}

int main(void)
{
	RUN(test_compare);
	RUN(test_tokens_before);
	return DONE();
}
