/* powplot: the report's chart of power and temperature during each
 * group's Summary run, beside the memory chart and on its time axis. */
#include <math.h>
#include <stdio.h>

#include "plot.h"

/* The run of a group whose power the chart draws: its Summary's first
 * with a power timeline, else none (other workloads are not comparable). */
static const struct rd_run *power_run(const struct rd_group *g)
{
	if (g->base)
		for (int i = 0; i < g->base->n; i++)
			if (g->base->runs[i]->power.npt > 0)
				return g->base->runs[i];
	return NULL;
}

/* A run's power timeline as CSV rows of seconds, W and °C; the largest W
 * into *wmax. */
static void power_csv(FILE *d, const struct rd_run *r, double *wmax)
{
	for (size_t i = 0; i < r->power.npt; i++) {
		const struct rd_powpt *q = &r->power.pt[i];
		plot_csv_num(d, q->s);
		fputc(',', d);
		plot_csv_num(d, q->w);
		fputc(',', d);
		plot_csv_num(d, q->temp);
		fputc('\n', d);
		if (isfinite(q->w) && q->w > *wmax)
			*wmax = q->w;
	}
}

/* Watts on the left axis (solid), °C on the right (dashed, same colour),
 * the first drawn run's requests along the bottom. */
static void power_series(struct plot *p, FILE *gp, const char *name, int k)
{
	fprintf(gp, "%s", k > 1 ? ", " : "");
	plot_gp_path(gp, p, name);
	fprintf(gp, " using 1:2 with lines lw 2 lc %d title columnhead(2), ",
		k);
	plot_gp_path(gp, p, name);
	fprintf(gp, " using 1:3 axes x1y2 with lines lw 1 dt 2 lc %d notitle",
		k);
}

void powplot_chart(struct plot *p, const struct rd_set *s)
{
	const struct rd_run *first = NULL, *r;
	char name[64];
	int g, k = 0;
	FILE *gp = NULL, *d;
	double wmax = 0;

	for (g = 0; g < s->ng; g++) {
		if ((r = power_run(&s->g[g])) == NULL)
			continue;
		if (gp == NULL &&
		    (gp = plot_gp_begin(
			 p, "power", 640,
			 "Power (solid, left) and temperature (dashed, right) "
			 "during the runs",
			 "seconds from the first request", "watts")) == NULL)
			return;
		if (k == 0)
			/* from the first request: before it the server was
			 * loading, which is no part of the runs compared */
			fprintf(gp, "set xrange [0:*]\nset yrange [0:*]\n"
				    "set y2label '°C'\n"
				    "set y2tics\nset ytics nomirror\n"
				    "set key below left horizontal\nplot ");
		snprintf(name, sizeof name, "power-%d.csv", ++k);
		if ((d = plot_asset(p, name)) == NULL)
			continue;
		first = first ? first : r;
		fprintf(d, "seconds,");
		plot_csv_label(d, s->g[g].key);
		fputc(',', d);
		plot_csv_label(d, "°C");
		fputc('\n', d);
		power_csv(d, r, &wmax);
		fclose(d);
		power_series(p, gp, name, k);
	}
	if (gp) {
		if (first)
			plot_spans(p, gp, first, wmax);
		fprintf(gp, "\n");
		plot_gp_run(p, "power", gp);
	}
}
