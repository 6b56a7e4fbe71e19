/* Unit tests of estate: the machine's state at an entry's start from
 * memsample's power events: the latest sample wins, the hottest sensor,
 * unknown as null, other lines passed over. */
#include "tap.h"
#include "estate.h"

static void test_state(void)
{
	struct estate s;
	char buf[200];

	estate_init(&s);
	CHECK_STR(estate_json(&s, buf, sizeof buf),
		  "\"thermal\":null,\"temp_c\":null,\"throttled\":null");
	estate_line(&s, "{\"ev\":\"mem\",\"t\":1,\"rss_bytes\":5}");
	estate_line(&s, "not json");
	estate_line(&s,
		    "{\"ev\":\"power\",\"t\":1,\"unknown\":{\"rapl\":\"x\"}}");
	CHECK_INT(s.samples, 1);
	CHECK_STR(estate_json(&s, buf, sizeof buf),
		  "\"thermal\":null,\"temp_c\":null,\"throttled\":null");
	estate_line(&s, "{\"ev\":\"power\",\"t\":2,\"temp_c\":{\"a\":40.25,"
			"\"b\":55.5},\"thermal\":\"fair\",\"throttled\":true}");
	estate_line(&s, "{\"ev\":\"power\",\"t\":3,\"temp_c\":{\"a\":41},"
			"\"thermal\":\"serious\",\"throttled\":false}");
	CHECK_INT(s.samples, 3);
	CHECK_STR(
	    estate_json(&s, buf, sizeof buf),
	    "\"thermal\":\"serious\",\"temp_c\":41.0,\"throttled\":false");
}

int main(void)
{
	RUN(test_state);
	return DONE();
}
