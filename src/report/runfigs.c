/* runfigs: what the report prints of one run, read from its document once
 * (rundata.h, rd_run_figures): its server and host, labels, failed
 * statuses, prompts, memory timeline, requests in flight, leak check and
 * agreement with a reference run (greedy and logprobs). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "jget.h"
#include "formats.h"
#include "rundata.h"
#include "runpath.h"
#include "verdict.h"

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
	l->verdict = verdict_leak_of(jget_str(lk, RJ_VERDICT));
	l->error = jget_str(lk, RJ_ERROR);
	l->per_request = slope(lk, RJ_MB_PER_REQUEST);
	l->per_minute = slope(lk, RJ_MB_PER_MINUTE);
	l->r2 = jget_num(lk, RJ_R2, NAN);
}

/* sustained and power's heat (a run without them: unknown, not throttled) */
static void drift(struct rd_run *r)
{
	const cJSON *su = jget_path(r->doc, RP_SUSTAINED);
	const char *v = jget_str(su, RJ_VERDICT);
	struct rd_drift *d = &r->drift;

	d->verdict = v ? verdict_sustain_of(v) : VD_SUS_UNKNOWN;
	d->ratio = slope(su, RJ_RATIO);
	d->why = jget_str(su, RJ_REASON);
	d->throttled_share = jget_path_num(r->doc, RP_THROTTLED_SHARE, NAN);
	d->thermal_max =
	    formats_thermal_of(jget_path_str(r->doc, RP_THERMAL_MAX));
}

/* An evidence level's name as agg wrote it: a missing object is absent. */
static enum rd_evidence evidence(const cJSON *o, const char *figures,
				 enum rd_evidence level)
{
	const char *ev = jget_str(o, RJ_EVIDENCE);

	if (o == NULL)
		return RD_EV_ABSENT;
	if (ev && strcmp(ev, figures) == 0)
		return level;
	return ev && strcmp(ev, "none") == 0 ? RD_EV_NONE : RD_EV_OTHER;
}

static int int_of(const cJSON *o, const char *key)
{
	double v = jget_num(o, key, -1);

	return v >= 0 && v < 1e9 ? (int)v : -1;
}

/* quality.agreement (src/agg/agree's figures). */
static void agreement(struct rd_run *r)
{
	const cJSON *o = jget_path(r->doc, RP_AGREEMENT);
	const cJSON *t = jget_obj(o, RJ_TTD);
	struct rd_agree *a = &r->agree;

	a->ev = evidence(o, RJ_EV_GREEDY, RD_EV_GREEDY);
	a->why = jget_str(o, RJ_WHY);
	a->prompts = int_of(o, RJ_PROMPTS);
	a->identical = int_of(o, RJ_IDENTICAL);
	a->share = jget_num(o, RJ_SHARE, NAN);
	a->lo = jget_num(o, RS_CI_LO, NAN);
	a->hi = jget_num(o, RS_CI_HI, NAN);
	a->diverged = int_of(t, RJ_DIVERGED);
	a->ttd_median = jget_num(t, RJ_MEDIAN, NAN);
}

/* quality.logprobs (src/agg/lpq's figures). */
static void logprobs(struct rd_run *r)
{
	const cJSON *o = jget_path(r->doc, RP_LOGPROBS);
	const cJSON *t = jget_obj(o, RJ_TOP1), *k = jget_obj(o, RJ_KL);
	const cJSON *f = jget_obj(o, RJ_FIRST_DIV);
	struct rd_lpq *l = &r->lpq;

	l->ev = evidence(o, RJ_EV_LOGPROBS, RD_EV_LOGPROBS);
	l->why = jget_str(o, RJ_WHY);
	l->prompts = int_of(o, RJ_PROMPTS);
	l->top_k = int_of(o, RJ_TOP_K);
	l->truncated = cJSON_IsTrue(jget_path(o, RJ_TRUNCATED));
	l->top1 = jget_num(t, RS_MEAN, NAN);
	l->top1_lo = jget_num(t, RS_CI_LO, NAN);
	l->top1_hi = jget_num(t, RS_CI_HI, NAN);
	l->kl = jget_num(k, RS_MEAN, NAN);
	l->kl_lo = jget_num(k, RS_CI_LO, NAN);
	l->kl_hi = jget_num(k, RS_CI_HI, NAN);
	l->kl_p99 = jget_num(k, RJ_P99, NAN);
	l->fd_median = jget_num(f, RJ_MEDIAN, NAN);
	l->diverged = int_of(f, RJ_DIVERGED);
}

/* quality.teacher_forced (src/agg/tfq's figures). */
static void teacher(struct rd_run *r)
{
	const cJSON *o = jget_path(r->doc, RP_TEACHER);
	const cJSON *k = jget_obj(o, RJ_KL), *s = jget_obj(o, RJ_SAME_TOP1);
	const cJSON *d = jget_obj(jget_obj(o, RJ_PERPLEXITY), RJ_DELTA);
	struct rd_tfq *t = &r->tfq;

	t->ev = evidence(o, RJ_EV_TEACHER, RD_EV_TEACHER);
	t->why = jget_str(o, RJ_WHY);
	t->prompts = int_of(o, RJ_PROMPTS);
	t->positions = int_of(o, RJ_POSITIONS);
	t->exact = cJSON_IsTrue(jget_path(o, RJ_EXACT));
	t->tie = cJSON_IsTrue(jget_path(o, RJ_TIE));
	t->kl = jget_num(k, RS_MEAN, NAN);
	t->kl_lo = jget_num(k, RS_CI_LO, NAN);
	t->kl_hi = jget_num(k, RS_CI_HI, NAN);
	t->kl_p99 = jget_num(k, RJ_P99, NAN);
	t->same = jget_num(s, RJ_SHARE, NAN);
	t->same_lo = jget_num(s, RS_CI_LO, NAN);
	t->same_hi = jget_num(s, RS_CI_HI, NAN);
	t->dppl = jget_num(d, RS_MEAN, NAN);
	t->dppl_lo = jget_num(d, RS_CI_LO, NAN);
	t->dppl_hi = jget_num(d, RS_CI_HI, NAN);
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
	drift(r);
	agreement(r);
	logprobs(r);
	teacher(r);
	if (labels(r) || failed(r) || prompts(r) || timeline(r) || spans(r) ||
	    rd_power_read(r))
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
	rd_power_free(r);
}

const struct rd_prompt *rd_prompt_of(const struct rd_run *r, const char *name)
{
	for (int i = 0; i < r->nprompt; i++)
		if (r->prompt[i].name && strcmp(r->prompt[i].name, name) == 0)
			return &r->prompt[i];
	return NULL;
}
