/* Unit tests for src/agg/evacc: events to per-request records, what cannot be
 * true marked, and the errors that stop a run's reading. */
#include <cJSON.h>

#include "tap.h"

#include "evacc.h"

static int feed(struct evacc *a, const char *json)
{
	cJSON *ev = cJSON_Parse(json);
	int rc = evacc_event(a, ev, "f.nd", 7);

	cJSON_Delete(ev);
	return rc;
}

static int warned;
static void on_warn(void *ctx, const char *file, long line, const char *why)
{
	(void)ctx, (void)file, (void)line, (void)why;
	warned++;
}

/* A request from req to done: times, tokens, gaps folded into ITL. */
static void test_request(void)
{
	struct evacc a;

	evacc_init(&a, 0);
	CHECK_INT(feed(&a, "{\"ev\":\"run\",\"t\":1,\"format\":\"tokbench-"
			   "events\",\"version\":1,\"run_id\":\"r\"}"),
		  0);
	CHECK_INT(feed(&a, "{\"ev\":\"req\",\"t\":10,\"id\":5,\"prompt\":\"p\","
			   "\"expect\":\"^a\"}"),
		  0);
	CHECK_INT(
	    feed(&a, "{\"ev\":\"tok\",\"t\":10.5,\"id\":5,\"ch\":\"content\"}"),
	    0);
	CHECK_INT(
	    feed(&a, "{\"ev\":\"tok\",\"t\":10.7,\"id\":5,\"ch\":\"content\"}"),
	    0);
	CHECK_INT(feed(&a, "{\"ev\":\"done\",\"t\":11,\"id\":5,\"status\":"
			   "\"ok\",\"text\":\"ab\","
			   "\"tokens\":{\"content\":2}}"),
		  0);
	CHECK_INT((int)a.n_reqs, 1);
	CHECK_INT((int)a.reqs[0].id, 5);
	CHECK_NEAR(a.reqs[0].t_first_tok, 10.5, 0);
	CHECK_INT((int)a.reqs[0].out_tokens, 2);
	CHECK_INT(a.reqs[0].quality, 1);
	CHECK(a.reqs[0].bad == NULL);
	CHECK_STR(a.prompts[0].sample, "ab");
	CHECK_NEAR(a.itl_all.total, 1, 0); /* one gap of 0.2 s */
	CHECK_NEAR(a.t_min, 1, 0);
	CHECK_NEAR(a.t_max, 11, 0);
	/* a done before its req's time cannot be true: marked, kept */
	CHECK_INT(feed(&a, "{\"ev\":\"req\",\"t\":20,\"id\":2}"), 0);
	CHECK_INT(
	    feed(&a, "{\"ev\":\"done\",\"t\":19,\"id\":2,\"status\":\"ok\"}"),
	    0);
	evacc_sort(&a);
	CHECK_INT((int)a.reqs[0].id, 2);
	CHECK(a.reqs[0].bad != NULL);
	evacc_free(&a);
}

/* What stops the reading, with file:line; a skipped event is told. */
static void test_errors(void)
{
	struct evacc a;

	evacc_init(&a, 0);
	a.warn = on_warn;
	CHECK_INT(feed(&a, "{\"t\":1}"), 0);
	CHECK_INT(warned, 1);
	CHECK_INT((int)a.n_invalid, 1);
	CHECK_INT(feed(&a, "{\"ev\":\"req\",\"t\":1,\"id\":0}"), -1);
	CHECK_STR(a.err,
		  "f.nd:7: \"id\" must be a whole number from 1 to 100000000");
	CHECK_INT(feed(&a, "{\"ev\":\"run\",\"t\":1}"),
		  -1); /* failed: no more */
	evacc_free(&a);

	evacc_init(&a, 0);
	CHECK_INT(feed(&a, "{\"ev\":\"run\",\"t\":1,\"run_id\":\"a\"}"), 0);
	CHECK_INT(feed(&a, "{\"ev\":\"run\",\"t\":1,\"run_id\":\"b\"}"), -1);
	CHECK(strstr(a.err, "a second run (b)") != NULL);
	evacc_free(&a);

	evacc_init(&a, 0);
	CHECK_INT(feed(&a, "{\"ev\":\"mem\",\"t\":1,\"format\":\"tokbench-"
			   "events\",\"version\":99}"),
		  -1);
	CHECK(strstr(a.err, "version 99 is newer") != NULL);
	evacc_free(&a);

	evacc_init(&a, 1); /* strict: an invalid event is an error */
	CHECK_INT(feed(&a, "{\"ev\":\"tok\"}"), -1);
	CHECK_STR(a.err, "f.nd:7: an event needs \"ev\" and a numeric \"t\"");
	evacc_free(&a);
}

/* Memory samples: the footprint over RSS, GPU summed. */
static void test_mem(void)
{
	struct evacc a;

	evacc_init(&a, 0);
	CHECK_INT(feed(&a, "{\"ev\":\"mem\",\"t\":2,\"proc\":{\"rss_bytes\":5,"
			   "\"footprint_bytes\":7},"
			   "\"gpu\":[{\"used_bytes\":1},{\"used_bytes\":2}]}"),
		  0);
	CHECK_INT((int)a.n_mem, 1);
	CHECK_NEAR(a.mem[0].bytes, 7, 0);
	CHECK_NEAR(a.mem[0].gpu, 3, 0);
	CHECK_STR(a.mem_kind, "proc.footprint_bytes");
	evacc_free(&a);
}

/* System figures: each one missing, -1, not a number or infinite is
 * unknown (-1); a sample with only sys is kept for the system alone. */
static void test_sys(void)
{
	struct evacc a;

	evacc_init(&a, 0);
	CHECK_INT(feed(&a, "{\"ev\":\"mem\",\"t\":3,\"sys\":{\"used_bytes\":9,"
			   "\"wired_bytes\":-1,\"compressed_bytes\":\"4\","
			   "\"swap_used_bytes\":1e999}}"),
		  0);
	CHECK_INT((int)a.n_sys, 1);
	CHECK_INT((int)a.n_mem, 0); /* no process or GPU figure */
	CHECK_INT((int)a.n_samples, 1);
	CHECK_NEAR(a.sys[0].t, 3, 0);
	CHECK_NEAR(a.sys[0].v[MEMFIG_USED], 9, 0);
	CHECK_NEAR(a.sys[0].v[MEMFIG_WIRED], -1, 0);
	CHECK_NEAR(a.sys[0].v[MEMFIG_COMPRESSED], -1, 0);
	CHECK_NEAR(a.sys[0].v[MEMFIG_SWAP_USED], -1, 0);
	/* a sys of no figure agg reads is no sample */
	CHECK_INT(
	    feed(&a, "{\"ev\":\"mem\",\"t\":4,\"sys\":{\"total_bytes\":9}}"),
	    0);
	CHECK_INT((int)a.n_samples, 1);
	CHECK_INT((int)a.n_sys, 1);
	/* proc and sys: one sample in each series */
	CHECK_INT(feed(&a, "{\"ev\":\"mem\",\"t\":5,\"proc\":{\"rss_bytes\":5},"
			   "\"sys\":{\"wired_bytes\":7}}"),
		  0);
	CHECK_INT((int)a.n_samples, 2);
	CHECK_INT((int)a.n_sys, 2);
	CHECK_INT((int)a.n_mem, 1);
	CHECK_NEAR(a.sys[1].v[MEMFIG_WIRED], 7, 0);
	CHECK_NEAR(a.sys[1].v[MEMFIG_USED], -1, 0);
	evacc_free(&a);
}

int main(void)
{
	RUN(test_request);
	RUN(test_errors);
	RUN(test_mem);
	RUN(test_sys);
	return DONE();
}
