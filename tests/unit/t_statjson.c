/* Unit tests for src/agg/statjson: the statistics objects of the run JSON. */
#include "tap.h"

#include "statjson.h"

static void test_vec_and_hist(void)
{
	static const double p[] = {50, 99};
	const struct statjson_pcts pc = {p, 2};
	struct stats_vec v = {0};
	struct stats_hist h;
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	for (int i = 1; i <= 4; i++)
		stats_push(&v, i);
	statjson_vec(&w, "x", &v, 2, &pc);
	statjson_vec(&w, "empty", &(struct stats_vec){0}, 2, &pc);
	stats_hist_init(&h);
	stats_hist_add(&h, 0.5, 1);
	statjson_hist(&w, "itl", &h, &pc);
	jw_obj_close(&w);
	/* 1..4: mean 2.5, sd 1.29; p50 rank 2, p99 rank 4; CI t95(3) 3.182 */
	CHECK_STR(jw_cstr(&w),
		  "{\"x\":{\"n\":4,\"mean\":2.50,\"stddev\":1.29,\"min\":1.00,"
		  "\"max\":4.00,\"p50\":2.00,\"p99\":4.00,\"cv\":0.5164,\"ci95_"
		  "lo\":0.45,"
		  "\"ci95_hi\":4.55},\"empty\":null,\"itl\":{\"n\":1.0,"
		  "\"mean\":0.500000,"
		  "\"min\":0.500000,\"max\":0.500000,\"p50\":0.500000,\"p99\":"
		  "0.500000,"
		  "\"method\":\"log histogram, 1% buckets\"}}");
	stats_vec_free(&v);
	jw_free(&w);
}

int main(void)
{
	RUN(test_vec_and_hist);
	return DONE();
}
