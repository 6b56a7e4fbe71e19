/* Unit tests of lib/sim: the timing model, tokens, cache, profiles. */
#include "tap.h"
#include "sim.h"

static void test_timing_model(void)
{
	struct sim_profile p;

	sim_profile_default(&p);
	p.ttft_s = 0.05;
	p.prefill_tps = 1000;
	p.decode_tps = 40;
	p.batch_k = 0.25;
	CHECK_NEAR(sim_ttft(&p, 100), 0.15, 1e-12);
	CHECK_NEAR(sim_ttft(&p, 0), 0.05, 1e-12);
	CHECK_NEAR(sim_rate(&p, 1), 40, 1e-12);
	CHECK_NEAR(sim_rate(&p, 5), 20, 1e-12); /* 40 / (1 + 0.25 * 4) */
	/* Aggregate n * r(n) rises with n but saturates at decode / k. */
	CHECK(4 * sim_rate(&p, 4) > 2 * sim_rate(&p, 2));
	CHECK(1000 * sim_rate(&p, 1000) < 40 / 0.25);
	CHECK_NEAR(sim_gap(&p, 1, 1, 0), 0.025, 1e-12);
	CHECK_NEAR(sim_gap(&p, 1, 4, 0), 0.1, 1e-12);
	p.jitter = 0.1;
	CHECK_NEAR(sim_gap(&p, 1, 1, 1), 0.0275, 1e-12);
	CHECK_NEAR(sim_gap(&p, 1, 1, -1), 0.0225, 1e-12);
	p.decode_tps = 0; /* unpaced */
	CHECK_NEAR(sim_gap(&p, 1, 1, 0.5), 0, 0);
}

/* The throttling profile: its factor from slow_after_s on, never before,
 * and never with a factor of 0 (the default); out-of-range values are
 * refused. */
static void test_slow(void)
{
	struct sim_profile p;
	char err[200];

	sim_profile_default(&p);
	CHECK_NEAR(sim_slow(&p, 1e6), 1, 0);
	p.slow_after_s = 30;
	p.slow_factor = 0.8;
	CHECK_NEAR(sim_slow(&p, 29.999), 1, 0);
	CHECK_NEAR(sim_slow(&p, 30), 0.8, 0);
	CHECK_NEAR(sim_slow(&p, 1000), 0.8, 0);
	CHECK_INT(sim_profile_check(&p, err, sizeof err), 0);
	p.slow_factor = 1.5;
	CHECK_INT(sim_profile_check(&p, err, sizeof err), -1);
	p.slow_factor = 0.5;
	p.slow_after_s = -1;
	CHECK_INT(sim_profile_check(&p, err, sizeof err), -1);
}

static void test_prompt_tokens(void)
{
	CHECK_INT(sim_prompt_tokens("", 0), 1);
	CHECK_INT(sim_prompt_tokens("abcd", 4), 1);
	CHECK_INT(sim_prompt_tokens("abcde", 5), 2);
	CHECK_INT(sim_prompt_tokens("量子计算", 12), 4);
	CHECK_INT(sim_prompt_tokens("hi 量子", 9), 3);
}

static void test_rng_deterministic(void)
{
	struct sim_rng a, b;
	int i, same = 1, in_range = 1;

	sim_rng_seed(&a, 42);
	sim_rng_seed(&b, 42);
	for (i = 0; i < 1000; i++) {
		double u = sim_rng_sym(&a);
		if (u != sim_rng_sym(&b))
			same = 0;
		if (u < -1 || u >= 1)
			in_range = 0;
	}
	CHECK(same);
	CHECK(in_range);
	CHECK_STR(sim_token_text(7, 3), sim_token_text(7, 3));
}

static void test_cache(void)
{
	struct sim_cache *c = sim_cache_new(2);

	CHECK_INT(sim_cache_lookup(c, "hello world", 11), 0);
	CHECK_INT(sim_cache_store(c, "hello world", 11), 0);
	CHECK_INT(sim_cache_lookup(c, "hello there", 11), 6);
	CHECK_INT(sim_cache_lookup(c, "hello world and more", 20), 11);
	CHECK_INT(sim_cache_lookup(c, "x hello", 7), 0);
	sim_cache_store(c, "second", 6);
	sim_cache_store(c, "third", 5); /* evicts "hello world" */
	CHECK_INT(sim_cache_lookup(c, "hello world", 11), 0);
	CHECK_INT(sim_cache_lookup(c, "thirds", 6), 5);
	sim_cache_free(c);
}

static void test_profile_json(void)
{
	struct sim_profile p;
	char err[256] = "";
	cJSON *j = cJSON_Parse("{\"id\":\"m\",\"decode_tps\":45.73,\"slots\":4,"
			       "\"note\":\"x\",\"simulated\":true}");

	sim_profile_default(&p);
	CHECK_INT(sim_profile_from_json(&p, j, err, sizeof err), 0);
	CHECK_STR(p.id, "m");
	CHECK_NEAR(p.decode_tps, 45.73, 1e-12);
	CHECK_INT(p.slots, 4);
	CHECK_INT(p.chunk_tokens, 1); /* default kept */
	cJSON_Delete(j);

	j = cJSON_Parse("{\"slots\":2.5}");
	CHECK_INT(sim_profile_from_json(&p, j, err, sizeof err), -1);
	CHECK_STR(err, "\"slots\": want a whole number");
	cJSON_Delete(j);
	j = cJSON_Parse("{\"jitter\":1}");
	CHECK_INT(sim_profile_from_json(&p, j, err, sizeof err), -1);
	CHECK_STR(err, "profile \"m\": jitter must be in [0, 1)");
	cJSON_Delete(j);
	j = cJSON_Parse("{\"bogus\":1}");
	CHECK_INT(sim_profile_from_json(&p, j, err, sizeof err), -1);
	CHECK_STR(err, "unknown key \"bogus\"");
	cJSON_Delete(j);
	j = cJSON_Parse("[1]");
	CHECK_INT(sim_profile_from_json(&p, j, err, sizeof err), -1);
	cJSON_Delete(j);
}

int main(void)
{
	RUN(test_timing_model);
	RUN(test_slow);
	RUN(test_prompt_tokens);
	RUN(test_rng_deterministic);
	RUN(test_cache);
	RUN(test_profile_json);
	return DONE();
}
