/* decide: the recommendation rules (see decide.h). */
#include "decide.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "slo.h"

int decide_eligible(const struct rd_group *g)
{
	/* a group whose swap grew past RD_NOFIT_GB measured a machine
	 * paging, not the model: never the answer */
	return g->base && !(g->sum.error_rate.v >= DECIDE_MAX_ERROR_RATE) &&
	       !rd_group_nofit(g);
}

double decide_agg_at(const struct rd_group *g, const char *wl, double c)
{
	const struct rd_level *l = rd_level_of(g, wl, c);

	return l ? l->agg_tps.v : NAN;
}

const struct rd_capacity *decide_capacity(const struct rd_group *g,
					  const char *slo)
{
	return slo ? rd_capacity_of(g, slo) : NULL;
}

/* The objectives every candidate has a finished capacity search at (the
 * first candidate's latest), or NULL. */
static const char *common_slo(const struct rd_group *const *c, int n)
{
	const struct rd_capacity *first =
	    n > 0 ? rd_capacity_of(c[0], NULL) : NULL;
	int k;

	for (k = 1; first && k < n && rd_capacity_of(c[k], first->slo); k++)
		;
	return first && k == n ? first->slo : NULL;
}

const struct rd_caplv *decide_cap_level(const struct rd_capacity *c, int u)
{
	for (int i = 0; c && i < c->n; i++)
		if (c->lv[i].users == u)
			return &c->lv[i];
	return NULL;
}

/* Whether two levels' attainment intervals overlap. */
static int overlap(const struct rd_caplv *x, const struct rd_caplv *y)
{
	return !(x->att_hi < y->att_lo || y->att_hi < x->att_lo);
}

int decide_cap_tied(const struct rd_capacity *a, const struct rd_capacity *b,
		    int *at)
{
	int i, parted = 0;

	*at = 0;
	if (a->holds == b->holds)
		return 1;
	for (i = 0; i < a->n; i++) {
		const struct rd_caplv *x = &a->lv[i];
		const struct rd_caplv *y = decide_cap_level(b, x->users);
		if (y == NULL || x->st == VD_SLO_UNDECIDED ||
		    y->st == VD_SLO_UNDECIDED || x->st == y->st)
			continue;
		if (!overlap(x, y))
			return 0; /* a level the data does tell apart */
		if (!parted++)
			*at = x->users; /* levels come by users, fewest first */
	}
	return parted > 0;
}

int decide_cap_both_held(const struct rd_capacity *a,
			 const struct rd_capacity *b)
{
	int i, u = 0;

	for (i = 0; i < a->n; i++) {
		const struct rd_caplv *y = decide_cap_level(b, a->lv[i].users);
		if (a->lv[i].st == VD_SLO_HELD && y && y->st == VD_SLO_HELD &&
		    a->lv[i].users > u)
			u = a->lv[i].users;
	}
	return u;
}

/* Users held, then the goodput in tokens/s at that level to order equals
 * (which the answer still calls a tie). */
static double capacity_score(const struct rd_group *g, const char *slo)
{
	const struct rd_capacity *c = rd_capacity_of(g, slo);
	double tps = 0;
	int i;

	if (c == NULL)
		return NAN;
	for (i = 0; i < c->n; i++)
		if (c->lv[i].users == c->holds && isfinite(c->lv[i].tps))
			tps = c->lv[i].tps;
	return c->holds * 1e9 + tps;
}

/* The level above 1, of one closed-loop workload, that every candidate
 * ran, as high as can be; 0 when there is none. */
static double common_level(const struct rd_group *const *c, int n,
			   const char **wl)
{
	double best = 0;

	for (int w = 0; n > 0 && w < c[0]->nwl; w++)
		for (int l = 0; l < c[0]->wl[w].nlv; l++) {
			double lv = c[0]->wl[w].lv[l].conc;
			int k;
			if (lv <= 1 || lv <= best ||
			    c[0]->wl[w].kind != RD_CLOSED)
				continue;
			for (k = 1;
			     k < n && rd_level_of(c[k], c[0]->wl[w].key, lv);
			     k++)
				;
			if (k == n) {
				best = lv;
				*wl = c[0]->wl[w].key;
			}
		}
	return best;
}

/* The figure a use ranks by, higher better; NAN when unknown. */
static double score(const struct decide_pick *p, enum decide_use u,
		    const struct rd_group *g)
{
	switch (u) {
	case USE_INTERACTIVE: return g->sum.decode.mean;
	case USE_MEMORY: return -g->sum.steady_gb.v;
	default:
		if (p->slo)
			return capacity_score(g, p->slo);
		return decide_agg_at(g, p->wl, p->level);
	}
}

/* The best and the next of the candidates for use u; a group over the
 * quality budget is passed over, and named when it would have won. */
static void rank(struct decide_pick *p, enum decide_use u,
		 const struct rd_group *const *c, int n)
{
	for (int i = 0; i < n; i++) {
		double v = score(p, u, c[i]);
		if (!isfinite(v) ||
		    (u == USE_USERS && p->level == 0 && p->slo == NULL))
			continue;
		if (!rd_quality_ok(c[i])) {
			if (p->over == NULL || v > score(p, u, p->over))
				p->over = c[i];
			continue;
		}
		if (p->best == NULL || v > score(p, u, p->best)) {
			p->next = p->best;
			p->best = c[i];
		} else if (p->next == NULL || v > score(p, u, p->next)) {
			p->next = c[i];
		}
	}
	if (p->over && p->best && score(p, u, p->over) <= score(p, u, p->best))
		p->over = NULL;
}

/* Several users by capacity: whether the best and the next are tied, and
 * then the goodput in tokens/s at the most users both held picks, like for
 * like (docs/report.md). */
static void users_tie(struct decide_pick *p)
{
	const struct rd_capacity *a = rd_capacity_of(p->best, p->slo);
	const struct rd_capacity *b = rd_capacity_of(p->next, p->slo);
	const struct rd_caplv *x, *y;
	const struct rd_group *t;
	int u;

	p->tie = decide_cap_tied(a, b, &p->tie_at);
	u = p->tie ? decide_cap_both_held(a, b) : 0;
	x = decide_cap_level(a, u);
	y = decide_cap_level(b, u);
	if (x == NULL || y == NULL || !isfinite(x->tps) || !isfinite(y->tps) ||
	    x->tps == y->tps)
		return; /* the users held, as ranked, decide */
	p->tie_by = u;
	if (y->tps > x->tps) {
		t = p->best;
		p->best = p->next;
		p->next = t;
	}
}

/* Picks among candidates (the groups of one model, or all). */
static void choose(const struct rd_set *s, const struct rd_group *const *c,
		   int n, struct decide_pick *p)
{
	int u;

	memset(p, 0, DECIDE_USES * sizeof *p);
	p[USE_USERS].level = common_level(c, n, &p[USE_USERS].wl);
	p[USE_USERS].slo = common_slo(c, n);
	for (u = 0; u < DECIDE_USES; u++)
		rank(&p[u], u, c, n);
	if (p[USE_INTERACTIVE].next) {
		rd_compare(p[USE_INTERACTIVE].next, p[USE_INTERACTIVE].best,
			   s->primary, p[USE_INTERACTIVE].best->base->conc,
			   RD_DECODE, &p[USE_INTERACTIVE].cmp);
		p[USE_INTERACTIVE].has_cmp = 1;
	}
	if (p[USE_USERS].slo && p[USE_USERS].next)
		users_tie(&p[USE_USERS]);
	if (p[USE_MEMORY].next)
		p[USE_MEMORY].tie = p[USE_MEMORY].next->sum.steady_gb.v <=
				    p[USE_MEMORY].best->sum.steady_gb.v *
					(1 + DECIDE_MEMORY_TIE);
}

int decide(const struct rd_set *s, int model_field, struct decision *d)
{
	const struct rd_group **c = calloc((size_t)s->ng + 1, sizeof *c);
	int m, i, n;

	memset(d, 0, sizeof *d);
	d->models = calloc((size_t)s->ng + 1, sizeof *d->models);
	d->picks = calloc((size_t)s->ng + 2, sizeof *d->picks);
	if (c == NULL || d->models == NULL || d->picks == NULL) {
		free(c);
		decide_free(d);
		return -1;
	}
	for (i = 0; i < s->ng; i++) {
		const char *name =
		    model_field >= 0 ? s->g[i].field[model_field] : "";
		for (m = 0; m < d->n_models && strcmp(d->models[m], name); m++)
			;
		if (m == d->n_models)
			d->models[d->n_models++] = name;
	}
	for (m = 0; m <= d->n_models; m++) {
		for (i = n = 0; i < s->ng; i++)
			if (decide_eligible(&s->g[i]) &&
			    (m == d->n_models || model_field < 0 ||
			     !strcmp(s->g[i].field[model_field], d->models[m])))
				c[n++] = &s->g[i];
		choose(s, c, n, d->picks[m]);
	}
	free(c);
	return 0;
}

void decide_free(struct decision *d)
{
	free(d->models);
	free(d->picks);
	memset(d, 0, sizeof *d);
}
