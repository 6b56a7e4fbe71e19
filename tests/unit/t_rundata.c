/* Unit tests for src/report/rundata: grouping, workloads and levels, every
 * figure of the Summary and the concurrency table, and paired comparisons, on
 * run files written here with worked-out values. */
#include <sys/stat.h>

#include "formats.h"
#include "runfix.h"

/* The Summary's figures of one run and of two, and the workload split. */
static void test_summary_and_workloads(void)
{
	struct rd_set s;
	const struct rd_group *a, *b;

	clear();
	X.failed = 1;
	write_run(&(struct spec){"a1.json", "M", "Q4_K_M", "/x/std.json", 1, 32,
				 2, 1, 1, 100, 120, 39, 0});
	write_run(&(struct spec){"a2.json", "M", "Q4_K_M", "/y/std.json", 1, 32,
				 2, 1, 1.1, 102, 121, 40, 0});
	write_run(&(struct spec){"a3.json", "M", "Q4_K_M", "std.json", 2, 32, 1,
				 1.2, 0.9, 101, 130, 70, 0});
	write_run(&(struct spec){"a4.json", "M", "Q4_K_M", "std.json", 4, 32, 4,
				 1.5, 0.8, 101, 140, 120, 0});
	write_run(&(struct spec){"b1.json", "M", "Q8_0", "std.json", 1, 32, 1,
				 1, 1, 200, 250, 30, 0});
	/* another output limit: another workload, never the Summary's */
	write_run(&(struct spec){"b2.json", "M", "Q8_0", "std.json", 1, 64, 1,
				 1, 1, 200, 260, 30, 0});
	s = load();
	CHECK_INT(s.ng, 2);
	a = group(&s, "M · Q4_K_M");
	b = group(&s, "M · Q8_0");
	if (!a || !b)
		return;
	CHECK(strstr(s.primary, "std.json|short×1,medium×1,") == s.primary);
	CHECK(strstr(s.primary, "|max 32|") != NULL);
	CHECK_STR(s.primary_name, "std.json, 5 prompts, max 32 tokens");
	/* Q4_K_M: one workload at 1, 2 and 4 users (the set's directory does
	 * not matter; the same prompts in the same proportions do) */
	CHECK_INT(a->nwl, 1);
	CHECK_INT(a->wl[0].nlv, 3);
	CHECK_INT(b->nwl, 2);
	/* two runs at one user: the mean of their means (44 and 48.4), CI from
	 * the two (t95(1) = 12.706 x sd 3.111 / sqrt 2) */
	CHECK_INT(a->sum.runs, 2);
	CHECK_INT(a->sum.decode.runs, 2);
	CHECK_NEAR(a->sum.decode.mean, 46.2, 1e-9);
	CHECK_NEAR(a->sum.decode.hi - 46.2, 12.706 * 3.1112698 / sqrt(2), 1e-3);
	/* one run: agg's mean and CI over its 5 requests */
	CHECK_INT(b->sum.decode.runs, 1);
	CHECK_INT((int)b->sum.decode.n, 5);
	CHECK_NEAR(b->sum.decode.mean, 44, 1e-9);
	/* TTFT of the shortest prompt (17 tokens: "short"), not of a mix */
	CHECK_STR(a->sum.ttft_prompt, "short");
	CHECK_NEAR(a->sum.ttft.v, 0.1, 1e-12);
	CHECK_INT((int)a->sum.ttft.n, 4);
	/* memory: steady state of the Summary's runs; the peak of any run */
	CHECK_NEAR(a->sum.steady_gb.v, 101, 1e-9);
	CHECK_NEAR(a->sum.peak_gb.v, 140, 1e-9);
	CHECK_NEAR(a->sum.tps_per_gb.v, 46.2 / 101, 1e-9);
	/* one failure in 11 measured requests per run */
	CHECK_NEAR(a->sum.error_rate.v, 2.0 / 22, 1e-12);
	CHECK_INT((int)a->sum.error_rate.n, 22);
	rd_free(&s);
}

/* The concurrency levels of a workload and the percentiles n allows. */
static void test_levels(void)
{
	struct rd_set s;
	const struct rd_group *a;
	const struct rd_level *l;

	clear();
	X.failed = 1;
	write_run(&(struct spec){"a1.json", "M", "4bit", "std.json", 1, 32, 2,
				 1, 1, 100, 120, 39, 0});
	write_run(&(struct spec){"a2.json", "M", "4bit", "std.json", 2, 32, 4,
				 1, 0.5, 100, 120, 70, 0});
	s = load();
	if ((a = group(&s, "M · 4bit")) == NULL)
		return;
	l = rd_level_of(a, s.primary, 2);
	CHECK(l != NULL);
	if (l == NULL)
		return;
	CHECK_NEAR(l->agg_tps.v, 70, 1e-12);
	CHECK_NEAR(l->decode.mean, 22, 1e-9);
	/* 70 / 39 aggregate from 1 to 2 users: scaling 1.795, efficiency 0.897
	 */
	CHECK_NEAR(l->scaling, 70.0 / 39, 1e-12);
	CHECK_NEAR(l->efficiency, 70.0 / 39 / 2, 1e-12);
	CHECK_NEAR(rd_level_of(a, s.primary, 1)->scaling, 1, 0);
	CHECK_NEAR(l->fairness.v, 0.98, 1e-12);
	/* a run's own queue p95 (no per_request figure): its value and n */
	CHECK_NEAR(l->queue_p95.v, 0.002, 1e-12);
	CHECK_INT((int)l->queue_p95.n, 20);
	CHECK_INT((int)l->nreq, 21);
	/* 20 E2E values: p95 is allowed and is rank 19; p99 is not */
	CHECK_INT((int)l->e2e_p95.n, 20);
	CHECK(rd_pct_ok(95, l->e2e_p95.n));
	CHECK(!rd_pct_ok(99, l->e2e_p99.n));
	CHECK_NEAR(l->ttft_p95.v, 8.0, 1e-12); /* rank 19 of 4x{0.02..8} */
	CHECK_NEAR(l->ttft_p50.v, 0.5,
		   1e-12); /* rank 10: after 0.02 x4, 0.1 x4 */
	CHECK(!rd_pct_ok(95, 19) && rd_pct_ok(50, 2) && !rd_pct_ok(50, 1));
	CHECK(rd_pct_ok(99, 100) && rd_pct_ok(90, 10) && !rd_pct_ok(90, 9));
	rd_free(&s);
}

static struct rd_cmp compare(const struct rd_set *s, const char *a,
			     const char *b, enum rd_metric m)
{
	struct rd_cmp c, *p = &c;

	rd_compare(group(s, a), group(s, b), s->primary, 1, m, &c);
	rd_holm(&p, 1);
	return c;
}

/* A uniform 2x TTFT gain is certain; equal groups tie; unlike workloads
 * are not compared. */
static void test_compare(void)
{
	struct rd_set s;
	struct rd_cmp c;

	clear();
	write_run(&(struct spec){"a.json", "M", "A", "std.json", 1, 32, 2, 1, 1,
				 100, 120, 39, 0});
	write_run(&(struct spec){"b.json", "M", "B", "std.json", 1, 32, 2, 0.48,
				 1, 100, 120, 39, 0});
	write_run(&(struct spec){"c.json", "M", "C", "std.json", 1, 32, 2, 1, 1,
				 100, 120, 39, 0});
	write_run(&(struct spec){"d.json", "M", "D", "std.json", 1, 64, 2, 0.5,
				 1, 100, 120, 39, 0});
	write_run(&(struct spec){"e.json", "M", "E", "std.json", 1, 32, 2, 1,
				 1.01, 100, 120, 39, 0});
	s = load();
	c = compare(&s, "M · A", "M · B", RD_TTFT);
	CHECK_INT((int)c.r.n, 10);
	CHECK_NEAR(c.r.ratio, 0.48, 1e-9);
	CHECK_INT(c.verdict, 1); /* lower TTFT: better */
	c = compare(&s, "M · B", "M · A", RD_TTFT);
	CHECK_INT(c.verdict, -1);
	c = compare(&s, "M · A", "M · C", RD_DECODE);
	CHECK_NEAR(c.r.ratio, 1, 1e-12);
	CHECK_INT(c.verdict, 0);
	/* certain but within 2 %: a tie, not a win */
	c = compare(&s, "M · A", "M · E", RD_DECODE);
	CHECK_NEAR(c.r.ratio, 1.01, 1e-9);
	CHECK_NEAR(c.r.p, 0, 0);
	CHECK_INT(c.verdict, 0);
	c = compare(&s, "M · A", "M · D", RD_TTFT);
	CHECK(c.why_not != NULL);
	CHECK_INT(c.verdict, 0);
	rd_free(&s);
}

/* Two runs each: pairs of runs, so the CI is run to run. */
static void test_compare_runs(void)
{
	struct rd_set s;
	struct rd_cmp c;

	clear();
	write_run(&(struct spec){"a1.json", "M", "A", "std.json", 1, 32, 1, 1,
				 1, 100, 120, 39, 0});
	write_run(&(struct spec){"a2.json", "M", "A", "std.json", 1, 32, 1, 1,
				 1, 100, 120, 39, 0});
	write_run(&(struct spec){"b1.json", "M", "B", "std.json", 1, 32, 1, 1,
				 1.10, 100, 120, 39, 0});
	write_run(&(struct spec){"b2.json", "M", "B", "std.json", 1, 32, 1, 1,
				 1.30, 100, 120, 39, 0});
	s = load();
	c = compare(&s, "M · A", "M · B", RD_DECODE);
	CHECK_INT(c.runs, 2);
	CHECK_INT((int)c.r.n, 2);
	/* run ratios 1.1 and 1.3: geometric mean sqrt(1.43); with one degree
	 * of freedom the interval is wide and holds 1: a tie */
	CHECK_NEAR(c.r.ratio, sqrt(1.1 * 1.3), 1e-9);
	CHECK(c.r.lo < 1);
	CHECK_INT(c.verdict, 0);
	rd_free(&s);
}

/* A run without per_request still pairs, by prompt means. */
static void test_per_prompt_fallback(void)
{
	struct rd_set s;
	struct rd_cmp c;

	clear();
	write_run(&(struct spec){"a.json", "M", "A", "std.json", 1, 32, 2, 1, 1,
				 100, 120, 39, .drop_per_request = 1});
	write_run(&(struct spec){"b.json", "M", "B", "std.json", 1, 32, 2, 0.5,
				 1, 100, 120, 39, 0});
	s = load();
	CHECK_INT(s.runs[0].per_request, 0);
	CHECK_INT((int)s.runs[0].nreq, NP);
	c = compare(&s, "M · A", "M · B", RD_TTFT);
	CHECK_INT((int)c.r.n, NP);
	CHECK_NEAR(c.r.ratio, 0.5, 1e-9);
	rd_free(&s);
}

/* Load, prefill at the longest context prompt, quality: from all runs of
 * the group or the Summary's, as documented. */
static void test_load_prefill_quality(void)
{
	struct rd_set s;
	const struct rd_group *a, *b;

	clear();
	X.load_s = 20;
	X.checked = 10, X.passed = 7;
	X.model_gb = 90, X.reasoning = 40, X.srv_decode = 50;
	write_run(&(struct spec){"a1.json", "M", "A", "std.json", 1, 32, 1, 1,
				 1, 100, 120, 39, 0});
	X.load_s = 30, X.model_gb = 0, X.srv_decode = 40;
	write_run(&(struct spec){"a2.json", "M", "A", "std.json", 1, 32, 1, 1,
				 1, 100, 120, 39, 0});
	X.load_s = 0, X.checked = 0;
	X.context = 1; /* 1k .. 5k tokens: the longest (5000) is the figure */
	write_run(&(struct spec){"a3.json", "M", "A", "ctx.json", 1, 32, 1, 1,
				 1, 100, 120, 39, 0});
	X.context = 0;
	/* a shuffled soak of the same prompts: its own workload, not the
	 * Summary's */
	X.shuffle = 1;
	write_run(&(struct spec){"a4.json", "M", "A", "std.json", 1, 32, 8, 1,
				 1, 100, 120, 39, 0});
	X.shuffle = 0;
	X.load_failed = 1;
	write_run(&(struct spec){"b1.json", "M", "B", "std.json", 1, 32, 1, 1,
				 1, 100, 120, 39, 0});
	s = load();
	a = group(&s, "M · A");
	b = group(&s, "M · B");
	if (!a || !b)
		return;
	CHECK_NEAR(a->sum.load_s.v, 25, 1e-12);
	CHECK_NEAR(a->sum.srv_load_s.v, 24.8,
		   1e-12); /* the server's, beside it */
	CHECK_INT((int)a->sum.srv_load_s.n, 2);
	CHECK_INT((int)a->sum.load_s.n, 2);
	CHECK_INT(a->sum.load_failed, 0);
	CHECK_INT(b->sum.load_failed, 1);
	CHECK_NEAR(a->sum.prefill_tokens, 5000, 0);
	CHECK_NEAR(a->sum.prefill.v, 200, 1e-12);
	CHECK_NEAR(a->sum.quality.v, 0.7, 1e-12);
	CHECK_NEAR(a->sum.model_gb.v, 90, 1e-9);
	/* the server's figure: the two runs' means weighted by their 5 requests
	 */
	CHECK_NEAR(a->sum.srv_decode.v, 45, 1e-9);
	CHECK_INT((int)a->sum.srv_decode.n, 10);
	/* reasoning seen: TTFO p50, the mean of the runs' (2 x their TTFT mean)
	 */
	CHECK_NEAR(a->sum.reasoning_tokens, 80, 0);
	CHECK_NEAR(a->sum.ttfo_p50.v, 2 * (0.1 + 0.5 + 2 + 8 + 0.02) / 5, 1e-9);
	/* means over every prompt, for the baseline table */
	CHECK_NEAR(a->sum.ttft_all.v, (0.1 + 0.5 + 2 + 8 + 0.02) / 5, 1e-9);
	CHECK_NEAR(a->sum.e2e_all.v, (0.1 + 0.5 + 2 + 8 + 0.02) / 5 + 1, 1e-9);
	CHECK_INT((int)a->sum.quality.n, 20);
	/* the context run and the soak are workloads of their own, never the
	 * Summary's */
	CHECK_INT(a->nwl, 3);
	CHECK_INT(a->sum.runs, 2);
	CHECK(isnan(b->sum.quality.v));
	rd_free(&s);
}

/* make matrix's outcomes beside the runs: every workload line kept in
 * order, its status read as a verdict, a field it lacks empty (never what
 * the heap held), anything else in the file skipped. */
static void test_outcomes(void)
{
	char sub[100], path[160];
	struct rd_set s;
	FILE *f;

	snprintf(sub, sizeof sub, "%s/outcomes", dir);
	CHECK_INT(mkdir(sub, 0700), 0);
	snprintf(path, sizeof path, "%s/plan-1.outcomes.ndjson", sub);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs("{\"ev\":\"workload\",\"plan\":\"mac512\",\"entry\":\"q4\","
	      "\"workload\":\"std\","
	      "\"status\":\"failed\",\"exit\":1,\"why\":\"gen: 3 of 5 requests "
	      "failed\"}\n"
	      "not json\n{\"ev\":\"run\"}\n"
	      "{\"ev\":\"workload\",\"plan\":\"mac512\",\"entry\":\"q4\","
	      "\"workload\":\"sweep\","
	      "\"status\":\"ok\",\"exit\":0,\"why\":\"\"}\n"
	      "{\"ev\":\"workload\",\"entry\":\"q8\",\"workload\":\"ctx\"}\n",
	      f);
	fclose(f);
	rd_init(&s, NULL, 0);
	CHECK_INT(rd_add_path(&s, sub), 0);
	CHECK_INT(s.nruns, 0);
	CHECK_INT(s.nout, 3);
	if (s.nout == 3) {
		CHECK_STR(s.out[0].workload, "std");
		CHECK_STR(s.out[0].status, "failed");
		CHECK_INT(s.out[0].exit, 1);
		CHECK_STR(s.out[0].why, "gen: 3 of 5 requests failed");
		CHECK_STR(s.out[1].workload, "sweep");
		CHECK_STR(s.out[1].status, "ok");
		CHECK_INT(s.out[0].st, VD_OUT_FAILED);
		CHECK_INT(s.out[1].st, VD_OUT_OK);
		CHECK_STR(s.out[2].plan, "");
		CHECK_STR(s.out[2].status, "");
		CHECK_STR(s.out[2].why, "");
		CHECK_INT(s.out[2].st, VD_OUT_OTHER);
	}
	rd_free(&s);
	unlink(path);
	rmdir(sub);
}

static const struct rd_run *run_named(const struct rd_set *s, const char *file)
{
	for (int i = 0; i < s->nruns; i++)
		if (strstr(s->runs[i].path, file))
			return &s->runs[i];
	printf("# no run %s\n", file);
	return NULL;
}

/* The machine's memory of a group: the largest wired peak, compressed
 * and swap growth of its Summary runs; a run whose swap grew past 1 GB
 * did not fit, whichever level it ran at. */
static void test_system_memory(void)
{
	struct rd_set s;
	const struct rd_group *a, *b, *c;
	const struct rd_run *r;

	clear();
	X.sys = 1;
	X.wired_gb = 400, X.compressed_gb = 20, X.swap_gb = 0.5;
	write_run(&(struct spec){"a1.json", "M", "Q8_0", "std.json", 1, 32, 1,
				 1, 1, 100, 120, 39, 0});
	X.wired_gb = 410, X.compressed_gb = 30, X.swap_gb = 3.2;
	write_run(&(struct spec){"a2.json", "M", "Q8_0", "std.json", 1, 32, 1,
				 1, 1, 100, 120, 39, 0});
	/* more users: not the Summary's run, so not its figures */
	X.wired_gb = 500, X.compressed_gb = 90, X.swap_gb = 9;
	write_run(&(struct spec){"a3.json", "M", "Q8_0", "std.json", 4, 32, 1,
				 1, 1, 100, 120, 39, 0});
	/* Linux: no wired or compressed figure at all; swap still */
	X.wired_gb = -1, X.compressed_gb = -1, X.swap_gb = 0;
	write_run(&(struct spec){"b1.json", "M", "Q4_K_M", "std.json", 1, 32, 1,
				 1, 1, 50, 60, 39, 0});
	/* no system memory sampled */
	X.sys = 0;
	write_run(&(struct spec){"c1.json", "M", "Q6_K", "std.json", 1, 32, 1,
				 1, 1, 70, 80, 39, 0});
	s = load();
	a = group(&s, "M · Q8_0");
	b = group(&s, "M · Q4_K_M");
	c = group(&s, "M · Q6_K");
	if (!a || !b || !c)
		return;
	CHECK_NEAR(a->sum.wired_gb.v, 410, 1e-9);
	CHECK_INT((int)a->sum.wired_gb.n, 2);
	CHECK_NEAR(a->sum.compressed_gb.v, 30, 1e-9);
	CHECK_NEAR(a->sum.swap_gb.v, 3.2, 1e-9);
	CHECK(isnan(b->sum.wired_gb.v) && b->sum.wired_gb.n == 0);
	CHECK(isnan(b->sum.compressed_gb.v));
	CHECK_NEAR(b->sum.swap_gb.v, 0, 0); /* measured: 0, not unknown */
	CHECK_INT((int)b->sum.swap_gb.n, 1);
	CHECK(isnan(c->sum.wired_gb.v) && isnan(c->sum.swap_gb.v));
	if ((r = run_named(&s, "a1.json")) != NULL) {
		CHECK_NEAR(r->swap_gb, 0.5, 1e-9);
		CHECK_INT(rd_nofit(r), 0);
	}
	if ((r = run_named(&s, "a2.json")) != NULL)
		CHECK_INT(rd_nofit(r), 1); /* 3.2 GB > RD_NOFIT_GB */
	if ((r = run_named(&s, "a3.json")) != NULL)
		CHECK_INT(rd_nofit(r), 1);
	if ((r = run_named(&s, "c1.json")) != NULL) {
		CHECK(isnan(r->swap_gb));
		CHECK_INT(rd_nofit(r), 0);
	}
	rd_free(&s);
}

/* The --by fields' order: quantizations by size wherever groups or their
 * values are ordered, anything else by bytes; the fields by name. */
static void test_field_order(void)
{
	const char *q[] = {"BF16", "Q8_0", "Q2_K", "IQ4_XS"};
	const char *m[] = {"BF16", "Q8_0", "Q2_K", "IQ4_XS"};
	static const char *only_quant[] = {"quant"};
	struct rd_set s;

	CHECK(rd_field_cmp("quant", "Q2_K", "BF16") < 0);
	CHECK(rd_field_cmp("model", "Q2_K", "BF16") > 0);
	CHECK_INT(rd_field_cmp("quant", "Q8_0", "Q8_0"), 0);
	rd_field_sort("quant", q, 4);
	CHECK_STR(q[0], "Q2_K");
	CHECK_STR(q[1], "IQ4_XS");
	CHECK_STR(q[2], "Q8_0");
	CHECK_STR(q[3], "BF16");
	rd_field_sort("model", m, 4);
	CHECK_STR(m[0], "BF16");
	CHECK_STR(m[1], "IQ4_XS");
	CHECK_STR(m[3], "Q8_0");
	clear();
	write_run(&(struct spec){"q1.json", "M", "BF16", "std.json", 1, 32, 1,
				 1, 1, 30, 31, 9, 0});
	write_run(&(struct spec){"q2.json", "M", "Q2_K", "std.json", 1, 32, 1,
				 1, 1, 10, 11, 9, 0});
	write_run(&(struct spec){"q3.json", "M", "Q8_0", "std.json", 1, 32, 1,
				 1, 1, 20, 21, 9, 0});
	s = load();
	CHECK_INT(s.ng, 3);
	if (s.ng == 3) { /* the groups in the same order as the values */
		CHECK_STR(s.g[0].key, "M · Q2_K");
		CHECK_STR(s.g[1].key, "M · Q8_0");
		CHECK_STR(s.g[2].key, "M · BF16");
		CHECK_STR(rd_model_of(&s, &s.g[2]), "M");
	}
	CHECK_INT(rd_by_index(&s, "quant"), 1);
	CHECK_INT(rd_by_index(&s, "backend"), -1);
	rd_free(&s);
	rd_init(&s, only_quant, 1); /* no model field: one model, "all" */
	CHECK_INT(rd_add_path(&s, dir), 0);
	CHECK_INT(rd_build(&s), 0);
	CHECK_INT(rd_by_index(&s, "model"), -1);
	if (s.ng > 0)
		CHECK_STR(rd_model_of(&s, &s.g[0]), "all");
	rd_free(&s);
}

/* Decode TPS against steady-state memory: the points with both figures,
 * and per model the groups no other of that model beats on both (as fast
 * and as small, better in one), by memory; equal points both stay. */
static void test_pareto(void)
{
	const struct rd_pareto *p;
	struct rd_set s;

	clear();
	/* decode TPS is 44 x dec_x: M's Q4_K_M is the smallest and slowest,
	 * Q2_K beats Q6_K on both, Q8_0 and BF16 are the same point */
	write_run(&(struct spec){"p1.json", "M", "Q2_K", "std.json", 1, 32, 1,
				 1, 1.2, 10, 11, 9, 0});
	write_run(&(struct spec){"p2.json", "M", "Q4_K_M", "std.json", 1, 32, 1,
				 1, 0.5, 5, 6, 9, 0});
	write_run(&(struct spec){"p3.json", "M", "Q6_K", "std.json", 1, 32, 1,
				 1, 1.1, 20, 21, 9, 0});
	write_run(&(struct spec){"p4.json", "M", "Q8_0", "std.json", 1, 32, 1,
				 1, 1.5, 30, 31, 9, 0});
	write_run(&(struct spec){"p5.json", "M", "BF16", "std.json", 1, 32, 1,
				 1, 1.5, 30, 31, 9, 0});
	/* no memory: no point */
	write_run(&(struct spec){"p6.json", "M", "IQ3_XS", "std.json", 1, 32, 1,
				 1, 9, NAN, NAN, 9, 0});
	/* another model: its own frontier, though M's Q2_K beats it */
	write_run(&(struct spec){"p7.json", "N", "Q4_K_M", "std.json", 1, 32, 1,
				 1, 0.25, 40, 41, 9, 0});
	s = load();
	p = &s.pareto;
	CHECK_INT(s.ng, 7);
	if (s.ng != 7) {
		rd_free(&s);
		return;
	}
	/* groups: M Q2_K, IQ3_XS, Q4_K_M, Q6_K, Q8_0, BF16; N Q4_K_M */
	CHECK_STR(s.g[1].key, "M · IQ3_XS");
	CHECK_INT(p->npt, 6);
	CHECK_INT(p->pt[0], 0);
	CHECK_INT(p->pt[1], 2);
	CHECK_INT(p->pt[5], 6);
	CHECK_INT(p->nf, 2);
	if (p->nf != 2)
		goto out;
	CHECK_STR(p->f[0].model, "M");
	CHECK_INT(p->f[0].n, 4);
	if (p->f[0].n ==
	    4) { /* by memory: Q4_K_M 5, Q2_K 10, Q8_0 30, BF16 30 */
		CHECK_INT(p->f[0].g[0], 2);
		CHECK_INT(p->f[0].g[1], 0);
		CHECK_INT(p->f[0].g[2], 4);
		CHECK_INT(p->f[0].g[3], 5);
	}
	CHECK_STR(p->f[1].model, "N");
	CHECK_INT(p->f[1].n, 1);
	CHECK_INT(p->f[1].g[0], 6);
out:
	rd_free(&s);
}

/* What the renderers print of a run, read from its document once: labels
 * then environment, the statuses but ok, the leak check as an enum, each
 * prompt's output, the memory timeline and the requests in flight. */
static void test_run_figures(void)
{
	static const char doc[] =
	    "{\"format\": \"tokbench-run\", \"version\": 1,\n"
	    " \"run\": {\"model\": \"M\", \"labels\": {\"quant\": \"Q8_0\", "
	    "\"n\": 3},\n"
	    "  \"env\": {\"OLLAMA_KEEP_ALIVE\": \"5m\"}, \"server\": "
	    "{\"kind\": \"llama-server\"},\n"
	    "  \"host\": {\"os\": \"Linux\", \"cpu\": \"X\"}, \"config\": "
	    "{\"concurrency\": 1}},\n"
	    " \"requests\": {\"measured\": 5, \"ok\": 3,\n"
	    "  \"by_status\": {\"ok\": 3, \"timeout\": 2}},\n"
	    " \"memory\": {\"timeline\": [[0, 100], [1.5, 250], [\"x\", 3]],\n"
	    "  \"leak\": {\"verdict\": \"leak suspected\", \"mb_per_request\": "
	    "2.5,\n"
	    "   \"mb_per_request_ci95\": [2, 3], \"mb_per_minute\": 1, \"r2\": "
	    "0.9}},\n"
	    " \"per_prompt\": {\"a\": {\"n\": 2, \"prompt_tokens\": {\"mean\": "
	    "17},\n"
	    "   \"output\": {\"tokens\": 5, \"chars\": 20, \"text\": \"hi\"},\n"
	    "   \"quality\": {\"passed\": 1, \"checked\": 2}}, \"b\": {\"n\": "
	    "1}},\n"
	    " \"per_request\": [{\"prompt\": \"a\", \"status\": \"ok\", "
	    "\"t_send\": 10, \"e2e_s\": 1},\n"
	    "  {\"prompt\": \"a\", \"status\": \"ok\", \"warmup\": true, "
	    "\"t_send\": 9, \"e2e_s\": 1},\n"
	    "  {\"prompt\": \"b\", \"status\": \"timeout\", \"t_send\": 11, "
	    "\"e2e_s\": 4}]}\n";
	const struct rd_prompt *a;
	const struct rd_run *r;
	char path[256];
	struct rd_set s;
	FILE *f;

	clear();
	snprintf(path, sizeof path, "%s/f.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		return;
	fputs(doc, f);
	fclose(f);
	s = load();
	CHECK_INT(s.nruns, 1);
	if (s.nruns != 1 || s.runs[0].doc == NULL)
		return;
	r = &s.runs[0];
	CHECK_STR(r->server_kind, "llama-server");
	CHECK_STR(r->host_cpu, "X");
	CHECK_NEAR(r->req_ok, 3, 0);
	CHECK_INT(r->nlabel, 3);
	if (r->nlabel == 3) {
		CHECK_STR(r->label[1].key, "n");
		CHECK_STR(r->label[1].value, "?"); /* not a string */
		CHECK_STR(r->label[2].key, "OLLAMA_KEEP_ALIVE");
	}
	CHECK_INT(r->nfailed, 1);
	if (r->nfailed == 1) {
		CHECK_STR(r->failed[0].name, "timeout");
		CHECK_INT(r->failed[0].n, 2);
	}
	CHECK_INT(r->leak.judged, 1);
	CHECK_INT(r->leak.verdict, VD_LEAK_SUSPECTED);
	CHECK_NEAR(r->leak.per_request.hi, 3, 0);
	CHECK(isnan(r->leak.per_minute.lo)); /* no interval given */
	CHECK_INT((int)r->ntimeline, 3);
	if (r->ntimeline == 3) {
		CHECK_NEAR(r->timeline[1].mb, 250, 0);
		CHECK(isnan(r->timeline[2].s));
	}
	/* from the first send (the warm-up's), the warm-up left out */
	CHECK_INT((int)r->nspan, 2);
	if (r->nspan == 2) {
		CHECK_NEAR(r->span[0].start, 1, 1e-12);
		CHECK_NEAR(r->span[1].len, 4, 0);
	}
	a = rd_prompt_of(r, "a");
	CHECK(a != NULL && a->has_output && a->has_quality);
	if (a) {
		CHECK_NEAR(a->prompt_tokens, 17, 0);
		CHECK_STR(a->out_text, "hi");
		CHECK_NEAR(a->checked, 2, 0);
	}
	CHECK(rd_prompt_of(r, "b") && !rd_prompt_of(r, "b")->has_output);
	CHECK(rd_prompt_of(r, "c") == NULL);
	rd_free(&s);
}

/* The flags of a run that slowed or ran throttled: a verdict other than
 * slowed never flags, a throttled share above 0 or a serious thermal
 * state does, unknown figures do not. */
static void test_drift(void)
{
	struct rd_run r;
	struct rd_group g;
	struct rd_run *runs[2];
	struct rd_run q;
	cJSON *doc = cJSON_CreateObject(); /* a readable run's stand-in */

	memset(&r, 0, sizeof r);
	r.drift.verdict = VD_SUS_UNKNOWN;
	r.drift.throttled_share = NAN;
	r.drift.thermal_max = -1;
	CHECK_INT(rd_drifted(&r), 0);
	r.drift.verdict = VD_SUS_INCONCLUSIVE;
	CHECK_INT(rd_drifted(&r), 0);
	r.drift.verdict = VD_SUS_SLOWED;
	CHECK_INT(rd_drifted(&r), RD_SLOWED);
	r.drift.verdict = VD_SUS_STABLE;
	r.drift.throttled_share = 0;
	r.drift.thermal_max = THERMAL_FAIR;
	CHECK_INT(rd_drifted(&r), 0);
	r.drift.thermal_max = THERMAL_SERIOUS;
	CHECK_INT(rd_drifted(&r), RD_THROTTLED);
	r.drift.thermal_max = -1;
	r.drift.throttled_share = 0.01;
	CHECK_INT(rd_drifted(&r), RD_THROTTLED);
	/* a group: its runs' flags or-ed, an unreadable run left out */
	q = r;
	q.drift.verdict = VD_SUS_SLOWED;
	r.doc = doc;
	runs[0] = &r;
	runs[1] = &q;
	memset(&g, 0, sizeof g);
	g.runs = runs;
	g.n = 2;
	CHECK_INT(rd_group_drifted(&g), RD_THROTTLED);
	q.doc = doc;
	CHECK_INT(rd_group_drifted(&g), RD_SLOWED | RD_THROTTLED);
	cJSON_Delete(doc);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_summary_and_workloads);
	RUN(test_levels);
	RUN(test_compare);
	RUN(test_compare_runs);
	RUN(test_per_prompt_fallback);
	RUN(test_load_prefill_quality);
	RUN(test_outcomes);
	RUN(test_system_memory);
	RUN(test_drift);
	RUN(test_field_order);
	RUN(test_pareto);
	RUN(test_run_figures);
	clear();
	rmdir(dir);
	return DONE();
}
