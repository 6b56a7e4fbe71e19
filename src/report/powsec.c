/* powsec: power, heat and sustained speed in the report (see powsec.h). */
#include "powsec.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "verdict.h"

/* The set the columns are for: the last one written (one report). */
static const struct rd_set *S;

/* The mean of a figure over a group's Summary runs that have it; NAN
 * when none has it, with the first run's reason in *why. */
static double group_fig(const struct rd_group *g, int watts, const char **why)
{
	double sum = 0;
	int n = 0;

	*why = "no Summary run";
	if (g->base == NULL)
		return NAN;
	for (int i = 0; i < g->base->n; i++) {
		const struct rd_power *p = &g->base->runs[i]->power;
		double v = watts ? p->mean_w : p->j_per_tok;
		if (i == 0)
			*why = p->why;
		if (!isnan(v)) {
			sum += v;
			n++;
		}
	}
	return n ? sum / n : NAN;
}

void powsec_set(const struct rd_set *s)
{
	S = s;
}

static void fig_cell(const struct md_at *at, int watts, int prec)
{
	const char *why;
	double v = group_fig(at->row, watts, &why);

	if (!isnan(v)) {
		md_num(at->w, v, prec);
		return;
	}
	md_out(at->w, "unknown");
	if (!watts) { /* the reason once, in the first column */
		md_out(at->w, ": ");
		md_cell(at->w, why, 80);
	}
}

void powsec_cell_jpt(const struct md_at *at)
{
	fig_cell(at, 0, 3);
}

void powsec_cell_w(const struct md_at *at)
{
	fig_cell(at, 1, 1);
}

int powsec_shown(const struct md_at *at)
{
	const char *why;

	(void)at;
	for (int g = 0; S && g < S->ng; g++)
		if (!isnan(group_fig(&S->g[g], 0, &why)))
			return 1;
	return 0;
}

/* ---- the section ----------------------------------------------------------
 */

static const struct rd_run *row_of(const struct md_at *at)
{
	return at->row;
}

static void c_run(const struct md_at *at)
{
	const char *b = strrchr(row_of(at)->path, '/');

	md_cell(at->w, b ? b + 1 : row_of(at)->path, 90);
}

static void c_group(const struct md_at *at)
{
	md_cell(at->w, row_of(at)->key, 90);
}

/* A figure, or "unknown" with the reason when the energy is. */
static void c_jpt(const struct md_at *at)
{
	const struct rd_power *p = &row_of(at)->power;

	if (!isnan(p->j_per_tok)) {
		md_num(at->w, p->j_per_tok, 3);
		return;
	}
	md_out(at->w, "unknown: ");
	md_cell(at->w, p->why, 160);
}

static void num_or_unknown(const struct md_at *at, double v, int prec)
{
	if (isnan(v))
		md_out(at->w, "unknown");
	else
		md_num(at->w, v, prec);
}

static void c_mean_w(const struct md_at *at)
{
	num_or_unknown(at, row_of(at)->power.mean_w, 1);
}

static void c_p95_w(const struct md_at *at)
{
	num_or_unknown(at, row_of(at)->power.p95_w, 1);
}

static void c_temp(const struct md_at *at)
{
	num_or_unknown(at, row_of(at)->power.peak_temp, 1);
}

static void c_source(const struct md_at *at)
{
	md_cell(at->w, row_of(at)->power.energy_source, 60);
}

/* "slowed: 0.80× (0.78–0.82)": the verdict with its ratio and interval. */
static void c_sustained(const struct md_at *at)
{
	const struct rd_drift *d = &row_of(at)->drift;

	md_cell(at->w, verdict_sustain_name(d->verdict), 30);
	if (d->verdict == VD_SUS_UNKNOWN && d->why != NULL) {
		md_out(at->w, ": ");
		md_cell(at->w, d->why, 120);
	}
	if (isnan(d->ratio.v))
		return;
	md_out(at->w, ": %.2f×", d->ratio.v);
	if (!isnan(d->ratio.lo) && !isnan(d->ratio.hi))
		md_out(at->w, " (%.2f–%.2f)", d->ratio.lo, d->ratio.hi);
}

static const struct md_col pow_cols[] = {
    {.title = "run", .align = MD_LEFT, .cell = c_run},
    {.title = "group", .align = MD_LEFT, .cell = c_group},
    {.title = "J/token", .align = MD_RIGHT, .cell = c_jpt},
    {.title = "mean W", .align = MD_RIGHT, .cell = c_mean_w},
    {.title = "p95 W", .align = MD_RIGHT, .cell = c_p95_w},
    {.title = "peak °C", .align = MD_RIGHT, .cell = c_temp},
    {.title = "energy source", .align = MD_LEFT, .cell = c_source},
    {.title = "sustained speed (last third / first, 95 % CI)",
     .align = MD_LEFT,
     .cell = c_sustained},
};

/* Whether run r is a Summary run of some group. */
static int in_summary(const struct rd_set *s, const struct rd_run *r)
{
	for (int g = 0; g < s->ng; g++)
		for (int i = 0; s->g[g].base && i < s->g[g].base->n; i++)
			if (s->g[g].base->runs[i] == r)
				return 1;
	return 0;
}

static int changed(const struct rd_run *r)
{
	return r->drift.verdict == VD_SUS_SLOWED ||
	       r->drift.verdict == VD_SUS_SPED_UP;
}

static int any_row(const struct rd_set *s)
{
	for (int i = 0; i < s->nruns; i++)
		if (s->runs[i].power.sampled || changed(&s->runs[i]))
			return 1;
	return 0;
}

static void intro(jw *md)
{
	md_out(
	    md,
	    "## Power, heat and sustained speed\n\nEach group's Summary "
	    "runs, then every other run whose decode speed changed as it "
	    "ran (docs/metrics.md, Power and heat; Sustained speed). J/token: "
	    "the machine's energy over the measured window (as far as its "
	    "sources see) per output token; a figure no source measured is "
	    "unknown, with the reason, never 0. Sustained speed: the last "
	    "third's decode TPS over the first third's; slowed below 0.95, "
	    "sped up above 1.05, with 95 %% confidence.\n\n");
}

void powsec_write(jw *md, const struct rd_set *s, const char *assets_dir,
		  const char *assets_rel, const char *fmt)
{
	const struct md_table t = MD_TABLE(pow_cols, NULL);
	char path[1200];
	struct stat st;

	S = s;
	if (!any_row(s))
		return;
	intro(md);
	md_table_head(md, &t);
	for (int g = 0; g < s->ng; g++)
		for (int i = 0; s->g[g].base && i < s->g[g].base->n; i++)
			md_table_row(md, &t, s->g[g].base->runs[i]);
	for (int i = 0; i < s->nruns; i++)
		if (changed(&s->runs[i]) && !in_summary(s, &s->runs[i]))
			md_table_row(md, &t, &s->runs[i]);
	md_out(md, "\n");
	snprintf(path, sizeof path, "%s/power.%s", assets_dir, fmt);
	if (stat(path, &st) == 0)
		md_out(md,
		       "![Power and temperature during each group's Summary "
		       "run](%s/power.%s)\n\n",
		       assets_rel, fmt);
}
