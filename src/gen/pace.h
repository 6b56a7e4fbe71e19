/* pace: when gen starts each request: warm-up first, then the measured
 * requests in a closed loop (a fixed number in flight) or an open loop
 * (arrivals at a rate), with a back-off after connection failures.  Pure:
 * the caller starts the requests and reports their ends. */
#ifndef TB_PACE_H
#define TB_PACE_H

#include <stdint.h>

#include "arrival.h"

/* After this many connection failures in a row, with no response ever, a
 * run gives up (the server is not there). */
#define PACE_GIVE_UP 8

struct pace {
	/* set by pace_init */
	long warmup;	 /* warm-up requests, sent first, alone */
	long total;	 /* measured requests; -1: until the duration ends */
	double duration; /* seconds of measuring; 0: none */
	long cap;	 /* the most in flight */
	int open;	 /* open loop: arrivals from arr */
	struct arrival arr;
	int nprompts;
	int *order; /* pace_shuffle: this pass's order, or NULL */
	uint64_t rng;
	/* state */
	long warm_launched, warm_in_flight, launched, in_flight;
	int64_t m_measure_start, m_next_arrival, m_hold_until;
	long conn_streak;
	int ever_answered, unreachable;
};

/* One request to start. */
struct pace_launch {
	int prompt; /* index in the prompt set */
	long rep;   /* its repetition */
	int warmup;
	int64_t m_sched; /* when it was due (an open loop's arrival) */
};

/*
 * A closed loop keeps conc requests in flight; an open loop (rate > 0)
 * starts requests at gamma-distributed arrivals (src/gen/arrival), with no
 * limit in flight unless conc_set.  Measured requests go through the
 * prompts in order, nprompts at a time: request k is prompt k % nprompts,
 * repetition k / nprompts.  total < 0 measures until duration seconds have
 * passed since the first measured start.
 */
void pace_init(struct pace *s, long warmup, long total, double duration,
	       long conc, int conc_set, double rate, double burstiness,
	       int constant, uint64_t seed, int nprompts);

/* Sets the warm-up requests to warmup; only before the first pace_next
 * (gen --bench: a count that was the warm-up). */
void pace_set_warmup(struct pace *s, long warmup);

/* Makes each pass through the prompt set (nprompts requests) a new random
 * order, seeded: the proportions stay equal, the order is not fixed (a
 * leak soak should not follow one pattern).  Returns 0, or -1 when out of
 * memory.  Release with pace_free. */
int pace_shuffle(struct pace *s, uint64_t seed);
void pace_free(struct pace *s);

/* The next request due at monotonic time now: fills l, counts it in
 * flight and returns 1; 0 when none is due now. */
int pace_next(struct pace *s, int64_t now, struct pace_launch *l);

/* A request ended at now: connect_failed when it never connected,
 * answered when a response (any status) arrived. */
void pace_end(struct pace *s, int warmup, int connect_failed, int answered,
	      int64_t now);

/* Whether anything is still to start, now or later. */
int pace_more(const struct pace *s, int64_t now);

/* When the caller should wake to start the next request (the end of a
 * back-off, an open loop's next arrival), or 0 when no time is set. */
int64_t pace_wake_at(const struct pace *s, int64_t now);

/* Whether the measured requests stopped because the duration ended. */
int pace_cut_by_duration(const struct pace *s);

#endif
