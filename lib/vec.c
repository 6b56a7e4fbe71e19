/* vec: growing an array by doubling (see vec.h). */
#include "vec.h"

#include <stdlib.h>

int vec_grow(void **v, long n, long *cap, size_t sz)
{
	long want = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*v, (size_t)want * sz);
	if (p == NULL)
		return -1;
	*v = p;
	*cap = want;
	return 0;
}
