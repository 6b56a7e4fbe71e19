/* vec: growing an array by doubling, the one way every reader of runs does
 * it (agg's lpq and tfq, gen's tfsrc). */
#ifndef TB_VEC_H
#define TB_VEC_H

#include <stddef.h>

/* Makes room in *v, an array of *cap elements of size sz holding n, for
 * one more: doubles it (16 at first) when full.  Returns 0, or -1 on
 * ENOMEM with *v and *cap unchanged. */
int vec_grow(void **v, long n, long *cap, size_t sz);

#endif
