/* mixcls: a group's mixed workloads by output-length class (make mixed):
 * each class in the mix beside the same class alone at the same users,
 * from runs of kind mix, class mixed or alone, by series (rundata.h,
 * docs/metrics.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jget.h"
#include "mixcls.h"
#include "runkind.h"
#include "runpath.h"

static struct rd_fig mean_of(const cJSON *pp, const char *metric)
{
	const cJSON *s = jget_path(pp, metric);
	double n = jget_num(s, RS_N, 0);

	return n > 0 ? (struct rd_fig){jget_num(s, RS_MEAN, NAN), (size_t)n}
		     : (struct rd_fig){NAN, 0};
}

static void fill(struct rd_mixclass *c, int k, const cJSON *pp)
{
	c->ttft[k] = mean_of(pp, RJ_TTFT);
	c->e2e[k] = mean_of(pp, RJ_E2E);
	c->tps[k] = mean_of(pp, RJ_DECODE);
}

static int by_length(const void *a, const void *b)
{
	double x = ((const struct rd_mixclass *)a)->out_tokens;
	double y = ((const struct rd_mixclass *)b)->out_tokens;

	return (x > y) - (x < y);
}

/* The alone run of a class: same set and users, its prompt in it. */
static const cJSON *alone(const struct rd_group *g, const char *set,
			  double conc, const char *cls)
{
	for (int i = 0; i < g->n; i++) {
		const struct rd_run *r = g->runs[i];
		if (r->kind != RD_MIX || r->conc != conc ||
		    r->rk.mix != RK_MIX_ALONE || strcmp(r->rk.series, set))
			continue;
		const cJSON *pp = cJSON_GetObjectItemCaseSensitive(
		    jget_path(r->doc, RP_PER_PROMPT), cls);
		if (pp != NULL)
			return pp;
	}
	return NULL;
}

int rd_mixes(struct rd_group *g)
{
	for (int i = 0; i < g->n; i++) {
		const struct rd_run *r = g->runs[i];
		const cJSON *pp;
		struct rd_mix *m;
		void *p;
		if (r->kind != RD_MIX || r->rk.mix != RK_MIX_MIXED)
			continue;
		if ((p = realloc(g->mix, (size_t)(g->nmix + 1) *
					     sizeof *g->mix)) == NULL)
			return -1;
		g->mix = p;
		m = &g->mix[g->nmix++];
		memset(m, 0, sizeof *m);
		m->set = r->rk.series;
		m->conc = r->conc;
		m->c = calloc((size_t)cJSON_GetArraySize(
				  jget_path(r->doc, RP_PER_PROMPT)) +
				  1,
			      sizeof *m->c);
		if (m->c == NULL)
			return -1;
		cJSON_ArrayForEach(pp, jget_path(r->doc, RP_PER_PROMPT))
		{
			struct rd_mixclass *c = &m->c[m->n++];
			const cJSON *a = alone(g, m->set, m->conc, pp->string);
			c->name = pp->string;
			c->out_tokens = jget_path_num(
			    pp, RJ_OUTPUT_TOKENS "." RS_MEAN, NAN);
			fill(c, 0, pp);
			fill(c, 1, a);
		}
		qsort(m->c, (size_t)m->n, sizeof *m->c, by_length);
		m->ttft_ratio =
		    m->n ? m->c[0].ttft[0].v / m->c[0].ttft[1].v : NAN;
		m->e2e_ratio = m->n ? m->c[0].e2e[0].v / m->c[0].e2e[1].v : NAN;
		m->starved =
		    m->ttft_ratio >= RD_STARVED || m->e2e_ratio >= RD_STARVED;
	}
	return 0;
}

static int by_rep(const void *a, const void *b)
{
	return ((const struct rd_load *)a)->rep -
	       ((const struct rd_load *)b)->rep;
}

/* The first cold load, and the median of the warm ones (the first 100). */
static void cold_warm(struct rd_loads *s)
{
	double warm[100];
	int nw = 0;

	s->cold = NAN;
	for (int i = 0; i < s->n; i++) {
		if (s->l[i].cache == RK_CACHE_WARM &&
		    isfinite(s->l[i].seconds) && nw < 100)
			warm[nw++] = s->l[i].seconds;
		if (s->l[i].cache == RK_CACHE_COLD && isnan(s->cold))
			s->cold = s->l[i].seconds;
	}
	s->warm =
	    nw > 0 ? (struct rd_fig){stats_median(warm, (size_t)nw), (size_t)nw}
		   : (struct rd_fig){NAN, 0};
}

int rd_load_series(struct rd_group *g)
{
	int i, k;

	for (i = 0; i < g->n; i++) {
		const struct rd_run *r = g->runs[i];
		const char *id = r->rk.series, *st;
		struct rd_load *l;
		void *p;
		if (r->kind != RD_LOADREP)
			continue;
		for (k = 0; k < g->nloads && strcmp(g->loads[k].id, id); k++)
			;
		if (k == g->nloads) {
			if ((p = realloc(g->loads,
					 (size_t)(k + 1) * sizeof *g->loads)) ==
			    NULL)
				return -1;
			g->loads = p;
			memset(&g->loads[k], 0, sizeof g->loads[k]);
			g->loads[k].id = id;
			g->nloads++;
		}
		p = realloc(g->loads[k].l,
			    (size_t)(g->loads[k].n + 1) * sizeof *l);
		if (p == NULL)
			return -1;
		g->loads[k].l = p;
		l = &g->loads[k].l[g->loads[k].n++];
		st = jget_path_str(r->doc, RP_LOAD_STATUS);
		l->rep = (int)r->rk.rep;
		l->error = st && strcmp(st, RS_OK)
			       ? jget_path_str(r->doc, RP_LOAD_ERROR)
			       : NULL;
		if (st && strcmp(st, RS_OK) && l->error == NULL)
			l->error = "failed";
		if (st == NULL)
			l->error = "no load was measured";
		l->seconds = st && !strcmp(st, RS_OK)
				 ? jget_path_num(r->doc, RP_LOAD_SECONDS, NAN)
				 : NAN;
		l->server_s = jget_path_num(r->doc, RP_LOAD_SERVER_S, NAN);
		l->cache = r->rk.cache;
		l->resident = r->rk.resident;
	}
	for (k = 0; k < g->nloads; k++) {
		qsort(g->loads[k].l, (size_t)g->loads[k].n,
		      sizeof *g->loads[k].l, by_rep);
		cold_warm(&g->loads[k]);
	}
	return 0;
}
