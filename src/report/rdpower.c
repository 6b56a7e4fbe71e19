/* rdpower: a run's power and heat figures for the report, and why they
 * are unknown when they are (docs/metrics.md, Power and heat). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jget.h"
#include "rundata.h"
#include "runpath.h"

/* A figure of o, NAN when null or absent: unknown is never 0. */
static double fig(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) && v->valuedouble >= 0 ? v->valuedouble : NAN;
}

/* Why the energy is unknown: no power object, memsample's reasons per
 * source, or too little of the run covered by watts. */
static void why(struct rd_power *p, const cJSON *po)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(po, RJ_UNKNOWN), *s;
	size_t n = 0;

	if (!isnan(p->j_per_tok))
		return;
	if (po == NULL || !cJSON_IsObject(po)) {
		snprintf(p->why, sizeof p->why,
			 "not sampled (memsample --power, make bench POWER=1)");
		return;
	}
	if (p->energy_source == NULL && !isnan(fig(po, RJ_COVERED_S)) &&
	    fig(po, RJ_COVERED_S) > 0) {
		snprintf(p->why, sizeof p->why,
			 "watts known for %.0f of the run's %.0f s (95 %% "
			 "needed)",
			 fig(po, RJ_COVERED_S), fig(po, RJ_WINDOW_S));
		return;
	}
	cJSON_ArrayForEach(s, u)
	{
		if (!cJSON_IsString(s) || n >= sizeof p->why - 1)
			continue;
		n += (size_t)snprintf(p->why + n, sizeof p->why - n, "%s%s: %s",
				      n ? "; " : "", s->string, s->valuestring);
	}
	if (n == 0)
		snprintf(p->why, sizeof p->why, "no source gave watts");
}

/* power.timeline: [seconds, W, °C], NAN where null. */
static int timeline(struct rd_power *p, const cJSON *po)
{
	const cJSON *tl = cJSON_GetObjectItemCaseSensitive(po, RJ_TIMELINE),
		    *pt;

	p->pt = calloc((size_t)cJSON_GetArraySize(tl) + 1, sizeof *p->pt);
	if (p->pt == NULL)
		return -1;
	cJSON_ArrayForEach(pt, tl)
	{
		const cJSON *v[3];
		double x[3];
		for (int k = 0; k < 3; k++) {
			v[k] = cJSON_GetArrayItem(pt, k);
			x[k] = cJSON_IsNumber(v[k]) ? v[k]->valuedouble : NAN;
		}
		p->pt[p->npt++] = (struct rd_powpt){x[0], x[1], x[2]};
	}
	return 0;
}

int rd_power_read(struct rd_run *r)
{
	const cJSON *po = jget_path(r->doc, RP_POWER);
	struct rd_power *p = &r->power;

	memset(p, 0, sizeof *p);
	p->sampled = cJSON_IsObject(po);
	p->j_per_tok = fig(po, RJ_J_PER_TOKEN);
	p->mean_w = fig(po, RJ_MEAN_W);
	p->p95_w = fig(po, RJ_P95_W);
	p->peak_temp = fig(po, RJ_PEAK_TEMP);
	p->energy_source = jget_str(po, RJ_ENERGY_SOURCE);
	why(p, p->sampled ? po : NULL);
	return timeline(p, po);
}

void rd_power_free(struct rd_run *r)
{
	free(r->power.pt);
	r->power.pt = NULL;
}
