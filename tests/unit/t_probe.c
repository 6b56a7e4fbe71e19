/* Unit tests for src/gen/probe against a canned HTTP peer forked here:
 * llama-server found by its /props (context, version, model size from
 * /v1/models), /health's status, and nothing answering at all. */
#include "tap.h"

#include <curl/curl.h>
#include <stdio.h>

#include "canned.h"
#include "probe.h"

static void test_llamacpp(void)
{
	static const struct canned t[] = {
	    {"/props", 200,
	     "{\"default_generation_settings\":{\"n_ctx\":8192},"
	     "\"build_info\":\"b7000-abc1234\",\"model_path\":\"/m/"
	     "tiny.gguf\"}"},
	    {"/v1/models", 200,
	     "{\"data\":[{\"id\":\"tiny\",\"meta\":{\"size\":123456789,"
	     "\"n_ctx_train\":32768}}]}"},
	    {"/health", 503, "{\"error\":{\"message\":\"Loading model\"}}"},
	};
	char base[64];
	struct probe p;
	struct srv_info in;
	int port = 0;
	pid_t pid = canned_peer(t, 3, &port);

	CHECK(pid > 0);
	if (pid <= 0)
		return;
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
	probe_init(&p, base, "", "tiny", NULL);
	CHECK_INT(probe_detect(&p, &in), 0);
	CHECK_INT(in.kind, SRV_LLAMACPP);
	CHECK_STR(probe_kind_name(in.kind), "llamacpp");
	CHECK_INT(in.ctx, 8192);
	CHECK_INT(in.ctx_train, 32768);
	CHECK_STR(in.version, "b7000-abc1234");
	CHECK_STR(in.model, "/m/tiny.gguf");
	CHECK(in.model_bytes == 123456789);
	CHECK_INT(in.simulated, 0);
	CHECK_INT(probe_health(&p), 503);
	canned_stop(pid);
}

static void test_nothing(void)
{
	struct probe p;
	struct srv_info in;
	int port = 0;
	pid_t pid = canned_peer(NULL, 0, &port); /* a port, then nobody on it */

	CHECK(pid > 0);
	if (pid <= 0)
		return;
	canned_stop(pid);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
	probe_init(&p, base, "", "m", NULL);
	CHECK_INT(probe_detect(&p, &in), -1);
	CHECK_INT(in.kind, SRV_UNKNOWN);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	RUN(test_llamacpp);
	RUN(test_nothing);
	curl_global_cleanup();
	return DONE();
}
