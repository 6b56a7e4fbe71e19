/* capdata: a group's capacity searches for the report (rundata.h,
 * rd_capacities): levels by users, the answer replayed with capsearch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsearch.h"
#include "jget.h"
#include "rundata.h"
#include "runpath.h"
#include "slo.h"
#include "verdict.h"

static double t_of(const struct rd_run *r)
{
	return jget_path_num(r->doc, RP_T_START, 0);
}

static void level_of(struct rd_caplv *l, const struct rd_run *r)
{
	const cJSON *gp = jget_path(r->doc, RP_GOODPUT), *o;

	memset(l, 0, sizeof *l);
	l->users = (int)r->conc;
	l->run = r;
	l->st = verdict_slo_of(jget_str(gp, RJ_VERDICT));
	l->worst = jget_str(gp, RJ_WORST);
	l->value = l->bound = l->pct = NAN;
	l->metric = -1;
	cJSON_ArrayForEach(
	    o,
	    jget_path(gp, RJ_OBJECTIVES)) if (l->worst &&
					      jget_str(o, RJ_OBJECTIVE) &&
					      strcmp(jget_str(o, RJ_OBJECTIVE),
						     l->worst) == 0)
	{
		l->metric = jget_str(o, RJ_METRIC)
				? slo_metric_from_name(jget_str(o, RJ_METRIC))
				: -1;
		l->value = jget_num(o, RJ_VALUE, INFINITY);
		l->bound = jget_num(o, RJ_BOUND, NAN);
		l->pct = jget_num(o, RJ_PCT, NAN);
	}
	l->att = jget_num(gp, RJ_FRACTION, NAN);
	l->att_lo = jget_num(gp, RS_CI_LO, NAN);
	l->att_hi = jget_num(gp, RS_CI_HI, NAN);
	l->rate = jget_num(gp, RJ_GOODPUT_RATE, NAN);
	l->tps = jget_num(gp, RJ_TOKENS_PER_S, NAN);
	l->n = (long)jget_path_num(r->doc, RP_REQ_MEASURED, 0);
}

/* The objectives as one string, for grouping and for the reader. */
static void slo_of(const struct rd_run *r, char *buf, size_t len)
{
	const cJSON *o;
	size_t k = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(
	    o,
	    jget_path(r->doc, RP_OBJECTIVES)) if (jget_str(o, RJ_OBJECTIVE) &&
						  k + 1 < len) k +=
	    (size_t)snprintf(buf + k, len - k, "%s%s", k ? " " : "",
			     jget_str(o, RJ_OBJECTIVE));
}

/* The attainment the objectives imply: each percentile's share of the
 * requests within bound (95 % for a p95, 95 % for a p5 of a speed). */
static double need_att(const struct rd_run *r)
{
	const cJSON *o;
	double need = 0;

	cJSON_ArrayForEach(o, jget_path(r->doc, RP_OBJECTIVES))
	{
		double p = jget_num(o, RJ_PCT, 0);
		double share = p < 50 ? 100 - p : p;
		if (share > need)
			need = share;
	}
	return need / 100;
}

static int by_users(const void *a, const void *b)
{
	const struct rd_caplv *x = a, *y = b;

	return (x->users > y->users) - (x->users < y->users);
}

/* Replays the search over the runs in the order they ran. */
static void answer(struct rd_capacity *c, struct rd_run **runs, int n)
{
	struct cap_level cl[64] = {{0, VD_SLO_UNDECIDED}};
	struct cap_step st;
	int i, max = 1;

	for (i = 0; i < n && i < 64; i++) {
		cl[i].users = (int)runs[i]->conc;
		cl[i].st = verdict_slo_of(
		    jget_path_str(runs[i]->doc, RP_GOODPUT_VERDICT));
		if (cl[i].users > max)
			max = cl[i].users;
	}
	cap_next(cl, i, max, &st);
	c->finished = st.act == CAP_DONE;
	c->holds = st.holds;
	c->breaks = st.breaks;
	c->undecided = st.undecided;
	if (!c->finished) { /* what held and broke so far */
		for (i = 0, c->holds = 0, c->breaks = 0; i < n && i < 64; i++) {
			if (cl[i].st == VD_SLO_HELD && cl[i].users > c->holds)
				c->holds = cl[i].users;
			if (cl[i].st == VD_SLO_BROKE &&
			    (!c->breaks || cl[i].users < c->breaks))
				c->breaks = cl[i].users;
		}
	}
}

static int by_time(const void *a, const void *b)
{
	double x = t_of(*(struct rd_run *const *)a),
	       y = t_of(*(struct rd_run *const *)b);

	return (x > y) - (x < y);
}

/* One search: its runs in time order → levels (the last run at each
 * users) and the answer. */
static int build(struct rd_capacity *c, struct rd_run **runs, int n)
{
	int i, k;

	qsort(runs, (size_t)n, sizeof *runs, by_time);
	answer(c, runs, n);
	c->need_att = need_att(runs[0]);
	if ((c->lv = calloc((size_t)n, sizeof *c->lv)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		for (k = 0; k < c->n && c->lv[k].users != (int)runs[i]->conc;
		     k++)
			;
		level_of(&c->lv[k], runs[i]); /* a re-run replaces the first */
		if (k == c->n)
			c->n++;
	}
	qsort(c->lv, (size_t)c->n, sizeof *c->lv, by_users);
	return 0;
}

/* A level of a search of users: a rate search's levels (capacity
 * --rate-step, open loops) are not shown here, nor anywhere else. */
static int closed_level(const struct rd_run *r)
{
	return r->kind == RD_CAPACITY && jget_path(r->doc, RP_RATE) == NULL;
}

int rd_capacities(struct rd_group *g)
{
	struct rd_run **runs = calloc((size_t)g->n + 1, sizeof *runs);
	int i, k, n;
	void *p;

	if (runs == NULL)
		return -1;
	for (i = 0; i < g->n; i++) {
		const char *id = g->runs[i]->rk.series;
		if (!closed_level(g->runs[i]))
			continue;
		for (k = 0; k < g->ncap && strcmp(g->cap[k].id, id); k++)
			;
		if (k < g->ncap)
			continue; /* built with its first run */
		if ((p = realloc(g->cap, (size_t)(g->ncap + 1) *
					     sizeof *g->cap)) == NULL)
			goto oom;
		g->cap = p;
		memset(&g->cap[k], 0, sizeof g->cap[k]);
		g->cap[k].id = id;
		g->ncap++;
		for (n = 0, k = i; k < g->n; k++)
			if (closed_level(g->runs[k]) &&
			    !strcmp(g->runs[k]->rk.series, id))
				runs[n++] = g->runs[k];
		if (build(&g->cap[g->ncap - 1], runs, n) != 0)
			goto oom;
		slo_of(runs[0], g->cap[g->ncap - 1].slo, sizeof g->cap[0].slo);
	}
	free(runs);
	return 0;
oom:
	free(runs);
	return -1;
}

const struct rd_capacity *rd_capacity_of(const struct rd_group *g,
					 const char *slo)
{
	const struct rd_capacity *best = NULL;
	int k;

	for (k = 0; k < g->ncap; k++)
		if (g->cap[k].finished &&
		    (slo == NULL || strcmp(g->cap[k].slo, slo) == 0))
			best = &g->cap[k];
	return best;
}
