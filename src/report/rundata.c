/* rundata: run files to the report's figures (see rundata.h). */
#include "rundata.h"
#include "ladder.h"
#include "mixcls.h"
#include "moedata.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "fileio.h"
#include "formats.h"
#include "jget.h"
#include "quant.h"
#include "runjson.h"
#include "runpath.h"
#include "verdict.h"

static double num(const cJSON *o, const char *path)
{
	return jget_path_num(o, path, NAN);
}

static const struct rd_fig UNKNOWN = {NAN, 0};

/* ---- one run ------------------------------------------------------------ */

/* The value of a --by field for a run: model, quant, backend, server,
 * concurrency, or any label or environment variable of the run.  Returns
 * whether the run records the field: always for the standard ones, whose
 * "—" is a value; for the others, only when it was found. */
static int field_value(const cJSON *d, const char *f, char *buf, size_t n)
{
	const char *v = NULL;
	double c;

	if (strcmp(f, "model") == 0)
		v = jget_path_str(d, RP_MODEL);
	else if (strcmp(f, "quant") == 0)
		v = jget_path_str(d, RP_LABEL(RL_QUANT))
			? jget_path_str(d, RP_LABEL(RL_QUANT))
			: jget_path_str(d, RP_SERVER_QUANT);
	else if (strcmp(f, "backend") == 0)
		v = jget_path_str(d, RP_LABEL(RL_BACKEND))
			? jget_path_str(d, RP_LABEL(RL_BACKEND))
			: jget_path_str(d, RP_SERVER_BACKEND);
	else if (strcmp(f, "server") == 0)
		v = jget_path_str(d, RP_SERVER_KIND);
	else if (strcmp(f, "concurrency") == 0) {
		c = num(d, RP_CONCURRENCY);
		snprintf(buf, n, isfinite(c) ? "c=%.0f" : "—", c);
		return 1;
	} else {
		/* a label, an environment variable, else a recorded setting of
		 * the host (wired_limit_mb), the server (parallel, ctx_size) or
		 * gen's configuration (ignore_eos), in that order */
		static const char *const where[] = {RP_LABELS, RP_ENV, RP_HOST,
						    RP_SERVER, RP_CONFIG};
		const cJSON *l = NULL;
		for (size_t i = 0;
		     i < sizeof where / sizeof where[0] && l == NULL; i++)
			l = cJSON_GetObjectItemCaseSensitive(
			    jget_path(d, where[i]), f);
		if (cJSON_IsNumber(l)) {
			snprintf(buf, n, "%.15g", l->valuedouble);
			return 1;
		}
		if (cJSON_IsBool(l))
			v = cJSON_IsTrue(l) ? "true" : "false";
		else
			v = cJSON_IsString(l) ? l->valuestring : NULL;
		snprintf(buf, n, "%s", v && *v ? v : "—");
		return v != NULL;
	}
	snprintf(buf, n, "%s", v && *v ? v : "—");
	return 1;
}

static void app(char *dst, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void app(char *dst, size_t n, const char *fmt, ...)
{
	size_t l = strlen(dst);
	va_list ap;

	if (l + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(dst + l, n - l, fmt, ap);
	va_end(ap);
}

/* What a run asked of the server, apart from the load: the prompt set
 * (its file name, the prompts run and their proportions), the API, the
 * output limit and sampling, cache busting, the context setting (label
 * ctx) and the kind of run.  Two runs with equal strings ran the same
 * workload; the concurrency is a level within it. */
static void workload(struct rd_run *r)
{
	const cJSON *d = r->doc, *cfg = jget_path(d, RP_CONFIG), *pp;
	const char *set = jget_str(cfg, RJ_PROMPTS), *slash, *ctx;
	const char *api = jget_path_str(d, RP_API);
	double least = INFINITY, most = 0, mt = num(cfg, RJ_MAX_TOKENS);
	size_t w = sizeof r->workload;
	int np = 0;

	slash = set ? strrchr(set, '/') : NULL;
	set = slash ? slash + 1 : set ? set : "?";
	ctx = jget_path_str(d, RP_LABEL(RL_CTX));
	cJSON_ArrayForEach(pp, jget_path(d, RP_PER_PROMPT))
	{
		double n = num(pp, RJ_N);
		if (n > 0 && n < least)
			least = n;
		if (n > most)
			most = n;
		np++;
	}
	r->workload[0] = '\0';
	app(r->workload, w, "%s|", set);
	cJSON_ArrayForEach(pp, jget_path(d, RP_PER_PROMPT))
	    app(r->workload, w, "%s×%.3g,", pp->string,
		num(pp, RJ_N) > 0 ? num(pp, RJ_N) / least : 0);
	app(r->workload, w,
	    "|%s|max %.0f|eos %d|temp %g|seed %g|bust %d|ctx %s|%s %g%s",
	    api ? api : "?", isfinite(mt) ? mt : -1,
	    cJSON_IsTrue(jget_path(cfg, RJ_IGNORE_EOS)),
	    num(cfg, RJ_TEMPERATURE), num(cfg, RJ_SEED),
	    !cJSON_IsFalse(jget_path(cfg, RJ_CACHE_BUST)), ctx ? ctx : "-",
	    r->kind == RD_CONTEXT ? "context"
	    : r->kind == RD_OPEN  ? "rate"
				  : "closed",
	    r->kind == RD_OPEN ? num(cfg, RJ_RATE) : 0,
	    /* a soak in shuffled order is its own kind of run */
	    cJSON_IsTrue(jget_path(cfg, RJ_SHUFFLE)) ? "|shuffled" : "");
	r->wl_name[0] = '\0';
	app(r->wl_name, sizeof r->wl_name, "%s, %d prompt%s%s", set, np,
	    np == 1 ? "" : "s",
	    r->kind == RD_CONTEXT ? " (context)"
	    : r->kind == RD_OPEN  ? " (open loop)"
				  : "");
	if (most > least)
		app(r->wl_name, sizeof r->wl_name, ", uneven mix");
	if (isfinite(mt))
		app(r->wl_name, sizeof r->wl_name, ", max %.0f tokens", mt);
	if (ctx)
		app(r->wl_name, sizeof r->wl_name, ", ctx %s", ctx);
	if (cJSON_IsTrue(jget_path(cfg, RJ_SHUFFLE)))
		app(r->wl_name, sizeof r->wl_name, ", shuffled (a soak)");
}

/* The run's successful measured requests: from per_request when agg
 * wrote it (--per-request), else one stand-in per prompt with its means. */
static int requests(struct rd_run *r)
{
	const cJSON *pr = jget_path(r->doc, RP_PER_REQUEST), *q;
	size_t cap = 0;

	r->per_request = cJSON_IsArray(pr) && cJSON_GetArraySize(pr) > 0;
	if (!r->per_request)
		pr = jget_path(r->doc, RP_PER_PROMPT);
	cJSON_ArrayForEach(q, pr) cap++;
	if (cap == 0)
		return 0;
	if ((r->req = calloc(cap, sizeof *r->req)) == NULL)
		return -1;
	cJSON_ArrayForEach(q, pr)
	{
		struct rd_req *x = &r->req[r->nreq];
		if (r->per_request) {
			const char *st = jget_str(q, RJ_STATUS);
			if (cJSON_IsTrue(jget_path(q, RJ_WARMUP)) || !st ||
			    strcmp(st, RS_OK))
				continue;
			x->prompt = jget_str(q, RJ_PROMPT);
			x->ttft = num(q, RJ_TTFT);
			x->e2e = num(q, RJ_E2E);
			x->decode = num(q, RJ_DECODE);
			x->correct =
			    cJSON_IsBool(jget_path(q, RJ_ANSWER_CORRECT))
				? cJSON_IsTrue(jget_path(q, RJ_ANSWER_CORRECT))
				: -1;
		} else {
			x->correct = -1; /* a prompt's means grade nothing */
			if (!(num(q, RJ_OK) > 0))
				continue;
			x->prompt = q->string;
			x->ttft = num(q, RJ_TTFT "." RS_MEAN);
			x->e2e = num(q, RJ_E2E "." RS_MEAN);
			x->decode = num(q, RJ_DECODE "." RS_MEAN);
		}
		if (x->prompt == NULL)
			x->prompt = "?";
		r->nreq++;
	}
	return 0;
}

static int describe(struct rd_set *s, struct rd_run *r)
{
	const cJSON *d = r->doc, *pp;
	int i;

	r->kind = jget_path(d, RP_RATE) ? RD_OPEN : RD_CLOSED;
	cJSON_ArrayForEach(
	    pp, jget_path(d, RP_PER_PROMPT)) if (num(pp, RJ_SYNTHETIC) > 0)
	    r->kind = RD_CONTEXT;
	if (r->rk.name == RK_LADDER)
		r->kind = RD_LADDER;
	if (r->rk.name == RK_MIX)
		r->kind = RD_MIX;
	if (r->rk.name == RK_LOAD)
		r->kind = RD_LOADREP;
	if (r->rk.name == RK_CAPACITY && jget_path_str(d, RP_GOODPUT_VERDICT))
		r->kind = RD_CAPACITY;
	if (r->rk.name == RK_BENCH) /* its own section (benchdata) */
		r->kind = RD_BENCH;
	if (r->rk.name == RK_MOE) /* its own section (moedata) */
		r->kind = RD_MOE;
	if (jget_path(d, RP_TEACHER_FORCE)) /* quality only (rd_agreement) */
		r->kind = RD_TEACHER;
	r->version = (int)jget_path_num(d, RP_VERSION, 0);
	r->incomplete = cJSON_IsTrue(jget_path(d, RP_INCOMPLETE));
	/* a ladder depth whose prompt could not be brought to its count
	 * sent nothing: that is where the ladder stopped, its finding (the
	 * Context ladder section says why), not a run of the group cut
	 * short */
	if (r->kind == RD_LADDER && num(d, RP_REQ_MEASURED) == 0 &&
	    jget_str(jget_path(d, RP_PROMPT_COUNT), RJ_WHY))
		r->incomplete = 0;
	r->simulated = cJSON_IsTrue(jget_path(d, RP_SIMULATED));
	r->swap_gb = num(d, RP_SWAP_GROWTH) / 1e9;
	r->conc = num(d, RP_CONCURRENCY);
	if (!isfinite(r->conc) || r->conc < 0)
		r->conc = 1;
	if (r->kind == RD_OPEN)
		r->conc = 0;
	r->key[0] = '\0';
	for (i = 0; i < s->nby; i++) {
		s->by_seen[i] |=
		    field_value(d, s->by[i], r->field[i], sizeof r->field[i]);
		if (i > 0)
			strncat(r->key, " · ",
				sizeof r->key - strlen(r->key) - 1);
		strncat(r->key, r->field[i],
			sizeof r->key - strlen(r->key) - 1);
	}
	workload(r);
	return requests(r) != 0 || rd_run_figures(r) != 0 ? -1 : 0;
}

void rd_init(struct rd_set *s, const char *const *by, int nby)
{
	memset(s, 0, sizeof *s);
	s->nby = nby < RD_FIELDS ? nby : RD_FIELDS;
	for (int i = 0; i < s->nby; i++)
		s->by[i] = by[i];
}

int rd_add_file(struct rd_set *s, const char *path)
{
	struct rd_run *r, *grown;
	size_t len;
	char *text;

	grown = realloc(s->runs, (size_t)(s->nruns + 1) * sizeof *s->runs);
	if (grown == NULL)
		return -1;
	s->runs = grown;
	r = &s->runs[s->nruns];
	memset(r, 0, sizeof *r);
	if ((r->path = strdup(path)) == NULL)
		return -1;
	s->nruns++;
	text = fileio_slurp(path, 256 << 20, &len);
	if (text == NULL)
		snprintf(r->why, sizeof r->why, "%s", strerror(errno));
	else
		r->doc = runjson_parse(text, len, r->why, sizeof r->why);
	free(text);
	if (r->doc != NULL && runkind_read(jget_path(r->doc, "run"), &r->rk,
					   r->why, sizeof r->why) != 0) {
		cJSON_Delete(r->doc);
		r->doc = NULL;
	}
	if (r->doc == NULL) {
		s->nunreadable++;
		return 0;
	}
	return describe(s, r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line of a plan's outcomes file, or nothing when it is not one. */
static int add_outcome(struct rd_set *s, const char *line)
{
	cJSON *j = cJSON_Parse(line);
	struct rd_outcome *o, *grown;
	const char *ev = jget_str(j, "ev");

	if (ev == NULL || strcmp(ev, "workload") != 0 ||
	    !jget_str(j, "entry")) {
		cJSON_Delete(j);
		return 0;
	}
	if ((grown = realloc(s->out, (size_t)(s->nout + 1) * sizeof *s->out)) ==
	    NULL) {
		cJSON_Delete(j);
		return -1;
	}
	s->out = grown;
	o = &s->out[s->nout++];
	memset(o, 0, sizeof *o); /* a field the line lacks stays empty */
	jget_copy(o->plan, sizeof o->plan, j, "plan");
	jget_copy(o->entry, sizeof o->entry, j, "entry");
	jget_copy(o->workload, sizeof o->workload, j, "workload");
	jget_copy(o->status, sizeof o->status, j, "status");
	o->st = verdict_outcome_of(jget_str(j, "status"));
	jget_copy(o->why, sizeof o->why, j, "why");
	o->exit = (int)jget_num(j, "exit", 0);
	o->pass = (int)jget_num(j, "pass", 1);
	o->order = (int)jget_num(j, "order", 0);
	o->t_start = jget_num(j, "t_start", NAN);
	o->temp_c = jget_num(j, "temp_c", NAN);
	o->thermal = formats_thermal_of(jget_str(j, "thermal"));
	o->throttled =
	    cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(j, "throttled"))
		? cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "throttled"))
		: -1;
	jget_copy(o->run, sizeof o->run, j, "run");
	cJSON_Delete(j);
	return 0;
}

static int add_outcomes(struct rd_set *s, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	if (f == NULL)
		return 0; /* gone since the listing: nothing to show */
	while (rc == 0 && getline(&line, &cap, f) != -1) /* any length */
		rc = add_outcome(s, line);
	free(line);
	fclose(f);
	return rc;
}

static int ends_with(const char *s, const char *tail)
{
	size_t l = strlen(s), t = strlen(tail);

	return l > t && strcmp(s + l - t, tail) == 0;
}

int rd_add_path(struct rd_set *s, const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL, **grown;
	size_t n = 0, i;
	int rc = 0;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return rd_add_file(s, path);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && rc == 0) {
		size_t l = strlen(e->d_name), m = strlen(path) + l + 2;
		if (e->d_name[0] == '.' ||
		    !(ends_with(e->d_name, ".json") ||
		      ends_with(e->d_name, ".outcomes.ndjson")))
			continue;
		if ((grown = realloc(names, (n + 1) * sizeof *names)) == NULL ||
		    (grown[n] = malloc(m)) == NULL) {
			names = grown ? grown : names;
			rc = -1;
			break;
		}
		names = grown;
		snprintf(names[n++], m, "%s/%s", path, e->d_name);
	}
	closedir(d);
	if (n > 0) /* qsort(NULL, 0, ...) is undefined */
		qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = ends_with(names[i], ".ndjson")
				 ? add_outcomes(s, names[i])
				 : rd_add_file(s, names[i]);
		free(names[i]);
	}
	free(names);
	if (rc != 0)
		errno = ENOMEM;
	return rc;
}

/* ---- figures ------------------------------------------------------------ */

int rd_is_soak(const struct rd_run *r)
{
	return r->doc && cJSON_IsTrue(jget_path(r->doc, RP_SHUFFLE));
}

int rd_pct_ok(double p, size_t n)
{
	return p < 100 && (double)n * (100 - p) >= 100 - 1e-9;
}

/* The mean of a number over runs, n = runs that have it. */
static struct rd_fig mean_runs(struct rd_run *const *r, int n, const char *path)
{
	struct rd_fig f = {0, 0};
	double v;

	for (int i = 0; i < n; i++)
		if (isfinite(v = num(r[i]->doc, path)))
			f.v += v, f.n++;
	f.v = f.n ? f.v / (double)f.n : NAN;
	return f;
}

/* The largest value at path over runs, in GB; n = runs that have it. */
static struct rd_fig largest_gb(struct rd_run *const *r, int n,
				const char *path)
{
	struct rd_fig f = {NAN, 0};
	double v;

	for (int i = 0; i < n; i++) {
		if (!isfinite(v = num(r[i]->doc, path)))
			continue;
		if (f.n++ == 0 || v / 1e9 > f.v)
			f.v = v / 1e9;
	}
	return f;
}

/* Past the limit, and a growth a machine can have (below a million GB). */
static int nofit_gb(double gb)
{
	return isfinite(gb) && gb > RD_NOFIT_GB && gb < 1e6;
}

int rd_nofit(const struct rd_run *r)
{
	return nofit_gb(r->swap_gb);
}

int rd_group_nofit(const struct rd_group *g)
{
	return nofit_gb(g->sum.swap_gb.v);
}

int rd_drifted(const struct rd_run *r)
{
	const struct rd_drift *d = &r->drift;
	int f = d->verdict == VD_SUS_SLOWED ? RD_SLOWED : 0;

	if (d->throttled_share > 0 || d->thermal_max >= THERMAL_SERIOUS)
		f |= RD_THROTTLED;
	return f;
}

int rd_group_drifted(const struct rd_group *g)
{
	int f = 0;

	for (int i = 0; i < g->n; i++)
		if (g->runs[i]->doc != NULL)
			f |= rd_drifted(g->runs[i]);
	return f;
}

/* The mean of a statistics object's means over runs, weighted by their n. */
static struct rd_fig weighted(struct rd_run *const *r, int n, const char *path)
{
	struct rd_fig f = {0, 0};

	for (int i = 0; i < n; i++) {
		const cJSON *o = jget_path(r[i]->doc, path);
		double m = num(o, RS_MEAN), k = num(o, RJ_N);
		if (isfinite(m) && k > 0)
			f.v += m * k, f.n += (size_t)k;
	}
	f.v = f.n ? f.v / (double)f.n : NAN;
	return f;
}

/* A percentile's mean over runs (old runs without per_request), n = the
 * values behind the runs' percentiles. */
static struct rd_fig pct_runs(struct rd_run *const *r, int n,
			      const char *metric, const char *p)
{
	char path[96];
	struct rd_fig f;

	snprintf(path, sizeof path, "%s.%s", metric, p);
	f = mean_runs(r, n, path);
	snprintf(path, sizeof path, "%s.%s", metric, RS_N);
	f.n = 0;
	for (int i = 0; i < n; i++)
		if (num(r[i]->doc, path) > 0)
			f.n += (size_t)num(r[i]->doc, path);
	return f;
}

static double req_value(const struct rd_req *q, enum rd_metric m)
{
	return m == RD_DECODE ? q->decode
	       : m == RD_TTFT ? q->ttft
	       : m == RD_E2E  ? q->e2e
			      : NAN;
}

/* A percentile of one metric over the levels' requests, exact when every
 * run has per_request, else the mean of the runs' own. */
static struct rd_fig pct_level(const struct rd_level *l, enum rd_metric m,
			       const char *metric, double p)
{
	struct stats_vec v = {0};
	struct stats_sum sum;
	struct rd_fig f = UNKNOWN;
	char pname[8];
	int i;

	for (i = 0; i < l->n && l->runs[i]->per_request; i++)
		for (size_t k = 0; k < l->runs[i]->nreq; k++)
			if (isfinite(req_value(&l->runs[i]->req[k], m)))
				stats_push(&v,
					   req_value(&l->runs[i]->req[k], m));
	if (i < l->n) { /* a run without per_request */
		stats_vec_free(&v);
		snprintf(pname, sizeof pname, "p%.0f", p);
		return pct_runs(l->runs, l->n, metric, pname);
	}
	if (v.n > 0) {
		stats_summarise(&v, &sum);
		f.v = stats_percentile(&v, p);
		f.n = v.n;
	}
	stats_vec_free(&v);
	return f;
}

/* Decode TPS of runs: over the runs' means when there are 2 or more (run
 * to run), else agg's mean and CI over the one run's requests. */
static struct rd_mean decode_of(struct rd_run *const *r, int n)
{
	struct rd_mean d = {NAN, NAN, NAN, 0, 0};
	struct stats_vec v = {0};
	struct stats_sum s;
	double m;
	int i, last = -1;

	for (i = 0; i < n; i++)
		if (isfinite(m = num(r[i]->doc, RP_DECODE "." RS_MEAN)) &&
		    num(r[i]->doc, RP_DECODE "." RS_N) > 0) {
			stats_push(&v, m);
			last = i;
		}
	if (v.n >= 2) {
		stats_summarise(&v, &s);
		d.mean = s.mean, d.lo = s.ci_lo, d.hi = s.ci_hi;
		d.n = v.n;
		d.runs = (int)v.n;
	} else if (v.n == 1) {
		const cJSON *o = jget_path(r[last]->doc, RP_DECODE);
		d.mean = num(o, RS_MEAN);
		d.lo = isfinite(num(o, RS_CI_LO)) ? num(o, RS_CI_LO) : d.mean;
		d.hi = isfinite(num(o, RS_CI_HI)) ? num(o, RS_CI_HI) : d.mean;
		d.n = (size_t)num(o, RJ_N);
		d.runs = 1;
	}
	stats_vec_free(&v);
	return d;
}

/* The share of the runs' measured requests that failed; n = measured. */
static struct rd_fig error_of(struct rd_run *const *r, int n)
{
	double meas = 0, ok = 0;

	for (int i = 0; i < n; i++) {
		double m = num(r[i]->doc, RP_REQ_MEASURED);
		double k = num(r[i]->doc, RP_REQ_OK);
		if (isfinite(m) && isfinite(k))
			meas += m, ok += k;
	}
	return meas > 0 ? (struct rd_fig){(meas - ok) / meas, (size_t)meas}
			: UNKNOWN;
}

static void level_figures(struct rd_level *l)
{
	l->error_rate = error_of(l->runs, l->n);
	l->nreq = l->error_rate.n;
	l->agg_tps = mean_runs(l->runs, l->n, RP_AGG_TPS);
	l->fairness = mean_runs(l->runs, l->n, RP_FAIRNESS);
	l->decode = decode_of(l->runs, l->n);
	l->e2e_p50 = pct_level(l, RD_E2E, RP_E2E, 50);
	l->e2e_p95 = pct_level(l, RD_E2E, RP_E2E, 95);
	l->e2e_p99 = pct_level(l, RD_E2E, RP_E2E, 99);
	l->ttft_p50 = pct_level(l, RD_TTFT, RP_TTFT, 50);
	l->ttft_p95 = pct_level(l, RD_TTFT, RP_TTFT, 95);
	l->queue_p95 = pct_runs(l->runs, l->n, RP_QUEUE, RS_P95);
}

/* The mean of one prompt's metric over runs, weighted by their n. */
struct rd_fig rd_prompt_mean(struct rd_run *const *r, int n, const char *prompt,
			     enum rd_metric m)
{
	static const char *const key[] = {RJ_DECODE, RJ_TTFT, RJ_E2E,
					  RJ_PREFILL};
	const char *metric = key[m];
	char path[96];
	struct rd_fig f = {0, 0};

	snprintf(path, sizeof path, "%s.%s", metric, RS_MEAN);
	for (int i = 0; i < n; i++) {
		const cJSON *pp = cJSON_GetObjectItemCaseSensitive(
		    jget_path(r[i]->doc, RP_PER_PROMPT), prompt);
		char np[96];
		double v = num(pp, path), k;
		snprintf(np, sizeof np, "%s.%s", metric, RS_N);
		k = num(pp, np);
		if (isfinite(v) && k > 0)
			f.v += v * k, f.n += (size_t)k;
	}
	f.v = f.n ? f.v / (double)f.n : NAN;
	return f;
}

/* The prompt of the runs with the smallest (or largest) mean prompt
 * tokens; NULL when none has a count. */
static const char *prompt_by_length(struct rd_run *const *r, int n, int largest,
				    double *tokens)
{
	const char *best = NULL;
	const cJSON *pp;

	*tokens = NAN;
	for (int i = 0; i < n; i++)
		cJSON_ArrayForEach(pp, jget_path(r[i]->doc, RP_PER_PROMPT))
		{
			double t = num(pp, RJ_PROMPT_TOKENS "." RS_MEAN);
			if (isfinite(t) &&
			    (best == NULL ||
			     (largest ? t > *tokens : t < *tokens))) {
				best = pp->string;
				*tokens = t;
			}
		}
	return best;
}

static void summary_unknown(struct rd_summary *s)
{
	s->ttft = s->ttft_all = s->e2e_all = s->ttfo_p50 = s->prefill =
	    s->load_s = s->steady_gb = UNKNOWN;
	s->peak_gb = s->tps_per_gb = s->error_rate = s->error_all = s->quality =
	    UNKNOWN;
	s->model_gb = s->srv_decode = s->srv_prefill = UNKNOWN;
	s->wired_gb = s->compressed_gb = s->swap_gb = UNKNOWN;
	s->decode = (struct rd_mean){NAN, NAN, NAN, 0, 0};
	s->prefill_tokens = NAN;
	s->srv_load_s = UNKNOWN;
}

/* The figures of every run of the group but a ladder's, a load series' or
 * a capacity search's: loads, the largest peak, the model file, the error
 * rate over all, the prefill at the longest context prompt. */
static void summary_all(struct rd_group *g, struct rd_summary *s)
{
	struct rd_run **ctx = calloc((size_t)g->n + 1, sizeof *ctx);
	struct rd_run **own = calloc((size_t)g->n + 1, sizeof *own);
	double tok, peak = NAN, v, load = 0, srv_sum = 0;
	int i, nctx = 0, nload = 0, nown = 0;
	size_t srv_n = 0;
	const char *p;

	for (i = 0; i < g->n; i++) {
		const cJSON *d = g->runs[i]->doc;
		const char *st = jget_path_str(d, RP_LOAD_STATUS);
		/* a ladder climbs until it fails: its failure and its deepest
		 * memory are its own findings (rd_ladders), not the group's */
		if (g->runs[i]->kind == RD_LADDER ||
		    g->runs[i]->kind == RD_LOADREP ||
		    g->runs[i]->kind == RD_BENCH ||
		    g->runs[i]->kind == RD_MOE ||
		    g->runs[i]->kind == RD_TEACHER ||
		    g->runs[i]->kind ==
			RD_CAPACITY) /* a search pushes past the limit */
			continue;
		if (own)
			own[nown++] = g->runs[i];
		if (st && strcmp(st, RS_OK) != 0)
			s->load_failed = 1;
		else if (st && isfinite(v = num(d, RP_LOAD_SECONDS))) {
			load += v, nload++;
			if (isfinite(v = num(d, RP_LOAD_SERVER_S)) && v >= 0)
				srv_sum += v, srv_n++;
		}
		if (isfinite(v = num(d, RP_PEAK_BYTES)) && !(v <= peak))
			peak = v;
		if (num(d, RP_MODEL_BYTES) > 0 && s->model_gb.n == 0)
			s->model_gb =
			    (struct rd_fig){num(d, RP_MODEL_BYTES) / 1e9, 1};
		if (g->runs[i]->kind == RD_CONTEXT && ctx)
			ctx[nctx++] = g->runs[i];
	}
	s->load_s =
	    nload ? (struct rd_fig){load / nload, (size_t)nload} : UNKNOWN;
	if (srv_n)
		s->srv_load_s = (struct rd_fig){srv_sum / (double)srv_n, srv_n};
	s->error_all = own ? error_of(own, nown) : UNKNOWN;
	free(own);
	if (isfinite(peak))
		s->peak_gb = (struct rd_fig){peak / 1e9, 1};
	if ((p = prompt_by_length(ctx, nctx, 1, &tok)) != NULL && tok >= 1000) {
		s->prefill = rd_prompt_mean(ctx, nctx, p, RD_PREFILL);
		s->prefill_tokens = tok;
	}
	free(ctx);
}

/* The figures of the Summary's workload at the group's lowest level b. */
static void summary_base(const struct rd_level *b, struct rd_summary *s)
{
	double tok, checked = 0, passed = 0, v;
	const cJSON *pp = jget_path(b->runs[0]->doc, RP_PER_PROMPT);

	s->runs = b->n;
	s->decode = b->decode;
	s->error_rate = b->error_rate;
	s->ttft_prompt = prompt_by_length(b->runs, b->n, 0, &tok);
	if (s->ttft_prompt == NULL && pp)
		s->ttft_prompt = pp->child ? pp->child->string : NULL;
	if (s->ttft_prompt)
		s->ttft =
		    rd_prompt_mean(b->runs, b->n, s->ttft_prompt, RD_TTFT);
	s->ttft_all = mean_runs(b->runs, b->n, RP_TTFT "." RS_MEAN);
	s->srv_decode = weighted(b->runs, b->n, RP_SRV_DECODE);
	s->srv_prefill = weighted(b->runs, b->n, RP_SRV_PREFILL);
	s->e2e_all = mean_runs(b->runs, b->n, RP_E2E "." RS_MEAN);
	s->steady_gb = mean_runs(b->runs, b->n, RP_STEADY_BYTES);
	s->steady_gb.v /= 1e9;
	if (s->steady_gb.n > 0 && s->steady_gb.v > 0)
		s->tps_per_gb = (struct rd_fig){s->decode.mean / s->steady_gb.v,
						s->decode.n};
	s->wired_gb = largest_gb(b->runs, b->n, RP_WIRED_PEAK);
	s->compressed_gb = largest_gb(b->runs, b->n, RP_COMPRESSED_GROWTH);
	s->swap_gb = largest_gb(b->runs, b->n, RP_SWAP_GROWTH);
	for (int i = 0; i < b->n; i++) {
		const cJSON *d = b->runs[i]->doc;
		if (isfinite(v = num(d, RP_REASONING)))
			s->reasoning_tokens += v;
		if (num(d, RP_QUALITY_CHECKED) > 0) {
			checked += num(d, RP_QUALITY_CHECKED);
			passed += num(d, RP_QUALITY_PASSED);
		}
	}
	if (checked > 0)
		s->quality = (struct rd_fig){passed / checked, (size_t)checked};
	if (s->reasoning_tokens > 0)
		s->ttfo_p50 = pct_runs(b->runs, b->n, RP_TTFO, RS_P50);
}

static void summary(struct rd_group *g)
{
	summary_unknown(&g->sum);
	summary_all(g, &g->sum);
	if (g->base != NULL)
		summary_base(g->base, &g->sum);
}

/* ---- grouping ------------------------------------------------------------ */

static const struct rd_set *sorting; /* qsort has no context argument */

static int cmp_run(const void *a, const void *b)
{
	const struct rd_run *x = *(struct rd_run *const *)a,
			    *y = *(struct rd_run *const *)b;

	if (x->conc != y->conc)
		return x->conc < y->conc ? -1 : 1;
	return strcmp(x->path, y->path);
}

int rd_by_index(const struct rd_set *s, const char *field)
{
	for (int i = 0; i < s->nby; i++)
		if (strcmp(s->by[i], field) == 0)
			return i;
	return -1;
}

const char *rd_model_of(const struct rd_set *s, const struct rd_group *g)
{
	int mi = rd_by_index(s, "model");

	return mi >= 0 ? g->field[mi] : "all";
}

/* Quantizations from the smallest to the largest, not alphabetically. */
int rd_field_cmp(const char *field, const char *a, const char *b)
{
	return strcmp(field, "quant") == 0 ? quant_cmp(a, b) : strcmp(a, b);
}

void rd_field_sort(const char *field, const char **v, size_t n)
{
	for (size_t i = 1; i < n; i++) /* few values: an insertion sort */
		for (size_t j = i;
		     j > 0 && rd_field_cmp(field, v[j], v[j - 1]) < 0; j--) {
			const char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Groups in the order of their --by fields (rd_field_cmp). */
static int cmp_group(const void *a, const void *b)
{
	const struct rd_group *x = a, *y = b;
	int i, c;

	for (i = 0; i < sorting->nby; i++)
		if ((c = rd_field_cmp(sorting->by[i], x->field[i],
				      y->field[i])) != 0)
			return c;
	return strcmp(x->key, y->key);
}

static void *grow(void *p, size_t n, size_t size, int *fail)
{
	void *q = realloc(p, n * size);

	if (q == NULL)
		*fail = 1;
	return q ? q : p;
}

/* Splits a group's runs (sorted by users) into workloads and levels. */
static int split(struct rd_group *g)
{
	int i, w, fail = 0;

	for (i = 0; i < g->n && !fail; i++) {
		struct rd_run *r = g->runs[i];
		struct rd_wl *wl;
		struct rd_level *l;
		if (r->kind == RD_LADDER || r->kind == RD_MIX ||
		    r->kind == RD_LOADREP || r->kind == RD_CAPACITY ||
		    r->kind == RD_BENCH || r->kind == RD_MOE ||
		    r->kind == RD_TEACHER)
			continue; /* their own sections */
		for (w = 0; w < g->nwl && strcmp(g->wl[w].key, r->workload);
		     w++)
			;
		if (w == g->nwl) {
			g->wl = grow(g->wl, (size_t)g->nwl + 1, sizeof *g->wl,
				     &fail);
			if (fail)
				break;
			memset(&g->wl[w], 0, sizeof g->wl[w]);
			g->wl[w].key = r->workload;
			g->wl[w].name = r->wl_name;
			g->wl[w].kind = r->kind;
			g->wl[w].prompts = cJSON_GetArraySize(
			    jget_path(r->doc, RP_PER_PROMPT));
			g->nwl++;
		}
		wl = &g->wl[w];
		if (wl->nlv == 0 || wl->lv[wl->nlv - 1].conc != r->conc) {
			wl->lv = grow(wl->lv, (size_t)wl->nlv + 1,
				      sizeof *wl->lv, &fail);
			if (fail)
				break;
			memset(&wl->lv[wl->nlv], 0, sizeof wl->lv[0]);
			wl->lv[wl->nlv++].conc = r->conc;
		}
		l = &wl->lv[wl->nlv - 1];
		l->runs =
		    grow(l->runs, (size_t)l->n + 1, sizeof *l->runs, &fail);
		if (!fail)
			l->runs[l->n++] = r;
	}
	for (w = 0; w < g->nwl; w++)
		for (i = 0; i < g->wl[w].nlv; i++) {
			struct rd_level *l = &g->wl[w].lv[i],
					*b = &g->wl[w].lv[0];
			level_figures(l);
			l->scaling = l->agg_tps.v / b->agg_tps.v;
			l->efficiency = l->conc > 0 && b->conc > 0
					    ? l->scaling / (l->conc / b->conc)
					    : NAN;
		}
	return fail ? -1 : 0;
}

/* The closed-loop workload most groups ran (then the one with more runs,
 * then the first in byte order): the Summary's, compared across groups. */
static void choose_primary(struct rd_set *s)
{
	int best = 0, best_runs = 0, gi, w, k, w2;

	for (gi = 0; gi < s->ng; gi++)
		for (w = 0; w < s->g[gi].nwl; w++) {
			const struct rd_wl *cand = &s->g[gi].wl[w];
			int groups = 0, runs = 0;
			if (cand->kind != RD_CLOSED)
				continue;
			for (k = 0; k < s->ng; k++)
				for (w2 = 0; w2 < s->g[k].nwl; w2++)
					if (strcmp(s->g[k].wl[w2].key,
						   cand->key) == 0) {
						groups++;
						for (int l = 0;
						     l < s->g[k].wl[w2].nlv;
						     l++)
							runs += s->g[k]
								    .wl[w2]
								    .lv[l]
								    .n;
					}
			if (s->primary == NULL || groups > best ||
			    (groups == best && runs > best_runs) ||
			    (groups == best && runs == best_runs &&
			     strcmp(cand->key, s->primary) < 0)) {
				s->primary = cand->key;
				s->primary_name = cand->name;
				best = groups;
				best_runs = runs;
			}
		}
}

int rd_build(struct rd_set *s)
{
	int i, gi, fail = 0;

	for (i = 0; i < s->nruns && !fail; i++) {
		struct rd_run *r = &s->runs[i];
		if (r->doc == NULL)
			continue;
		for (gi = 0; gi < s->ng && strcmp(s->g[gi].key, r->key); gi++)
			;
		if (gi == s->ng) {
			s->g =
			    grow(s->g, (size_t)s->ng + 1, sizeof *s->g, &fail);
			if (fail)
				break;
			memset(&s->g[gi], 0, sizeof s->g[gi]);
			memcpy(s->g[gi].key, r->key, sizeof r->key);
			memcpy(s->g[gi].field, r->field, sizeof r->field);
			s->ng++;
		}
		s->g[gi].runs = grow(s->g[gi].runs, (size_t)s->g[gi].n + 1,
				     sizeof *s->g[gi].runs, &fail);
		if (!fail)
			s->g[gi].runs[s->g[gi].n++] = r;
	}
	if (fail)
		return -1;
	sorting = s;
	if (s->ng > 0)
		qsort(s->g, (size_t)s->ng, sizeof *s->g, cmp_group);
	for (gi = 0; gi < s->ng; gi++) {
		qsort(s->g[gi].runs, (size_t)s->g[gi].n, sizeof *s->g[gi].runs,
		      cmp_run);
		if (split(&s->g[gi]) != 0 || rd_ladders(&s->g[gi]) != 0 ||
		    rd_mixes(&s->g[gi]) != 0 ||
		    rd_load_series(&s->g[gi]) != 0 ||
		    rd_moe_series(&s->g[gi]) != 0 ||
		    rd_capacities(&s->g[gi]) != 0)
			return -1;
	}
	choose_primary(s);
	for (gi = 0; gi < s->ng; gi++) {
		struct rd_group *g = &s->g[gi];
		for (i = 0; i < g->nwl; i++)
			if (s->primary && strcmp(g->wl[i].key, s->primary) == 0)
				g->base = &g->wl[i].lv[0];
		summary(g);
	}
	return rd_pareto(s) != 0 || rd_quality(s) != 0 ? -1 : 0;
}

void rd_free(struct rd_set *s)
{
	int i, w, l;

	free(s->out);
	s->out = NULL;
	s->nout = 0;
	for (i = 0; i < s->ng; i++) {
		for (w = 0; w < s->g[i].nwl; w++) {
			for (l = 0; l < s->g[i].wl[w].nlv; l++)
				free(s->g[i].wl[w].lv[l].runs);
			free(s->g[i].wl[w].lv);
		}
		free(s->g[i].wl);
		free(s->g[i].runs);
		for (w = 0; w < s->g[i].ncap; w++)
			free(s->g[i].cap[w].lv);
		free(s->g[i].cap);
		for (w = 0; w < s->g[i].nlad; w++)
			free(s->g[i].lad[w].r);
		free(s->g[i].lad);
		for (w = 0; w < s->g[i].nmix; w++)
			free(s->g[i].mix[w].c);
		free(s->g[i].mix);
		for (w = 0; w < s->g[i].nloads; w++)
			free(s->g[i].loads[w].l);
		free(s->g[i].loads);
		for (w = 0; w < s->g[i].nmoe; w++)
			free(s->g[i].moe[w].s);
		free(s->g[i].moe);
	}
	free(s->g);
	for (i = 0; i < s->pareto.nf; i++)
		free(s->pareto.f[i].g);
	free(s->pareto.f);
	free(s->pareto.pt);
	for (i = 0; i < s->nruns; i++) {
		rd_run_figures_free(&s->runs[i]);
		cJSON_Delete(s->runs[i].doc);
		free(s->runs[i].req);
		free(s->runs[i].path);
	}
	free(s->runs);
	memset(s, 0, sizeof *s);
}

const struct rd_level *rd_level_of(const struct rd_group *g, const char *wl,
				   double c)
{
	for (int w = 0; w < g->nwl; w++)
		if (wl && strcmp(g->wl[w].key, wl) == 0)
			for (int l = 0; l < g->wl[w].nlv; l++)
				if (g->wl[w].lv[l].conc == c)
					return &g->wl[w].lv[l];
	return NULL;
}

/* ---- comparisons -----------------------------------------------------------
 */

/* Pairs the requests of runs a[] with those of b[] by (prompt, the
 * occurrence of that prompt): values into xa, xb; returns the pairs. */
static size_t pair(struct rd_run *const *a, int na, struct rd_run *const *b,
		   int nb, enum rd_metric m, double **xa, double **xb)
{
	size_t n = 0, cap = 0;
	int i, j;

	*xa = *xb = NULL;
	for (i = 0; i < na; i++)
		cap += a[i]->nreq;
	if (cap == 0 || (*xa = malloc(cap * sizeof **xa)) == NULL ||
	    (*xb = malloc(cap * sizeof **xb)) == NULL)
		return 0;
	for (i = 0; i < na; i++)
		for (size_t k = 0; k < a[i]->nreq; k++) {
			const struct rd_req *q = &a[i]->req[k];
			size_t occ = 0, seen = 0;
			const struct rd_req *match = NULL;
			/* q is the occ-th request of its prompt in a */
			for (int i2 = 0; i2 <= i; i2++)
				for (size_t k2 = 0;
				     k2 < (i2 < i ? a[i2]->nreq : k); k2++)
					occ += strcmp(a[i2]->req[k2].prompt,
						      q->prompt) == 0;
			for (j = 0; j < nb && !match; j++)
				for (size_t k2 = 0; k2 < b[j]->nreq && !match;
				     k2++)
					if (strcmp(b[j]->req[k2].prompt,
						   q->prompt) == 0 &&
					    seen++ == occ)
						match = &b[j]->req[k2];
			if (match) {
				(*xa)[n] = req_value(q, m);
				(*xb)[n++] = req_value(match, m);
			}
		}
	return n;
}

void rd_compare(const struct rd_group *a, const struct rd_group *b,
		const char *wl, double c, enum rd_metric m, struct rd_cmp *out)
{
	const struct rd_level *la = rd_level_of(a, wl, c),
			      *lb = rd_level_of(b, wl, c);
	double *xa, *xb;
	size_t n;

	memset(out, 0, sizeof *out);
	out->r = (struct stats_ratio){0, NAN, NAN, NAN, -1};
	out->p_adj = -1;
	out->higher_better = m == RD_DECODE;
	if (la == NULL || lb == NULL) {
		out->why_not = "not run on the same workload";
		return;
	}
	for (int i = 0; i < la->n || i < lb->n; i++)
		out->by_prompt |= (i < la->n && !la->runs[i]->per_request) ||
				  (i < lb->n && !lb->runs[i]->per_request);
	if (la->n >= 2 && lb->n >= 2) {
		/* run i against run i: each pair's geometric mean ratio */
		int k = la->n < lb->n ? la->n : lb->n, i, used = 0;
		double one[64], ratio[64];
		for (i = 0; i < k && i < 64; i++) {
			struct stats_ratio r;
			n = pair(&la->runs[i], 1, &lb->runs[i], 1, m, &xa, &xb);
			stats_paired_ratio(xa, xb, n, &r);
			free(xa);
			free(xb);
			if (r.n > 0) {
				one[used] = 1;
				ratio[used++] = r.ratio;
			}
		}
		stats_paired_ratio(one, ratio, (size_t)used, &out->r);
		out->runs = used;
	} else {
		n = pair(la->runs, la->n, lb->runs, lb->n, m, &xa, &xb);
		stats_paired_ratio(xa, xb, n, &out->r);
		free(xa);
		free(xb);
		out->runs = 1;
	}
	if (out->r.n == 0)
		out->why_not = "no prompt in common";
}

void rd_holm(struct rd_cmp *const *c, size_t n)
{
	double *p = malloc((n ? n : 1) * sizeof *p),
	       *adj = malloc((n ? n : 1) * sizeof *adj);
	size_t i;

	for (i = 0; i < n && p && adj; i++)
		p[i] = c[i]->why_not ? -1 : c[i]->r.p;
	if (p && adj)
		stats_holm(p, n, adj);
	for (i = 0; i < n; i++) {
		struct rd_cmp *x = c[i];
		x->p_adj = p && adj ? adj[i] : (x->r.p >= 0 ? 1 : -1);
		x->verdict = VD_TIE;
		if (x->p_adj >= 0 && x->p_adj < 0.05 &&
		    (x->r.lo > 1 || x->r.hi < 1) &&
		    fabs(x->r.ratio - 1) >= RD_TIE_MARGIN)
			x->verdict = (x->r.ratio > 1) == x->higher_better
					 ? VD_BETTER
					 : VD_WORSE;
	}
	free(p);
	free(adj);
}
