/* Unit tests of lib/lprob (every logprob shape, each cited in
 * docs/servers.md, Logprobs), src/agg/lpq (the comparison) and src/llmsim/simlp
 * (llmsim's truth). */
#include "tap.h"
#include "lpq.h"
#include "lprob.h"
#include "oai.h"
#include "simlp.h"

static struct lp_pos got[8];
static int ngot;

static void on_pos(void *ctx, const struct lp_pos *p)
{
	(void)ctx;
	if (ngot < 8)
		got[ngot++] = *p;
}

/* Parses an SSE payload as gen does; returns lp_parse's count. */
static int parse(const char *s, int ollama)
{
	struct oai_chunk c;
	int n;

	ngot = 0;
	if (ollama)
		oai_decode_ollama(s, strlen(s), &c);
	else
		oai_decode(s, strlen(s), &c);
	n = lp_parse(c.choice, c.root, on_pos, NULL);
	oai_clear(&c);
	return n;
}

/* OpenAI's chat chunk (API reference, chat streaming: choices[].logprobs
 * .content[] of token, logprob, bytes, top_logprobs); Ollama's /v1 chat
 * (openai/openai.go ChunkChoice.Logprobs, v0.33.0-rc2) is the same. */
static void test_openai_chat(void)
{
	CHECK_INT(
	    parse(
		"{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
		"\"logprobs\":{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.1,"
		"\"bytes\":[72,105],\"top_logprobs\":[{\"token\":\"Hi\","
		"\"logprob\":-0.1,"
		"\"bytes\":[72,105]},{\"token\":\"Hello\",\"logprob\":-2.4,"
		"\"bytes\":null}]}],"
		"\"refusal\":null},\"finish_reason\":null}]}",
		0),
	    1);
	CHECK_STR(got[0].tok.tok, "Hi");
	CHECK_NEAR(got[0].tok.lp, -0.1, 1e-12);
	CHECK_INT(got[0].ntop, 2);
	CHECK_STR(got[0].top[1].tok, "Hello");
	CHECK_NEAR(got[0].top[1].lp, -2.4, 1e-12);
	/* no logprobs at all, and null (llama-server's completions default) */
	CHECK_INT(parse("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}", 0),
		  -1);
	CHECK_INT(
	    parse("{\"choices\":[{\"text\":\"x\",\"logprobs\":null}]}", 0), -1);
}

/* llama-server tools/server/server-task.cpp (00efb3e):
 * probs_vector_to_json gives id, token, bytes, logprob, top_logprobs; with
 * post_sampling_probs prob and top_probs; /completion streams them as
 * completion_probabilities. */
static void test_llama_server(void)
{
	CHECK_INT(
	    parse("{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":"
		  "{\"content\":\" "
		  "a\"},\"logprobs\":{\"content\":[{\"id\":7,\"token\":\" a\","
		  "\"bytes\":[32,97],\"logprob\":-0.5,\"top_logprobs\":[{"
		  "\"id\":7,\"token\":"
		  "\" a\",\"bytes\":[32,97],\"logprob\":-0.5}]}]}}],\"object\":"
		  "\"chat.completion.chunk\"}",
		  0),
	    1);
	CHECK_STR(got[0].top[0].tok, " a");
	CHECK_INT(got[0].tok.id, 7); /* the token's id, for teacher forcing */
	CHECK_INT(got[0].top[0].id, 7);
	/* /completion's own stream: read from the root, probabilities as logs
	 */
	struct oai_chunk c;
	const char *s =
	    "{\"content\":\" "
	    "b\",\"stop\":false,\"completion_probabilities\":[{\"token\":\" "
	    "b\","
	    "\"prob\":0.25,\"top_probs\":[{\"token\":\" b\",\"prob\":0.25},"
	    "{\"token\":\" c\",\"prob\":0.5}]}]}";
	oai_decode(s, strlen(s), &c);
	ngot = 0;
	CHECK_INT(lp_parse(c.choice, c.root, on_pos, NULL), 1);
	oai_clear(&c);
	CHECK_NEAR(got[0].tok.lp, log(0.25), 1e-12);
	CHECK_INT(lp_argmax(&got[0]), 1);
	CHECK_INT(got[0].tok.id, -1); /* no "id": not known */
}

/* OpenAI's completions shape, a stream captured in simonw/llm#284
 * (gpt-3.5-turbo-instruct); vLLM's CompletionLogProbs is the same
 * (vllm/entrypoints/openai/completion/protocol.py).  The alternatives are
 * an object, not sorted: the argmax is "Hello", not the chosen "Hi". */
static void test_legacy(void)
{
	CHECK_INT(
	    parse(
		"{\"id\":\"cmpl-8\",\"object\":\"text_completion\",\"choices\":"
		"[{\"text\":\"Hi\",\"index\":0,\"logprobs\":{\"tokens\":["
		"\"Hi\"],"
		"\"token_logprobs\":[-1.0273004],\"top_logprobs\":[{\"Hi\":-1."
		"0273004,"
		"\"Hello\":-0.73042536}],\"text_offset\":[18]},\"finish_"
		"reason\":null}],"
		"\"model\":\"gpt-3.5-turbo-instruct\"}",
		0),
	    1);
	CHECK_STR(got[0].tok.tok, "Hi");
	CHECK_INT(got[0].ntop, 2);
	CHECK_STR(got[0].top[lp_argmax(&got[0])].tok, "Hello");
	/* its last chunk: empty lists are zero positions, not "none" */
	CHECK_INT(
	    parse("{\"choices\":[{\"text\":\"\",\"logprobs\":{\"tokens\":[],"
		  "\"token_logprobs\":[],\"top_logprobs\":[],\"text_offset\":[]"
		  "}}]}",
		  0),
	    0);
}

/* Ollama's native /api/chat line: api/types.go ChatResponse.Logprobs
 * (v0.33.0-rc2), a list of {token, logprob, bytes, top_logprobs}. */
static void test_ollama_native(void)
{
	CHECK_INT(parse("{\"model\":\"m\",\"message\":{\"role\":\"assistant\","
			"\"content\":"
			"\"Hi\"},\"done\":false,\"logprobs\":[{\"token\":"
			"\"Hi\",\"logprob\":-0.2,"
			"\"top_logprobs\":[{\"token\":\"Hi\",\"logprob\":-0.2},"
			"{\"token\":\"Yo\","
			"\"logprob\":-1.8}]}]}",
			1),
		  1);
	CHECK_INT(got[0].ntop, 2);
}

static struct lp_pos mk(const char *tok, int n, const char *const *t,
			const double *p)
{
	struct lp_pos x;

	memset(&x, 0, sizeof x);
	x.tok.id = -1;
	snprintf(x.tok.tok, sizeof x.tok.tok, "%s", tok);
	for (int i = 0; i < n; i++) {
		snprintf(x.top[i].tok, sizeof x.top[i].tok, "%s", t[i]);
		x.top[i].lp = log(p[i]);
		if (strcmp(t[i], tok) == 0)
			x.tok.lp = x.top[i].lp;
	}
	x.ntop = n;
	return x;
}

/* KL against values computed by hand (docs/metrics.md's estimator). */
static void test_kl(void)
{
	static const char *const ab[] = {"a", "b"}, *const ac[] = {"a", "c"},
				 *const ba[] = {"b", "a"};
	static const double p[] = {0.5, 0.3}, q[] = {0.4, 0.4},
			    q2[] = {0.4, 0.4}, pr[] = {0.3, 0.5};
	struct lp_pos r = mk("a", 2, ab, p), c = mk("a", 2, ab, q),
		      d = mk("a", 2, ac, q2);
	struct lp_pos e = mk("a", 2, ba, pr);

	CHECK_NEAR(lp_kl_topk(&r, &r), 0, 1e-12);
	/* 0.5 ln(0.5/0.4) + 0.3 ln(0.3/0.4) + 0.2 ln(0.2/0.2) */
	CHECK_NEAR(lp_kl_topk(&r, &c), 0.0252672, 1e-6);
	/* c only in the candidate's list: cells {a}, rest 0.5 against 0.6 */
	CHECK_NEAR(lp_kl_topk(&r, &d), 0.0204110, 1e-6);
	/* the true KL of p = (.5,.3,.1,.1), q = (.4,.4,.15,.05) is 0.054035:
	 * the estimate from the top 2 is below it */
	CHECK(lp_kl_topk(&r, &c) <= 0.054035);
	CHECK_INT(lp_top1_agree(&r, &c), 1); /* a ties b in c: the first wins */
	CHECK_INT(lp_top1_agree(&r, &e), 1); /* order does not matter */
	/* round trip through the event's form */
	jw w;
	cJSON *o;
	struct lp_pos back;
	jw_init(&w);
	lp_write(&w, &d);
	o = cJSON_Parse(jw_cstr(&w));
	CHECK_INT(lp_read(o, &back), 0);
	CHECK_STR(back.top[1].tok, "c");
	CHECK_NEAR(back.top[1].lp, log(0.4), 1e-6);
	CHECK_INT(back.tok.id, -1);
	CHECK(cJSON_GetObjectItem(o, "id") == NULL); /* unknown: not written */
	cJSON_Delete(o);
	jw_free(&w);
	/* a known id goes through */
	d.tok.id = 4711;
	jw_init(&w);
	lp_write(&w, &d);
	o = cJSON_Parse(jw_cstr(&w));
	CHECK_INT(lp_read(o, &back), 0);
	CHECK_INT(back.tok.id, 4711);
	cJSON_Delete(o);
	jw_free(&w);
}

/* A run's events, made by hand: tokens per prompt, every position's
 * alternatives a (0.6) and b (0.4), or with flip, b (0.6) and a (0.4). */
static void feed(struct lpq_run *r, const char *family, const char *toks,
		 int flip_at)
{
	char line[4096];
	int n = snprintf(line, sizeof line,
			 "{\"ev\":\"run\",\"model\":\"m\",\"labels\":"
			 "{\"family\":\"%s\"},\"config\":{\"logprobs\":2}}",
			 family);
	cJSON *o = cJSON_Parse(line);

	lpq_event(r, o);
	cJSON_Delete(o);
	o = cJSON_Parse(
	    "{\"ev\":\"req\",\"id\":1,\"prompt\":\"p\",\"warmup\":false}");
	lpq_event(r, o);
	cJSON_Delete(o);
	n = snprintf(line, sizeof line,
		     "{\"ev\":\"done\",\"id\":1,\"status\":\"ok\","
		     "\"logprobs\":{\"given\":\"all\",\"content\":[");
	for (int i = 0; toks[i]; i++)
		n += snprintf(line + n, sizeof line - (size_t)n,
			      "%s{\"t\":\"%c\",\"lp\":-0.5,"
			      "\"top\":[[\"a\",%f],[\"b\",%f]]}",
			      i ? "," : "", toks[i],
			      log(i >= flip_at ? 0.4 : 0.6),
			      log(i >= flip_at ? 0.6 : 0.4));
	snprintf(line + n, sizeof line - (size_t)n, "]}}");
	o = cJSON_Parse(line);
	lpq_event(r, o);
	cJSON_Delete(o);
}

static void test_compare(void)
{
	struct lpq_run ref, cand, other;
	struct lpq_result q;
	char why[256];

	lpq_init(&ref), lpq_init(&cand), lpq_init(&other);
	feed(&ref, "f", "aaaa", 99);
	feed(&cand, "f", "aaba", 2); /* diverges at 2: positions 0, 1, 2 */
	CHECK_INT(lpq_compare(&ref, &cand, &q, why, sizeof why), 0);
	CHECK_INT(q.prompts, 1);
	CHECK_INT(q.positions, 3);
	CHECK_NEAR(q.top1, 2.0 / 3, 1e-9);
	/* one position of KL(.6,.4 || .4,.6) = 0.2 ln 1.5, two of 0 */
	CHECK_NEAR(q.kl, 0.2 * log(1.5) / 3, 1e-6);
	CHECK_NEAR(q.div_median, 2, 1e-9);
	CHECK_INT(q.diverged, 1);
	feed(&other, "g", "aaaa", 99);
	CHECK_INT(lpq_compare(&ref, &other, &q, why, sizeof why), -1);
	CHECK(strstr(why, "family") != NULL);
	lpq_free(&ref), lpq_free(&cand), lpq_free(&other);
}

/* llmsim's truth: a distribution, the reference at noise 0, a KL of 0
 * against itself, and a nonce that does not change the key. */
static void test_simlp(void)
{
	double p[SIMLP_V], q[SIMLP_V], sum = 0;
	uint64_t k = simlp_key("fam", "hello", 5);

	simlp_dist(k, 3, 0, 0, p);
	for (int j = 0; j < SIMLP_V; j++)
		sum += exp(p[j]);
	CHECK_NEAR(sum, 1, 1e-12);
	simlp_dist(k, 3, 0, simlp_noise_key("x"), q);
	CHECK_NEAR(simlp_kl(p, q), 0, 1e-15);
	simlp_dist(k, 3, 0.5, simlp_noise_key("x"), q);
	CHECK(simlp_kl(p, q) > 0);
	CHECK(simlp_key("fam", "[r1-1] hello", 12) == k);
	CHECK(simlp_key("other", "hello", 5) != k);
}

/* vLLM's return_tokens_as_token_ids (chat_completion/serving.py,
 * _create_chat_logprobs; completion's _decode_token): every token, chosen
 * and alternative, reads "token_id:N", the id llama-server gives as "id".
 * Only that exact form is an id: other text keeps -1. */
static void test_vllm_token_ids(void)
{
	CHECK_INT(
	    parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
		  "\"logprobs\":{\"content\":[{\"token\":\"token_id:9906\","
		  "\"logprob\":-0.1,\"bytes\":[116],\"top_logprobs\":[{"
		  "\"token\":\"token_id:9906\",\"logprob\":-0.1},{\"token\":"
		  "\"token_id:0\",\"logprob\":-2.5}]},{\"token\":"
		  "\"token_id:12x\",\"logprob\":-0.2},{\"token\":"
		  "\"token_id:99999999999\",\"logprob\":-0.3},{\"token\":"
		  "\"token_id:\",\"logprob\":-0.4}]},\"finish_reason\":null}]}",
		  0),
	    4);
	CHECK_INT(got[0].tok.id, 9906);
	CHECK_INT(got[0].top[0].id, 9906);
	CHECK_INT(got[0].top[1].id, 0);
	CHECK_INT(got[1].tok.id, -1);
	CHECK_INT(got[2].tok.id, -1);
	CHECK_INT(got[3].tok.id, -1);
	CHECK_INT(
	    parse("{\"choices\":[{\"text\":\"a\",\"logprobs\":{\"tokens\":["
		  "\"token_id:42\"],\"token_logprobs\":[-0.5],\"top_logprobs\":"
		  "[{\"token_id:42\":-0.5,\"token_id:7\":-1.5}]}}]}",
		  0),
	    1);
	CHECK_INT(got[0].tok.id, 42);
	CHECK_INT(got[0].top[1].id, 7);
}

int main(void)
{
	RUN(test_openai_chat);
	RUN(test_llama_server);
	RUN(test_legacy);
	RUN(test_vllm_token_ids);
	RUN(test_ollama_native);
	RUN(test_kl);
	RUN(test_compare);
	RUN(test_simlp);
	return DONE();
}
