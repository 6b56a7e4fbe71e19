/* runkind: what a run is part of, typed (runkind.h). */
#include "runkind.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jget.h"

static const char *const kind_names[RK_COUNT] = {"standard", "sweep", "soak",
						 "ladder",   "mix",   "load",
						 "capacity", "bench", "moe"};
static const char *const cache_names[] = {"unknown", "cold", "partial", "warm"};

const char *runkind_str(enum rk_name k)
{
	return k < RK_COUNT ? kind_names[k] : "standard";
}

int runkind_of(const char *name)
{
	for (int i = 0; name && i < RK_COUNT; i++)
		if (strcmp(name, kind_names[i]) == 0)
			return i;
	return -1;
}

const char *runkind_cache_str(enum rk_cache c)
{
	return (size_t)c < sizeof cache_names / sizeof *cache_names
		   ? cache_names[c]
		   : "unknown";
}

static int cache_of(const char *s)
{
	for (size_t i = 0; s && i < sizeof cache_names / sizeof *cache_names;
	     i++)
		if (strcmp(s, cache_names[i]) == 0)
			return (int)i;
	return -1;
}

static void init(struct runkind *k)
{
	memset(k, 0, sizeof *k);
	k->resident = NAN;
}

/* A whole positive integer, or -1. */
static long positive(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno || end == s || *end || v <= 0 ? -1 : v;
}

/* A whole integer >= 0, or -1. */
static long nonneg(const char *s)
{
	return strcmp(s, "0") == 0 ? 0 : positive(s);
}

/* A bench run's own keys (test, n, depth); 1 when key was one and its
 * value good, 0 when key is not one, -1 when its value is bad. */
static int set_bench(struct runkind *k, const char *key, const char *val)
{
	if (strcmp(key, "test") == 0) {
		if (strcmp(val, "pp") && strcmp(val, "tg"))
			return -1;
		k->test = strcmp(val, "pp") ? RK_TG : RK_PP;
		return 1;
	}
	if (strcmp(key, "n") == 0)
		return (k->n = positive(val)) > 0 ? 1 : -1;
	if (strcmp(key, "depth") == 0)
		return (k->depth = nonneg(val)) >= 0 ? 1 : -1;
	return 0;
}

/* A share 0..1, "-" for unknown (NAN); -1 when neither. */
static double share(const char *s)
{
	char *end;
	double v;

	if (strcmp(s, "-") == 0)
		return NAN;
	v = strtod(s, &end);
	return end == s || *end || !(v >= 0 && v <= 1) ? -1 : v;
}

/* An MoE run's own keys (pass, domain); as set_bench. */
static int set_moe(struct runkind *k, const char *key, const char *val)
{
	if (strcmp(key, "pass") == 0)
		return (k->pass = positive(val)) > 0 ? 1 : -1;
	if (strcmp(key, "domain") != 0)
		return 0;
	if (!*val || strlen(val) >= sizeof k->domain ||
	    strspn(val, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789-_") != strlen(val))
		return -1;
	snprintf(k->domain, sizeof k->domain, "%s", val);
	return 1;
}

/* One KEY=VALUE of the spec into k; 0, or -1 with err. */
static int set_param(struct runkind *k, const char *key, const char *val,
		     char *err, size_t n)
{
	int c;

	if (strcmp(key, "series") == 0 && *val &&
	    strlen(val) < sizeof k->series) {
		snprintf(k->series, sizeof k->series, "%s", val);
		return 0;
	}
	if (k->name == RK_BENCH && set_bench(k, key, val) > 0)
		return 0;
	if (k->name == RK_MOE && set_moe(k, key, val) > 0)
		return 0;
	if (k->name == RK_LADDER && strcmp(key, "depth") == 0 &&
	    (k->depth = positive(val)) > 0)
		return 0;
	if (k->name == RK_LOAD && strcmp(key, "rep") == 0 &&
	    (k->rep = positive(val)) > 0)
		return 0;
	if (k->name == RK_MIX && strcmp(key, "class") == 0 &&
	    (!strcmp(val, "mixed") || !strcmp(val, "alone"))) {
		k->mix = strcmp(val, "alone") ? RK_MIX_MIXED : RK_MIX_ALONE;
		return 0;
	}
	if (k->name == RK_LOAD && strcmp(key, "cache") == 0 &&
	    (c = cache_of(val)) >= 0) {
		k->cache = (enum rk_cache)c;
		return 0;
	}
	if (k->name == RK_LOAD && strcmp(key, "resident") == 0) {
		k->resident = share(val);
		if (!(k->resident < 0))
			return 0;
	}
	snprintf(err, n,
		 "%s=%s: not a parameter a %s run takes "
		 "(docs/gen.md, --kind)",
		 key, val, runkind_str(k->name));
	return -1;
}

/* What the kind needs that the spec did not give; NULL when complete. */
static const char *missing(const struct runkind *k, int have_mix, int have_test)
{
	if (k->name == RK_BENCH)
		return !have_test  ? "test=pp|tg"
		       : k->n <= 0 ? "n=TOKENS"
				   : NULL;
	if (k->name != RK_STANDARD && k->name != RK_SOAK && !k->series[0])
		return "series=ID";
	if (k->name == RK_LADDER && k->depth <= 0)
		return "depth=TOKENS";
	if (k->name == RK_MIX && !have_mix)
		return "class=mixed|alone";
	if (k->name == RK_LOAD && k->rep <= 0)
		return "rep=N";
	if (k->name == RK_MOE)
		return k->pass <= 0    ? "pass=N"
		       : !k->domain[0] ? "domain=NAME"
				       : NULL;
	return NULL;
}

int runkind_parse(const char *spec, struct runkind *k, char *err, size_t errlen)
{
	char buf[512], *save = NULL, *item, *eq;
	const char *need;
	int name, have_mix = 0, have_test = 0;

	init(k);
	if (strlen(spec) >= sizeof buf) {
		snprintf(err, errlen, "too long");
		return -1;
	}
	snprintf(buf, sizeof buf, "%s", spec);
	item = strtok_r(buf, ",", &save);
	if (item == NULL || (name = runkind_of(item)) < 0) {
		snprintf(
		    err, errlen,
		    "'%s': want standard, sweep, soak, ladder, "
		    "mix, load, capacity, bench or moe, then ,KEY=VALUE...",
		    item ? item : "");
		return -1;
	}
	k->name = (enum rk_name)name;
	while ((item = strtok_r(NULL, ",", &save)) != NULL) {
		if ((eq = strchr(item, '=')) == NULL || eq == item) {
			snprintf(err, errlen, "'%s': want KEY=VALUE", item);
			return -1;
		}
		*eq = '\0';
		have_mix |= strcmp(item, "class") == 0;
		have_test |= strcmp(item, "test") == 0;
		if (set_param(k, item, eq + 1, err, errlen) != 0)
			return -1;
	}
	if ((need = missing(k, have_mix, have_test)) != NULL) {
		snprintf(err, errlen, "a %s run needs %s", runkind_str(k->name),
			 need);
		return -1;
	}
	return 0;
}

void runkind_test_name(const struct runkind *k, char *buf, size_t len)
{
	if (k->name != RK_BENCH) {
		snprintf(buf, len, "%s", "");
		return;
	}
	if (k->depth > 0) /* llama-bench's own label (its markdown printer) */
		snprintf(buf, len, "%s%ld @ d%ld",
			 k->test == RK_PP ? "pp" : "tg", k->n, k->depth);
	else
		snprintf(buf, len, "%s%ld", k->test == RK_PP ? "pp" : "tg",
			 k->n);
}

void runkind_write(jw *w, const struct runkind *k)
{
	if (k->name == RK_STANDARD)
		return;
	jw_obj_open(w, "kind");
	jw_str(w, "name", runkind_str(k->name));
	if (k->series[0])
		jw_str(w, "series", k->series);
	if (k->name == RK_LADDER || k->name == RK_BENCH)
		jw_int(w, "depth", k->depth);
	if (k->name == RK_BENCH) {
		jw_str(w, "test", k->test == RK_PP ? "pp" : "tg");
		jw_int(w, "n", k->n);
	}
	if (k->name == RK_MIX)
		jw_str(w, "class", k->mix == RK_MIX_ALONE ? "alone" : "mixed");
	if (k->name == RK_LOAD) {
		jw_int(w, "rep", k->rep);
		jw_str(w, "cache", runkind_cache_str(k->cache));
		if (isfinite(k->resident))
			jw_num(w, "resident", k->resident, 4);
		else
			jw_null(w, "resident");
	}
	if (k->name == RK_MOE) {
		jw_int(w, "pass", k->pass);
		jw_str(w, "domain", k->domain);
	}
	jw_obj_close(w);
}

/* A label's value, or NULL. */
static const char *lab(const cJSON *labels, const char *key)
{
	return jget_str(labels, key);
}

void runkind_from_labels(const cJSON *labels, struct runkind *k)
{
	const char *s;

	init(k);
	if (lab(labels, "ladder") && lab(labels, "depth") &&
	    strtol(lab(labels, "depth"), NULL, 10) > 0) {
		k->name = RK_LADDER;
		k->depth = strtol(lab(labels, "depth"), NULL, 10);
		s = lab(labels, "ladder");
	} else if (lab(labels, "mix") && lab(labels, "mixset")) {
		k->name = RK_MIX;
		k->mix = strcmp(lab(labels, "mix"), "alone") ? RK_MIX_MIXED
							     : RK_MIX_ALONE;
		s = lab(labels, "mixset");
	} else if (lab(labels, "loads") && lab(labels, "load_rep")) {
		k->name = RK_LOAD;
		k->rep = atol(lab(labels, "load_rep"));
		k->cache = cache_of(lab(labels, "cache")) > 0
			       ? (enum rk_cache)cache_of(lab(labels, "cache"))
			       : RK_CACHE_UNKNOWN;
		k->resident = lab(labels, "cache_resident")
				  ? share(lab(labels, "cache_resident"))
				  : NAN;
		if (k->resident < 0)
			k->resident = NAN;
		s = lab(labels, "loads");
	} else if (lab(labels, "capacity")) {
		k->name = RK_CAPACITY;
		s = lab(labels, "capacity");
	} else {
		return;
	}
	snprintf(k->series, sizeof k->series, "%s", s);
}

/* The "kind" object back into k, checked as runkind_parse checks. */
static int from_object(const cJSON *o, struct runkind *k, char *err, size_t n)
{
	/* the members runkind_write writes, in its order */
	static const char *const keys[] = {
	    "series", "depth", "test",	   "n",	   "class",
	    "rep",    "cache", "resident", "pass", "domain"};
	const char *name = jget_str(o, "name");
	char spec[400];
	size_t w = (size_t)snprintf(spec, sizeof spec, "%s", name ? name : "");

	for (size_t i = 0; i < sizeof keys / sizeof *keys && w < sizeof spec;
	     i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
		if (cJSON_IsString(v))
			w +=
			    (size_t)snprintf(spec + w, sizeof spec - w,
					     ",%s=%s", keys[i], v->valuestring);
		else if (cJSON_IsNumber(v)) /* read back as written */
			w += (size_t)snprintf(spec + w, sizeof spec - w,
					      ",%s=%.17g", keys[i],
					      v->valuedouble);
	}
	if (w >= sizeof spec) {
		snprintf(err, n, "too long");
		return -1;
	}
	return runkind_parse(spec, k, err, n);
}

int runkind_read(const cJSON *run, struct runkind *k, char *err, size_t errlen)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(run, "kind");
	char why[300];

	if (o == NULL) { /* events version 1: the labels said it */
		if (jget_num(run, "events_version",
			     jget_num(run, "version", 1)) < 2)
			runkind_from_labels(jget_obj(run, "labels"), k);
		else
			init(k);
		return 0;
	}
	if (!cJSON_IsObject(o) || from_object(o, k, why, sizeof why) != 0) {
		init(k);
		snprintf(err, errlen, "run.kind: %s",
			 cJSON_IsObject(o) ? why : "not an object");
		return -1;
	}
	return 0;
}
