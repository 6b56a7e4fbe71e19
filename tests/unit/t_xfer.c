/* Unit tests for src/gen/xfer: libcurl's result in resp's terms, and the
 * fields of a request's events. */
#include <errno.h>

#include "tap.h"

#include "xfer.h"

static const struct xfer_conf conf = {
    .url = "http://127.0.0.1:1/v1/chat/completions",
    .run_id = "r1",
    .api_key = "",
    .t_connect = 1};

static char *body(void)
{
	return strdup("{}");
}

/* No connection, the machine's descriptors, a timeout: said apart. */
static void test_classify(void)
{
	struct xfer *x = xfer_new(&conf, 1, body());

	CHECK(x != NULL);
	xfer_classify(x, CURLE_COULDNT_CONNECT, 1);
	CHECK_INT(x->r.status, FMT_ST_CONNECT);
	xfer_free(x);

	x = xfer_new(&conf, 2, body());
	x->sock_errno = EMFILE;
	xfer_classify(x, CURLE_COULDNT_CONNECT, 1);
	CHECK_INT(x->r.status, FMT_ST_CONNECT);
	CHECK(strncmp(x->r.err, "out of file descriptors on this machine",
		      39) == 0);
	xfer_free(x);

	x = xfer_new(&conf, 3, body());
	xfer_classify(x, CURLE_OPERATION_TIMEDOUT, 1);
	CHECK_INT(x->r.status, FMT_ST_TIMEOUT);
	xfer_free(x);
	CHECK(xfer_new(&conf, 4, NULL) == NULL);
}

static void test_events(void)
{
	char name[] = "short", text[] = "hello", cat[] = "c";
	struct prompt p = {.name = name, .text = text, .category = cat};
	struct xfer *x = xfer_new(&conf, 7, body());
	jw w;

	x->rep = 2;
	jw_init(&w);
	jw_obj_open(&w, NULL);
	xfer_write_req(&w, x, &p, 100);
	jw_obj_close(&w);
	CHECK(
	    strstr(jw_cstr(&w),
		   "\"id\":7,\"prompt\":\"short\",\"category\":\"c\",\"rep\":2,"
		   "\"warmup\":false") != NULL);
	CHECK(strstr(jw_cstr(&w), "\"max_tokens\":100,\"prompt_bytes\":5") !=
	      NULL);
	jw_free(&w);
	xfer_free(x);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	RUN(test_classify);
	RUN(test_events);
	curl_global_cleanup();
	return DONE();
}
