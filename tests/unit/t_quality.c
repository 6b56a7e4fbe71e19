/* t_quality: graded accuracy, the paired comparison with the reference,
 * the quality budget and the picks it limits (src/report/quality, lib/decide),
 * on run files with worked-out answers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "decide.h"
#include "rundata.h"
#include "tap.h"

static char dir[] = "/tmp/t_quality.XXXXXX";

#define ITEMS 20

/* One run: model, quant, reps of every item; wrong[rep][item] says which
 * answers are wrong (NULL: none graded at all); decode TPS and memory. */
struct qrun {
	const char *file, *model, *quant;
	int reps;
	const char *wrong[3]; /* per rep: a string of ITEMS '0'/'1', 1 wrong */
	int graded;
	double tps, gb;
	const char *quality; /* more of "quality" (JSON members), or NULL */
};

static void add_request(cJSON *pr, int item, int rep, const struct qrun *q)
{
	cJSON *o = cJSON_CreateObject();
	char name[16];

	snprintf(name, sizeof name, "item-%02d", item);
	cJSON_AddStringToObject(o, "prompt", name);
	cJSON_AddNumberToObject(o, "rep", rep);
	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddNumberToObject(o, "ttft_s", 0.1);
	cJSON_AddNumberToObject(o, "e2e_s", 1);
	cJSON_AddNumberToObject(o, "decode_tps", q->tps);
	if (q->graded)
		cJSON_AddBoolToObject(o, "answer_correct",
				      q->wrong[rep][item] != '1');
	cJSON_AddItemToArray(pr, o);
}

static void write_qrun(const struct qrun *q)
{
	cJSON *d = cJSON_CreateObject(), *run, *cfg, *pp, *pr, *o;
	char path[256], name[16], *text;
	FILE *f;

	cJSON_AddStringToObject(d, "format", "tokbench-run");
	cJSON_AddNumberToObject(d, "version", 1);
	run = cJSON_AddObjectToObject(d, "run");
	cJSON_AddStringToObject(run, "model", q->model);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(run, "labels"), "quant",
				q->quant);
	cfg = cJSON_AddObjectToObject(run, "config");
	cJSON_AddNumberToObject(cfg, "concurrency", 1);
	cJSON_AddStringToObject(cfg, "prompts", "graded.json");
	pp = cJSON_AddObjectToObject(d, "per_prompt");
	pr = cJSON_AddArrayToObject(d, "per_request");
	for (int i = 0; i < ITEMS; i++) {
		snprintf(name, sizeof name, "item-%02d", i);
		o = cJSON_AddObjectToObject(pp, name);
		cJSON_AddNumberToObject(o, "n", q->reps);
		cJSON_AddNumberToObject(o, "ok", q->reps);
	}
	for (int r = 0; r < q->reps; r++)
		for (int i = 0; i < ITEMS; i++)
			add_request(pr, i, r, q);
	o = cJSON_AddObjectToObject(cJSON_AddObjectToObject(d, "metrics"),
				    "decode_tps");
	cJSON_AddNumberToObject(o, "n", ITEMS * q->reps);
	cJSON_AddNumberToObject(o, "mean", q->tps);
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(d, "memory"),
				"steady_bytes", q->gb * 1e9);
	if (q->quality) {
		char js[1024];
		snprintf(js, sizeof js, "{%s}", q->quality);
		cJSON_AddItemToObject(d, "quality", cJSON_Parse(js));
	}
	o = cJSON_AddObjectToObject(d, "requests");
	cJSON_AddNumberToObject(o, "measured", ITEMS * q->reps);
	cJSON_AddNumberToObject(o, "ok", ITEMS * q->reps);
	snprintf(path, sizeof path, "%s/%s", dir, q->file);
	text = cJSON_Print(d);
	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
	free(text);
	cJSON_Delete(d);
}

/*                                    item 0.........1.........  */
#define ALL_RIGHT "00000000000000000000"
static const struct qrun runs[] = {
    /* the reference: wrong on item 19 only (19 of 20) */
    {"bf16.json", "m", "BF16", 1, {"00000000000000000001"}, 1, 20, 160, NULL},
    /* an F16 with no graded answer: never the reference */
    {"f16.json", "m", "F16", 1, {ALL_RIGHT}, 0, 20, 160, NULL},
    /* item 0 wrong 2 of 3 (wrong), item 3 wrong 1 of 3 (right): against
     * the reference 1 and 1 discordant, a tie; 57 of 60 graded right */
    {"q8.json",
     "m",
     "Q8_0",
     3,
     {"10000000000000000000", "10010000000000000000", "00000000000000000000"},
     1,
     25,
     85,
     NULL},
    /* items 0, 1 wrong, item 5 split 1-1 (left out): 19 items paired, 2
     * and 1 discordant; 18 and 17 right: 5.26 points below */
    {"q6.json",
     "m",
     "Q6_K",
     2,
     {"11000100000000000000", "11000000000000000000"},
     1,
     30,
     65,
     NULL},
    /* items 0-5 and 19 wrong: 6 and 0 discordant, 30 points below */
    {"q4.json", "m", "Q4_K_M", 1, {"11111100000000000001"}, 1, 35, 50, NULL},
    /* items 0-9 wrong: 10 and 1 discordant, 45 points below */
    {"q2.json", "m", "Q2_K", 1, {"11111111110000000000"}, 1, 40, 35, NULL},
    /* another model with one graded group: its own reference */
    {"o8.json", "other", "Q8_0", 1, {"10000000000000000000"}, 1, 50, 10, NULL},
};

static const struct rd_group *group(const struct rd_set *s, const char *model,
				    const char *quant)
{
	for (int i = 0; i < s->ng; i++)
		if (!strcmp(s->g[i].field[0], model) &&
		    !strcmp(s->g[i].field[1], quant))
			return &s->g[i];
	return NULL;
}

static void load(struct rd_set *s, const char *const *by, int nby,
		 const char *ref)
{
	char path[256];

	rd_init(s, by, nby);
	s->quality_ref = ref;
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, runs[i].file);
		CHECK_INT(rd_add_file(s, path), 0);
	}
	CHECK_INT(rd_build(s), 0);
}

static const char *const by2[] = {"model", "quant"};

static void test_graded_and_pairs(void)
{
	struct rd_set s;
	const struct rd_group *bf, *f16, *q8, *q6, *q4, *q2, *o8;

	load(&s, by2, 2, NULL);
	bf = group(&s, "m", "BF16"), f16 = group(&s, "m", "F16");
	q8 = group(&s, "m", "Q8_0"), q6 = group(&s, "m", "Q6_K");
	q4 = group(&s, "m", "Q4_K_M"), q2 = group(&s, "m", "Q2_K");
	o8 = group(&s, "other", "Q8_0");
	CHECK(bf && f16 && q8 && q6 && q4 && q2 && o8);
	CHECK(s.quality_why == NULL);
	/* pooled over repetitions: 57 of 60, Wilson 86.30-98.29 % */
	CHECK_INT(q8->graded.checked, 60);
	CHECK_INT(q8->graded.correct, 57);
	CHECK_INT(q8->graded.items, 20);
	CHECK_NEAR(q8->graded.acc, 0.95, 1e-12);
	CHECK_NEAR(q8->graded.lo, 0.862995, 1e-5);
	CHECK_NEAR(q8->graded.hi, 0.982850, 1e-5);
	CHECK(f16->graded.wl == NULL);
	CHECK_INT(f16->qcmp.verdict, VD_Q_UNMEASURED);
	CHECK(f16->qcmp.why_not != NULL);
	/* BF16 and F16 are 16 bits each: the graded one is the reference */
	CHECK_INT(bf->qcmp.verdict, VD_Q_REFERENCE);
	CHECK(q8->qcmp.ref == bf && q2->qcmp.ref == bf);
	/* Q8_0: the majority of three; one discordant each way: a tie */
	CHECK_INT(q8->qcmp.items, 20);
	CHECK_INT(q8->qcmp.ref_only, 1);
	CHECK_INT(q8->qcmp.cand_only, 1);
	CHECK_NEAR(q8->qcmp.drop, 0, 1e-12);
	CHECK_NEAR(q8->qcmp.p, 1, 0);
	CHECK_INT(q8->qcmp.diff, VD_TIE);
	CHECK_INT(q8->qcmp.verdict, VD_Q_WITHIN);
	/* Q6_K: the split item left out; 18 vs 17 of 19 */
	CHECK_INT(q6->qcmp.items, 19);
	CHECK_INT(q6->qcmp.ref_only, 2);
	CHECK_INT(q6->qcmp.cand_only, 1);
	CHECK_NEAR(q6->qcmp.drop, 100.0 / 19, 1e-9);
	CHECK_NEAR(q6->qcmp.p, 1, 0);
	/* Holm over the four tests: Q2_K 0.01171875 x 4, Q4_K_M 0.03125 x 3 */
	CHECK_NEAR(q2->qcmp.p, 24.0 / 2048, 1e-12);
	CHECK_NEAR(q2->qcmp.p_adj, 0.046875, 1e-12);
	CHECK_NEAR(q4->qcmp.p, 2.0 / 64, 1e-12);
	CHECK_NEAR(q4->qcmp.p_adj, 0.09375, 1e-12);
	CHECK_NEAR(q8->qcmp.p_adj, 1, 0);
	CHECK_INT(q2->qcmp.diff, VD_WORSE);
	CHECK_INT(q4->qcmp.diff, VD_TIE); /* not significant after Holm ... */
	CHECK_NEAR(q4->qcmp.drop, 30, 1e-9);
	CHECK_INT(q4->qcmp.verdict, VD_Q_EXCEEDS); /* ... but 30 points below */
	CHECK_INT(q6->qcmp.verdict, VD_Q_EXCEEDS); /* 5.26 > 5 */
	CHECK_INT(q2->qcmp.verdict, VD_Q_EXCEEDS);
	/* a model alone: its own reference, nothing else compared */
	CHECK_INT(o8->qcmp.verdict, VD_Q_REFERENCE);
	rd_free(&s);
}

static void test_named_reference_and_refusal(void)
{
	static const char *const by1[] = {"quant"};
	struct rd_set s;
	const struct rd_group *bf, *q8;

	load(&s, by2, 2, "q8_0"); /* case ignored */
	bf = group(&s, "m", "BF16"), q8 = group(&s, "m", "Q8_0");
	CHECK(bf && q8);
	CHECK_INT(q8->qcmp.verdict, VD_Q_REFERENCE);
	CHECK(bf->qcmp.ref == q8);
	CHECK_INT(bf->qcmp.ref_only, 1); /* the same pairs, seen from Q8_0 */
	CHECK_INT(bf->qcmp.cand_only, 1);
	CHECK_INT(bf->qcmp.verdict, VD_Q_WITHIN);
	rd_free(&s);
	/* no model field: quantizations of different models are never compared
	 */
	rd_init(&s, by1, 1);
	CHECK_INT(rd_add_file(&s, "/nonexistent/x.json"), 0);
	CHECK_INT(rd_build(&s), 0);
	CHECK(s.quality_why != NULL);
	rd_free(&s);
}

static void test_picks_within_budget(void)
{
	struct rd_set s;
	struct decision d;
	const struct decide_pick *p;

	load(&s, by2, 2, NULL);
	CHECK_INT(decide(&s, 0, &d), 0);
	CHECK(d.n_models == 2 && !strcmp(d.models[0], "m"));
	p = d.picks[0];
	/* Q2_K is the fastest and the smallest, over the budget like Q4_K_M
	 * and Q6_K: Q8_0 is picked, Q2_K named as passed over */
	CHECK(p[USE_INTERACTIVE].best == group(&s, "m", "Q8_0"));
	CHECK(p[USE_INTERACTIVE].over == group(&s, "m", "Q2_K"));
	CHECK(p[USE_MEMORY].best == group(&s, "m", "Q8_0"));
	CHECK(p[USE_MEMORY].over == group(&s, "m", "Q2_K"));
	/* the other model's only group: nothing passed over */
	CHECK(d.picks[1][USE_INTERACTIVE].best == group(&s, "other", "Q8_0"));
	CHECK(d.picks[1][USE_INTERACTIVE].over == NULL);
	decide_free(&d);
	rd_free(&s);
}

/* Runs of a model "a" with agreement figures, read on their own. */
#define AGREE(p, i, sh, lo, hi, dv, md)                                        \
	"\"agreement\": {\"evidence\": \"greedy_text\", \"prompts\": " #p      \
	", \"identical\": " #i ", \"share\": " #sh ", \"ci95_lo\": " #lo       \
	", \"ci95_hi\": " #hi                                                  \
	", \"tokens_to_divergence\": {\"diverged\": " #dv ", \"median\": " #md \
	"}}"
static const struct qrun aruns[] = {
    {"a1.json",
     "a",
     "Q4_K_M",
     1,
     {ALL_RIGHT},
     1,
     20,
     50,
     AGREE(20, 15, 0.75, 0.53, 0.89, 5,
	   3) ", \"logprobs\": {\"evidence\": "
	      "\"none\", \"why\": \"no logprobs\"}"},
    /* more prompts compared: its figures are the group's */
    {"a2.json",
     "a",
     "Q4_K_M",
     1,
     {ALL_RIGHT},
     1,
     20,
     50,
     AGREE(30, 21, 0.7, 0.52, 0.83, 9,
	   4) ", \"logprobs\": {\"evidence\": "
	      "\"logprobs\", \"prompts\": 30, "
	      "\"top_k\": 3, \"truncated\": true, "
	      "\"top1_agreement\": {\"mean\": 0.9, "
	      "\"ci95_lo\": 0.85, \"ci95_hi\": 0.95}, "
	      "\"kl\": {\"mean\": 0.02, \"ci95_lo\": "
	      "0.01, \"ci95_hi\": 0.03, \"p99\": 0.4}, "
	      "\"first_divergence\": {\"median\": 6, "
	      "\"diverged\": 12}}, \"teacher_forced\": {\"evidence\": "
	      "\"teacher_forced\", \"prompts\": 5, \"positions\": 640, "
	      "\"exact\": false, \"tie\": false, \"kl\": {\"mean\": 0.003, "
	      "\"ci95_lo\": 0.0028, \"ci95_hi\": 0.0032, \"p99\": 0.0098}, "
	      "\"same_top1\": {\"share\": 0.8375, \"ci95_lo\": 0.81, "
	      "\"ci95_hi\": 0.86}, \"perplexity\": {\"delta\": {\"mean\": "
	      "0.25, \"ci95_lo\": 0.15, \"ci95_hi\": 0.34}}}"},
    /* a level this reader does not know; logprobs absent */
    {"a3.json",
     "a",
     "BF16",
     1,
     {ALL_RIGHT},
     1,
     20,
     90,
     "\"agreement\": {\"evidence\": \"bogus\"}"},
    /* no agreement object at all */
    {"a4.json", "a", "Q8_0", 1, {ALL_RIGHT}, 1, 20, 70, NULL},
};

static void test_agreement(void)
{
	struct rd_set s;
	const struct rd_group *q4, *bf, *q8;
	char path[256];

	rd_init(&s, by2, 2);
	for (size_t i = 0; i < sizeof aruns / sizeof aruns[0]; i++) {
		write_qrun(&aruns[i]);
		snprintf(path, sizeof path, "%s/%s", dir, aruns[i].file);
		CHECK_INT(rd_add_file(&s, path), 0);
	}
	CHECK_INT(rd_build(&s), 0);
	q4 = group(&s, "a", "Q4_K_M"), bf = group(&s, "a", "BF16");
	q8 = group(&s, "a", "Q8_0");
	CHECK(q4 && bf && q8);
	/* each run as agg wrote it */
	CHECK_INT(s.runs[0].agree.ev, RD_EV_GREEDY);
	CHECK_INT(s.runs[0].agree.identical, 15);
	CHECK_NEAR(s.runs[0].agree.ttd_median, 3, 0);
	CHECK_INT(s.runs[0].lpq.ev, RD_EV_NONE);
	CHECK_STR(s.runs[0].lpq.why, "no logprobs");
	CHECK(isnan(s.runs[0].lpq.kl));
	/* the group: the run with the most prompts, counted */
	CHECK(q4->agree_run == &s.runs[1]);
	CHECK_INT(q4->agree_runs, 2);
	CHECK_INT(q4->agree.prompts, 30);
	CHECK_INT(q4->agree.identical, 21);
	CHECK_NEAR(q4->agree.share, 0.7, 0);
	CHECK_NEAR(q4->agree.lo, 0.52, 0);
	CHECK_NEAR(q4->agree.hi, 0.83, 0);
	CHECK_INT(q4->agree.diverged, 9);
	CHECK_NEAR(q4->agree.ttd_median, 4, 0);
	CHECK(q4->lpq_run == &s.runs[1]);
	CHECK_INT(q4->lpq_runs, 1);
	CHECK_INT(q4->lpq.ev, RD_EV_LOGPROBS);
	CHECK_INT(q4->lpq.top_k, 3);
	CHECK_INT(q4->lpq.truncated, 1);
	CHECK_NEAR(q4->lpq.top1, 0.9, 0);
	CHECK_NEAR(q4->lpq.top1_lo, 0.85, 0);
	CHECK_NEAR(q4->lpq.top1_hi, 0.95, 0);
	CHECK_NEAR(q4->lpq.kl, 0.02, 0);
	CHECK_NEAR(q4->lpq.kl_lo, 0.01, 0);
	CHECK_NEAR(q4->lpq.kl_hi, 0.03, 0);
	CHECK_NEAR(q4->lpq.kl_p99, 0.4, 0);
	CHECK_NEAR(q4->lpq.fd_median, 6, 0);
	CHECK_INT(q4->lpq.diverged, 12);
	/* teacher-forced (level c): its run's figures, as agg wrote them */
	CHECK(q4->tfq_run == &s.runs[1]);
	CHECK_INT(q4->tfq_runs, 1);
	CHECK_INT(q4->tfq.ev, RD_EV_TEACHER);
	CHECK_INT(q4->tfq.positions, 640);
	CHECK_INT(q4->tfq.exact, 0);
	CHECK_NEAR(q4->tfq.kl, 0.003, 0);
	CHECK_NEAR(q4->tfq.kl_p99, 0.0098, 0);
	CHECK_NEAR(q4->tfq.same, 0.8375, 0);
	CHECK_NEAR(q4->tfq.same_lo, 0.81, 0);
	CHECK_NEAR(q4->tfq.dppl, 0.25, 0);
	CHECK_NEAR(q4->tfq.dppl_hi, 0.34, 0);
	CHECK_INT(s.runs[0].tfq.ev, RD_EV_ABSENT);
	CHECK(bf->tfq_run == NULL);
	/* no figures: the level seen, none at all */
	CHECK(bf->agree_run == NULL && bf->lpq_run == NULL);
	CHECK_INT(bf->agree.ev, RD_EV_OTHER);
	CHECK_INT(bf->lpq.ev, RD_EV_ABSENT);
	CHECK(q8->agree_run == NULL && q8->agree.ev == RD_EV_ABSENT);
	rd_free(&s);
	for (size_t i = 0; i < sizeof aruns / sizeof aruns[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, aruns[i].file);
		unlink(path);
	}
}

/* The budget's KL limit (RD_KL_BUDGET): every answer right in all three,
 * but Q4_K_M's teacher-forced KL is above the limit with 95 % confidence
 * and Q2_K's logprob estimate too: both exceed the budget, and the pick
 * passes over them for Q8_0, whose KL is well within. */
#define TF_KL(kl, lo)                                                          \
	"\"teacher_forced\": {\"evidence\": \"teacher_forced\", "              \
	"\"positions\": "                                                      \
	"640, \"kl\": {\"mean\": " #kl ", \"ci95_lo\": " #lo                   \
	", \"ci95_hi\": 1, "                                                   \
	"\"p99\": 1}, \"same_top1\": {\"share\": 0.9, \"ci95_lo\": 0.8, "      \
	"\"ci95_hi\": 0.95}}"
static const struct qrun kruns[] = {
    {"k1.json", "k", "BF16", 1, {ALL_RIGHT}, 1, 20, 90, NULL},
    {"k2.json", "k", "Q8_0", 1, {ALL_RIGHT}, 1, 30, 50, TF_KL(0.002, 0.0018)},
    {"k3.json", "k", "Q4_K_M", 1, {ALL_RIGHT}, 1, 50, 30, TF_KL(0.08, 0.07)},
    {"k4.json",
     "k",
     "Q2_K",
     1,
     {ALL_RIGHT},
     1,
     60,
     20,
     "\"logprobs\": {\"evidence\": \"logprobs\", \"prompts\": 5, \"kl\": "
     "{\"mean\": 0.3, \"ci95_lo\": 0.2, \"ci95_hi\": 0.4, \"p99\": 1}}"}};

static void test_kl_budget(void)
{
	struct rd_set s;
	struct decision d;
	const struct rd_group *q8, *q4, *q2;
	char path[256];

	rd_init(&s, by2, 2);
	for (size_t i = 0; i < sizeof kruns / sizeof kruns[0]; i++) {
		write_qrun(&kruns[i]);
		snprintf(path, sizeof path, "%s/%s", dir, kruns[i].file);
		CHECK_INT(rd_add_file(&s, path), 0);
	}
	CHECK_INT(rd_build(&s), 0);
	q8 = group(&s, "k", "Q8_0"), q4 = group(&s, "k", "Q4_K_M");
	q2 = group(&s, "k", "Q2_K");
	CHECK(q8 && q4 && q2);
	CHECK_INT(q8->qcmp.verdict, VD_Q_WITHIN);
	CHECK_INT(q8->qcmp.kl_over, 0);
	CHECK_INT(q4->qcmp.verdict, VD_Q_EXCEEDS);
	CHECK_INT(q4->qcmp.kl_over, 1);
	CHECK_INT(q4->qcmp.kl_tf, 1);
	CHECK_NEAR(q4->qcmp.kl, 0.08, 0);
	CHECK_INT(q2->qcmp.verdict, VD_Q_EXCEEDS);
	CHECK_INT(q2->qcmp.kl_tf, 0); /* from logprobs: a lower bound */
	CHECK_INT(decide(&s, 0, &d), 0);
	CHECK(d.picks[0][USE_INTERACTIVE].best == q8);
	CHECK(d.picks[0][USE_INTERACTIVE].over == q2);
	decide_free(&d);
	rd_free(&s);
	for (size_t i = 0; i < sizeof kruns / sizeof kruns[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, kruns[i].file);
		unlink(path);
	}
}

int main(void)
{
	char path[256];

	if (mkdtemp(dir) == NULL)
		return 1;
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++)
		write_qrun(&runs[i]);
	RUN(test_graded_and_pairs);
	RUN(test_named_reference_and_refusal);
	RUN(test_picks_within_budget);
	RUN(test_agreement);
	RUN(test_kl_budget);
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, runs[i].file);
		unlink(path);
	}
	rmdir(dir);
	return DONE();
}
