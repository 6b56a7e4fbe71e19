/* frontier: decode speed against steady-state memory over a set's groups,
 * and each model's Pareto frontier (rundata.h, rd_pareto). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rundata.h"

static int has_point(const struct rd_group *g)
{
	return isfinite(g->sum.decode.mean) && isfinite(g->sum.steady_gb.v);
}

/* Whether another group of the same model is as fast and as small, and
 * better in one. */
static int dominated(const struct rd_set *s, int a)
{
	const struct rd_group *x = &s->g[a];
	double ta = x->sum.decode.mean, ma = x->sum.steady_gb.v;

	for (int g = 0; g < s->ng; g++) {
		double t = s->g[g].sum.decode.mean, m = s->g[g].sum.steady_gb.v;
		if (g != a &&
		    !strcmp(rd_model_of(s, &s->g[g]), rd_model_of(s, x)) &&
		    has_point(&s->g[g]) && t >= ta && m <= ma &&
		    (t > ta || m < ma))
			return 1;
	}
	return 0;
}

/* The frontier of model f->model: its undominated points, by memory (an
 * insertion sort keeps equal memory in group order). */
static int frontier(const struct rd_set *s, struct rd_frontier *f)
{
	const struct rd_pareto *p = &s->pareto;

	if ((f->g = calloc((size_t)p->npt + 1, sizeof *f->g)) == NULL)
		return -1;
	for (int i = 0; i < p->npt; i++)
		if (!strcmp(rd_model_of(s, &s->g[p->pt[i]]), f->model) &&
		    !dominated(s, p->pt[i]))
			f->g[f->n++] = p->pt[i];
	for (int i = 1; i < f->n; i++)
		for (int j = i; j > 0 && s->g[f->g[j]].sum.steady_gb.v <
					     s->g[f->g[j - 1]].sum.steady_gb.v;
		     j--) {
			int t = f->g[j];
			f->g[j] = f->g[j - 1];
			f->g[j - 1] = t;
		}
	return 0;
}

int rd_pareto(struct rd_set *s)
{
	struct rd_pareto *p = &s->pareto;
	int i, k;

	p->pt = calloc((size_t)s->ng + 1, sizeof *p->pt);
	p->f = calloc((size_t)s->ng + 1, sizeof *p->f);
	if (p->pt == NULL || p->f == NULL)
		return -1;
	for (i = 0; i < s->ng; i++) {
		const char *m = rd_model_of(s, &s->g[i]);
		if (!has_point(&s->g[i]))
			continue;
		p->pt[p->npt++] = i;
		for (k = 0; k < p->nf && strcmp(p->f[k].model, m); k++)
			;
		if (k == p->nf)
			p->f[p->nf++].model = m;
	}
	for (k = 0; k < p->nf; k++)
		if (frontier(s, &p->f[k]) != 0)
			return -1;
	return 0;
}
