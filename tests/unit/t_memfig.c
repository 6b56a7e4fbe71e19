/* Unit tests for src/agg/memfig: baseline, peak, timeline, and each leak
 * verdict on worked examples. */
#include "tap.h"

#include "memfig.h"

static void test_baseline_peak_timeline(void)
{
	struct memfig_sample m[] = {
	    {12, 170e6, 0}, {10, 100e6, 5e9}, {11, 180e6, 7e9}, {9, 90e6, 0}};
	double gpu, pts[3][2];
	int before, n;

	memfig_sort(m, 4);
	CHECK_NEAR(m[0].t, 9, 0);
	CHECK_NEAR(memfig_baseline(m, 4, 10, &before), 100e6,
		   0); /* at first send */
	CHECK_INT(before, 1);
	CHECK_NEAR(memfig_baseline(m, 4, 5, &before), 90e6,
		   0); /* none before */
	CHECK_INT(before, 0);
	CHECK_NEAR(memfig_peak(m, 4, &gpu), 180e6, 0);
	CHECK_NEAR(gpu, 7e9, 0);
	/* 3 slots over 9..12 s: [9, 10.5) -> 100, [10.5, 12) -> 180, 12 -> 170
	 */
	n = memfig_timeline(m, 4, 10, pts, 3);
	CHECK_INT(n, 3);
	CHECK_NEAR(pts[0][0], -1, 1e-9);
	CHECK_NEAR(pts[0][1], 100e6, 0);
	CHECK_NEAR(pts[1][1], 180e6, 0);
	CHECK_NEAR(pts[2][0], 2, 1e-9);
	CHECK_NEAR(pts[2][1], 170e6, 0);
}

/* Samples without a process figure (-1: memsample found no process to
 * read) are dropped before any figure, the others kept in order: the
 * baseline is then the first real sample, never the -1 before it. */
static void test_known(void)
{
	struct memfig_sample m[] = {{9, -1, 5e9},
				    {10, -1, 0},
				    {11, 180e6, 6e9},
				    {12, -1, 7e9},
				    {13, 170e6, 0}};
	double gpu;
	int before;
	size_t n = memfig_known(m, 5);

	CHECK_INT((int)n, 2);
	CHECK_NEAR(m[0].t, 11, 0);
	CHECK_NEAR(m[1].t, 13, 0);
	CHECK_NEAR(m[1].bytes, 170e6, 0);
	CHECK_NEAR(memfig_baseline(m, n, 10, &before), 180e6, 0);
	CHECK_INT(before, 0);
	CHECK_NEAR(memfig_peak(m, n, &gpu), 180e6, 0);
	CHECK_NEAR(memfig_steady(m, n, 9, 13), 170e6, 0); /* rank 1 of 2 */
	CHECK_INT((int)memfig_known(m, 0), 0);
}

/* A system figure over the samples that carry it (-1: unknown): the
 * baseline where the process figure's would be, the peak, the growth. */
static void test_sys_span(void)
{
	/* wired, compressed, swap used, used (GB); sorted here by time */
	struct memfig_sys s[] = {
	    {12, {40e9, 6e9, -1, 300e9}},
	    {9, {10e9, 1e9, 0.5e9, 100e9}},
	    {10, {-1, -1, 0.5e9, 120e9}},
	    {11, {50e9, 2e9, 4.5e9, -1}},
	};
	struct memfig_span f = {0, 0, 0, 0};

	memfig_sys_sort(s, 4);
	CHECK_NEAR(s[0].t, 9, 0);
	/* first request at 10: wired and compressed are unknown at 10, so
	 * their baseline is the sample at 9 */
	CHECK_INT(memfig_sys_span(s, 4, MEMFIG_WIRED, 10, &f), 0);
	CHECK_NEAR(f.baseline, 10e9, 0);
	CHECK_NEAR(f.peak, 50e9, 0);
	CHECK_NEAR(f.growth, 40e9, 0);
	CHECK_INT((int)f.n, 3);
	CHECK_INT(memfig_sys_span(s, 4, MEMFIG_COMPRESSED, 10, &f), 0);
	CHECK_NEAR(f.growth, 5e9, 0); /* 6 - 1 */
	CHECK_INT(memfig_sys_span(s, 4, MEMFIG_SWAP_USED, 10, &f), 0);
	CHECK_NEAR(f.baseline, 0.5e9, 0); /* at 10 itself */
	CHECK_NEAR(f.peak, 4.5e9, 0);
	CHECK_NEAR(f.growth, 4e9, 0);
	CHECK_INT(memfig_sys_span(s, 4, MEMFIG_USED, 10, &f), 0);
	CHECK_NEAR(f.baseline, 120e9, 0);
	CHECK_NEAR(f.peak, 300e9, 0);
	/* no sample before the first request (5): the first carrying it */
	CHECK_INT(memfig_sys_span(s, 4, MEMFIG_WIRED, 5, &f), 0);
	CHECK_NEAR(f.baseline, 10e9, 0);
	CHECK_INT(memfig_sys_span(s + 1, 1, MEMFIG_WIRED, 5, &f),
		  -1);			 /* -1 alone */
	CHECK_NEAR(f.baseline, 10e9, 0); /* untouched */
	/* unknown everywhere (Linux has no wired memory): no figure, not 0 */
	struct memfig_sys lin[] = {{1, {-1, -1, 0, 5e9}},
				   {2, {-1, -1, 0, 6e9}}};
	CHECK_INT(memfig_sys_span(lin, 2, MEMFIG_WIRED, 1, &f), -1);
	CHECK_INT(memfig_sys_span(lin, 2, MEMFIG_COMPRESSED, 1, &f), -1);
	CHECK_INT(memfig_sys_span(lin, 2, MEMFIG_SWAP_USED, 1, &f), 0);
	CHECK_NEAR(f.peak, 0, 0); /* a measured 0 is a figure */
}

/* n requests ending at t = dt, 2 dt, ..., each followed by a sample of
 * base + step * i MB (+ wobble on odd ones). */
static void leak_dt(double step, double wobble, int n, double dt,
		    struct memfig_leak *lk)
{
	struct memfig_sample m[64];
	double done[64];
	int i;

	for (i = 0; i < n; i++) {
		done[i] = (i + 1) * dt;
		m[i].t = (i + 1) * dt + 0.5;
		m[i].bytes = (1000 + step * i + (i % 2 ? wobble : 0)) * 1e6;
		m[i].gpu = 0;
	}
	memfig_leak(m, (size_t)n, done, (size_t)n, 0, (n + 1) * dt + 1,
		    &(struct memfig_limits){1.0, 10.0}, lk);
}

static void leak(double step, double wobble, int n, struct memfig_leak *lk)
{
	leak_dt(step, wobble, n, 1, lk);
}

/* The steady state is the median inside the requests' window: the load's
 * ramp before it and a spike are left out or outvoted. */
static void test_steady(void)
{
	struct memfig_sample m[] = {{0, 10e6, 0},  {1, 50e6, 0},  {2, 100e6, 0},
				    {3, 101e6, 0}, {4, 300e6, 0}, {5, 102e6, 0},
				    {6, 100e6, 0}, {9, 400e6, 0}};

	/* window 2..6: 100 100 101 102 300 -> rank ceil(2.5) = 3 -> 101 */
	CHECK_NEAR(memfig_steady(m, 8, 2, 6), 101e6, 0);
	CHECK_NEAR(memfig_steady(m, 8, 7, 8), -1, 0); /* no sample inside */
	CHECK_NEAR(memfig_steady(m, 8, 9, 9), 400e6, 0);
}

/* One request a second: 1 MB per request is 60 MB per minute. */
static void test_leak_verdicts(void)
{
	struct memfig_leak lk;

	leak(5, 0, 7, &lk);
	CHECK_INT(lk.verdict, VD_LEAK_FEW); /* 7 < 8 points */
	leak(5, 0, 20, &lk);
	CHECK_INT(lk.verdict, VD_LEAK_SUSPECTED);
	CHECK_NEAR(lk.mb_per_request, 5, 1e-9);
	CHECK_NEAR(lk.req_lo, 5, 1e-9); /* a straight line: no spread */
	CHECK_NEAR(lk.r2, 1, 1e-9);
	CHECK_NEAR(lk.mb_per_minute, 5 * 60, 1e-6);
	/* 0.5 MB per request is under its threshold, but 30 MB a minute over
	 * more than a minute: a leak */
	leak(0.5, 0, 64, &lk);
	CHECK_INT(lk.verdict, VD_LEAK_SUSPECTED);
	/* the same over 21 s: too short a window to judge a minute */
	leak(0.5, 0, 20, &lk);
	CHECK_INT(lk.verdict, VD_LEAK_NONE);
	/* 0.5 MB a request every 10 s, 3 MB a minute over 201 s: no leak */
	leak_dt(0.5, 0, 20, 10, &lk);
	CHECK_INT(lk.verdict, VD_LEAK_NONE);
	/* 0.05 MB per request, 3 MB a minute: certainly small */
	leak(0.05, 0, 20, &lk);
	CHECK_INT(lk.verdict, VD_LEAK_NONE);
	/* 2 MB per request lost in 400 MB of noise: the interval holds the
	 * threshold, so no verdict either way */
	leak(2, 400, 20, &lk);
	CHECK_INT(lk.verdict, VD_LEAK_INCONCLUSIVE);
	CHECK(lk.req_lo < 1 && lk.req_hi > 1 && lk.r2 < 0.5);
	/* a flat 1 GB with noise: small, whatever the fit */
	leak(0, 2, 20, &lk);
	CHECK_INT(lk.verdict, VD_LEAK_NONE);
	leak(-50, 0, 20, &lk);
	CHECK_INT(lk.verdict, VD_LEAK_ERROR);
	CHECK(strstr(lk.error, "memory fell by 50.0 MB per request") != NULL);
}

int main(void)
{
	RUN(test_baseline_peak_timeline);
	RUN(test_known);
	RUN(test_sys_span);
	RUN(test_steady);
	RUN(test_leak_verdicts);
	return DONE();
}
