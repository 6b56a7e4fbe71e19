/* Unit tests for lib/formats: the names round-trip, unknown names are other. */
#include "tap.h"

#include "formats.h"

static void test_status(void)
{
	int i;

	for (i = 0; i < ST_OTHER; i++)
		CHECK_INT(fmt_status_of(fmt_status_name((enum fmt_status)i)), i);
	CHECK_STR(fmt_status_name(ST_CONNECT), "connect_error");
	CHECK_STR(fmt_status_name(ST_ABORTED), "aborted");
	CHECK_INT(fmt_status_of("nonsense"), ST_OTHER);
	CHECK_INT(fmt_status_of(NULL), ST_OTHER);
	CHECK_STR(fmt_status_name(ST_COUNT), "other");
}

static void test_timeout(void)
{
	int i;

	for (i = 0; i < TO_OTHER; i++)
		CHECK_INT(fmt_timeout_of(fmt_timeout_name((enum fmt_timeout)i)), i);
	CHECK_STR(fmt_timeout_name(TO_FIRST), "first");
	CHECK_INT(fmt_timeout_of("idle"), TO_IDLE);
	CHECK_INT(fmt_timeout_of("later"), TO_OTHER);
}

/* The leak verdicts as agg writes them and the report reads them. */
static void test_leak(void)
{
	int i;

	for (i = 0; i < LEAK_OTHER; i++)
		CHECK_INT(fmt_leak_of(fmt_leak_name((enum fmt_leak)i)), i);
	CHECK_STR(fmt_leak_name(LEAK_SUSPECTED), "leak suspected");
	CHECK_STR(fmt_leak_name(LEAK_FEW), "insufficient data");
	CHECK_INT(fmt_leak_of("no leak"), LEAK_NONE);
	CHECK_INT(fmt_leak_of("leak"), LEAK_OTHER);
	CHECK_INT(fmt_leak_of(NULL), LEAK_OTHER);
}

int main(void)
{
	RUN(test_status);
	RUN(test_timeout);
	RUN(test_leak);
	return DONE();
}
