/* mdbench: the "Community figures" section in llama-bench's shape (mdbench.h).
 */
#include "mdbench.h"

#include <math.h>

#include "md.h"
#include "runkind.h"

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

/* A size as llama-bench prints it: MiB below a GiB, else GiB. */
static void c_size(const struct md_at *at)
{
	double b = row_of(at)->size_bytes;

	if (isnan(b))
		md_out(at->w, "?");
	else if (b < 1024.0 * 1024 * 1024)
		md_out(at->w, "%.2f MiB", b / (1024.0 * 1024));
	else
		md_out(at->w, "%.2f GiB", b / (1024.0 * 1024 * 1024));
}

/* Parameters as llama-bench prints them: M below a billion, else B. */
static void c_params(const struct md_at *at)
{
	double p = row_of(at)->params;

	if (isnan(p))
		md_out(at->w, "?");
	else if (p < 1e9)
		md_out(at->w, "%.2f M", p / 1e6);
	else
		md_out(at->w, "%.2f B", p / 1e9);
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

void mdbench_write(jw *md, const struct bd_table *t)
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
}
