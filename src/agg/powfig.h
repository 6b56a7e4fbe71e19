/* powfig: a run's power and heat figures from memsample's power samples,
 * over the measured window: energy, mean and p95 watts, peak temperature,
 * the highest thermal state and the share of time throttled
 * (docs/metrics.md, Power and heat).  Pure: no JSON, no I/O. */
#ifndef TB_POWFIG_H
#define TB_POWFIG_H

#include <stddef.h>

/* One power sample; each figure -1 when the sample has none. */
struct powfig_sample {
	double t;
	double w;      /* w_total: mean watts since the sample before */
	double temp;   /* the hottest sensor, degrees Celsius */
	int temp_src;  /* its name's index in the caller's table, or -1 */
	int thermal;   /* enum formats_thermal, or -1 */
	int throttled; /* 1, 0, or -1 */
};

struct powfig {
	size_t n;	      /* samples inside the window */
	double covered_s;     /* of the window, the time with known watts */
	double energy_j;      /* -1 when watts cover under POWFIG_COVER of it */
	double mean_w, p95_w; /* -1 with energy */
	double peak_temp;     /* -1 unknown */
	int peak_temp_src;
	int thermal_max;	/* -1 unknown */
	double throttled_share; /* of the time with a throttle figure; -1 */
};

/* Energy is given only when watts are known over this share of the
 * window: a figure from less would be a guess about the rest. */
#define POWFIG_COVER 0.95

/* The figures of samples s[0..n) (in time order) over the window
 * (t0, t1].  Sample k covers (t[k-1], t[k]]; the first covers nothing
 * before it.  Returns 0, or -1 when out of memory. */
int powfig_compute(const struct powfig_sample *s, size_t n, double t0,
		   double t1, struct powfig *f);

/* A point of the power timeline; -1 where the slot had no figure. */
struct powfig_point {
	double s, w, temp;
};

/* The timeline of samples s[0..n) (in time order, n >= 1): their span cut
 * into at most cap equal slots, each the time-weighted mean watts of its
 * samples (each over its interval since the sample before, so that two
 * samples close together weigh little) and the hottest temperature, at
 * seconds from ref.  Slots with no sample
 * are left out.  Writes out[0..cap) and returns the points written. */
int powfig_timeline(const struct powfig_sample *s, size_t n, double ref,
		    struct powfig_point *out, int cap);

#endif
