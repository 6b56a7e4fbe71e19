/* mdquality: the Quality section's Markdown (see mdquality.h). */
#include "mdquality.h"

#include <math.h>
#include <string.h>

#include "md.h"
#include "verdict.h"

int mdq_measured(const struct rd_set *s)
{
	for (int i = 0; i < s->ng; i++)
		if (s->g[i].graded.wl)
			return 1;
	return 0;
}

const char *mdq_unmeasured(const struct rd_set *s)
{
	int lack = 0;

	if (!mdq_measured(s))
		return "output quality by any measure but the prompts' own "
		       "checks (graded answers: make quality).\n\n";
	for (int i = 0; i < s->ng; i++)
		lack += s->g[i].graded.wl &&
			s->g[i].qcmp.verdict != VD_Q_REFERENCE &&
			s->g[i].tfq_run == NULL && s->g[i].lpq_run == NULL;
	return lack ? "quality beyond graded answers for some quantizations "
		      "(token log-probabilities against the reference; "
		      "teacher-forced: make quality on llama-server or "
		      "vLLM).\n\n"
		    : "quality on other texts than the graded set and the "
		      "reference's outputs its teacher-forced figures "
		      "were measured on.\n\n";
}

/* "91.4 % (95 % CI 84.9–95.3)" */
static void accuracy(jw *w, const struct rd_graded *q)
{
	md_out(w, "%.1f %% (95 %% CI %.1f–%.1f)", q->acc * 100, q->lo * 100,
	       q->hi * 100);
}

static void p_text(jw *w, double p)
{
	if (p < 0.001)
		md_out(w, "< 0.001");
	else
		md_out(w, "%.3f", p);
}

/* The verdict as the table words it: its name (bold beyond the budget),
 * then what the test found: "within budget (no significant loss)". */
static void verdict_text(jw *w, const struct rd_qcmp *q)
{
	const char *name = verdict_quality_name(q->verdict);

	if (q->verdict == VD_Q_WITHIN)
		md_out(w, "%s (%s)", name,
		       q->diff == VD_BETTER ? verdict_cmp_name(VD_BETTER)
		       : q->drop > 0	    ? "no significant loss"
					    : "a tie");
	else if (q->verdict == VD_Q_EXCEEDS)
		md_out(w, "**%s** (%s)", name,
		       q->kl_over && q->diff != VD_WORSE &&
			       !(q->drop > RD_QUALITY_BUDGET)
			   ? "mean KL above the limit"
		       : q->diff == VD_WORSE ? "significantly worse"
					     : "too many points below");
	else
		md_out(w, "%s", name);
}

/* The server of group g that cannot give teacher-forced figures (no
 * endpoint takes token ids with their logprobs: docs/servers.md, Teacher
 * forcing), as its runs name it; NULL when none of its runs is on one. */
static const char *tf_lacking(const struct rd_group *g)
{
	static const char *const lack[] = {"ollama", "lmstudio", "mlx"};

	for (int i = 0; i < g->n; i++)
		for (size_t j = 0; j < sizeof lack / sizeof *lack; j++)
			if (g->runs[i]->server_kind &&
			    strcmp(g->runs[i]->server_kind, lack[j]) == 0)
				return lack[j];
	return NULL;
}

/* The KL figure beside a pick: teacher-forced, else from logprobs; and
 * the teacher-forced level named missing where the server lacks it. */
static void kl_beside(jw *w, const struct rd_group *g)
{
	if (g->tfq_run) {
		md_out(w,
		       "; teacher-forced mean KL %.4f nats, same top-1 %.1f %%",
		       g->tfq.kl, g->tfq.same * 100);
	} else if (g->lpq_run) {
		md_out(w, "; logprob mean KL %.4f nats (a lower bound)",
		       g->lpq.kl);
	}
	if (g->tfq_run == NULL && tf_lacking(g))
		md_out(w, "; teacher-forced level missing (%s has none)",
		       tf_lacking(g));
}

void mdq_beside(jw *w, const struct rd_group *g)
{
	const struct rd_qcmp *q = &g->qcmp;

	if (g->graded.wl == NULL) {
		md_out(w, "; quality not measured (no graded answers)");
		kl_beside(w, g);
		return;
	}
	md_out(w, "; graded accuracy ");
	accuracy(w, &g->graded);
	if (q->verdict == VD_Q_REFERENCE) {
		md_out(w, ", the quality reference");
	} else if (q->verdict == VD_Q_WITHIN) {
		md_out(w, ", within the quality budget against ");
		md_cell(w, q->ref->key, 120);
		md_out(w, " (%.1f points %s, %d items)", fabs(q->drop),
		       q->drop > 0 ? "below" : "above", q->items);
	} else {
		md_out(w, ", not compared with a reference: ");
		md_cell(w, q->why_not, 200);
	}
	kl_beside(w, g);
}

void mdq_over(jw *w, const struct rd_group *over, const char *better)
{
	const struct rd_qcmp *q = &over->qcmp;

	md_out(w, " ");
	md_cell(w, over->key, 120);
	if (q->kl_over && q->diff != VD_WORSE &&
	    !(q->drop > RD_QUALITY_BUDGET)) {
		md_out(
		    w,
		    " is %s but over the quality budget: its %s mean KL "
		    "divergence is %.4f nats (95 %% CI from %.4f), above the "
		    "%.2f-nat limit, so it is not picked.",
		    better, q->kl_tf ? "teacher-forced" : "logprob", q->kl,
		    q->kl_lo, RD_KL_BUDGET);
		return;
	}
	md_out(w, " is %s but over the quality budget: %.1f points below ",
	       better, q->drop);
	md_cell(w, q->ref->key, 120);
	md_out(w,
	       " on %d items (%d answered right only by the reference, %d only "
	       "by it; "
	       "McNemar, Holm p ",
	       q->items, q->ref_only, q->cand_only);
	p_text(w, q->p_adj);
	md_out(w, ")");
	if (q->kl_over)
		md_out(w,
		       ", and its %s mean KL divergence, %.4f nats (95 %% CI "
		       "from %.4f), is above the %.2f-nat limit too",
		       q->kl_tf ? "teacher-forced" : "logprob", q->kl, q->kl_lo,
		       RD_KL_BUDGET);
	md_out(w, ", so it is not picked.");
}

/* The quality table: a row per group of a model (an rd_group). */
static const struct rd_group *g_of(const struct md_at *at)
{
	return at->row;
}
static const struct rd_qcmp *q_of(const struct md_at *at)
{
	return &g_of(at)->qcmp;
}

static void c_group(const struct md_at *at)
{
	md_cell(at->w, g_of(at)->key, 120);
}
static void c_accuracy(const struct md_at *at)
{
	if (g_of(at)->graded.wl)
		accuracy(at->w, &g_of(at)->graded);
	else
		md_out(at->w, "—");
}
static void c_graded(const struct md_at *at)
{
	const struct rd_graded *q = &g_of(at)->graded;

	if (q->wl)
		md_out(at->w, "%ld of %ld (%d items)", q->correct, q->checked,
		       q->items);
	else
		md_out(at->w, "—");
}

/* A figure of the test against the reference, "—" when untested. */
static int tested(const struct md_at *at)
{
	if (q_of(at)->p < 0)
		md_out(at->w, "—");
	return q_of(at)->p >= 0;
}
static void c_items(const struct md_at *at)
{
	if (tested(at))
		md_out(at->w, "%d", q_of(at)->items);
}
static void c_ref_only(const struct md_at *at)
{
	if (tested(at))
		md_out(at->w, "%d", q_of(at)->ref_only);
}
static void c_cand_only(const struct md_at *at)
{
	if (tested(at))
		md_out(at->w, "%d", q_of(at)->cand_only);
}
static void c_points(const struct md_at *at)
{
	if (tested(at)) /* + 0.0: a tie is 0.0, not -0.0 */
		md_out(at->w, "%+.1f", -q_of(at)->drop + 0.0);
}
static void c_holm(const struct md_at *at)
{
	if (tested(at))
		p_text(at->w, q_of(at)->p_adj);
}

static void c_decode_ratio(const struct md_at *at)
{
	const struct rd_group *g = g_of(at), *r = g->qcmp.ref;

	if (r && r != g && isfinite(g->sum.decode.mean) &&
	    isfinite(r->sum.decode.mean))
		md_out(at->w, "%.2f×", g->sum.decode.mean / r->sum.decode.mean);
	else
		md_out(at->w, "—");
}

static void c_verdict(const struct md_at *at)
{
	const struct rd_qcmp *q = q_of(at);

	verdict_text(at->w, q);
	if (q->verdict == VD_Q_UNMEASURED && q->why_not) {
		md_out(at->w, ": ");
		md_cell(at->w, q->why_not, 200);
	}
}

static const struct md_col quality_cols[] = {
    {.title = "group", .align = MD_LEFT, .cell = c_group},
    {.title = "graded accuracy", .align = MD_LEFT, .cell = c_accuracy},
    {.title = "right of graded", .align = MD_LEFT, .cell = c_graded},
    {.title = "items paired", .align = MD_LEFT, .cell = c_items},
    {.title = "reference right, it wrong",
     .align = MD_LEFT,
     .cell = c_ref_only},
    {.title = "it right, reference wrong",
     .align = MD_LEFT,
     .cell = c_cand_only},
    {.title = "points vs reference", .align = MD_LEFT, .cell = c_points},
    {.title = "Holm p", .align = MD_LEFT, .cell = c_holm},
    {.title = "decode vs reference", .align = MD_LEFT, .cell = c_decode_ratio},
    {.title = "verdict", .align = MD_LEFT, .cell = c_verdict},
};

/* "91.4 % (95 % CI 84.9–95.3)" of fractions; "—" when unknown. */
static void share(jw *w, double v, double lo, double hi)
{
	if (!isfinite(v)) {
		md_out(w, "—");
		return;
	}
	md_out(w, "%.1f %%", v * 100);
	if (isfinite(lo) && isfinite(hi))
		md_out(w, " (95 %% CI %.1f–%.1f)", lo * 100, hi * 100);
}

/* The levels of evidence group g has, and those it lacks. */
static void evidence(jw *w, const struct rd_group *g)
{
	int a = g->agree_run != NULL, l = g->lpq_run != NULL;

	if (!a && !l) {
		md_out(w, "not measured: run agg --reference REF.ndjson on its "
			  "events (logprobs: gen --logprobs too)");
		if (tf_lacking(g))
			md_out(w,
			       "; teacher-forced missing: %s takes no prompt "
			       "of token ids with their logprobs",
			       tf_lacking(g));
		return;
	}
	md_out(w, "%s%s%s", a ? "greedy agreement, any server" : "",
	       a && l ? "; " : "", l ? "logprobs (server returned them)" : "");
	if (!a)
		md_out(w, "; greedy agreement not measured");
	if (!l)
		md_out(w, "; logprobs not measured: gen --logprobs, then agg "
			  "--reference");
	else if (g->lpq.truncated)
		md_out(w, " (top %d only)", g->lpq.top_k);
	if (g->tfq_run == NULL && tf_lacking(g))
		md_out(w,
		       "; teacher-forced missing: %s takes no prompt of token "
		       "ids with their logprobs",
		       tf_lacking(g));
	else if (g->tfq_run == NULL)
		md_out(w, "; teacher-forced not measured: gen --teacher-force "
			  "on llama-server or vLLM (make quality)");
}

/* The agreement table: a row per group of a model (an rd_group), its
 * greedy agreement, then its logprob agreement, "—" where not measured. */
static const struct rd_agree *agree_of(const struct md_at *at)
{
	if (g_of(at)->agree_run == NULL)
		md_out(at->w, "—");
	return g_of(at)->agree_run ? &g_of(at)->agree : NULL;
}
static const struct rd_lpq *lpq_of(const struct md_at *at)
{
	if (g_of(at)->lpq_run == NULL)
		md_out(at->w, "—");
	return g_of(at)->lpq_run ? &g_of(at)->lpq : NULL;
}

static void c_identical(const struct md_at *at)
{
	const struct rd_agree *a = agree_of(at);

	if (a)
		share(at->w, a->share, a->lo, a->hi);
}
static void c_identical_of(const struct md_at *at)
{
	const struct rd_agree *a = agree_of(at);

	if (a)
		md_out(at->w, "%d of %d", a->identical, a->prompts);
}
static void c_ttd(const struct md_at *at)
{
	const struct rd_agree *a = agree_of(at);

	if (a)
		md_num(at->w, a->ttd_median, 0);
}
static void c_top1(const struct md_at *at)
{
	const struct rd_lpq *l = lpq_of(at);

	if (l)
		share(at->w, l->top1, l->top1_lo, l->top1_hi);
}
static void c_kl(const struct md_at *at)
{
	const struct rd_lpq *l = lpq_of(at);

	if (l == NULL)
		return;
	md_num(at->w, l->kl, 4);
	if (isfinite(l->kl_lo) && isfinite(l->kl_hi))
		md_out(at->w, " (95 %% CI %.4f–%.4f)", l->kl_lo, l->kl_hi);
}
static void c_kl_p99(const struct md_at *at)
{
	const struct rd_lpq *l = lpq_of(at);

	if (l)
		md_num(at->w, l->kl_p99, 4);
}
static void c_evidence(const struct md_at *at)
{
	evidence(at->w, g_of(at));
}

static const struct md_col agree_cols[] = {
    {.title = "group", .align = MD_LEFT, .cell = c_group},
    {.title = "identical outputs", .align = MD_LEFT, .cell = c_identical},
    {.title = "identical of prompts", .align = MD_LEFT, .cell = c_identical_of},
    {.title = "tokens to divergence (median)", .align = MD_LEFT, .cell = c_ttd},
    {.title = "top-1 agreement", .align = MD_LEFT, .cell = c_top1},
    {.title = "mean KL (nats)", .align = MD_LEFT, .cell = c_kl},
    {.title = "KL p99", .align = MD_LEFT, .cell = c_kl_p99},
    {.title = "evidence", .align = MD_LEFT, .cell = c_evidence},
};

/* Model m's agreement with a reference run, when a group of it has one. */
static void agree_table(jw *w, const struct rd_set *s, const char *m)
{
	const struct md_table t = MD_TABLE(agree_cols, NULL);
	int any = 0;

	for (int i = 0; i < s->ng; i++)
		if (!strcmp(rd_model_of(s, &s->g[i]), m) &&
		    (s->g[i].agree_run || s->g[i].lpq_run))
			any = 1;
	if (!any)
		return;
	md_out(w, "Agreement with a reference run (agg --reference):\n\n");
	md_table_head(w, &t);
	for (int i = 0; i < s->ng; i++)
		if (!strcmp(rd_model_of(s, &s->g[i]), m))
			md_table_row(w, &t, &s->g[i]);
	md_out(w, "\n");
}

/* A KL in nats: six decimals (a good quantization's is 1e-4), with its
 * interval. */
static void kl_text(jw *w, double kl, double lo, double hi)
{
	md_num(w, kl, 6);
	if (isfinite(lo) && isfinite(hi))
		md_out(w, " (95 %% CI %.6f–%.6f)", lo, hi);
}

/* One group's row of the teacher-forced table. */
static void tf_row(jw *w, const struct rd_group *g)
{
	const struct rd_tfq *t = &g->tfq;

	md_out(w, "| ");
	md_cell(w, g->key, 120);
	if (g->tfq_run == NULL && g->qcmp.verdict == VD_Q_REFERENCE) {
		md_out(w, " | — | — | — | — | — | reference: the others are "
			  "fed its tokens |\n");
		return;
	}
	if (g->tfq_run == NULL) {
		md_out(w, " | — | — | — | — | — | not measured");
		if (t->why) {
			md_out(w, ": ");
			md_cell(w, t->why, 200);
		}
		md_out(w, " |\n");
		return;
	}
	md_out(w, " | %d | ", t->positions);
	kl_text(w, t->kl, t->kl_lo, t->kl_hi);
	md_out(w, " | ");
	md_num(w, t->kl_p99, 6);
	md_out(w, " | ");
	share(w, t->same, t->same_lo, t->same_hi);
	md_out(w, " | ");
	if (isfinite(t->dppl))
		md_out(w, "%+.4g (95 %% CI %+.4g to %+.4g)", t->dppl,
		       t->dppl_lo, t->dppl_hi);
	else
		md_out(w, "— (a forced token not among the alternatives)");
	md_out(w, " | teacher-forced (%s)%s |\n",
	       t->exact ? "whole distributions: KL exact"
			: "top-K lists: KL a lower bound",
	       t->tie ? "; a tie" : "");
}

/* Model m's teacher-forced figures (level c), when a group of it has them. */
static void tf_table(jw *w, const struct rd_set *s, const char *m)
{
	int any = 0;

	for (int i = 0; i < s->ng; i++)
		any |= !strcmp(rd_model_of(s, &s->g[i]), m) &&
		       s->g[i].tfq_run != NULL;
	if (!any)
		return;
	md_out(w,
	       "Teacher-forced against the reference (gen --teacher-force, "
	       "agg --reference):\n\n"
	       "| group | positions | mean KL (nats) | KL p99 | same top-1 | "
	       "Δ perplexity | evidence |\n"
	       "|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < s->ng; i++)
		if (!strcmp(rd_model_of(s, &s->g[i]), m))
			tf_row(w, &s->g[i]);
	md_out(w, "\n");
}

/* The groups of model m: the reference named first, then the table. */
static void model_table(jw *w, const struct rd_set *s, const char *m)
{
	const struct md_table t = MD_TABLE(quality_cols, NULL);
	const struct rd_group *ref = NULL;

	for (int i = 0; i < s->ng; i++)
		if (!strcmp(rd_model_of(s, &s->g[i]), m) &&
		    s->g[i].qcmp.verdict == VD_Q_REFERENCE)
			ref = &s->g[i];
	md_out(w, "### ");
	md_cell(w, m, 120);
	md_out(w, "\n\nReference: ");
	if (ref) {
		md_out(w, "**");
		md_cell(w, ref->key, 120);
		md_out(
		    w, "** (%s), on ",
		    s->quality_ref
			? "named by --quality-ref"
			: "the most precise quantization with graded answers");
		md_cell(w, ref->graded.wl->name, 200);
		md_out(w, ".\n\n");
	} else {
		md_out(w, "none, so nothing is compared.\n\n");
	}
	md_table_head(w, &t);
	for (int i = 0; i < s->ng; i++)
		if (!strcmp(rd_model_of(s, &s->g[i]), m))
			md_table_row(w, &t, &s->g[i]);
	md_out(w, "\n");
	agree_table(w, s, m);
	tf_table(w, s, m);
}

static void intro(jw *w)
{
	md_out(
	    w,
	    "## Quality\n\nLevel of evidence: **graded answers, any "
	    "server**: each "
	    "item of a graded set (prompts/graded.json) has one exact "
	    "answer, checked "
	    "in the output the server sent (lib/grade); a failed request is "
	    "not graded. "
	    "Each quantization is "
	    "paired with its "
	    "model's reference item by item (an item's majority answer over "
	    "runs and "
	    "repetitions; an even split is left out); McNemar's exact test "
	    "on the items "
	    "only one of the two answered right, Holm's correction over "
	    "this section's "
	    "tests. **Within budget**: not significantly below the "
	    "reference (Holm p ≥ "
	    "0.05) and at most %.0f points below it on the paired items, "
	    "and, where its KL divergence from a reference was measured, "
	    "that KL not above %.2f nats with 95 %% confidence "
	    "(docs/metrics.md, Quality budget); a quantization over it is "
	    "never "
	    "picked in The answer. Only quantizations of one model are "
	    "compared. "
	    "Agreement with a reference run, where `agg --reference` "
	    "computed it, is in a second table per model, at its level of "
	    "evidence: **greedy agreement, any server** (the share of "
	    "prompts whose output is identical to the reference run's, "
	    "Wilson interval, and the median tokens before the first "
	    "difference) and **logprobs (server returned them)** (top-1 "
	    "agreement and mean KL divergence in nats, Student's t "
	    "intervals over prompts, KL's 99th percentile over positions); "
	    "a group's figures are those of its run with the most prompts "
	    "compared (docs/report.md). Where `gen --teacher-force` fed the "
	    "reference's own tokens to a group's server (llama-server, vLLM), "
	    "a third "
	    "table gives the **teacher-forced** figures (level c, "
	    "llama-perplexity --kl-divergence's): mean KL divergence with "
	    "its 95 %% interval and its 99th percentile over every "
	    "position, same top-1 (Wilson) and Δ perplexity (docs/metrics.md, "
	    "Teacher-forced quality).\n\n",
	    RD_QUALITY_BUDGET, RD_KL_BUDGET);
}

void mdq_section(jw *w, const struct rd_set *s)
{
	const char *done[256];
	int nd = 0;

	if (!mdq_measured(s))
		return;
	intro(w);
	if (s->quality_why) {
		md_out(w, "Not compared: ");
		md_cell(w, s->quality_why, 200);
		md_out(w, ".\n\n");
	}
	for (int i = 0; i < s->ng && !s->quality_why; i++) {
		const char *m = rd_model_of(s, &s->g[i]);
		int k;
		for (k = 0; k < nd && strcmp(done[k], m); k++)
			;
		if (k < nd || nd == 256)
			continue;
		done[nd++] = m;
		model_table(w, s, m);
	}
}
