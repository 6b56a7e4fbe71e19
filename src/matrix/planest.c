/* planest: the estimate of a plan's requests, tokens and hours (see
 * planest.h). */
#include "planest.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capsearch.h"
#include "fileio.h"
#include "jget.h"
#include "slo.h"

#define MAX_SET (64u << 20)
/* The context ladder's depths when a plan says "ladder = default". */
static const char ladder_default[] = "1000 4000 16000 32000 64000 128000";

static void fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
}

/* Characters (code points) of UTF-8 text. */
static long long chars(const char *s)
{
	long long n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A prompt's tokens in: synthetic_tokens, and a third of the characters
 * of its prompt (else of its messages as compact JSON), rounded up. */
static long long prompt_in(const cJSON *v)
{
	const char *text = jget_str(v, "prompt");
	long long n;
	char *msg;

	if (text)
		n = chars(text);
	else if ((msg = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(
		      v, "messages"))) != NULL) {
		n = chars(msg);
		free(msg);
	} else
		n = 4; /* "null" */
	return (long long)jget_num(v, "synthetic_tokens", 0) + (n + 2) / 3;
}

/* Is name one of the comma-separated only? */
static int chosen(const char *only, const char *name)
{
	size_t len = strlen(name);
	const char *s = only;

	if (only == NULL || *only == '\0')
		return 1;
	while (*s) {
		size_t w = strcspn(s, ",");
		if (w == len && strncmp(s, name, len) == 0)
			return 1;
		s += w + (s[w] == ',');
	}
	return 0;
}

int planest_set(const char *text, const char *only, const char *max_tokens,
		struct planest_work *w, char *err, size_t n)
{
	cJSON *doc = cJSON_Parse(text);
	const cJSON *v;

	memset(w, 0, sizeof *w);
	if (!cJSON_IsObject(doc) && !cJSON_IsArray(doc)) {
		cJSON_Delete(doc);
		fail(
		    err, n,
		    "not a prompt set (want an object or an array of prompts)");
		return -1;
	}
	cJSON_ArrayForEach(v, doc)
	{
		const char *name =
		    cJSON_IsArray(doc) ? jget_str(v, "name") : v->string;
		if (name == NULL || (cJSON_IsObject(doc) && name[0] == '_') ||
		    !chosen(only, name))
			continue;
		w->requests++;
		w->out += max_tokens && *max_tokens
			      ? atoll(max_tokens)
			      : (long long)jget_num(v, "max_tokens", 256);
		w->in += prompt_in(v);
	}
	cJSON_Delete(doc);
	return 0;
}

/* A file the plan names, as given when it exists or is absolute (or
 * empty), else under root. */
static const char *path_of(const char *root, const char *p, char *buf, size_t n)
{
	struct stat st;

	if (*p == '\0' || *p == '/' || stat(p, &st) == 0)
		return p;
	snprintf(buf, n, "%s/%s", root, p);
	return buf;
}

/* The counts of the prompt set at path (found as path_of says). */
static int read_set(const struct plan *p, int i, const char *root,
		    const char *path, const char *only, struct planest_work *w,
		    char *err, size_t n)
{
	char buf[4096], why[256];
	size_t len;
	char *text;
	int rc;

	path = path_of(root, path, buf, sizeof buf);
	if ((text = fileio_slurp(path, MAX_SET, &len)) == NULL) {
		fail(err, n, "%s: [%s] cannot read the prompt set %s",
		     plan_name(p), plan_entry(p, i), path);
		return -1;
	}
	rc = planest_set(text, only, plan_get(p, i, "max_tokens"), w, why,
			 sizeof why);
	free(text);
	if (rc != 0)
		fail(err, n, "%s: [%s] %s: %s", plan_name(p), plan_entry(p, i),
		     path, why);
	return rc;
}

/* The next blank-separated word of *s into buf; 0 at the end. */
static int word(const char **s, char *buf, size_t n)
{
	size_t len;

	*s += strspn(*s, " \t");
	len = strcspn(*s, " \t");
	if (len == 0)
		return 0;
	snprintf(buf, n, "%.*s", (int)len, *s);
	*s += len;
	return 1;
}

static long long num(const struct plan *p, int i, const char *key,
		     long long dflt)
{
	const char *v = plan_get(p, i, key);

	return *v ? atoll(v) : dflt;
}

static void add(struct planest_work *w, long long r, long long o, long long in)
{
	w->requests += r;
	w->out += o;
	w->in += in;
}

/* The standard set and the extra ones: reps passes after warmup requests
 * (an average prompt each).  *std gets the standard set's counts. */
static int add_sets(const struct plan *p, int i, const char *root,
		    struct planest_work *w, struct planest_work *std, char *err,
		    size_t n)
{
	long long reps = num(p, i, "reps", 1), warm = num(p, i, "warmup", 0);
	const char *extra = plan_get(p, i, "extra");
	char x[4096];
	struct planest_work c;
	int first = 1;

	snprintf(x, sizeof x, "%s", plan_get(p, i, "prompts"));
	do {
		if (read_set(p, i, root, x, "", &c, err, n) != 0)
			return -1;
		if (first)
			*std = c;
		first = 0;
		if (c.requests > 0)
			add(w, reps * c.requests + warm,
			    reps * c.out + warm * c.out / c.requests,
			    reps * c.in + warm * c.in / c.requests);
	} while (word(&extra, x, sizeof x));
	return 0;
}

/* The sweep's levels above one user: whole sets, ceil(c x per_user /
 * prompts) of them; and the leak soak's requests. */
static void add_sweep(const struct plan *p, int i, const struct planest_work *s,
		      struct planest_work *w)
{
	long long pu = num(p, i, "per_user", 4),
		  np = s->requests ? s->requests : 1;
	long long c, k;
	const char *levels = plan_get(p, i, "sweep");
	char x[64];

	while (word(&levels, x, sizeof x))
		if ((c = atoll(x)) > 1) {
			k = (c * pu + np - 1) / np;
			add(w, k * np, k * s->out, k * s->in);
		}
	if (*plan_get(p, i, "leak")) {
		k = num(p, i, "leak", 0);
		add(w, k, k * s->out / np, k * s->in / np);
	}
}

/* The mixed sets at each level, then each class alone at it. */
static int add_mixed(const struct plan *p, int i, const char *root,
		     struct planest_work *w, char *err, size_t n)
{
	long long pu = num(p, i, "per_user", 4), c, k, np;
	const char *levels = plan_get(p, i, "mixed");
	struct planest_work m;
	char x[4096];

	if (*levels == '\0')
		return 0;
	snprintf(x, sizeof x, "%s/prompts/mixed.json", root);
	if (read_set(p, i, root, x, "", &m, err, n) != 0)
		return -1;
	np = m.requests ? m.requests : 1;
	while (word(&levels, x, sizeof x)) {
		c = atoll(x);
		k = (c * pu + np - 1) / np;
		add(w, k * np + c * pu * np, k * m.out + c * pu * m.out,
		    k * m.in + c * pu * m.in);
	}
	return 0;
}

/* The capacity search's own bound (capacity --plan), on the prompts it
 * runs (capacity_only). */
static int add_capacity(const struct plan *p, int i, const char *root,
			struct planest_work *w, char *err, size_t n)
{
	const char *slo = plan_get(p, i, "slo");
	long long users = num(p, i, "capacity", 0), np, k;
	long need = 1;
	struct planest_work s;
	struct slo_set set;
	char why[256];
	int j;

	if (*plan_get(p, i, "capacity") == '\0')
		return 0;
	if (slo_parse(*slo ? slo : SLO_DEFAULT_CHAT, &set, why, sizeof why) !=
	    0) {
		fail(err, n, "%s: [%s] slo = %s: %s", plan_name(p),
		     plan_entry(p, i), slo, why);
		return -1;
	}
	if (users < 1 || users > 4096) {
		fail(err, n, "%s: [%s] capacity = %lld: want 1 to 4096 users",
		     plan_name(p), plan_entry(p, i), users);
		return -1;
	}
	for (j = 0; j < set.n; j++)
		if (slo_need(set.o[j].pct) > need)
			need = slo_need(set.o[j].pct);
	if (read_set(p, i, root, plan_get(p, i, "prompts"),
		     plan_get(p, i, "capacity_only"), &s, err, n) != 0)
		return -1;
	if ((np = s.requests) == 0) {
		fail(err, n,
		     "%s: [%s] capacity_only = %s: none of the prompts %s",
		     plan_name(p), plan_entry(p, i),
		     plan_get(p, i, "capacity_only"),
		     plan_get(p, i, "prompts"));
		return -1;
	}
	k = cap_max_requests((int)users, need, num(p, i, "per_user", 4),
			     (long)np);
	add(w, k, k * s.out / np, k * s.in / np);
	return 0;
}

/* The context set, and the ladder: 64 tokens out at each depth, reps
 * each. */
static int add_ctx(const struct plan *p, int i, const char *root,
		   struct planest_work *w, char *err, size_t n)
{
	const char *depths = plan_get(p, i, "ladder");
	long long reps = num(p, i, "reps", 1);
	struct planest_work c;
	char x[64];

	if (*plan_get(p, i, "ctx")) {
		if (read_set(p, i, root, plan_get(p, i, "ctx"),
			     plan_get(p, i, "ctx_only"), &c, err, n) != 0)
			return -1;
		add(w, c.requests, c.out, c.in);
	}
	if (strcmp(depths, "default") == 0)
		depths = ladder_default;
	while (word(&depths, x, sizeof x))
		add(w, reps, reps * 64, reps * atoll(x));
	return 0;
}

/* llama-bench's tests (make community): each test at each depth reps
 * requests after llama-bench's one warm-up; a ppN prompt d + N tokens with
 * one out, a tgN one d (at least one) with N out.  A server without
 * /tokenize (not llama-server) is counted by usage: a one-token request of
 * the fixed part alone, then one of the whole prompt, which is the warm-up
 * (docs/metrics.md, Exact token counts). */
static void add_bench(const struct plan *p, int i, struct planest_work *w)
{
	const char *tests = plan_get(p, i, "bench"), *depths, *t = tests;
	long long reps = num(p, i, "reps", 5);
	int usage = strcmp(plan_get(p, i, "server"), "llamacpp") != 0;
	char x[64], d[64];

	while (word(&t, x, sizeof x)) {
		long long nn = atoll(x + 2), pp = x[0] == 'p';
		depths = *plan_get(p, i, "bench_depths")
			     ? plan_get(p, i, "bench_depths")
			     : "0";
		while (word(&depths, d, sizeof d)) {
			long long dd = atoll(d), in = pp ? dd + nn : dd;
			long long warm = usage && in > 0 ? 0 : 1;
			add(w, reps + warm, (reps + warm) * (pp ? 1 : nn),
			    (reps + warm) * (in > 0 ? in : 1));
			if (usage && in > 0) /* the fixed part, the warm-up */
				add(w, 2, 2, in);
		}
	}
}

int planest_entry(const struct plan *p, int i, const char *root,
		  struct planest_work *w, char *err, size_t n)
{
	struct planest_work std;
	int passes;

	memset(w, 0, sizeof *w);
	if (add_sets(p, i, root, w, &std, err, n) != 0)
		return -1;
	add_sweep(p, i, &std, w);
	add_bench(p, i, w);
	if (add_ctx(p, i, root, w, err, n) != 0 ||
	    add_mixed(p, i, root, w, err, n) != 0 ||
	    add_capacity(p, i, root, w, err, n) != 0)
		return -1;
	/* passes = 2 runs every entry again (in reverse order), whole */
	passes = planest_passes(p, i);
	w->requests *= passes;
	w->out *= passes;
	w->in *= passes;
	return 0;
}

int planest_passes(const struct plan *p, int i)
{
	int v = atoi(plan_get(p, i, "passes"));

	return v >= 1 ? v : 1;
}

static int cmp_num(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The lower middle of v's n values, NAN when none; v is sorted. */
static double median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, cmp_num);
	return v[(n - 1) / 2];
}

/* Is run a single-user tokbench run of model (and quant)? */
static int matches(const cJSON *run, const char *model, const char *quant)
{
	const char *fmt = jget_str(run, "format");
	const char *m = jget_path_str(run, "run.model");
	const char *q = jget_path_str(run, "run.labels.quant");
	const cJSON *c = jget_path(run, "run.config.concurrency");

	return fmt && strcmp(fmt, "tokbench-run") == 0 && m &&
	       strcmp(m, model) == 0 &&
	       (quant == NULL || *quant == '\0' ||
		(q && strcmp(q, quant) == 0)) &&
	       cJSON_IsNumber(c) && c->valuedouble == 1;
}

void planest_speeds(const cJSON *const *runs, size_t nruns, const char *model,
		    const char *quant, struct planest_speed *s)
{
	double *v = malloc((3 * nruns + 1) * sizeof *v);
	size_t i, nd = 0, np = 0, nl = 0;

	s->decode_tps = s->prefill_tps = s->load_s = NAN;
	if (v == NULL)
		return;
	for (i = 0; i < nruns; i++) {
		const cJSON *r = runs[i], *x;
		const char *st = jget_path_str(r, "load.status");
		if (!matches(r, model, quant))
			continue;
		if (cJSON_IsNumber(x = jget_path(r, "metrics.decode_tps.p50")))
			v[nd++] = x->valuedouble;
		if (cJSON_IsNumber(x = jget_path(r, "metrics.prefill_tps.p50")))
			v[nruns + np++] = x->valuedouble;
		if (st && strcmp(st, "ok") == 0 &&
		    cJSON_IsNumber(x = jget_path(r, "load.seconds")))
			v[2 * nruns + nl++] = x->valuedouble;
	}
	s->decode_tps = median(v, nd);
	s->prefill_tps = median(v + nruns, np);
	s->load_s = median(v + 2 * nruns, nl);
	free(v);
}

/* dir's *.json files parsed, in *docs (n of them); the caller deletes. */
static size_t read_runs(const char *dir, cJSON ***docs)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0, cap = 0, len;
	char path[4096], *text;
	cJSON **v;

	*docs = NULL;
	while (d && (de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 6 ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((text = fileio_slurp(path, MAX_SET, &len)) == NULL)
			continue;
		if (n == cap) {
			if ((v = realloc(*docs, (2 * cap + 16) * sizeof *v)) ==
			    NULL) {
				free(text);
				break;
			}
			*docs = v;
			cap = 2 * cap + 16;
		}
		if (((*docs)[n] = cJSON_Parse(text)) != NULL)
			n++;
		free(text);
	}
	if (d)
		closedir(d);
	return n;
}

void planest_measured(const char *dir, const char *model, const char *quant,
		      struct planest_speed *s)
{
	cJSON **docs;
	size_t n = read_runs(dir, &docs), i;

	planest_speeds((const cJSON *const *)docs, n, model, quant, s);
	for (i = 0; i < n; i++)
		cJSON_Delete(docs[i]);
	free(docs);
}

/* x rounded to 4 places, as the estimate has always summed its hours. */
static double round4(double x)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.4f", x);
	return strtod(buf, NULL);
}

double planest_hours(const struct planest_work *w, double decode,
		     double prefill, double load_s, long long loads)
{
	double s = (double)w->out / decode;

	if (prefill > 0)
		s += (double)w->in / prefill;
	if (!isnan(load_s))
		s += (double)loads * load_s;
	return round4(s / 3600);
}

const char *planest_hours_text(double h, char *buf, size_t n)
{
	if (h < 1)
		snprintf(buf, n, "%.0f min", h * 60);
	else
		snprintf(buf, n, "%.1f h", h);
	return buf;
}
