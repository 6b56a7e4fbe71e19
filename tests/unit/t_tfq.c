/* Unit tests of src/agg/tfq: teacher-forced figures as llama-perplexity
 * --kl-divergence computes them (tools/perplexity/perplexity.cpp,
 * kl_divergence), on positions worked out by hand. */
#include "tap.h"
#include "tfq.h"

#include <math.h>

static void feed(struct tfq_run *r, const char *line)
{
	cJSON *o = cJSON_Parse(line);

	CHECK(o != NULL);
	tfq_event(r, o);
	cJSON_Delete(o);
}

/* A pass of one prompt "a" over 12 positions; each position's
 * distribution over tokens 0 and 1 is p0 then 1 - p0 (p0 alternating
 * between even and odd positions), forced token 0. */
static void pass(struct tfq_run *r, const char *family, long n_vocab,
		 double even, double odd, const char *text)
{
	char line[8192], *p = line;
	size_t left = sizeof line;
	int n;

	tfq_init(r);
	snprintf(line, sizeof line,
		 "{\"ev\":\"run\",\"model\":\"m\",\"labels\":{\"family\":"
		 "\"%s\"},\"config\":{\"logprobs\":2,\"teacher_force\":{}},"
		 "\"server\":{\"n_vocab\":%ld}}",
		 family, n_vocab);
	feed(r, line);
	feed(r, "{\"ev\":\"req\",\"id\":1,\"prompt\":\"a\"}");
	n = snprintf(p, left,
		     "{\"ev\":\"done\",\"id\":1,\"status\":\"ok\",\"tf\":{"
		     "\"given\":\"all\",\"top_min\":2,\"ctx\":[9],\"forced\":"
		     "[0,0,0,0,0,0,0,0,0,0,0,0],\"text\":\"%s\",\"content\":[",
		     text);
	for (int i = 0; i < 12; i++) {
		double q = i % 2 ? odd : even;
		p += n, left -= (size_t)n;
		n = snprintf(p, left,
			     "%s{\"lp\":%.12f,\"top\":[[0,%.12f],[1,%.12f]]}",
			     i ? "," : "", log(q), log(q), log(1 - q));
	}
	p += n, left -= (size_t)n;
	snprintf(p, left, "]}}");
	feed(r, line);
}

static void test_figures(void)
{
	struct tfq_run ref, cand;
	struct tfq_result q;
	char why[300];
	double a = -log(0.6), b = -log(0.4), m = (a + b) / 2;
	double se = sqrt(((a - b) / 2) * ((a - b) / 2) / 11);

	pass(&ref, "m", 1024, 0.5, 0.5, "t");
	pass(&cand, "m", 1024, 0.6, 0.4, "t");
	CHECK_INT(tfq_compare(&ref, &cand, &q, why, sizeof why), 0);
	CHECK_INT((int)q.positions, 12);
	CHECK_INT(q.exact, 1);
	/* .5 ln(.5/.6) + .5 ln(.5/.4) at every position: no spread */
	CHECK_NEAR(q.kl, 0.5 * log(0.5 / 0.6) + 0.5 * log(0.5 / 0.4), 1e-9);
	CHECK_NEAR(q.kl_se, 0, 1e-9);
	CHECK_NEAR(q.kl_p99, q.kl, 1e-9);
	/* the reference's .5/.5 tie goes to id 0: the odd positions differ */
	CHECK_INT((int)q.same, 6);
	CHECK_NEAR(q.ppl_ref, 2, 1e-9);
	CHECK_NEAR(q.ppl_cand, exp(m), 1e-9);
	/* the reference's side has no spread, so no covariance: u_c alone */
	CHECK_NEAR(q.dppl, exp(m) - 2, 1e-9);
	CHECK_NEAR(q.dppl_se, exp(m) * se, 1e-9);
	CHECK_NEAR(q.ln_ratio, m - log(2), 1e-9);
	CHECK_INT(q.tie, 0);
	tfq_free(&cand);
	/* the reference against itself: a tie */
	pass(&cand, "m", 1024, 0.5, 0.5, "t");
	CHECK_INT(tfq_compare(&ref, &cand, &q, why, sizeof why), 0);
	CHECK_NEAR(q.kl, 0, 1e-12);
	CHECK_INT(q.tie, 1);
	tfq_free(&cand);
	tfq_free(&ref);
}

static void test_refusals(void)
{
	struct tfq_run ref, cand;
	struct tfq_result q;
	char why[300];

	pass(&ref, "m", 1024, 0.5, 0.5, "t");
	pass(&cand, "other", 1024, 0.6, 0.4, "t");
	CHECK_INT(tfq_compare(&ref, &cand, &q, why, sizeof why), -1);
	CHECK(strstr(why, "family") != NULL);
	tfq_free(&cand);
	pass(&cand, "m", 32000, 0.6, 0.4, "t");
	CHECK_INT(tfq_compare(&ref, &cand, &q, why, sizeof why), -1);
	CHECK(strstr(why, "different vocabularies") != NULL);
	tfq_free(&cand);
	pass(&cand, "m", 1024, 0.6, 0.4, "u");
	CHECK_INT(tfq_compare(&ref, &cand, &q, why, sizeof why), -1);
	CHECK(strstr(why, "other text") != NULL);
	tfq_free(&cand);
	pass(&cand, "m", 1024, 0.6, 0.4, "t");
	cand.seq[0].forced[3] = 1;
	CHECK_INT(tfq_compare(&ref, &cand, &q, why, sizeof why), -1);
	CHECK(strstr(why, "same tokens") != NULL);
	cand.tf = 0;
	CHECK_INT(tfq_compare(&ref, &cand, &q, why, sizeof why), -1);
	CHECK(strstr(why, "not a teacher-forced run") != NULL);
	cand.tf = 1;
	cand.given[0] = 0, cand.given[2] = 1;
	CHECK_INT(tfq_compare(&ref, &cand, &q, why, sizeof why), -1);
	CHECK(strstr(why, "no probabilities") != NULL);
	tfq_free(&cand);
	tfq_free(&ref);
}

int main(void)
{
	RUN(test_figures);
	RUN(test_refusals);
	return DONE();
}
