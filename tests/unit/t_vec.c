/* Unit tests for lib/vec: an array grows by doubling, only when full. */
#include "tap.h"

#include <stdlib.h>

#include "vec.h"

static void test_grow(void)
{
	int *v = NULL;
	long cap = 0, n;

	/* room for 40: 16, then 32, then 64 */
	for (n = 0; n < 40; n++) {
		CHECK_INT(vec_grow((void **)&v, n, &cap, sizeof *v), 0);
		v[n] = (int)n;
		CHECK(cap > n);
	}
	CHECK_INT(cap, 64);
	CHECK_INT(v[39], 39);
	/* not full: nothing changes */
	CHECK_INT(vec_grow((void **)&v, 40, &cap, sizeof *v), 0);
	CHECK_INT(cap, 64);
	free(v);
}

int main(void)
{
	RUN(test_grow);
	return DONE();
}
