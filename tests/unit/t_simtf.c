/* Unit tests of src/llmsim/simtf: llmsim's teacher-forcing endpoints in
 * llama-server's shapes, and the truth they tell. */
#include "tap.h"
#include "sim.h"
#include "simtf.h"

#include <math.h>
#include <stdlib.h>

static cJSON *reply(const char *(*fn)(const cJSON *, jw *), const char *body)
{
	cJSON *b = cJSON_Parse(body), *o;
	jw w;

	jw_init(&w);
	CHECK(fn(b, &w) == NULL);
	o = cJSON_Parse(jw_cstr(&w));
	jw_free(&w);
	cJSON_Delete(b);
	return o;
}

/* Detokenizes the ids in tokens: the text want. */
static void roundtrip(const cJSON *tokens, const char *want)
{
	cJSON *b = cJSON_CreateObject(), *d;
	char *q;

	cJSON_AddItemToObject(b, "tokens", cJSON_Duplicate(tokens, 1));
	q = cJSON_PrintUnformatted(b);
	d = reply(simtf_detokenize, q);
	CHECK_STR(cJSON_GetObjectItem(d, "content")->valuestring, want);
	cJSON_Delete(d);
	cJSON_Delete(b);
	free(q);
}

static void test_tokens(void)
{
	cJSON *o = reply(simtf_tokenize, "{\"content\":\"Hi\"}");
	const cJSON *t = cJSON_GetObjectItem(o, "tokens");

	/* one text token of up to 4 ASCII bytes, as llmsim's usage counts */
	CHECK_INT(cJSON_GetArraySize(t), 1);
	CHECK_INT(cJSON_GetArrayItem(t, 0)->valueint,
		  SIMLP_V + 'H' + ('i' << 7));
	cJSON_Delete(o);
	o = reply(simtf_tokenize, "{\"content\":\"hello 量子!\"}");
	t = cJSON_GetObjectItem(o, "tokens");
	CHECK_INT(cJSON_GetArraySize(t), sim_prompt_tokens("hello 量子!", 13));
	CHECK_INT(cJSON_GetArraySize(t), 5);
	/* and read back as the same text */
	roundtrip(t, "hello 量子!");
	cJSON_Delete(o);
	/* bytes then words read back as the text the chat streamed */
	o = reply(simtf_detokenize, "{\"tokens\":[84,117,0,3]}");
	CHECK_STR(cJSON_GetObjectItem(o, "content")->valuestring,
		  "Hi the stream");
	cJSON_Delete(o);
	/* the template is the messages' texts, as the chat completions read
	 * them (simwire): the same text keys the same distributions */
	o = reply(simtf_apply_template,
		  "{\"messages\":[{\"role\":\"system\",\"content\":\"a\"},"
		  "{\"role\":\"user\",\"content\":\"b\"}]}");
	CHECK_STR(cJSON_GetObjectItem(o, "prompt")->valuestring, "a\nb");
	cJSON_Delete(o);
}

static struct simtf_truth seen[4];
static int nseen;

static void on_truth(void *ctx, const struct simtf_truth *t)
{
	(void)ctx;
	if (nseen < 4)
		seen[nseen++] = *t;
}

static cJSON *complete(const char *body, const struct simtf_opts *o,
		       const char **err)
{
	cJSON *b = cJSON_Parse(body), *r = NULL;
	jw w;

	jw_init(&w);
	nseen = 0;
	*err = simtf_completion(b, o, &w, on_truth, NULL);
	if (*err == NULL)
		r = cJSON_Parse(jw_cstr(&w));
	jw_free(&w);
	cJSON_Delete(b);
	return r;
}

/* "Hi", then output words 0 and 3: position 2 of the prompt "Hi". */
static void test_completion(void)
{
	struct simtf_opts o = {"fam", 0.5, simlp_noise_key("q4"), 0, 0};
	const char *err;
	cJSON *r = complete("{\"prompt\":[[84,117,0],[84,117,0,3]],"
			    "\"n_probs\":12}",
			    &o, &err);
	const cJSON *r1 = cJSON_GetArrayItem(r, 1);
	const cJSON *cp = cJSON_GetArrayItem(
	    cJSON_GetObjectItem(r1, "completion_probabilities"), 0);
	const cJSON *top = cJSON_GetObjectItem(cp, "top_logprobs");
	double ref[SIMLP_V], cand[SIMLP_V];
	uint64_t key = simlp_key("fam", "Hi", 2);

	CHECK(err == NULL);
	CHECK_INT(cJSON_GetArraySize(r), 2);
	CHECK_INT(cJSON_GetObjectItem(r1, "index")->valueint, 1);
	CHECK_INT(cJSON_GetArraySize(top), SIMLP_V); /* the whole vocabulary
						      * of words */
	simlp_dist(key, 2, 0, 0, ref);
	simlp_dist(key, 2, 0.5, simlp_noise_key("q4"), cand);
	CHECK_INT(cJSON_GetObjectItem(cp, "id")->valueint, simlp_argmax(cand));
	CHECK_NEAR(cJSON_GetObjectItem(cJSON_GetArrayItem(top, 0), "logprob")
		       ->valuedouble,
		   cand[simlp_argmax(cand)], 1e-9);
	CHECK_INT(nseen, 2);
	CHECK_INT(seen[1].pos, 2);
	CHECK_NEAR(seen[1].kl, simlp_kl(ref, cand), 1e-12);
	CHECK_NEAR(seen[1].nll_ref, -ref[simlp_argmax(ref)], 1e-12);
	CHECK_NEAR(seen[1].nll_cand, -cand[simlp_argmax(ref)], 1e-12);
	cJSON_Delete(r);
	/* one prompt: one result object; no noise: the truth is zero */
	o.noise = 0;
	r = complete("{\"prompt\":[84,117],\"n_probs\":3}", &o, &err);
	CHECK(cJSON_IsObject(r));
	CHECK_INT(
	    cJSON_GetArraySize(cJSON_GetObjectItem(
		cJSON_GetArrayItem(
		    cJSON_GetObjectItem(r, "completion_probabilities"), 0),
		"top_logprobs")),
	    3);
	CHECK_NEAR(seen[0].kl, 0, 1e-15);
	CHECK_INT(seen[0].same_top, 1);
	cJSON_Delete(r);
}

static void test_faults(void)
{
	struct simtf_opts o = {"fam", 0, 0, 1, 0};
	const char *err;
	cJSON *r = complete("{\"prompt\":[84],\"n_probs\":3}", &o, &err);

	CHECK(cJSON_GetObjectItem(r, "completion_probabilities") == NULL);
	cJSON_Delete(r);
	o.no_probs = 0, o.cut = 2;
	r = complete("{\"prompt\":[84],\"n_probs\":5}", &o, &err);
	CHECK_INT(
	    cJSON_GetArraySize(cJSON_GetObjectItem(
		cJSON_GetArrayItem(
		    cJSON_GetObjectItem(r, "completion_probabilities"), 0),
		"top_logprobs")),
	    2);
	cJSON_Delete(r);
	/* refused before any truth is told */
	o.cut = 0;
	r = complete("{\"prompt\":[[84,0],[84,999999999]],\"n_probs\":5}", &o,
		     &err);
	CHECK(r == NULL && err != NULL);
	CHECK_STR(err, "Prompt contains invalid tokens");
	CHECK_INT(nseen, 0);
	r = complete("{\"prompt\":[84,0,84],\"n_probs\":5}", &o, &err);
	CHECK(r == NULL && err != NULL);
}

int main(void)
{
	RUN(test_tokens);
	RUN(test_completion);
	RUN(test_faults);
	return DONE();
}
