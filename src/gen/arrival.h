/* arrival: the gaps between request arrivals of an open-loop run, seeded
 * and pure (gen --rate, --burstiness, --constant; docs/gen.md). */
#ifndef TB_ARRIVAL_H
#define TB_ARRIVAL_H

#include <stdint.h>

#include "sim.h"

/*
 * Gaps are gamma distributed with shape k = the burstiness and mean
 * 1 / rate, so their variance is 1 / (k rate^2): k = 1 is a Poisson
 * process, k < 1 burstier, k > 1 more regular (vLLM's benchmark_serving
 * uses the same parametrisation).  Constant arrivals have every gap equal
 * to 1 / rate.  The same seed gives the same gaps.
 */
struct arrival {
	double rate;  /* requests per second, > 0 */
	double shape; /* the burstiness, > 0 */
	int constant;
	struct sim_rng rng;
};

/* Sets a up; rate and burstiness must be > 0. */
void arrival_init(struct arrival *a, double rate, double burstiness,
		  int constant, uint64_t seed);

/* The next gap in seconds. */
double arrival_gap(struct arrival *a);

/* A draw from Gamma(shape, 1), shape > 0 (Marsaglia and Tsang, with the
 * U^(1/shape) boost below 1). */
double arrival_gamma(struct sim_rng *r, double shape);

#endif
