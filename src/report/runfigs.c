/* runfigs: what the report prints of one run, read from its document once
 * (rundata.h, rd_run_figures): its server and host, labels, failed
 * statuses, prompts, memory timeline, requests in flight and leak check. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "jget.h"
#include "rundata.h"
#include "runpath.h"

/* Room for the members of the object or array at path (at least one). */
static void *room(const cJSON *d, const char *path, size_t size, size_t extra)
{
	return calloc(
	    (size_t)cJSON_GetArraySize(jget_path(d, path)) + extra + 1, size);
}

/* run.labels then run.env, in file order. */
static int labels(struct rd_run *r)
{
	static const char *const objs[] = {RP_LABELS, RP_ENV};
	const cJSON *l;

	r->label = calloc(
	    (size_t)cJSON_GetArraySize(jget_path(r->doc, RP_LABELS)) +
		(size_t)cJSON_GetArraySize(jget_path(r->doc, RP_ENV)) + 1,
	    sizeof *r->label);
	if (r->label == NULL)
		return -1;
	for (int k = 0; k < 2; k++)
		cJSON_ArrayForEach(l, jget_path(r->doc, objs[k]))
		{
			r->label[r->nlabel].key = l->string;
			r->label[r->nlabel++].value =
			    cJSON_IsString(l) ? l->valuestring : "?";
		}
	return 0;
}

/* requests.by_status but ok: how each failed request ended. */
static int failed(struct rd_run *r)
{
	const cJSON *st;

	if ((r->failed =
		 room(r->doc, RP_REQ_BY_STATUS, sizeof *r->failed, 0)) == NULL)
		return -1;
	cJSON_ArrayForEach(
	    st, jget_path(r->doc, RP_REQ_BY_STATUS)) if (st->string &&
							 strcmp(st->string,
								RS_OK) != 0)
	{
		r->failed[r->nfailed].name = st->string;
		r->failed[r->nfailed++].n = st->valueint;
	}
	return 0;
}

static void prompt_of(struct rd_prompt *p, const cJSON *pp)
{
	const cJSON *o = jget_path(pp, RJ_OUTPUT),
		    *q = jget_path(pp, RJ_QUALITY);
	char path[64];

	p->name = pp->string;
	snprintf(path, sizeof path, "%s.%s", RJ_PROMPT_TOKENS, RS_MEAN);
	p->prompt_tokens = jget_path_num(pp, path, NAN);
	snprintf(path, sizeof path, "%s.%s", RJ_PREFILL, RS_MEAN);
	p->prefill_tps = jget_path_num(pp, path, NAN);
	p->has_output = o != NULL;
	p->out_tokens = jget_num(o, RJ_TOKENS, NAN);
	p->out_chars = jget_num(o, RJ_CHARS, NAN);
	p->out_text = jget_str(o, RJ_TEXT);
	p->has_quality = q != NULL;
	p->passed = jget_num(q, RJ_PASSED, NAN);
	p->checked = jget_num(q, RJ_CHECKED, NAN);
}

static int prompts(struct rd_run *r)
{
	const cJSON *pp;

	if ((r->prompt = room(r->doc, RP_PER_PROMPT, sizeof *r->prompt, 0)) ==
	    NULL)
		return -1;
	cJSON_ArrayForEach(pp, jget_path(r->doc, RP_PER_PROMPT))
	    prompt_of(&r->prompt[r->nprompt++], pp);
	return 0;
}

/* memory.timeline: [seconds, MB] pairs, NAN where not a number. */
static int timeline(struct rd_run *r)
{
	const cJSON *pt;

	if ((r->timeline = room(r->doc, RP_TIMELINE, sizeof *r->timeline, 0)) ==
	    NULL)
		return -1;
	cJSON_ArrayForEach(pt, jget_path(r->doc, RP_TIMELINE))
	{
		const cJSON *x = cJSON_GetArrayItem(pt, 0),
			    *y = cJSON_GetArrayItem(pt, 1);
		r->timeline[r->ntimeline].s =
		    cJSON_IsNumber(x) ? x->valuedouble : NAN;
		r->timeline[r->ntimeline++].mb =
		    cJSON_IsNumber(y) ? y->valuedouble : NAN;
	}
	return 0;
}

/* per_request: each request that was no warm-up and has an E2E, from the
 * first request sent (warm-ups included). */
static int spans(struct rd_run *r)
{
	const cJSON *pr = jget_path(r->doc, RP_PER_REQUEST), *q;
	double t0 = INFINITY, t;

	if (!r->per_request)
		return 0;
	if ((r->span = room(r->doc, RP_PER_REQUEST, sizeof *r->span, 0)) ==
	    NULL)
		return -1;
	cJSON_ArrayForEach(
	    q, pr) if (isfinite(t = jget_num(q, RJ_T_SEND, NAN)) && t < t0) t0 =
	    t;
	cJSON_ArrayForEach(q, pr)
	{
		double e = jget_num(q, RJ_E2E, NAN);
		if (!isfinite(e) || cJSON_IsTrue(jget_path(q, RJ_WARMUP)))
			continue;
		r->span[r->nspan].start = jget_num(q, RJ_T_SEND, NAN) - t0;
		r->span[r->nspan++].len = e;
	}
	return 0;
}

/* A slope and its interval (KEY_ci95: two numbers) from the leak object. */
static struct rd_slope slope(const cJSON *lk, const char *key)
{
	struct rd_slope s = {jget_num(lk, key, NAN), NAN, NAN};
	char ci[48];
	const cJSON *c;

	snprintf(ci, sizeof ci, "%s%s", key, RJ_CI95_SUFFIX);
	c = jget_path(lk, ci);
	if (cJSON_GetArraySize(c) == 2 &&
	    cJSON_IsNumber(cJSON_GetArrayItem(c, 0)) &&
	    cJSON_IsNumber(cJSON_GetArrayItem(c, 1))) {
		s.lo = cJSON_GetArrayItem(c, 0)->valuedouble;
		s.hi = cJSON_GetArrayItem(c, 1)->valuedouble;
	}
	return s;
}

static void leak(struct rd_run *r)
{
	const cJSON *lk = jget_path(r->doc, RP_LEAK);
	struct rd_leak *l = &r->leak;

	l->judged = jget_str(lk, RJ_VERDICT) != NULL;
	l->verdict = formats_leak_of(jget_str(lk, RJ_VERDICT));
	l->error = jget_str(lk, RJ_ERROR);
	l->per_request = slope(lk, RJ_MB_PER_REQUEST);
	l->per_minute = slope(lk, RJ_MB_PER_MINUTE);
	l->r2 = jget_num(lk, RJ_R2, NAN);
}

int rd_run_figures(struct rd_run *r)
{
	const cJSON *d = r->doc;

	r->server_kind = jget_path_str(d, RP_SERVER_KIND);
	r->host_os = jget_path_str(d, RP_HOST_OS);
	r->host_cpu = jget_path_str(d, RP_HOST_CPU);
	r->tool_version = jget_path_str(d, RP_TOOL_VERSION);
	r->req_ok = jget_path_num(d, RP_REQ_OK, NAN);
	r->req_measured = jget_path_num(d, RP_REQ_MEASURED, NAN);
	leak(r);
	if (labels(r) || failed(r) || prompts(r) || timeline(r) || spans(r))
		return -1;
	return 0;
}

void rd_run_figures_free(struct rd_run *r)
{
	free(r->label);
	free(r->failed);
	free(r->prompt);
	free(r->timeline);
	free(r->span);
}

const struct rd_prompt *rd_prompt_of(const struct rd_run *r, const char *name)
{
	for (int i = 0; i < r->nprompt; i++)
		if (r->prompt[i].name && strcmp(r->prompt[i].name, name) == 0)
			return &r->prompt[i];
	return NULL;
}
