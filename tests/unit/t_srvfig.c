/* Unit tests of lib/srvfig: each server's own figures on the client's
 * definitions, from done events in each server's shape. */
#include "tap.h"

#include <cJSON.h>

#include "srvfig.h"

static struct srvfig f;

static void read_json(const char *s)
{
	cJSON *j = cJSON_Parse(s);

	srvfig_read(j, &f);
	cJSON_Delete(j);
}

static void test_llama_server(void)
{
	/* b10587's timings: predicted_per_second is already (n - 1) / span */
	read_json("{\"timings\":{\"prompt_n\":20,\"prompt_ms\":40.0,\"prompt_"
		  "per_second\":500,"
		  "\"predicted_n\":11,\"predicted_ms\":100.0,\"predicted_per_"
		  "second\":100.0}}");
	CHECK_NEAR(f.decode_tps, 100, 1e-9);
	CHECK_NEAR(f.prefill_tps, 500, 1e-9);
	CHECK_NEAR(f.ttft_s, 0.040, 1e-12);
	CHECK_STR(f.source, "llama-server timings.predicted_per_second");
}

static void test_lmstudio(void)
{
	read_json("{\"stats\":{\"tokens_per_second\":41.8,\"time_to_first_"
		  "token\":0.075}}");
	CHECK_NEAR(f.decode_tps, 41.8, 1e-9);
	CHECK_NEAR(f.ttft_s, 0.075, 1e-12);
	CHECK(f.prefill_tps < 0);
}

static void test_ollama_runners(void)
{
	/* llama-server runner: 11 tokens over the 10 steps after the first,
	 * 100 ms: 100 tok/s as the client counts, not 110 */
	read_json("{\"ollama\":{\"eval_count\":11,\"eval_duration\":100000000,"
		  "\"prompt_eval_count\":50,\"prompt_eval_duration\":25000000,"
		  "\"runner\":\"llama-server\"}}");
	CHECK_NEAR(f.decode_tps, 100, 1e-9);
	CHECK_NEAR(f.prefill_tps, 2000, 1e-9);
	CHECK_NEAR(f.ttft_s, 0.025, 1e-12);
	CHECK_STR(
	    f.source,
	    "Ollama (llama-server runner) (eval_count - 1) / eval_duration");
	/* no runner named (an event of an older gen): llama-server's */
	read_json(
	    "{\"ollama\":{\"eval_count\":11,\"eval_duration\":100000000}}");
	CHECK_NEAR(f.decode_tps, 100, 1e-9);
	/* MLX runner: every step timed, EOS not counted */
	read_json("{\"ollama\":{\"eval_count\":10,\"eval_duration\":100000000,"
		  "\"runner\":\"mlx\"}}");
	CHECK_NEAR(f.decode_tps, 100, 1e-9);
	/* one token: no decode step to time */
	read_json("{\"ollama\":{\"eval_count\":1,\"eval_duration\":1000}}");
	CHECK(f.decode_tps < 0);
	CHECK(f.source == NULL);
}

static void test_vllm(void)
{
	/* tokens_per_second counts the prefill: not taken */
	read_json("{\"metrics\":{\"time_to_first_token_ms\":30.0,\"generation_"
		  "time_ms\":90.0,"
		  "\"queue_time_ms\":1.0,\"mean_itl_ms\":10.0,\"tokens_per_"
		  "second\":83.3}}");
	CHECK_NEAR(f.decode_tps, 100, 1e-9);
	CHECK_NEAR(f.ttft_s, 0.030, 1e-12);
	CHECK_STR(f.source, "vLLM metrics 1000 / mean_itl_ms");
	read_json("{\"metrics\":{\"time_to_first_token_ms\":30.0,\"mean_itl_"
		  "ms\":null}}");
	CHECK(f.decode_tps < 0);
}

static void test_none(void)
{
	read_json("{\"usage\":{\"completion_tokens\":5}}");
	CHECK(f.decode_tps < 0 && f.prefill_tps < 0 && f.ttft_s < 0);
	CHECK(f.source == NULL);
	srvfig_read(NULL, &f);
	CHECK(f.decode_tps < 0);
}

int main(void)
{
	RUN(test_llama_server);
	RUN(test_lmstudio);
	RUN(test_ollama_runners);
	RUN(test_vllm);
	RUN(test_none);
	return DONE();
}
