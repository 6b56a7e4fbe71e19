/* fidelity: gen's timestamps against llmsim's log (see fidelity.h). */
#include "fidelity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "jget.h"
#include "ndjson.h"

/* A time of request id: its k-th chunk (k >= 1), or its send (k = 0). */
struct stamp {
	long id, k;
	double t;
};

struct stamps {
	struct stamp *v;
	size_t n, cap;
};

static int push(struct stamps *s, long id, long k, double t)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct stamp *v = realloc(s->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct stamp){id, k, t};
	return 0;
}

static int cmp_stamp(const void *a, const void *b)
{
	const struct stamp *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->k > y->k) - (x->k < y->k);
}

/* The chunk count so far of each id, to number them in arrival order. */
static long next_k(long **count, size_t *cap, long id)
{
	if (id < 0)
		return -1;
	if ((size_t)id >= *cap) {
		size_t n = (size_t)id * 2 + 16;
		long *c = realloc(*count, n * sizeof *c);
		if (c == NULL)
			return -1;
		memset(c + *cap, 0, (n - *cap) * sizeof *c);
		*count = c;
		*cap = n;
	}
	return ++(*count)[id];
}

static int is_token(const char *ch)
{
	return ch && (!strcmp(ch, "content") || !strcmp(ch, "reasoning"));
}

/* gen's events: its run id, sends and token chunks. */
static int read_gen(FILE *f, char *run, size_t runlen, struct stamps *s,
		    char *why, size_t whylen)
{
	ndjson_reader *r = ndjson_open(f, "events", 0);
	long *count = NULL, k;
	size_t cap = 0;
	cJSON *ev;
	int rc = 0;

	if (r == NULL)
		return snprintf(why, whylen, "out of memory"), -1;
	while (rc == 0 && ndjson_next(r, &ev) == ND_OK) {
		const char *type = jget_str(ev, "ev");
		double t = jget_num(ev, "t", NAN), id = jget_num(ev, "id", -1);
		if (type && !strcmp(type, "run") && !run[0])
			snprintf(run, runlen, "%s",
				 jget_str(ev, "run_id") ? jget_str(ev, "run_id")
							: "");
		else if (type && !strcmp(type, "req") && id >= 1 && id <= 1e8)
			rc = push(s, (long)id, 0, t);
		else if (type && !strcmp(type, "tok") &&
			 is_token(jget_str(ev, "ch")) && id >= 1 && id <= 1e8)
			rc = (k = next_k(&count, &cap, (long)id)) < 0
				 ? -1
				 : push(s, (long)id, k, t);
		cJSON_Delete(ev);
	}
	ndjson_close(r);
	free(count);
	if (rc != 0)
		return snprintf(why, whylen, "out of memory"), -1;
	if (!run[0])
		return snprintf(why, whylen, "gen's events have no run event"),
		       -1;
	return 0;
}

/* llmsim's log: the requests and chunks of run (rid "RUN-ID"). */
static int read_sim(FILE *f, const char *run, struct stamps *s, char *why,
		    size_t whylen)
{
	ndjson_reader *r = ndjson_open(f, "log", 0);
	size_t n = strlen(run), cap = 0;
	long *count = NULL, k;
	cJSON *ev;
	int rc = 0;

	if (r == NULL)
		return snprintf(why, whylen, "out of memory"), -1;
	while (rc == 0 && ndjson_next(r, &ev) == ND_OK) {
		const char *what = jget_str(ev, "what"),
			   *rid = jget_str(ev, "rid");
		double t = jget_num(ev, "t", NAN);
		char *end;
		long id;
		if (what && rid && !strncmp(rid, run, n) && rid[n] == '-' &&
		    (id = strtol(rid + n + 1, &end, 10)) >= 1 && *end == '\0') {
			if (!strcmp(what, "req"))
				rc = push(s, id, 0, t);
			else if (!strcmp(what, "chunk") &&
				 is_token(jget_str(ev, "ch")))
				rc = (k = next_k(&count, &cap, id)) < 0
					 ? -1
					 : push(s, id, k, t);
		}
		cJSON_Delete(ev);
	}
	ndjson_close(r);
	free(count);
	return rc != 0 ? (snprintf(why, whylen, "out of memory"), -1) : 0;
}

/* The stamp of (id, k), by binary search, or NULL. */
static const struct stamp *find(const struct stamps *s, long id, long k)
{
	struct stamp key = {id, k, 0};

	return s->n ? bsearch(&key, s->v, s->n, sizeof key, cmp_stamp) : NULL;
}

int fidelity_read(struct fidelity *f, FILE *events, FILE *simlog, char *why,
		  size_t whylen)
{
	struct stamps g = {0}, m = {0};
	char run[128] = "";
	int rc = -1;

	memset(f, 0, sizeof *f);
	if (read_gen(events, run, sizeof run, &g, why, whylen) != 0 ||
	    read_sim(simlog, run, &m, why, whylen) != 0)
		goto out;
	if (g.n > 1)
		qsort(g.v, g.n, sizeof *g.v, cmp_stamp);
	if (m.n > 1)
		qsort(m.v, m.n, sizeof *m.v, cmp_stamp);
	rc = 0;
	for (size_t i = 0; i < m.n; i++)
		f->sim_chunks += m.v[i].k > 0;
	for (size_t i = 0; i < g.n && rc == 0; i++) {
		const struct stamp *a = &g.v[i], *b, *ga, *ma;
		double d;
		if (a->k == 0)
			continue;
		f->gen_chunks++;
		if ((b = find(&m, a->id, a->k)) == NULL)
			continue;
		f->pairs++;
		d = (a->t - b->t) * 1e3;
		rc |= stats_push(&f->offset, d) |
		      stats_push(&f->arrival, fabs(d));
		if (a->k == 1 && (ga = find(&g, a->id, 0)) &&
		    (ma = find(&m, a->id, 0)))
			rc |= stats_push(
			    &f->ttft,
			    fabs(((a->t - ga->t) - (b->t - ma->t)) * 1e3));
		else if (a->k > 1 && (ga = find(&g, a->id, a->k - 1)) &&
			 (ma = find(&m, a->id, a->k - 1)))
			rc |= stats_push(
			    &f->itl,
			    fabs(((a->t - ga->t) - (b->t - ma->t)) * 1e3));
	}
	if (rc != 0) {
		snprintf(why, whylen, "out of memory");
		rc = -1;
	}
out:
	free(g.v);
	free(m.v);
	return rc;
}

void fidelity_free(struct fidelity *f)
{
	stats_vec_free(&f->offset);
	stats_vec_free(&f->arrival);
	stats_vec_free(&f->ttft);
	stats_vec_free(&f->itl);
}
