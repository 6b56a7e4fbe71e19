/* sustain: a run's sustained speed: the decode TPS of the requests in the
 * first third of the measured window against those in the last third, as
 * a ratio with its 95 % interval, and a verdict on it (docs/metrics.md,
 * Sustained speed).  Kept apart from the leak verdict: a machine that
 * slows (heat, throttling, a filling cache) is not one that leaks.  Pure:
 * no JSON, no I/O. */
#ifndef TB_SUSTAIN_H
#define TB_SUSTAIN_H

#include <stddef.h>

#include "verdict.h"

/* One successful measured request: the middle of its decode (between its
 * first and last token) and its decode TPS. */
struct sustain_req {
	double t, tps;
};

/* Each third needs this many requests for a verdict: fewer give an
 * interval too wide to say anything. */
#define SUSTAIN_MIN_N 5
/* The band around 1 within which a ratio is "stable": a change of under
 * 5 % is within what a noisy machine does between any two minutes. */
#define SUSTAIN_BAND 0.05

struct sustain {
	size_t n_first, n_last;	    /* requests in each third */
	double first_tps, last_tps; /* their mean decode TPS; -1 none */
	double ratio, lo, hi;	    /* last / first; NAN when unknown */
	enum verdict_sustain verdict;
	char why[160]; /* with VD_SUS_UNKNOWN: the reason; else "" */
};

/* The verdict on an interval [lo, hi] of the ratio: slowed when hi is
 * below 1 - SUSTAIN_BAND, sped up when lo is above 1 + SUSTAIN_BAND,
 * stable when both lie within the band, inconclusive otherwise, unknown
 * when either is NAN. */
enum verdict_sustain sustain_verdict(double lo, double hi);

/* The figures of requests r[0..n) (any order) over the window [t0, t1]:
 * the first third is [t0, t0 + (t1 - t0) / 3), the last [t1 - (t1 - t0) /
 * 3, t1].  Returns 0, or -1 when out of memory. */
int sustain_compute(const struct sustain_req *r, size_t n, double t0, double t1,
		    struct sustain *out);

#endif
