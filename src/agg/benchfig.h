/* benchfig: a bench run's figure (gen --bench), in llama-bench's terms: per
 * repetition the test's t/s, then their mean and sample standard deviation,
 * with the server's own figure beside it and whether every request had
 * exactly the test's tokens (docs/metrics.md, Community figures). */
#ifndef TB_BENCHFIG_H
#define TB_BENCHFIG_H

#include "evacc.h"
#include "jw.h"

/* Writes the run JSON's "bench" object into the open object of w when the
 * run's kind is bench; nothing otherwise.  Returns 1 when a request had
 * other tokens than the test's (its figure left out), with what and
 * which in why; else 0. */
int benchfig_write(jw *w, const struct evacc *a, char *why, size_t whylen);

#endif
