/* orderfx: order effects between a plan's passes (see orderfx.h). */
#include "orderfx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "jget.h"
#include "md.h"
#include "runpath.h"

/* An entry's standard run in one pass. */
struct slot {
	const struct rd_outcome *o;
	double tps; /* its run's mean decode TPS; NAN unknown */
};

int orderfx_rank(double a, double b)
{
	if (!(a > 0) || !(b > 0))
		return 2;
	if (a >= b * ORDERFX_BAND)
		return 1;
	if (b >= a * ORDERFX_BAND)
		return -1;
	return 0;
}

int orderfx_changed(int r1, int r2)
{
	if (r1 == 2 || r2 == 2 || r1 == r2)
		return 0;
	return r1 != 0 || r2 != 0;
}

/* The mean decode TPS of the run file named name (its base name). */
static double run_tps(const struct rd_set *s, const char *name)
{
	for (int i = 0; *name && i < s->nruns; i++) {
		const char *p = s->runs[i].path, *b = strrchr(p, '/');
		if (strcmp(b ? b + 1 : p, name) == 0 && s->runs[i].doc)
			return jget_path_num(s->runs[i].doc, RP_DECODE ".mean",
					     NAN);
	}
	return NAN;
}

/* plan's standard runs, in the order the outcomes list them (each pass's
 * entries in the order they ran); returns how many, *passes the most. */
static int slots(const struct rd_set *s, const char *plan, struct slot *sl,
		 int *passes)
{
	int n = 0;

	*passes = 1;
	for (int i = 0; i < s->nout; i++) {
		const struct rd_outcome *o = &s->out[i];
		if (strcmp(o->plan, plan) != 0 || strcmp(o->workload, "std"))
			continue;
		sl[n].o = o;
		sl[n++].tps = run_tps(s, o->run);
		if (o->pass > *passes)
			*passes = o->pass;
	}
	return n;
}

/* One row: pass, order, entry, start, state, decode TPS. */
static void row(jw *md, const struct slot *x, double t0)
{
	const struct rd_outcome *o = x->o;

	md_out(md, "| %d | %d | ", o->pass, o->order);
	md_cell(md, o->entry, 60);
	md_out(md, " | ");
	md_num(md, isnan(o->t_start) ? NAN : o->t_start - t0, 1);
	md_out(md, " | %s | ",
	       o->thermal >= 0 ? formats_thermal_name(o->thermal) : "unknown");
	if (isnan(o->temp_c))
		md_out(md, "unknown");
	else
		md_num(md, o->temp_c, 1);
	md_out(md, " | %s | ",
	       o->throttled < 0 ? "unknown"
	       : o->throttled	? "yes"
				: "no");
	md_num(md, x->tps, 2);
	md_out(md, " |\n");
}

/* "a, b, c": the entries of pass p in the order they ran. */
static void order_of(jw *md, const struct slot *sl, int n, int p)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		if (sl[i].o->pass == p) {
			md_out(md, "%s", k++ ? ", " : "");
			md_cell(md, sl[i].o->entry, 60);
		}
}

static const struct slot *find(const struct slot *sl, int n, const char *e,
			       int p)
{
	for (int i = 0; i < n; i++)
		if (sl[i].o->pass == p && strcmp(sl[i].o->entry, e) == 0)
			return &sl[i];
	return NULL;
}

static const char *rank_text(int r)
{
	return r == 1 ? "ahead of" : r == -1 ? "behind" : "tied with";
}

/* One pair whose ranking changed between passes p and q. */
static void say_change(jw *md, const struct slot *sl, int n,
		       const struct slot *a[2], const struct slot *b[2],
		       const int pq[2], const int r[2])
{
	md_out(md, "- **The ranking of ");
	md_cell(md, a[0]->o->entry, 60);
	md_out(md, " and ");
	md_cell(md, b[0]->o->entry, 60);
	md_out(md, " changed between passes**:");
	for (int k = 0; k < 2; k++) {
		md_out(md, "%s pass %d ran ", k ? ";" : "", pq[k]);
		order_of(md, sl, n, pq[k]);
		md_out(md, " and had ");
		md_cell(md, a[k]->o->entry, 60);
		md_out(md, " (%.2f tok/s) %s ", a[k]->tps, rank_text(r[k]));
		md_cell(md, b[k]->o->entry, 60);
		md_out(md, " (%.2f)", b[k]->tps);
	}
	md_out(md, ". The order the entries ran in moved the ranking: the "
		   "machine drifted (heat, throttling, a neighbour) while the "
		   "plan ran, so neither pass alone ranks them.\n");
}

/* Every pair of entries, every two passes: returns the changes said. */
static int changes(jw *md, const struct slot *sl, int n, int passes)
{
	int said = 0;

	for (int i = 0; i < n; i++) {
		if (sl[i].o->pass != 1)
			continue;
		for (int j = i + 1; j < n; j++) {
			if (sl[j].o->pass != 1)
				continue;
			for (int q = 2; q <= passes; q++) {
				const struct slot *a[2] = {
				    &sl[i], find(sl, n, sl[i].o->entry, q)};
				const struct slot *b[2] = {
				    &sl[j], find(sl, n, sl[j].o->entry, q)};
				int r[2], pq[2] = {1, q};
				if (a[1] == NULL || b[1] == NULL)
					continue;
				r[0] = orderfx_rank(a[0]->tps, b[0]->tps);
				r[1] = orderfx_rank(a[1]->tps, b[1]->tps);
				if (!orderfx_changed(r[0], r[1]))
					continue;
				say_change(md, sl, n, a, b, pq, r);
				said++;
			}
		}
	}
	return said;
}

static void plan_section(jw *md, const struct rd_set *s, const char *plan)
{
	struct slot *sl = calloc((size_t)s->nout + 1, sizeof *sl);
	int n, passes;
	double t0 = INFINITY;

	if (sl == NULL)
		return;
	n = slots(s, plan, sl, &passes);
	if (passes >= 2) {
		for (int i = 0; i < n; i++)
			if (sl[i].o->t_start < t0)
				t0 = sl[i].o->t_start;
		md_out(md, "### Plan ");
		md_cell(md, plan, 60);
		md_out(md,
		       ": %d passes\n\n| pass | order | entry | started "
		       "(s from the first) | thermal state | hottest "
		       "sensor °C | throttled | decode TPS (standard "
		       "run) |\n|---:|---:|---|---:|---|---:|---|---:|\n",
		       passes);
		for (int i = 0; i < n; i++)
			row(md, &sl[i], t0);
		md_out(md, "\n");
		if (changes(md, sl, n, passes) == 0)
			md_out(md, "No ranking changed between passes: every "
				   "pair of entries ranked the same way (or "
				   "tied) in each.\n");
		md_out(md, "\n");
	}
	free(sl);
}

void orderfx_write(jw *md, const struct rd_set *s)
{
	int any = 0;

	for (int i = 0; i < s->nout; i++)
		any |= s->out[i].pass >= 2;
	if (!any)
		return;
	md_out(md, "## Order effects\n\nA plan run in passes (`passes = 2`: "
		   "every second pass in reverse order) shows drift as a "
		   "difference between passes: each entry's standard run by "
		   "pass, in the order they ran, with the machine's state at "
		   "its start. Two entries are ranked apart when one's decode "
		   "TPS is 5 %% above the other's, else tied; a ranking that "
		   "changes between passes is flagged (docs/metrics.md, Order "
		   "effects).\n\n");
	for (int i = 0; i < s->nout; i++) {
		int seen = 0;
		for (int k = 0; k < i; k++)
			seen |= strcmp(s->out[k].plan, s->out[i].plan) == 0;
		if (!seen)
			plan_section(md, s, s->out[i].plan);
	}
}
