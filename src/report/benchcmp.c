/* benchcmp: two llama-bench result files compared test by test
 * (benchcmp.h). */
#include "benchcmp.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <csv.h>

#include "fileio.h"

/* A field as a number: JSON numbers, and CSV's quoted text. */
static double num_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char *end;
	double d;

	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
		return NAN;
	d = strtod(v->valuestring, &end);
	return *end == '\0' ? d : NAN;
}

/* One record; 0, or -1 naming the first field missing in what. */
static int rec_of(const cJSON *o, struct bc_rec *r, const char **what)
{
	static const char *const need[] = {"n_prompt", "n_gen", "avg_ts"};
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "model_type"),
		    *s = cJSON_GetObjectItemCaseSensitive(o, "samples_ts");

	memset(r, 0, sizeof *r);
	for (int i = 0; i < 3; i++)
		if (isnan(num_of(o, need[i]))) {
			*what = need[i];
			return -1;
		}
	snprintf(r->model, sizeof r->model, "%s",
		 cJSON_IsString(m) ? m->valuestring : "?");
	r->n_prompt = (long)num_of(o, "n_prompt");
	r->n_gen = (long)num_of(o, "n_gen");
	r->n_depth =
	    isnan(num_of(o, "n_depth")) ? 0 : (long)num_of(o, "n_depth");
	r->avg = num_of(o, "avg_ts");
	r->sd = num_of(o, "stddev_ts");
	r->n = cJSON_IsArray(s) ? cJSON_GetArraySize(s)
	       : isnan(num_of(o, "repetitions"))
		   ? 0
		   : (long)num_of(o, "repetitions");
	return 0;
}

static int add(struct bc_file *f, const cJSON *o, const char *path, char *err,
	       size_t errlen)
{
	const char *what = "";
	void *p = realloc(f->r, (size_t)(f->n + 1) * sizeof *f->r);

	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	f->r = p;
	if (!cJSON_IsObject(o) || rec_of(o, &f->r[f->n], &what) != 0) {
		snprintf(err, errlen,
			 "%s: record %d is not llama-bench's (no %s: want "
			 "llama-bench -o json, jsonl or csv, or report --bench "
			 "json or csv)",
			 path, f->n + 1, cJSON_IsObject(o) ? what : "object");
		return -1;
	}
	f->n++;
	return 0;
}

/* ---- CSV: a header of field names, then one record a line ------------- */

struct csvread {
	cJSON *head, *row; /* the header's names; the record being read */
	int col, have_head;
	struct bc_file *f;
	const char *path;
	char *err;
	size_t errlen;
	int failed;
};

static void on_field(void *s, size_t len, void *data)
{
	struct csvread *c = data;
	char *v = strndup(s, len);

	if (v == NULL) {
		c->failed = 1;
		return;
	}
	if (c->row == NULL && c->have_head &&
	    (c->row = cJSON_CreateObject()) == NULL)
		c->failed = 1;
	if (!c->have_head) /* the header */
		cJSON_AddItemToArray(c->head, cJSON_CreateString(v));
	else if (cJSON_GetArrayItem(c->head, c->col))
		cJSON_AddStringToObject(
		    c->row, cJSON_GetArrayItem(c->head, c->col)->valuestring,
		    v);
	c->col++;
	free(v);
}

static void on_row(int ch, void *data)
{
	struct csvread *c = data;

	(void)ch;
	c->have_head = 1;
	if (c->row != NULL && !c->failed &&
	    add(c->f, c->row, c->path, c->err, c->errlen) != 0)
		c->failed = 1;
	cJSON_Delete(c->row);
	c->row = NULL;
	c->col = 0;
}

static int read_csv(const char *text, size_t len, const char *path,
		    struct bc_file *f, char *err, size_t errlen)
{
	struct csv_parser p;
	struct csvread c = {
	    cJSON_CreateArray(), NULL, 0, 0, f, path, err, errlen, 0};

	if (c.head == NULL || csv_init(&p, 0) != 0) {
		cJSON_Delete(c.head);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (csv_parse(&p, text, len, on_field, on_row, &c) != len)
		c.failed = 1;
	csv_fini(&p, on_field, on_row, &c);
	csv_free(&p);
	cJSON_Delete(c.row);
	cJSON_Delete(c.head);
	if (c.failed && err[0] == '\0')
		snprintf(err, errlen, "%s: not CSV", path);
	return c.failed ? -1 : 0;
}

/* ---- JSON: an array of records, or one a line ------------------------- */

static int read_json(const char *text, size_t len, const char *path,
		     struct bc_file *f, char *err, size_t errlen)
{
	cJSON *all = cJSON_ParseWithLength(text, len), *o;
	const char *p = text, *end = text + len, *nl;
	int rc = 0;

	if (cJSON_IsArray(all)) {
		cJSON_ArrayForEach(o, all) if (rc == 0) rc =
		    add(f, o, path, err, errlen);
		cJSON_Delete(all);
		return rc;
	}
	cJSON_Delete(all); /* JSON lines (llama-bench -o jsonl) */
	for (; rc == 0 && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (strspn(p, " \t\r") >= (size_t)(nl - p))
			continue;
		o = cJSON_ParseWithLength(p, (size_t)(nl - p));
		rc = add(f, o, path, err, errlen);
		cJSON_Delete(o);
	}
	return rc;
}

int bc_read(const char *path, struct bc_file *f, char *err, size_t errlen)
{
	size_t len;
	char *text = fileio_slurp(path, (size_t)64 << 20, &len);
	const char *p = text;
	int rc;

	memset(f, 0, sizeof *f);
	err[0] = '\0';
	if (text == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	p += strspn(p, " \t\r\n");
	rc = *p == '[' || *p == '{' ? read_json(text, len, path, f, err, errlen)
				    : read_csv(text, len, path, f, err, errlen);
	free(text);
	if (rc == 0 && f->n == 0) {
		snprintf(err, errlen, "%s: no test in it", path);
		rc = -1;
	}
	if (rc != 0)
		bc_file_free(f);
	return rc;
}

void bc_file_free(struct bc_file *f)
{
	free(f->r);
	memset(f, 0, sizeof *f);
}

/* ---- matching ---------------------------------------------------------- */

void bc_test_name(const struct bc_rec *r, char *b, size_t n)
{
	char d[40] = "";

	if (r->n_depth > 0)
		snprintf(d, sizeof d, " @ d%ld", r->n_depth);
	if (r->n_gen == 0)
		snprintf(b, n, "pp%ld%s", r->n_prompt, d);
	else if (r->n_prompt == 0)
		snprintf(b, n, "tg%ld%s", r->n_gen, d);
	else
		snprintf(b, n, "pp%ld+tg%ld%s", r->n_prompt, r->n_gen, d);
}

static int same(const struct bc_rec *x, const struct bc_rec *y, int by_test)
{
	return x->n_prompt == y->n_prompt && x->n_gen == y->n_gen &&
	       x->n_depth == y->n_depth &&
	       (by_test || strcmp(x->model, y->model) == 0);
}

/* The one record of f like x; NULL when none; *twice when more. */
static const struct bc_rec *
find(const struct bc_file *f, const struct bc_rec *x, int by_test, int *twice)
{
	const struct bc_rec *hit = NULL;

	for (int i = 0; i < f->n; i++)
		if (same(&f->r[i], x, by_test)) {
			if (hit)
				*twice = 1;
			hit = &f->r[i];
		}
	return hit;
}

/* Every record of f names one model. */
static int one_model(const struct bc_file *f)
{
	for (int i = 1; i < f->n; i++)
		if (strcmp(f->r[i].model, f->r[0].model) != 0)
			return 0;
	return 1;
}

static void match(const struct bc_file *a, const struct bc_file *b,
		  struct bc_table *t)
{
	t->n = t->a_left = t->b_left = t->dups = t->no_reps = 0;
	for (int i = 0; i < a->n; i++) {
		int twice = 0;
		const struct bc_rec *y = find(b, &a->r[i], t->by_test, &twice);
		find(a, &a->r[i], t->by_test, &twice);
		if (twice) {
			t->dups++;
			continue;
		}
		if (y == NULL) {
			t->a_left++;
			continue;
		}
		struct bc_row *w = &t->row[t->n++];
		w->a = a->r[i];
		w->b = *y;
		snprintf(w->model, sizeof w->model, "%s", a->r[i].model);
		bc_test_name(&a->r[i], w->test, sizeof w->test);
		stats_mean_ratio(w->a.avg, w->a.sd, w->a.n, w->b.avg, w->b.sd,
				 w->b.n, &w->s);
		t->no_reps += isnan(w->s.lo);
	}
	for (int i = 0; i < b->n; i++) {
		int twice = 0;
		t->b_left += find(a, &b->r[i], t->by_test, &twice) == NULL;
	}
}

int bc_compare(const struct bc_file *a, const struct bc_file *b,
	       struct bc_table *t)
{
	memset(t, 0, sizeof *t);
	t->row = calloc((size_t)a->n + 1, sizeof *t->row);
	if (t->row == NULL)
		return -1;
	match(a, b, t);
	/* llama-bench names a model by its GGUF (llama 8B Q4_K_M), a served
	 * run by its label: one model each, matched by test */
	if (t->n == 0 && one_model(a) && one_model(b)) {
		t->by_test = 1;
		match(a, b, t);
	}
	return 0;
}

void bc_free(struct bc_table *t)
{
	free(t->row);
	memset(t, 0, sizeof *t);
}
