/* Unit tests for src/report/benchout: rows in llama-bench's own shapes,
 * its Markdown to the character (widths and alignment as its -o md), CSV
 * and JSON with its field names, and rows without a figure left out. */
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "benchout.h"
#include "runkind.h"

static double samples[] = {100, 110, 120};

static void rows(struct bd_row *r)
{
	memset(r, 0, 3 * sizeof *r);
	snprintf(r[0].model, sizeof r[0].model, "tiny");
	snprintf(r[0].backend, sizeof r[0].backend, "llamacpp");
	snprintf(r[0].test, sizeof r[0].test, "pp64 @ d128");
	snprintf(r[0].cpu, sizeof r[0].cpu, "AMD EPYC");
	snprintf(r[0].count_method, sizeof r[0].count_method, "tokenize");
	r[0].type = RK_PP;
	r[0].n = 64;
	r[0].depth = 128;
	r[0].size_bytes = 1815552;
	r[0].params = 1705216;
	r[0].threads = 1;
	r[0].served = (struct bd_fig){110, 10, 3};
	r[0].server = (struct bd_fig){NAN, NAN, 0};
	r[0].exact = 1;
	r[0].samples = samples;
	r[0].nsamples = 3;
	r[0].t_start = 1796551249.6;
	r[0].prompt_tokens = 192;
	r[0].latency = 0.0002;
	r[1] = r[0];
	snprintf(r[1].test, sizeof r[1].test, "tg16");
	r[1].type = RK_TG;
	r[1].n = 16;
	r[1].depth = 0;
	r[1].served = (struct bd_fig){NAN, NAN, 0}; /* no figure */
	r[2] = r[0];
	snprintf(r[2].model, sizeof r[2].model, "a \"quoted\", model");
	r[2].threads = -1;
	r[2].params = NAN;
}

static void test_md(void)
{
	struct bd_row r[3];
	struct bd_table t = {r, 2, 0, 0};
	jw w;

	rows(r);
	jw_init(&w);
	CHECK_INT(benchout_write(&w, &t, BO_MD, "v1"), 1);
	CHECK_STR(
	    jw_cstr(&w),
	    "| model                          |       size |     params | "
	    "backend    | threads |            test |                  "
	    "t/s |\n"
	    "| ------------------------------ | ---------: | ---------: | "
	    "---------- | ------: | --------------: | -------------------: "
	    "|\n"
	    "| tiny                           |   1.73 MiB |     1.71 M | "
	    "llamacpp   |       1 |     pp64 @ d128 |       110.00 ± 10.00 "
	    "|\n"
	    "\nbuild: tokbench v1; t/s through the server (gen --bench), "
	    "not in-process\n");
	jw_free(&w);
}

static void test_csv_json(void)
{
	struct bd_row r[3];
	struct bd_table t = {r, 3, 0, 0};
	cJSON *j, *o;
	jw w;

	rows(r);
	jw_init(&w);
	CHECK_INT(benchout_write(&w, &t, BO_CSV, "v1"), 2);
	CHECK(strncmp(jw_cstr(&w),
		      "cpu_info,model_filename,model_type,model_size,"
		      "model_n_params,n_threads,n_prompt,n_gen,n_depth,"
		      "test_time,avg_ts,stddev_ts,repetitions,",
		      113) == 0);
	CHECK(strstr(
		  jw_cstr(&w),
		  "\n\"AMD EPYC\",\"\",\"tiny\",\"1815552\",\"1705216\","
		  "\"1\",\"64\",\"0\",\"128\",\"2026-12-06T10:00:49Z\","
		  "\"110.000000\",\"10.000000\",\"3\",\"llamacpp\",\"\",\"\","
		  "\"192\",\"tokenize\",\"0.000200\",\"true\",\"\"\n") != NULL);
	CHECK(strstr(jw_cstr(&w), "\"a \"\"quoted\"\", model\"") != NULL);
	jw_reset(&w);
	CHECK_INT(benchout_write(&w, &t, BO_JSON, "v1"), 2);
	j = cJSON_Parse(jw_cstr(&w));
	CHECK(cJSON_GetArraySize(j) == 2);
	o = cJSON_GetArrayItem(j, 0);
	CHECK_NEAR(cJSON_GetObjectItem(o, "avg_ts")->valuedouble, 110, 1e-9);
	CHECK_INT(cJSON_GetObjectItem(o, "n_depth")->valueint, 128);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "samples_ts")), 3);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(o, "exact")));
	o = cJSON_GetArrayItem(j, 1);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "n_threads")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "model_n_params")));
	cJSON_Delete(j);
	jw_free(&w);
}

int main(void)
{
	RUN(test_md);
	RUN(test_csv_json);
	return DONE();
}
