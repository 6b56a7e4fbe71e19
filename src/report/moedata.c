/* moedata: a group's MoE studies (moedata.h). */
#include "moedata.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jget.h"
#include "runpath.h"

static int by_pass_time(const void *a, const void *b)
{
	const struct rd_moe_step *x = a, *y = b;

	if (x->pass != y->pass)
		return x->pass < y->pass ? -1 : 1;
	return (x->t_start > y->t_start) - (x->t_start < y->t_start);
}

/* The series id's study in g, added when new; NULL when out of memory. */
static struct rd_moe *study(struct rd_group *g, const char *id)
{
	int k;
	void *p;

	for (k = 0; k < g->nmoe && strcmp(g->moe[k].id, id); k++)
		;
	if (k < g->nmoe)
		return &g->moe[k];
	if ((p = realloc(g->moe, (size_t)(k + 1) * sizeof *g->moe)) == NULL)
		return NULL;
	g->moe = p;
	memset(&g->moe[k], 0, sizeof g->moe[k]);
	g->moe[k].id = id;
	g->nmoe++;
	return &g->moe[k];
}

static void step_of(const struct rd_run *r, struct rd_moe_step *s)
{
	const struct cJSON *d = r->doc;

	s->pass = (int)r->rk.pass;
	s->domain = r->rk.domain;
	s->t_start = jget_path_num(d, RP_T_START, NAN);
	s->pc0 = jget_path_num(d, RP_PC_START, NAN);
	s->pc1 = jget_path_num(d, RP_PC_END, NAN);
	s->map0 = jget_path_num(d, RP_PC_MAPPED_START, NAN);
	s->map1 = jget_path_num(d, RP_PC_MAPPED_END, NAN);
	s->bytes = jget_path_num(d, RP_PC_BYTES, NAN);
	s->decode.v = jget_path_num(d, RP_DECODE "." RS_MEAN, NAN);
	s->decode.n = (size_t)jget_path_num(d, RP_DECODE "." RS_N, 0);
	s->pc_growth = s->pc1 - s->pc0;
	s->map_growth = s->map1 - s->map0;
}

/* The study's summary: the share after its first pass and the largest
 * growth after it, of the mappings' figure where every step has it. */
static void summarise(struct rd_moe *m)
{
	int i;

	m->mapped = m->n > 0;
	for (i = 0; i < m->n; i++)
		m->mapped &= isfinite(m->s[i].map0) && isfinite(m->s[i].map1);
	m->first = m->later = NAN;
	for (i = 0; i < m->n; i++) {
		const struct rd_moe_step *s = &m->s[i];
		double after = m->mapped ? s->map1 : s->pc1;
		double grow = m->mapped ? s->map_growth : s->pc_growth;
		if (s->pass == m->s[0].pass)
			m->first = after;
		else if (isnan(m->later) || grow > m->later)
			m->later = grow;
	}
}

int rd_moe_series(struct rd_group *g)
{
	struct rd_moe *m;
	void *p;
	int i, k;

	for (i = 0; i < g->n; i++) {
		const struct rd_run *r = g->runs[i];
		if (r->kind != RD_MOE)
			continue;
		if ((m = study(g, r->rk.series)) == NULL)
			return -1;
		p = realloc(m->s, (size_t)(m->n + 1) * sizeof *m->s);
		if (p == NULL)
			return -1;
		m->s = p;
		step_of(r, &m->s[m->n++]);
	}
	for (k = 0; k < g->nmoe; k++) {
		qsort(g->moe[k].s, (size_t)g->moe[k].n, sizeof *g->moe[k].s,
		      by_pass_time);
		summarise(&g->moe[k]);
	}
	return 0;
}
