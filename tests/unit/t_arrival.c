/* Unit tests for src/gen/arrival: gaps have the gamma distribution's mean and
 * variance, constant gaps are exact, a seed repeats. */
#include "tap.h"

#include "arrival.h"

#define N 200000

/* Sample mean and variance of N gaps. */
static void moments(struct arrival *a, double *mean, double *var)
{
	double s = 0, s2 = 0, g;
	int i;

	for (i = 0; i < N; i++) {
		g = arrival_gap(a);
		s += g;
		s2 += g * g;
	}
	*mean = s / N;
	*var = s2 / N - *mean * *mean;
}

/* Rate 10/s: mean 0.1 s whatever the shape k, variance 0.01 / k.  The
 * tolerances are several standard errors at N = 200,000 (the mean's is
 * under 0.35 %, the variance's under 1 % even at k = 0.5, whose excess
 * kurtosis is 12); the seed makes the draw the same on every run. */
static void check_shape(double k)
{
	struct arrival a;
	double mean, var;

	arrival_init(&a, 10, k, 0, 42);
	moments(&a, &mean, &var);
	printf("# k=%g mean %.6f var %.8f (want 0.1, %.8f)\n", k, mean, var,
	       0.01 / k);
	CHECK_NEAR(mean, 0.1, 0.1 * 0.01);
	CHECK_NEAR(var, 0.01 / k, 0.01 / k * 0.05);
}

static void test_bursty(void)
{
	check_shape(0.5);
}
static void test_poisson(void)
{
	check_shape(1);
}
static void test_regular(void)
{
	check_shape(4);
}

static void test_constant_and_seed(void)
{
	struct arrival a, b;
	int i, same = 1;

	arrival_init(&a, 4, 1, 1, 1);
	CHECK_NEAR(arrival_gap(&a), 0.25, 0);
	CHECK_NEAR(arrival_gap(&a), 0.25, 0);
	arrival_init(&a, 3, 0.7, 0, 9);
	arrival_init(&b, 3, 0.7, 0, 9);
	for (i = 0; i < 1000; i++)
		same &= arrival_gap(&a) == arrival_gap(&b);
	CHECK(same);
	arrival_init(&b, 3, 0.7, 0, 10);
	CHECK(arrival_gap(&a) != arrival_gap(&b));
}

int main(void)
{
	RUN(test_bursty);
	RUN(test_poisson);
	RUN(test_regular);
	RUN(test_constant_and_seed);
	return DONE();
}
