/* Unit tests for lib/runkind: gen's --kind, the run event's "kind" object
 * written and read back, and the compatibility reading of version-1
 * labels. */
#include "tap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "runkind.h"

static void test_parse(void)
{
	struct runkind k;
	char err[300];

	CHECK_INT(
	    runkind_parse("ladder,series=L1,depth=4000", &k, err, sizeof err),
	    0);
	CHECK_INT(k.name, RK_LADDER);
	CHECK_STR(k.series, "L1");
	CHECK_INT(k.depth, 4000);
	CHECK_INT(
	    runkind_parse("mix,series=M,class=alone", &k, err, sizeof err), 0);
	CHECK_INT(k.mix, RK_MIX_ALONE);
	CHECK_INT(runkind_parse("load,series=S,rep=2,cache=warm,resident=0.95",
				&k, err, sizeof err),
		  0);
	CHECK_INT(k.rep, 2);
	CHECK_INT(k.cache, RK_CACHE_WARM);
	CHECK_NEAR(k.resident, 0.95, 1e-12);
	CHECK_INT(runkind_parse("load,series=S,rep=1,cache=unknown,resident=-",
				&k, err, sizeof err),
		  0);
	CHECK(isnan(k.resident));
	CHECK_INT(runkind_parse("soak", &k, err, sizeof err), 0);
	CHECK_INT(k.name, RK_SOAK);
	CHECK_INT(runkind_parse("capacity,series=C", &k, err, sizeof err), 0);
	CHECK_INT(runkind_parse("sweep,series=W", &k, err, sizeof err), 0);
}

/* llama-bench's tests: the kind, and its test's name as llama-bench
 * prints it. */
static void test_bench(void)
{
	struct runkind k;
	char err[300], name[64];

	CHECK_INT(runkind_parse("bench,test=pp,n=512", &k, err, sizeof err), 0);
	CHECK_INT(k.name, RK_BENCH);
	CHECK_INT(k.test, RK_PP);
	CHECK_INT(k.n, 512);
	CHECK_INT(k.depth, 0);
	CHECK_STR(k.series, "");
	runkind_test_name(&k, name, sizeof name);
	CHECK_STR(name, "pp512");
	CHECK_INT(runkind_parse("bench,series=B,test=tg,n=128,depth=4096", &k,
				err, sizeof err),
		  0);
	CHECK_INT(k.test, RK_TG);
	runkind_test_name(&k, name, sizeof name);
	CHECK_STR(name, "tg128 @ d4096");
	CHECK_INT(runkind_parse("soak", &k, err, sizeof err), 0);
	runkind_test_name(&k, name, sizeof name);
	CHECK_STR(name, "");
}

static void test_refused(void)
{
	static const char *const bad[][2] = {
	    {"ladder,depth=4000", "a ladder run needs series=ID"},
	    {"ladder,series=L", "a ladder run needs depth=TOKENS"},
	    {"ladder,series=L,depth=0", "depth=0: not a parameter a ladder run "
					"takes (docs/gen.md, --kind)"},
	    {"ladder,series=L,depth=4k", "depth=4k: not a parameter a ladder "
					 "run takes (docs/gen.md, --kind)"},
	    {"mix,series=M", "a mix run needs class=mixed|alone"},
	    {"mix,series=M,class=both", "class=both: not a parameter a mix run "
					"takes (docs/gen.md, --kind)"},
	    {"load,series=S", "a load run needs rep=N"},
	    {"load,series=S,rep=1,resident=1.5",
	     "resident=1.5: not a parameter a load run takes (docs/gen.md, "
	     "--kind)"},
	    {"capacity,series=C,depth=3", "depth=3: not a parameter a capacity "
					  "run takes (docs/gen.md, --kind)"},
	    {"ladders", "'ladders': want standard, sweep, soak, ladder, mix, "
			"load, capacity, bench or moe, then ,KEY=VALUE..."},
	    {"bench,n=512", "a bench run needs test=pp|tg"},
	    {"bench,test=pp", "a bench run needs n=TOKENS"},
	    {"bench,test=pp,n=0",
	     "n=0: not a parameter a bench run takes (docs/gen.md, --kind)"},
	    {"bench,test=sd,n=5", "test=sd: not a parameter a bench run takes "
				  "(docs/gen.md, --kind)"},
	    {"bench,test=tg,n=5,depth=-1", "depth=-1: not a parameter a bench "
					   "run takes (docs/gen.md, --kind)"},
	    {"bench,test=tg,n=5,rep=1",
	     "rep=1: not a parameter a bench run takes (docs/gen.md, --kind)"},
	    {"capacity,series", "'series': want KEY=VALUE"},
	    {"", "'': want standard, sweep, soak, ladder, mix, load, capacity, "
		 "bench or moe, then ,KEY=VALUE..."},
	    {"moe,series=E,domain=code", "a moe run needs pass=N"},
	    {"moe,series=E,pass=1", "a moe run needs domain=NAME"},
	    {"moe,series=E,pass=1,domain=a b",
	     "domain=a b: not a parameter a moe run takes (docs/gen.md, "
	     "--kind)"},
	};
	struct runkind k;
	char err[300];

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECK_INT(runkind_parse(bad[i][0], &k, err, sizeof err), -1);
		CHECK_STR(err, bad[i][1]);
	}
}

/* Written by runkind_write as gen writes it, read back by runkind_read. */
static void roundtrip(const char *spec, const char *want_json)
{
	struct runkind k, back;
	char err[300], json[600];
	cJSON *run;
	jw w;

	CHECK_INT(runkind_parse(spec, &k, err, sizeof err), 0);
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_int(&w, "version", 2);
	runkind_write(&w, &k);
	jw_obj_close(&w);
	snprintf(json, sizeof json, "%s", jw_cstr(&w));
	jw_free(&w);
	CHECK(strstr(json, want_json) != NULL);
	run = cJSON_Parse(json);
	CHECK_INT(runkind_read(run, &back, err, sizeof err), 0);
	CHECK_INT(back.name, k.name);
	CHECK_STR(back.series, k.series);
	CHECK_INT(back.depth, k.depth);
	CHECK_INT(back.test, k.test);
	CHECK_INT(back.n, k.n);
	CHECK_INT(back.mix, k.mix);
	CHECK_INT(back.rep, k.rep);
	CHECK_INT(back.cache, k.cache);
	CHECK(isnan(k.resident) ? isnan(back.resident)
				: back.resident == k.resident);
	CHECK_INT(back.pass, k.pass);
	CHECK_STR(back.domain, k.domain);
	cJSON_Delete(run);
}

static void test_roundtrip(void)
{
	roundtrip(
	    "ladder,series=L1,depth=4000",
	    "\"kind\":{\"name\":\"ladder\",\"series\":\"L1\",\"depth\":4000}");
	roundtrip("mix,series=M,class=mixed", "\"class\":\"mixed\"");
	roundtrip("load,series=S,rep=3,cache=cold,resident=0.0125",
		  "\"rep\":3,\"cache\":\"cold\",\"resident\":0.0125}");
	roundtrip("load,series=S,rep=1",
		  "\"cache\":\"unknown\",\"resident\":null}");
	roundtrip("soak", "\"kind\":{\"name\":\"soak\"}");
	roundtrip("bench,test=tg,n=128,depth=0",
		  "\"kind\":{\"name\":\"bench\",\"depth\":0,\"test\":\"tg\","
		  "\"n\":128}");
	roundtrip("bench,series=B,test=pp,n=512,depth=4096",
		  "\"test\":\"pp\",\"n\":512}");
	roundtrip("capacity,series=C",
		  "\"name\":\"capacity\",\"series\":\"C\"");
	roundtrip("moe,series=E,pass=2,domain=multi_lingual",
		  "\"kind\":{\"name\":\"moe\",\"series\":\"E\",\"pass\":2,"
		  "\"domain\":\"multi_lingual\"}");
}

static void read_json(const char *json, int want_rc, enum rk_name want,
		      const char *series)
{
	struct runkind k;
	char err[300] = "";
	cJSON *run = cJSON_Parse(json);

	CHECK(run != NULL);
	CHECK_INT(runkind_read(run, &k, err, sizeof err), want_rc);
	CHECK_INT(k.name, want);
	CHECK_STR(k.series, series);
	cJSON_Delete(run);
}

static void test_read(void)
{
	/* version 1: the labels said it, the one compatibility path */
	read_json("{\"events_version\":1,\"labels\":{\"ladder\":\"L\","
		  "\"depth\":\"4000\"}}",
		  0, RK_LADDER, "L");
	read_json(
	    "{\"version\":1,\"labels\":{\"mix\":\"alone\",\"mixset\":\"M\"}}",
	    0, RK_MIX, "M");
	read_json("{\"events_version\":1,\"labels\":{\"loads\":\"S\",\"load_"
		  "rep\":\"2\","
		  "\"cache\":\"warm\",\"cache_resident\":\"-\"}}",
		  0, RK_LOAD, "S");
	read_json("{\"labels\":{\"capacity\":\"C\"}}", 0, RK_CAPACITY, "C");
	read_json("{\"events_version\":1,\"labels\":{\"ladder\":\"L\","
		  "\"depth\":\"0\"}}",
		  0, RK_STANDARD, "");
	/* version 2: labels are the user's only */
	read_json("{\"events_version\":2,\"labels\":{\"ladder\":\"L\","
		  "\"depth\":\"4000\"}}",
		  0, RK_STANDARD, "");
	/* a kind object that gen would not write */
	read_json(
	    "{\"version\":2,\"kind\":{\"name\":\"ladder\",\"series\":\"L\"}}",
	    -1, RK_STANDARD, "");
	read_json("{\"version\":2,\"kind\":\"ladder\"}", -1, RK_STANDARD, "");
	read_json("{\"version\":2,\"kind\":{\"name\":\"warp\"}}", -1,
		  RK_STANDARD, "");
	/* a series longer than any spec: refused, never written past the
	 * buffer */
	{
		char j[900];
		snprintf(j, sizeof j,
			 "{\"version\":2,\"kind\":{\"name\":\"sweep\","
			 "\"series\":\"%0600d\"}}",
			 7);
		read_json(j, -1, RK_STANDARD, "");
	}
}

static void test_labels_v1(void)
{
	struct runkind k;
	cJSON *l = cJSON_Parse(
	    "{\"loads\":\"S\",\"load_rep\":\"3\",\"cache\":\"partial\","
	    "\"cache_resident\":\"0.5\"}");

	runkind_from_labels(l, &k);
	CHECK_INT(k.name, RK_LOAD);
	CHECK_INT(k.rep, 3);
	CHECK_INT(k.cache, RK_CACHE_PARTIAL);
	CHECK_NEAR(k.resident, 0.5, 0);
	cJSON_Delete(l);
	runkind_from_labels(NULL, &k);
	CHECK_INT(k.name, RK_STANDARD);
}

int main(void)
{
	RUN(test_parse);
	RUN(test_refused);
	RUN(test_bench);
	RUN(test_roundtrip);
	RUN(test_read);
	RUN(test_labels_v1);
	return DONE();
}
