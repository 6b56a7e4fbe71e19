/* capsearch: the capacity search's next step: the number of concurrent
 * users to try, doubling then bisecting (docs/workflows.md, make capacity). */
#ifndef TB_CAPSEARCH_H
#define TB_CAPSEARCH_H

#include "slo.h"
#include "verdict.h"

/* A level tried: its users and what the objectives came to there. */
struct cap_level {
	int users;
	enum verdict_slo st;
};

enum cap_action {
	CAP_RUN,   /* run users (a level not tried yet) */
	CAP_RERUN, /* users was undecided once: run it again, more requests */
	CAP_DONE   /* the search is over (below) */
};

/* The next step.  On CAP_DONE: holds is the most users that held (0 when
 * even one user broke them), breaks the fewest that broke (0 when none
 * did up to max_users), undecided the users of a level undecided twice
 * (the search stops there, never guessing; else 0). */
struct cap_step {
	enum cap_action act;
	int users;
	int holds, breaks, undecided;
};

/* Decides the step after the n levels tried so far, in order, searching
 * 1 .. max_users: doubling from 1 until a level breaks, then bisecting
 * between the most that held and the fewest that broke.  A level
 * undecided is run once more; undecided again, the search stops. */
void cap_next(const struct cap_level *lv, int n, int max_users,
	      struct cap_step *out);

/* The most levels the search can run up to max_users, re-runs included:
 * what the script prints before it starts. */
int cap_max_levels(int max_users);

/* The measured requests of a level: at least need (the objectives'
 * percentiles) and users * per_user, in whole passes of a set of np
 * prompts; twice that on a re-run.  Returns the passes (gen -n). */
long cap_passes(int users, long need, long per_user, long np, int rerun);

/* The most measured requests the whole search can send up to max_users
 * (every level at its largest, re-runs included), printed before it
 * starts. */
long cap_max_requests(int max_users, long need, long per_user, long np);

/*
 * The open-loop search (capacity --rate-step) is this search over rates on
 * a grid: level k runs k * step requests per second, and its requests
 * are per_user = ceil(step * seconds) per step, so that every level spans
 * at least that many seconds of arrivals.
 */

/* Latency departs where a level's typical latency passes the lowest
 * level's by this factor (docs/metrics.md, Capacity at a rate). */
#define CAP_KNEE 1.25

/* One level's typical latency (the E2E median), for the knee. */
struct cap_lat {
	int users; /* the level: users, or rate steps */
	double p50;
};

/* The knee of the n levels tried, in any order (a level tried twice: the
 * last): latency departs at the fewest users whose p50 is more than
 * CAP_KNEE times the p50 of the fewest tried.  *below is the most users
 * tried under that level, *at that level; when no level departs, *below
 * is the most users tried and *at 0 (n 0: both 0). */
void cap_knee(const struct cap_lat *l, int n, int *below, int *at);

#endif
