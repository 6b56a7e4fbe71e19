/* mdreport: the report's Markdown (see mdreport.h).  Sections format the
 * data layer's figures; nothing here computes a statistic. */
#include "mdreport.h"
#include "slo.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "formats.h"
#include "md.h"
#include "mdmoe.h"
#include "mdquality.h"
#include "orderfx.h"
#include "powsec.h"
#include "runkind.h"
#include "verdict.h"

#define OUTPUT_CHARS 300
#define QUALITY_MIN_CHECKED 10 /* outputs checked for a pass rate to count */

/* The report being written (one at a time). */
static jw *M;
static const struct mdreport *R;
static const struct rd_set *S;
static const struct decision *D;
static char dir[PATH_MAX]; /* the report's directory, resolved once */
static int have_dir;	   /* -1: not yet; 0: unresolvable; 1: in dir */

/* Whether any group's server told its model file's size. */
static int any_model_size(void)
{
	for (int i = 0; i < S->ng; i++)
		if (S->g[i].sum.model_gb.n)
			return 1;
	return 0;
}

static void out(const char *fmt, ...) MD_PRINTF(1, 2);

static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	md_vout(M, fmt, ap); /* formatted once, into the report */
	va_end(ap);
}

static void cell(const char *s, size_t max)
{
	md_cell(M, s, max);
}
static void gb(double v)
{
	md_gb(M, v * 1e9);
} /* GB as the tables write it */
static void numcell(double v, int prec)
{
	md_num(M, v, prec);
}

static const char *shown_path(const char *path, char *buf, size_t n);

static int marks(const struct rd_group *g, int *old)
{
	int i, inc = 0;

	*old = 0;
	for (i = 0; i < g->n; i++) {
		inc |= g->runs[i]->incomplete;
		*old |= g->runs[i]->version < FMT_RUN_VERSION_FULL;
	}
	return inc;
}

/* The group's name as a Markdown cell, with its marks. */
static void group_cell(const struct rd_group *g)
{
	int old, inc = marks(g, &old);

	cell(g->key, 120);
	if (inc)
		out(" †");
	if (old)
		out(" ‡");
}

static void chart(const char *file, const char *alt)
{
	char path[1200];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s.%s", R->assets_dir, file,
		 R->chart_fmt);
	if (stat(path, &st) == 0)
		out("![%s](%s/%s.%s)\n\n", alt, R->assets_rel, file,
		    R->chart_fmt);
}

/* A pick whose runs slowed or ran throttled is still a pick, but its
 * figures are not the machine's sustained speed: said beside it. */
static void pick_drift(const struct rd_group *g)
{
	int f = g ? rd_group_drifted(g) : 0;

	if (f == 0)
		return;
	out("; note: %s%s%s while it ran (Summary), so these figures are not "
	    "its sustained speed",
	    f & RD_SLOWED ? "its decode slowed" : "",
	    f == (RD_SLOWED | RD_THROTTLED) ? " and " : "",
	    f & RD_THROTTLED ? "its machine was throttled" : "");
}

/* The group a pick ties with is picked as much: its drift said too. */
static void tie_drift(const struct rd_group *g)
{
	int f = rd_group_drifted(g);

	if (f == 0)
		return;
	out("; note: ");
	cell(g->key, 120);
	out("%s%s%s while it ran (Summary), so its figures are not its "
	    "sustained speed",
	    f & RD_SLOWED ? " slowed" : "",
	    f == (RD_SLOWED | RD_THROTTLED) ? " and" : "",
	    f & RD_THROTTLED ? " ran throttled" : "");
}

/* The pick's quality after its figures, when any group was graded, and
 * the faster or smaller group passed over for it. */
static void pick_quality(const struct rd_group *g, const struct decide_pick *p,
			 const char *better)
{
	pick_drift(g);
	if (g && mdq_measured(S))
		mdq_beside(M, g);
	if (p->over) {
		out(".");
		mdq_over(M, p->over, better);
		out("\n");
		return;
	}
	out(".\n");
}

/* A ratio with its CI and verdict, e.g. "1.18× (95 % CI 1.12–1.25,
 * Holm p < 0.001, 10 pairs)"; a tie says so. */
static void ratio_text(const struct rd_cmp *c)
{
	if (c->why_not) {
		out("not compared: %s", c->why_not);
		return;
	}
	out("%.2f×", c->r.ratio);
	if (c->p_adj < 0) {
		out(" (%zu pair%s: too few to test)", c->r.n,
		    c->r.n == 1 ? "" : "s");
		return;
	}
	if (c->r.lo == c->r.hi)
		out(" (every pair the same ratio");
	else
		out(" (95 %% CI %.2f–%.2f", c->r.lo, c->r.hi);
	if (c->p_adj < 0.001)
		out(", Holm p < 0.001");
	else
		out(", Holm p = %.3f", c->p_adj);
	out(", %zu %s)", c->r.n,
	    c->runs >= 2 ? "run pairs"
	    : c->by_prompt
		? "pairs; a run without per_request paired its prompts' means"
		: "request pairs");
}

static void say_interactive(const struct decide_pick *p)
{
	out("- **One interactive user:** ");
	if (p->best == NULL) {
		out("none: no group that may be picked (not one that failed or "
		    "did not fit, "
		    "below) has decode TPS on the common workload.\n");
		return;
	}
	if (p->has_cmp && !p->cmp.why_not && p->cmp.verdict == VD_TIE) {
		cell(p->best->key, 120);
		out(" and ");
		cell(p->next->key, 120);
		out(" **tie** (%.1f and %.1f tok/s; ", p->best->sum.decode.mean,
		    p->next->sum.decode.mean);
		ratio_text(&p->cmp);
		out(")");
		tie_drift(p->next);
		pick_quality(p->best, p, "faster");
		return;
	}
	cell(p->best->key, 120);
	out(" — decode %.1f tok/s, TTFT ", p->best->sum.decode.mean);
	numcell(p->best->sum.ttft.v * 1e3, 0);
	out(" ms (prompt `");
	cell(p->best->sum.ttft_prompt, 40);
	out("`)");
	if (p->next) {
		out("; ahead of ");
		cell(p->next->key, 120);
		out(" by ");
		ratio_text(&p->cmp);
	}
	pick_quality(p->best, p, "faster");
}

static void say_memory(const struct decide_pick *p)
{
	out("- **Memory-bound (smallest steady-state memory):** ");
	if (p->best == NULL) {
		out("no memory was sampled.\n");
		return;
	}
	cell(p->best->key, 120);
	out(" — ");
	gb(p->best->sum.steady_gb.v);
	out(" GB");
	if (p->best->sum.model_gb.n) {
		out(" (model file ");
		gb(p->best->sum.model_gb.v);
		out(" GB)");
	}
	out(" at %.1f tok/s (", p->best->sum.decode.mean);
	numcell(p->best->sum.tps_per_gb.v, 3);
	out(" TPS/GB)");
	if (p->next) {
		out("%s", p->tie ? "; a **tie** with " : "; next: ");
		cell(p->next->key, 120);
		out(" at ");
		gb(p->next->sum.steady_gb.v);
		out(" GB");
		if (p->tie)
			out(" (within 1 %%)");
	}
	pick_quality(p->best, p, "smaller");
}

/* "holds 5 users; at 6 the TTFT p95 is 4.2 s (objective at most 3 s)" */
static void capacity_text(const struct rd_capacity *c)
{
	const struct rd_caplv *b = NULL;
	char why[200];
	int i;

	for (i = 0; i < c->n; i++)
		if (c->lv[i].users == (c->undecided ? c->undecided : c->breaks))
			b = &c->lv[i];
	if (c->undecided) {
		out("undecided at %d user%s (", c->undecided,
		    c->undecided == 1 ? "" : "s");
		cell(b && b->worst ? b->worst : "?", 80);
		out(" had too few values); holds %d so far", c->holds);
		return;
	}
	if (c->breaks == 0) {
		out("holds at least %d user%s (the most searched)", c->holds,
		    c->holds == 1 ? "" : "s");
		return;
	}
	out("holds **%d user%s**; at %d user%s the ", c->holds,
	    c->holds == 1 ? "" : "s", c->breaks, c->breaks == 1 ? "" : "s");
	if (b && b->metric >= 0) {
		slo_describe(why, sizeof why, (enum slo_metric)b->metric,
			     b->pct, b->value, b->bound);
		cell(why, 200);
	} else {
		out("objectives broke");
	}
}

/* One search's level in a tie: "held with attainment 100 % (84-100 %)". */
static void tie_level(const struct rd_group *g, const char *slo, int u)
{
	const struct rd_caplv *l = decide_cap_level(rd_capacity_of(g, slo), u);

	cell(g->key, 120);
	out(" %s with attainment %.0f %% (%.0f-%.0f %%)",
	    verdict_slo_name(l->st), 100 * l->att, 100 * l->att_lo,
	    100 * l->att_hi);
}

/* Why two capacities tie, and what picked between them. */
static void say_tie(const struct decide_pick *p)
{
	const struct rd_capacity *a = rd_capacity_of(p->best, p->slo);
	const struct rd_capacity *b = rd_capacity_of(p->next, p->slo);

	if (p->tie_at) {
		out(": at %d user%s ", p->tie_at, p->tie_at == 1 ? "" : "s");
		tie_level(p->best, p->slo, p->tie_at);
		out(" and ");
		tie_level(p->next, p->slo, p->tie_at);
		out(", intervals that overlap");
	} else {
		out(": the same users held");
	}
	if (p->tie_by) {
		out("; picked by goodput at %d user%s, the most both held "
		    "(%.1f against %.1f tokens/s)",
		    p->tie_by, p->tie_by == 1 ? "" : "s",
		    decide_cap_level(a, p->tie_by)->tps,
		    decide_cap_level(b, p->tie_by)->tps);
	} else {
		out("; picked by the users held");
	}
}

static void say_users_capacity(const struct decide_pick *p)
{
	out("- **Several users** (at ");
	cell(p->slo, 200);
	out(", make capacity): ");
	cell(p->best->key, 120);
	out(" ");
	capacity_text(rd_capacity_of(p->best, p->slo));
	if (p->next) {
		out("; ");
		out(p->tie ? "a **tie** with " : "ahead of ");
		cell(p->next->key, 120);
		out(", which ");
		capacity_text(rd_capacity_of(p->next, p->slo));
		if (p->tie)
			say_tie(p);
	}
	pick_quality(p->best, p, "ahead in users");
}

static void say_users(const struct decide_pick *p)
{
	const struct rd_level *l;

	if (p->slo && p->best) {
		say_users_capacity(p);
		return;
	}
	out("- **Several users:** ");
	if (p->best == NULL) {
		out("not compared: no concurrency level above 1 that every "
		    "candidate "
		    "ran on the same workload.\n");
		return;
	}
	l = rd_level_of(p->best, p->wl, p->level);
	cell(p->best->key, 120);
	out(" — at %.0f users %.1f tok/s in all, %.1f per user, ", p->level,
	    l->agg_tps.v, l->decode.mean);
	if (rd_pct_ok(95, l->e2e_p95.n)) {
		out("E2E p95 ");
		md_num(M, l->e2e_p95.v, 2);
	} else { /* too few requests for a p95: the median, said so */
		out("E2E median ");
		md_num(M, l->e2e_p50.v, 2);
	}
	out(" s (n %zu)", l->e2e_p95.n);
	if (p->next) {
		double a = decide_agg_at(p->best, p->wl, p->level),
		       b = decide_agg_at(p->next, p->wl, p->level);
		out("; ahead of ");
		cell(p->next->key, 120);
		out(" by %.1f %% (one aggregate figure per run: no test)",
		    (a / b - 1) * 100);
	}
	pick_quality(p->best, p, "faster with several users");
}

static void say_quality(void)
{
	const struct rd_group *top = NULL;
	double lo = INFINITY, hi = -INFINITY, q;
	int g, n = 0;

	for (g = 0; g < S->ng; g++) {
		const struct rd_group *gr = &S->g[g];
		q = gr->sum.quality.v;
		if (!isfinite(q) || gr->sum.quality.n < QUALITY_MIN_CHECKED ||
		    !decide_eligible(gr))
			continue;
		n++;
		lo = q < lo ? q : lo;
		hi = q > hi ? q : hi;
		if (top == NULL || q > top->sum.quality.v)
			top = gr;
	}
	if (n < 2)
		out("- **Expect checks:** not compared: it needs prompts with "
		    "`expect` checks and "
		    "at least %d checked outputs in two or more groups.\n",
		    QUALITY_MIN_CHECKED);
	else if (hi == lo)
		out("- **Expect checks:** no difference: every group passed "
		    "%.0f %% of its expect "
		    "checks.\n",
		    hi * 100);
	else {
		out("- **Highest expect pass rate:** ");
		cell(top->key, 120);
		out(" — %.0f %% of %zu checked outputs (the lowest: %.0f %%); "
		    "a pass rate, "
		    "never weighed against speed.\n",
		    hi * 100, top->sum.quality.n, lo * 100);
	}
}

static void say_failures(void)
{
	int g, i, any = 0;

	for (g = 0; g < S->ng; g++) {
		const struct rd_group *gr = &S->g[g];
		double er = gr->sum.error_all.v;
		int old, inc = marks(gr, &old), leak = 0;
		int nofit = rd_group_nofit(gr);
		for (i = 0; i < gr->n; i++)
			leak |= gr->runs[i]->leak.judged &&
				gr->runs[i]->leak.verdict == VD_LEAK_SUSPECTED;
		if (!(er > 0) && !inc && !gr->sum.load_failed && !leak &&
		    !nofit)
			continue;
		if (!any++)
			out("- **Failed or did not fit:**\n");
		out("  - ");
		cell(gr->key, 120);
		out(": ");
		if (er > 0) {
			int first = 1;
			out("%.1f %% of requests failed (", er * 100);
			for (i = 0; i < gr->n; i++)
				for (int k = 0; k < gr->runs[i]->nfailed; k++) {
					out("%s", first ? "" : ", ");
					cell(gr->runs[i]->failed[k].name, 40);
					out(" %d", gr->runs[i]->failed[k].n);
					first = 0;
				}
			out(")");
		}
		if (gr->sum.load_failed)
			out("%sthe model load failed", er > 0 ? "; " : "");
		if (inc)
			out("%sa run was cut short",
			    er > 0 || gr->sum.load_failed ? "; " : "");
		if (leak) /* the server's memory grew: below, with both slopes
			   */
			out("%sits memory grew: a leak is suspected (Memory "
			    "over the requests)",
			    er > 0 || gr->sum.load_failed || inc ? "; " : "");
		if (nofit) /* its speed is a paging machine's: never picked */
			out("%sthe machine's swap grew by %.1f GB while it "
			    "ran: it did not fit "
			    "in memory, and is not picked",
			    er > 0 || gr->sum.load_failed || inc || leak ? "; "
									 : "",
			    gr->sum.swap_gb.v);
		out(".\n");
	}
	for (i = 0; i < S->nruns; i++)
		if (S->runs[i].doc == NULL) {
			char rel[PATH_MAX];
			if (!any++)
				out("- **Failed or did not fit:**\n");
			out("  - ");
			cell(shown_path(S->runs[i].path, rel, sizeof rel), 200);
			out(": unreadable, %s.\n", S->runs[i].why);
		}
}

static void write_answer(void)
{
	int m, unmeasured = 0;

	out("## The answer\n\nPicked from the Summary's workload (");
	cell(S->primary_name, 200);
	out("), like for like; a group whose error rate is 5 %% or more, or "
	    "that did not fit "
	    "in memory (the machine's swap grew by more than %d GB while it "
	    "ran), is never "
	    "picked. ",
	    RD_NOFIT_GB);
	out("A margin is the paired ratio of the two groups' requests (same "
	    "prompt, same "
	    "repetition), with its 95 %% confidence interval and Holm's "
	    "correction over "
	    "every comparison in this report; a margin the interval does not "
	    "separate "
	    "from 1, or under 2 %%, is a **tie**. ");
	if (mdq_measured(S))
		out("A quantization over its model's quality budget (Quality, "
		    "below) is "
		    "never picked; each pick's graded accuracy is beside "
		    "it, and its mean KL divergence from the reference "
		    "where it was measured (teacher-forced, else from "
		    "logprobs).\n\n");
	else
		out("Quality was not measured (no run has graded answers: make "
		    "quality), so "
		    "the picks weigh speed and memory alone.\n\n");
	for (m = 0; m <= D->n_models; m++) {
		const struct decide_pick *p = D->picks[m];
		if (m == D->n_models && D->n_models < 2)
			break;
		out("### ");
		if (m == D->n_models)
			out("Across models\n\n");
		else {
			cell(D->models[m][0] ? D->models[m] : "All groups",
			     120);
			out("\n\n");
		}
		say_interactive(&p[USE_INTERACTIVE]);
		say_memory(&p[USE_MEMORY]);
		say_users(&p[USE_USERS]);
		unmeasured |= p[USE_USERS].best == NULL;
		out("\n");
	}
	out("### Quality and failures\n\n");
	say_quality();
	say_failures();
	out("\n**Not measured here:** ");
	if (unmeasured)
		out("several users for some models; ");
	if (!any_model_size())
		out("the model files' size (no server told it; memory is the "
		    "server's, "
		    "sampled); ");
	out("%s", mdq_unmeasured(S));
}

/* ---- the evidence
 * ------------------------------------------------------------ */

static void write_header(void)
{
	int all = S->nruns - S->nunreadable, sim = 0, i;

	for (i = 0; i < S->nruns; i++)
		sim += S->runs[i].doc && S->runs[i].simulated;
	out("# ");
	cell(R->title, 200);
	out("\n\n%d run%s in %d group%s, grouped by ", all, all == 1 ? "" : "s",
	    S->ng, S->ng == 1 ? "" : "s");
	for (i = 0; i < S->nby; i++) {
		out("%s", i ? ", " : "");
		cell(S->by[i], 40);
	}
	out(". Metrics are defined in tokbench's docs/metrics.md. † marks a "
	    "group with an "
	    "incomplete run, ‡ one with a run in an older format.\n\n");
	if (sim == all && sim > 0)
		out("> **Simulated.** All %d runs measured llmsim, tokbench's "
		    "scripted server, "
		    "not a real model: every number comes from the simulator's "
		    "profiles, not "
		    "from hardware.\n\n",
		    sim);
	else if (sim > 0)
		out("> **Partly simulated.** %d of the %d runs measured "
		    "llmsim, tokbench's "
		    "scripted server, not a real model (marked (simulated) in "
		    "the Runs table): "
		    "their numbers come from the simulator's profiles, not "
		    "from hardware.\n\n",
		    sim, all);
}

/* One run by name: its group, workload, users and file (a group has
 * several runs: its workloads, levels, soaks). */
static void run_name(const struct rd_run *r)
{
	cell(r->key, 120);
	out(" (");
	cell(r->wl_name, 200);
	if (r->conc > 0)
		out("; %g user%s; ", r->conc, r->conc == 1 ? "" : "s");
	else
		out("; open loop; ");
	cell(strrchr(r->path, '/') ? strrchr(r->path, '/') + 1 : r->path, 120);
	out(")");
}

/* A slope and its interval: "4.20 (95 % CI 3.90 to 4.50)". */
static void slope_cell(const struct rd_slope *sl)
{
	/* a slope may be negative (memory given back): signed, not "bad" */
	if (isfinite(sl->v) && fabs(sl->v) < 1e15)
		out("%.2f", sl->v);
	else
		numcell(sl->v, 2);
	if (!isnan(sl->lo) && !isnan(sl->hi))
		out(" (95 %% CI %.2f to %.2f)", sl->lo, sl->hi);
}

/* agg's leak verdict of every run: the runs that suspect a leak, cannot
 * tell or could not be judged are named, the others counted. */
static void write_leaks(void)
{
	int i, judged = 0, named = 0;

	for (i = 0; i < S->nruns; i++) {
		const struct rd_run *r = &S->runs[i];
		const struct rd_leak *lk = &r->leak;
		enum verdict_leak v = lk->verdict;
		if (!lk->judged)
			continue;
		if (v != VD_LEAK_SUSPECTED && v != VD_LEAK_ERROR &&
		    v != VD_LEAK_INCONCLUSIVE) {
			judged += v == VD_LEAK_NONE;
			continue;
		}
		if (named++ == 0)
			out("**Memory over the requests** (agg's leak check: "
			    "the growth per request "
			    "and per minute, each with its 95 %% interval, "
			    "against 1 MB and 10 MB; "
			    "docs/metrics.md):\n\n");
		out("- ");
		run_name(r);
		if (v == VD_LEAK_ERROR) {
			out(": no verdict: ");
			cell(lk->error, 200);
			out("\n");
			continue;
		}
		out(": **%s**, ", verdict_leak_name(v));
		slope_cell(&lk->per_request);
		out(" MB per request, ");
		slope_cell(&lk->per_minute);
		out(" MB per minute (r² ");
		numcell(lk->r2, 2);
		out(")%s\n", v != VD_LEAK_INCONCLUSIVE
				 ? ""
				 : ": more requests would tell");
	}
	if (named > 0)
		out("\n");
	if (judged > 0)
		out("%s%d run%s with enough requests (8 or more) showed no "
		    "leak.\n\n",
		    named ? "The other " : "Memory: ", judged,
		    judged == 1 ? "" : "s");
}

/* The machine's memory in the Summary (rundata): wired at its peak,
 * compressed and swap by their growth. */
#define NSYS 3
static const char *const sys_head[NSYS] = {
    "wired GB (peak)", "compressed GB (peak growth)", "swap GB (peak growth)"};

static const struct rd_fig *sys_fig(const struct rd_summary *s, int k)
{
	return k == 0 ? &s->wired_gb : k == 1 ? &s->compressed_gb : &s->swap_gb;
}

/* Which of them the Summary shows: those above 0 in some group of it
 * (none on Linux, which has no wired or compressed memory and rarely
 * swaps).  Returns how many. */
static int sys_columns(int show[NSYS])
{
	int i, k, n = 0;

	for (k = 0; k < NSYS; k++) {
		show[k] = 0;
		for (i = 0; i < S->ng; i++)
			show[k] |=
			    S->g[i].base && sys_fig(&S->g[i].sum, k)->v > 0;
		n += show[k];
	}
	return n;
}

/* The runs whose swap grew past RD_NOFIT_GB: their speed is not that of a
 * model that fits (docs/metrics.md). */
static void write_nofit(void)
{
	int i, n = 0;

	for (i = 0; i < S->nruns; i++) {
		const struct rd_run *r = &S->runs[i];
		/* a figure no machine can have decides nothing: its cell says
		 * "bad value" */
		if (r->doc == NULL || !rd_nofit(r) ||
		    !md_plausible(r->swap_gb * 1e9))
			continue;
		out("%s- ",
		    n++ ? ""
			: "**Did not fit in memory** (the machine's swap grew "
			  "by more than 1 GB while the run ran; "
			  "docs/metrics.md):\n\n");
		run_name(r);
		out(": swap grew by ");
		gb(r->swap_gb);
		out(" GB while it ran: the model did not fit in the memory "
		    "left free, so "
		    "its speed is not the speed of a model that fits\n");
	}
	if (n > 0)
		out("\n");
}

/* One run's sustained-speed and throttle flags, after its name. */
static void drift_text(const struct rd_run *r, int f)
{
	const struct rd_drift *d = &r->drift;

	if (f & RD_SLOWED) {
		out(": decode slowed, its last third at %.2f× the first "
		    "third's speed",
		    d->ratio.v);
		if (isfinite(d->ratio.lo))
			out(" (95 %% CI %.2f–%.2f)", d->ratio.lo, d->ratio.hi);
	}
	if (d->throttled_share > 0)
		out("%s the machine was throttled for %.0f %% of the run",
		    f & RD_SLOWED ? ";" : ":", d->throttled_share * 100);
	if (d->thermal_max >= THERMAL_SERIOUS)
		out("%s the machine's thermal state reached %s",
		    f & RD_SLOWED || d->throttled_share > 0 ? ";" : ":",
		    formats_thermal_name(d->thermal_max));
	out(".\n");
}

/* The runs that slowed as they ran or whose machine was throttled: their
 * speed is not the machine's sustained speed (docs/metrics.md). */
static void write_drift(void)
{
	int i, n = 0;

	for (i = 0; i < S->nruns; i++) {
		const struct rd_run *r = &S->runs[i];
		int f = r->doc ? rd_drifted(r) : 0;
		if (f == 0)
			continue;
		out("%s- ", n++ ? ""
				: "**Slowed or throttled while it ran** "
				  "(docs/metrics.md, Sustained speed; its "
				  "figures are not the machine's sustained "
				  "speed):\n\n");
		run_name(r);
		drift_text(r, f);
	}
	if (n > 0)
		out("\n");
}

/* ---- the Summary table: a declared list of columns ---------------------- */

/* What the Summary's optional columns depend on, found once per report. */
static struct {
	int files, srv, any_ttfo, nsys, show[NSYS];
} SUM;

/* The summary of the group a row is. */
static const struct rd_summary *sum_of(const struct md_at *at)
{
	return &((const struct rd_group *)at->row)->sum;
}

static void c_group(const struct md_at *at)
{
	group_cell(at->row);
}
static void c_runs(const struct md_at *at)
{
	out("%d", sum_of(at)->runs);
}

static void c_load(const struct md_at *at)
{
	const struct rd_summary *s = sum_of(at);

	if (s->load_failed)
		out("failed");
	else
		numcell(s->load_s.v, 2);
	if (!s->load_failed && s->srv_load_s.n) { /* the server's own, beside */
		out(" (server ");
		numcell(s->srv_load_s.v, 2);
		out(")");
	}
}

static void c_file(const struct md_at *at)
{
	gb(sum_of(at)->model_gb.v);
}
static void c_steady(const struct md_at *at)
{
	gb(sum_of(at)->steady_gb.v);
}
static void c_peak(const struct md_at *at)
{
	gb(sum_of(at)->peak_gb.v);
}
static void c_sys(const struct md_at *at)
{
	gb(sys_fig(sum_of(at), at->k)->v);
}
static void c_decode(const struct md_at *at)
{
	md_mean(M, &sum_of(at)->decode, 2);
}

static void c_srv_decode(const struct md_at *at)
{
	const struct rd_summary *s = sum_of(at);

	numcell(s->srv_decode.v, 2);
	if (isfinite(s->srv_decode.v) && s->srv_decode.v > 0) {
		out(" (");
		numcell(s->decode.mean / s->srv_decode.v, 3);
		out(")");
	}
}

static void c_ttft(const struct md_at *at)
{
	const struct rd_summary *s = sum_of(at);

	numcell(s->ttft.v * 1e3, 1);
	if (s->ttft_prompt) {
		out(" (");
		cell(s->ttft_prompt, 30);
		out(")");
	}
}

static void c_ttfo(const struct md_at *at)
{
	md_pct_fig(M, &sum_of(at)->ttfo_p50, 50, 1e3, 1);
}

static void c_prefill(const struct md_at *at)
{
	const struct rd_summary *s = sum_of(at);

	numcell(s->prefill.v, 1);
	if (isfinite(s->prefill.v))
		out(" (%.0f tok)", s->prefill_tokens);
}

static void c_tps_gb(const struct md_at *at)
{
	numcell(sum_of(at)->tps_per_gb.v, 3);
}
static void c_errors(const struct md_at *at)
{
	md_pct(M, sum_of(at)->error_rate.v);
}

static int when_files(const struct md_at *at)
{
	(void)at;
	return SUM.files;
}
static int when_sys(const struct md_at *at)
{
	return SUM.show[at->k];
}
static int when_srv(const struct md_at *at)
{
	(void)at;
	return SUM.srv;
}
static int when_ttfo(const struct md_at *at)
{
	(void)at;
	return SUM.any_ttfo;
}
static int nsys(const void *ctx)
{
	(void)ctx;
	return NSYS;
}
static void sys_title(const struct md_at *at)
{
	out("%s", sys_head[at->k]);
}

/* The system columns repeat once per figure (sys_head), k its index. */
static const struct md_col sum_cols[] = {
    {.title = "group", .align = MD_LEFT, .cell = c_group},
    {.title = "runs", .align = MD_RIGHT, .cell = c_runs},
    {.title = "load s", .align = MD_RIGHT, .cell = c_load},
    {.title = "model file GB",
     .align = MD_RIGHT,
     .cell = c_file,
     .shown = when_files},
    {.title = "memory GB", .align = MD_RIGHT, .cell = c_steady},
    {.title = "largest peak GB", .align = MD_RIGHT, .cell = c_peak},
    {.align = MD_RIGHT,
     .cell = c_sys,
     .shown = when_sys,
     .repeat = nsys,
     .head = sys_title},
    {.title = "decode TPS", .align = MD_RIGHT, .cell = c_decode},
    {.title = "server's decode TPS (client / server)",
     .align = MD_RIGHT,
     .cell = c_srv_decode,
     .shown = when_srv},
    {.title = "TTFT ms", .align = MD_RIGHT, .cell = c_ttft},
    {.title = "TTFO p50 ms",
     .align = MD_RIGHT,
     .cell = c_ttfo,
     .shown = when_ttfo},
    {.title = "prefill TPS", .align = MD_RIGHT, .cell = c_prefill},
    {.title = "TPS/GB", .align = MD_RIGHT, .cell = c_tps_gb},
    {.title = "J/token",
     .align = MD_RIGHT,
     .cell = powsec_cell_jpt,
     .shown = powsec_shown},
    {.title = "mean W",
     .align = MD_RIGHT,
     .cell = powsec_cell_w,
     .shown = powsec_shown},
    {.title = "errors", .align = MD_RIGHT, .cell = c_errors},
};

static void summary_intro(void)
{
	out("## Summary\n\nEvery group on the same workload (");
	cell(S->primary_name, 200);
	out(") at its lowest concurrency. Decode TPS: mean ± 95 %% CI, over "
	    "the runs' means "
	    "when there are 2 or more runs (run-to-run variation), else over "
	    "one run's "
	    "requests (n). Load: the client's seconds, the server's own beside "
	    "them where it "
	    "gives one. TTFT: mean over the requests of the workload's "
	    "shortest prompt, "
	    "named in the cell. Memory: steady state, the median sample while "
	    "requests ran "
	    "(not the load, not a context or concurrency peak); the largest "
	    "peak of any run "
	    "beside it.%s TPS/GB: decode TPS over the steady-state GB.%s "
	    "Prefill: at the "
	    "longest context prompt the group ran (its length in the "
	    "cell).\n\n",
	    SUM.nsys ? " The machine's memory while the runs ran (the largest "
		       "of them): wired "
		       "at its peak; compressed and swap by how much they grew "
		       "from before the first "
		       "request to their peak."
		     : "",
	    SUM.srv ? " The server's decode TPS, where it reports one "
		      "(llama-server timings, "
		      "LM Studio stats, Ollama durations), is its own figure "
		      "over the same requests, "
		      "with the client's over it (below 1 on short outputs: "
		      "docs/metrics.md)."
		    : "");
}

/* The groups with no run of the Summary's workload at one user. */
static void summary_missing(void)
{
	int i, missing = 0;

	for (i = 0; i < S->ng; i++) {
		if (S->g[i].base)
			continue;
		out("%s", missing++
			      ? ", "
			      : "Not in this table, having run no request of "
				"its workload at one user (their runs are "
				"under Other workloads, Failed "
				"or Runs): ");
		cell(S->g[i].key, 120);
	}
	if (missing)
		out(".\n\n");
}

static void write_summary(void)
{
	const struct md_table t = MD_TABLE(sum_cols, NULL);
	int i;

	memset(&SUM, 0, sizeof SUM);
	SUM.files = any_model_size();
	SUM.nsys = sys_columns(SUM.show);
	for (i = 0; i < S->ng; i++) {
		SUM.any_ttfo |= S->g[i].sum.reasoning_tokens > 0;
		SUM.srv |= S->g[i].sum.srv_decode.n > 0;
	}
	summary_intro();
	md_table_head(M, &t);
	for (i = 0; i < S->ng; i++)
		if (S->g[i].base) /* the others are named below the table */
			md_table_row(M, &t, &S->g[i]);
	out("\n");
	summary_missing();
	write_nofit();
	write_leaks();
	write_drift();
	chart("decode_tps", "Decode speed by quantization");
	chart("ttft", "Time to first token by quantization");
	chart("tps_vs_memory", "Decode speed against steady-state memory");
	for (i = 0; i < R->nnumbered;
	     i++) { /* the points with no room for a name */
		out("%s%d: ", i ? "; " : "Numbered points on the chart above: ",
		    R->numbered[i][1]);
		cell(S->g[R->numbered[i][0]].key, 120);
		out("%s", i == R->nnumbered - 1 ? ".\n\n" : "");
	}
}

/* ---- the tables of levels: Other workloads, Concurrency ----------------- */

/* A row about a group: the group and what of it the row is. */
struct grow {
	const struct rd_group *g;
	const struct rd_level *lv;  /* a level's row */
	const struct rd_prompt *pp; /* a prompt's row */
};

static const struct rd_level *lv_of(const struct md_at *at)
{
	return ((const struct grow *)at->row)->lv;
}

static void c_grow_group(const struct md_at *at)
{
	group_cell(((const struct grow *)at->row)->g);
}
static void c_users(const struct md_at *at)
{
	if (lv_of(at)->conc > 0)
		out("%.0f", lv_of(at)->conc);
	else
		out("open loop");
}
static void c_lv_runs(const struct md_at *at)
{
	out("%d", lv_of(at)->n);
}
static void c_lv_requests(const struct md_at *at)
{
	out("%zu", lv_of(at)->nreq);
}
static void c_lv_decode(const struct md_at *at)
{
	md_mean(M, &lv_of(at)->decode, 2);
}
static void c_lv_agg(const struct md_at *at)
{
	numcell(lv_of(at)->agg_tps.v, 2);
}
static void c_lv_per_request(const struct md_at *at)
{
	numcell(lv_of(at)->decode.mean, 2);
}
static void c_lv_scaling(const struct md_at *at)
{
	numcell(lv_of(at)->scaling, 2);
}
static void c_lv_efficiency(const struct md_at *at)
{
	numcell(lv_of(at)->efficiency, 2);
}
static void c_lv_ttft50(const struct md_at *at)
{
	md_pct_fig(M, &lv_of(at)->ttft_p50, 50, 1e3, 1);
}
static void c_lv_ttft95(const struct md_at *at)
{
	md_pct_fig(M, &lv_of(at)->ttft_p95, 95, 1e3, 1);
}
static void c_lv_e2e50(const struct md_at *at)
{
	md_pct_fig(M, &lv_of(at)->e2e_p50, 50, 1, 3);
}
static void c_lv_e2e95(const struct md_at *at)
{
	md_pct_fig(M, &lv_of(at)->e2e_p95, 95, 1, 3);
}
static void c_lv_e2e99(const struct md_at *at)
{
	md_pct_fig(M, &lv_of(at)->e2e_p99, 99, 1, 3);
}
static void c_lv_fairness(const struct md_at *at)
{
	numcell(lv_of(at)->fairness.v, 3);
}
static void c_lv_queue95(const struct md_at *at)
{
	md_pct_fig(M, &lv_of(at)->queue_p95, 95, 1e3, 1);
}
static void c_lv_errors(const struct md_at *at)
{
	md_pct(M, lv_of(at)->error_rate.v);
}

static const struct md_col other_cols[] = {
    {.title = "group", .align = MD_LEFT, .cell = c_grow_group},
    {.title = "users", .align = MD_RIGHT, .cell = c_users},
    {.title = "runs", .align = MD_RIGHT, .cell = c_lv_runs},
    {.title = "decode TPS", .align = MD_RIGHT, .cell = c_lv_decode},
    {.title = "TTFT p50 ms", .align = MD_RIGHT, .cell = c_lv_ttft50},
    {.title = "E2E p50 s", .align = MD_RIGHT, .cell = c_lv_e2e50},
    {.title = "E2E p95 s", .align = MD_RIGHT, .cell = c_lv_e2e95},
    {.title = "errors", .align = MD_RIGHT, .cell = c_lv_errors},
};

static const struct md_col conc_cols[] = {
    {.title = "users", .align = MD_RIGHT, .cell = c_users},
    {.title = "runs", .align = MD_RIGHT, .cell = c_lv_runs},
    {.title = "requests", .align = MD_RIGHT, .cell = c_lv_requests},
    {.title = "aggregate TPS", .align = MD_RIGHT, .cell = c_lv_agg},
    {.title = "per-request TPS", .align = MD_RIGHT, .cell = c_lv_per_request},
    {.title = "scaling", .align = MD_RIGHT, .cell = c_lv_scaling},
    {.title = "efficiency", .align = MD_RIGHT, .cell = c_lv_efficiency},
    {.title = "E2E p50 s", .align = MD_RIGHT, .cell = c_lv_e2e50},
    {.title = "E2E p95 s", .align = MD_RIGHT, .cell = c_lv_e2e95},
    {.title = "E2E p99 s", .align = MD_RIGHT, .cell = c_lv_e2e99},
    {.title = "TTFT p95 ms", .align = MD_RIGHT, .cell = c_lv_ttft95},
    {.title = "fairness", .align = MD_RIGHT, .cell = c_lv_fairness},
    {.title = "queue p95 ms", .align = MD_RIGHT, .cell = c_lv_queue95},
    {.title = "errors", .align = MD_RIGHT, .cell = c_lv_errors},
};

/* Whether workload wl of group g is the first of its key in the report:
 * each other workload has one table, headed where it first appears. */
static int first_of_key(int g, int w)
{
	const char *key = S->g[g].wl[w].key;

	for (int k = 0; k <= g; k++)
		for (int w2 = 0; w2 < (k == g ? w : S->g[k].nwl); w2++)
			if (!strcmp(S->g[k].wl[w2].key, key))
				return 0;
	return 1;
}

/* One other workload's table: every group's levels of it. */
static void other_table(const struct rd_wl *wl)
{
	const struct md_table t = MD_TABLE(other_cols, NULL);

	out("### ");
	cell(wl->name, 200);
	out("\n\n");
	md_table_head(M, &t);
	for (int k = 0; k < S->ng; k++)
		for (int w = 0; w < S->g[k].nwl; w++) {
			const struct rd_wl *x = &S->g[k].wl[w];
			if (strcmp(x->key, wl->key))
				continue;
			for (int l = 0; l < x->nlv; l++) {
				struct grow row = {&S->g[k], &x->lv[l], NULL};
				md_table_row(M, &t, &row);
			}
		}
	out("\n");
}

/* The other closed-loop workloads at one user (coder prompts, mixed
 * lengths): a table each, never mixed into the Summary. */
static void write_other_workloads(void)
{
	int g, w, done = 0;

	for (g = 0; g < S->ng; g++)
		for (w = 0; w < S->g[g].nwl; w++) {
			const struct rd_wl *wl = &S->g[g].wl[w];
			if (wl->kind == RD_CONTEXT || wl->prompts == 0 ||
			    !strcmp(wl->key, S->primary) || !first_of_key(g, w))
				continue;
			if (!done++)
				out("## Other workloads\n\nEach compared only "
				    "within itself: "
				    "groups on the same prompts, output limit "
				    "and settings.\n\n");
			other_table(wl);
		}
}

/* Every prompt name of the Summary's runs, in order of first appearance. */
static int prompt_names(const char **names, int cap)
{
	int g, r, n = 0, k;

	for (g = 0; g < S->ng; g++)
		for (r = 0; S->g[g].base && r < S->g[g].base->n; r++)
			for (int i = 0; i < S->g[g].base->runs[r]->nprompt;
			     i++) {
				const char *p =
				    S->g[g].base->runs[r]->prompt[i].name;
				for (k = 0; k < n && strcmp(names[k], p); k++)
					;
				if (k == n && n < cap)
					names[n++] = p;
			}
	return n;
}

static struct rd_fig base_prompt(const struct rd_group *g, const char *prompt,
				 enum rd_metric metric)
{
	if (g->base == NULL)
		return (struct rd_fig){NAN, 0};
	return rd_prompt_mean(g->base->runs, g->base->n, prompt, metric);
}

/* The Per prompt table: a row per prompt (the row is its name), a column
 * per group. */
static void c_prompt(const struct md_at *at)
{
	cell(at->row, 60);
}
static void c_prompt_group(const struct md_at *at)
{
	const struct rd_group *g = &S->g[at->k];

	numcell(base_prompt(g, at->row, RD_DECODE).v, 1);
	out(" / ");
	numcell(base_prompt(g, at->row, RD_TTFT).v * 1e3, 0);
}
static int ngroups(const void *ctx)
{
	(void)ctx;
	return S->ng;
}
static void group_title(const struct md_at *at)
{
	group_cell(&S->g[at->k]);
}

static const struct md_col prompt_cols[] = {
    {.title = "prompt", .align = MD_LEFT, .cell = c_prompt},
    {.align = MD_RIGHT,
     .cell = c_prompt_group,
     .repeat = ngroups,
     .head = group_title},
};

static void write_per_prompt(void)
{
	const struct md_table t = MD_TABLE(prompt_cols, NULL);
	const char *names[256];
	int n = prompt_names(names, 256), i;

	if (n == 0)
		return;
	out("## Per prompt\n\nDecode TPS (mean) / TTFT (mean, ms) of each "
	    "prompt of the "
	    "Summary's workload, at the lowest concurrency.\n\n");
	md_table_head(M, &t);
	for (i = 0; i < n; i++)
		md_table_row(M, &t, names[i]);
	out("\n");
}

static void write_concurrency_wl(const struct rd_group *g,
				 const struct rd_wl *w)
{
	const struct md_table t = MD_TABLE(conc_cols, NULL);

	out("### ");
	cell(g->key, 120);
	out(" — ");
	cell(w->name, 200);
	out("\n\n");
	md_table_head(M, &t);
	for (int i = 0; i < w->nlv; i++) {
		struct grow row = {g, &w->lv[i], NULL};
		md_table_row(M, &t, &row);
	}
	out("\n");
}

static void write_concurrency(void)
{
	int g, w, any = 0;

	for (g = 0; g < S->ng; g++)
		for (w = 0; w < S->g[g].nwl; w++) {
			if (S->g[g].wl[w].nlv < 2 ||
			    S->g[g].wl[w].kind == RD_CONTEXT)
				continue;
			if (!any++)
				out("## Concurrency\n\nEach table is one "
				    "workload at every level "
				    "it ran (the same prompts in the same "
				    "proportions), so the "
				    "levels differ by load alone. Aggregate "
				    "TPS: all users "
				    "together, from the first request sent to "
				    "the last token, "
				    "prefill and the gaps between requests "
				    "included (so at one "
				    "user it is below the per-request decode "
				    "TPS); per-request "
				    "TPS: what each user gets; scaling: "
				    "aggregate TPS over the "
				    "first row's; efficiency: scaling over the "
				    "growth in users (1 "
				    "is linear); fairness: Jain's index of "
				    "per-request TPS. A "
				    "percentile shows as — with its n when n "
				    "cannot support it "
				    "(p95 needs 20 values, p99 100).\n\n");
			write_concurrency_wl(&S->g[g], &S->g[g].wl[w]);
		}
	if (any)
		chart("concurrency",
		      "Aggregate and per-request throughput against users");
}

static const struct rd_prompt *pp_of(const struct md_at *at)
{
	return ((const struct grow *)at->row)->pp;
}

/* The Context length table: a row per prompt of a group's context run. */
static void c_pp_name(const struct md_at *at)
{
	cell(pp_of(at)->name, 60);
}
static void c_pp_tokens(const struct md_at *at)
{
	numcell(pp_of(at)->prompt_tokens, 0);
}
static void c_pp_ttft(const struct md_at *at)
{
	numcell(rd_prompt_mean(lv_of(at)->runs, lv_of(at)->n, pp_of(at)->name,
			       RD_TTFT)
		    .v,
		3);
}
static void c_pp_prefill(const struct md_at *at)
{
	numcell(rd_prompt_mean(lv_of(at)->runs, lv_of(at)->n, pp_of(at)->name,
			       RD_PREFILL)
		    .v,
		1);
}

static const struct md_col context_cols[] = {
    {.title = "group", .align = MD_LEFT, .cell = c_grow_group},
    {.title = "prompt", .align = MD_LEFT, .cell = c_pp_name},
    {.title = "prompt tokens", .align = MD_RIGHT, .cell = c_pp_tokens},
    {.title = "TTFT mean s", .align = MD_RIGHT, .cell = c_pp_ttft},
    {.title = "prefill TPS", .align = MD_RIGHT, .cell = c_pp_prefill},
};

static void write_context(void)
{
	const struct md_table t = MD_TABLE(context_cols, NULL);
	int g, w, i, any = 0;

	for (g = 0; g < S->ng; g++)
		for (w = 0; w < S->g[g].nwl; w++) {
			const struct rd_wl *wl = &S->g[g].wl[w];
			const struct rd_level *l = &wl->lv[0];
			if (wl->kind != RD_CONTEXT)
				continue;
			if (!any++) {
				out("## Context length\n\nTTFT and prefill "
				    "speed against the "
				    "prompt's length (prompt tokens as the "
				    "server counted "
				    "them), one user.\n\n");
				md_table_head(M, &t);
			}
			for (i = 0; l->n > 0 && i < l->runs[0]->nprompt; i++) {
				struct grow row = {&S->g[g], l,
						   &l->runs[0]->prompt[i]};
				md_table_row(M, &t, &row);
			}
		}
	if (any) {
		out("\n");
		chart("context", "Prefill speed against context length");
	}
}

static void ratio_cell(double r)
{
	if (isfinite(r))
		out("%.2f×", r);
	else
		out("—");
}

/* The Mixed workload's table: a row per class (an rd_mixclass), each
 * figure in the mix ([0]) beside alone ([1]). */
static const struct rd_mixclass *mc_of(const struct md_at *at)
{
	return at->row;
}
static void c_mc_name(const struct md_at *at)
{
	cell(mc_of(at)->name, 60);
}
static void c_mc_tokens(const struct md_at *at)
{
	numcell(mc_of(at)->out_tokens, 0);
}
static void c_mc_ttft_mix(const struct md_at *at)
{
	numcell(mc_of(at)->ttft[0].v, 3);
}
static void c_mc_ttft_alone(const struct md_at *at)
{
	numcell(mc_of(at)->ttft[1].v, 3);
}
static void c_mc_ttft_ratio(const struct md_at *at)
{
	ratio_cell(mc_of(at)->ttft[0].v / mc_of(at)->ttft[1].v);
}
static void c_mc_e2e_mix(const struct md_at *at)
{
	numcell(mc_of(at)->e2e[0].v, 2);
}
static void c_mc_e2e_alone(const struct md_at *at)
{
	numcell(mc_of(at)->e2e[1].v, 2);
}
static void c_mc_e2e_ratio(const struct md_at *at)
{
	ratio_cell(mc_of(at)->e2e[0].v / mc_of(at)->e2e[1].v);
}
static void c_mc_tps_mix(const struct md_at *at)
{
	numcell(mc_of(at)->tps[0].v, 1);
}
static void c_mc_tps_alone(const struct md_at *at)
{
	numcell(mc_of(at)->tps[1].v, 1);
}

static const struct md_col mix_cols[] = {
    {.title = "class", .align = MD_LEFT, .cell = c_mc_name},
    {.title = "output tokens", .align = MD_RIGHT, .cell = c_mc_tokens},
    {.title = "TTFT mix s", .align = MD_RIGHT, .cell = c_mc_ttft_mix},
    {.title = "alone s", .align = MD_RIGHT, .cell = c_mc_ttft_alone},
    {.title = "×", .align = MD_RIGHT, .cell = c_mc_ttft_ratio},
    {.title = "E2E mix s", .align = MD_RIGHT, .cell = c_mc_e2e_mix},
    {.title = "alone s", .align = MD_RIGHT, .cell = c_mc_e2e_alone},
    {.title = "×", .align = MD_RIGHT, .cell = c_mc_e2e_ratio},
    {.title = "per-request TPS mix", .align = MD_RIGHT, .cell = c_mc_tps_mix},
    {.title = "alone", .align = MD_RIGHT, .cell = c_mc_tps_alone},
};

/* One mix of a group: whether its shortest class starves, then the table. */
static void mix_table(const struct rd_group *g, const struct rd_mix *m)
{
	const struct md_table t = MD_TABLE(mix_cols, NULL);

	out("### ");
	cell(g->key, 120);
	out(" · %.0f user%s\n\n", m->conc, m->conc == 1 ? "" : "s");
	out("**The shortest class (");
	cell(m->c[0].name, 60);
	out(")%s** in the mix: TTFT ",
	    m->starved ? " starves" : " does not starve");
	ratio_cell(m->ttft_ratio);
	out(", E2E ");
	ratio_cell(m->e2e_ratio);
	out(" its own alone.\n\n");
	md_table_head(M, &t);
	for (int i = 0; i < m->n; i++)
		md_table_row(M, &t, &m->c[i]);
	out("\n");
}

/* The mixed workload (make mixed): each class in the mix beside the same
 * class alone at the same users, and whether the shortest starves. */
static void write_mixes(void)
{
	int g, k, any = 0;

	for (g = 0; g < S->ng; g++)
		for (k = 0; k < S->g[g].nmix; k++) {
			if (S->g[g].mix[k].n == 0)
				continue;
			if (!any++)
				out("## Mixed workload\n\nRequests of "
				    "different output lengths side "
				    "by side (make mixed), and each length "
				    "class alone at the same "
				    "number of users: a class whose TTFT or "
				    "E2E in the mix is %.1f "
				    "times its own alone or more **starves** "
				    "behind the longer ones "
				    "(docs/metrics.md). Means over each "
				    "class's requests; × is mix "
				    "over alone.\n\n",
				    RD_STARVED);
			mix_table(&S->g[g], &S->g[g].mix[k]);
		}
}

/* The Load times table: a row per load (an rd_load). */
static const struct rd_load *load_of(const struct md_at *at)
{
	return at->row;
}
static void c_load_rep(const struct md_at *at)
{
	out("%d", load_of(at)->rep);
}
static void c_load_cache(const struct md_at *at)
{
	out("%s", runkind_cache_str(load_of(at)->cache));
}
static void c_load_resident(const struct md_at *at)
{
	if (isfinite(load_of(at)->resident))
		out("%.0f %%", load_of(at)->resident * 100);
	else
		out("—");
}
static void c_load_seconds(const struct md_at *at)
{
	if (load_of(at)->error) {
		out("failed: ");
		cell(load_of(at)->error, 120);
	} else {
		numcell(load_of(at)->seconds, 2);
	}
}
static void c_load_server(const struct md_at *at)
{
	numcell(load_of(at)->server_s, 2);
}

static const struct md_col load_cols[] = {
    {.title = "load", .align = MD_RIGHT, .cell = c_load_rep},
    {.title = "page cache", .align = MD_LEFT, .cell = c_load_cache},
    {.title = "file cached", .align = MD_RIGHT, .cell = c_load_resident},
    {.title = "seconds", .align = MD_RIGHT, .cell = c_load_seconds},
    {.title = "server's own s", .align = MD_RIGHT, .cell = c_load_server},
};

/* One series of a group: cold against warm, then every load. */
static void load_table(const struct rd_group *g, const struct rd_loads *s)
{
	const struct md_table t = MD_TABLE(load_cols, NULL);

	out("### ");
	cell(g->key, 120);
	out("\n\n");
	if (isfinite(s->cold) && s->warm.n > 0)
		out("Cold **%.2f s**, warm **%.2f s** (median "
		    "of %zu): the page cache "
		    "saves %.0f %% of a load.\n\n",
		    s->cold, s->warm.v, s->warm.n,
		    (1 - s->warm.v / s->cold) * 100);
	md_table_head(M, &t);
	for (int i = 0; i < s->n; i++)
		md_table_row(M, &t, &s->l[i]);
	out("\n");
}

/* Each series of loads (make load): every load's seconds, the server's
 * own figure, and the page cache's hold on the model file before it. */
static void write_load_series(void)
{
	int g, k, any = 0;

	for (g = 0; g < S->ng; g++)
		for (k = 0; k < S->g[g].nloads; k++) {
			if (!any++)
				out("## Load times\n\nThe model loaded again "
				    "and again (make load): "
				    "each load's seconds as the client timed "
				    "them, the server's own "
				    "figure where it gives one, and how much "
				    "of the model file the "
				    "page cache held just before (cold under "
				    "10 %%, warm from 90 %%, "
				    "partial between: the OS may reclaim pages "
				    "of a file read seconds "
				    "before; unknown where the file was not "
				    "named or the OS does not "
				    "tell; docs/metrics.md).\n\n");
			load_table(&S->g[g], &S->g[g].loads[k]);
		}
}

/* A depth in tokens as a reader says it: 4k, 128k, 1,500. */
static void depth_text(double d)
{
	if (!isfinite(d))
		out("—");
	else if (d >= 1000 && fmod(d, 1000) == 0)
		out("%.0fk", d / 1000);
	else if (d >= 1000)
		out("%.0f,%03.0f", floor(d / 1000), fmod(d, 1000));
	else
		out("%.0f", d);
}

/* The Capacity table: a row per level searched (an rd_caplv). */
static const struct rd_caplv *cl_of(const struct md_at *at)
{
	return at->row;
}
static void c_cl_users(const struct md_at *at)
{
	out("%d", cl_of(at)->users);
}
static void c_cl_verdict(const struct md_at *at)
{
	out("%s", verdict_slo_name(cl_of(at)->st));
}
static void c_cl_worst(const struct md_at *at)
{
	const struct rd_caplv *l = cl_of(at);

	cell(l->st != VD_SLO_HELD && l->worst ? l->worst : "", 80);
}
static void c_cl_att(const struct md_at *at)
{
	out("%.0f %%", 100 * cl_of(at)->att);
}
static void c_cl_interval(const struct md_at *at)
{
	out("%.0f–%.0f %%", 100 * cl_of(at)->att_lo, 100 * cl_of(at)->att_hi);
}
static void c_cl_rate(const struct md_at *at)
{
	numcell(cl_of(at)->rate, 2);
}
static void c_cl_tps(const struct md_at *at)
{
	numcell(cl_of(at)->tps, 1);
}
static void c_cl_requests(const struct md_at *at)
{
	out("%ld", cl_of(at)->n);
}

static const struct md_col cap_cols[] = {
    {.title = "users", .align = MD_RIGHT, .cell = c_cl_users},
    {.title = "verdict", .align = MD_LEFT, .cell = c_cl_verdict},
    {.title = "the objective that broke", .align = MD_LEFT, .cell = c_cl_worst},
    {.title = "attainment", .align = MD_RIGHT, .cell = c_cl_att},
    {.title = "95 % interval", .align = MD_RIGHT, .cell = c_cl_interval},
    {.title = "goodput req/s", .align = MD_RIGHT, .cell = c_cl_rate},
    {.title = "goodput tok/s", .align = MD_RIGHT, .cell = c_cl_tps},
    {.title = "requests", .align = MD_RIGHT, .cell = c_cl_requests},
};

/* One capacity search of a group: its answer, then every level. */
static void capacity_table(const struct rd_group *g,
			   const struct rd_capacity *c)
{
	const struct md_table t = MD_TABLE(cap_cols, NULL);

	out("### ");
	cell(g->key, 120);
	out("\n\nAt ");
	cell(c->slo, 200);
	out(": ");
	capacity_text(c);
	out("%s\n\n",
	    c->finished ? "." : " (the search stopped before its answer).");
	md_table_head(M, &t);
	for (int i = 0; i < c->n; i++)
		md_table_row(M, &t, &c->lv[i]);
	out("\n");
}

/* Each capacity search (make capacity): the answer, then every level. */
static void write_capacity(void)
{
	int g, k, any = 0;

	for (g = 0; g < S->ng; g++)
		for (k = 0; k < S->g[g].ncap; k++) {
			if (!any++) {
				out("## Capacity\n\nHow many concurrent users "
				    "(closed loop) each "
				    "server holds at the service-level "
				    "objectives, and which "
				    "objective breaks first (make capacity; "
				    "docs/metrics.md, "
				    "Service levels). Attainment is the share "
				    "of requests that met "
				    "every objective, with its 95 %% interval; "
				    "goodput counts only "
				    "those requests.\n\n");
				chart("capacity",
				      "Attainment and goodput against users");
			}
			capacity_table(&S->g[g], &S->g[g].cap[k]);
		}
}

/* How the ladder's depths were counted: every rung's method, once. */
static void ladder_count_text(const struct rd_ladder *l)
{
	const char *m = NULL;
	int mixed = 0, inexact = 0;

	for (int i = 0; i < l->n; i++) {
		const char *c = l->r[i].count_method;
		if (c && !strcmp(c, "none")) /* refused before any count */
			c = NULL;
		if (c && m && strcmp(c, m))
			mixed = 1;
		if (c && !m)
			m = c;
		inexact += l->r[i].exact == 0;
	}
	if (m == NULL) {
		out("Each depth is the tokens asked for; the server's count is "
		    "in *prompt tokens*.\n\n");
		return;
	}
	out("Each depth is the whole prompt's tokens by the server's own "
	    "count (gen --prompt-tokens: a filler before the question, "
	    "brought to exactly the depth %s).",
	    mixed		     ? "by the server's tokenizer or its usage"
	    : !strcmp(m, "tokenize") ? "by the server's tokenizer, /tokenize"
	    : !strcmp(m, "usage")    ? "by the server's usage.prompt_tokens"
				     : "when it could be");
	if (inexact)
		out(" ⚠ marks a depth whose prompt was not exactly that many "
		    "tokens; its figures are of the prompt the server "
		    "counted.");
	out("\n\n");
}

/* The Context ladder's table: a row per rung (an rd_rung). */
static const struct rd_rung *rung_of(const struct md_at *at)
{
	return at->row;
}
static void c_rung_depth(const struct md_at *at)
{
	depth_text(rung_of(at)->depth);
}
static void c_rung_tokens(const struct md_at *at)
{
	numcell(rung_of(at)->prompt_tokens.v, 0);
	if (rung_of(at)->exact == 0)
		out(" ⚠");
}
static void c_rung_ok(const struct md_at *at)
{
	out("%.0f of %.0f", rung_of(at)->requests_ok, rung_of(at)->requests);
}
static void c_rung_ttft(const struct md_at *at)
{
	numcell(rung_of(at)->ttft.v, 3);
}
static void c_rung_prefill(const struct md_at *at)
{
	numcell(rung_of(at)->prefill.v, 1);
}
static void c_rung_decode(const struct md_at *at)
{
	numcell(rung_of(at)->decode.v, 2);
}
static void c_rung_mem(const struct md_at *at)
{
	numcell(rung_of(at)->mem_gb, 2);
}

static const struct md_col rung_cols[] = {
    {.title = "depth", .align = MD_RIGHT, .cell = c_rung_depth},
    {.title = "prompt tokens", .align = MD_RIGHT, .cell = c_rung_tokens},
    {.title = "requests ok", .align = MD_RIGHT, .cell = c_rung_ok},
    {.title = "TTFT mean s", .align = MD_RIGHT, .cell = c_rung_ttft},
    {.title = "prefill TPS", .align = MD_RIGHT, .cell = c_rung_prefill},
    {.title = "decode TPS", .align = MD_RIGHT, .cell = c_rung_decode},
    {.title = "peak memory GB", .align = MD_RIGHT, .cell = c_rung_mem},
};

/* One ladder of a group: the largest depth that worked and where it
 * stopped, then every rung. */
static void ladder_table(const struct rd_group *g, const struct rd_ladder *l)
{
	const struct md_table t = MD_TABLE(rung_cols, NULL);

	out("### ");
	cell(g->key, 120);
	out("\n\n**Largest depth that worked: ");
	depth_text(l->best);
	out("** tokens of the model's advertised ");
	depth_text(l->advertised);
	if (isfinite(l->loaded) && l->loaded != l->advertised) {
		out(" (loaded with ");
		depth_text(l->loaded);
		out(")");
	}
	if (l->stop) {
		out(". Stopped at ");
		depth_text(l->stop->depth);
		out(": ");
		cell(l->stop->why, 240);
		out(".\n\n");
	} else {
		out("; every depth asked worked.\n\n");
	}
	ladder_count_text(l);
	md_table_head(M, &t);
	for (int i = 0; i < l->n; i++)
		md_table_row(M, &t, &l->r[i]);
	out("\n");
}

/* Each context ladder (make ctx): every depth's figures, the largest that
 * worked beside the model's advertised context, and where and why it
 * stopped; a chart of the three against depth. */
static void write_ladders(void)
{
	int g, k, any = 0;

	for (g = 0; g < S->ng; g++)
		for (k = 0; k < S->g[g].nlad; k++) {
			if (!any++)
				out("## Context ladder\n\nOne question after "
				    "more and more tokens "
				    "of context (make ctx), one user, the "
				    "cache busted so that no "
				    "prefix is reused, climbing until a depth "
				    "fails or the model's "
				    "advertised context is reached. Prompt "
				    "tokens as the server "
				    "counted them; memory is the peak while "
				    "that depth ran.\n\n");
			ladder_table(&S->g[g], &S->g[g].lad[k]);
		}
	if (any)
		chart(
		    "ladder",
		    "TTFT, decode speed and memory against tokens of context");
}

/* Each leak soak: its requests, the verdict and both slopes, and the
 * memory of every soak over time. */
static void write_soaks(void)
{
	int i, any = 0;

	for (i = 0; i < S->nruns; i++) {
		const struct rd_run *r = &S->runs[i];
		const struct rd_leak *lk = &r->leak;
		if (!rd_is_soak(r))
			continue;
		if (!any++)
			out("## Leak soaks\n\nMany requests in a new random "
			    "order each pass (make "
			    "leak), memory sampled throughout. The growth per "
			    "request and per "
			    "minute, each with its 95 %% interval, against 1 "
			    "MB and 10 MB "
			    "(docs/metrics.md).\n\n");
		out("- ");
		cell(r->key, 120);
		out(", %.0f requests: ", r->req_measured);
		if (!lk->judged) {
			out("memory was not sampled.\n");
			continue;
		}
		out("**%s**", verdict_leak_name(lk->verdict));
		if (lk->error) {
			out(": ");
			cell(lk->error, 200);
			out("\n");
			continue;
		}
		out(", ");
		slope_cell(&lk->per_request);
		out(" MB per request, ");
		slope_cell(&lk->per_minute);
		out(" MB per minute.\n");
	}
	if (any) {
		out("\n");
		chart("soak", "Server memory over each leak soak");
	}
}

/* A row of a Baseline table: a metric of the baseline (b) and of the
 * candidate (c), scaled, and their paired comparison; x NULL for the
 * steady-state memory, one figure per run (in GB, with no test). */
struct base_row {
	const char *name;
	double b, c, scale;
	int prec;
	const struct rd_cmp *x;
};

static const struct base_row *br_of(const struct md_at *at)
{
	return at->row;
}
static void c_br_name(const struct md_at *at)
{
	out("%s", br_of(at)->name);
}
static void br_fig(const struct base_row *r, double v)
{
	if (r->x)
		numcell(v * r->scale, r->prec);
	else
		gb(v);
}
static void c_br_base(const struct md_at *at)
{
	br_fig(br_of(at), br_of(at)->b);
}
static void c_br_cand(const struct md_at *at)
{
	br_fig(br_of(at), br_of(at)->c);
}
static void c_br_ratio(const struct md_at *at)
{
	const struct base_row *r = br_of(at);

	if (r->x) {
		ratio_text(r->x);
		return;
	}
	numcell(r->c / r->b, 2);
	out("%s", isfinite(r->c / r->b) ? "×" : "");
}
/* The comparison's verdict, better or worse in bold; "untested" when it
 * has none (not compared, too few pairs, or one figure per run). */
static void c_br_verdict(const struct md_at *at)
{
	const struct rd_cmp *x = br_of(at)->x;

	if (x == NULL)
		out("one figure per run: untested");
	else if (x->why_not || x->p_adj < 0)
		out("untested");
	else if (x->verdict == VD_TIE)
		out("%s", verdict_cmp_name(x->verdict));
	else
		out("**%s**", verdict_cmp_name(x->verdict));
}

static const struct md_col base_cols[] = {
    {.title = "metric", .align = MD_LEFT, .cell = c_br_name},
    {.title = "baseline", .align = MD_RIGHT, .cell = c_br_base},
    {.title = "candidate", .align = MD_RIGHT, .cell = c_br_cand},
    {.title = "ratio (paired, geometric mean)",
     .align = MD_LEFT,
     .cell = c_br_ratio},
    {.title = "verdict", .align = MD_LEFT, .cell = c_br_verdict},
};

/* Candidate c (the g-th group) against the baseline b. */
static void baseline_table(int g, const struct rd_summary *b)
{
	const struct md_table t = MD_TABLE(base_cols, NULL);
	const struct rd_summary *c = &S->g[g].sum;
	const struct base_row rows[] = {
	    {"decode TPS (mean)", b->decode.mean, c->decode.mean, 1, 2,
	     &R->base_cmp[g][0]},
	    {"TTFT ms (mean)", b->ttft_all.v, c->ttft_all.v, 1e3, 1,
	     &R->base_cmp[g][1]},
	    {"E2E s (mean)", b->e2e_all.v, c->e2e_all.v, 1, 3,
	     &R->base_cmp[g][2]},
	    {"memory GB (steady state)", b->steady_gb.v, c->steady_gb.v, 1, 2,
	     NULL},
	};

	out("### ");
	cell(S->g[g].key, 120);
	out("\n\n");
	md_table_head(M, &t);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		md_table_row(M, &t, &rows[i]);
	out("\n");
}

static void write_baseline(void)
{
	int g;

	if (R->baseline == NULL)
		return;
	out("## Baseline vs candidates\n\nBaseline: **");
	cell(R->baseline->key, 120);
	out("**, on the Summary's workload. Ratio: candidate over baseline, "
	    "paired by "
	    "(prompt, repetition): the geometric mean of the matched requests' "
	    "ratios, or "
	    "of the runs' when both groups have 2 or more runs, with its 95 %% "
	    "CI; "
	    "better or worse only when Holm's corrected p is below 0.05 and "
	    "the ratio is "
	    "2 %% or more from 1, else a tie. The means beside it are over all "
	    "requests, "
	    "where the slowest prompt weighs most; the ratio weighs every pair "
	    "alike.\n\n");
	for (g = 0; g < S->ng; g++)
		if (&S->g[g] != R->baseline)
			baseline_table(g, &R->baseline->sum);
}

/* ---- outputs and runs ------------------------------------------------------
 */

/* The Outputs table of a prompt: a row per group that has an output of it
 * (a grow with its prompt). */
static void c_out_tokens(const struct md_at *at)
{
	numcell(pp_of(at)->out_tokens, 0);
}
static void c_out_chars(const struct md_at *at)
{
	numcell(pp_of(at)->out_chars, 0);
}
static void c_out_expect(const struct md_at *at)
{
	if (pp_of(at)->has_quality)
		out("%.0f / %.0f", pp_of(at)->passed, pp_of(at)->checked);
	else
		out("—");
}
static void c_out_text(const struct md_at *at)
{
	cell(pp_of(at)->out_text, OUTPUT_CHARS);
}

static const struct md_col output_cols[] = {
    {.title = "group", .align = MD_LEFT, .cell = c_grow_group},
    {.title = "tokens", .align = MD_RIGHT, .cell = c_out_tokens},
    {.title = "chars", .align = MD_RIGHT, .cell = c_out_chars},
    {.title = "expect", .align = MD_LEFT, .cell = c_out_expect},
    {.title = "output", .align = MD_LEFT, .cell = c_out_text},
};

/* Prompt name's table: each group's first successful output of it. */
static void output_table(const char *name)
{
	const struct md_table t = MD_TABLE(output_cols, NULL);

	out("### ");
	cell(name, 80);
	out("\n\n");
	md_table_head(M, &t);
	for (int g = 0; g < S->ng; g++) {
		struct grow row = {&S->g[g], NULL, NULL};
		for (int r = 0;
		     r < S->g[g].n && !(row.pp && row.pp->has_output); r++)
			row.pp = rd_prompt_of(S->g[g].runs[r], name);
		if (row.pp && row.pp->has_output)
			md_table_row(M, &t, &row);
	}
	out("\n");
}

static void write_outputs(void)
{
	const char *names[256];
	int n = prompt_names(names, 256), i;

	if (n == 0)
		return;
	out("## Outputs\n\nThe first successful output of each prompt, side by "
	    "side "
	    "(cut at %d bytes), to compare quality by eye.\n\n",
	    OUTPUT_CHARS);
	for (i = 0; i < n; i++)
		output_table(names[i]);
}

/* A run file's path as the report's reader needs it: relative to the
 * directory the report is written in (a link in the Markdown works and no
 * path of this machine is published), else as given. */
static const char *shown_path(const char *path, char *buf, size_t n)
{
	char run[PATH_MAX], *slash;
	size_t k = 0, up = 0, i;

	if (have_dir < 0) {
		snprintf(buf, n, "%s", R->out_path);
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
	snprintf(buf + strlen(buf), n - strlen(buf), "%s",
		 run + k + (run[k] == '/'));
	return buf;
}

/* The Plan outcomes table: a row per workload of an entry (an
 * rd_outcome). */
static const struct rd_outcome *oc_of(const struct md_at *at)
{
	return at->row;
}
static void c_oc_plan(const struct md_at *at)
{
	cell(oc_of(at)->plan, 64);
}
static void c_oc_entry(const struct md_at *at)
{
	cell(oc_of(at)->entry, 64);
}
static void c_oc_workload(const struct md_at *at)
{
	cell(oc_of(at)->workload, 48);
}
static void c_oc_outcome(const struct md_at *at)
{
	const struct rd_outcome *o = oc_of(at);

	if (o->st == VD_OUT_OK) {
		out("%s", verdict_outcome_name(o->st));
		return;
	}
	if (o->st == VD_OUT_FAILED)
		out("**%s** (exit %d)", verdict_outcome_name(o->st), o->exit);
	else /* skipped, or a status this reader does not know: as written */
		out("%s", o->status);
	out("%s", o->why[0] ? ": " : "");
	cell(o->why, 320);
}

static const struct md_col outcome_cols[] = {
    {.title = "plan", .align = MD_LEFT, .cell = c_oc_plan},
    {.title = "entry", .align = MD_LEFT, .cell = c_oc_entry},
    {.title = "workload", .align = MD_LEFT, .cell = c_oc_workload},
    {.title = "outcome", .align = MD_LEFT, .cell = c_oc_outcome},
};

/* make matrix's plans: every workload of every entry, what ran, what
 * failed and why (the outcomes files beside the runs). */
static void write_plan_outcomes(void)
{
	const struct md_table t = MD_TABLE(outcome_cols, NULL);
	int i, bad = 0;

	if (S->nout == 0)
		return;
	for (i = 0; i < S->nout; i++)
		bad += S->out[i].st != VD_OUT_OK;
	out("## Plan outcomes\n\nEvery workload of every entry as `make "
	    "matrix` ran it: a "
	    "workload that failed marks its entry, and the ones after it ran "
	    "all the same "
	    "(skipped only once the entry's own server had exited). %d of %d "
	    "did not "
	    "end well.\n\n",
	    bad, S->nout);
	md_table_head(M, &t);
	for (i = 0; i < S->nout; i++)
		md_table_row(M, &t, &S->out[i]);
	out("\n");
}

/* The Runs table: a row per run file (an rd_run); a file that could not
 * be read has its path and why, and "—" elsewhere. */
static const struct rd_run *run_of(const struct md_at *at)
{
	return at->row;
}
/* Whether a run's row has figures; writes "—" when it has none. */
static int run_read(const struct md_at *at)
{
	if (run_of(at)->doc == NULL)
		out("—");
	return run_of(at)->doc != NULL;
}
static void c_run_file(const struct md_at *at)
{
	char rel[PATH_MAX];

	cell(shown_path(run_of(at)->path, rel, sizeof rel), 120);
}
static void c_run_group(const struct md_at *at)
{
	if (run_read(at))
		cell(run_of(at)->key, 120);
}
static void c_run_workload(const struct md_at *at)
{
	if (run_read(at))
		cell(run_of(at)->wl_name, 120);
}
static void c_run_users(const struct md_at *at)
{
	if (run_read(at))
		out("%.0f", run_of(at)->conc);
}
static void c_run_server(const struct md_at *at)
{
	if (!run_read(at))
		return;
	cell(run_of(at)->server_kind, 30);
	if (run_of(at)->simulated)
		out(" (simulated)");
}
static void c_run_host(const struct md_at *at)
{
	if (!run_read(at))
		return;
	cell(run_of(at)->host_os, 20);
	out(" ");
	cell(run_of(at)->host_cpu, 60);
}
static void c_run_labels(const struct md_at *at)
{
	const struct rd_run *r = run_of(at);

	if (!run_read(at))
		return;
	for (int k = 0; k < r->nlabel; k++) {
		out("%s", k ? ", " : "");
		cell(r->label[k].key, 40);
		out("=");
		cell(r->label[k].value, 60);
	}
	if (r->nlabel == 0)
		out("—");
}
static void c_run_requests(const struct md_at *at)
{
	if (!run_read(at))
		return;
	numcell(run_of(at)->req_ok, 0);
	out("/");
	numcell(run_of(at)->req_measured, 0);
}
static void c_run_state(const struct md_at *at)
{
	const struct rd_run *r = run_of(at);

	if (r->doc == NULL) {
		out("skipped: ");
		cell(r->why, 120);
		return;
	}
	out("%s%s", r->incomplete ? "incomplete †" : "complete",
	    r->version < FMT_RUN_VERSION_FULL ? ", older format ‡" : "");
}
static void c_run_version(const struct md_at *at)
{
	if (run_read(at)) /* the build that measured it */
		cell(run_of(at)->tool_version, 60);
}

static const struct md_col run_cols[] = {
    {.title = "file", .align = MD_LEFT, .cell = c_run_file},
    {.title = "group", .align = MD_LEFT, .cell = c_run_group},
    {.title = "workload", .align = MD_LEFT, .cell = c_run_workload},
    {.title = "users", .align = MD_RIGHT, .cell = c_run_users},
    {.title = "server", .align = MD_LEFT, .cell = c_run_server},
    {.title = "host", .align = MD_LEFT, .cell = c_run_host},
    {.title = "settings", .align = MD_LEFT, .cell = c_run_labels},
    {.title = "requests", .align = MD_RIGHT, .cell = c_run_requests},
    {.title = "state", .align = MD_LEFT, .cell = c_run_state},
    {.title = "tokbench", .align = MD_LEFT, .cell = c_run_version},
};

static void write_runs(void)
{
	const struct md_table t = MD_TABLE(run_cols, NULL);

	out("## Runs\n\n");
	md_table_head(M, &t);
	for (int i = 0; i < S->nruns; i++)
		md_table_row(M, &t, &S->runs[i]);
	out("\n");
}

void mdreport_write(jw *md, const struct mdreport *r)
{
	M = md;
	R = r;
	S = r->set;
	D = r->dec;
	have_dir = -1;
	powsec_set(S);
	write_header();
	if (S->primary != NULL) {
		write_answer();
		write_summary();
	} else {
		/* only ladders, soaks or the like: nothing to pick from */
		out("No group ran a workload of the standard kind at one user, "
		    "so there "
		    "is no answer to pick and no summary: the sections below "
		    "are all "
		    "there is.\n\n");
	}
	mdq_section(M, S);
	if (mdq_measured(S))
		chart("quality_vs_speed",
		      "Graded accuracy against decode speed, each "
		      "against the reference of its model");
	write_other_workloads();
	write_per_prompt();
	write_concurrency();
	write_capacity();
	write_mixes();
	write_context();
	write_ladders();
	write_load_series();
	mdmoe_section(M, S);
	write_soaks();
	write_baseline();
	write_outputs();
	chart("memory", "Server memory during the runs");
	powsec_write(M, S, R->assets_dir, R->assets_rel, R->chart_fmt);
	orderfx_write(M, S);
	write_plan_outcomes();
	write_runs();
}
