/* mdbench: the "Community figures" section in llama-bench's shape (mdbench.h).
 */
#include "mdbench.h"

#include <math.h>

#include "md.h"
#include "runkind.h"

/* A size as llama-bench prints it: MiB below a GiB, else GiB. */
static void size_cell(jw *md, double b)
{
	if (isnan(b))
		md_out(md, " ? |");
	else if (b < 1024.0 * 1024 * 1024)
		md_out(md, " %.2f MiB |", b / (1024.0 * 1024));
	else
		md_out(md, " %.2f GiB |", b / (1024.0 * 1024 * 1024));
}

/* Parameters as llama-bench prints them: M below a billion, else B. */
static void params_cell(jw *md, double p)
{
	if (isnan(p))
		md_out(md, " ? |");
	else if (p < 1e9)
		md_out(md, " %.2f M |", p / 1e6);
	else
		md_out(md, " %.2f B |", p / 1e9);
}

/* llama-bench's "t/s" cell: mean ± sd. */
static void fig_cell(jw *md, const struct bd_fig *f)
{
	if (f->n > 0 && !isnan(f->mean))
		md_out(md, " %.2f ± %.2f |", f->mean,
		       isnan(f->sd) ? 0.0 : f->sd);
	else
		md_out(md, " – |");
}

static void row(jw *md, const struct bd_table *t, const struct bd_row *w)
{
	md_out(md, "| ");
	md_cell(md, w->model, 60);
	md_out(md, " |");
	size_cell(md, w->size_bytes);
	params_cell(md, w->params);
	md_out(md, " ");
	md_cell(md, w->backend, 40);
	md_out(md, " |");
	if (w->threads > 0)
		md_out(md, " %ld |", w->threads);
	else
		md_out(md, " ? |");
	md_out(md, " %s%s |", w->test, w->exact ? "" : " ⚠");
	fig_cell(md, &w->served);
	fig_cell(md, &w->server);
	if (t->has_lb) {
		fig_cell(md, &w->inproc);
		if (isnan(w->ratio))
			md_out(md, " – |");
		else
			md_out(md, " %.2f |", w->ratio);
	}
	md_out(md, "\n");
}

void mdbench_write(jw *md, const struct bd_table *t)
{
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
	md_out(md,
	       "| model | size | params | backend | threads | test | t/s | "
	       "server t/s |%s\n",
	       t->has_lb ? " llama-bench t/s | served / in-process |" : "");
	md_out(md, "|---|--:|--:|---|--:|--:|--:|--:|%s\n",
	       t->has_lb ? "--:|--:|" : "");
	for (int i = 0; i < t->n; i++) {
		row(md, t, &t->row[i]);
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
