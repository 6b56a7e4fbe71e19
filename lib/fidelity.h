/* fidelity: gen's timestamps against llmsim's ground-truth log, chunk by
 * chunk (docs/perf.md): for each request of gen's run, the k-th token
 * chunk gen stamped is paired with the k-th chunk llmsim logged writing.
 * Shared by the fidelity test (t0200) and make bench-self. */
#ifndef TB_FIDELITY_H
#define TB_FIDELITY_H

#include <stdio.h>

#include "stats.h"

struct fidelity {
	long gen_chunks, sim_chunks, pairs;
	/* milliseconds: offset = gen - llmsim per chunk (signed); arrival its
	 * absolute value; ttft = |gen's TTFT - llmsim's|; itl = |gen's gap
	 * between two chunks - llmsim's| */
	struct stats_vec offset, arrival, ttft, itl;
};

/* Reads gen's events and llmsim's log (content and reasoning chunks of
 * gen's run only) and pairs them.  Returns 0, or -1 with why (a file that
 * is not what it should be, no run event, out of memory). */
int fidelity_read(struct fidelity *f, FILE *events, FILE *simlog, char *why,
		  size_t whylen);

void fidelity_free(struct fidelity *f);

#endif
