/* sim: llmsim's timing model, tokenizer estimate, prefix cache, profiles. */
#include "sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_profile_default(struct sim_profile *p)
{
	memset(p, 0, sizeof *p);
	snprintf(p->id, sizeof p->id, "llmsim");
	snprintf(p->name, sizeof p->name, "llmsim default (simulated)");
	snprintf(p->family, sizeof p->family, "llmsim");
	snprintf(p->backend, sizeof p->backend, "sim");
	snprintf(p->quant, sizeof p->quant, "none");
	p->ttft_s = 0.002;
	p->prefill_tps = 1e6;
	p->decode_tps = 1000;
	p->ctx_size = 131072;
	p->chunk_tokens = 1;
}

struct field {
	const char *key;
	char kind; /* s: string, d: double, i: int */
	size_t off, size;
};

#define FS(k, m)                                                               \
	{                                                                      \
#k, 's', offsetof(struct sim_profile, m),                      \
		    sizeof(((struct sim_profile *)0)->m)                       \
	}
#define FD(k, m)                                                               \
	{                                                                      \
#k, 'd', offsetof(struct sim_profile, m), 0                    \
	}
#define FI(k, m)                                                               \
	{                                                                      \
#k, 'i', offsetof(struct sim_profile, m), 0                    \
	}

static const struct field fields[] = {FS(id, id),
				      FS(name, name),
				      FS(family, family),
				      FS(backend, backend),
				      FS(quant, quant),
				      FD(load_s, load_s),
				      FD(ttft_s, ttft_s),
				      FD(prefill_tps, prefill_tps),
				      FD(decode_tps, decode_tps),
				      FD(jitter, jitter),
				      FD(batch_k, batch_k),
				      FI(slots, slots),
				      FD(mem_gb, mem_gb),
				      FI(ctx_size, ctx_size),
				      FI(ctx_train, ctx_train),
				      FD(kv_kb_per_token, kv_kb_per_token),
				      FI(chunk_tokens, chunk_tokens),
				      FI(reasoning_tokens, reasoning_tokens),
				      FI(natural_len, natural_len),
				      FD(graded_error, graded_error),
				      FD(logit_noise, logit_noise),
				      FD(slow_after_s, slow_after_s),
				      FD(slow_factor, slow_factor),
				      {NULL, 0, 0, 0}};

static int set_field(struct sim_profile *p, const struct field *f,
		     const cJSON *v, char *err, size_t errlen)
{
	char *base = (char *)p + f->off;

	if (f->kind == 's') {
		if (!cJSON_IsString(v) || strlen(v->valuestring) >= f->size) {
			snprintf(err, errlen,
				 "\"%s\": want a string of fewer "
				 "than %zu bytes",
				 f->key, f->size);
			return -1;
		}
		memcpy(base, v->valuestring, strlen(v->valuestring) + 1);
		return 0;
	}
	if (!cJSON_IsNumber(v) ||
	    (f->kind == 'i' && v->valuedouble != floor(v->valuedouble))) {
		snprintf(err, errlen, "\"%s\": want a %s", f->key,
			 f->kind == 'i' ? "whole number" : "number");
		return -1;
	}
	if (f->kind == 'd')
		memcpy(base, &v->valuedouble, sizeof(double));
	else {
		int i = (int)v->valuedouble;
		memcpy(base, &i, sizeof i);
	}
	return 0;
}

int sim_profile_from_json(struct sim_profile *p, const cJSON *obj, char *err,
			  size_t errlen)
{
	const cJSON *v;
	const struct field *f;

	if (!cJSON_IsObject(obj)) {
		snprintf(err, errlen, "a profile must be a JSON object");
		return -1;
	}
	cJSON_ArrayForEach(v, obj)
	{
		for (f = fields; f->key != NULL; f++)
			if (strcmp(f->key, v->string) == 0)
				break;
		if (f->key == NULL) {
			/* "simulated", "note" and keys starting with '_' are
			 * documentation, not parameters. */
			if (strcmp(v->string, "note") == 0 ||
			    strcmp(v->string, "simulated") == 0 ||
			    v->string[0] == '_')
				continue;
			snprintf(err, errlen, "unknown key \"%s\"", v->string);
			return -1;
		}
		if (set_field(p, f, v, err, errlen) != 0)
			return -1;
	}
	return sim_profile_check(p, err, errlen);
}

int sim_profile_check(const struct sim_profile *p, char *err, size_t errlen)
{
	const char *bad = NULL;

	if (p->id[0] == '\0')
		bad = "id must not be empty";
	else if (p->load_s < 0 || p->ttft_s < 0 || p->prefill_tps < 0 ||
		 p->decode_tps < 0 || p->mem_gb < 0)
		bad = "times, rates and memory must not be negative";
	else if (p->jitter < 0 || p->jitter >= 1)
		bad = "jitter must be in [0, 1)";
	else if (p->batch_k < 0)
		bad = "batch_k must not be negative";
	else if (p->slots < 0 || p->ctx_size < 0 || p->reasoning_tokens < 0 ||
		 p->natural_len < 0 || p->ctx_train < 0 ||
		 p->kv_kb_per_token < 0)
		bad = "slots, ctx_size, ctx_train, kv_kb_per_token, "
		      "reasoning_tokens and natural_len must not be negative";
	else if (p->chunk_tokens < 1)
		bad = "chunk_tokens must be at least 1";
	else if (!(p->graded_error >= 0 && p->graded_error <= 1))
		bad = "graded_error must be in [0, 1]";
	else if (!(p->logit_noise >= 0 && p->logit_noise <= 100))
		bad = "logit_noise must be in [0, 100]";
	else if (!(p->slow_after_s >= 0) ||
		 !(p->slow_factor >= 0 && p->slow_factor <= 1))
		bad = "slow_after_s must not be negative and slow_factor must "
		      "be in [0, 1]";
	if (bad == NULL)
		return 0;
	snprintf(err, errlen, "profile \"%s\": %s", p->id, bad);
	return -1;
}

size_t sim_token_len(const char *text, size_t n)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t i = 1;

	if (u[0] < 0x80) {
		while (i < n && i < 4 && u[i] < 0x80)
			i++;
		return i;
	}
	while (i < n && i < 4 && (u[i] & 0xc0) == 0x80)
		i++;
	return i;
}

int sim_prompt_tokens(const char *text, size_t n)
{
	size_t t = 0, i = 0;

	while (i < n && t < 100000000) {
		i += sim_token_len(text + i, n - i);
		t++;
	}
	return t < 1 ? 1 : (int)t;
}

double sim_ttft(const struct sim_profile *p, int uncached_tokens)
{
	double t = p->ttft_s;

	if (p->prefill_tps > 0 && uncached_tokens > 0)
		t += uncached_tokens / p->prefill_tps;
	return t;
}

double sim_rate(const struct sim_profile *p, int n)
{
	if (n < 1)
		n = 1;
	return p->decode_tps / (1 + p->batch_k * (n - 1));
}

double sim_slow(const struct sim_profile *p, double life_s)
{
	if (p->slow_factor > 0 && life_s >= p->slow_after_s)
		return p->slow_factor;
	return 1;
}

double sim_gap(const struct sim_profile *p, int n, int k, double u)
{
	double r = sim_rate(p, n);

	if (r <= 0)
		return 0;
	return k / r * (1 + p->jitter * u);
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double sim_rng_unit(struct sim_rng *r)
{
	return (double)(sim_rng_next(r) >> 11) / 9007199254740992.0;
}

double sim_rng_sym(struct sim_rng *r)
{
	return 2 * sim_rng_unit(r) - 1;
}

const char *sim_token_text(uint64_t seed, int i)
{
	/* Mostly English words, some Chinese and accented ones, so clients
	 * meet multi-byte UTF-8 in every stream. */
	static const char *const words[] = {
	    " the",   " model", " token", " stream",  " of",	 " and",
	    " to",    " a",	" quick", " latency", " memory", " 量子",
	    "计算",   " 模型",	" café",  " naïve",   " is",	 " fast",
	    ".",      ",",	" we",	  " measure", " decode", " prefill",
	    " cache", " in",	" on",	  " GPU",     "\n",	 " Mac",
	    " bits",  " per",
	};
	struct sim_rng r;

	sim_rng_seed(&r, seed ^ ((uint64_t)i * 0x2545f4914f6cdd1dULL));
	return words[sim_rng_next(&r) % (sizeof words / sizeof words[0])];
}

struct sim_cache {
	int cap, next;
	char **s;
	size_t *n;
};

struct sim_cache *sim_cache_new(int cap)
{
	struct sim_cache *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->cap = cap > 0 ? cap : 1;
	c->s = calloc((size_t)c->cap, sizeof *c->s);
	c->n = calloc((size_t)c->cap, sizeof *c->n);
	if (c->s == NULL || c->n == NULL) {
		sim_cache_free(c);
		return NULL;
	}
	return c;
}

void sim_cache_free(struct sim_cache *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; c->s && i < c->cap; i++)
		free(c->s[i]);
	free(c->s);
	free(c->n);
	free(c);
}

size_t sim_cache_lookup(const struct sim_cache *c, const char *s, size_t n)
{
	size_t best = 0, k, m;
	int i;

	for (i = 0; i < c->cap; i++) {
		if (c->s[i] == NULL)
			continue;
		m = c->n[i] < n ? c->n[i] : n;
		for (k = 0; k < m && c->s[i][k] == s[k]; k++)
			;
		if (k > best)
			best = k;
	}
	return best;
}

int sim_cache_store(struct sim_cache *c, const char *s, size_t n)
{
	char *copy = malloc(n + 1);

	if (copy == NULL)
		return -1;
	memcpy(copy, s, n);
	copy[n] = '\0';
	free(c->s[c->next]);
	c->s[c->next] = copy;
	c->n[c->next] = n;
	c->next = (c->next + 1) % c->cap;
	return 0;
}
