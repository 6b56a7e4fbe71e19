/* Unit tests of lib/clock: monotonic durations and the shared base. */
#include "tap.h"
#include "clock.h"

#include <stdint.h>
#include <time.h>

static void test_monotonic(void)
{
	int64_t prev = clock_mono_ns(), now;
	int i, backwards = 0;

	for (i = 0; i < 100000; i++) {
		now = clock_mono_ns();
		if (now < prev)
			backwards++;
		prev = now;
	}
	CHECK_INT(backwards, 0);
}

static void test_sleep_measured(void)
{
	int64_t t0 = clock_mono_ns();
	CHECK_INT(clock_sleep_until(t0 + 20000000), 0);
	int64_t dt = clock_mono_ns() - t0;
	/* Sleeping until an absolute time never returns early; the upper
	 * bound is generous because shared machines are noisy. */
	CHECK(dt >= 20000000);
	CHECK(dt < 2000000000);
	CHECK_INT(clock_sleep_until(t0), 0); /* a past target returns */
}

static void test_shared_base(void)
{
	struct timespec ts;
	double t, wall;

	clock_init();
	t = clock_now();
	clock_gettime(CLOCK_REALTIME, &ts);
	wall = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	/* The shared base is the wall clock taken at start; unless NTP stepped
	 * the clock within this test they agree to well under a second. */
	CHECK_NEAR(t, wall, 0.5);
	CHECK(t > 1.6e9); /* seconds since the epoch, not since boot */
}

static void test_conversions(void)
{
	int64_t m = clock_mono_ns();
	double t = clock_to_shared(m);
	int64_t back = clock_from_shared(t);

	/* A double of epoch seconds keeps well under a microsecond. */
	CHECK(back - m < 1000 && m - back < 1000);
	CHECK_NEAR(clock_to_shared(m + 1500000) - t, 0.0015, 1e-6);
}

static void test_init_once(void)
{
	double a = clock_to_shared(1000000000);

	clock_init(); /* a second init must not move the base */
	CHECK_NEAR(clock_to_shared(1000000000), a, 0);
}

int main(void)
{
	RUN(test_monotonic);
	RUN(test_sleep_measured);
	RUN(test_shared_base);
	RUN(test_conversions);
	RUN(test_init_once);
	return DONE();
}
