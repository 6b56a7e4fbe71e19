/* Unit tests for src/matrix/plan and src/matrix/planest: plans parsed, refused
 * with file:line, and estimated. */
#include "tap.h"

#include <math.h>
#include <stdlib.h>

#include "plan.h"
#include "planest.h"

static const char good[] = "# a plan\n"
			   "[defaults]\n"
			   "reps = 2   # a comment\n"
			   "sweep = 1 2\n"
			   "\n"
			   "[alpha]\n"
			   "  model =  Alpha  \n"
			   "start = env A=1 llmsim --port 1\n"
			   "env = A=1\n"
			   "[beta.2]\r\n"
			   "reps = 5\r\n"
			   "extra =\n";

static void test_parse(void)
{
	char err[512] = "";
	struct plan *p = plan_parse(good, "g.conf", err, sizeof err);

	CHECK(p != NULL);
	if (p == NULL) {
		printf("# %s\n", err);
		return;
	}
	CHECK_INT(plan_entries(p), 2);
	CHECK_STR(plan_entry(p, 0), "alpha");
	CHECK_STR(plan_entry(p, 1), "beta.2");
	CHECK_STR(plan_get(p, 0, "model"), "Alpha");
	CHECK_STR(plan_get(p, 0, "start"), "env A=1 llmsim --port 1");
	CHECK_STR(plan_get(p, 0, "reps"), "2"); /* [defaults]' */
	CHECK_INT(plan_line(p, 0, "reps"), 3);
	CHECK_STR(plan_get(p, 1, "reps"), "5"); /* its own, CR trimmed */
	CHECK_INT(plan_line(p, 1, "reps"), 11);
	CHECK_STR(plan_get(p, 1, "model"), "");	  /* none */
	CHECK_STR(plan_get(p, 1, "warmup"), "1"); /* built in */
	CHECK_INT(plan_line(p, 1, "warmup"), 0);
	CHECK_STR(plan_get(p, 1, "per_user"), "4");
	CHECK_STR(plan_get(p, 0, "sweep"), "1 2");
	CHECK(plan_get(p, 0, "modle") == NULL);
	CHECK_INT(plan_check(p, err, sizeof err), 0);
	plan_free(p);
}

/* text is refused by the parser (or, checked, by plan_check) with want. */
static void refused(const char *text, const char *want)
{
	char err[512] = "";
	struct plan *p = plan_parse(text, "b.conf", err, sizeof err);

	if (p != NULL) {
		CHECK_INT(plan_check(p, err, sizeof err), -1);
		plan_free(p);
	}
	CHECK_STR(err, want);
}

static void test_refused(void)
{
	refused("[a]\nmodle = x\n", "b.conf:2: unknown key 'modle'");
	refused("model = x\n", "b.conf:1: a key before any [section]");
	refused("[a]\nModel = x\n", "b.conf:2: want 'key = value' or '[name]'");
	refused("[a b]\n", "b.conf:1: want 'key = value' or '[name]'");
	refused("[a]\nmodel\n", "b.conf:2: want 'key = value' or '[name]'");
	refused("# nothing\n[defaults]\nreps = 1\n", "b.conf: no entries");
	refused("[a]\n[b]\n[a]\n", "b.conf:3: [a] again (first at line 1)");
	refused("[a]\nreps = three\n",
		"b.conf:2: [a] reps = three: want a number");
	refused("[a]\nquality = yes please\n",
		"b.conf:2: [a] quality = yes please: want yes or no");
	refused("[defaults]\nest_tps = .5\n[a]\n",
		"b.conf:2: [a] est_tps = .5: want a number");
	refused("[a]\nleak = 1.2.3\n",
		"b.conf:2: [a] leak = 1.2.3: want a number");
	refused("[a]\nsweep = 1 x\n",
		"b.conf:2: [a] sweep = 1 x: want whole numbers");
	refused("[a]\nladder = deep\n",
		"b.conf:2: [a] ladder = deep: want whole numbers");
	refused("[a]\nbench = pp512 tg\n",
		"b.conf:2: [a] bench = pp512 tg: want llama-bench's tests, ppN "
		"or tgN (pp512 tg128)");
	refused("[a]\nbench = pp0\n",
		"b.conf:2: [a] bench = pp0: want llama-bench's tests, ppN or "
		"tgN (pp512 tg128)");
	refused("[a]\npasses = 0\n", "b.conf:2: [a] passes = 0: want 1 to 9");
	refused("[defaults]\npasses = 2\n[a]\n[b]\npasses = 1\n",
		"b.conf:5: [b] passes = 1: the plan runs its entries 2 times "
		"(set by [a]); passes belongs in [defaults]");
	refused("[a]\nbench_depths = 0 4k\n",
		"b.conf:2: [a] bench_depths = 0 4k: want whole numbers");
	refused(
	    "[defaults]\nenv = X=1\n[a]\nload = lms load m\n",
	    "b.conf:2: [a] env = X=1: no engine would read it: only a server "
	    "the "
	    "plan starts (start = ...) gets the entry's environment; lms load "
	    "passes LM Studio no variable. Start the engine in the entry "
	    "(start = "
	    "llama-server ...), or set it where LM Studio itself is started");
}

static void test_numbers_accepted(void)
{
	char err[512] = "";
	struct plan *p = plan_parse("[a]\nest_tps = 33.04\nleak =\nloads = 2.\n"
				    "ladder = default\nmixed = 2 4\n",
				    "n.conf", err, sizeof err);

	CHECK(p != NULL);
	if (p)
		CHECK_INT(plan_check(p, err, sizeof err), 0);
	plan_free(p);
}

static void test_set(void)
{
	struct planest_work w;
	char err[256];

	/* 3 + 1 chars: 1 + 1 tokens in; 10 + 256 out; "_" left out */
	CHECK_INT(
	    planest_set("{\"a\": {\"prompt\": \"abc\", \"max_tokens\": 10},"
			" \"b\": {\"prompt\": \"\xc3\xa9\"}, \"_c\": {}}",
			NULL, "", &w, err, sizeof err),
	    0);
	CHECK_INT(w.requests, 2);
	CHECK_INT(w.out, 266);
	CHECK_INT(w.in, 2);
	/* the plan's max_tokens, only some, messages and synthetic tokens */
	CHECK_INT(
	    planest_set("[{\"name\": \"x\", \"messages\": [{\"role\": \"u\"}],"
			" \"synthetic_tokens\": 100}, {\"name\": \"y\"},"
			" {\"name\": \"z\"}]",
			"x,z", "7", &w, err, sizeof err),
	    0);
	CHECK_INT(w.requests, 2);
	CHECK_INT(w.out, 14);
	CHECK_INT(w.in, 100 + 5 + 2); /* [{"role":"u"}]: 14 chars; null: 4 */
	CHECK_INT(planest_set("42", NULL, "", &w, err, sizeof err), -1);
}

/* llama-bench's tests at two depths: reps each after one warm-up, which
 * a count by usage is (not llama-server), before it the fixed part's */
static void test_bench(void)
{
	static const char set[] = "/tmp/t_plan.bench.json";
	struct planest_work w;
	struct plan *p;
	char err[512], text[300];
	FILE *f = fopen(set, "w");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs("{\"p\": {\"prompt\": \"abc\", \"max_tokens\": 10}}", f);
	fclose(f);
	for (int llama = 0; llama < 2; llama++) {
		snprintf(text, sizeof text,
			 "[a]\nprompts = %s\nreps = 3\nsweep = 1\n%s"
			 "bench = pp512 tg128\nbench_depths = 0 4096\n",
			 set, llama ? "server = llamacpp\n" : "");
		p = plan_parse(text, "b.conf", err, sizeof err);
		CHECK(p != NULL && plan_check(p, err, sizeof err) == 0);
		if (p == NULL)
			continue;
		CHECK_INT(planest_entry(p, 0, ".", &w, err, sizeof err), 0);
		/* the standard set: 4 requests, 40 out, 4 in; then pp512 at 0
		 * and 4096 (512, 4608 in), tg128 at 0 (1 in, no count) and
		 * 4096 (4096 in) */
		CHECK_INT(w.requests, llama ? 4 + 16 : 4 + 19);
		CHECK_INT(w.out, llama ? 40 + 1032 : 40 + 908);
		CHECK_INT(w.in, 4 + 36868);
		plan_free(p);
	}
	/* passes = 2: every entry twice, so its work twice */
	snprintf(text, sizeof text,
		 "[defaults]\npasses = 2\n[a]\nprompts = %s\nreps = 3\n"
		 "sweep = 1\n",
		 set);
	p = plan_parse(text, "b.conf", err, sizeof err);
	CHECK(p != NULL && plan_check(p, err, sizeof err) == 0);
	if (p != NULL) {
		CHECK_INT(planest_passes(p, 0), 2);
		CHECK_INT(planest_entry(p, 0, ".", &w, err, sizeof err), 0);
		CHECK_INT(w.requests, 2 * 4);
		CHECK_INT(w.out, 2 * 40);
		CHECK_INT(w.in, 2 * 4);
		plan_free(p);
	}
	remove(set);
}

static cJSON *run(const char *model, const char *quant, int c, double dec,
		  double load)
{
	char buf[512];

	snprintf(
	    buf, sizeof buf,
	    "{\"format\": \"tokbench-run\", \"run\": "
	    "{\"model\": \"%s\", \"labels\": {\"quant\": \"%s\"}, \"config\":"
	    " {\"concurrency\": %d}}, \"metrics\": {\"decode_tps\": {\"p50\":"
	    " %g}}, \"load\": {\"status\": \"ok\", \"seconds\": %g}}",
	    model, quant, c, dec, load);
	return cJSON_Parse(buf);
}

static void test_speeds(void)
{
	cJSON *r[5] = {run("M", "Q4", 1, 30, 3), run("M", "Q4", 1, 10, 5),
		       run("M", "Q8", 1, 99, 9), run("M", "Q4", 4, 99, 9),
		       run("N", "Q4", 1, 99, 9)};
	struct planest_speed s;
	int i;

	planest_speeds((const cJSON *const *)r, 5, "M", "Q4", &s);
	CHECK_NEAR(s.decode_tps, 10, 1e-12); /* the lower middle of 10, 30 */
	CHECK_NEAR(s.load_s, 3, 1e-12);
	CHECK(isnan(s.prefill_tps));
	planest_speeds((const cJSON *const *)r, 5, "M", "", &s);
	CHECK_NEAR(s.decode_tps, 30, 1e-12); /* 10, 30, 99 */
	planest_speeds((const cJSON *const *)r, 5, "X", "", &s);
	CHECK(isnan(s.decode_tps));
	for (i = 0; i < 5; i++)
		cJSON_Delete(r[i]);
}

static void test_hours(void)
{
	struct planest_work w = {13, 195, 13};
	char b[32];

	/* 195 / 0.1 s + 2 loads x 1 s = 1952 s */
	CHECK_NEAR(planest_hours(&w, 0.1, NAN, 1, 2), 0.5422, 1e-12);
	CHECK_STR(planest_hours_text(0.5422, b, sizeof b), "33 min");
	CHECK_NEAR(planest_hours(&w, 1, 13, NAN, 1), 0.0544,
		   1e-12); /* (195 + 1) s */
	CHECK_STR(planest_hours_text(11.43, b, sizeof b), "11.4 h");
}

int main(void)
{
	RUN(test_parse);
	RUN(test_refused);
	RUN(test_numbers_accepted);
	RUN(test_set);
	RUN(test_bench);
	RUN(test_speeds);
	RUN(test_hours);
	return DONE();
}
