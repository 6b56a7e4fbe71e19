/* quality: each group's graded accuracy and its paired comparison with
 * its model's reference quantization (rundata.h, rd_quality). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "quant.h"
#include "rundata.h"
#include "slo.h"
#include "stats.h"
#include "verdict.h"

/* One item's graded answers in a group's workload. */
struct item {
	const char *name;
	int right, n;
};

/* The items of workload w, every graded answer of its runs at every
 * level; *n of them.  Returns NULL when there is none or out of memory
 * (*oom set). */
static struct item *tally(const struct rd_wl *w, int *n, int *oom)
{
	struct item *it = NULL;
	size_t cap = 0;

	*n = 0;
	for (int l = 0; w && l < w->nlv; l++)
		for (int i = 0; i < w->lv[l].n; i++)
			cap += w->lv[l].runs[i]->nreq;
	if (cap == 0 || (it = calloc(cap, sizeof *it)) == NULL) {
		*oom = cap > 0;
		return NULL;
	}
	for (int l = 0; l < w->nlv; l++)
		for (int i = 0; i < w->lv[l].n; i++) {
			const struct rd_run *r = w->lv[l].runs[i];
			for (size_t k = 0; k < r->nreq; k++) {
				int j;
				if (r->req[k].correct < 0)
					continue;
				for (j = 0; j < *n && strcmp(it[j].name,
							     r->req[k].prompt);
				     j++)
					;
				if (j == *n)
					it[(*n)++].name = r->req[k].prompt;
				it[j].right += r->req[k].correct;
				it[j].n++;
			}
		}
	if (*n == 0) {
		free(it);
		it = NULL;
	}
	return it;
}

/* The group's graded accuracy on its workload with the most graded
 * answers (the first of equals). */
static int graded(struct rd_group *g)
{
	struct rd_graded *q = &g->graded;
	int oom = 0;

	memset(q, 0, sizeof *q);
	q->acc = q->lo = q->hi = NAN;
	for (int w = 0; w < g->nwl; w++) {
		int n;
		long checked = 0, right = 0;
		struct item *it = tally(&g->wl[w], &n, &oom);
		for (int j = 0; j < n; j++) {
			checked += it[j].n;
			right += it[j].right;
		}
		free(it);
		if (checked > q->checked) {
			q->wl = &g->wl[w];
			q->checked = checked;
			q->correct = right;
			q->items = n;
		}
	}
	if (q->checked > 0) {
		q->acc = (double)q->correct / (double)q->checked;
		slo_wilson(q->correct, q->checked, &q->lo, &q->hi);
	}
	return oom ? -1 : 0;
}

static const char *quant_of(const struct rd_set *s, const struct rd_group *g)
{
	int f = rd_by_index(s, "quant");

	return f >= 0 ? g->field[f] : "";
}

/* The reference of the model of group g: the named quantization, else
 * the most bits per weight, of the model's groups with graded answers. */
static const struct rd_group *
reference(const struct rd_set *s, const struct rd_group *g, const char **why)
{
	const struct rd_group *best = NULL;
	const char *model = rd_model_of(s, g);

	for (int i = 0; i < s->ng; i++) {
		const struct rd_group *c = &s->g[i];
		if (strcmp(rd_model_of(s, c), model) || c->graded.wl == NULL)
			continue;
		if (s->quality_ref) {
			if (strcasecmp(quant_of(s, c), s->quality_ref) == 0 &&
			    best == NULL)
				best = c;
		} else if (!isnan(quant_bits(quant_of(s, c))) &&
			   (best == NULL ||
			    quant_bits(quant_of(s, c)) >=
				quant_bits(quant_of(s, best)))) {
			best =
			    c; /* equal bits: the later in the groups' order */
		}
	}
	if (best == NULL)
		*why = s->quality_ref
			   ? "the model has no group of the --quality-ref "
			     "quantization with graded answers"
			   : "no quantization of the model with graded answers "
			     "has a "
			     "precision lib/quant knows";
	return best;
}

/* The majority answer of item name among it[0..n): 1, 0, or -1 (none or
 * split evenly). */
static int majority(const struct item *it, int n, const char *name)
{
	for (int j = 0; j < n; j++)
		if (strcmp(it[j].name, name) == 0)
			return 2 * it[j].right > it[j].n   ? 1
			       : 2 * it[j].right < it[j].n ? 0
							   : -1;
	return -1;
}

/* Pairs group g with the reference on the reference's graded workload. */
static int pair_items(const struct rd_group *g, struct rd_qcmp *q)
{
	const struct rd_wl *rw = q->ref->graded.wl, *cw = NULL;
	struct item *a, *b;
	int na, nb, oom = 0, ra = 0, rb = 0;

	for (int w = 0; w < g->nwl; w++)
		if (strcmp(g->wl[w].key, rw->key) == 0)
			cw = &g->wl[w];
	a = tally(rw, &na, &oom);
	b = tally(cw, &nb, &oom);
	for (int j = 0; j < na; j++) {
		int x = majority(a, na, a[j].name),
		    y = majority(b, nb, a[j].name);
		if (x < 0 || y < 0)
			continue;
		q->items++;
		ra += x;
		rb += y;
		q->ref_only += x && !y;
		q->cand_only += y && !x;
	}
	free(a);
	free(b);
	if (q->items == 0) {
		q->why_not = cw ? "no graded item in common with the reference"
				: "the reference's graded workload was not run";
		return oom ? -1 : 0;
	}
	q->ref_acc = (double)ra / q->items;
	q->cand_acc = (double)rb / q->items;
	q->drop = (q->ref_acc - q->cand_acc) * 100;
	q->p = stats_mcnemar(q->ref_only, q->cand_only);
	return oom ? -1 : 0;
}

/* Group g's comparison with its model's reference (untested p). */
static int compare(const struct rd_set *s, struct rd_group *g)
{
	struct rd_qcmp *q = &g->qcmp;

	memset(q, 0, sizeof *q);
	q->p = q->p_adj = -1;
	q->ref_acc = q->cand_acc = q->drop = NAN;
	if (s->quality_why) {
		q->why_not = s->quality_why;
		return 0;
	}
	if (g->graded.wl == NULL) {
		q->why_not =
		    "no graded answers (run prompts/graded.json: make quality)";
		return 0;
	}
	if ((q->ref = reference(s, g, &q->why_not)) == NULL)
		return 0;
	if (q->ref == g) {
		q->verdict = VD_Q_REFERENCE;
		return 0;
	}
	return pair_items(g, q);
}

/* The budget's KL limit: a group whose mean KL from the run it was
 * compared with is above RD_KL_BUDGET with 95 % confidence exceeds the
 * budget.  Teacher-forced figures first; else the logprob estimate,
 * which is at most the true KL, so over the limit is over it. */
static void kl_verdict(struct rd_group *g)
{
	struct rd_qcmp *q = &g->qcmp;
	const int tf = g->tfq_run != NULL;
	double lo = tf ? g->tfq.kl_lo : g->lpq_run ? g->lpq.kl_lo : NAN;

	if (q->verdict == VD_Q_REFERENCE || !(lo > RD_KL_BUDGET))
		return;
	q->kl_over = 1;
	q->kl_tf = tf;
	q->kl = tf ? g->tfq.kl : g->lpq.kl;
	q->kl_lo = lo;
	q->verdict = VD_Q_EXCEEDS;
}

/* Holm over every test of the set, then each verdict. */
static int verdicts(struct rd_set *s)
{
	double *p = malloc(((size_t)s->ng + 1) * sizeof *p);
	double *adj = malloc(((size_t)s->ng + 1) * sizeof *adj);

	if (p == NULL || adj == NULL) {
		free(p);
		free(adj);
		return -1;
	}
	for (int i = 0; i < s->ng; i++)
		p[i] = s->g[i].qcmp.p;
	stats_holm(p, (size_t)s->ng, adj);
	for (int i = 0; i < s->ng; i++) {
		struct rd_qcmp *q = &s->g[i].qcmp;
		if (q->p < 0)
			continue;
		q->p_adj = adj[i];
		if (q->p_adj < 0.05)
			q->diff =
			    q->cand_only > q->ref_only ? VD_BETTER : VD_WORSE;
		q->verdict = q->diff == VD_WORSE || q->drop > RD_QUALITY_BUDGET
				 ? VD_Q_EXCEEDS
				 : VD_Q_WITHIN;
	}
	for (int i = 0; i < s->ng; i++)
		kl_verdict(&s->g[i]);
	free(p);
	free(adj);
	return 0;
}

/* Whether run r is one of workload w's (NULL: none). */
static int in_wl(const struct rd_wl *w, const struct rd_run *r)
{
	for (int l = 0; w && l < w->nlv; l++)
		for (int i = 0; i < w->lv[l].n; i++)
			if (w->lv[l].runs[i] == r)
				return 1;
	return 0;
}

/* Whether run r (in the quality workload or not, with n prompts compared)
 * comes before the one kept, was (NULL: none): the quality workload's runs
 * first, then the most prompts, then the first of equals. */
static int better(const struct rd_group *g, const struct rd_run *r, int n,
		  const struct rd_run *was, int was_n)
{
	int a = in_wl(g->graded.wl, r), b = in_wl(g->graded.wl, was);

	return was == NULL || a > b || (a == b && n > was_n);
}

/* A run's greedy agreement into its group's: the figures of the better
 * run, else the best level of evidence seen (none over absent). */
static void take_agree(struct rd_group *g, const struct rd_run *r)
{
	if (r->agree.ev == RD_EV_GREEDY) {
		g->agree_runs++;
		if (better(g, r, r->agree.prompts, g->agree_run,
			   g->agree.prompts)) {
			g->agree = r->agree;
			g->agree_run = r;
		}
	} else if (g->agree_run == NULL && r->agree.ev > g->agree.ev) {
		g->agree = r->agree;
	}
}

/* As take_agree, for logprob agreement. */
static void take_lpq(struct rd_group *g, const struct rd_run *r)
{
	if (r->lpq.ev == RD_EV_LOGPROBS) {
		g->lpq_runs++;
		if (better(g, r, r->lpq.prompts, g->lpq_run, g->lpq.prompts)) {
			g->lpq = r->lpq;
			g->lpq_run = r;
		}
	} else if (g->lpq_run == NULL && r->lpq.ev > g->lpq.ev) {
		g->lpq = r->lpq;
	}
}

/* As take_agree, for teacher-forced quality (most positions). */
static void take_tfq(struct rd_group *g, const struct rd_run *r)
{
	if (r->tfq.ev == RD_EV_TEACHER) {
		g->tfq_runs++;
		if (g->tfq_run == NULL || r->tfq.positions > g->tfq.positions) {
			g->tfq = r->tfq;
			g->tfq_run = r;
		}
	} else if (g->tfq_run == NULL && r->tfq.ev > g->tfq.ev) {
		g->tfq = r->tfq;
	}
}

void rd_agreement(struct rd_group *g)
{
	memset(&g->agree, 0, sizeof g->agree);
	memset(&g->lpq, 0, sizeof g->lpq);
	memset(&g->tfq, 0, sizeof g->tfq);
	g->agree_run = g->lpq_run = g->tfq_run = NULL;
	g->agree_runs = g->lpq_runs = g->tfq_runs = 0;
	for (int i = 0; i < g->n; i++) {
		take_agree(g, g->runs[i]);
		take_lpq(g, g->runs[i]);
		take_tfq(g, g->runs[i]);
	}
}

int rd_quality(struct rd_set *s)
{
	s->quality_why = NULL;
	if (rd_by_index(s, "model") < 0)
		s->quality_why =
		    "--by has no model field, and quantizations are "
		    "compared only within one model";
	else if (rd_by_index(s, "quant") < 0)
		s->quality_why = "--by has no quant field";
	for (int i = 0; i < s->ng; i++) {
		if (graded(&s->g[i]) != 0)
			return -1;
		rd_agreement(&s->g[i]);
	}
	for (int i = 0; i < s->ng; i++)
		if (compare(s, &s->g[i]) != 0)
			return -1;
	return verdicts(s);
}

int rd_quality_ok(const struct rd_group *g)
{
	return g->qcmp.verdict != VD_Q_EXCEEDS;
}
