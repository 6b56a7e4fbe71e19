/* t_studies: the report's data for the study's own kinds of run
 * (src/report/ladder, src/report/mixcls): context ladders, the mixed workload
 * by class and load series, from run files written with worked values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#include "rundata.h"

static char dir[] = "/tmp/t_studies.XXXXXX";
static int nfiles;

static void put(const char *json)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof path, "%s/run-%02d.json", dir, ++nfiles);
	f = fopen(path, "w");
	if (f == NULL || fputs(json, f) < 0 || fclose(f) != 0)
		abort();
}

/* Runs written as version 2 (the kind typed: "kind" in the run object)
 * when set, else as version 1 (the kind in labels: the compatibility path
 * of lib/runkind). */
static int typed;

/* The version, the run object's start and its kind (or labels saying it). */
static const char *head(char *buf, size_t n, const char *kind,
			const char *v1labels)
{
	if (typed)
		snprintf(buf, n,
			 "{\"format\":\"tokbench-run\",\"version\":2,\"run\":{"
			 "\"model\":\"M\",\"events_version\":2,\"kind\":{%s},"
			 "\"labels\":{\"quant\":\"Q4\"},",
			 kind);
	else
		snprintf(buf, n,
			 "{\"format\":\"tokbench-run\",\"version\":1,\"run\":{"
			 "\"model\":\"M\",\"labels\":{\"quant\":\"Q4\",%s},",
			 v1labels);
	return buf;
}

/* One ladder rung: depth d, ok of 2 measured, TTFT t, peak memory gb. */
static void rung(int d, int ok, double t, double gb, const char *err)
{
	char j[2000], h[400], k[100], l[100];

	snprintf(k, sizeof k,
		 "\"name\":\"ladder\",\"series\":\"L1\",\"depth\":%d", d);
	snprintf(l, sizeof l, "\"ladder\":\"L1\",\"depth\":\"%d\"", d);
	snprintf(
	    j, sizeof j,
	    "%s"
	    "\"config\":{\"concurrency\":1},\"server\":{\"ctx_size\":6000,"
	    "\"ctx_train\":262144}},"
	    "\"requests\":{\"measured\":2,\"ok\":%d,\"first_error\":%s%s%s},"
	    "\"metrics\":{\"ttft_s\":{\"n\":%d,\"mean\":%g},\"prefill_tps\":{"
	    "\"n\":%d,\"mean\":%g},"
	    "\"decode_tps\":{\"n\":%d,\"mean\":50}},"
	    "\"per_prompt\":{\"depth-%d\":{\"n\":2,\"prompt_tokens\":{\"n\":%d,"
	    "\"mean\":%d}}},"
	    "\"memory\":{\"peak_bytes\":%g}}",
	    head(h, sizeof h, k, l), ok, err ? "\"" : "", err ? err : "null",
	    err ? "\"" : "", ok, t, ok, t > 0 ? d / t : 0, ok, d, ok, d + 18,
	    gb * 1e9);
	put(j);
}

/* A mixed-workload run: label mix, users 4, classes with TTFT and E2E. */
static void mixrun(const char *mix, const char *cls, double t1, double e1,
		   const char *cls2, double t2, double e2)
{
	char j[2000], second[400] = "", h[400], k[100], l[100];

	if (cls2)
		snprintf(second, sizeof second,
			 ",\"%s\":{\"n\":4,\"ttft_s\":{\"n\":4,\"mean\":%g},"
			 "\"e2e_s\":{\"n\":4,"
			 "\"mean\":%g},\"decode_tps\":{\"n\":4,\"mean\":40},"
			 "\"output_tokens\":"
			 "{\"n\":4,\"mean\":2000}}",
			 cls2, t2, e2);
	snprintf(k, sizeof k,
		 "\"name\":\"mix\",\"series\":\"S1\",\"class\":\"%s\"", mix);
	snprintf(l, sizeof l, "\"mix\":\"%s\",\"mixset\":\"S1\"", mix);
	snprintf(j, sizeof j,
		 "%s"
		 "\"config\":{\"concurrency\":4},\"server\":{}},"
		 "\"requests\":{\"measured\":8,\"ok\":8},"
		 "\"per_prompt\":{\"%s\":{\"n\":4,\"ttft_s\":{\"n\":4,\"mean\":"
		 "%g},\"e2e_s\":{\"n\":4,"
		 "\"mean\":%g},\"decode_tps\":{\"n\":4,\"mean\":45},\"output_"
		 "tokens\":"
		 "{\"n\":4,\"mean\":100}}%s}}",
		 head(h, sizeof h, k, l), cls, t1, e1, second);
	put(j);
}

static void loadrun(int rep, const char *cache, const char *frac, double s,
		    double srv)
{
	char j[1200], h[400], k[200], l[200];

	snprintf(k, sizeof k,
		 "\"name\":\"load\",\"series\":\"D1\",\"rep\":%d,"
		 "\"cache\":\"%s\",\"resident\":%s",
		 rep, cache, frac);
	snprintf(l, sizeof l,
		 "\"loads\":\"D1\",\"load_rep\":\"%d\","
		 "\"cache\":\"%s\",\"cache_resident\":\"%s\"",
		 rep, cache, frac);
	snprintf(j, sizeof j,
		 "%s\"config\":{\"concurrency\":1},"
		 "\"server\":{}},\"requests\":{\"measured\":0,\"ok\":0},"
		 "\"load\":{\"method\":\"health_poll\",\"seconds\":%g,\"server_"
		 "seconds\":%g,"
		 "\"status\":\"ok\"}}",
		 head(h, sizeof h, k, l), s, srv);
	put(j);
}

static const struct rd_group *build(struct rd_set *s)
{
	static const char *by[] = {"model", "quant"};

	rd_init(s, by, 2);
	if (rd_add_path(s, dir) != 0 || rd_build(s) != 0 || s->ng != 1)
		return NULL;
	return &s->g[0];
}

static void test_ladder(void)
{
	struct rd_set s;
	const struct rd_group *g;
	const struct rd_ladder *l;

	/* written out of order: the ladder sorts its rungs by depth */
	rung(4000, 2, 0.22, 55.55, NULL);
	rung(1000, 2, 0.07, 55.43, NULL);
	rung(8000, 0, 0, 55.55,
	     "http_error: HTTP 400: request (8018 tokens) exceeds the "
	     "available context size (6000 tokens)");
	rung(2000, 2, 0.12, 55.48, NULL);
	g = build(&s);
	CHECK(g != NULL);
	if (g == NULL)
		return;
	CHECK_INT(g->nlad, 1);
	l = &g->lad[0];
	CHECK_INT(l->n, 4);
	CHECK_NEAR(l->r[0].depth, 1000, 0);
	CHECK_NEAR(l->r[3].depth, 8000, 0);
	CHECK_NEAR(l->best, 4000, 0);
	CHECK(l->stop == &l->r[3]);
	if (l->stop == NULL)
		return;
	CHECK_STR(l->stop->why,
		  "http_error: HTTP 400: request (8018 tokens) exceeds the "
		  "available context size (6000 tokens)");
	CHECK_NEAR(l->advertised, 262144, 0);
	CHECK_NEAR(l->loaded, 6000, 0);
	CHECK_NEAR(l->r[2].ttft.v, 0.22, 1e-12);
	CHECK_NEAR(l->r[2].prefill.v, 4000 / 0.22, 0.1);
	CHECK_NEAR(l->r[2].prompt_tokens.v, 4018, 0);
	CHECK_NEAR(l->r[2].mem_gb, 55.55, 1e-9);
	CHECK(!l->r[3].ok && l->r[2].ok);
	/* a ladder is not a workload, and its stop is not the group's error */
	CHECK_INT(g->nwl, 0);
	CHECK(isnan(g->sum.error_all.v) || g->sum.error_all.n == 0);
	CHECK(s.primary == NULL);
	rd_free(&s);
}

static void test_mix(void)
{
	struct rd_set s;
	const struct rd_group *g;
	const struct rd_mix *m;

	/* in the mix the short class waits 3x its own alone; the long not */
	mixrun("mixed", "short", 0.9, 2.4, "long", 0.5, 40);
	mixrun("alone", "short", 0.3, 1.2, NULL, 0, 0);
	mixrun("alone", "long", 0.5, 40, NULL, 0, 0);
	g = build(&s);
	CHECK(g != NULL);
	if (g == NULL)
		return;
	CHECK_INT(g->nmix, 1);
	m = &g->mix[0];
	CHECK_INT(m->n, 2);
	CHECK_NEAR(m->conc, 4, 0);
	/* shortest first: "short" has 100 output tokens, "long" 2000 */
	CHECK_STR(m->c[0].name, "short");
	CHECK_NEAR(m->c[0].ttft[0].v, 0.9, 1e-12);
	CHECK_NEAR(m->c[0].ttft[1].v, 0.3, 1e-12);
	CHECK_NEAR(m->ttft_ratio, 3, 1e-9);
	CHECK_NEAR(m->e2e_ratio, 2, 1e-9);
	CHECK(m->starved);
	CHECK_NEAR(m->c[1].e2e[0].v / m->c[1].e2e[1].v, 1, 1e-12);
	CHECK_INT(g->nwl, 0);
	rd_free(&s);
}

static void test_loads(void)
{
	struct rd_set s;
	const struct rd_group *g;
	const struct rd_loads *ls;

	loadrun(3, "warm", "1.0000", 2.1, 1.9);
	loadrun(1, "cold", "0.0000", 6.0, 5.8);
	loadrun(2, "partial", "0.5000", 4.0, 3.9);
	g = build(&s);
	CHECK(g != NULL);
	if (g == NULL)
		return;
	CHECK_INT(g->nloads, 1);
	ls = &g->loads[0];
	CHECK_INT(ls->n, 3);
	CHECK_INT(ls->l[0].rep, 1);
	CHECK_INT(ls->l[0].cache, RK_CACHE_COLD);
	CHECK_NEAR(ls->l[0].seconds, 6.0, 1e-12);
	CHECK_NEAR(ls->l[0].server_s, 5.8, 1e-12);
	CHECK_NEAR(ls->l[1].resident, 0.5, 1e-12);
	CHECK_INT(ls->l[2].cache, RK_CACHE_WARM);
	CHECK(ls->l[2].error == NULL);
	CHECK_INT(g->nwl, 0);
	rd_free(&s);
}

static void clear(void);

/* In version 2 labels are the user's only: a run labelled as a ladder's
 * rung was in version 1 is a run like any other. */
static void test_labels_v2(void)
{
	struct rd_set s;
	const struct rd_group *g;

	put("{\"format\":\"tokbench-run\",\"version\":2,\"run\":{\"model\":"
	    "\"M\","
	    "\"events_version\":2,\"labels\":{\"quant\":\"Q4\",\"ladder\":"
	    "\"L1\","
	    "\"depth\":\"4000\"},\"config\":{\"concurrency\":1},\"server\":{}},"
	    "\"requests\":{\"measured\":2,\"ok\":2},\"metrics\":{\"ttft_s\":"
	    "{\"n\":2,\"mean\":0.5}},\"per_prompt\":{\"a\":{\"n\":2}}}");
	g = build(&s);
	CHECK(g != NULL);
	if (g == NULL)
		return;
	CHECK_INT(g->nlad, 0);
	CHECK_INT(g->runs[0]->kind, RD_CLOSED);
	CHECK_INT(g->runs[0]->rk.name, RK_STANDARD);
	rd_free(&s);
	/* a kind gen would not write: the run is unreadable, saying why */
	clear();
	put("{\"format\":\"tokbench-run\",\"version\":2,\"run\":{\"model\":"
	    "\"M\","
	    "\"kind\":{\"name\":\"ladder\",\"series\":\"L1\"}}}");
	rd_init(&s, (const char *[]){"model"}, 1);
	CHECK_INT(rd_add_path(&s, dir), 0);
	CHECK_INT(s.nunreadable, 1);
	CHECK_STR(s.runs[0].why, "run.kind: a ladder run needs depth=TOKENS");
	rd_free(&s);
}

static void clear(void)
{
	char path[300];

	for (; nfiles > 0; nfiles--) {
		snprintf(path, sizeof path, "%s/run-%02d.json", dir, nfiles);
		unlink(path);
	}
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	/* version 1: the kinds said by labels; then version 2: typed */
	for (typed = 0; typed < 2; typed++) {
		RUN(test_ladder);
		clear();
		RUN(test_mix);
		clear();
		RUN(test_loads);
		clear();
	}
	RUN(test_labels_v2);
	clear();
	rmdir(dir);
	return DONE();
}
