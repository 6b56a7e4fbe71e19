/* benchout: the community figures in llama-bench's output shapes
 * (benchout.h). */
#include "benchout.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "md.h"
#include "mdbench.h"
#include "runkind.h"

int benchout_format(const char *name)
{
	return !strcmp(name, "md")     ? BO_MD
	       : !strcmp(name, "csv")  ? BO_CSV
	       : !strcmp(name, "json") ? BO_JSON
				       : -1;
}

static int has_fig(const struct bd_row *r)
{
	return r->served.n > 0 && isfinite(r->served.mean);
}

/* ---- Markdown: llama-bench's -o md, its widths and alignment ---------- */

/* s padded to |width| characters (not bytes: "±" is one), right-aligned
 * when width > 0, as llama-bench pads its cells; " |" after, and a space
 * before the next cell unless last. */
static void pad(jw *w, const char *s, int width, int last)
{
	int n = 0, right = width > 0, want = right ? width : -width;

	for (const char *p = s; *p; p++)
		n += ((unsigned char)*p & 0xc0) != 0x80;
	for (int i = n; right && i < want; i++)
		jw_append(w, " ", 1);
	jw_append(w, s, strlen(s));
	for (int i = n; !right && i < want; i++)
		jw_append(w, " ", 1);
	jw_append(w, last ? " |" : " | ", last ? 2 : 3);
}

static const int md_width[] = {-30, 10, 10, -10, 7, 15, 20};
static const char *const md_head[] = {"model",	 "size", "params", "backend",
				      "threads", "test", "t/s"};

/* The header and its rule; threads only when a row knows them, as
 * llama-bench shows them only where they were chosen (the CPU). */
static void md_header(jw *w, int threads)
{
	jw_append(w, "| ", 2);
	for (int c = 0; c < 7; c++)
		if (c != 4 || threads)
			pad(w, md_head[c], md_width[c], c == 6);
	jw_append(w, "\n|", 2);
	for (int c = 0; c < 7; c++) {
		int n = md_width[c] < 0 ? -md_width[c] : md_width[c];
		if (c == 4 && !threads)
			continue;
		jw_append(w, " ", 1);
		for (int i = 0; i < n - (md_width[c] > 0); i++)
			jw_append(w, "-", 1);
		jw_append(w, md_width[c] > 0 ? ": |" : " |",
			  md_width[c] > 0 ? 3 : 2);
	}
	jw_append(w, "\n", 1);
}

static void md_row(jw *w, const struct bd_row *r, int threads)
{
	char b[160];

	jw_append(w, "| ", 2);
	pad(w, r->model, md_width[0], 0);
	mdbench_size_text(b, sizeof b, r->size_bytes);
	pad(w, b, md_width[1], 0);
	mdbench_params_text(b, sizeof b, r->params);
	pad(w, b, md_width[2], 0);
	pad(w, r->backend, md_width[3], 0);
	if (threads) {
		if (r->threads > 0)
			snprintf(b, sizeof b, "%ld", r->threads);
		else
			snprintf(b, sizeof b, "?");
		pad(w, b, md_width[4], 0);
	}
	snprintf(b, sizeof b, "%s%s", r->test, r->exact ? "" : " ⚠");
	pad(w, b, md_width[5], 0);
	snprintf(b, sizeof b, "%.2f ± %.2f", r->served.mean,
		 isnan(r->served.sd) ? 0.0 : r->served.sd);
	pad(w, b, md_width[6], 1);
	jw_append(w, "\n", 1);
}

static int write_md(jw *w, const struct bd_table *t, const char *version)
{
	int threads = 0, n = 0;

	for (int i = 0; i < t->n; i++)
		threads |= has_fig(&t->row[i]) && t->row[i].threads > 0;
	md_header(w, threads);
	for (int i = 0; i < t->n; i++)
		if (has_fig(&t->row[i])) {
			md_row(w, &t->row[i], threads);
			n++;
		}
	md_out(w,
	       "\nbuild: tokbench %s; t/s through the server (gen --bench), "
	       "not in-process\n",
	       version);
	return n;
}

/* ---- CSV and JSON: llama-bench's field names, then the served run's ---- */

/* The fields in order; llama-bench's (tools/llama-bench, test's
 * get_fields) first, each meaning what it means there. */
enum {
	F_CPU,
	F_FILE,
	F_TYPE,
	F_SIZE,
	F_PARAMS,
	F_THREADS,
	F_PROMPT,
	F_GEN,
	F_DEPTH,
	F_TIME,
	F_AVG,
	F_SD,
	F_REPS,
	F_SERVER,
	F_SRV_AVG,
	F_SRV_SD,
	F_PROMPT_TOKENS,
	F_METHOD,
	F_LATENCY,
	F_EXACT,
	F_TOOL_VERSION,
	F_N
};
static const char *const field[F_N] = {
    "cpu_info",	       "model_filename", "model_type",	  "model_size",
    "model_n_params",  "n_threads",	 "n_prompt",	  "n_gen",
    "n_depth",	       "test_time",	 "avg_ts",	  "stddev_ts",
    "repetitions",     "server",	 "server_avg_ts", "server_stddev_ts",
    "prompt_tokens",   "count_method",	 "latency_s",	  "exact",
    "tokbench_version"};

/* One field's value as text ("" unknown) and whether it is a string. */
static int value(const struct bd_row *r, int f, char *b, size_t n)
{
	double num = NAN;
	time_t t;
	struct tm tm;

	b[0] = '\0';
	switch (f) {
	case F_CPU: snprintf(b, n, "%s", r->cpu); return 1;
	case F_FILE: snprintf(b, n, "%s", r->model_file); return 1;
	case F_TYPE: snprintf(b, n, "%s", r->model); return 1;
	case F_SERVER: snprintf(b, n, "%s", r->backend); return 1;
	case F_METHOD: snprintf(b, n, "%s", r->count_method); return 1;
	case F_TOOL_VERSION: snprintf(b, n, "%s", r->tool_version); return 1;
	case F_TIME:
		t = (time_t)r->t_start;
		if (isfinite(r->t_start) && gmtime_r(&t, &tm))
			strftime(b, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return 1;
	case F_EXACT:
		snprintf(b, n, "%s", r->exact ? "true" : "false");
		return 0;
	case F_SIZE: num = r->size_bytes; break;
	case F_PARAMS: num = r->params; break;
	case F_THREADS: num = r->threads > 0 ? (double)r->threads : NAN; break;
	case F_PROMPT: num = r->type == RK_PP ? (double)r->n : 0; break;
	case F_GEN: num = r->type == RK_TG ? (double)r->n : 0; break;
	case F_DEPTH: num = (double)r->depth; break;
	case F_REPS: num = (double)r->served.n; break;
	case F_PROMPT_TOKENS: num = (double)r->prompt_tokens; break;
	default: break;
	}
	if (!isnan(num)) {
		snprintf(b, n, "%.0f", num);
		return 0;
	}
	num = f == F_AVG       ? r->served.mean
	      : f == F_SD      ? r->served.sd
	      : f == F_SRV_AVG ? (r->server.n ? r->server.mean : NAN)
	      : f == F_SRV_SD  ? (r->server.n ? r->server.sd : NAN)
	      : f == F_LATENCY ? r->latency
			       : NAN;
	if (isfinite(num))
		snprintf(b, n, "%.6f", num);
	return 0;
}

/* A CSV value, quoted as llama-bench quotes every one ("" doubled). */
static void csv_value(jw *w, const char *s)
{
	jw_append(w, "\"", 1);
	for (; *s; s++)
		jw_append(w, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
	jw_append(w, "\"", 1);
}

static int write_csv(jw *w, const struct bd_table *t)
{
	char b[300];
	int n = 0;

	for (int f = 0; f < F_N; f++)
		md_out(w, "%s%s", f ? "," : "", field[f]);
	jw_append(w, "\n", 1);
	for (int i = 0; i < t->n; i++) {
		if (!has_fig(&t->row[i]))
			continue;
		for (int f = 0; f < F_N; f++) {
			if (f)
				jw_append(w, ",", 1);
			value(&t->row[i], f, b, sizeof b);
			csv_value(w, b);
		}
		jw_append(w, "\n", 1);
		n++;
	}
	return n;
}

/* One record, as llama-bench's JSON: its fields, then samples_ts. */
static void json_record(jw *w, const struct bd_row *r)
{
	char b[300];
	jw o;

	jw_init(&o);
	jw_obj_open(&o, NULL);
	for (int f = 0; f < F_N; f++) {
		int str = value(r, f, b, sizeof b);
		if (str && b[0])
			jw_str(&o, field[f], b);
		else if (f == F_EXACT)
			jw_bool(&o, field[f], r->exact);
		else if (!str && b[0])
			jw_raw(&o, field[f], b);
		else
			jw_null(&o, field[f]);
	}
	jw_arr_open(&o, "samples_ts");
	for (long i = 0; i < r->nsamples; i++)
		jw_num(&o, NULL, r->samples[i], 6);
	jw_arr_close(&o);
	jw_obj_close(&o);
	jw_append(w, jw_cstr(&o), strlen(jw_cstr(&o)));
	w->oom |= o.oom;
	jw_free(&o);
}

static int write_json(jw *w, const struct bd_table *t)
{
	int n = 0;

	jw_append(w, "[", 1);
	for (int i = 0; i < t->n; i++) {
		if (!has_fig(&t->row[i]))
			continue;
		jw_append(w, n ? ",\n  " : "\n  ", n ? 4 : 3);
		json_record(w, &t->row[i]);
		n++;
	}
	jw_append(w, "\n]\n", 3);
	return n;
}

int benchout_write(jw *w, const struct bd_table *t, enum benchout_fmt f,
		   const char *version)
{
	return f == BO_MD    ? write_md(w, t, version)
	       : f == BO_CSV ? write_csv(w, t)
			     : write_json(w, t);
}
