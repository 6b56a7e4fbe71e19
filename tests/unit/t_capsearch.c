/* Unit tests for lib/capsearch: the search finds every capacity exactly,
 * within the levels it promises. */
#include "tap.h"

#include "capsearch.h"

/* Runs the search against a server that holds exactly cap users; returns
 * the levels run. */
static int search(int cap, int max, struct cap_step *st)
{
	struct cap_level lv[64];
	int n = 0;

	for (;;) {
		cap_next(lv, n, max, st);
		if (st->act == CAP_DONE || n == 64)
			return n;
		lv[n].users = st->users;
		lv[n].st = st->users <= cap ? VD_SLO_HELD : VD_SLO_BROKE;
		n++;
	}
}

/* The requests the same search sends, every level once. */
static long search_requests(int cap, int max)
{
	struct cap_level lv[64];
	struct cap_step st;
	long sum = 0;
	int n = 0;

	for (;;) {
		cap_next(lv, n, max, &st);
		if (st.act == CAP_DONE || n == 64)
			return sum;
		sum += cap_passes(st.users, 20, 4, 7, 0) * 7;
		lv[n].users = st.users;
		lv[n].st = st.users <= cap ? VD_SLO_HELD : VD_SLO_BROKE;
		n++;
	}
}

static void test_exact(void)
{
	struct cap_step st;
	int cap, max, n;

	for (max = 1; max <= 100; max++)
		for (cap = 0; cap <= max + 1; cap++) {
			n = search(cap, max, &st);
			CHECK_INT(st.holds, cap < max ? cap : max);
			CHECK_INT(st.breaks, cap < max ? cap + 1 : 0);
			CHECK_INT(st.undecided, 0);
			/* every level runs once: half the bound */
			CHECK(n <= cap_max_levels(max) / 2);
			CHECK(search_requests(cap, max) <=
			      cap_max_requests(max, 20, 4, 7));
		}
}

static void test_order(void)
{
	struct cap_step st;
	struct cap_level lv[8] = {{1, VD_SLO_HELD},
				  {2, VD_SLO_HELD},
				  {4, VD_SLO_HELD},
				  {8, VD_SLO_BROKE}};

	cap_next(lv, 0, 64, &st);
	CHECK_INT(st.act, CAP_RUN);
	CHECK_INT(st.users, 1);
	cap_next(lv, 3, 64, &st);
	CHECK_INT(st.users, 8);
	cap_next(lv, 4, 64, &st);
	CHECK_INT(st.users, 6);
	cap_next(lv, 2, 3, &st); /* doubling stops at the most allowed */
	CHECK_INT(st.users, 3);
}

static void test_zero(void)
{
	struct cap_step st;
	struct cap_level lv[1] = {{1, VD_SLO_BROKE}};

	cap_next(lv, 1, 64, &st);
	CHECK_INT(st.act, CAP_DONE);
	CHECK_INT(st.holds, 0);
	CHECK_INT(st.breaks, 1);
}

static void test_undecided(void)
{
	struct cap_step st;
	struct cap_level lv[4] = {
	    {1, VD_SLO_HELD}, {2, VD_SLO_UNDECIDED}, {2, VD_SLO_UNDECIDED}};

	cap_next(lv, 2, 64, &st);
	CHECK_INT(st.act, CAP_RERUN);
	CHECK_INT(st.users, 2);
	cap_next(lv, 3, 64, &st);
	CHECK_INT(st.act, CAP_DONE);
	CHECK_INT(st.undecided, 2);
	CHECK_INT(st.holds, 1);
	lv[2].st = VD_SLO_HELD; /* decided the second time: go on */
	cap_next(lv, 3, 64, &st);
	CHECK_INT(st.act, CAP_RUN);
	CHECK_INT(st.users, 4);
}

static void test_passes(void)
{
	CHECK_INT(cap_passes(1, 20, 4, 10, 0), 2); /* 20 requests */
	CHECK_INT(cap_passes(8, 20, 4, 10, 0), 4); /* 32 → 40 */
	CHECK_INT(cap_passes(8, 20, 4, 10, 1), 7); /* 64 → 70 */
	CHECK_INT(cap_passes(1, 2, 1, 0, 0), 2);
	CHECK_INT(cap_max_levels(64), 2 * (7 + 5));
	/* 1 user, at most: 20 requests, then 40 on a re-run */
	CHECK_INT(cap_max_requests(1, 20, 4, 1), 60);
	/* 1, 2, 4: 20 + 40 each, 4 users x 8 = 32 + 64; then 4 users (3) */
	CHECK_INT(cap_max_requests(4, 20, 8, 1), 60 + 60 + 96 + 96);
}

/* The knee: the first level tried whose median passes 1.25 times the
 * lowest level's; the levels come in the order the search ran them. */
static void test_knee(void)
{
	struct cap_lat l[8] = {{1, 0.20}, {2, 0.21},  {4, 0.24},
			       {8, 0.90}, {6, 0.245}, {7, 0.40}};
	int below, at;

	cap_knee(l, 6, &below, &at);
	CHECK_INT(below, 6);
	CHECK_INT(at, 7);
	cap_knee(l, 3, &below, &at); /* never departed: the most tried */
	CHECK_INT(below, 4);
	CHECK_INT(at, 0);
	l[6] = (struct cap_lat){4, 0.30}; /* a re-run of 4: the last counts */
	cap_knee(l, 7, &below, &at);
	CHECK_INT(below, 2);
	CHECK_INT(at, 4);
	l[0].p50 = 0.25; /* 0.30 is not past 1.25 x 0.25 */
	cap_knee(l, 7, &below, &at);
	CHECK_INT(below, 6);
	CHECK_INT(at, 7);
	cap_knee(l, 0, &below, &at);
	CHECK_INT(below, 0);
	CHECK_INT(at, 0);
}

int main(void)
{
	RUN(test_exact);
	RUN(test_order);
	RUN(test_zero);
	RUN(test_undecided);
	RUN(test_passes);
	RUN(test_knee);
	return DONE();
}
