/* Unit tests for src/gen/rdwin: when the read window opens, how wide, and
 * every reason it closes. */
#include "tap.h"

#include "rdwin.h"

#define US 1000LL
#define MS 1000000LL

static struct rdwin_stream st[64];

/* One period from t0: n streams, each read every gap ns, their reads
 * spread evenly over the gap; returns the time the next round of reads
 * is due, the period's end (a period and more after t0). */
static int64_t period(struct rdwin *w, int n, int64_t t0, int64_t gap)
{
	int64_t t;

	for (t = t0; t < t0 + RDWIN_PERIOD_NS; t += gap)
		for (int i = 0; i < n; i++)
			rdwin_chunk(w, &st[i], t + i * (gap / n));
	return t;
}

static void fresh(struct rdwin *w, int64_t max)
{
	memset(st, 0, sizeof st);
	rdwin_init(w, max, 0);
}

/* 64 streams at 500 chunks/s each: a quarter of the 2 ms gap, within the
 * widest allowed; nothing until a period has been seen. */
static void test_opens(void)
{
	struct rdwin w;
	int64_t t;

	fresh(&w, 1 * MS);
	CHECK_INT(rdwin_due(&w, 0, 0), 0);
	t = period(&w, 64, 0, 2 * MS);
	CHECK_INT(rdwin_due(&w, RDWIN_PERIOD_NS - 1, 0), 0); /* not yet over */
	CHECK_INT(rdwin_due(&w, t, 0), 500 * US);
	CHECK_INT(rdwin_due(&w, t + 10, 0), 500 * US); /* for the period */
	fresh(&w, 200 * US);
	t = period(&w, 64, 0, 2 * MS);
	CHECK_INT(rdwin_due(&w, t, 0), 200 * US); /* the widest allowed */
	CHECK_INT(w.merged_total, 0);
}

/* Two reads expected in a window, or none: at 2 ms gaps and a 0.5 ms
 * window, eight streams and not seven, and never one. */
static void test_needs_two_reads(void)
{
	struct rdwin w;

	fresh(&w, 1 * MS);
	CHECK_INT(rdwin_due(&w, period(&w, 8, 0, 2 * MS), 0), 500 * US);
	fresh(&w, 1 * MS);
	CHECK_INT(rdwin_due(&w, period(&w, 7, 0, 2 * MS), 0), 0);
	fresh(&w, 1 * MS);
	CHECK_INT(rdwin_due(&w, period(&w, 1, 0, 2 * MS), 0), 0);
}

/* A read with two chunks of one stream closes the next period's window
 * (a server's burst, or a window too wide); a clean period opens it
 * again.  Three chunks in one read count once. */
static void test_merged_closes(void)
{
	struct rdwin w;
	int64_t t;

	fresh(&w, 1 * MS);
	t = period(&w, 64, 0, 2 * MS);
	CHECK_INT(rdwin_due(&w, t, 0), 500 * US);
	rdwin_chunk(&w, &st[3], t + 5 * MS);
	rdwin_chunk(&w, &st[3], t + 5 * MS);
	rdwin_chunk(&w, &st[3], t + 5 * MS);
	t = period(&w, 64, t + 6 * MS, 2 * MS);
	CHECK_INT(w.merged, 1);
	CHECK_INT(rdwin_due(&w, t, 0), 0);
	CHECK_INT(rdwin_due(&w, period(&w, 64, t, 2 * MS), 0), 500 * US);
	CHECK_INT(w.merged_total, 1);
}

/* One short gap narrows the window to a quarter of it. */
static void test_short_gap_narrows(void)
{
	struct rdwin w;
	int64_t t;

	fresh(&w, 1 * MS);
	t = period(&w, 64, 0, 2 * MS);
	/* stream 0 read last at t - 2 ms: again 0.8 ms after */
	rdwin_chunk(&w, &st[0], t - 2 * MS + 800 * US);
	CHECK_INT(rdwin_due(&w, t, 0), 200 * US);
}

/* A read timed by the wake-up (no kernel time) closes it; so does no
 * window asked for. */
static void test_unstamped_and_off(void)
{
	struct rdwin w;
	int64_t t;

	fresh(&w, 1 * MS);
	t = period(&w, 64, 0, 2 * MS);
	CHECK_INT(rdwin_due(&w, t, 1), 0);
	t = period(&w, 64, t, 2 * MS);
	CHECK_INT(rdwin_due(&w, t, 1), 500 * US); /* none since */
	fresh(&w, 0);
	CHECK_INT(rdwin_due(&w, period(&w, 64, 0, 2 * MS), 0), 0);
}

int main(void)
{
	RUN(test_opens);
	RUN(test_needs_two_reads);
	RUN(test_merged_closes);
	RUN(test_short_gap_narrows);
	RUN(test_unstamped_and_off);
	return DONE();
}
