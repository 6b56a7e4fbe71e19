/* report: merges run JSON files into a Markdown comparison with charts. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>
#include <csv.h>

#include "args.h"
#include "clock.h"
#include "diag.h"
#include "fileio.h"
#include "formats.h"
#include "jget.h"
#include "jw.h"
#include "quant.h"
#include "runjson.h"
#include "stats.h"
#include "help.h" /* generated from docs/report.md */

extern char **environ;

#define MAX_FIELDS 8
#define MAX_RUNS 4096
#define OUTPUT_CHARS 300

/* One run file. */
struct run {
	char *path;
	cJSON *doc;            /* NULL when unreadable */
	char why[200];         /* why unreadable */
	int version, incomplete, simulated;
	int context;           /* a context-stress run (synthetic prompts) */
	double conc;           /* 0 in open-loop (rate) runs */
	char field[MAX_FIELDS][96];
	char key[512];
};

/* Runs with the same --by fields. */
struct group {
	char key[512];
	char field[MAX_FIELDS][96];
	struct run **runs;
	int n;
	double min_conc;
};

/* Options. */
static const char *opt_out = "reports/report.md";
static const char *by_fields[MAX_FIELDS] = {"model", "quant", "backend"};
static int n_by = 3;
static const char *opt_baseline;
static const char *opt_charts = "png";
static const char *opt_csv;
static const char *opt_title = "tokbench report";

/* State. */
static struct run runs[MAX_RUNS];
static int n_runs, n_unreadable;
static struct group *groups;
static int n_groups;
static jw md;                  /* the Markdown being written */
static char assets_dir[1024], assets_rel[512];
static int have_gnuplot;
static int n_charts;

/* ---- small helpers ---------------------------------------------------- */

static void out(const char *fmt, ...) TB_PRINTF(1, 2);

static void out(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	jw_append(&md, buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Appends text as Markdown table-cell content: every character Markdown
 * or HTML would interpret is escaped, line breaks become spaces, bytes that
 * are not valid UTF-8 become U+FFFD, and the cell is cut after max bytes
 * on a character boundary. */
static void cell(const char *s, size_t max)
{
	size_t i, n = s ? strlen(s) : 0;

	if (s == NULL || n == 0) {
		out("—");
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= max && (c & 0xc0) != 0x80) {
			out("…");
			return;
		}
		if (c >= 0x80) {
			size_t k = jw_utf8_len(s + i, n - i);
			if (k == 0) {
				out("\xef\xbf\xbd"); /* U+FFFD for a stray byte */
			} else {
				jw_append(&md, s + i, k);
				i += k - 1;
			}
		} else if (c == '\n' || c == '\r' || c == '\t')
			out(" ");
		else if (c == '<')
			out("&lt;");
		else if (c == '>')
			out("&gt;");
		else if (c == '&')
			out("&amp;");
		else if (strchr("|\\`*_[]#!{}~", c))
			out("\\%c", c);
		else
			jw_append(&md, (const char *)&c, 1);
	}
}

/* A number at a dotted path, or NAN. */
static double num(const cJSON *o, const char *path)
{
	return jget_path_num(o, path, NAN);
}

/* Every figure of the report is a size, a time, a speed or a share: never
 * negative, never infinite, never past 10^15.  A value outside that came
 * from a broken or hostile run file: it is named as bad, never formatted
 * as a figure (no "inf ± -nan", no 300-digit numbers). */
#define BAD_VALUE "bad value"

static int plausible(double v)
{
	return isfinite(v) && v >= 0 && v < 1e15;
}

/* Gigabytes: one decimal from 1 GB up, three below (scaled-down runs). */
static void gbcell(double bytes)
{
	if (isnan(bytes))
		out("—");
	else if (!plausible(bytes))
		out(BAD_VALUE);
	else
		out(bytes >= 1e9 ? "%.1f" : "%.3f", bytes / 1e9);
}

/* A fraction as a percentage with one decimal, or "—". */
static void pct_cell(double f)
{
	if (isnan(f))
		out("—");
	else if (!plausible(f) || f > 1)
		out(BAD_VALUE);
	else
		out("%.1f %%", f * 100);
}

/* Writes a number with prec decimals, or "—" when unknown. */
static void numcell(double v, int prec)
{
	if (isnan(v))
		out("—");
	else if (!plausible(v))
		out(BAD_VALUE);
	else
		out("%.*f", prec, v);
}

/* A mean ± the half-width of its 95 % confidence interval. */
static void mean_ci_cell(const struct stats_sum *d)
{
	if (d->n == 0)
		out("—");
	else if (!plausible(d->mean) || !plausible(d->ci_hi - d->mean))
		out(BAD_VALUE);
	else
		out("%.2f ± %.2f", d->mean, d->ci_hi - d->mean);
}

static const char *shown_path(const char *path, char *buf, size_t n);

/* ---- loading ----------------------------------------------------------- */

/* The value of a --by field for a run: model, quant, backend, server,
 * concurrency, or any label or environment variable of the run. */
static void field_value(const cJSON *d, const char *f, char *buf, size_t n)
{
	const char *v = NULL;
	double c;

	if (strcmp(f, "model") == 0)
		v = jget_path_str(d, "run.model");
	else if (strcmp(f, "quant") == 0)
		v = jget_path_str(d, "run.labels.quant") ? jget_path_str(d, "run.labels.quant") :
		    jget_path_str(d, "run.server.quant");
	else if (strcmp(f, "backend") == 0)
		v = jget_path_str(d, "run.labels.backend") ? jget_path_str(d, "run.labels.backend") :
		    jget_path_str(d, "run.server.backend");
	else if (strcmp(f, "server") == 0)
		v = jget_path_str(d, "run.server.kind");
	else if (strcmp(f, "concurrency") == 0) {
		c = num(d, "run.config.concurrency");
		snprintf(buf, n, isfinite(c) ? "c=%.0f" : "—", c);
		return;
	} else {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(jget_path(d, "run.labels"), f);
		if (!cJSON_IsString(l))
			l = cJSON_GetObjectItemCaseSensitive(jget_path(d, "run.env"), f);
		v = cJSON_IsString(l) ? l->valuestring : NULL;
	}
	snprintf(buf, n, "%s", v && *v ? v : "—");
}

static void describe(struct run *r)
{
	const cJSON *d = r->doc;
	int i;

	const cJSON *pp;

	cJSON_ArrayForEach(pp, jget_path(d, "per_prompt"))
		r->context |= num(pp, "synthetic_tokens") > 0;
	r->version = (int)num(d, "version");
	r->incomplete = cJSON_IsTrue(jget_path(d, "incomplete"));
	r->simulated = cJSON_IsTrue(jget_path(d, "run.server.simulated"));
	r->conc = num(d, "run.config.concurrency");
	if (!isfinite(r->conc))
		r->conc = 1;
	r->key[0] = '\0';
	for (i = 0; i < n_by; i++) {
		field_value(d, by_fields[i], r->field[i], sizeof r->field[i]);
		if (i > 0)
			strncat(r->key, " · ", sizeof r->key - strlen(r->key) - 1);
		strncat(r->key, r->field[i], sizeof r->key - strlen(r->key) - 1);
	}
}

static void load_run(const char *path)
{
	struct run *r;
	size_t len;
	char *text;

	if (n_runs == MAX_RUNS)
		diag_die(EXIT_RUNTIME, "more than %d run files", MAX_RUNS);
	/* the report or its CSV over a run would destroy the run */
	if (fio_same_file(opt_out, path) || (opt_csv && fio_same_file(opt_csv, path)))
		diag_die(EXIT_USAGE, "%s is both an input and an output: writing "
			 "it would destroy the run", path);
	r = &runs[n_runs++];
	memset(r, 0, sizeof *r);
	r->path = diag_xstrdup(path);
	text = fio_slurp(path, 256 << 20, &len);
	if (text == NULL)
		snprintf(r->why, sizeof r->why, "%s", strerror(errno));
	else
		r->doc = runjson_parse(text, len, r->why, sizeof r->why);
	free(text);
	if (r->doc == NULL) {
		n_unreadable++;
		diag_warn("%s:%s%s (listed as skipped)", path,
			  isdigit((unsigned char)r->why[0]) ? "" : " ", r->why);
		return;
	}
	describe(r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or every *.json in a directory (sorted, so reports are stable). */
static void load_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		load_run(path);
		return;
	}
	if ((d = opendir(path)) == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0 || e->d_name[0] == '.')
			continue;
		names = diag_xrealloc(names, (n + 1) * sizeof *names);
		names[n] = diag_xrealloc(NULL, strlen(path) + l + 2);
		snprintf(names[n], strlen(path) + l + 2, "%s/%s", path, e->d_name);
		n++;
	}
	closedir(d);
	if (n > 0) /* qsort(NULL, 0, ...) is undefined */
		qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		load_run(names[i]);
		free(names[i]);
	}
	free(names);
}

static int cmp_run(const void *a, const void *b)
{
	const struct run *x = *(struct run *const *)a, *y = *(struct run *const *)b;

	if (x->conc != y->conc)
		return x->conc < y->conc ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Groups in the order of their --by fields; quantizations from the
 * smallest to the largest (lib/quant), not alphabetically (Q6_K before
 * Q8_0, 4bit before 8bit), in every table and chart. */
static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int i, c;

	for (i = 0; i < n_by; i++) {
		c = strcmp(by_fields[i], "quant") == 0 ?
		    quant_cmp(x->field[i], y->field[i]) :
		    strcmp(x->field[i], y->field[i]);
		if (c != 0)
			return c;
	}
	return strcmp(x->key, y->key);
}

static void build_groups(void)
{
	int i, g;

	for (i = 0; i < n_runs; i++) {
		struct run *r = &runs[i];
		if (r->doc == NULL)
			continue;
		for (g = 0; g < n_groups && strcmp(groups[g].key, r->key); g++)
			;
		if (g == n_groups) {
			groups = diag_xrealloc(groups, (size_t)(n_groups + 1) * sizeof *groups);
			memset(&groups[g], 0, sizeof *groups);
			memcpy(groups[g].key, r->key, sizeof r->key);
			memcpy(groups[g].field, r->field, sizeof r->field);
			groups[g].min_conc = INFINITY;
			n_groups++;
		}
		groups[g].runs = diag_xrealloc(groups[g].runs,
					 (size_t)(groups[g].n + 1) * sizeof *groups[g].runs);
		groups[g].runs[groups[g].n++] = r;
		if (r->conc > 0 && r->conc < groups[g].min_conc && !r->context)
			groups[g].min_conc = r->conc;
	}
	if (n_groups > 0)
		qsort(groups, (size_t)n_groups, sizeof *groups, cmp_group);
	for (g = 0; g < n_groups; g++)
		qsort(groups[g].runs, (size_t)groups[g].n, sizeof *groups[g].runs, cmp_run);
}

/* The runs that speak for a group alone: those at its lowest concurrency
 * (a single user), neither the concurrency sweep nor context stress. */
static int is_summary_run(const struct group *g, const struct run *r)
{
	return !r->context && (r->conc == g->min_conc || !isfinite(g->min_conc));
}

/* ---- pooled group values ---------------------------------------------- */

/* Pools a statistics object (n, mean, stddev) over the group's summary
 * runs. */
static void pool(const struct group *g, const char *path, struct stats_sum *s)
{
	/* on the heap: MAX_RUNS of them would be 256 KiB of stack */
	struct stats_sum *parts = diag_xrealloc(NULL, (size_t)g->n * sizeof *parts);
	size_t k = 0;
	int i;

	for (i = 0; i < g->n; i++) {
		const cJSON *o = jget_path(g->runs[i]->doc, path);
		if (!is_summary_run(g, g->runs[i]) || !cJSON_IsObject(o))
			continue;
		memset(&parts[k], 0, sizeof parts[k]);
		parts[k].n = (size_t)num(o, "n");
		parts[k].mean = num(o, "mean");
		parts[k].stddev = num(o, "stddev");
		parts[k].min = num(o, "min");
		parts[k].max = num(o, "max");
		if (parts[k].n > 0 && isfinite(parts[k].mean)) {
			if (!isfinite(parts[k].stddev))
				parts[k].stddev = 0;
			k++;
		}
	}
	stats_pool(parts, k, s);
	free(parts);
}

/* The mean over the group's summary runs of a number, or NAN. */
static double mean_of(const struct group *g, const char *path)
{
	double sum = 0;
	int i, k = 0;

	for (i = 0; i < g->n; i++) {
		double v = num(g->runs[i]->doc, path);
		if (is_summary_run(g, g->runs[i]) && isfinite(v)) {
			sum += v;
			k++;
		}
	}
	return k ? sum / k : NAN;
}

/* The largest value of a number over all the group's runs, or NAN. */
static double max_of(const struct group *g, const char *path)
{
	double m = NAN;
	int i;

	for (i = 0; i < g->n; i++) {
		double v = num(g->runs[i]->doc, path);
		if (isfinite(v) && (!isfinite(m) || v > m))
			m = v;
	}
	return m;
}

/* The sum of a number over the group's summary runs (0 when none). */
static double sum_of(const struct group *g, const char *path)
{
	double s = 0, v;
	int i;

	for (i = 0; i < g->n; i++)
		if (is_summary_run(g, g->runs[i]) &&
		    isfinite(v = num(g->runs[i]->doc, path)))
			s += v;
	return s;
}

static double decode_mean(const struct group *g)
{
	struct stats_sum s;

	pool(g, "metrics.decode_tps", &s);
	return s.n ? s.mean : NAN;
}

static double error_rate(const struct group *g)
{
	double m = sum_of(g, "requests.measured");

	return m > 0 ? (m - sum_of(g, "requests.ok")) / m : NAN;
}

static double quality_rate(const struct group *g)
{
	double c = sum_of(g, "quality.checked");

	return c > 0 ? sum_of(g, "quality.passed") / c : NAN;
}

static double tps_per_gb(const struct group *g)
{
	double peak = max_of(g, "memory.peak_bytes");

	return peak > 0 ? decode_mean(g) / (peak / 1e9) : NAN;
}

/* Load time: the mean over successful loads; "failed" when one failed. */
static void load_cell(const struct group *g)
{
	double sum = 0;
	int i, k = 0, failed = 0;

	for (i = 0; i < g->n; i++) {
		const char *st = jget_path_str(g->runs[i]->doc, "load.status");
		double v = num(g->runs[i]->doc, "load.seconds");
		if (st && strcmp(st, "ok") != 0)
			failed = 1;
		else if (st && isfinite(v))
			sum += v, k++;
	}
	if (failed)
		out("failed");
	else if (k)
		numcell(sum / k, 2);
	else
		out("—");
}

static int marks(const struct group *g, int *old)
{
	int i, inc = 0;

	*old = 0;
	for (i = 0; i < g->n; i++) {
		inc |= g->runs[i]->incomplete;
		*old |= g->runs[i]->version < FMT_RUN_VERSION;
	}
	return inc;
}

/* The group's name as a Markdown cell, with its marks. */
static void group_cell(const struct group *g)
{
	int old, inc = marks(g, &old);

	cell(g->key, 120);
	if (inc)
		out(" †");
	if (old)
		out(" ‡");
}

/* ---- sections ------------------------------------------------------------ */

/* How many readable runs measured llmsim. */
static int n_simulated(void)
{
	int i, k = 0;

	for (i = 0; i < n_runs; i++)
		k += runs[i].doc && runs[i].simulated;
	return k;
}

static void write_header(void)
{
	out("# ");
	cell(opt_title, 200);
	out("\n\n");
	out("%d run%s in %d group%s, grouped by ", n_runs - n_unreadable,
	    n_runs - n_unreadable == 1 ? "" : "s", n_groups, n_groups == 1 ? "" : "s");
	for (int i = 0; i < n_by; i++) {
		out("%s", i ? ", " : "");
		cell(by_fields[i], 40);
	}
	out(". Metrics are defined in tokbench's docs/metrics.md. ");
	out("† marks a group with an incomplete run, ‡ one with a run in an older "
	    "format.\n\n");
	int sim = n_simulated(), all = n_runs - n_unreadable;
	if (sim == all && sim > 0)
		out("> **Simulated.** All %d runs measured llmsim, tokbench's "
		    "scripted server, not a real model: every number comes from "
		    "the simulator's profiles, not from hardware.\n\n", sim);
	else if (sim > 0)
		out("> **Partly simulated.** %d of the %d runs measured llmsim, "
		    "tokbench's scripted server, not a real model (marked "
		    "(simulated) in the Runs table): their numbers come from the "
		    "simulator's profiles, not from hardware.\n\n", sim, all);
}

static void chart(const char *file, const char *alt)
{
	char path[1200];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s.%s", assets_dir, file, opt_charts);
	if (stat(path, &st) != 0)
		return;
	out("![%s](%s/%s.%s)\n\n", alt, assets_rel, file, opt_charts);
}

/* agg's leak verdict of every run (memory after each request against the
 * request's order; docs/metrics.md): the runs that suspect a leak or whose
 * memory could not be judged are named, the others counted. */
static void write_leaks(void)
{
	int i, judged = 0, named = 0;
	const char *v;

	for (i = 0; i < n_runs; i++) {
		const struct run *r = &runs[i];
		if (r->doc == NULL || (v = jget_path_str(r->doc, "memory.leak.verdict")) == NULL)
			continue;
		if (strcmp(v, "leak suspected") != 0 && strcmp(v, "error") != 0) {
			judged += strcmp(v, "no leak") == 0;
			continue;
		}
		if (named++ == 0)
			out("**Memory over the requests** (agg's leak check):\n\n");
		out("- ");
		cell(r->key, 120);
		if (strcmp(v, "error") == 0) {
			out(": no verdict: ");
			cell(jget_path_str(r->doc, "memory.leak.error"), 200);
			out("\n");
		} else {
			out(": **leak suspected**, ");
			numcell(num(r->doc, "memory.leak.mb_per_request"), 2);
			out(" MB per request (r² ");
			numcell(num(r->doc, "memory.leak.r2"), 2);
			out(")\n");
		}
	}
	if (named > 0)
		out("\n");
	if (judged > 0)
		out("%s%d run%s with enough requests (8 or more) showed no leak.\n\n",
		    named ? "The other " : "Memory: ", judged, judged == 1 ? "" : "s");
}

static void write_summary(void)
{
	struct stats_sum d;
	int i, any_ttfo = 0;

	for (i = 0; i < n_groups; i++)
		any_ttfo |= sum_of(&groups[i], "tokens.reasoning") > 0;
	out("## Summary\n\n");
	out("Per group, over its runs at the lowest concurrency (one user). Decode "
	    "TPS is the mean over all requests of those runs ± the 95 %% confidence "
	    "interval; TTFT percentiles are the mean of each run's; peak memory is "
	    "the largest of any run.\n\n");
	out("| group | runs | load s | peak GB | Δ mem GB | decode TPS (mean ± CI) | TTFT p50 ms "
	    "| TTFT p95 ms |%s prefill TPS | TPS/GB | errors | quality |\n",
	    any_ttfo ? " TTFO p50 ms |" : "");
	out("|---|---:|---:|---:|---:|---:|---:|---:|%s---:|---:|---:|---:|\n",
	    any_ttfo ? "---:|" : "");
	for (i = 0; i < n_groups; i++) {
		struct group *g = &groups[i];
		int k, nsum = 0;
		for (k = 0; k < g->n; k++)
			nsum += is_summary_run(g, g->runs[k]);
		pool(g, "metrics.decode_tps", &d);
		out("| ");
		group_cell(g);
		out(" | %d | ", nsum);
		load_cell(g);
		out(" | ");
		gbcell(max_of(g, "memory.peak_bytes"));
		out(" | ");
		gbcell(max_of(g, "memory.delta_bytes"));
		out(" | ");
		mean_ci_cell(&d);
		out(" | ");
		numcell(mean_of(g, "metrics.ttft_s.p50") * 1e3, 1);
		out(" | ");
		numcell(mean_of(g, "metrics.ttft_s.p95") * 1e3, 1);
		if (any_ttfo) {
			out(" | ");
			numcell(mean_of(g, "metrics.ttfo_s.p50") * 1e3, 1);
		}
		out(" | ");
		numcell(mean_of(g, "metrics.prefill_tps.mean"), 1);
		out(" | ");
		numcell(tps_per_gb(g), 3);
		out(" | ");
		pct_cell(error_rate(g));
		out(" | ");
		if (isfinite(quality_rate(g)))
			out("%.0f %%", quality_rate(g) * 100);
		else
			out("—");
		out(" |\n");
	}
	out("\n");
	write_leaks();
	chart("decode_tps", "Decode speed by quantization");
	chart("ttft", "Time to first token by quantization");
	chart("tps_vs_memory", "Decode speed against peak memory");
}

/* Every prompt name, in order of first appearance. */
static int prompt_names(const char **names, int cap)
{
	int g, r, n = 0, k;
	const cJSON *p;

	for (g = 0; g < n_groups; g++)
		for (r = 0; r < groups[g].n; r++)
			cJSON_ArrayForEach(p, jget_path(groups[g].runs[r]->doc, "per_prompt")) {
				for (k = 0; k < n && strcmp(names[k], p->string); k++)
					;
				if (k == n && n < cap)
					names[n++] = p->string;
			}
	return n;
}

static double prompt_mean(const struct group *g, const char *prompt,
			  const char *metric)
{
	char path[256];

	snprintf(path, sizeof path, "%s.mean", metric);
	double sum = 0;
	int i, k = 0;
	for (i = 0; i < g->n; i++) {
		const cJSON *pp = cJSON_GetObjectItemCaseSensitive(
			jget_path(g->runs[i]->doc, "per_prompt"), prompt);
		double v = num(pp, path);
		if ((is_summary_run(g, g->runs[i]) || g->runs[i]->context) &&
		    isfinite(v)) {
			sum += v;
			k++;
		}
	}
	return k ? sum / k : NAN;
}

static void write_per_prompt(void)
{
	const char *names[256];
	int n = prompt_names(names, 256), i, g;

	if (n == 0)
		return;
	out("## Per prompt\n\n");
	out("Decode TPS (mean) / TTFT (mean, ms) per prompt, at the lowest "
	    "concurrency.\n\n| prompt |");
	for (g = 0; g < n_groups; g++) {
		out(" ");
		group_cell(&groups[g]);
		out(" |");
	}
	out("\n|---|");
	for (g = 0; g < n_groups; g++)
		out("---:|");
	out("\n");
	for (i = 0; i < n; i++) {
		out("| ");
		cell(names[i], 60);
		out(" |");
		for (g = 0; g < n_groups; g++) {
			out(" ");
			numcell(prompt_mean(&groups[g], names[i], "decode_tps"), 1);
			out(" / ");
			numcell(prompt_mean(&groups[g], names[i], "ttft_s") * 1e3, 0);
			out(" |");
		}
		out("\n");
	}
	out("\n");
}

static int n_levels(const struct group *g)
{
	int i, n = 0;
	double last = -1;

	for (i = 0; i < g->n; i++)
		if (!g->runs[i]->context && g->runs[i]->conc != last) {
			n++;
			last = g->runs[i]->conc;
		}
	return n;
}

/* The mean of a number over the group's runs at concurrency c. */
static double at_level(const struct group *g, double c, const char *path)
{
	double sum = 0, v;
	int i, k = 0;

	for (i = 0; i < g->n; i++)
		if (g->runs[i]->conc == c && !g->runs[i]->context &&
		    isfinite(v = num(g->runs[i]->doc, path))) {
			sum += v;
			k++;
		}
	return k ? sum / k : NAN;
}

static void write_concurrency_group(const struct group *g)
{
	double last = -1, base = NAN;
	int i;

	out("### ");
	cell(g->key, 120);
	out("\n\n| users | runs | aggregate TPS | per-request TPS | scaling | efficiency "
	    "| E2E p50 s | E2E p95 s | E2E p99 s | TTFT p95 ms | fairness | queue p95 ms "
	    "| errors |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < g->n; i++) {
		double c = g->runs[i]->conc, agg;
		int k, nr = 0;
		if (c == last || g->runs[i]->context)
			continue;
		last = c;
		for (k = 0; k < g->n; k++)
			nr += g->runs[k]->conc == c && !g->runs[k]->context;
		agg = at_level(g, c, "throughput.aggregate_tps");
		if (!isfinite(base))
			base = agg; /* the lowest level is the baseline */
		if (c > 0)
			out("| %.0f | %d | ", c, nr);
		else
			out("| open loop | %d | ", nr);
		numcell(agg, 2);
		out(" | ");
		numcell(at_level(g, c, "metrics.decode_tps.mean"), 2);
		out(" | ");
		numcell(agg / base, 2);
		out(" | ");
		numcell(c > 0 ? agg / base / (c / g->min_conc) : NAN, 2);
		out(" | ");
		numcell(at_level(g, c, "metrics.e2e_s.p50"), 3);
		out(" | ");
		numcell(at_level(g, c, "metrics.e2e_s.p95"), 3);
		out(" | ");
		numcell(at_level(g, c, "metrics.e2e_s.p99"), 3);
		out(" | ");
		numcell(at_level(g, c, "metrics.ttft_s.p95") * 1e3, 1);
		out(" | ");
		numcell(at_level(g, c, "throughput.jain_fairness"), 3);
		out(" | ");
		numcell(at_level(g, c, "metrics.queue_delay_s.p95") * 1e3, 1);
		out(" | ");
		pct_cell(at_level(g, c, "requests.error_rate"));
		out(" |\n");
	}
	out("\n");
}

static void write_concurrency(void)
{
	int g, any = 0;

	for (g = 0; g < n_groups; g++)
		any |= n_levels(&groups[g]) > 1;
	if (!any)
		return;
	out("## Concurrency\n\n");
	out("Aggregate TPS: all users together; per-request TPS: what each user "
	    "gets (mean decode TPS); scaling: aggregate TPS over the lowest level's; "
	    "efficiency: scaling over the growth in users (1 is linear); fairness: "
	    "Jain's index of per-request TPS. Aggregate TPS counts the wall time "
	    "from the first request sent to the last token, prefill and the gaps "
	    "between requests included, so at one user it is below the "
	    "per-request decode TPS.\n\n");
	for (g = 0; g < n_groups; g++)
		if (n_levels(&groups[g]) > 1)
			write_concurrency_group(&groups[g]);
	chart("concurrency", "Aggregate and per-request throughput against users");
}

/* Prompts of a group with a known prompt length, for the context table. */
static int context_rows(const struct group *g, const char **names, double *tok,
			int cap)
{
	const cJSON *p;
	int n = 0, i, k;

	for (i = 0; i < g->n; i++)
		cJSON_ArrayForEach(p, jget_path(g->runs[i]->doc, "per_prompt")) {
			double t = num(p, "prompt_tokens.mean");
			if (!isfinite(t) || !(g->runs[i]->context ||
					      is_summary_run(g, g->runs[i])))
				continue;
			for (k = 0; k < n && strcmp(names[k], p->string); k++)
				;
			if (k == n && n < cap) {
				names[n] = p->string;
				tok[n++] = t;
			}
		}
	/* by prompt length */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && tok[k] < tok[k - 1]; k--) {
			double t = tok[k];
			const char *s = names[k];
			tok[k] = tok[k - 1], names[k] = names[k - 1];
			tok[k - 1] = t, names[k - 1] = s;
		}
	return n;
}

static int has_context_runs(void)
{
	const char *names[256];
	double tok[256];
	int g, n;

	for (g = 0; g < n_groups; g++) {
		n = context_rows(&groups[g], names, tok, 256);
		if (n >= 2 && tok[n - 1] >= 1000 && tok[n - 1] >= 4 * tok[0])
			return 1;
	}
	return 0;
}

static void write_context(void)
{
	const char *names[256];
	double tok[256];
	int g, i, n;

	if (!has_context_runs())
		return;
	out("## Context length\n\nTTFT and prefill speed against the prompt's "
	    "length (prompt tokens as the server counted them).\n\n");
	out("| group | prompt | prompt tokens | TTFT mean s | prefill TPS |\n"
	    "|---|---|---:|---:|---:|\n");
	for (g = 0; g < n_groups; g++) {
		n = context_rows(&groups[g], names, tok, 256);
		for (i = 0; i < n; i++) {
			out("| ");
			group_cell(&groups[g]);
			out(" | ");
			cell(names[i], 60);
			out(" | %.0f | ", tok[i]);
			numcell(prompt_mean(&groups[g], names[i], "ttft_s"), 3);
			out(" | ");
			numcell(prompt_mean(&groups[g], names[i], "prefill_tps"), 1);
			out(" |\n");
		}
	}
	out("\n");
	chart("context", "Prefill speed against context length");
}

/* ---- baseline vs candidate ------------------------------------------------ */

/* The group a --baseline selector names: "field=value[,field=value]" over
 * the --by fields, or a whole group key. */
static const struct group *find_baseline(void)
{
	char sel[512], *pair, *save = NULL;
	int g, f, ok;

	for (g = 0; g < n_groups; g++)
		if (strcmp(groups[g].key, opt_baseline) == 0)
			return &groups[g];
	for (g = 0; g < n_groups; g++) {
		snprintf(sel, sizeof sel, "%s", opt_baseline);
		ok = 1;
		for (pair = strtok_r(sel, ",", &save); pair && ok;
		     pair = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(pair, '=');
			if (eq == NULL)
				return NULL;
			*eq = '\0';
			for (f = 0; f < n_by && strcmp(by_fields[f], pair); f++)
				;
			ok = f < n_by && strcmp(groups[g].field[f], eq + 1) == 0;
		}
		if (ok)
			return &groups[g];
	}
	return NULL;
}

static void compare_row(const char *name, const struct stats_sum *b,
			const struct stats_sum *c, double scale, int prec,
			int higher_better)
{
	double t, df, p;

	out("| %s | ", name);
	if (b->n == 0 || c->n == 0) {
		out("— | — | — | n/a |\n");
		return;
	}
	numcell(b->mean * scale, prec);
	out(" | ");
	numcell(c->mean * scale, prec);
	out(" | ");
	if (!plausible(b->mean) || !plausible(c->mean))
		out("—");
	else if (b->mean != 0)
		out("%+.1f %%%s", (c->mean - b->mean) / fabs(b->mean) * 100,
		    (c->mean > b->mean) == higher_better ? " better" : " worse");
	else
		out("—");
	p = stats_welch(c, b, &t, &df);
	if (p < 0)
		out(" | n/a (needs 2+ values each) |\n");
	else if (p < 1e-4)
		out(" | **yes** (p < 0.0001) |\n");
	else
		out(" | %s (p = %.3g) |\n", p < 0.05 ? "**yes**" : "no", p);
}

static void write_baseline(void)
{
	const struct group *b;
	struct stats_sum bs, cs;
	int g;

	if (opt_baseline == NULL)
		return;
	if ((b = find_baseline()) == NULL)
		diag_die(EXIT_RUNTIME, "--baseline %s: no group matches it",
			 opt_baseline);
	out("## Baseline vs candidates\n\nBaseline: **");
	cell(b->key, 120);
	out("**. Δ is the candidate against the baseline; significance is Welch's "
	    "t-test over all requests of the runs at the lowest concurrency "
	    "(p < 0.05).\n\n");
	for (g = 0; g < n_groups; g++) {
		const struct group *c = &groups[g];
		if (c == b)
			continue;
		out("### ");
		cell(c->key, 120);
		out("\n\n| metric | baseline | candidate | Δ | significant |\n"
		    "|---|---:|---:|---:|---|\n");
		pool(b, "metrics.decode_tps", &bs);
		pool(c, "metrics.decode_tps", &cs);
		compare_row("decode TPS (mean)", &bs, &cs, 1, 2, 1);
		pool(b, "metrics.ttft_s", &bs);
		pool(c, "metrics.ttft_s", &cs);
		compare_row("TTFT ms (mean)", &bs, &cs, 1e3, 1, 0);
		pool(b, "metrics.e2e_s", &bs);
		pool(c, "metrics.e2e_s", &cs);
		compare_row("E2E s (mean)", &bs, &cs, 1, 3, 0);
		out("| peak memory GB | ");
		gbcell(max_of(b, "memory.peak_bytes"));
		out(" | ");
		gbcell(max_of(c, "memory.peak_bytes"));
		out(" | — | n/a |\n\n");
	}
}

/* ---- recommendations ---------------------------------------------------- */

/* The group with the best value of f (max, or min when lowest), among
 * groups where it is known and the error rate is under 5 %. */
static const struct group *best(double (*f)(const struct group *), int lowest)
{
	const struct group *bestg = NULL;
	double bv = NAN, v;
	int g;

	for (g = 0; g < n_groups; g++) {
		v = f(&groups[g]);
		if (!isfinite(v) || error_rate(&groups[g]) >= 0.05)
			continue;
		if (bestg == NULL || (lowest ? v < bv : v > bv)) {
			bestg = &groups[g];
			bv = v;
		}
	}
	return bestg;
}

static double ttft_p50(const struct group *g)
{
	return mean_of(g, "metrics.ttft_s.p50");
}

static double peak_gb(const struct group *g)
{
	return max_of(g, "memory.peak_bytes") / 1e9;
}

/* The fewest outputs checked against `expect` for a pass rate to count. */
#define QUALITY_MIN_CHECKED 10

/* Quality only where it was measured on enough outputs and differs: the
 * group with the highest expect pass rate, as a line of its own, never
 * weighed against speed; otherwise the report says why there is none. */
static void recommend_quality(void)
{
	const struct group *top = NULL;
	double lo = INFINITY, hi = -INFINITY, q;
	int g, n = 0;

	for (g = 0; g < n_groups; g++) {
		const struct group *gr = &groups[g];
		q = quality_rate(gr);
		if (!isfinite(q) || sum_of(gr, "quality.checked") < QUALITY_MIN_CHECKED ||
		    error_rate(gr) >= 0.05)
			continue;
		n++;
		lo = q < lo ? q : lo;
		hi = q > hi ? q : hi;
		if (top == NULL || q > quality_rate(top) ||
		    (q == quality_rate(top) && decode_mean(gr) > decode_mean(top)))
			top = gr;
	}
	if (n < 2) {
		out("- **Quality:** not compared: it needs prompts with `expect` "
		    "checks and at least %d checked outputs in two or more groups.\n",
		    QUALITY_MIN_CHECKED);
	} else if (hi == lo) {
		out("- **Quality:** no difference: every group passed %.0f %% of "
		    "its expect checks.\n", hi * 100);
	} else {
		out("- **Highest expect pass rate:** ");
		cell(top->key, 120);
		out(" — %.0f %% (the lowest: %.0f %%).\n", hi * 100, lo * 100);
	}
}

static void recommend(const char *what, const struct group *g)
{
	out("- **%s:** ", what);
	if (g == NULL) {
		out("no data.\n");
		return;
	}
	cell(g->key, 120);
	out(" — decode ");
	numcell(decode_mean(g), 2);
	out(" tok/s, TTFT p50 ");
	numcell(ttft_p50(g) * 1e3, 1);
	out(" ms, peak ");
	gbcell(peak_gb(g) * 1e9);
	out(" GB, ");
	numcell(tps_per_gb(g), 3);
	out(" TPS/GB.\n"); /* quality has a line of its own, when measured */
}

/* For each concurrency level above 1: the group with the highest
 * aggregate TPS there. */
static void recommend_concurrency(void)
{
	double levels[64];
	int nl = 0, g, i, k;

	for (g = 0; g < n_groups; g++)
		for (i = 0; i < groups[g].n; i++) {
			double c = groups[g].runs[i]->conc;
			for (k = 0; k < nl && levels[k] != c; k++)
				;
			if (k == nl && nl < 64 && c > 1)
				levels[nl++] = c;
		}
	for (k = 0; k < nl; k++) {
		const struct group *bg = NULL;
		double bv = NAN;
		for (g = 0; g < n_groups; g++) {
			double v = at_level(&groups[g], levels[k], "throughput.aggregate_tps");
			if (isfinite(v) && (bg == NULL || v > bv)) {
				bg = &groups[g];
				bv = v;
			}
		}
		if (bg == NULL)
			continue;
		out("- **Best for %.0f concurrent users:** ", levels[k]);
		cell(bg->key, 120);
		out(" — %.2f tok/s aggregate, ", bv);
		numcell(at_level(bg, levels[k], "metrics.decode_tps.mean"), 2);
		out(" tok/s per user, E2E p95 ");
		numcell(at_level(bg, levels[k], "metrics.e2e_s.p95"), 2);
		out(" s.\n");
	}
}

static void write_failures(void)
{
	int g, i, any = 0;

	for (g = 0; g < n_groups; g++) {
		const struct group *gr = &groups[g];
		double er = error_rate(gr);
		int old, inc = marks(gr, &old), load_err = 0;
		for (i = 0; i < gr->n; i++)
			load_err |= jget_path_str(gr->runs[i]->doc, "load.status") &&
				    strcmp(jget_path_str(gr->runs[i]->doc, "load.status"), "ok");
		if (!(er > 0) && !inc && !load_err)
			continue;
		if (!any++)
			out("- **Failed or did not fit:**\n");
		out("  - ");
		cell(gr->key, 120);
		out(": ");
		if (er > 0) {
			out("%.1f %% of requests failed (", er * 100);
			const cJSON *st, *bs;
			int first = 1;
			for (i = 0; i < gr->n; i++) {
				bs = jget_path(gr->runs[i]->doc, "requests.by_status");
				cJSON_ArrayForEach(st, bs) {
					if (strcmp(st->string, "ok") == 0)
						continue;
					out("%s", first ? "" : ", ");
					cell(st->string, 40);
					out(" %d", st->valueint);
					first = 0;
				}
			}
			out(")");
		}
		if (load_err)
			out("%sthe model load failed", er > 0 ? "; " : "");
		if (inc)
			out("%sa run was cut short", er > 0 || load_err ? "; " : "");
		out(".\n");
	}
	for (i = 0; i < n_runs; i++)
		if (runs[i].doc == NULL) {
			if (!any++)
				out("- **Failed or did not fit:**\n");
			char rel[PATH_MAX];
			out("  - ");
			cell(shown_path(runs[i].path, rel, sizeof rel), 200);
			out(": unreadable, %s.\n", runs[i].why);
		}
}

static void write_recommendations(void)
{
	out("## Recommendations\n\nDerived from the data above; a group whose error "
	    "rate is 5 %% or more is never recommended.\n\n");
	recommend("Fastest for one interactive user (decode TPS)", best(decode_mean, 0));
	recommend("Quickest first token (TTFT p50)", best(ttft_p50, 1));
	recommend("Best TPS per GB", best(tps_per_gb, 0));
	recommend("Smallest of every model and quantization (peak memory)",
		  best(peak_gb, 1));
	recommend_concurrency();
	recommend_quality();
	write_failures();
	out("\n");
}

/* ---- outputs and runs ------------------------------------------------------ */

static void write_outputs(void)
{
	const char *names[256];
	int n = prompt_names(names, 256), i, g, r;

	if (n == 0)
		return;
	out("## Outputs\n\nThe first successful output of each prompt, side by side "
	    "(cut at %d bytes), to compare quality by eye.\n\n", OUTPUT_CHARS);
	for (i = 0; i < n; i++) {
		out("### ");
		cell(names[i], 80);
		out("\n\n| group | tokens | chars | expect | output |\n"
		    "|---|---:|---:|---|---|\n");
		for (g = 0; g < n_groups; g++) {
			const cJSON *pp = NULL, *o = NULL;
			for (r = 0; r < groups[g].n && o == NULL; r++) {
				pp = cJSON_GetObjectItemCaseSensitive(
					jget_path(groups[g].runs[r]->doc, "per_prompt"), names[i]);
				o = jget_path(pp, "output");
			}
			if (o == NULL)
				continue;
			out("| ");
			group_cell(&groups[g]);
			out(" | ");
			numcell(num(o, "tokens"), 0);
			out(" | ");
			numcell(num(o, "chars"), 0);
			out(" | ");
			if (jget_path(pp, "quality"))
				out("%.0f / %.0f", num(pp, "quality.passed"),
				    num(pp, "quality.checked"));
			else
				out("—");
			out(" | ");
			cell(jget_path_str(o, "text"), OUTPUT_CHARS);
			out(" |\n");
		}
		out("\n");
	}
}

static void labels_cell(const cJSON *d)
{
	const cJSON *l;
	int first = 1;

	cJSON_ArrayForEach(l, jget_path(d, "run.labels")) {
		out("%s", first ? "" : ", ");
		cell(l->string, 40);
		out("=");
		cell(cJSON_IsString(l) ? l->valuestring : "?", 60);
		first = 0;
	}
	cJSON_ArrayForEach(l, jget_path(d, "run.env")) {
		out("%s", first ? "" : ", ");
		cell(l->string, 40);
		out("=");
		cell(cJSON_IsString(l) ? l->valuestring : "?", 60);
		first = 0;
	}
	if (first)
		out("—");
}

/* A run file's path as the report's reader needs it: relative to the
 * directory the report is written in (a link in the Markdown works and no
 * path of this machine is published), else as given. */
static const char *shown_path(const char *path, char *buf, size_t n)
{
	static char dir[PATH_MAX]; /* the report's directory, resolved once */
	static int have_dir = -1;
	char run[PATH_MAX], *slash;
	size_t k = 0, up = 0, i;

	if (have_dir < 0) {
		snprintf(buf, n, "%s", opt_out);
		if ((slash = strrchr(buf, '/')) != NULL)
			*slash = '\0';
		else
			snprintf(buf, n, ".");
		have_dir = realpath(buf, dir) != NULL;
	}
	if (!have_dir || realpath(path, run) == NULL)
		return path;
	/* the longest common prefix that ends at a directory boundary */
	for (i = 0; run[i] && run[i] == dir[i]; i++)
		if (run[i] == '/')
			k = i;
	if (dir[i] == '\0' && run[i] == '/')
		k = i;
	for (i = k; dir[i]; i++)
		up += dir[i] == '/' && dir[i + 1] != '\0';
	if (dir[k] == '\0' && k > 0)
		up = 0;
	buf[0] = '\0';
	for (i = 0; i < up && strlen(buf) + 4 < n; i++)
		strcat(buf, "../");
	snprintf(buf + strlen(buf), n - strlen(buf), "%s", run + k + (run[k] == '/'));
	return buf;
}

static void write_runs(void)
{
	char rel[PATH_MAX];
	int i;

	out("## Runs\n\n| file | group | users | server | host | settings | requests "
	    "| state |\n|---|---|---:|---|---|---|---:|---|\n");
	for (i = 0; i < n_runs; i++) {
		const struct run *r = &runs[i];
		const cJSON *d = r->doc;
		out("| ");
		cell(shown_path(r->path, rel, sizeof rel), 120);
		out(" | ");
		if (d == NULL) {
			out("— | — | — | — | — | — | skipped: ");
			cell(r->why, 120);
			out(" |\n");
			continue;
		}
		cell(r->key, 120);
		out(" | %.0f%s | ", r->conc, r->context ? " (context)" : "");
		cell(jget_path_str(d, "run.server.kind"), 30);
		if (r->simulated)
			out(" (simulated)");
		out(" | ");
		cell(jget_path_str(d, "run.host.os"), 20);
		out(" ");
		cell(jget_path_str(d, "run.host.cpu"), 60);
		out(" | ");
		labels_cell(d);
		out(" | ");
		numcell(num(d, "requests.ok"), 0);
		out("/");
		numcell(num(d, "requests.measured"), 0);
		out(" | %s%s%s |\n", r->incomplete ? "incomplete †" : "complete",
		    r->version < FMT_RUN_VERSION ? ", older format ‡" : "",
		    cJSON_IsTrue(jget_path(d, "run.server.simulated")) ? "" : "");
	}
	out("\n");
}

/* ---- charts --------------------------------------------------------------- */

/* Labels reach gnuplot only inside data files, never in its script, so no
 * label can become a gnuplot command; they are still cleaned of what the
 * CSV reader would split on. */
static void csv_label(FILE *f, const char *s)
{
	char buf[200];
	size_t i;

	snprintf(buf, sizeof buf, "%s", s ? s : "—");
	for (i = 0; buf[i]; i++)
		if (strchr("\",\n\r\\'", buf[i]))
			buf[i] = ' ';
	csv_fwrite(f, buf, strlen(buf));
}

static void csv_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputc('?', f);
}

static FILE *asset(const char *name)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", assets_dir, name);
	if ((f = fopen(path, "w")) == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	return f;
}

/* A path as a single-quoted gnuplot string ('' stands for '). */
static void gp_path(FILE *f, const char *name)
{
	const char *p;

	fputc('\'', f);
	for (p = assets_dir; *p; p++)
		fputs(*p == '\'' ? "''" : (char[]){*p, 0}, f);
	fputc('/', f);
	fputs(name, f);
	fputc('\'', f);
}

static FILE *gp_begin(const char *file, const char *title, const char *xl,
		      const char *yl)
{
	char name[64], path[1200];
	FILE *f;

	snprintf(name, sizeof name, "%s.gp", file);
	f = asset(name);
	if (strcmp(opt_charts, "svg") == 0)
		fprintf(f, "set terminal svg size 1000,560 noenhanced font 'sans,11'\n");
	else
		fprintf(f, "set terminal pngcairo size 1000,560 noenhanced font 'sans,10'\n");
	snprintf(name, sizeof name, "%s.%s", file, opt_charts);
	/* A chart left from an earlier report must never pass for this one's,
	 * should gnuplot fail this time. */
	snprintf(path, sizeof path, "%s/%s", assets_dir, name);
	unlink(path);
	fprintf(f, "set output ");
	gp_path(f, name);
	fprintf(f, "\nset datafile separator ','\nset datafile missing '?'\n"
		"set title '%s'\nset xlabel '%s'\nset ylabel '%s'\n"
		"set grid ytics\nset key outside right top vertical\n",
		title, xl, yl);
	return f;
}

/* Runs gnuplot on a script in the assets directory. */
static void gp_run(const char *file, FILE *f)
{
	char script[1200];
	char *argv[3];
	pid_t pid;
	int st;
	posix_spawn_file_actions_t fa;

	if (fclose(f) != 0)
		diag_die(EXIT_RUNTIME, "%s: write error", file);
	snprintf(script, sizeof script, "%s/%s.gp", assets_dir, file);
	argv[0] = (char[]){"gnuplot"};
	argv[1] = script;
	argv[2] = NULL;
	posix_spawn_file_actions_init(&fa);
	/* gnuplot's own warnings (a range of one point, ...) are not the
	 * user's business; a failure still shows in its exit status. */
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
	if (posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ) != 0 ||
	    waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		diag_warn("gnuplot failed on %s", script);
	else
		n_charts++;
	posix_spawn_file_actions_destroy(&fa);
}

static int by_index(const char *field)
{
	int i;

	for (i = 0; i < n_by; i++)
		if (strcmp(by_fields[i], field) == 0)
			return i;
	return -1;
}

/* The group's name without the field at index skip. */
static void name_without(const struct group *g, int skip, char *buf, size_t n)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < n_by; i++) {
		if (i == skip)
			continue;
		if (buf[0])
			strncat(buf, " ", n - strlen(buf) - 1);
		strncat(buf, g->field[i], n - strlen(buf) - 1);
	}
	if (buf[0] == '\0')
		snprintf(buf, n, "all");
}

static int cmp_quant_name(const void *a, const void *b)
{
	return quant_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* Bars: x = quantization (or group), one bar series per model. */
static void chart_bars(const char *file, const char *title, const char *yl,
		       double (*f)(const struct group *), double scale)
{
	/* As many x values and series as groups at most: nothing is dropped. */
	const char **xs = diag_xrealloc(NULL, (size_t)n_groups * sizeof *xs);
	char (*ss)[200] = diag_xrealloc(NULL, (size_t)n_groups * sizeof *ss);
	char name[200];
	int nx = 0, ns = 0, xi = by_index("quant"), g, i, k;
	FILE *d, *gp;

	for (g = 0; g < n_groups; g++) {
		const char *x = xi >= 0 ? groups[g].field[xi] : groups[g].key;
		if (!isfinite(f(&groups[g])))
			continue; /* nothing to draw for this group */
		name_without(&groups[g], xi, name, sizeof name);
		for (i = 0; i < nx && strcmp(xs[i], x); i++)
			;
		if (i == nx)
			xs[nx++] = x; /* the group's own string, which outlives this */
		for (k = 0; k < ns && strcmp(ss[k], name); k++)
			;
		if (k == ns)
			snprintf(ss[ns++], sizeof ss[0], "%s", xi >= 0 ? name : "value");
	}
	if (xi >= 0 && nx > 1) /* quantizations from the smallest, as the tables */
		qsort(xs, (size_t)nx, sizeof *xs, cmp_quant_name);
	snprintf(name, sizeof name, "%s.csv", file);
	d = asset(name);
	csv_label(d, xi >= 0 ? "quantization" : "group");
	for (k = 0; k < ns; k++) {
		fputc(',', d);
		csv_label(d, ss[k]);
	}
	fputc('\n', d);
	for (i = 0; i < nx; i++) {
		csv_label(d, xs[i]);
		for (k = 0; k < ns; k++) {
			double v = NAN;
			for (g = 0; g < n_groups; g++) {
				char nm[200];
				const char *x = xi >= 0 ? groups[g].field[xi] : groups[g].key;
				name_without(&groups[g], xi, nm, sizeof nm);
				if (!strcmp(x, xs[i]) && (xi < 0 || !strcmp(nm, ss[k])))
					v = f(&groups[g]) * scale;
			}
			fputc(',', d);
			csv_num(d, v);
		}
		fputc('\n', d);
	}
	fclose(d);
	free(xs);
	free(ss);
	if (nx == 0)
		return;
	gp = gp_begin(file, title, xi >= 0 ? "quantization" : "group", yl);
	fprintf(gp, "set style data histograms\nset style histogram clustered gap 1\n"
		"set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
		"set yrange [0:*]\nset xtics rotate by -25\n"
		"plot for [i=2:%d] ", ns + 1);
	gp_path(gp, name);
	fprintf(gp, " using i:xtic(1) title columnhead(i)\n");
	gp_run(file, gp);
}

static int dominated(int a)
{
	double ta = decode_mean(&groups[a]), ma = peak_gb(&groups[a]);
	int g;

	for (g = 0; g < n_groups; g++) {
		double t = decode_mean(&groups[g]), m = peak_gb(&groups[g]);
		if (g != a && isfinite(t) && isfinite(m) && t >= ta && m <= ma &&
		    (t > ta || m < ma))
			return 1;
	}
	return 0;
}

/* Decode TPS against peak memory; the Pareto frontier joins the groups no
 * other beats on both. */
static void chart_pareto(void)
{
	FILE *d = asset("tps_vs_memory.csv"), *fr = asset("frontier.csv"), *gp;
	double xs[512], ys[512];
	int g, n = 0, i, k, points = 0;

	fprintf(d, "label,peak_gb,decode_tps\n");
	for (g = 0; g < n_groups; g++) {
		double t = decode_mean(&groups[g]), m = peak_gb(&groups[g]);
		if (!isfinite(t) || !isfinite(m))
			continue;
		csv_label(d, groups[g].key);
		fprintf(d, ",%.6g,%.6g\n", m, t);
		points++;
		if (!dominated(g) && n < 512) {
			xs[n] = m;
			ys[n++] = t;
		}
	}
	for (i = 1; i < n; i++) /* by memory */
		for (k = i; k > 0 && xs[k] < xs[k - 1]; k--) {
			double a = xs[k], b = ys[k];
			xs[k] = xs[k - 1], ys[k] = ys[k - 1];
			xs[k - 1] = a, ys[k - 1] = b;
		}
	fprintf(fr, "peak_gb,decode_tps\n");
	for (i = 0; i < n; i++)
		fprintf(fr, "%.6g,%.6g\n", xs[i], ys[i]);
	fclose(d);
	fclose(fr);
	if (points == 0)
		return;
	gp = gp_begin("tps_vs_memory", "Decode speed against peak memory "
		      "(up and left is better)", "peak memory (GB)", "decode tokens/s");
	/* room on the right and above for the point labels */
	fprintf(gp, "set yrange [0:*]\nset xrange [0:*]\n"
		"set offsets 0, graph 0.35, graph 0.08, 0\nplot ");
	gp_path(gp, "tps_vs_memory.csv");
	fprintf(gp, " every ::1 using 2:3 with points pt 7 ps 1.5 title 'group', ");
	gp_path(gp, "tps_vs_memory.csv");
	fprintf(gp, " every ::1 using 2:3:1 with labels offset 1,1 left notitle, ");
	gp_path(gp, "frontier.csv");
	fprintf(gp, " every ::1 using 1:2 with linespoints lw 2 dt 2 title 'Pareto frontier'\n");
	gp_run("tps_vs_memory", gp);
}

static void chart_concurrency(void)
{
	char name[64];
	int g, i, k = 0;
	double last;
	FILE *gp, *d;

	for (g = 0; g < n_groups; g++)
		k += n_levels(&groups[g]) > 1;
	if (k == 0)
		return;
	gp = gp_begin("concurrency", "Throughput against concurrent users "
		      "(solid: aggregate, dashed: per request)", "concurrent users",
		      "tokens/s");
	fprintf(gp, "set yrange [0:*]\nset key autotitle columnhead\nplot ");
	for (g = 0, k = 0; g < n_groups; g++) {
		const struct group *gr = &groups[g];
		if (n_levels(gr) < 2)
			continue;
		snprintf(name, sizeof name, "conc-%d.csv", ++k);
		d = asset(name);
		fprintf(d, "users,");
		csv_label(d, gr->key);
		fprintf(d, ",per_request\n");
		for (i = 0, last = -1; i < gr->n; i++) {
			double c = gr->runs[i]->conc;
			if (c == last || c <= 0 || gr->runs[i]->context)
				continue;
			last = c;
			fprintf(d, "%.0f,", c);
			csv_num(d, at_level(gr, c, "throughput.aggregate_tps"));
			fputc(',', d);
			csv_num(d, at_level(gr, c, "metrics.decode_tps.mean"));
			fputc('\n', d);
		}
		fclose(d);
		fprintf(gp, "%s", k > 1 ? ", " : "");
		gp_path(gp, name);
		fprintf(gp, " using 1:2 with linespoints lw 2 lc %d, ", k);
		gp_path(gp, name);
		fprintf(gp, " using 1:3 with linespoints dt 2 lc %d notitle", k);
	}
	fprintf(gp, "\n");
	gp_run("concurrency", gp);
}

/* The request spans of the first run with both a timeline and a
 * per_request list (agg --per-request), as bars along the bottom of the
 * memory chart: when each request was in flight. */
static void memory_spans(FILE *gp, double ymax)
{
	const cJSON *pr = NULL, *tl = NULL, *q;
	double t0 = INFINITY, t;
	int g, i, n = 0;
	FILE *d;

	for (g = 0; g < n_groups && !pr; g++)
		for (i = 0; i < groups[g].n && !pr; i++) {
			if (!is_summary_run(&groups[g], groups[g].runs[i]))
				continue;
			tl = jget_path(groups[g].runs[i]->doc, "memory.timeline");
			pr = jget_path(groups[g].runs[i]->doc, "per_request");
			if (!cJSON_IsArray(tl) || !cJSON_IsArray(pr) || !cJSON_GetArraySize(pr))
				pr = NULL;
		}
	if (pr == NULL)
		return;
	cJSON_ArrayForEach(q, pr)
		if (isfinite(t = num(q, "t_send")) && t < t0)
			t0 = t; /* the timeline counts from the first send */
	d = asset("spans.csv");
	fprintf(d, "start,length,row\n");
	cJSON_ArrayForEach(q, pr) {
		double e = num(q, "e2e_s");
		if (!isfinite(e) || cJSON_IsTrue(jget_path(q, "warmup")))
			continue;
		fprintf(d, "%.3f,%.3f,%d\n", num(q, "t_send") - t0, e, n % 8);
		n++;
	}
	fclose(d);
	fprintf(gp, ", ");
	gp_path(gp, "spans.csv");
	/* the header row is taken by "autotitle columnhead" */
	fprintf(gp, " using 1:(%.6g * (1 + $3)):2:(0) ", ymax * 0.012);
	fprintf(gp, 
		"with vectors nohead lw 3 lc rgb 'gray50' title 'requests of the "
		"first group (in flight)'");
}

/* The memory of each group's first run with a timeline, with its request
 * spans when the run JSON has them. */
static void chart_memory(void)
{
	char name[64];
	int g, i, k = 0;
	FILE *gp = NULL, *d;
	const cJSON *pt;
	double ymax = 0;

	for (g = 0; g < n_groups; g++) {
		const cJSON *tl = NULL;
		for (i = 0; i < groups[g].n && !cJSON_IsArray(tl); i++)
			tl = jget_path(groups[g].runs[i]->doc, "memory.timeline");
		if (!cJSON_IsArray(tl) || cJSON_GetArraySize(tl) == 0)
			continue;
		if (gp == NULL) {
			gp = gp_begin("memory", "Server memory during the run",
				      "seconds from the first request", "memory (MB)");
			fprintf(gp, "set yrange [0:*]\nset key autotitle columnhead\nplot ");
		}
		snprintf(name, sizeof name, "mem-%d.csv", ++k);
		d = asset(name);
		fprintf(d, "seconds,");
		csv_label(d, groups[g].key);
		fputc('\n', d);
		cJSON_ArrayForEach(pt, tl) {
			double y = num(cJSON_GetArrayItem(pt, 1), "");
			fprintf(d, "%.3f,%.3f\n", num(cJSON_GetArrayItem(pt, 0), ""), y);
			if (y > ymax)
				ymax = y;
		}
		fclose(d);
		fprintf(gp, "%s", k > 1 ? ", " : "");
		gp_path(gp, name);
		fprintf(gp, " using 1:2 with lines lw 2");
	}
	if (gp) {
		memory_spans(gp, ymax);
		fprintf(gp, "\n");
		gp_run("memory", gp);
	}
}

static void chart_context(void)
{
	const char *names[256];
	double tok[256];
	char name[64];
	int g, i, n, k = 0;
	FILE *gp, *d;

	if (!has_context_runs())
		return;
	gp = gp_begin("context", "Prefill speed against context length",
		      "prompt tokens", "prefill tokens/s");
	fprintf(gp, "set logscale x 2\nset yrange [0:*]\nset key autotitle columnhead\nplot ");
	for (g = 0; g < n_groups; g++) {
		n = context_rows(&groups[g], names, tok, 256);
		if (n < 2)
			continue;
		snprintf(name, sizeof name, "ctx-%d.csv", ++k);
		d = asset(name);
		fprintf(d, "prompt_tokens,");
		csv_label(d, groups[g].key);
		fputc('\n', d);
		for (i = 0; i < n; i++) {
			fprintf(d, "%.0f,", tok[i]);
			csv_num(d, prompt_mean(&groups[g], names[i], "prefill_tps"));
			fputc('\n', d);
		}
		fclose(d);
		fprintf(gp, "%s", k > 1 ? ", " : "");
		gp_path(gp, name);
		fprintf(gp, " using 1:2 with linespoints lw 2");
	}
	fprintf(gp, "\n");
	gp_run("context", gp);
}

static void make_charts(void)
{
	if (strcmp(opt_charts, "none") == 0 || n_groups == 0)
		return;
	if (!(have_gnuplot = fio_in_path("gnuplot"))) {
		diag_warn("gnuplot not found: the report has tables only");
		return;
	}
	if (mkdir(assets_dir, 0777) != 0 && errno != EEXIST)
		diag_die(EXIT_RUNTIME, "%s: %s", assets_dir, strerror(errno));
	chart_bars("decode_tps", "Decode speed by quantization (higher is better)",
		   "decode tokens/s", decode_mean, 1);
	chart_bars("ttft", "Time to first token by quantization (lower is better)",
		   "TTFT p50 (ms)", ttft_p50, 1e3);
	chart_pareto();
	chart_concurrency();
	chart_memory();
	chart_context();
}

/* ---- CSV export and main --------------------------------------------------- */

static void write_csv(void)
{
	FILE *f;
	char tmp[1200];
	int g, i;
	struct stats_sum d;

	if (opt_csv == NULL)
		return;
	snprintf(tmp, sizeof tmp, "%s.tmp", opt_csv);
	if ((f = fopen(tmp, "w")) == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", tmp, strerror(errno));
	for (i = 0; i < n_by; i++) {
		csv_fwrite(f, by_fields[i], strlen(by_fields[i]));
		fputc(',', f);
	}
	fprintf(f, "runs,load_s,peak_gb,delta_gb,decode_tps,decode_ci95_lo,"
		"decode_ci95_hi,ttft_p50_s,ttft_p95_s,prefill_tps,tps_per_gb,"
		"error_rate,quality_rate\n");
	for (g = 0; g < n_groups; g++) {
		const struct group *gr = &groups[g];
		for (i = 0; i < n_by; i++) {
			csv_fwrite(f, gr->field[i], strlen(gr->field[i]));
			fputc(',', f);
		}
		pool(gr, "metrics.decode_tps", &d);
		double v[] = {gr->n, mean_of(gr, "load.seconds"), peak_gb(gr),
			      max_of(gr, "memory.delta_bytes") / 1e9,
			      d.n ? d.mean : NAN, d.n ? d.ci_lo : NAN, d.n ? d.ci_hi : NAN,
			      ttft_p50(gr), mean_of(gr, "metrics.ttft_s.p95"),
			      mean_of(gr, "metrics.prefill_tps.mean"), tps_per_gb(gr),
			      error_rate(gr), quality_rate(gr)};
		for (i = 0; i < (int)(sizeof v / sizeof v[0]); i++) {
			if (i)
				fputc(',', f);
			if (isfinite(v[i]))
				fprintf(f, "%.6g", v[i]);
		}
		fputc('\n', f);
	}
	if (fclose(f) != 0 || rename(tmp, opt_csv) != 0)
		diag_die(EXIT_RUNTIME, "%s: %s", opt_csv, strerror(errno));
}

static void usage(int code)
{
	diag_usage(code,
		"usage: report [-o reports/report.md] [--by model,quant,backend,LABEL...] "
		"[--baseline SELECTOR]\n"
		"              [--charts png|svg|none] [--csv file] [--title text] "
		"[results/*.json | dir]...\n",
		tool_help);
}

static void parse_by(char *s)
{
	n_by = args_list("--by", s, by_fields, MAX_FIELDS);
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", 1, 0, 'o'}, {"by", 1, 0, 'b'}, {"baseline", 1, 0, 'B'},
		{"charts", 1, 0, 'c'}, {"csv", 1, 0, 'C'}, {"title", 1, 0, 't'},
		{"help", 0, 0, 'h'}, {0, 0, 0, 0}
	};
	int c;

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': opt_out = optarg; break;
		case 'b': parse_by(optarg); break;
		case 'B': opt_baseline = optarg; break;
		case 'c':
			if (strcmp(optarg, "png") && strcmp(optarg, "svg") &&
			    strcmp(optarg, "none"))
				diag_die(EXIT_USAGE, "--charts %s: want png, svg or none",
					 optarg);
			opt_charts = optarg;
			break;
		case 'C': opt_csv = optarg; break;
		case 't': opt_title = optarg; break;
		case 'h': usage(EXIT_OK); break;
		default: usage(EXIT_USAGE);
		}
	}
}

/* reports/report.md -> reports/report-assets (charts and their data). */
static void set_assets(void)
{
	size_t n = strlen(opt_out);
	const char *slash;

	if (n > 3 && strcmp(opt_out + n - 3, ".md") == 0)
		n -= 3;
	snprintf(assets_dir, sizeof assets_dir, "%.*s-assets", (int)n, opt_out);
	slash = strrchr(assets_dir, '/');
	snprintf(assets_rel, sizeof assets_rel, "%.511s", slash ? slash + 1 : assets_dir);
}

int main(int argc, char **argv)
{
	int i;

	clock_init();
	diag_init(argv[0]);
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, exit 1 */
	parse_args(argc, argv);
	/* the report's charts go beside it in NAME-assets/: a device or a pipe
	 * (/dev/full, as root) would get a directory made next to it */
	/* gnuplot reads the charts' paths inside quoted strings, where a line
	 * break would end the string and run the rest as commands */
	for (const char *c = opt_out; strcmp(opt_charts, "none") != 0 && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			diag_die(EXIT_USAGE, "-o: the path has a control character, "
				 "which cannot reach gnuplot safely (--charts none "
				 "writes no chart)");
	struct stat st;
	if (stat(opt_out, &st) == 0 && !S_ISREG(st.st_mode))
		diag_die(EXIT_USAGE, "-o %s: not a regular file (the report "
			 "writes its charts beside it)", opt_out);
	set_assets();
	if (optind == argc)
		load_path("results");
	for (i = optind; i < argc; i++)
		load_path(argv[i]);
	build_groups();
	if (n_groups == 0)
		diag_die(EXIT_RUNTIME, "no readable run JSON files");
	make_charts();
	jw_init(&md);
	write_header();
	write_summary();
	write_per_prompt();
	write_concurrency();
	write_context();
	write_baseline();
	write_recommendations();
	write_outputs();
	chart("memory", "Server memory during the runs");
	write_runs();
	if (md.oom) /* never an empty or cut report with exit 0 */
		diag_die(EXIT_RUNTIME, "%s: out of memory writing the report", opt_out);
	if (fio_write_atomic(opt_out, jw_cstr(&md), strlen(jw_cstr(&md)), 0) != 0)
		diag_die(EXIT_RUNTIME, "%s: %s", opt_out, strerror(errno));
	write_csv();
	fprintf(stderr, "report: wrote %s (%d group%s, %d chart%s)\n", opt_out,
		n_groups, n_groups == 1 ? "" : "s", n_charts, n_charts == 1 ? "" : "s");
	jw_free(&md);
	for (i = 0; i < n_runs; i++) {
		cJSON_Delete(runs[i].doc);
		free(runs[i].path);
	}
	for (i = 0; i < n_groups; i++)
		free(groups[i].runs);
	free(groups);
	return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
}
