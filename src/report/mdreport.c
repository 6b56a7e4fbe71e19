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
#include "mdquality.h"

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
	if (p->has_cmp && !p->cmp.why_not && p->cmp.verdict == 0) {
		cell(p->best->key, 120);
		out(" and ");
		cell(p->next->key, 120);
		out(" **tie** (%.1f and %.1f tok/s; ", p->best->sum.decode.mean,
		    p->next->sum.decode.mean);
		ratio_text(&p->cmp);
		out(")");
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
		out(p->tie ? "tied with " : "ahead of ");
		cell(p->next->key, 120);
		out(", which ");
		capacity_text(rd_capacity_of(p->next, p->slo));
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
				gr->runs[i]->leak.verdict == LEAK_SUSPECTED;
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
		    "it.\n\n");
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
	out(mdq_measured(S)
		? "quality beyond graded answers (token log-probabilities "
		  "against the reference).\n\n"
		: "output quality by any measure but the "
		  "prompts' own checks (graded answers: make quality).\n\n");
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
		enum formats_leak v = lk->verdict;
		if (!lk->judged)
			continue;
		if (v != LEAK_SUSPECTED && v != LEAK_ERROR &&
		    v != LEAK_INCONCLUSIVE) {
			judged += v == LEAK_NONE;
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
		if (v == LEAK_ERROR) {
			out(": no verdict: ");
			cell(lk->error, 200);
			out("\n");
			continue;
		}
		out(": **%s**, ", formats_leak_name(v));
		slope_cell(&lk->per_request);
		out(" MB per request, ");
		slope_cell(&lk->per_minute);
		out(" MB per minute (r² ");
		numcell(lk->r2, 2);
		out(")%s\n",
		    v != LEAK_INCONCLUSIVE ? "" : ": more requests would tell");
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
static const char *const sys_head[NSYS] = {" wired GB (peak) |",
					   " compressed GB (peak growth) |",
					   " swap GB (peak growth) |"};

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

static void c_runs(const struct rd_summary *s, int k)
{
	(void)k;
	out("%d", s->runs);
}

static void c_load(const struct rd_summary *s, int k)
{
	(void)k;
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

static void c_file(const struct rd_summary *s, int k)
{
	(void)k;
	gb(s->model_gb.v);
}
static void c_steady(const struct rd_summary *s, int k)
{
	(void)k;
	gb(s->steady_gb.v);
}
static void c_peak(const struct rd_summary *s, int k)
{
	(void)k;
	gb(s->peak_gb.v);
}
static void c_sys(const struct rd_summary *s, int k)
{
	gb(sys_fig(s, k)->v);
}
static void c_decode(const struct rd_summary *s, int k)
{
	(void)k;
	md_mean(M, &s->decode, 2);
}

static void c_srv_decode(const struct rd_summary *s, int k)
{
	(void)k;
	numcell(s->srv_decode.v, 2);
	if (isfinite(s->srv_decode.v) && s->srv_decode.v > 0) {
		out(" (");
		numcell(s->decode.mean / s->srv_decode.v, 3);
		out(")");
	}
}

static void c_ttft(const struct rd_summary *s, int k)
{
	(void)k;
	numcell(s->ttft.v * 1e3, 1);
	if (s->ttft_prompt) {
		out(" (");
		cell(s->ttft_prompt, 30);
		out(")");
	}
}

static void c_ttfo(const struct rd_summary *s, int k)
{
	(void)k;
	md_pct_fig(M, &s->ttfo_p50, 50, 1e3, 1);
}

static void c_prefill(const struct rd_summary *s, int k)
{
	(void)k;
	numcell(s->prefill.v, 1);
	if (isfinite(s->prefill.v))
		out(" (%.0f tok)", s->prefill_tokens);
}

static void c_tps_gb(const struct rd_summary *s, int k)
{
	(void)k;
	numcell(s->tps_per_gb.v, 3);
}
static void c_errors(const struct rd_summary *s, int k)
{
	(void)k;
	md_pct(M, s->error_rate.v);
}

static int when_files(int k)
{
	(void)k;
	return SUM.files;
}
static int when_sys(int k)
{
	return SUM.show[k];
}
static int when_srv(int k)
{
	(void)k;
	return SUM.srv;
}
static int when_ttfo(int k)
{
	(void)k;
	return SUM.any_ttfo;
}

/* A column: its title, when it is shown (NULL: always) and its cell; a
 * system column repeats once per figure (sys_head), k its index. */
static const struct sum_col {
	const char *title;
	int repeat;
	int (*shown)(int k);
	void (*cell)(const struct rd_summary *s, int k);
} sum_cols[] = {
    {"runs", 1, NULL, c_runs},
    {"load s", 1, NULL, c_load},
    {"model file GB", 1, when_files, c_file},
    {"memory GB", 1, NULL, c_steady},
    {"largest peak GB", 1, NULL, c_peak},
    {NULL, NSYS, when_sys, c_sys}, /* titles from sys_head */
    {"decode TPS", 1, NULL, c_decode},
    {"server's decode TPS (client / server)", 1, when_srv, c_srv_decode},
    {"TTFT ms", 1, NULL, c_ttft},
    {"TTFO p50 ms", 1, when_ttfo, c_ttfo},
    {"prefill TPS", 1, NULL, c_prefill},
    {"TPS/GB", 1, NULL, c_tps_gb},
    {"errors", 1, NULL, c_errors},
};
#define NSUM_COLS (sizeof sum_cols / sizeof *sum_cols)

/* The header, the alignment row, or (s) one group's row after its name:
 * every shown column, each cell after " | ". */
static void sum_row(int what, const struct rd_summary *s)
{
	for (size_t c = 0; c < NSUM_COLS; c++)
		for (int k = 0; k < sum_cols[c].repeat; k++) {
			if (sum_cols[c].shown && !sum_cols[c].shown(k))
				continue;
			if (what ==
			    0) /* a system column's title carries its bars */
				out("%s", sum_cols[c].title ? "" : sys_head[k]);
			if (what == 0 && sum_cols[c].title)
				out(" %s |", sum_cols[c].title);
			else if (what == 1)
				out("---:|");
			else if (what == 2) {
				out(" | ");
				sum_cols[c].cell(s, k);
			}
		}
}

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
	int i;

	memset(&SUM, 0, sizeof SUM);
	SUM.files = any_model_size();
	SUM.nsys = sys_columns(SUM.show);
	for (i = 0; i < S->ng; i++) {
		SUM.any_ttfo |= S->g[i].sum.reasoning_tokens > 0;
		SUM.srv |= S->g[i].sum.srv_decode.n > 0;
	}
	summary_intro();
	out("| group |");
	sum_row(0, NULL);
	out("\n|---|");
	sum_row(1, NULL);
	out("\n");
	for (i = 0; i < S->ng; i++) {
		if (S->g[i].base == NULL)
			continue; /* named below the table */
		out("| ");
		group_cell(&S->g[i]);
		sum_row(2, &S->g[i].sum);
		out(" |\n");
	}
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

/* The other closed-loop workloads at one user (coder prompts, mixed
 * lengths): a table each, never mixed into the Summary. */
static void write_other_workloads(void)
{
	int g, w, k, done = 0;

	for (g = 0; g < S->ng; g++)
		for (w = 0; w < S->g[g].nwl; w++) {
			const struct rd_wl *wl = &S->g[g].wl[w];
			int seen = 0;
			if (wl->kind == RD_CONTEXT || wl->prompts == 0 ||
			    !strcmp(wl->key, S->primary))
				continue;
			for (k = 0; k < g && !seen;
			     k++) /* a table per workload, once */
				for (int w2 = 0; w2 < S->g[k].nwl; w2++)
					seen |= !strcmp(S->g[k].wl[w2].key,
							wl->key);
			for (int w2 = 0; w2 < w; w2++)
				seen |= !strcmp(S->g[g].wl[w2].key, wl->key);
			if (seen)
				continue;
			if (!done++)
				out("## Other workloads\n\nEach compared only "
				    "within itself: "
				    "groups on the same prompts, output limit "
				    "and settings.\n\n");
			out("### ");
			cell(wl->name, 200);
			out("\n\n| group | users | runs | decode TPS | TTFT "
			    "p50 ms | E2E p50 s "
			    "| E2E p95 s | errors "
			    "|\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
			for (k = 0; k < S->ng; k++)
				for (int w2 = 0; w2 < S->g[k].nwl; w2++) {
					const struct rd_wl *x = &S->g[k].wl[w2];
					if (strcmp(x->key, wl->key))
						continue;
					for (int l = 0; l < x->nlv; l++) {
						const struct rd_level *lv =
						    &x->lv[l];
						out("| ");
						group_cell(&S->g[k]);
						if (lv->conc > 0)
							out(" | %.0f | %d | ",
							    lv->conc, lv->n);
						else
							out(" | open loop | %d "
							    "| ",
							    lv->n);
						md_mean(M, &lv->decode, 2);
						out(" | ");
						md_pct_fig(M, &lv->ttft_p50, 50,
							   1e3, 1);
						out(" | ");
						md_pct_fig(M, &lv->e2e_p50, 50,
							   1, 3);
						out(" | ");
						md_pct_fig(M, &lv->e2e_p95, 95,
							   1, 3);
						out(" | ");
						md_pct(M, lv->error_rate.v);
						out(" |\n");
					}
				}
			out("\n");
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

static void write_per_prompt(void)
{
	const char *names[256];
	int n = prompt_names(names, 256), i, g;

	if (n == 0)
		return;
	out("## Per prompt\n\nDecode TPS (mean) / TTFT (mean, ms) of each "
	    "prompt of the "
	    "Summary's workload, at the lowest concurrency.\n\n| prompt |");
	for (g = 0; g < S->ng; g++) {
		out(" ");
		group_cell(&S->g[g]);
		out(" |");
	}
	out("\n|---|");
	for (g = 0; g < S->ng; g++)
		out("---:|");
	out("\n");
	for (i = 0; i < n; i++) {
		out("| ");
		cell(names[i], 60);
		out(" |");
		for (g = 0; g < S->ng; g++) {
			out(" ");
			numcell(base_prompt(&S->g[g], names[i], RD_DECODE).v,
				1);
			out(" / ");
			numcell(base_prompt(&S->g[g], names[i], RD_TTFT).v *
				    1e3,
				0);
			out(" |");
		}
		out("\n");
	}
	out("\n");
}

static void write_concurrency_wl(const struct rd_group *g,
				 const struct rd_wl *w)
{
	out("### ");
	cell(g->key, 120);
	out(" — ");
	cell(w->name, 200);
	out("\n\n| users | runs | requests | aggregate TPS | per-request TPS | "
	    "scaling "
	    "| efficiency | E2E p50 s | E2E p95 s | E2E p99 s | TTFT p95 ms | "
	    "fairness "
	    "| queue p95 ms | errors |\n"
	    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	    "---:|\n");
	for (int i = 0; i < w->nlv; i++) {
		const struct rd_level *l = &w->lv[i];
		if (l->conc > 0)
			out("| %.0f | %d | %zu | ", l->conc, l->n, l->nreq);
		else
			out("| open loop | %d | %zu | ", l->n, l->nreq);
		numcell(l->agg_tps.v, 2);
		out(" | ");
		numcell(l->decode.mean, 2);
		out(" | ");
		numcell(l->scaling, 2);
		out(" | ");
		numcell(l->efficiency, 2);
		out(" | ");
		md_pct_fig(M, &l->e2e_p50, 50, 1, 3);
		out(" | ");
		md_pct_fig(M, &l->e2e_p95, 95, 1, 3);
		out(" | ");
		md_pct_fig(M, &l->e2e_p99, 99, 1, 3);
		out(" | ");
		md_pct_fig(M, &l->ttft_p95, 95, 1e3, 1);
		out(" | ");
		numcell(l->fairness.v, 3);
		out(" | ");
		md_pct_fig(M, &l->queue_p95, 95, 1e3, 1);
		out(" | ");
		md_pct(M, l->error_rate.v);
		out(" |\n");
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

static void write_context(void)
{
	int g, w, i, any = 0;

	for (g = 0; g < S->ng; g++)
		for (w = 0; w < S->g[g].nwl; w++) {
			const struct rd_wl *wl = &S->g[g].wl[w];
			const struct rd_level *l = &wl->lv[0];
			if (wl->kind != RD_CONTEXT)
				continue;
			if (!any++)
				out("## Context length\n\nTTFT and prefill "
				    "speed against the "
				    "prompt's length (prompt tokens as the "
				    "server counted "
				    "them), one user.\n\n| group | prompt | "
				    "prompt tokens | "
				    "TTFT mean s | prefill TPS "
				    "|\n|---|---|---:|---:|---:|\n");
			for (i = 0; l->n > 0 && i < l->runs[0]->nprompt; i++) {
				const struct rd_prompt *pp =
				    &l->runs[0]->prompt[i];
				out("| ");
				group_cell(&S->g[g]);
				out(" | ");
				cell(pp->name, 60);
				out(" | ");
				numcell(pp->prompt_tokens, 0);
				out(" | ");
				numcell(rd_prompt_mean(l->runs, l->n, pp->name,
						       RD_TTFT)
					    .v,
					3);
				out(" | ");
				numcell(rd_prompt_mean(l->runs, l->n, pp->name,
						       RD_PREFILL)
					    .v,
					1);
				out(" |\n");
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

/* The mixed workload (make mixed): each class in the mix beside the same
 * class alone at the same users, and whether the shortest starves. */
static void write_mixes(void)
{
	int g, k, i, any = 0;

	for (g = 0; g < S->ng; g++)
		for (k = 0; k < S->g[g].nmix; k++) {
			const struct rd_mix *m = &S->g[g].mix[k];
			const struct rd_mixclass *s = &m->c[0];
			if (m->n == 0)
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
			out("### ");
			cell(S->g[g].key, 120);
			out(" · %.0f user%s\n\n", m->conc,
			    m->conc == 1 ? "" : "s");
			out("**The shortest class (");
			cell(s->name, 60);
			out(")%s** in the mix: TTFT ",
			    m->starved ? " starves" : " does not starve");
			ratio_cell(m->ttft_ratio);
			out(", E2E ");
			ratio_cell(m->e2e_ratio);
			out(" its own alone.\n\n| class | output tokens | TTFT "
			    "mix s | alone s | × | "
			    "E2E mix s | alone s | × | per-request TPS mix | "
			    "alone |\n"
			    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
			    "\n");
			for (i = 0; i < m->n; i++) {
				const struct rd_mixclass *c = &m->c[i];
				out("| ");
				cell(c->name, 60);
				out(" | ");
				numcell(c->out_tokens, 0);
				out(" | ");
				numcell(c->ttft[0].v, 3);
				out(" | ");
				numcell(c->ttft[1].v, 3);
				out(" | ");
				ratio_cell(c->ttft[0].v / c->ttft[1].v);
				out(" | ");
				numcell(c->e2e[0].v, 2);
				out(" | ");
				numcell(c->e2e[1].v, 2);
				out(" | ");
				ratio_cell(c->e2e[0].v / c->e2e[1].v);
				out(" | ");
				numcell(c->tps[0].v, 1);
				out(" | ");
				numcell(c->tps[1].v, 1);
				out(" |\n");
			}
			out("\n");
		}
}

/* Each series of loads (make load): every load's seconds, the server's
 * own figure, and the page cache's hold on the model file before it. */
static void write_load_series(void)
{
	int g, k, i, any = 0;

	for (g = 0; g < S->ng; g++)
		for (k = 0; k < S->g[g].nloads; k++) {
			const struct rd_loads *s = &S->g[g].loads[k];
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
			out("### ");
			cell(S->g[g].key, 120);
			out("\n\n");
			if (isfinite(s->cold) && s->warm.n > 0)
				out("Cold **%.2f s**, warm **%.2f s** (median "
				    "of %zu): the page cache "
				    "saves %.0f %% of a load.\n\n",
				    s->cold, s->warm.v, s->warm.n,
				    (1 - s->warm.v / s->cold) * 100);
			out("| load | page cache | file cached | seconds | "
			    "server's own s |\n"
			    "|---:|---|---:|---:|---:|\n");
			for (i = 0; i < s->n; i++) {
				const struct rd_load *l = &s->l[i];
				out("| %d | %s | ", l->rep, l->cache);
				if (isfinite(l->resident))
					out("%.0f %%", l->resident * 100);
				else
					out("—");
				out(" | ");
				if (l->error) {
					out("failed: ");
					cell(l->error, 120);
				} else {
					numcell(l->seconds, 2);
				}
				out(" | ");
				numcell(l->server_s, 2);
				out(" |\n");
			}
			out("\n");
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

/* Each context ladder (make ctx): every depth's figures, the largest that
 * worked beside the model's advertised context, and where and why it
 * stopped; a chart of the three against depth. */
/* Each capacity search (make capacity): the answer, then every level. */
static void write_capacity(void)
{
	int g, k, i, any = 0;

	for (g = 0; g < S->ng; g++)
		for (k = 0; k < S->g[g].ncap; k++) {
			const struct rd_capacity *c = &S->g[g].cap[k];
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
			out("### ");
			cell(S->g[g].key, 120);
			out("\n\nAt ");
			cell(c->slo, 200);
			out(": ");
			capacity_text(c);
			out("%s\n\n",
			    c->finished
				? "."
				: " (the search stopped before its answer).");
			out("| users | verdict | the objective that broke | "
			    "attainment | 95 %% interval "
			    "| goodput req/s | goodput tok/s | requests |\n"
			    "|---:|---|---|---:|---:|---:|---:|---:|\n");
			for (i = 0; i < c->n; i++) {
				const struct rd_caplv *l = &c->lv[i];
				out("| %d | %s | ", l->users,
				    slo_state_name((enum slo_state)l->st));
				cell(l->st != SLO_HELD && l->worst ? l->worst
								   : "",
				     80);
				out(" | %.0f %% | %.0f–%.0f %% | ",
				    100 * l->att, 100 * l->att_lo,
				    100 * l->att_hi);
				numcell(l->rate, 2);
				out(" | ");
				numcell(l->tps, 1);
				out(" | %ld |\n", l->n);
			}
			out("\n");
		}
}

static void write_ladders(void)
{
	int g, k, i, any = 0;

	for (g = 0; g < S->ng; g++)
		for (k = 0; k < S->g[g].nlad; k++) {
			const struct rd_ladder *l = &S->g[g].lad[k];
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
			out("### ");
			cell(S->g[g].key, 120);
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
			out("| depth | prompt tokens | requests ok | TTFT mean "
			    "s | prefill TPS | "
			    "decode TPS | peak memory GB "
			    "|\n|---:|---:|---:|---:|---:|---:|---:|\n");
			for (i = 0; i < l->n; i++) {
				const struct rd_rung *r = &l->r[i];
				out("| ");
				depth_text(r->depth);
				out(" | ");
				numcell(r->prompt_tokens.v, 0);
				out(" | %.0f of %.0f | ", r->requests_ok,
				    r->requests);
				numcell(r->ttft.v, 3);
				out(" | ");
				numcell(r->prefill.v, 1);
				out(" | ");
				numcell(r->decode.v, 2);
				out(" | ");
				numcell(r->mem_gb, 2);
				out(" |\n");
			}
			out("\n");
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
		out("**%s**", formats_leak_name(lk->verdict));
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

static void compare_row(const char *name, double b, double c, double scale,
			int prec, const struct rd_cmp *x)
{
	out("| %s | ", name);
	numcell(b * scale, prec);
	out(" | ");
	numcell(c * scale, prec);
	out(" | ");
	ratio_text(x);
	out(" | %s |\n", x->why_not || x->p_adj < 0 ? "untested"
			 : x->verdict > 0	    ? "**better**"
			 : x->verdict < 0	    ? "**worse**"
						    : "tie");
}

static void write_baseline(void)
{
	const struct rd_summary *b;
	int g;

	if (R->baseline == NULL)
		return;
	b = &R->baseline->sum;
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
	for (g = 0; g < S->ng; g++) {
		const struct rd_group *c = &S->g[g];
		if (c == R->baseline)
			continue;
		out("### ");
		cell(c->key, 120);
		out("\n\n| metric | baseline | candidate | ratio (paired, "
		    "geometric mean) | verdict |\n|---|---:|---:|---|---|\n");
		compare_row("decode TPS (mean)", b->decode.mean,
			    c->sum.decode.mean, 1, 2, &R->base_cmp[g][0]);
		compare_row("TTFT ms (mean)", b->ttft_all.v, c->sum.ttft_all.v,
			    1e3, 1, &R->base_cmp[g][1]);
		compare_row("E2E s (mean)", b->e2e_all.v, c->sum.e2e_all.v, 1,
			    3, &R->base_cmp[g][2]);
		out("| memory GB (steady state) | ");
		gb(b->steady_gb.v);
		out(" | ");
		gb(c->sum.steady_gb.v);
		out(" | ");
		numcell(c->sum.steady_gb.v / b->steady_gb.v, 2);
		out("%s | one figure per run: untested |\n\n",
		    isfinite(c->sum.steady_gb.v / b->steady_gb.v) ? "×" : "");
	}
}

/* ---- outputs and runs ------------------------------------------------------
 */

static void write_outputs(void)
{
	const char *names[256];
	int n = prompt_names(names, 256), i, g, r;

	if (n == 0)
		return;
	out("## Outputs\n\nThe first successful output of each prompt, side by "
	    "side "
	    "(cut at %d bytes), to compare quality by eye.\n\n",
	    OUTPUT_CHARS);
	for (i = 0; i < n; i++) {
		out("### ");
		cell(names[i], 80);
		out("\n\n| group | tokens | chars | expect | output "
		    "|\n|---|---:|---:|---|---|\n");
		for (g = 0; g < S->ng; g++) {
			const struct rd_prompt *pp = NULL;
			for (r = 0; r < S->g[g].n && !(pp && pp->has_output);
			     r++)
				pp = rd_prompt_of(S->g[g].runs[r], names[i]);
			if (!(pp && pp->has_output))
				continue;
			out("| ");
			group_cell(&S->g[g]);
			out(" | ");
			numcell(pp->out_tokens, 0);
			out(" | ");
			numcell(pp->out_chars, 0);
			out(" | ");
			if (pp->has_quality)
				out("%.0f / %.0f", pp->passed, pp->checked);
			else
				out("—");
			out(" | ");
			cell(pp->out_text, OUTPUT_CHARS);
			out(" |\n");
		}
		out("\n");
	}
}

static void labels_cell(const struct rd_run *r)
{
	for (int k = 0; k < r->nlabel; k++) {
		out("%s", k ? ", " : "");
		cell(r->label[k].key, 40);
		out("=");
		cell(r->label[k].value, 60);
	}
	if (r->nlabel == 0)
		out("—");
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

/* make matrix's plans: every workload of every entry, what ran, what
 * failed and why (the outcomes files beside the runs). */
static void write_plan_outcomes(void)
{
	int i, bad = 0;

	if (S->nout == 0)
		return;
	for (i = 0; i < S->nout; i++)
		bad += strcmp(S->out[i].status, "ok") != 0;
	out("## Plan outcomes\n\nEvery workload of every entry as `make "
	    "matrix` ran it: a "
	    "workload that failed marks its entry, and the ones after it ran "
	    "all the same "
	    "(skipped only once the entry's own server had exited). %d of %d "
	    "did not "
	    "end well.\n\n| plan | entry | workload | outcome "
	    "|\n|---|---|---|---|\n",
	    bad, S->nout);
	for (i = 0; i < S->nout; i++) {
		const struct rd_outcome *o = &S->out[i];
		out("| ");
		cell(o->plan, 64);
		out(" | ");
		cell(o->entry, 64);
		out(" | ");
		cell(o->workload, 48);
		out(" | ");
		if (!strcmp(o->status, "ok"))
			out("ok");
		else if (!strcmp(o->status, "failed"))
			out("**failed** (exit %d)%s", o->exit,
			    o->why[0] ? ": " : "");
		else
			out("%s%s", o->status, o->why[0] ? ": " : "");
		if (strcmp(o->status, "ok") != 0)
			cell(o->why, 320);
		out(" |\n");
	}
	out("\n");
}

static void write_runs(void)
{
	char rel[PATH_MAX];
	int i;

	out("## Runs\n\n| file | group | workload | users | server | host | "
	    "settings "
	    "| requests | state | tokbench |\n"
	    "|---|---|---|---:|---|---|---|---:|---|---|\n");
	for (i = 0; i < S->nruns; i++) {
		const struct rd_run *r = &S->runs[i];
		out("| ");
		cell(shown_path(r->path, rel, sizeof rel), 120);
		out(" | ");
		if (r->doc == NULL) {
			out("— | — | — | — | — | — | — | skipped: ");
			cell(r->why, 120);
			out(" | — |\n");
			continue;
		}
		cell(r->key, 120);
		out(" | ");
		cell(r->wl_name, 120);
		out(" | %.0f | ", r->conc);
		cell(r->server_kind, 30);
		if (r->simulated)
			out(" (simulated)");
		out(" | ");
		cell(r->host_os, 20);
		out(" ");
		cell(r->host_cpu, 60);
		out(" | ");
		labels_cell(r);
		out(" | ");
		numcell(r->req_ok, 0);
		out("/");
		numcell(r->req_measured, 0);
		out(" | %s%s | ", r->incomplete ? "incomplete †" : "complete",
		    r->version < FMT_RUN_VERSION_FULL ? ", older format ‡"
						      : "");
		cell(r->tool_version, 60); /* the build that measured it */
		out(" |\n");
	}
	out("\n");
}

void mdreport_write(jw *md, const struct mdreport *r)
{
	M = md;
	R = r;
	S = r->set;
	D = r->dec;
	have_dir = -1;
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
	write_soaks();
	write_baseline();
	write_outputs();
	chart("memory", "Server memory during the runs");
	write_plan_outcomes();
	write_runs();
}
