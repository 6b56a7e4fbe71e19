/* Unit tests for src/report/decide: the picks per model and across models,
 * ties, groups that may not be picked, and the several-users rule. */
#include "runfix.h"

#include "decide.h"

static struct decision dec;

static struct rd_set decide_set(void)
{
	struct rd_set s = load();

	CHECK_INT(decide(&s, 0, &dec), 0);
	rd_holm((struct rd_cmp *[]){&dec.picks[0][USE_INTERACTIVE].cmp}, 1);
	return s;
}

/* Each model gets its own picks; across models, the faster model wins. */
static void test_per_model(void)
{
	struct rd_set s;
	const struct decide_pick *p;

	clear();
	write_run(&(struct spec){"a.json", "M", "Q4", "std.json", 1, 32, 2, 1,
				 1.2, 100, 110, 80, 0});
	write_run(&(struct spec){"b.json", "M", "Q8", "std.json", 1, 32, 2, 1,
				 1.0, 180, 190, 70, 0});
	write_run(&(struct spec){"c.json", "N", "Q4", "std.json", 1, 32, 2, 1,
				 2.0, 50, 60, 150, 0});
	s = decide_set();
	CHECK_INT(dec.n_models, 2);
	CHECK_STR(dec.models[0], "M");
	p = dec.picks[0];
	CHECK_STR(p[USE_INTERACTIVE].best->key, "M · Q4");
	CHECK_STR(p[USE_INTERACTIVE].next->key, "M · Q8");
	CHECK(p[USE_INTERACTIVE].has_cmp);
	/* Q8 against Q4: every request 1.0 / 1.2 */
	CHECK_NEAR(p[USE_INTERACTIVE].cmp.r.ratio, 1.2, 1e-9);
	CHECK_INT(p[USE_INTERACTIVE].cmp.verdict, VD_BETTER);
	CHECK_STR(p[USE_MEMORY].best->key, "M · Q4");
	CHECK_INT(p[USE_MEMORY].tie, 0);
	/* no level above 1: several users are not compared */
	CHECK(p[USE_USERS].best == NULL);
	/* model N alone: a pick without a runner-up */
	CHECK_STR(dec.picks[1][USE_INTERACTIVE].best->key, "N · Q4");
	CHECK(dec.picks[1][USE_INTERACTIVE].next == NULL);
	/* across models */
	CHECK_STR(dec.picks[2][USE_INTERACTIVE].best->key, "N · Q4");
	CHECK_STR(dec.picks[2][USE_MEMORY].best->key, "N · Q4");
	decide_free(&dec);
	rd_free(&s);
}

/* Equal speeds tie; memory within 1 % ties; a failing group is never
 * picked, however fast. */
static void test_ties_and_failures(void)
{
	struct rd_set s;
	const struct decide_pick *p;

	clear();
	write_run(&(struct spec){"a.json", "M", "A", "std.json", 1, 32, 2, 1, 1,
				 100, 110, 80, 0});
	write_run(&(struct spec){"b.json", "M", "B", "std.json", 1, 32, 2, 1,
				 1.005, 100.5, 110, 80, 0});
	s = decide_set();
	p = dec.picks[0];
	CHECK_INT(p[USE_INTERACTIVE].cmp.verdict, VD_TIE);
	CHECK_INT(p[USE_MEMORY].tie, 1);
	decide_free(&dec);
	rd_free(&s);

	/* one failure in 6 requests: 17 %, over the 5 % limit */
	clear();
	X.failed = 1;
	write_run(&(struct spec){"a.json", "M", "A", "std.json", 1, 32, 1, 1, 9,
				 100, 110, 80, 0});
	s = load();
	CHECK(s.g[0].sum.error_rate.v > DECIDE_MAX_ERROR_RATE);
	CHECK(!decide_eligible(&s.g[0]));
	CHECK_INT(decide(&s, 0, &dec), 0);
	CHECK(dec.picks[0][USE_INTERACTIVE].best == NULL);
	decide_free(&dec);
	rd_free(&s);
}

/* Several users: the highest level every candidate ran on one workload. */
static void test_users(void)
{
	struct rd_set s;
	const struct decide_pick *p;

	clear();
	write_run(&(struct spec){"a1.json", "M", "A", "std.json", 1, 32, 4, 1,
				 1, 100, 110, 40, 0});
	write_run(&(struct spec){"a2.json", "M", "A", "std.json", 2, 32, 4, 1,
				 1, 100, 110, 70, 0});
	write_run(&(struct spec){"a4.json", "M", "A", "std.json", 4, 32, 4, 1,
				 1, 100, 110, 120, 0});
	write_run(&(struct spec){"b1.json", "M", "B", "std.json", 1, 32, 4, 1,
				 1, 100, 110, 40, 0});
	write_run(&(struct spec){"b2.json", "M", "B", "std.json", 2, 32, 4, 1,
				 1, 100, 110, 75, 0});
	s = decide_set();
	p = dec.picks[0];
	/* B never ran 4 users: 2 is the level both ran */
	CHECK_NEAR(p[USE_USERS].level, 2, 0);
	CHECK_STR(p[USE_USERS].best->key, "M · B");
	CHECK_NEAR(decide_agg_at(p[USE_USERS].best, p[USE_USERS].wl, 2), 75,
		   1e-12);
	CHECK_STR(p[USE_USERS].next->key, "M · A");
	decide_free(&dec);
	rd_free(&s);
}

/* Several users by capacity: capacities within each other's intervals
 * tie, and the goodput at the most users both held picks between them. */
static void test_users_capacity_tie(void)
{
	struct rd_set s;
	const struct decide_pick *p;

	/* A holds 5 (20 of 20 at 5: 84-100 %); B breaks at 5 with 18 of
	 * 20 (70-97 %): the intervals overlap, a tie; B's goodput at 4
	 * users, the most both held, is the higher: B is picked */
	clear();
	write_search("A", 20, 350);
	write_search("B", 18, 360);
	s = decide_set();
	p = dec.picks[0];
	CHECK_STR(p[USE_USERS].slo, "ttft_p95<=3s");
	CHECK_INT(rd_capacity_of(group(&s, "M · A"), NULL)->holds, 5);
	CHECK_INT(rd_capacity_of(group(&s, "M · B"), NULL)->holds, 4);
	CHECK_INT(p[USE_USERS].tie, 1);
	CHECK_INT(p[USE_USERS].tie_at, 5);
	CHECK_INT(p[USE_USERS].tie_by, 4);
	CHECK_STR(p[USE_USERS].best->key, "M · B");
	CHECK_STR(p[USE_USERS].next->key, "M · A");
	decide_free(&dec);
	rd_free(&s);

	/* B breaks at 5 with 12 of 20 (39-78 %): apart, A is ahead */
	clear();
	write_search("A", 20, 350);
	write_search("B", 12, 360);
	s = decide_set();
	p = dec.picks[0];
	CHECK_INT(p[USE_USERS].tie, 0);
	CHECK_INT(p[USE_USERS].tie_by, 0);
	CHECK_STR(p[USE_USERS].best->key, "M · A");
	decide_free(&dec);
	rd_free(&s);

	/* both hold 5: tied by the users themselves; A's goodput at 5
	 * (500) against B's (500): the users held, as ranked, decide */
	clear();
	write_search("A", 20, 350);
	write_search("B", 19, 340);
	s = decide_set();
	p = dec.picks[0];
	CHECK_INT(p[USE_USERS].tie, 1);
	CHECK_INT(p[USE_USERS].tie_at, 0);
	CHECK_INT(p[USE_USERS].tie_by, 0);
	CHECK_STR(p[USE_USERS].best->key, "M · A");
	decide_free(&dec);
	rd_free(&s);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_per_model);
	RUN(test_ties_and_failures);
	RUN(test_users);
	RUN(test_users_capacity_tie);
	clear();
	rmdir(dir);
	return DONE();
}
