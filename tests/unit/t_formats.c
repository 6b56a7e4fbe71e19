/* Unit tests for lib/formats: the names round-trip, unknown names are other. */
#include "tap.h"

#include "formats.h"

static void test_status(void)
{
	int i;

	for (i = 0; i < FMT_ST_OTHER; i++)
		CHECK_INT(formats_status_of(
			      formats_status_name((enum formats_status)i)),
			  i);
	CHECK_STR(formats_status_name(FMT_ST_CONNECT), "connect_error");
	CHECK_STR(formats_status_name(FMT_ST_ABORTED), "aborted");
	CHECK_INT(formats_status_of("nonsense"), FMT_ST_OTHER);
	CHECK_INT(formats_status_of(NULL), FMT_ST_OTHER);
	CHECK_STR(formats_status_name(FMT_ST_COUNT), "other");
}

static void test_timeout(void)
{
	int i;

	for (i = 0; i < FMT_TO_OTHER; i++)
		CHECK_INT(formats_timeout_of(
			      formats_timeout_name((enum formats_timeout)i)),
			  i);
	CHECK_STR(formats_timeout_name(FMT_TO_FIRST), "first");
	CHECK_INT(formats_timeout_of("idle"), FMT_TO_IDLE);
	CHECK_INT(formats_timeout_of("later"), FMT_TO_OTHER);
}

int main(void)
{
	RUN(test_status);
	RUN(test_timeout);
	return DONE();
}
