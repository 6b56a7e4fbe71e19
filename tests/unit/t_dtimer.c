/* Unit tests for src/gen/dtimer: the timer fires once, at or after its
 * time, as often as it is set; moved, it fires at the new time and not
 * the old; disarmed, never. */
#include <stdint.h>

#include <event2/event.h>

#include "tap.h"

#include "clock.h"
#include "dtimer.h"

static struct event_base *base;
static int fired;
static int64_t fired_at;

static void on_fire(void *arg)
{
	(void)arg;
	fired++;
	fired_at = clock_mono_ns();
}

/* Runs the loop until the timer fires or limit ns pass (a guard timer of
 * libevent's own ends it then). */
static void on_guard(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	*(int *)arg = 1;
}

static void run_until_fired(int64_t limit)
{
	int over = 0;
	struct event *guard = evtimer_new(base, on_guard, &over);
	struct timeval tv = {(time_t)(limit / 1000000000),
			     (suseconds_t)(limit % 1000000000 / 1000)};
	int before = fired;

	evtimer_add(guard, &tv);
	while (fired == before && !over &&
	       event_base_loop(base, EVLOOP_ONCE) == 0)
		;
	event_free(guard);
}

/* A loop with a timer on it, none fired yet. */
static dtimer *setup(void)
{
	dtimer *t;

	base = event_base_new();
	t = dtimer_new(base, on_fire, NULL);
	CHECK(t != NULL);
	fired = 0;
	return t;
}

static void teardown(dtimer *t)
{
	dtimer_free(t);
	event_base_free(base);
}

/* Sets t for d ns from now and runs the loop until it fires (at most 5 s);
 * returns the time it was set for. */
static int64_t fire_in(dtimer *t, int64_t d)
{
	int64_t now = clock_mono_ns();

	CHECK_INT(dtimer_at(t, now + d, now), 0);
	run_until_fired(5 * 1000000000LL);
	return now + d;
}

static void test_fires_at_its_time(void)
{
	dtimer *t = setup();
	int64_t at = fire_in(t, 20 * 1000000LL);

	CHECK_INT(fired, 1);
	CHECK(fired_at >= at);
	fire_in(t, -1000000); /* set again, a time already past: at once */
	CHECK_INT(fired, 2);
	teardown(t);
}

static void test_moved_and_disarmed(void)
{
	dtimer *t = setup();
	int64_t now = clock_mono_ns(), late;

	/* moved later before it fires: fires once, at the later time */
	CHECK_INT(dtimer_at(t, now + 10 * 1000000LL, now), 0);
	late = fire_in(t, 60 * 1000000LL);
	CHECK_INT(fired, 1);
	CHECK(fired_at >= late);
	/* disarmed: the loop's guard ends the wait, the timer never fires */
	now = clock_mono_ns();
	CHECK_INT(dtimer_at(t, now + 10 * 1000000LL, now), 0);
	CHECK_INT(dtimer_at(t, 0, now), 0);
	run_until_fired(100 * 1000000LL);
	CHECK_INT(fired, 1);
	teardown(t);
}

int main(void)
{
	RUN(test_fires_at_its_time);
	RUN(test_moved_and_disarmed);
	return DONE();
}
