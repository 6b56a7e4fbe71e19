/* plot: the report's charts, drawn by gnuplot from the data layer's
 * figures (src/report/rundata).  Each chart is a CSV file of its data (libcsv)
 * and a gnuplot script in one assets directory; labels reach gnuplot only
 * inside the CSV files, never in a script, and paths in scripts are
 * single-quoted, so that no label or path can become a gnuplot command. */
#ifndef TB_PLOT_H
#define TB_PLOT_H

#include <stdio.h>

#include "benchdata.h"
#include "rundata.h"

#define PLOT_MAX_WARN 8
#define PLOT_MAX_NUMBERED 256

struct plot {
	char dir[1024];		       /* the assets directory (must exist) */
	const char *fmt;	       /* "png" or "svg" */
	int made;		       /* charts gnuplot drew */
	char warn[PLOT_MAX_WARN][300]; /* what failed, for the tool to print */
	int nwarn;
	/* points of tps_vs_memory labelled by a number, there being no room
	 * for the name: {group index, number}, for the report to name */
	int numbered[PLOT_MAX_NUMBERED][2];
	int nnumbered;
};

/* Draws every chart the set has data for into p->dir.  Returns the
 * number drawn; a chart that fails is skipped with a line in p->warn. */
int plot_all(struct plot *p, const struct rd_set *s);

/* The community figures' chart, bench_depth: t/s against depth, one line
 * per model and test (pp above, tg below), served solid with ± sd bars and
 * llama-bench's in-process figure dashed in the same colour.  Drawn when a
 * test was run at two depths or more; returns 1 when drawn, else 0 (a
 * failure also in p->warn). */
int plot_bench(struct plot *p, const struct bd_table *t);

/* The chart of power and temperature over each group's Summary run
 * (src/report/powplot), drawn when a run has a power timeline. */
void powplot_chart(struct plot *p, const struct rd_set *s);

/* plot.c's own helpers, for the charts drawn in other modules: an
 * assets file opened for writing (NULL and a warning when it cannot be);
 * a chart's script begun (terminal, output, title, axes); a path in the
 * assets directory as a quoted gnuplot string; the script closed and run
 * (p->made counts it); a CSV number ('?' when unknown) and label; the
 * requests of run r in flight as bars along the bottom of a chart whose
 * y axis reaches ymax. */
FILE *plot_asset(struct plot *p, const char *name);
FILE *plot_gp_begin(struct plot *p, const char *file, int height,
		    const char *title, const char *xl, const char *yl);
void plot_gp_path(FILE *f, const struct plot *p, const char *name);
void plot_gp_run(struct plot *p, const char *file, FILE *f);
void plot_csv_num(FILE *f, double v);
void plot_csv_label(FILE *f, const char *s);
void plot_spans(struct plot *p, FILE *gp, const struct rd_run *r, double ymax);

#endif
