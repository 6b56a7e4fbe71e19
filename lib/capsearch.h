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

#endif
