/* clock: monotonic durations and the shared wall-clock base (see clock.h). */
#include "clock.h"

#include <errno.h>
#include <time.h>

static int64_t base_mono_ns;
static int64_t base_wall_ns;
static int base_taken;

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static int64_t read_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts_ns(&ts);
}

void clock_init(void)
{
	int64_t m0, w, m1;

	if (base_taken)
		return;
	/* Bracket the wall-clock read by two monotonic reads and pair it with
	 * their midpoint, so the base is off by at most half that window. */
	m0 = read_ns(CLOCK_MONOTONIC);
	w = read_ns(CLOCK_REALTIME);
	m1 = read_ns(CLOCK_MONOTONIC);
	base_mono_ns = m0 + (m1 - m0) / 2;
	base_wall_ns = w;
	base_taken = 1;
}

int64_t clock_mono_ns(void)
{
	return read_ns(CLOCK_MONOTONIC);
}

int64_t clock_real_ns(void)
{
	return read_ns(CLOCK_REALTIME);
}

double clock_mono(void)
{
	return (double)clock_mono_ns() / 1e9;
}

double clock_to_shared(int64_t mono_ns)
{
	clock_init();
	/* A double holds epoch seconds to about 0.2 µs, enough for µs output.
	 */
	return (double)(base_wall_ns + (mono_ns - base_mono_ns)) / 1e9;
}

int64_t clock_to_shared_ns(int64_t mono_ns)
{
	clock_init();
	return base_wall_ns + (mono_ns - base_mono_ns);
}

int64_t clock_from_shared(double t)
{
	clock_init();
	double sec = (double)(int64_t)t;
	int64_t ns =
	    (int64_t)sec * 1000000000 + (int64_t)((t - sec) * 1e9 + 0.5);
	return ns - base_wall_ns + base_mono_ns;
}

double clock_now(void)
{
	return clock_to_shared(clock_mono_ns());
}

int clock_sleep_until(int64_t mono_ns)
{
	struct timespec ts;
	int64_t now;

	for (;;) {
		now = clock_mono_ns();
		if (now >= mono_ns)
			return 0;
#if defined(__linux__)
		ts.tv_sec = mono_ns / 1000000000;
		ts.tv_nsec = mono_ns % 1000000000;
		int rc =
		    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (rc == 0)
			return 0;
		if (rc != EINTR)
			continue;
#else
		/* macOS has no clock_nanosleep: a relative sleep recomputed
		 * from the absolute target each time still does not accumulate
		 * drift. */
		int64_t d = mono_ns - now;
		ts.tv_sec = d / 1000000000;
		ts.tv_nsec = d % 1000000000;
		if (nanosleep(&ts, NULL) == 0)
			continue;
		if (errno != EINTR)
			continue;
#endif
		errno = EINTR;
		return -1;
	}
}
