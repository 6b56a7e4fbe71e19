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

static void test_fires_at_its_time(void)
{
	dtimer *t;
	int64_t now, at;

	base = event_base_new();
	t = dtimer_new(base, on_fire, NULL);
	CHECK(t != NULL);
	fired = 0;
	now = clock_mono_ns();
	at = now + 20 * 1000000LL;
	CHECK_INT(dtimer_at(t, at, now), 0);
	run_until_fired(5 * 1000000000LL);
	CHECK_INT(fired, 1);
	CHECK(fired_at >= at);
	/* set again: fires again; a time already past, at once */
	now = clock_mono_ns();
	CHECK_INT(dtimer_at(t, now - 1000000, now), 0);
	run_until_fired(5 * 1000000000LL);
	CHECK_INT(fired, 2);
	dtimer_free(t);
	event_base_free(base);
}

static void test_moved_and_disarmed(void)
{
	dtimer *t;
	int64_t now, late;

	base = event_base_new();
	t = dtimer_new(base, on_fire, NULL);
	fired = 0;
	now = clock_mono_ns();
	late = now + 60 * 1000000LL;
	/* moved later before it fires: fires once, at the later time */
	CHECK_INT(dtimer_at(t, now + 10 * 1000000LL, now), 0);
	CHECK_INT(dtimer_at(t, late, now), 0);
	run_until_fired(5 * 1000000000LL);
	CHECK_INT(fired, 1);
	CHECK(fired_at >= late);
	/* disarmed: the loop's guard ends it, the timer never fires */
	now = clock_mono_ns();
	CHECK_INT(dtimer_at(t, now + 10 * 1000000LL, now), 0);
	CHECK_INT(dtimer_at(t, 0, now), 0);
	run_until_fired(100 * 1000000LL);
	CHECK_INT(fired, 1);
	dtimer_free(t);
	event_base_free(base);
}

int main(void)
{
	RUN(test_fires_at_its_time);
	RUN(test_moved_and_disarmed);
	return DONE();
}
