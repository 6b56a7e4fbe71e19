/* Unit tests for src/gen/pace: closed and open loops, warm-up, duration, and
 * the back-off after connection failures. */
#include "tap.h"

#include "pace.h"

#define MS 1000000LL

/* How many start at now. */
static int burst(struct pace *s, int64_t now, struct pace_launch *last)
{
	int n = 0;

	while (pace_next(s, now, last))
		n++;
	return n;
}

static void test_closed(void)
{
	struct pace s;
	struct pace_launch l;

	pace_init(&s, 0, 5, 0, 2, 1, 0, 1, 0, 1, 3);
	CHECK_INT(burst(&s, 1, &l), 2);
	CHECK_INT(l.prompt, 1);
	pace_end(&s, 0, 0, 1, 2);
	CHECK_INT(burst(&s, 2, &l), 1); /* refilled */
	CHECK_INT(l.prompt, 2);
	pace_end(&s, 0, 0, 1, 3);
	CHECK_INT(burst(&s, 3, &l), 1);
	CHECK_INT(l.prompt, 0); /* prompt 0, second repetition */
	CHECK_INT(l.rep, 1);
	pace_end(&s, 0, 0, 1, 4);
	pace_end(&s, 0, 0, 1, 4);
	CHECK_INT(burst(&s, 4, &l), 1);
	CHECK_INT(burst(&s, 5, &l), 0); /* five in all */
	CHECK(!pace_more(&s, 5));
}

/* --shuffle: every pass holds each prompt once, in its own order; the
 * order is the seed's. */
static void test_shuffle(void)
{
	struct pace s, t;
	struct pace_launch l;
	int seen[5], pass, i, first[15], moved = 0;

	pace_init(&s, 0, 15, 0, 1, 1, 0, 1, 0, 1, 5);
	CHECK_INT(pace_shuffle(&s, 7), 0);
	for (pass = 0; pass < 3; pass++) {
		memset(seen, 0, sizeof seen);
		for (i = 0; i < 5; i++) {
			CHECK_INT(pace_next(&s, 1, &l), 1);
			pace_end(&s, 0, 0, 1, 1);
			seen[l.prompt]++;
			first[pass * 5 + i] = l.prompt;
			moved += l.prompt != i;
			CHECK_INT(l.rep, pass);
		}
		for (i = 0; i < 5; i++)
			CHECK_INT(seen[i], 1);
	}
	CHECK(moved > 0);
	/* the same seed, the same order */
	pace_init(&t, 0, 15, 0, 1, 1, 0, 1, 0, 1, 5);
	pace_shuffle(&t, 7);
	for (i = 0; i < 15; i++) {
		pace_next(&t, 1, &l);
		pace_end(&t, 0, 0, 1, 1);
		CHECK_INT(l.prompt, first[i]);
	}
	pace_free(&s);
	pace_free(&t);
}

static void test_warmup_first_and_alone(void)
{
	struct pace s;
	struct pace_launch l;

	pace_init(&s, 2, 4, 0, 4, 1, 0, 1, 0, 1, 2);
	CHECK_INT(burst(&s, 1, &l), 2);
	CHECK_INT(l.warmup, 1);
	pace_end(&s, 1, 0, 1, 2);
	CHECK_INT(burst(&s, 2, &l), 0); /* one warm-up still in flight */
	pace_end(&s, 1, 0, 1, 3);
	CHECK_INT(burst(&s, 3, &l), 4);
	CHECK_INT(l.warmup, 0);
}

static void test_open_constant(void)
{
	struct pace s;
	struct pace_launch l;
	int64_t t0 = 1000 * MS;

	pace_init(&s, 0, 3, 0, 1, 0, 10, 1, 1, 1, 1); /* 10/s, constant */
	CHECK_INT(burst(&s, t0, &l), 1);
	CHECK_INT(pace_wake_at(&s, t0), t0 + 100 * MS);
	CHECK_INT(burst(&s, t0 + 99 * MS, &l), 0);
	/* late by 150 ms: both due arrivals go, each with its own due time */
	CHECK_INT(burst(&s, t0 + 250 * MS, &l), 2);
	CHECK_INT(l.m_sched, t0 + 200 * MS);
	CHECK(!pace_more(&s, t0 + 250 * MS));
}

/* An open loop without a cap keeps its schedule whatever the server does:
 * no request ever ends here, and every arrival still starts when it is due
 * (no coordinated omission); a cap (-c with --rate) holds them back, each
 * keeping its due time for the queue delay. */
static void test_open_no_waiting(void)
{
	struct pace s, c;
	struct pace_launch l;
	int64_t t0 = 1000 * MS, due = t0;
	int i;

	pace_init(&s, 0, 200, 0, 1, 0, 50, 1, 0, 7, 1); /* Poisson, 50/s */
	for (i = 0; i < 200; i++) {
		CHECK_INT(burst(&s, due, &l), 1);
		CHECK_INT(l.m_sched, due);
		due = pace_wake_at(&s, due);
	}
	CHECK_INT(s.in_flight, 200);
	pace_init(&c, 0, 3, 0, 1, 1, 50, 1, 1, 7, 1); /* a cap of 1 */
	CHECK_INT(burst(&c, t0, &l), 1);
	CHECK_INT(burst(&c, t0 + 100 * MS, &l), 0); /* due at 20 ms, held */
	pace_end(&c, 0, 0, 1, t0 + 100 * MS);
	CHECK_INT(burst(&c, t0 + 100 * MS, &l), 1);
	CHECK_INT(l.m_sched, t0 + 20 * MS);
}

static void test_duration(void)
{
	struct pace s;
	struct pace_launch l;

	pace_init(&s, 0, -1, 1.0, 1, 1, 0, 1, 0, 1, 1);
	CHECK_INT(burst(&s, 10 * MS, &l), 1);
	pace_end(&s, 0, 0, 1, 500 * MS);
	CHECK_INT(burst(&s, 500 * MS, &l), 1);
	pace_end(&s, 0, 0, 1, 1010 * MS);
	CHECK_INT(burst(&s, 1010 * MS, &l), 0); /* 1 s since the first */
	CHECK(pace_cut_by_duration(&s));
}

static void test_backoff(void)
{
	struct pace s;
	struct pace_launch l;
	int64_t now = 1000 * MS;
	int i;

	pace_init(&s, 0, 100, 0, 1, 1, 0, 1, 0, 1, 1);
	CHECK_INT(burst(&s, now, &l), 1);
	pace_end(&s, 0, 1, 0, now);
	CHECK_INT(burst(&s, now + 49 * MS, &l), 0); /* 50 ms */
	CHECK_INT(pace_wake_at(&s, now), now + 50 * MS);
	CHECK_INT(burst(&s, now + 50 * MS, &l), 1);
	now += 50 * MS;
	pace_end(&s, 0, 1, 0, now);
	CHECK_INT(pace_wake_at(&s, now), now + 100 * MS); /* doubled */
	/* a response resets it */
	now += 100 * MS;
	CHECK_INT(burst(&s, now, &l), 1);
	pace_end(&s, 0, 0, 1, now);
	CHECK_INT(burst(&s, now, &l), 1);
	/* having answered once, it never gives up; the wait stops at 2 s */
	for (i = 0; i < 12; i++) {
		pace_end(&s, 0, 1, 0, now);
		now = pace_wake_at(&s, now);
		CHECK_INT(burst(&s, now, &l), 1);
	}
	CHECK(!s.unreachable);
	pace_end(&s, 0, 1, 0, now);
	CHECK_INT(pace_wake_at(&s, now) - now, 2000 * MS);
}

static void test_gives_up(void)
{
	struct pace s;
	struct pace_launch l;
	int64_t now = MS;
	int i, n = 0;

	pace_init(&s, 0, -1, 2.0, 4, 1, 0, 1, 0, 1, 1);
	for (i = 0; i < 100 && pace_more(&s, now); i++) {
		int k = burst(&s, now, &l), j;
		n += k;
		for (j = 0; j < k; j++)
			pace_end(&s, 0, 1, 0, now);
		if (pace_wake_at(&s, now))
			now = pace_wake_at(&s, now);
	}
	CHECK(s.unreachable);
	CHECK_INT(n, PACE_GIVE_UP);
	CHECK(!pace_more(&s, now));
}

int main(void)
{
	RUN(test_closed);
	RUN(test_shuffle);
	RUN(test_warmup_first_and_alone);
	RUN(test_open_constant);
	RUN(test_open_no_waiting);
	RUN(test_duration);
	RUN(test_backoff);
	RUN(test_gives_up);
	return DONE();
}
