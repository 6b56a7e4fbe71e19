/* Unit tests for lib/verdict: every verdict's written names, both ways
 * where a reader reads them back, and what a reader makes of a name it
 * does not know. */
#include "tap.h"

#include "verdict.h"

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

int main(void)
{
	RUN(test_leak);
	return DONE();
}
