/* ladder: a group's context ladders (make ctx) from its runs of kind
 * ladder (a series, a depth), one run per depth (rundata.h, docs/metrics.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jget.h"
#include "ladder.h"
#include "runpath.h"

static struct rd_fig rung_fig(const cJSON *d, const char *path)
{
	const cJSON *s = jget_path(d, path);
	double n = jget_num(s, RS_N, 0);

	if (s == NULL || n <= 0)
		return (struct rd_fig){NAN, 0};
	return (struct rd_fig){jget_num(s, RS_MEAN, NAN), (size_t)n};
}

static int by_depth(const void *a, const void *b)
{
	double x = ((const struct rd_rung *)a)->depth;
	double y = ((const struct rd_rung *)b)->depth;

	return (x > y) - (x < y);
}

/* How the rung's prompt was counted, and whether every request's was the
 * depth by the server's count (its per-prompt least and most). */
static void count_of(struct rd_rung *g, const cJSON *d)
{
	const cJSON *c = jget_path(d, RP_PROMPT_COUNT), *pp;
	double lo = NAN, hi = NAN;

	g->exact = -1;
	g->count_method = NULL;
	if (c == NULL)
		return;
	g->count_method = jget_str(c, RJ_METHOD);
	g->exact = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, RJ_EXACT));
	if (!g->exact)
		return;
	cJSON_ArrayForEach(pp, jget_path(d, RP_PER_PROMPT))
	{
		const cJSON *t = jget_obj(pp, RJ_PROMPT_TOKENS);
		if (jget_num(t, RS_N, 0) > 0) {
			lo = jget_num(t, RS_MIN, NAN);
			hi = jget_num(t, RS_MAX, NAN);
		}
	}
	if (!isnan(lo)) /* the requests' own counts, by the server */
		g->exact = lo == g->depth && hi == g->depth;
}

static void rung_of(struct rd_rung *g, const struct rd_run *r)
{
	const cJSON *d = r->doc, *pp;
	double measured = jget_path_num(d, RP_REQ_MEASURED, 0);
	double peak = jget_path_num(d, RP_PEAK_BYTES, NAN);

	memset(g, 0, sizeof *g);
	g->run = r;
	g->depth = (double)r->rk.depth;
	g->requests = measured;
	g->requests_ok = jget_path_num(d, RP_REQ_OK, 0);
	g->ok = measured > 0 && g->requests_ok == measured;
	g->ttft = rung_fig(d, RP_TTFT);
	g->prefill = rung_fig(d, RP_PREFILL);
	g->decode = rung_fig(d, RP_DECODE);
	g->prompt_tokens = (struct rd_fig){NAN, 0};
	cJSON_ArrayForEach(
	    pp, jget_path(d, RP_PER_PROMPT)) if (g->prompt_tokens.n == 0)
	    g->prompt_tokens = rung_fig(pp, RJ_PROMPT_TOKENS);
	g->mem_gb = peak > 0 ? peak / 1e9 : NAN;
	count_of(g, d);
	g->why = jget_path_str(d, RP_FIRST_ERROR);
	if (g->why == NULL && g->exact == 0)
		g->why = jget_str(jget_path(d, RP_PROMPT_COUNT), RJ_WHY);
	if (!g->ok && g->why == NULL)
		g->why = measured > 0 ? "a request failed"
				      : "no request was measured";
}

/* The ladder's context figures: the largest the server told (the model's
 * own before the loaded one), from any of its runs. */
static void contexts(struct rd_ladder *l)
{
	l->advertised = l->loaded = NAN;
	for (int i = 0; i < l->n; i++) {
		const cJSON *s = jget_path(l->r[i].run->doc, RP_SERVER);
		double t = jget_num(s, RJ_CTX_TRAIN, 0),
		       c = jget_num(s, RJ_CTX_SIZE, 0);
		if (t > 0 && !(t <= l->advertised))
			l->advertised = t;
		if (c > 0 && !(c <= l->loaded))
			l->loaded = c;
	}
	if (isnan(l->advertised))
		l->advertised = l->loaded;
}

int rd_ladders(struct rd_group *g)
{
	int i, k;

	for (i = 0; i < g->n; i++) {
		const struct rd_run *r = g->runs[i];
		const char *id = r->rk.series;
		struct rd_ladder *l;
		void *p;
		if (r->kind != RD_LADDER || id == NULL)
			continue;
		for (k = 0; k < g->nlad && strcmp(g->lad[k].id, id); k++)
			;
		if (k == g->nlad) {
			if ((p = realloc(g->lad, (size_t)(g->nlad + 1) *
						     sizeof *g->lad)) == NULL)
				return -1;
			g->lad = p;
			memset(&g->lad[k], 0, sizeof g->lad[k]);
			g->lad[k].id = id;
			g->nlad++;
		}
		l = &g->lad[k];
		if ((p = realloc(l->r, (size_t)(l->n + 1) * sizeof *l->r)) ==
		    NULL)
			return -1;
		l->r = p;
		rung_of(&l->r[l->n++], r);
	}
	for (k = 0; k < g->nlad; k++) {
		struct rd_ladder *l = &g->lad[k];
		qsort(l->r, (size_t)l->n, sizeof *l->r, by_depth);
		contexts(l);
		l->best = NAN;
		l->stop = NULL;
		for (i = 0; i < l->n && l->stop == NULL; i++) {
			if (l->r[i].ok)
				l->best = l->r[i].depth;
			else
				l->stop = &l->r[i];
		}
	}
	return 0;
}
