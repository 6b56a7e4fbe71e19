/* benchdata: the report's community figures (benchdata.h). */
#include "benchdata.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "fileio.h"
#include "jget.h"
#include "runkind.h"
#include "runpath.h"

static struct bd_fig fig_of(const cJSON *o)
{
	struct bd_fig f = {NAN, NAN, 0};

	if (cJSON_IsObject(o)) {
		f.mean = jget_num(o, "mean", NAN);
		f.sd = jget_num(o, "sd", NAN);
		f.n = (long)jget_num(o, "n", 0);
	}
	return f;
}

/* The served samples of b.tps; 0, or -1 when out of memory. */
static int samples_of(const cJSON *b, struct bd_row *w)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(jget_obj(b, "tps"),
							  "samples"),
		    *v;
	long n = cJSON_GetArraySize(a);

	w->samples = NULL;
	w->nsamples = 0;
	if (n <= 0)
		return 0;
	if ((w->samples = malloc((size_t)n * sizeof *w->samples)) == NULL)
		return -1;
	cJSON_ArrayForEach(v, a) if (cJSON_IsNumber(v))
	    w->samples[w->nsamples++] = v->valuedouble;
	return 0;
}

/* What llama-bench's output shapes take beyond the table's cells. */
static int more_of(const struct rd_run *r, const cJSON *b, struct bd_row *w)
{
	const char *s;

	w->t_start = jget_path_num(r->doc, RP_T_START, NAN);
	s = jget_path_str(r->doc, RP_SERVER_MODEL_ID);
	snprintf(w->model_file, sizeof w->model_file, "%s", s ? s : "");
	s = jget_path_str(r->doc, RP_HOST_CPU);
	snprintf(w->cpu, sizeof w->cpu, "%s", s ? s : "");
	s = jget_str(b, "count_method");
	snprintf(w->count_method, sizeof w->count_method, "%s", s ? s : "none");
	w->prompt_tokens = (long)jget_num(b, "prompt_tokens", 0);
	w->latency = jget_num(b, "latency_s", NAN);
	s = jget_path_str(r->doc, RP_TOOL_VERSION);
	snprintf(w->tool_version, sizeof w->tool_version, "%s", s ? s : "");
	return samples_of(b, w);
}

/* A run's row; 0, -1 when it is not a bench run, -2 out of memory.  Its
 * model is the model and quantization, as llama-bench's model_type names
 * both ("llama 8B Q4_K_M"), so that a model's quantizations are rows of
 * their own. */
static int row_of(const struct rd_run *r, int model_idx, int quant_idx,
		  struct bd_row *w)
{
	const char *q = quant_idx >= 0 ? r->field[quant_idx] : "";

	const cJSON *b = r->doc ? jget_obj(r->doc, "bench") : NULL;
	const char *kind =
		       r->doc ? jget_path_str(r->doc, RP_SERVER_KIND) : NULL,
		   *mm;

	if (b == NULL || r->rk.name != RK_BENCH)
		return -1;
	memset(w, 0, sizeof *w);
	snprintf(w->model, sizeof w->model, "%s%s%s",
		 model_idx >= 0 ? r->field[model_idx] : "?",
		 *q && strcmp(q, "—") ? " " : "", strcmp(q, "—") ? q : "");
	snprintf(w->test, sizeof w->test, "%s",
		 jget_str(b, "test") ? jget_str(b, "test") : "?");
	mm = jget_path_str(r->doc, "run.labels.backend");
	snprintf(w->backend, sizeof w->backend, "%s%s%s", kind ? kind : "?",
		 mm ? " " : "", mm ? mm : "");
	w->type = r->rk.test;
	w->n = r->rk.n;
	w->depth = r->rk.depth;
	w->size_bytes = jget_path_num(r->doc, RP_MODEL_BYTES, NAN);
	w->params = jget_path_num(r->doc, RP_MODEL_PARAMS, NAN);
	w->threads = (long)jget_path_num(r->doc, "run.labels.threads", -1);
	if (jget_path_str(r->doc, "run.labels.threads"))
		w->threads = strtol(jget_path_str(r->doc, "run.labels.threads"),
				    NULL, 10);
	w->served = fig_of(jget_obj(b, "tps"));
	w->server = fig_of(jget_obj(b, "server_tps"));
	w->inproc = (struct bd_fig){NAN, NAN, 0};
	w->ratio = NAN;
	w->exact = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "exact"));
	snprintf(w->note, sizeof w->note, "%s",
		 jget_str(b, "mismatch") ? jget_str(b, "mismatch")
		 : w->exact		 ? ""
					 : "no request succeeded");
	return more_of(r, b, w) == 0 ? 0 : -2;
}

/* pp before tg, then by n and depth, within a model and backend. */
static int row_cmp(const void *pa, const void *pb)
{
	const struct bd_row *a = pa, *b = pb;
	int c = strcmp(a->model, b->model);

	if (c == 0)
		c = strcmp(a->backend, b->backend);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type - b->type;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return a->depth < b->depth ? -1 : a->depth > b->depth;
}

/* llama-bench's test of one of its records matches the row's. */
static int same_test(const cJSON *t, const struct bd_row *w)
{
	long np = (long)jget_num(t, "n_prompt", -1),
	     ng = (long)jget_num(t, "n_gen", -1);
	long nd = (long)jget_num(t, "n_depth", 0);

	if (nd != w->depth)
		return 0;
	return w->type == RK_PP ? np == w->n && ng == 0 : ng == w->n && np == 0;
}

/* Puts llama-bench's figure of each record beside the rows of its test. */
static void match(struct bd_table *t, const cJSON *lb)
{
	const cJSON *rec;

	cJSON_ArrayForEach(rec, lb)
	{
		int used = 0;
		for (int i = 0; i < t->n; i++) {
			struct bd_row *w = &t->row[i];
			if (!same_test(rec, w))
				continue;
			used = 1;
			w->inproc.mean = jget_num(rec, "avg_ts", NAN);
			w->inproc.sd = jget_num(rec, "stddev_ts", NAN);
			w->inproc.n = (long)cJSON_GetArraySize(
			    cJSON_GetObjectItemCaseSensitive(rec,
							     "samples_ts"));
			if (isnan(w->params))
				w->params =
				    jget_num(rec, "model_n_params", NAN);
			if (isnan(w->size_bytes))
				w->size_bytes =
				    jget_num(rec, "model_size", NAN);
			if (w->threads < 0)
				w->threads =
				    (long)jget_num(rec, "n_threads", -1);
			if (w->served.n > 0 && w->inproc.mean > 0)
				w->ratio = w->served.mean / w->inproc.mean;
		}
		t->lb_unmatched += !used;
	}
}

/* Reads llama-bench's JSON output: an array of records with avg_ts. */
static cJSON *read_lb(const char *path, char *err, size_t errlen)
{
	size_t len;
	char *text = fileio_slurp(path, (size_t)64 << 20, &len);
	cJSON *lb = text ? cJSON_ParseWithLength(text, len) : NULL;

	if (text == NULL)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else if (!cJSON_IsArray(lb) || cJSON_GetArraySize(lb) == 0 ||
		 !cJSON_IsNumber(
		     cJSON_GetObjectItemCaseSensitive(lb->child, "avg_ts"))) {
		snprintf(err, errlen,
			 "%s: not llama-bench's JSON output (llama-bench -o "
			 "json: an array of tests with avg_ts)",
			 path);
		cJSON_Delete(lb);
		lb = NULL;
	}
	free(text);
	return lb;
}

int bd_build(const struct rd_set *s, const char *lb_path, struct bd_table *t,
	     char *err, size_t errlen)
{
	int model_idx = rd_by_index(s, "model"),
	    quant_idx = rd_by_index(s, "quant");
	cJSON *lb = NULL;

	memset(t, 0, sizeof *t);
	if (lb_path && (lb = read_lb(lb_path, err, errlen)) == NULL)
		return -1;
	t->row = calloc((size_t)s->nruns + 1, sizeof *t->row);
	if (t->row == NULL) {
		cJSON_Delete(lb);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < s->nruns; i++) {
		int rc =
		    row_of(&s->runs[i], model_idx, quant_idx, &t->row[t->n]);
		if (rc == -2) {
			cJSON_Delete(lb);
			bd_free(t);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t->n += rc == 0;
	}
	qsort(t->row, (size_t)t->n, sizeof *t->row, row_cmp);
	if (lb) {
		t->has_lb = 1;
		match(t, lb);
	}
	cJSON_Delete(lb);
	return 0;
}

void bd_free(struct bd_table *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->row[i].samples);
	free(t->row);
	memset(t, 0, sizeof *t);
}
