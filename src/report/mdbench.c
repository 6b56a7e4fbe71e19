/* mdbench: the "Community figures" section in llama-bench's shape (mdbench.h).
 */
#include "mdbench.h"

#include <math.h>
#include <stdio.h>

#include "md.h"
#include "runkind.h"

void mdbench_size_text(char *b, size_t n, double bytes)
{
	if (isnan(bytes))
		snprintf(b, n, "?");
	else if (bytes < 1024.0 * 1024 * 1024)
		snprintf(b, n, "%.2f MiB", bytes / (1024.0 * 1024));
	else
		snprintf(b, n, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
}

void mdbench_params_text(char *b, size_t n, double p)
{
	if (isnan(p))
		snprintf(b, n, "?");
	else if (p < 1e9)
		snprintf(b, n, "%.2f M", p / 1e6);
	else
		snprintf(b, n, "%.2f B", p / 1e9);
}

/* llama-bench's right-aligned column, in its own shape. */
#define LB_RIGHT "--:"

static const struct bd_row *row_of(const struct md_at *at)
{
	return at->row;
}

static void c_model(const struct md_at *at)
{
	md_cell(at->w, row_of(at)->model, 60);
}

static void c_size(const struct md_at *at)
{
	char b[64];

	mdbench_size_text(b, sizeof b, row_of(at)->size_bytes);
	md_out(at->w, "%s", b);
}

static void c_params(const struct md_at *at)
{
	char b[64];

	mdbench_params_text(b, sizeof b, row_of(at)->params);
	md_out(at->w, "%s", b);
}

static void c_backend(const struct md_at *at)
{
	md_cell(at->w, row_of(at)->backend, 40);
}

static void c_threads(const struct md_at *at)
{
	if (row_of(at)->threads > 0)
		md_out(at->w, "%ld", row_of(at)->threads);
	else
		md_out(at->w, "?");
}

static void c_test(const struct md_at *at)
{
	md_out(at->w, "%s%s", row_of(at)->test, row_of(at)->exact ? "" : " ⚠");
}

/* llama-bench's "t/s" cell: mean ± sd. */
static void fig_cell(jw *md, const struct bd_fig *f)
{
	if (f->n > 0 && !isnan(f->mean))
		md_out(md, "%.2f ± %.2f", f->mean, isnan(f->sd) ? 0.0 : f->sd);
	else
		md_out(md, "–");
}

static void c_served(const struct md_at *at)
{
	fig_cell(at->w, &row_of(at)->served);
}
static void c_server(const struct md_at *at)
{
	fig_cell(at->w, &row_of(at)->server);
}
static void c_inproc(const struct md_at *at)
{
	fig_cell(at->w, &row_of(at)->inproc);
}

static void c_ratio(const struct md_at *at)
{
	if (isnan(row_of(at)->ratio))
		md_out(at->w, "–");
	else
		md_out(at->w, "%.2f", row_of(at)->ratio);
}

/* llama-bench's own columns, when its JSON was given. */
static int when_lb(const struct md_at *at)
{
	return ((const struct bd_table *)at->ctx)->has_lb;
}

static const struct md_col cols[] = {
    {.title = "model", .align = MD_LEFT, .cell = c_model},
    {.title = "size", .align = LB_RIGHT, .cell = c_size},
    {.title = "params", .align = LB_RIGHT, .cell = c_params},
    {.title = "backend", .align = MD_LEFT, .cell = c_backend},
    {.title = "threads", .align = LB_RIGHT, .cell = c_threads},
    {.title = "test", .align = LB_RIGHT, .cell = c_test},
    {.title = "t/s", .align = LB_RIGHT, .cell = c_served},
    {.title = "server t/s", .align = LB_RIGHT, .cell = c_server},
    {.title = "llama-bench t/s",
     .align = LB_RIGHT,
     .cell = c_inproc,
     .shown = when_lb},
    {.title = "served / in-process",
     .align = LB_RIGHT,
     .cell = c_ratio,
     .shown = when_lb},
};

void mdbench_write(jw *md, const struct bd_table *t, const char *chart)
{
	const struct md_table tab = MD_TABLE(cols, t);
	int inexact = 0;

	if (t->n == 0)
		return;
	md_out(
	    md,
	    "\n## Community figures\n\n"
	    "llama-bench's tests through the server (`make community`, `gen "
	    "--bench`): "
	    "t/s is the mean ± sample standard deviation over the repetitions; "
	    "pp is the prompt's tokens over the time to the first token less "
	    "the "
	    "request latency, tg is (N − 1) over the first-to-last token span "
	    "(docs/metrics.md, Community figures). *server* is the server's "
	    "own "
	    "figure of the same requests.%s\n\n",
	    t->has_lb
		? " *llama-bench* is llama-bench's in-process figure of the "
		  "same test, and *served / in-process* the ratio of the means."
		: "");
	md_table_head(md, &tab);
	for (int i = 0; i < t->n; i++) {
		md_table_row(md, &tab, &t->row[i]);
		inexact += !t->row[i].exact;
	}
	for (int i = 0; i < t->n && inexact; i++)
		if (!t->row[i].exact)
			md_out(md, "\n⚠ %s of %s: %s.", t->row[i].test,
			       t->row[i].model, t->row[i].note);
	if (t->has_lb && t->lb_unmatched)
		md_out(md,
		       "\n\n%d of llama-bench's tests have no served run of "
		       "the same "
		       "test.",
		       t->lb_unmatched);
	md_out(md, "\n");
	if (chart)
		md_out(md, "\n![t/s against depth, served%s](%s)\n",
		       t->has_lb ? " and in-process" : "", chart);
}

/* The --compare-bench table: a row per test in both files (a bc_row);
 * its context names the two files. */
struct cmp_ctx {
	const char *a, *b;
};

static const struct bc_row *cmp_of(const struct md_at *at)
{
	return at->row;
}

/* A side's "mean ± sd" (sd "?" unknown). */
static void ts_cell(jw *md, const struct bc_rec *r)
{
	if (isfinite(r->sd))
		md_out(md, "%.2f ± %.2f", r->avg, r->sd);
	else
		md_out(md, "%.2f", r->avg);
}

static void h_cmp_a(const struct md_at *at)
{
	md_out(at->w, "t/s ");
	md_cell(at->w, ((const struct cmp_ctx *)at->ctx)->a, 80);
}
static void h_cmp_b(const struct md_at *at)
{
	md_out(at->w, "t/s ");
	md_cell(at->w, ((const struct cmp_ctx *)at->ctx)->b, 80);
}
static void c_cmp_model(const struct md_at *at)
{
	md_cell(at->w, cmp_of(at)->model, 60);
}
static void c_cmp_test(const struct md_at *at)
{
	md_out(at->w, "%s", cmp_of(at)->test);
}
static void c_cmp_a(const struct md_at *at)
{
	ts_cell(at->w, &cmp_of(at)->a);
}
static void c_cmp_b(const struct md_at *at)
{
	ts_cell(at->w, &cmp_of(at)->b);
}
static void c_cmp_ratio(const struct md_at *at)
{
	if (isfinite(cmp_of(at)->s.ratio))
		md_out(at->w, "%.2f", cmp_of(at)->s.ratio);
	else
		md_out(at->w, "–");
}
static void c_cmp_interval(const struct md_at *at)
{
	const struct stats_ratio *s = &cmp_of(at)->s;

	if (isnan(s->lo))
		md_out(at->w, "–");
	else
		md_out(at->w, "%.2f–%.2f", s->lo, s->hi);
}

static const struct md_col cmp_cols[] = {
    {.title = "Model", .align = MD_LEFT, .cell = c_cmp_model},
    {.title = "Test", .align = LB_RIGHT, .cell = c_cmp_test},
    {.align = LB_RIGHT, .cell = c_cmp_a, .head = h_cmp_a},
    {.align = LB_RIGHT, .cell = c_cmp_b, .head = h_cmp_b},
    {.title = "Speedup", .align = LB_RIGHT, .cell = c_cmp_ratio},
    {.title = "95 % interval", .align = LB_RIGHT, .cell = c_cmp_interval},
};

static void compare_notes(jw *md, const struct bc_table *t, const char *a,
			  const char *b)
{
	if (t->by_test)
		md_out(md, "\nEach file names one model, under other names: "
			   "its tests are matched by test alone.\n");
	if (t->no_reps)
		md_out(md,
		       "\n%d test%s without an interval: a file does not say "
		       "its repetitions (llama-bench's CSV; use -o json), or "
		       "there was one.\n",
		       t->no_reps, t->no_reps == 1 ? "" : "s");
	if (t->dups)
		md_out(md,
		       "\n%d test%s appear more than once in a file (other "
		       "settings): not compared.\n",
		       t->dups, t->dups == 1 ? "" : "s");
	if (t->a_left)
		md_out(md, "\n%d test%s of %s are not in %s.\n", t->a_left,
		       t->a_left == 1 ? "" : "s", a, b);
	if (t->b_left)
		md_out(md, "\n%d test%s of %s are not in %s.\n", t->b_left,
		       t->b_left == 1 ? "" : "s", b, a);
}

void mdbench_compare(jw *md, const struct bc_table *t, const char *a,
		     const char *b)
{
	const struct cmp_ctx c = {a, b};
	const struct md_table tab = MD_TABLE(cmp_cols, &c);

	md_table_head(md, &tab);
	for (int i = 0; i < t->n; i++)
		md_table_row(md, &tab, &t->row[i]);
	compare_notes(md, t, a, b);
}
