/* Unit tests for lib/quant: quantizations in order of size. */
#include "tap.h"

#include <math.h>
#include <stdlib.h>

#include "quant.h"

static int cmp(const void *a, const void *b)
{
	return quant_cmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_bits(void)
{
	CHECK_NEAR(quant_bits("Q4_K_M"), 4.89, 1e-9);
	CHECK_NEAR(quant_bits("q4_k_m"), 4.89, 1e-9);
	CHECK_NEAR(quant_bits("Q8_0"), 8.5, 1e-9);
	CHECK_NEAR(quant_bits("BF16"), 16, 1e-9);
	CHECK_NEAR(quant_bits("4bit"), 4.5, 1e-9);
	CHECK_NEAR(quant_bits("6-bit"), 6.5, 1e-9);
	CHECK(isnan(quant_bits("turbo")));
	CHECK(isnan(quant_bits(NULL)));
	CHECK(isnan(quant_bits("99bit")));
}

static void test_order(void)
{
	const char *v[] = {"Q8_0",   "zeta",  "Q6_K", "BF16", "8bit",	"Q2_K",
			   "Q4_K_M", "alpha", "4bit", "Q4_0", "Q4_K_S", "6bit"};
	const char *want[] = {"Q2_K",	"4bit", "Q4_0",	 "Q4_K_S",
			      "Q4_K_M", "6bit", "Q6_K",	 "8bit",
			      "Q8_0",	"BF16", "alpha", "zeta"};
	size_t i;

	/* equal sizes (8bit and Q8_0 are both 8.5) go alphabetically */
	qsort(v, sizeof v / sizeof v[0], sizeof v[0], cmp);
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		CHECK_STR(v[i], want[i]);
}

int main(void)
{
	RUN(test_bits);
	RUN(test_order);
	return DONE();
}
