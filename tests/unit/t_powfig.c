/* Unit tests of powfig: energy over a window from interval watts, the
 * window's edges, coverage, p95, peak temperature, thermal state and the
 * throttled share. */
#include "tap.h"
#include "powfig.h"

/* 10 W for 1 s, 30 W for 1 s, 20 W for 2 s: 80 J over (0, 4]. */
static const struct powfig_sample base[] = {
    {0.0, -1, 40, 0, 0, 0}, {0.5, 10, 41, 0, 0, 0}, {1.0, 10, 45, 1, 0, 0},
    {1.5, 30, 60, 1, 1, 1}, {2.0, 30, 58, 1, 0, 1}, {3.0, 20, 50, 0, 0, 0},
    {4.0, 20, 49, 0, 0, 0},
};

static void test_energy(void)
{
	struct powfig f;

	CHECK_INT(powfig_compute(base, 7, 0, 4, &f), 0);
	CHECK_INT((int)f.n, 6);
	CHECK_NEAR(f.energy_j, 10 + 30 + 40, 1e-9);
	CHECK_NEAR(f.mean_w, 20, 1e-9);
	CHECK_NEAR(f.p95_w, 30, 1e-9); /* nearest rank of 6 values */
	CHECK_NEAR(f.peak_temp, 60, 1e-9);
	CHECK_INT(f.peak_temp_src, 1);
	CHECK_INT(f.thermal_max, 1);
	CHECK_NEAR(f.throttled_share, 0.25, 1e-9);
	/* a window inside the samples: the edges take their share */
	CHECK_INT(powfig_compute(base, 7, 0.75, 2.5, &f), 0);
	CHECK_NEAR(f.energy_j, 0.25 * 10 + 1 * 30 + 0.5 * 20, 1e-9);
}

static void test_unknown(void)
{
	struct powfig_sample s[4] = {
	    {0, -1, -1, -1, -1, -1},
	    {1, 50, -1, -1, -1, -1},
	    {2, -1, -1, -1, -1, -1}, /* a second with no watts */
	    {3, 50, -1, -1, -1, -1},
	};
	struct powfig f;

	CHECK_INT(powfig_compute(s, 4, 0, 3, &f), 0);
	/* watts for 2 s of 3: no energy, never a partial sum */
	CHECK_NEAR(f.energy_j, -1, 0);
	CHECK_NEAR(f.mean_w, -1, 0);
	CHECK_NEAR(f.p95_w, -1, 0);
	CHECK_NEAR(f.covered_s, 2, 1e-9);
	CHECK_NEAR(f.peak_temp, -1, 0);
	CHECK_INT(f.thermal_max, -1);
	CHECK_NEAR(f.throttled_share, -1, 0);
	CHECK_INT(powfig_compute(s, 0, 0, 3, &f), 0);
	CHECK_NEAR(f.energy_j, -1, 0);
	CHECK_INT((int)f.n, 0);
}

/* The timeline: 7 samples over 4 s in 5 slots (one a second), each the
 * time-weighted mean watts and the hottest sensor of its samples, from
 * ref = -1 s; a figure no sample of a slot has is -1 there. */
static void test_timeline(void)
{
	static const struct powfig_sample spike[] = {
	    {0, -1, -1, -1, -1, -1},
	    {1.0, 10, -1, -1, -1, -1},
	    {1.001, 500, -1, -1, -1, -1},
	    {3, 5, -1, -1, -1, -1}};
	struct powfig_point pt[5];

	CHECK_INT(powfig_timeline(base, 7, -1, pt, 5), 5);
	CHECK_NEAR(pt[0].s, 1, 1e-9);
	CHECK_NEAR(pt[0].w, 10, 1e-9); /* 0.0 has none; 10 over 0.5 s */
	CHECK_NEAR(pt[0].temp, 41, 1e-9);
	CHECK_NEAR(pt[1].s, 2, 1e-9);
	CHECK_NEAR(pt[1].w, 20, 1e-9); /* 10 and 30, 0.5 s each */
	CHECK_NEAR(pt[1].temp, 60, 1e-9);
	CHECK_NEAR(pt[2].w, 30, 1e-9);
	CHECK_NEAR(pt[4].s, 5, 1e-9);
	CHECK_NEAR(pt[4].w, 20, 1e-9);
	CHECK_NEAR(pt[4].temp, 49, 1e-9);
	/* a sample 1 ms after the one before weighs 1 ms: 500 W there is no
	 * 500 W slot; a slot without watts or a sensor is -1 for both */
	CHECK_INT(powfig_timeline(spike, 4, 0, pt, 4), 3);
	CHECK_NEAR(pt[0].w, -1, 1e-9);
	CHECK_NEAR(pt[0].temp, -1, 1e-9);
	CHECK_NEAR(pt[1].s, 1, 1e-9);
	CHECK_NEAR(pt[1].w, (10 * 1.0 + 500 * 0.001) / 1.001, 1e-9);
	CHECK_NEAR(pt[2].s, 3, 1e-9);
	CHECK_NEAR(pt[2].w, 5, 1e-9);
}

int main(void)
{
	RUN(test_energy);
	RUN(test_unknown);
	RUN(test_timeline);
	return DONE();
}
