/* decide: the report's recommendation rules.  For each model (and across
 * models), the group to pick for each use, the runner-up and the margin
 * between them, from the data layer's figures (src/report/rundata) on the
 * primary workload; docs/report.md states the rules. */
#ifndef TB_DECIDE_H
#define TB_DECIDE_H

#include "rundata.h"

#define DECIDE_MAX_ERROR_RATE                                                  \
	0.05		       /* a group failing this often is never picked */
#define DECIDE_MEMORY_TIE 0.01 /* memories closer than this share tie */

enum decide_use {
	USE_INTERACTIVE, /* one user: the highest decode TPS */
	USE_MEMORY,	 /* memory-bound: the smallest steady-state memory */
	USE_USERS,	 /* several users: the most users held at the service
			  * level when every candidate has a capacity search
			  * at the same objectives (make capacity), ties broken
			  * by goodput (decide_cap_tied); else the
			  * highest aggregate TPS at the highest level every
			  * candidate ran, one workload */
	DECIDE_USES
};

struct decide_pick {
	const struct rd_group *best, *next; /* NULL when none */
	struct rd_cmp cmp; /* interactive: next against best, paired */
	int has_cmp;
	double level;	 /* several users: the users compared at */
	const char *wl;	 /* several users: the workload compared on */
	int tie;	 /* memory: within DECIDE_MEMORY_TIE; several
			  * users by capacity: decide_cap_tied */
	int tie_at;	 /* several users, tied: the level that parted
			  * them (0: they hold as many) */
	int tie_by;	 /* several users, tied: the most users both held,
			  * whose goodput picked best (0: none, so the users
			  * held did) */
	const char *slo; /* several users by capacity: the objectives
			  * (NULL: by aggregate TPS) */
	const struct rd_group *over; /* the group that would have been the
				      * pick but is over the quality budget
				      * (rd_quality_ok), or NULL */
};

struct decision {
	const char **models; /* each model's name, in group order */
	int n_models;
	/* picks[m][use] for model m; picks[n_models] across all models */
	struct decide_pick (*picks)[DECIDE_USES];
};

/* Whether a group may be picked: it ran the primary workload, fewer than
 * 5 % of its requests failed, and the machine's swap did not grow by more
 * than RD_NOFIT_GB while it ran (it fitted in memory). */
int decide_eligible(const struct rd_group *g);

/* Every pick of the set; a group over the quality budget (its model's
 * reference's graded answers against its own, src/report/quality) is never
 * picked, and the best of them is named in the pick's over when it
 * would have been the pick; model_field is the --by index of "model" (-1:
 * one model of everything).  Returns 0, or -1 when out of memory. */
int decide(const struct rd_set *s, int model_field, struct decision *d);

/* The capacity search a pick of several users at objectives slo rests
 * on for group g, or NULL. */
const struct rd_capacity *decide_capacity(const struct rd_group *g,
					  const char *slo);

/* Whether two finished capacity searches at the same objectives are tied
 * (docs/report.md): they hold as many users, or at every level both ran
 * where one held and the other broke, the two attainments' 95 % intervals
 * overlap, so the requests cannot tell them apart there.  Sets *at to the
 * fewest users of such a level (0 when they hold as many). */
int decide_cap_tied(const struct rd_capacity *a, const struct rd_capacity *b,
		    int *at);

/* The most users at which both searches ran a level that held, or 0. */
int decide_cap_both_held(const struct rd_capacity *a,
			 const struct rd_capacity *b);

/* A search's level at users u, or NULL. */
const struct rd_caplv *decide_cap_level(const struct rd_capacity *c, int u);

/* The aggregate TPS of a group at users c of workload wl, or NAN. */
double decide_agg_at(const struct rd_group *g, const char *wl, double c);

void decide_free(struct decision *d);

#endif
