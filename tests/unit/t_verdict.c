/* Unit tests for lib/verdict: every verdict's written names, both ways
 * where a reader reads them back, and what a reader makes of a name it
 * does not know. */
#include "tap.h"

#include "verdict.h"

/* The sustained-speed verdicts as agg writes them and the report reads
 * them. */
static void test_sustain(void)
{
	int i;

	for (i = 0; i < VD_SUS_OTHER; i++)
		CHECK_INT((int)verdict_sustain_of(
			      verdict_sustain_name((enum verdict_sustain)i)),
			  i);
	CHECK_STR(verdict_sustain_name(VD_SUS_SPED_UP), "sped up");
	CHECK_INT(verdict_sustain_of("slow"), VD_SUS_OTHER);
	CHECK_INT(verdict_sustain_of(NULL), VD_SUS_OTHER);
}

/* The leak verdicts as agg writes them and the report reads them. */
static void test_leak(void)
{
	int i;

	for (i = 0; i < VD_LEAK_OTHER; i++)
		CHECK_INT(
		    verdict_leak_of(verdict_leak_name((enum verdict_leak)i)),
		    i);
	CHECK_STR(verdict_leak_name(VD_LEAK_SUSPECTED), "leak suspected");
	CHECK_STR(verdict_leak_name(VD_LEAK_FEW), "insufficient data");
	CHECK_INT(verdict_leak_of("no leak"), VD_LEAK_NONE);
	CHECK_INT(verdict_leak_of("leak"), VD_LEAK_OTHER);
	CHECK_INT(verdict_leak_of(NULL), VD_LEAK_OTHER);
}

/* An objective's verdict names (a run JSON's), both ways. */
static void test_slo(void)
{
	for (int v = VD_SLO_HELD; v <= VD_SLO_UNDECIDED; v++)
		CHECK_INT(verdict_slo_of(verdict_slo_name((enum verdict_slo)v)),
			  v);
	CHECK_STR(verdict_slo_name(VD_SLO_BROKE), "broke");
	CHECK_INT(verdict_slo_of("held"), VD_SLO_HELD);
	CHECK_INT(verdict_slo_of(NULL), VD_SLO_UNDECIDED);
	CHECK_INT(verdict_slo_of("melted"), VD_SLO_UNDECIDED);
}

/* A paired comparison's verdict. */
static void test_cmp(void)
{
	CHECK_STR(verdict_cmp_name(VD_BETTER), "better");
	CHECK_STR(verdict_cmp_name(VD_WORSE), "worse");
	CHECK_STR(verdict_cmp_name(VD_TIE), "tie");
	CHECK_INT(VD_TIE, 0); /* a comparison zeroed is a tie until tested */
}

/* A quantization's quality verdict, as the report's tables name it. */
static void test_quality(void)
{
	CHECK_STR(verdict_quality_name(VD_Q_UNMEASURED), "not measured");
	CHECK_STR(verdict_quality_name(VD_Q_REFERENCE), "reference");
	CHECK_STR(verdict_quality_name(VD_Q_WITHIN), "within budget");
	CHECK_STR(verdict_quality_name(VD_Q_EXCEEDS), "exceeds budget");
}

/* A plan workload's outcome, as matrix.sh writes it and the report reads
 * it. */
static void test_outcome(void)
{
	for (int v = VD_OUT_OK; v < VD_OUT_OTHER; v++)
		CHECK_INT(verdict_outcome_of(
			      verdict_outcome_name((enum verdict_outcome)v)),
			  v);
	CHECK_STR(verdict_outcome_name(VD_OUT_FAILED), "failed");
	CHECK_INT(verdict_outcome_of("skipped"), VD_OUT_SKIPPED);
	CHECK_INT(verdict_outcome_of("OK"), VD_OUT_OTHER);
	CHECK_INT(verdict_outcome_of(NULL), VD_OUT_OTHER);
}

/* check-server's verdict of a check, as its lines print it. */
static void test_check(void)
{
	CHECK_STR(verdict_check_name(VD_CHECK_OK), "ok");
	CHECK_STR(verdict_check_name(VD_CHECK_FAIL), "FAIL");
	CHECK_STR(verdict_check_name(VD_CHECK_NA), "n/a");
}

int main(void)
{
	RUN(test_leak);
	RUN(test_sustain);
	RUN(test_slo);
	RUN(test_cmp);
	RUN(test_quality);
	RUN(test_outcome);
	RUN(test_check);
	return DONE();
}
