/* Unit tests of moedata: a group's MoE study from its runs' documents,
 * ordered by pass and time, with each step's growth and the summary. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "moedata.h"

/* A run of kind moe: pass, domain, start time, the page cache's shares
 * (mapped ones when m0 >= 0) and its decode speed over n requests. */
static struct rd_run *run(int pass, const char *domain, double t, double p0,
			  double p1, double m0, double m1, double tps)
{
	struct rd_run *r = calloc(1, sizeof *r);
	char json[600], mapped[120] = "";

	if (m0 >= 0)
		snprintf(mapped, sizeof mapped,
			 ",\"mapped_start\":%g,\"mapped_end\":%g", m0, m1);
	snprintf(json, sizeof json,
		 "{\"run\":{\"t_start\":%g},\"metrics\":{\"decode_tps\":"
		 "{\"n\":3,\"mean\":%g}},\"page_cache\":{\"file\":\"m\","
		 "\"bytes\":1000,\"start\":%g,\"end\":%g%s}}",
		 t, tps, p0, p1, mapped);
	r->doc = cJSON_Parse(json);
	r->kind = RD_MOE;
	r->rk.name = RK_MOE;
	r->rk.pass = pass;
	snprintf(r->rk.series, sizeof r->rk.series, "S1");
	snprintf(r->rk.domain, sizeof r->rk.domain, "%s", domain);
	return r;
}

static void free_group(struct rd_group *g)
{
	for (int i = 0; i < g->n; i++) {
		cJSON_Delete(g->runs[i]->doc);
		free(g->runs[i]);
	}
	for (int k = 0; k < g->nmoe; k++)
		free(g->moe[k].s);
	free(g->moe);
}

/* Given out of order: pass 2 first, pass 1's domains by time. */
static void test_study(void)
{
	struct rd_run *runs[] = {
	    run(2, "code", 30, 1, 1, 0.5, 0.5, 40),
	    run(1, "prose", 20, 1, 1, 0.25, 0.5, 50),
	    run(1, "code", 10, 0, 1, 0, 0.25, 60),
	    run(2, "prose", 40, 1, 1, 0.5, 0.5, 45),
	    run(1, "other", 5, 0, 0, 0, 0, 1), /* not of the study: */
	};
	struct rd_group g = {.runs = runs, .n = 5};

	runs[4]->kind = RD_CLOSED;
	CHECK_INT(rd_moe_series(&g), 0);
	CHECK_INT(g.nmoe, 1);
	CHECK_STR(g.moe[0].id, "S1");
	CHECK_INT(g.moe[0].n, 4);
	CHECK_STR(g.moe[0].s[0].domain, "code");
	CHECK_INT(g.moe[0].s[0].pass, 1);
	CHECK_STR(g.moe[0].s[1].domain, "prose");
	CHECK_INT(g.moe[0].s[2].pass, 2);
	CHECK_STR(g.moe[0].s[3].domain, "prose");
	CHECK_NEAR(g.moe[0].s[0].pc_growth, 1, 1e-12);
	CHECK_NEAR(g.moe[0].s[1].map_growth, 0.25, 1e-12);
	CHECK_NEAR(g.moe[0].s[1].decode.v, 50, 1e-12);
	CHECK_INT(g.moe[0].s[1].decode.n, 3);
	CHECK_NEAR(g.moe[0].s[1].bytes, 1000, 1e-12);
	CHECK_INT(g.moe[0].mapped, 1);
	CHECK_NEAR(g.moe[0].first, 0.5, 1e-12);
	CHECK_NEAR(g.moe[0].later, 0, 1e-12);
	free_group(&g);
}

/* Without the mappings' figures the page cache's are summarised; one pass
 * has no later growth. */
static void test_page_cache_only(void)
{
	struct rd_run *runs[] = {run(1, "code", 1, 0, 0.75, -1, -1, 10)};
	struct rd_group g = {.runs = runs, .n = 1};

	CHECK_INT(rd_moe_series(&g), 0);
	CHECK_INT(g.moe[0].mapped, 0);
	CHECK(isnan(g.moe[0].s[0].map_growth));
	CHECK_NEAR(g.moe[0].first, 0.75, 1e-12);
	CHECK(isnan(g.moe[0].later));
	free_group(&g);
}

int main(void)
{
	RUN(test_study);
	RUN(test_page_cache_only);
	return DONE();
}
