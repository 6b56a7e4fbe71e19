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

static void size_cell(jw *md, double bytes)
{
	char b[64];

	mdbench_size_text(b, sizeof b, bytes);
	md_out(md, " %s |", b);
}

static void params_cell(jw *md, double p)
{
	char b[64];

	mdbench_params_text(b, sizeof b, p);
	md_out(md, " %s |", b);
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

void mdbench_write(jw *md, const struct bd_table *t, const char *chart)
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
	if (chart)
		md_out(md, "\n![t/s against depth, served%s](%s)\n",
		       t->has_lb ? " and in-process" : "", chart);
}

/* A side's "mean ± sd" (sd "?" unknown). */
static void ts_cell(jw *md, const struct bc_rec *r)
{
	if (isfinite(r->sd))
		md_out(md, " %.2f ± %.2f |", r->avg, r->sd);
	else
		md_out(md, " %.2f |", r->avg);
}

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
	md_out(md, "| Model | Test | t/s ");
	md_cell(md, a, 80);
	md_out(md, " | t/s ");
	md_cell(md, b, 80);
	md_out(md, " | Speedup | 95 %% interval |\n"
		   "|---|--:|--:|--:|--:|--:|\n");
	for (int i = 0; i < t->n; i++) {
		const struct bc_row *w = &t->row[i];
		md_out(md, "| ");
		md_cell(md, w->model, 60);
		md_out(md, " | %s |", w->test);
		ts_cell(md, &w->a);
		ts_cell(md, &w->b);
		if (isfinite(w->s.ratio))
			md_out(md, " %.2f |", w->s.ratio);
		else
			md_out(md, " – |");
		if (isnan(w->s.lo))
			md_out(md, " – |\n");
		else
			md_out(md, " %.2f–%.2f |\n", w->s.lo, w->s.hi);
	}
	compare_notes(md, t, a, b);
}
