/* arrival: gamma-distributed arrival gaps (see arrival.h). */
#include "arrival.h"

#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

void arrival_init(struct arrival *a, double rate, double burstiness,
		  int constant, uint64_t seed)
{
	a->rate = rate;
	a->shape = burstiness;
	a->constant = constant;
	sim_rng_seed(&a->rng, seed);
}

/* Marsaglia and Tsang's method for shape >= 1, with normal draws by
 * Box-Muller. */
static double gamma_ge1(struct sim_rng *r, double shape)
{
	double d = shape - 1.0 / 3, c = 1 / sqrt(9 * d), x, v, u;

	for (;;) {
		double u1 = 1 - sim_rng_unit(r);
		double u2 = sim_rng_unit(r);
		x = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
		v = 1 + c * x;
		if (v <= 0)
			continue;
		v = v * v * v;
		u = 1 - sim_rng_unit(r);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

double arrival_gamma(struct sim_rng *r, double shape)
{
	double u;

	if (shape >= 1)
		return gamma_ge1(r, shape);
	/* Gamma(k) = Gamma(k + 1) * U^(1/k) for k < 1. */
	u = 1 - sim_rng_unit(r);
	return gamma_ge1(r, shape + 1) * pow(u, 1 / shape);
}

double arrival_gap(struct arrival *a)
{
	if (a->constant)
		return 1 / a->rate;
	return arrival_gamma(&a->rng, a->shape) / (a->shape * a->rate);
}
