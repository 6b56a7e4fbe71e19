/* Unit tests for src/gen/endpoint: base URLs and API keys checked as given. */
#include "tap.h"

#include "endpoint.h"

static void test_url(void)
{
	char out[64], why[160];

	CHECK_INT(endpoint_url("http://localhost:1234/v1/", out, sizeof out,
			       why, sizeof why),
		  0);
	CHECK_STR(out, "http://localhost:1234/v1");
	CHECK_INT(endpoint_url("https://h.example/v1", out, sizeof out, why,
			       sizeof why),
		  0);
	CHECK_INT(endpoint_url("http://[::1]:8080/v1", out, sizeof out, why,
			       sizeof why),
		  0);
	CHECK_INT(endpoint_url("http://127.0.0.1/v1", out, sizeof out, why,
			       sizeof why),
		  0);
	CHECK_INT(endpoint_url("ftp://x/v1", out, sizeof out, why, sizeof why),
		  -1);
	CHECK_INT(endpoint_url("http://", out, sizeof out, why, sizeof why),
		  -1);
	CHECK_STR(why, "no host");
	CHECK_INT(
	    endpoint_url("http://:80/v1", out, sizeof out, why, sizeof why),
	    -1);
	CHECK_INT(
	    endpoint_url("http://h:99999/v1", out, sizeof out, why, sizeof why),
	    -1);
	CHECK(strstr(why, "1 to 65535") != NULL);
	CHECK_INT(
	    endpoint_url("http://h:0/v1", out, sizeof out, why, sizeof why),
	    -1);
	CHECK_INT(
	    endpoint_url("http://h:12x/v1", out, sizeof out, why, sizeof why),
	    -1);
	CHECK_INT(
	    endpoint_url("http://h:/v1", out, sizeof out, why, sizeof why), -1);
	CHECK_INT(endpoint_url("http://alice:pw@h/v1", out, sizeof out, why,
			       sizeof why),
		  -1);
	CHECK(strstr(why, "pw") == NULL); /* the reason never repeats it */
	CHECK_INT(
	    endpoint_url("http://h/v1?x=a@b", out, sizeof out, why, sizeof why),
	    0);
	CHECK_INT(
	    endpoint_url(
		"http://a-very-long-host-name-that-does-not-fit.example/v1",
		out, 32, why, sizeof why),
	    -1);
}

static void test_key(void)
{
	char why[160], line[] = "sk-abc\r\nsecond line\n";

	CHECK_INT(endpoint_key_check("sk-abc", 511, why, sizeof why), 0);
	CHECK_INT(endpoint_key_check("", 511, why, sizeof why), -1);
	CHECK_INT(endpoint_key_check("sk-a\r\nX-Evil: 1", 511, why, sizeof why),
		  -1);
	CHECK(strstr(why, "HTTP header") != NULL && strstr(why, "sk-") == NULL);
	CHECK_INT(endpoint_key_check("has space", 511, why, sizeof why), -1);
	CHECK_INT(endpoint_key_check("abcdef", 5, why, sizeof why), -1);
	CHECK_STR(why, "the key is longer than 5 bytes");
	CHECK_STR(endpoint_key_line(line), "sk-abc");
}

int main(void)
{
	RUN(test_url);
	RUN(test_key);
	return DONE();
}
