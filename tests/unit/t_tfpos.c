/* Unit tests of lib/tfpos: the /completion body of a teacher-forced pass,
 * the reply's shape as llama-server's tools/server/server-task.cpp writes
 * it (probs_vector_to_json, to_json_non_oaicompat; docs/servers.md), the
 * event's form, and the comparison of two positions. */
#include "tap.h"
#include "tfpos.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static cJSON *parse(const char *s)
{
	cJSON *o = cJSON_Parse(s);

	CHECK(o != NULL);
	return o;
}

/* o as compact JSON, in a buffer that lasts until the next call. */
static const char *str(const cJSON *o)
{
	static char buf[256];
	char *s = cJSON_PrintUnformatted(o);

	snprintf(buf, sizeof buf, "%s", s ? s : "");
	free(s);
	return buf;
}

static void test_body(void)
{
	int ctx[] = {1, 17}, forced[] = {5, 6, 7};
	char *b = tf_body("m", ctx, 2, forced, 1, 2, 20, 0);
	cJSON *o = parse(b);
	const cJSON *p = cJSON_GetObjectItem(o, "prompt");

	/* positions 1 and 2: the context and one, then two, forced tokens */
	CHECK_INT(cJSON_GetArraySize(p), 2);
	CHECK_STR(str(cJSON_GetArrayItem(p, 0)), "[1,17,5]");
	CHECK_STR(str(cJSON_GetArrayItem(p, 1)), "[1,17,5,6]");
	CHECK_INT(cJSON_GetObjectItem(o, "n_predict")->valueint, 1);
	CHECK_INT(cJSON_GetObjectItem(o, "n_probs")->valueint, 20);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(o, "cache_prompt")));
	CHECK_INT(cJSON_GetObjectItem(o, "id_slot")->valueint, 0);
	cJSON_Delete(o);
	free(b);
	b = tf_body(NULL, ctx, 2, forced, 0, 1, 3, -1);
	o = parse(b);
	CHECK(cJSON_GetObjectItem(o, "id_slot") == NULL);
	CHECK(cJSON_GetObjectItem(o, "model") == NULL);
	CHECK_STR(str(cJSON_GetObjectItem(o, "prompt")), "[[1,17]]");
	cJSON_Delete(o);
	free(b);
}

/* A result as llama-server v0.5.0 writes it (server-task.cpp 264-300,
 * 340-362), two alternatives. */
#define RESULT(I, A, B)                                                        \
	"{\"index\":" #I ",\"completion_probabilities\":[{\"id\":" #A          \
	",\"token\":\"x\",\"bytes\":[120],\"logprob\":-0.4,"                   \
	"\"top_logprobs\":[{\"id\":" #A ",\"token\":\"x\",\"bytes\":[120],"    \
	"\"logprob\":-0.4},{\"id\":" #B ",\"token\":\"y\",\"bytes\":[121],"    \
	"\"logprob\":-1.2}]}]}"

static void test_reply(void)
{
	struct tf_pos pos[2];
	int forced[] = {9, 3};
	char why[200];
	cJSON *o = parse("[" RESULT(1, 3, 4) "," RESULT(0, 8, 9) "]");

	/* results are placed by index, whatever their order */
	CHECK_INT(tf_reply(o, forced, 2, pos, why, sizeof why), TF_OK);
	CHECK_INT(pos[0].n, 2);
	CHECK_INT(pos[0].top[0].id, 8);
	CHECK_INT(pos[0].has_lp, 1); /* forced 9 is listed */
	CHECK_NEAR(pos[0].lp, -1.2, 1e-12);
	CHECK_INT(pos[1].has_lp, 1);
	CHECK_NEAR(pos[1].lp, -0.4, 1e-12);
	tf_pos_free(&pos[0]);
	tf_pos_free(&pos[1]);
	cJSON_Delete(o);
	/* a lone object (one prompt), forced token not listed */
	o = parse(RESULT(0, 3, 4));
	CHECK_INT(tf_reply(o, forced, 1, pos, why, sizeof why), TF_OK);
	CHECK_INT(pos[0].has_lp, 0);
	tf_pos_free(&pos[0]);
	cJSON_Delete(o);
	/* post_sampling_probs: prob and top_probs */
	o = parse("{\"completion_probabilities\":[{\"id\":9,\"prob\":0.5,"
		  "\"top_probs\":[{\"id\":9,\"prob\":0.5}]}]}");
	CHECK_INT(tf_reply(o, forced, 1, pos, why, sizeof why), TF_OK);
	CHECK_NEAR(pos[0].lp, log(0.5), 1e-12);
	tf_pos_free(&pos[0]);
	cJSON_Delete(o);
}

static void test_reply_bad(void)
{
	struct tf_pos pos[2];
	int forced[] = {9, 3};
	char why[200];
	cJSON *o;

	/* a server that ignores n_probs: said, never a zero */
	o = parse("{\"index\":0,\"content\":\"x\"}");
	CHECK_INT(tf_reply(o, forced, 1, pos, why, sizeof why), TF_NOPROBS);
	CHECK(strstr(why, "ignored n_probs") != NULL);
	cJSON_Delete(o);
	/* one result for two prompts */
	o = parse("[" RESULT(0, 3, 4) "]");
	CHECK_INT(tf_reply(o, forced, 2, pos, why, sizeof why), TF_BAD);
	CHECK(strstr(why, "1 results for 2") != NULL);
	tf_pos_free(&pos[0]);
	cJSON_Delete(o);
	/* an index out of range, or twice */
	o = parse("[" RESULT(0, 3, 4) "," RESULT(0, 3, 4) "]");
	CHECK_INT(tf_reply(o, forced, 2, pos, why, sizeof why), TF_BAD);
	tf_pos_free(&pos[0]);
	cJSON_Delete(o);
	o = parse("\"no\"");
	CHECK_INT(tf_reply(o, forced, 1, pos, why, sizeof why), TF_BAD);
	cJSON_Delete(o);
}

static struct tf_pos mk(int n, const int *id, const double *p, int forced)
{
	struct tf_pos x = {0, calloc((size_t)n + 1, sizeof(struct tf_alt)), 0,
			   0};

	for (int i = 0; i < n; i++) {
		x.top[i].id = id[i];
		x.top[i].lp = log(p[i]);
		if (id[i] == forced)
			x.has_lp = 1, x.lp = x.top[i].lp;
	}
	x.n = n;
	return x;
}

static void test_kl(void)
{
	int a[] = {1, 2, 3, 4}, b[] = {4, 3, 2, 1};
	double pa[] = {.5, .3, .1, .1}, pb[] = {.05, .15, .4, .4};
	struct tf_pos r = mk(4, a, pa, 2), c = mk(4, b, pb, 2);
	struct tf_pos r2 = mk(2, a, pa, 2), c2 = mk(2, b + 2, pb + 2, 2);

	/* whole distributions, listed in any order: the exact KL */
	CHECK_NEAR(tf_kl(&r, &r), 0, 1e-12);
	CHECK_NEAR(tf_kl(&r, &c), 0.054035, 1e-6);
	/* top 2 of each: cells 1 and 2, the rest a bucket: a lower bound */
	CHECK_NEAR(tf_kl(&r2, &c2), 0.0252672, 1e-6);
	CHECK(tf_kl(&r2, &c2) <= tf_kl(&r, &c));
	CHECK_INT(tf_argmax(&r), 1);
	CHECK_INT(tf_argmax(&c), 1); /* 2 and 1 tie at .4: the smaller id */
	CHECK_NEAR(tf_mass(&r), 1, 1e-12);
	/* cut short: 2 of 20 asked, vocabulary 1024, mass .8 */
	CHECK_INT(tf_truncated(&r2, 20, 1024), 1);
	CHECK_INT(tf_truncated(&r2, 2, 1024), 0); /* as many as asked */
	CHECK_INT(tf_truncated(&r2, 20, 2), 0);	  /* the whole vocabulary */
	CHECK_INT(tf_truncated(&r, 20, 1024), 0); /* the whole mass */
	tf_pos_free(&r);
	tf_pos_free(&c);
	tf_pos_free(&r2);
	tf_pos_free(&c2);
}

static void test_event(void)
{
	int a[] = {7, 2};
	double pa[] = {.75, .25};
	struct tf_pos r = mk(2, a, pa, 2), back;
	jw w;
	cJSON *o;

	jw_init(&w);
	tf_pos_write(&w, &r);
	o = parse(jw_cstr(&w));
	CHECK_INT(tf_pos_read(o, &back), 0);
	CHECK_INT(back.n, 2);
	CHECK_INT(back.top[1].id, 2);
	CHECK_NEAR(back.top[0].lp, log(.75), 1e-7);
	CHECK_INT(back.has_lp, 1);
	CHECK_NEAR(back.lp, log(.25), 1e-7);
	tf_pos_free(&back);
	cJSON_Delete(o);
	jw_free(&w);
	/* the forced token not listed: null, read back as not known */
	r.has_lp = 0;
	jw_init(&w);
	tf_pos_write(&w, &r);
	CHECK(strstr(jw_cstr(&w), "\"lp\":null") != NULL);
	o = parse(jw_cstr(&w));
	CHECK_INT(tf_pos_read(o, &back), 0);
	CHECK_INT(back.has_lp, 0);
	tf_pos_free(&back);
	cJSON_Delete(o);
	o = parse("{\"lp\":1,\"top\":[[\"x\",1]]}");
	CHECK_INT(tf_pos_read(o, &back), -1);
	cJSON_Delete(o);
	jw_free(&w);
	tf_pos_free(&r);
}

/* vLLM's request and reply (protocol.py CompletionRequest and
 * CompletionResponseChoice.prompt_logprobs; logprobs.py: the first entry
 * null, the prompt token's own first, then ranks 1..k). */
static void test_vllm(void)
{
	int ctx[] = {7, 8}, forced[] = {3, 5};
	char *b = tf_vllm_body("m", ctx, 2, forced, 2, 2);
	cJSON *r, *o = parse(b);
	struct tf_pos pos[2];
	char why[200] = "";

	CHECK_STR(str(o), "{\"model\":\"m\",\"prompt\":[7,8,3,5],"
			  "\"max_tokens\":1,\"prompt_logprobs\":2,"
			  "\"temperature\":0,\"stream\":false}");
	cJSON_Delete(o);
	free(b);
	r = parse(
	    "{\"choices\":[{\"index\":0,\"text\":\"x\",\"prompt_logprobs\":"
	    "[null,{\"8\":{\"logprob\":-1,\"rank\":2}},"
	    "{\"3\":{\"logprob\":-0.5,\"rank\":1,\"decoded_token\":\"a\"},"
	    "\"4\":{\"logprob\":-1.5,\"rank\":2}},"
	    "{\"5\":{\"logprob\":-4,\"rank\":7},\"1\":{\"logprob\":-0.1,"
	    "\"rank\":1},\"2\":{\"logprob\":-2.5,\"rank\":2}}]}]}");
	CHECK_INT(tf_vllm_reply(r, 2, forced, 2, 2, pos, why, sizeof why),
		  TF_OK);
	CHECK_INT(pos[0].n, 2);
	CHECK_INT(pos[0].top[0].id, 3);
	CHECK_INT(pos[0].top[1].id, 4);
	CHECK(pos[0].has_lp && pos[0].lp == -0.5);
	/* the forced token outside the top 2: its logprob, not an alternative
	 */
	CHECK_INT(pos[1].n, 2);
	CHECK_INT(pos[1].top[0].id, 1);
	CHECK_INT(pos[1].top[1].id, 2);
	CHECK(pos[1].has_lp && pos[1].lp == -4);
	tf_pos_free(&pos[0]);
	tf_pos_free(&pos[1]);
	/* the wrong length, and a server that ignored prompt_logprobs */
	CHECK_INT(tf_vllm_reply(r, 1, forced, 2, 2, pos, why, sizeof why),
		  TF_BAD);
	CHECK(strstr(why, "4 entries for a prompt of 3") != NULL);
	for (int i = 0; i < 2; i++)
		tf_pos_free(&pos[i]);
	cJSON_Delete(r);
	r = parse("{\"choices\":[{\"index\":0,\"text\":\"x\","
		  "\"prompt_logprobs\":null}]}");
	CHECK_INT(tf_vllm_reply(r, 2, forced, 2, 2, pos, why, sizeof why),
		  TF_NOPROBS);
	cJSON_Delete(r);
}

int main(void)
{
	RUN(test_body);
	RUN(test_reply);
	RUN(test_reply_bad);
	RUN(test_kl);
	RUN(test_event);
	RUN(test_vllm);
	return DONE();
}
