/* plot: the report's charts (see plot.h). */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csv.h>

#include "rundata.h"
#include "runkind.h"
#include "verdict.h"

extern char **environ;

static void warn(struct plot *p, const char *fmt, ...)
{
	va_list ap;

	if (p->nwarn == PLOT_MAX_WARN)
		return;
	va_start(ap, fmt);
	vsnprintf(p->warn[p->nwarn++], sizeof p->warn[0], fmt, ap);
	va_end(ap);
}

/* Labels reach gnuplot only inside data files; they are still cleaned of
 * what the CSV reader would split on. */
static void csv_label(FILE *f, const char *s)
{
	char buf[200];
	size_t i;

	snprintf(buf, sizeof buf, "%s", s ? s : "—");
	for (i = 0; buf[i]; i++)
		if (strchr("\",\n\r\\'", buf[i]))
			buf[i] = ' ';
	csv_fwrite(f, buf, strlen(buf));
}

static void csv_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputc('?', f);
}

static FILE *asset(struct plot *p, const char *name)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", p->dir, name);
	if ((f = fopen(path, "w")) == NULL)
		warn(p, "%s: %s", path, strerror(errno));
	return f;
}

/* A path in the assets directory as a single-quoted gnuplot string. */
static void gp_path(FILE *f, const struct plot *p, const char *name)
{
	const char *c;

	fputc('\'', f);
	for (c = p->dir; *c; c++)
		fputs(*c == '\'' ? "''" : (char[]){*c, 0}, f);
	fputc('/', f);
	fputs(name, f);
	fputc('\'', f);
}

static FILE *gp_begin(struct plot *p, const char *file, int height,
		      const char *title, const char *xl, const char *yl)
{
	char name[64], path[1200];
	FILE *f;

	snprintf(name, sizeof name, "%s.gp", file);
	if ((f = asset(p, name)) == NULL)
		return NULL;
	if (strcmp(p->fmt, "svg") == 0)
		fprintf(
		    f,
		    "set terminal svg size 1000,%d noenhanced font 'sans,11'\n",
		    height);
	else
		fprintf(f,
			"set terminal pngcairo size 1000,%d noenhanced font "
			"'sans,10'\n",
			height);
	snprintf(name, sizeof name, "%s.%s", file, p->fmt);
	/* a chart left from an earlier report must never pass for this one's */
	snprintf(path, sizeof path, "%s/%s", p->dir, name);
	unlink(path);
	fprintf(f, "set output ");
	gp_path(f, p, name);
	fprintf(f,
		"\nset datafile separator ','\nset datafile missing '?'\n"
		"set title '%s'\nset xlabel '%s'\nset ylabel '%s'\n"
		"set grid ytics\nset key outside right top vertical\n",
		title, xl, yl);
	return f;
}

/* Runs gnuplot on the chart's script; its own chatter goes nowhere. */
static void gp_run(struct plot *p, const char *file, FILE *f)
{
	char script[1200];
	char *argv[3];
	pid_t pid;
	int st;
	posix_spawn_file_actions_t fa;

	if (fclose(f) != 0) {
		warn(p, "%s/%s.gp: write error", p->dir, file);
		return;
	}
	snprintf(script, sizeof script, "%s/%s.gp", p->dir, file);
	argv[0] = (char[]){"gnuplot"};
	argv[1] = script;
	argv[2] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
	if (posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ) != 0 ||
	    waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		warn(p, "gnuplot failed on %s", script);
	else
		p->made++;
	posix_spawn_file_actions_destroy(&fa);
}

/* The group's name without the field at index skip ("all" when empty). */
static void name_without(const struct rd_set *s, const struct rd_group *g,
			 int skip, char *buf, size_t n)
{
	buf[0] = '\0';
	for (int i = 0; i < s->nby; i++) {
		if (i == skip)
			continue;
		if (buf[0])
			strncat(buf, " ", n - strlen(buf) - 1);
		strncat(buf, g->field[i], n - strlen(buf) - 1);
	}
	if (buf[0] == '\0')
		snprintf(buf, n, "all");
}

static double decode_of(const struct rd_group *g)
{
	return g->sum.decode.mean;
}

static double ttft_ms(const struct rd_group *g)
{
	return g->sum.ttft.v * 1e3;
}

/* Bars: x = quantization (or group), one series per the rest of the name
 * (the model). */
static void chart_bars(struct plot *p, const struct rd_set *s, const char *file,
		       const char *title, const char *yl,
		       double (*f)(const struct rd_group *))
{
	const char **xs = calloc((size_t)s->ng + 1, sizeof *xs);
	char(*ss)[200] = calloc((size_t)s->ng + 1, sizeof *ss), name[200],
	nm[200];
	int nx = 0, ns = 0, xi = rd_by_index(s, "quant"), g, i, k;
	FILE *d, *gp;

	if (xs == NULL || ss == NULL)
		goto out;
	for (g = 0; g < s->ng; g++) {
		const char *x = xi >= 0 ? s->g[g].field[xi] : s->g[g].key;
		if (!isfinite(f(&s->g[g])))
			continue;
		name_without(s, &s->g[g], xi, name, sizeof name);
		for (i = 0; i < nx && strcmp(xs[i], x); i++)
			;
		if (i == nx)
			xs[nx++] = x;
		for (k = 0; k < ns && strcmp(ss[k], name); k++)
			;
		if (k == ns)
			snprintf(ss[ns++], sizeof ss[0], "%s",
				 xi >= 0 ? name : "value");
	}
	if (xi >= 0) /* quantizations from the smallest, as the tables */
		rd_field_sort("quant", xs, (size_t)nx);
	snprintf(name, sizeof name, "%s.csv", file);
	if ((d = asset(p, name)) == NULL)
		goto out;
	csv_label(d, xi >= 0 ? "quantization" : "group");
	for (k = 0; k < ns; k++) {
		fputc(',', d);
		csv_label(d, ss[k]);
	}
	fputc('\n', d);
	for (i = 0; i < nx; i++) {
		csv_label(d, xs[i]);
		for (k = 0; k < ns; k++) {
			double v = NAN;
			for (g = 0; g < s->ng; g++) {
				const char *x =
				    xi >= 0 ? s->g[g].field[xi] : s->g[g].key;
				name_without(s, &s->g[g], xi, nm, sizeof nm);
				if (!strcmp(x, xs[i]) &&
				    (xi < 0 || !strcmp(nm, ss[k])))
					v = f(&s->g[g]);
			}
			fputc(',', d);
			csv_num(d, v);
		}
		fputc('\n', d);
	}
	fclose(d);
	if (nx == 0 ||
	    (gp = gp_begin(p, file, 560, title,
			   xi >= 0 ? "quantization" : "group", yl)) == NULL)
		goto out;
	fprintf(
	    gp,
	    "set style data histograms\nset style histogram clustered gap 1\n"
	    "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
	    "set yrange [0:*]\nset xtics rotate by -25\n"
	    "plot for [i=2:%d] ",
	    ns + 1);
	gp_path(gp, p, name);
	fprintf(gp, " using i:xtic(1) title columnhead(i)\n");
	gp_run(p, file, gp);
out:
	free(xs);
	free(ss);
}

/* Where each point's label goes: the first of four places beside its point
 * (right above, right below, left above, left below) whose box overlaps
 * no label placed before and no point; in pixels of a plot area of known
 * size (the script fixes the margins and ranges to match). */
#define PA_W 900.0 /* 1000 x 0.90 (margins 0.07 to 0.97) */
#define PA_H 420.0 /* 600 x 0.70 (margins 0.22 to 0.92) */
#define CH_W 6.6   /* pixels per character of the 10-point font */
#define CH_H 14.0

struct box {
	double x0, y0, x1, y1;
};

/* A point of the chart and its label, in pixels of the plot area. */
struct pt {
	double px, py;	/* the point */
	int len;	/* its label's characters */
	struct box lab; /* where its label went */
	double lx, ly;	/* its label's left middle (0 when none was placed) */
	int numbered;	/* 1: its number there, not its name */
};

static int overlaps(const struct box *a, const struct box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Characters a label shows (UTF-8 continuation bytes are not one). */
static int columns(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Whether a label box at b is free: inside the plot, clear of the labels
 * of the first k points and of every point. */
static int free_at(const struct box *b, const struct pt *pt, int k, int n)
{
	int j;

	if (b->x0 < 0 || b->x1 > PA_W || b->y0 < 0 || b->y1 > PA_H)
		return 0;
	for (j = 0; j < k; j++)
		if (overlaps(b, &pt[j].lab))
			return 0;
	for (j = 0; j < n; j++) {
		struct box ring = {pt[j].px - 9, pt[j].py - 9, pt[j].px + 9,
				   pt[j].py + 9};
		if (overlaps(b, &ring))
			return 0;
	}
	return 1;
}

/* Places label i of width w at the first free place of 14 beside its
 * point: right or left, one to three rows above or below; returns 1, or
 * 0 when none is free. */
static int place_one(int i, double w, const struct pt *pt, int n, struct box *b)
{
	static const double rows[7] = {0, -1, 1, -2, 2, -3, 3};

	for (int r = 0; r < 7; r++)
		for (int side = 0; side < 2; side++) {
			/* above: the box's bottom 6 px over the point, r rows
			 * up; below: its top 6 px under it, -r - 1 rows down */
			b->x0 = side == 0 ? pt[i].px + 8 : pt[i].px - 8 - w;
			b->x1 = b->x0 + w;
			b->y0 = rows[r] >= 0 ? pt[i].py + 6 + rows[r] * CH_H
					     : pt[i].py - 6 + rows[r] * CH_H;
			b->y1 = b->y0 + CH_H;
			if (free_at(b, pt, i, n))
				return 1;
		}
	return 0;
}

/* Where each point's label goes; a label that fits nowhere is replaced by
 * the point's number (numbered = 1), named under the chart in the report,
 * so that no two labels ever overlap. */
static void place_labels(struct pt *pt, int n)
{
	for (int i = 0; i < n; i++) {
		struct box b;
		char num[16];
		pt[i].numbered = 0;
		if (!place_one(i, pt[i].len * CH_W, pt, n, &b)) {
			pt[i].numbered = 1;
			snprintf(num, sizeof num, "%d", i + 1);
			if (!place_one(i, (int)strlen(num) * CH_W, pt, n, &b)) {
				/* not even a number fits: right above, over the
				 * plot */
				b.x0 = pt[i].px + 8, b.y0 = pt[i].py + 6;
				b.x1 = b.x0 + (int)strlen(num) * CH_W,
				b.y1 = b.y0 + CH_H;
			}
		}
		pt[i].lab = b;
		pt[i].lx = b.x0;
		pt[i].ly = b.y0 + CH_H / 2;
	}
}

/* The chart's ranges: room on the right for labels, above for the top
 * one; each point in pixels.  Returns the points placed (0 when a range
 * is empty). */
static int pareto_layout(const struct rd_set *s, struct pt *pt, double *xmax,
			 double *ymax)
{
	const struct rd_pareto *pa = &s->pareto;
	int k;

	*xmax = *ymax = 0;
	for (k = 0; k < pa->npt; k++) {
		const struct rd_summary *u = &s->g[pa->pt[k]].sum;
		*xmax = u->steady_gb.v > *xmax ? u->steady_gb.v : *xmax;
		*ymax = u->decode.mean > *ymax ? u->decode.mean : *ymax;
	}
	*xmax *= 1.35, *ymax *= 1.15;
	if (!(*xmax > 0 && *ymax > 0))
		return 0;
	for (k = 0; k < pa->npt; k++) {
		const struct rd_group *g = &s->g[pa->pt[k]];
		pt[k].px = g->sum.steady_gb.v / *xmax * PA_W;
		pt[k].py = g->sum.decode.mean / *ymax * PA_H;
		pt[k].len = columns(g->key);
	}
	place_labels(pt, pa->npt);
	return pa->npt;
}

/* The points and their labels' places (a name, or a number named under
 * the chart). */
static int pareto_points(struct plot *p, const struct rd_set *s,
			 const struct pt *pt, double xmax, double ymax)
{
	const struct rd_pareto *pa = &s->pareto;
	char num[16];
	FILE *d;

	if ((d = asset(p, "tps_vs_memory.csv")) == NULL)
		return -1;
	fprintf(d, "label,memory_gb,decode_tps,label_x,label_y\n");
	for (int k = 0; k < pa->npt; k++) {
		const struct rd_group *g = &s->g[pa->pt[k]];
		if (pt[k].numbered) { /* no room for the name: its number */
			snprintf(num, sizeof num, "%d", k + 1);
			csv_label(d, num);
			if (p->nnumbered < PLOT_MAX_NUMBERED) {
				p->numbered[p->nnumbered][0] = pa->pt[k];
				p->numbered[p->nnumbered++][1] = k + 1;
			}
		} else {
			csv_label(d, g->key);
		}
		fprintf(d, ",%.6g,%.6g,%.6g,%.6g\n", g->sum.steady_gb.v,
			g->sum.decode.mean, pt[k].lx / PA_W * xmax,
			pt[k].ly / PA_H * ymax);
	}
	fclose(d);
	return 0;
}

/* Frontier k's points and its line in the chart. */
static void pareto_frontier(struct plot *p, const struct rd_set *s, FILE *gp,
			    int k)
{
	const struct rd_frontier *f = &s->pareto.f[k];
	char name[64], head[200];
	FILE *d;

	snprintf(name, sizeof name, "frontier-%d.csv", k + 1);
	if ((d = asset(p, name)) == NULL)
		return;
	fprintf(d, "memory_gb,");
	snprintf(head, sizeof head, "%s: Pareto frontier", f->model);
	csv_label(d, head);
	fprintf(d, "\n");
	for (int i = 0; i < f->n; i++)
		fprintf(d, "%.6g,%.6g\n", s->g[f->g[i]].sum.steady_gb.v,
			s->g[f->g[i]].sum.decode.mean);
	fclose(d);
	fprintf(gp, ", ");
	gp_path(gp, p, name);
	/* open rings around the frontier's points, joined when several */
	fprintf(gp,
		" using 1:2 with linespoints lw 2 dt 2 pt 6 ps 2.6 lc %d "
		"title columnhead(2)",
		k + 1);
}

/* Decode TPS against steady-state memory, one Pareto frontier per model
 * (the data layer's rd_pareto; at most 64 drawn). */
static void chart_pareto(struct plot *p, const struct rd_set *s)
{
	struct pt *pt = calloc((size_t)s->pareto.npt + 1, sizeof *pt);
	double xmax, ymax;
	int n;
	FILE *gp;

	if (pt == NULL)
		return;
	n = pareto_layout(s, pt, &xmax, &ymax);
	if (pareto_points(p, s, pt, xmax, ymax) != 0 || n == 0 ||
	    (gp = gp_begin(p, "tps_vs_memory", 600,
			   "Decode speed against steady-state "
			   "memory (up and left is better)",
			   "memory (GB)", "decode tokens/s")) == NULL) {
		free(pt);
		return;
	}
	/* fixed margins and ranges: the labels were placed for exactly these */
	fprintf(
	    gp,
	    "set lmargin at screen 0.07\nset rmargin at screen 0.97\n"
	    "set bmargin at screen 0.22\nset tmargin at screen 0.92\n"
	    /* the key under the axis label, off the data whatever its length */
	    "set key at screen 0.07, screen 0.10 left top horizontal maxcols "
	    "2\n"
	    "set xrange [0:%.6g]\nset yrange [0:%.6g]\nplot ",
	    xmax, ymax);
	gp_path(gp, p, "tps_vs_memory.csv");
	fprintf(gp,
		" every ::1 using 2:3 with points pt 7 ps 1.5 lc rgb 'black' "
		"title 'quantization', ");
	gp_path(gp, p, "tps_vs_memory.csv");
	fprintf(gp, " every ::1 using 4:5:1 with labels left notitle");
	for (int k = 0; k < s->pareto.nf && k < 64; k++)
		pareto_frontier(p, s, gp, k);
	fprintf(gp, "\n");
	gp_run(p, "tps_vs_memory", gp);
	free(pt);
}

/* A group's workload with the most levels (the sweep), NULL below 2. */
static const struct rd_wl *sweep_of(const struct rd_group *g)
{
	const struct rd_wl *best = NULL;

	for (int w = 0; w < g->nwl; w++)
		if (g->wl[w].kind == RD_CLOSED && g->wl[w].nlv >= 2 &&
		    (best == NULL || g->wl[w].nlv > best->nlv))
			best = &g->wl[w];
	return best;
}

/* One panel per model: aggregate (solid) and per-request (dashed) TPS of
 * each of its groups against users, on a log-2 axis of whole users. */
/* The models with a sweep (at most 16) and every level's users (64). */
static void conc_axes(const struct rd_set *s, const char **models, int *nm,
		      double *users, int *nu)
{
	int g, k, i, j;

	for (g = 0; g < s->ng; g++) {
		const struct rd_wl *w = sweep_of(&s->g[g]);
		if (w == NULL)
			continue;
		for (k = 0;
		     k < *nm && strcmp(models[k], rd_model_of(s, &s->g[g]));
		     k++)
			;
		if (k == *nm && *nm < 16)
			models[(*nm)++] = rd_model_of(s, &s->g[g]);
		for (i = 0; i < w->nlv; i++) {
			for (j = 0; j < *nu && users[j] != w->lv[i].conc; j++)
				;
			if (j == *nu && *nu < 64 && w->lv[i].conc > 0)
				users[(*nu)++] = w->lv[i].conc;
		}
	}
}

/* Group g's sweep as the CSV name: users, all together, each user; the
 * model's name heads column 1 (the panel's heading in the legend).
 * Returns 0, or -1 when the file could not be made. */
static int conc_csv(struct plot *p, const struct rd_set *s, int g,
		    const char *model, const char *name)
{
	const struct rd_wl *w = sweep_of(&s->g[g]);
	char label[200], head[300];
	FILE *d = asset(p, name);

	if (d == NULL)
		return -1;
	name_without(s, &s->g[g], rd_by_index(s, "model"), label, sizeof label);
	csv_label(d, model);
	fputc(',', d);
	snprintf(head, sizeof head, "%s: all users together", label);
	csv_label(d, head);
	fputc(',', d);
	snprintf(head, sizeof head, "%s: each user", label);
	csv_label(d, head);
	fputc('\n', d);
	for (int i = 0; i < w->nlv; i++) {
		if (w->lv[i].conc <= 0)
			continue;
		fprintf(d, "%.0f,", w->lv[i].conc);
		csv_num(d, w->lv[i].agg_tps.v);
		fputc(',', d);
		csv_num(d, w->lv[i].decode.mean);
		fputc('\n', d);
	}
	fclose(d);
	return 0;
}

/* One group's two lines in a panel (the first also heads its legend). */
static void conc_series(FILE *gp, struct plot *p, const char *name, int series,
			int first)
{
	if (first) { /* the model's name heads the panel's legend */
		gp_path(gp, p, name);
		fprintf(gp, " using 1:(NaN) with lines lc rgb 'white' "
			    "title columnhead(1), ");
	}
	fprintf(gp, "%s", first ? "" : ", ");
	gp_path(gp, p, name);
	fprintf(gp, " using 1:2 with linespoints lw 2 pt 7 lc %d, ", series);
	gp_path(gp, p, name);
	fprintf(gp, " using 1:3 with linespoints lw 2 dt 2 pt 6 lc %d", series);
}

static void chart_concurrency(struct plot *p, const struct rd_set *s)
{
	const char *models[16];
	double users[64];
	int nm = 0, nu = 0, g, k, j, file = 0;
	char name[64];
	FILE *gp;

	conc_axes(s, models, &nm, users, &nu);
	if (nm == 0 || (gp = gp_begin(p, "concurrency", 120 + 340 * nm,
				      "Throughput against concurrent "
				      "users",
				      "concurrent users", "tokens/s")) == NULL)
		return;
	fprintf(gp, "set logscale x 2\nset xtics (");
	for (j = 0; j < nu; j++)
		fprintf(gp, "%s%.0f", j ? ", " : "", users[j]);
	fprintf(gp,
		")\nset yrange [0:*]\nset key autotitle columnhead\n"
		"set multiplot layout %d,1 title 'Throughput against "
		"concurrent users "
		"(solid: all users together; dashed: what each user gets)'\n",
		nm);
	for (k = 0; k < nm; k++) {
		int series = 0;
		/* the model's name reaches gnuplot as a column head only */
		fprintf(gp, "unset title\nplot ");
		for (g = 0; g < s->ng; g++) {
			if (sweep_of(&s->g[g]) == NULL ||
			    strcmp(rd_model_of(s, &s->g[g]), models[k]))
				continue;
			snprintf(name, sizeof name, "conc-%d.csv", ++file);
			if (conc_csv(p, s, g, models[k], name) != 0)
				continue;
			series++;
			conc_series(gp, p, name, series, series == 1);
		}
		fprintf(gp, "\n");
	}
	fprintf(gp, "unset multiplot\n");
	gp_run(p, "concurrency", gp);
}

/* The run of a group whose memory the chart draws: the Summary's first,
 * else any with a timeline. */
static const struct rd_run *memory_run(const struct rd_group *g)
{
	if (g->base)
		for (int i = 0; i < g->base->n; i++)
			if (g->base->runs[i]->ntimeline > 0)
				return g->base->runs[i];
	for (int i = 0; i < g->n; i++)
		if (g->runs[i]->ntimeline > 0)
			return g->runs[i];
	return NULL;
}

/* When each request of the first drawn run was in flight, as bars along
 * the bottom of the memory chart. */
static void memory_spans(struct plot *p, FILE *gp, const struct rd_run *r,
			 double ymax)
{
	FILE *d;

	if (!r->per_request || (d = asset(p, "spans.csv")) == NULL)
		return;
	fprintf(d, "start,length,row\n");
	for (size_t i = 0; i < r->nspan; i++)
		fprintf(d, "%.3f,%.3f,%d\n", r->span[i].start, r->span[i].len,
			(int)(i % 8));
	fclose(d);
	fprintf(gp, ", ");
	gp_path(gp, p, "spans.csv");
	fprintf(gp,
		" every ::1 using 1:(%.6g * (1 + $3)):2:(0) with vectors "
		"nohead lw 3 "
		"lc rgb 'gray50' title 'requests in flight (first group; one "
		"bar each)'",
		ymax * 0.012);
}

/* A run's memory timeline as CSV rows of seconds and GB; returns the
 * largest GB. */
static double timeline_csv(FILE *d, const struct rd_run *r)
{
	double ymax = 0;

	for (size_t i = 0; i < r->ntimeline; i++) {
		double y = r->timeline[i].mb / 1e3;
		csv_num(d, r->timeline[i].s);
		fputc(',', d);
		csv_num(d, y);
		fputc('\n', d);
		if (y > ymax)
			ymax = y;
	}
	return ymax;
}

/* Each group's memory over its Summary run, in GB. */
static void chart_memory(struct plot *p, const struct rd_set *s)
{
	const struct rd_run *first = NULL, *r;
	char name[64];
	int g, k = 0;
	FILE *gp = NULL, *d;
	double ymax = 0, y;

	for (g = 0; g < s->ng; g++) {
		if ((r = memory_run(&s->g[g])) == NULL)
			continue;
		if (gp == NULL &&
		    (gp = gp_begin(p, "memory", 640,
				   "Server memory during the run",
				   "seconds from the first request",
				   "memory (GB)")) == NULL)
			return;
		if (k ==
		    0) /* many long names: the key below, the plot full width */
			fprintf(
			    gp,
			    "set yrange [0:*]\nset key autotitle columnhead\n"
			    "set key below left horizontal\nplot ");
		snprintf(name, sizeof name, "mem-%d.csv", ++k);
		if ((d = asset(p, name)) == NULL)
			continue;
		first = first ? first : r;
		fprintf(d, "seconds,");
		csv_label(d, s->g[g].key);
		fputc('\n', d);
		y = timeline_csv(d, r);
		ymax = y > ymax ? y : ymax;
		fclose(d);
		fprintf(gp, "%s", k > 1 ? ", " : "");
		gp_path(gp, p, name);
		fprintf(gp, " using 1:2 with lines lw 2");
	}
	if (gp) {
		if (first)
			memory_spans(p, gp, first, ymax);
		fprintf(gp, "\n");
		gp_run(p, "memory", gp);
	}
}

/* Prefill TPS against the prompt's length over each group's context runs. */
static void chart_context(struct plot *p, const struct rd_set *s)
{
	char name[64];
	int g, k = 0, i;
	FILE *gp = NULL, *d;

	for (g = 0; g < s->ng; g++) {
		const struct rd_group *gr = &s->g[g];
		for (int w = 0; w < gr->nwl; w++) {
			const struct rd_level *l = &gr->wl[w].lv[0];
			if (gr->wl[w].kind != RD_CONTEXT)
				continue;
			if (gp == NULL &&
			    (gp = gp_begin(p, "context", 560,
					   "Prefill speed against "
					   "context length",
					   "prompt tokens",
					   "prefill tokens/s")) == NULL)
				return;
			if (k == 0)
				fprintf(gp,
					"set logscale x 2\nset yrange [0:*]\n"
					"set key autotitle columnhead\nplot ");
			snprintf(name, sizeof name, "ctx-%d.csv", ++k);
			if ((d = asset(p, name)) == NULL)
				continue;
			fprintf(d, "prompt_tokens,");
			csv_label(d, gr->key);
			fputc('\n', d);
			for (i = 0; i < l->n; i++)
				for (int k2 = 0; k2 < l->runs[i]->nprompt;
				     k2++) {
					csv_num(d, l->runs[i]
						       ->prompt[k2]
						       .prompt_tokens);
					fputc(',', d);
					csv_num(
					    d,
					    l->runs[i]->prompt[k2].prefill_tps);
					fputc('\n', d);
				}
			fclose(d);
			fprintf(gp, "%s", k > 1 ? ", " : "");
			gp_path(gp, p, name);
			fprintf(
			    gp,
			    " using 1:2 smooth unique with linespoints lw 2");
		}
	}
	if (gp) {
		fprintf(gp, "\n");
		gp_run(p, "context", gp);
	}
}

/* The memory of each leak soak over its time, in GB: a line that keeps
 * rising is a leak. */
static void chart_soak(struct plot *p, const struct rd_set *s)
{
	char name[64];
	int i, k = 0;
	FILE *gp = NULL, *d;

	for (i = 0; i < s->nruns; i++) {
		const struct rd_run *r = &s->runs[i];
		if (!rd_is_soak(r) || r->ntimeline == 0)
			continue;
		if (gp == NULL &&
		    (gp = gp_begin(p, "soak", 640,
				   "Server memory over each leak "
				   "soak (a line that keeps rising is a leak)",
				   "seconds from the first request",
				   "memory (GB)")) == NULL)
			return;
		if (k == 0)
			fprintf(gp, "set yrange [0:*]\nset key autotitle "
				    "columnhead\nset key below left\nplot ");
		snprintf(name, sizeof name, "soak-%d.csv", ++k);
		if ((d = asset(p, name)) == NULL)
			continue;
		fprintf(d, "seconds,");
		csv_label(d, r->key);
		fputc('\n', d);
		timeline_csv(d, r);
		fclose(d);
		fprintf(gp, "%s", k > 1 ? ", " : "");
		gp_path(gp, p, name);
		fprintf(gp, " using 1:2 with lines lw 2");
	}
	if (gp) {
		fprintf(gp, "\n");
		gp_run(p, "soak", gp);
	}
}

/* Each context ladder against depth, in three panels: TTFT, decode TPS
 * and peak memory; the depths that worked only. */
/* The depths the ladders climbed and worked at (1k, 4k, ...): the x tics,
 * at most 64.  Returns how many. */
static int ladder_tics(const struct rd_set *s, double *tics)
{
	int g, k, i, t, nt = 0;

	for (g = 0; g < s->ng; g++)
		for (k = 0; k < s->g[g].nlad; k++)
			for (i = 0; i < s->g[g].lad[k].n; i++) {
				double dp = s->g[g].lad[k].r[i].depth;
				for (t = 0; t < nt && tics[t] != dp; t++)
					;
				if (t == nt && nt < 64 &&
				    s->g[g].lad[k].r[i].ok)
					tics[nt++] = dp;
			}
	return nt;
}

/* A ladder's depths that worked as the CSV name: depth, TTFT (headed by
 * the group's name, which the legend shows), decode, memory. */
static void ladder_csv(struct plot *p, const char *key,
		       const struct rd_ladder *l, const char *name)
{
	FILE *d = asset(p, name);

	if (d == NULL)
		return;
	fprintf(d, "depth,");
	csv_label(d, key);
	fprintf(d, ",decode,memory\n");
	for (int i = 0; i < l->n && l->r[i].ok; i++) {
		fprintf(d, "%.0f,", l->r[i].depth);
		csv_num(d, l->r[i].ttft.v);
		fputc(',', d);
		csv_num(d, l->r[i].decode.v);
		fputc(',', d);
		csv_num(d, l->r[i].mem_gb);
		fputc('\n', d);
	}
	fclose(d);
}

/* The x axis: log 2, tics at the depths, a little room either side. */
static void ladder_axis(FILE *gp, const double *tics, int nt)
{
	double lo = INFINITY, hi = 0;
	int t;

	fprintf(
	    gp,
	    "set logscale x 2\nset yrange [0:*]\nset key autotitle columnhead\n"
	    "set xtics (");
	for (t = 0; t < nt; t++)
		fprintf(gp, "%s'%.0f%s' %.0f", t ? ", " : "",
			tics[t] >= 1000 ? tics[t] / 1000 : tics[t],
			tics[t] >= 1000 ? "k" : "", tics[t]);
	for (t = 0; t < nt; t++) {
		lo = tics[t] < lo ? tics[t] : lo;
		hi = tics[t] > hi ? tics[t] : hi;
	}
	fprintf(gp, ")\n");
	if (nt > 0)
		fprintf(gp, "set xrange [%.0f:%.0f]\n", lo / 1.3, hi * 1.3);
}

static void chart_ladder(struct plot *p, const struct rd_set *s)
{
	static const struct {
		const char *yl;
		int col;
	} panel[3] = {{"TTFT, mean (s)", 2},
		      {"decode tokens/s, mean", 3},
		      {"peak memory (GB)", 4}};
	char name[64];
	double tics[64];
	int g, k, i, j, n = 0, nt;
	FILE *gp;

	for (g = 0; g < s->ng; g++)
		n += s->g[g].nlad;
	nt = ladder_tics(s, tics);
	if (n == 0 || (gp = gp_begin(p, "ladder", 900, "", "tokens of context",
				     "")) == NULL)
		return;
	for (g = 0, n = 0; g < s->ng; g++)
		for (k = 0; k < s->g[g].nlad; k++) {
			snprintf(name, sizeof name, "ladder-%d.csv", ++n);
			ladder_csv(p, s->g[g].key, &s->g[g].lad[k], name);
		}
	ladder_axis(gp, tics, nt);
	/* the same margins in every panel, so that their depths line up */
	fprintf(gp, "set lmargin at screen 0.08\nset rmargin at screen 0.66\n"
		    "set multiplot layout 3,1 title 'Context ladder: each "
		    "depth that worked "
		    "(one line per model and quantization)'\n");
	for (j = 0; j < 3; j++) {
		fprintf(gp, "unset title\nset ylabel '%s'\n%s\nplot ",
			panel[j].yl,
			j ? "unset key"
			  : "set key at screen 0.68, screen 0.95 left top "
			    "vertical Left reverse");
		for (i = 1; i <= n; i++) {
			snprintf(name, sizeof name, "ladder-%d.csv", i);
			fprintf(gp, "%s", i > 1 ? ", " : "");
			gp_path(gp, p, name);
			/* the legend names the line from column 2's head */
			fprintf(gp,
				" using 1:%d title columnhead(2) with "
				"linespoints lw 2 lc %d",
				panel[j].col, i);
		}
		fprintf(gp, "\n");
	}
	fprintf(gp, "unset multiplot\n");
	gp_run(p, "ladder", gp);
}

/* One CSV per capacity search: users, attainment % and its interval,
 * goodput tokens/s; the group's name as the head. */
static int capacity_csv(struct plot *p, const struct rd_set *s, int g,
			const struct rd_capacity *c, char *name, size_t len)
{
	char label[200];
	FILE *d;
	int i;

	snprintf(name, len, "capacity-%d.csv", g + 1);
	if ((d = asset(p, name)) == NULL)
		return -1;
	name_without(s, &s->g[g], -1, label, sizeof label);
	fputs("users,", d);
	csv_label(d, label);
	fputs(",lo,hi,goodput\n", d);
	for (i = 0; i < c->n; i++) {
		fprintf(d, "%d,", c->lv[i].users);
		csv_num(d, 100 * c->lv[i].att);
		fputc(',', d);
		csv_num(d, 100 * c->lv[i].att_lo);
		fputc(',', d);
		csv_num(d, 100 * c->lv[i].att_hi);
		fputc(',', d);
		csv_num(d, c->lv[i].tps);
		fputc('\n', d);
	}
	fclose(d);
	return 0;
}

/* Attainment (with its interval and the share the objectives ask for)
 * and goodput against users, one line per group's latest search. */
static void chart_capacity(struct plot *p, const struct rd_set *s)
{
	char names[64][64];
	int n = 0, g, k, panel, maxu = 1;
	double need = 0;
	FILE *gp;

	for (g = 0; g < s->ng && n < 64; g++) {
		const struct rd_capacity *c = rd_capacity_of(&s->g[g], NULL);
		if (c == NULL ||
		    capacity_csv(p, s, g, c, names[n], sizeof names[n]) != 0)
			continue;
		if (c->need_att > need)
			need = c->need_att;
		for (k = 0; k < c->n; k++)
			if (c->lv[k].users > maxu)
				maxu = c->lv[k].users;
		n++;
	}
	if (n == 0 || (gp = gp_begin(p, "capacity", 720, "Capacity",
				     "concurrent users", "")) == NULL)
		return;
	/* users are few and whole: a linear axis, every level named */
	fprintf(
	    gp,
	    "set xrange [0.5:%d.5]\n%s\nset lmargin at screen 0.08\n"
	    "set rmargin at screen 0.70\nset key autotitle columnhead\n"
	    "set multiplot layout 2,1 title 'Attainment and goodput against "
	    "concurrent users (closed loop)'\n",
	    maxu, maxu <= 24 ? "set xtics 1" : "set xtics auto");
	for (panel = 0; panel < 2; panel++) {
		fprintf(
		    gp,
		    "unset title\nset ylabel '%s'\nset yrange [0:%s]\nplot ",
		    panel ? "goodput, tokens/s"
			  : "requests meeting every objective, %",
		    panel ? "*" : "105");
		if (panel == 0) /* the share a percentile objective asks for */
			fprintf(gp,
				"%.1f with lines dt 2 lw 2 lc rgb 'red' title "
				"'the objectives: %.0f %% of requests', ",
				100 * need, 100 * need);
		for (k = 0; k < n; k++) {
			fprintf(gp, "%s", k ? ", " : "");
			gp_path(gp, p, names[k]);
			if (panel == 0) {
				fprintf(gp,
					" using 1:2:3:4 with yerrorlines lw 2 "
					"pt 7 lc %d",
					k + 1);
			} else {
				fprintf(gp,
					" using 1:5 with linespoints lw 2 pt 7 "
					"lc %d "
					"title columnhead(2)",
					k + 1);
			}
		}
		fprintf(gp, "\n");
	}
	fprintf(gp, "unset multiplot\n");
	gp_run(p, "capacity", gp);
}

/* ---- quality against speed ------------------------------------------------
 */

/* A candidate of the quality chart: x its decode speed over its
 * reference's, y its graded accuracy's points from the reference's;
 * model its series (1-based). */
struct qpt {
	int g, model;
	double x, y;
};

/* The candidates compared with a reference that have both figures, and
 * the ranges around them, the reference (1, 0) and the budget. */
static int quality_points(const struct rd_set *s, struct qpt *q,
			  const char **models, int *nm, double r[4])
{
	int n = 0;

	r[0] = r[1] = 1, r[2] = -RD_QUALITY_BUDGET, r[3] = 0;
	*nm = 0;
	for (int i = 0; i < s->ng; i++) {
		const struct rd_group *g = &s->g[i], *ref = g->qcmp.ref;
		const char *m = rd_model_of(s, g);
		int k;
		if (g->qcmp.p < 0 || ref == NULL || !(g->sum.decode.mean > 0) ||
		    !(ref->sum.decode.mean > 0))
			continue;
		for (k = 0; k < *nm && strcmp(models[k], m); k++)
			;
		if (k == *nm)
			models[(*nm)++] = m;
		q[n] = (struct qpt){i, k + 1,
				    g->sum.decode.mean / ref->sum.decode.mean,
				    -g->qcmp.drop + 0.0 /* never -0 */};
		r[0] = fmin(r[0], q[n].x), r[1] = fmax(r[1], q[n].x);
		r[2] = fmin(r[2], q[n].y), r[3] = fmax(r[3], q[n].y);
		n++;
	}
	/* room on the right for labels, a margin above and below */
	r[0] = r[0] * 0.95, r[1] = r[0] + (r[1] - r[0]) * 1.45 + 0.05;
	r[2] -= 3, r[3] += 3;
	return n;
}

/* Each candidate's label (its name without the model, which its series
 * names) placed clear of the others (place_labels, in the pixels of the
 * plot area the script's margins fix), into quality-K.csv per model. */
static void quality_csv(struct plot *p, const struct rd_set *s,
			const struct qpt *q, int n, const char *const *models,
			int nm, const double r[4])
{
	struct pt *pt = calloc((size_t)n + 1, sizeof *pt);
	int fm = rd_by_index(s, "model");
	char name[64], lab[600];

	if (pt == NULL)
		return;
	for (int k = 0; k < n; k++) {
		name_without(s, &s->g[q[k].g], fm, lab, sizeof lab);
		pt[k].px = (q[k].x - r[0]) / (r[1] - r[0]) * PA_W;
		pt[k].py = (q[k].y - r[2]) / (r[3] - r[2]) * PA_H;
		pt[k].len =
		    columns(lab) +
		    (s->g[q[k].g].qcmp.verdict == VD_Q_EXCEEDS ? 14 : 0);
	}
	place_labels(pt, n);
	for (int m = 1; m <= nm; m++) {
		FILE *d;
		snprintf(name, sizeof name, "quality-%d.csv", m);
		if ((d = asset(p, name)) == NULL)
			break;
		fprintf(d, "decode_ratio,");
		csv_label(d, models[m - 1]);
		fprintf(d, ",label,label_x,label_y\n");
		for (int k = 0; k < n; k++) {
			if (q[k].model != m)
				continue;
			name_without(s, &s->g[q[k].g], fm, lab, sizeof lab);
			if (s->g[q[k].g].qcmp.verdict == VD_Q_EXCEEDS)
				strncat(lab, " (over budget)",
					sizeof lab - strlen(lab) - 1);
			fprintf(d, "%.6g,%.6g,", q[k].x, q[k].y);
			csv_label(d, lab);
			fprintf(d, ",%.6g,%.6g\n",
				r[0] + pt[k].lx / PA_W * (r[1] - r[0]),
				r[2] + pt[k].ly / PA_H * (r[3] - r[2]));
		}
		fclose(d);
	}
	free(pt);
}

/* The reference and the budget, their names in the data. */
static void quality_marks(struct plot *p, FILE *gp, const double r[4])
{
	char head[120];
	FILE *d = asset(p, "quality_marks.csv");

	if (d == NULL)
		return;
	snprintf(head, sizeof head,
		 "quality budget: %.0f points below the reference",
		 RD_QUALITY_BUDGET);
	fprintf(d, "decode_ratio,each model's reference,");
	csv_label(d, head);
	fprintf(d, "\n1,0,?\n%.6g,?,%.6g\n%.6g,?,%.6g\n", r[0],
		-RD_QUALITY_BUDGET, r[1], -RD_QUALITY_BUDGET);
	fclose(d);
	fprintf(gp, ", ");
	gp_path(gp, p, "quality_marks.csv");
	fprintf(gp, " using 1:2 with points pt 6 ps 2.6 lw 2 lc rgb 'black' "
		    "title columnhead(2), ");
	gp_path(gp, p, "quality_marks.csv");
	fprintf(
	    gp,
	    " using 1:3 with lines dt 2 lw 2 lc rgb 'red' title columnhead(3)");
}

/* Graded accuracy against decode speed, each candidate against its
 * model's reference: a series per model, the reference a ring at (1, 0),
 * the budget a dashed line. */
static void chart_quality(struct plot *p, const struct rd_set *s)
{
	struct qpt *q = calloc((size_t)s->ng + 1, sizeof *q);
	const char **models = calloc((size_t)s->ng + 1, sizeof *models);
	double r[4];
	int n, nm;
	FILE *gp = NULL;

	if (q && models && (n = quality_points(s, q, models, &nm, r)) > 0 &&
	    (gp = gp_begin(
		 p, "quality_vs_speed", 600,
		 "Graded accuracy against decode "
		 "speed, each against the reference of its model (up and right "
		 "is better)",
		 "decode speed over the reference",
		 "graded accuracy, points from the reference")) != NULL) {
		quality_csv(p, s, q, n, models, nm, r);
		/* the margins place_labels assumed (PA_W x PA_H) */
		fprintf(
		    gp,
		    "set lmargin at screen 0.07\nset rmargin at screen 0.97\n"
		    "set bmargin at screen 0.22\nset tmargin at screen 0.92\n"
		    "set key at screen 0.07, screen 0.10 left top horizontal "
		    "maxcols 2\n"
		    "set grid xtics ytics\nset xrange [%.6g:%.6g]\nset yrange "
		    "[%.6g:%.6g]\n"
		    "plot ",
		    r[0], r[1], r[2], r[3]);
		for (int k = 1; k <= nm; k++) {
			char name[64];
			snprintf(name, sizeof name, "quality-%d.csv", k);
			fprintf(gp, "%s", k > 1 ? ", " : "");
			gp_path(gp, p, name);
			fprintf(gp,
				" using 1:2 with points pt 7 ps 1.6 lc %d "
				"title columnhead(2), ",
				k);
			gp_path(gp, p, name);
			fprintf(
			    gp,
			    " every ::1 using 4:5:3 with labels left notitle");
		}
		quality_marks(p, gp, r);
		fprintf(gp, "\n");
		gp_run(p, "quality_vs_speed", gp);
	}
	free(q);
	free(models);
}

/* ---- community figures: t/s against depth ---------------------------- */

/* Rows i..j-1 of t are one test at its depths (model, backend, pp or tg,
 * N): benchdata orders them so.  Returns j. */
static int bench_series_end(const struct bd_table *t, int i)
{
	int j = i + 1;

	while (j < t->n && t->row[j].type == t->row[i].type &&
	       t->row[j].n == t->row[i].n &&
	       strcmp(t->row[j].model, t->row[i].model) == 0 &&
	       strcmp(t->row[j].backend, t->row[i].backend) == 0)
		j++;
	return j;
}

/* One series' CSV: depth, served mean (headed by the line's name), sd,
 * in-process mean (headed with "llama-bench"), sd.  Returns whether
 * llama-bench gave any point. */
static int bench_csv(struct plot *p, const struct bd_table *t, int i, int j,
		     const char *name)
{
	char head[sizeof t->row[i].model + 128];
	int lb = 0;
	FILE *d = asset(p, name);

	if (d == NULL)
		return 0;
	fprintf(d, "depth,");
	snprintf(head, sizeof head, "%s %s %s%ld%s", t->row[i].model,
		 t->row[i].backend, t->row[i].type == RK_PP ? "pp" : "tg",
		 t->row[i].n, t->has_lb ? " served" : "");
	csv_label(d, head);
	fprintf(d, ",sd,");
	snprintf(head, sizeof head, "%s %s%ld llama-bench", t->row[i].model,
		 t->row[i].type == RK_PP ? "pp" : "tg", t->row[i].n);
	csv_label(d, head);
	fprintf(d, ",lb_sd\n");
	for (int k = i; k < j; k++) {
		const struct bd_row *r = &t->row[k];
		fprintf(d, "%ld,", r->depth);
		csv_num(d, r->served.n ? r->served.mean : NAN);
		fputc(',', d);
		csv_num(d, r->served.n ? r->served.sd : NAN);
		fputc(',', d);
		csv_num(d, r->inproc.n ? r->inproc.mean : NAN);
		fputc(',', d);
		csv_num(d, r->inproc.n ? r->inproc.sd : NAN);
		fputc('\n', d);
		lb |= r->inproc.n > 0;
	}
	fclose(d);
	return lb;
}

/* One panel's plot command: the series of type (pp or tg), served solid
 * with ± sd bars, llama-bench's dashed in the same colour and an open
 * point.  gnuplot has 8 colours: each further 8 series another point. */
static void bench_panel(FILE *gp, struct plot *p, const struct bd_table *t,
			int type, const int *lb)
{
	static const int solid[4] = {7, 5, 9, 13}, open[4] = {6, 4, 8, 12};
	char name[64];
	int k = 0, m = 0;

	fprintf(gp, "plot ");
	for (int i = 0; i < t->n; i = bench_series_end(t, i), k++) {
		if (t->row[i].type != type)
			continue;
		snprintf(name, sizeof name, "bench-%d.csv", k + 1);
		fprintf(gp, "%s", m++ ? ", " : "");
		gp_path(gp, p, name);
		fprintf(gp,
			" using 1:2:3 title columnhead(2) with yerrorlines "
			"lw 2 pt %d lc %d",
			solid[(m - 1) / 8 % 4], (m - 1) % 8 + 1);
		if (!lb[k])
			continue;
		fprintf(gp, ", ");
		gp_path(gp, p, name);
		fprintf(gp,
			" using 1:4:5 title columnhead(4) with yerrorlines "
			"lw 2 dt 2 pt %d lc %d",
			open[(m - 1) / 8 % 4], (m - 1) % 8 + 1);
	}
	fprintf(gp, "\n");
}

int plot_bench(struct plot *p, const struct bd_table *t)
{
	static const char *const yl[2] = {"prompt processing (pp), t/s",
					  "token generation (tg), t/s"};
	int lb[256] = {0}, k = 0, deep = 0, has[2] = {0, 0}, made = p->made;
	char name[64];
	FILE *gp;

	for (int i = 0; i < t->n; i = bench_series_end(t, i), k++) {
		deep |= bench_series_end(t, i) - i > 1;
		has[t->row[i].type == RK_TG] = 1;
	}
	if (k > 256)
		warn(p, "bench_depth: %d tests, more than a chart holds", k);
	if (!deep || k > 256 ||
	    (gp = gp_begin(p, "bench_depth", 900, "",
			   "depth (tokens of context "
			   "before the test)",
			   "")) == NULL)
		return 0;
	k = 0;
	for (int i = 0; i < t->n; i = bench_series_end(t, i), k++) {
		snprintf(name, sizeof name, "bench-%d.csv", k + 1);
		lb[k] = bench_csv(p, t, i, bench_series_end(t, i), name);
	}
	fprintf(gp,
		"set yrange [0:*]\nset xrange [-0.5:*]\nset offsets "
		"graph 0.03, graph 0.03, 0, 0\n"
		"set lmargin at screen 0.08\nset rmargin at screen 0.58\n"
		"set key at graph 1.03, graph 1 left top vertical Left "
		"reverse\n"
		"set multiplot layout %d,1 title 'Community figures: t/s "
		"against depth, served (mean ± sd)%s'\n",
		has[0] + has[1],
		t->has_lb ? "; dashed: llama-bench, in-process" : "");
	for (int j = 0; j < 2; j++)
		if (has[j]) {
			fprintf(gp, "set ylabel '%s'\n", yl[j]);
			bench_panel(gp, p, t, j == 0 ? RK_PP : RK_TG, lb);
		}
	fprintf(gp, "unset multiplot\n");
	gp_run(p, "bench_depth", gp);
	return p->made - made;
}

int plot_all(struct plot *p, const struct rd_set *s)
{
	chart_bars(p, s, "decode_tps",
		   "Decode speed by quantization (higher is better)",
		   "decode tokens/s", decode_of);
	chart_bars(p, s, "ttft",
		   "Time to first token of the shortest prompt by "
		   "quantization (lower is better)",
		   "TTFT, mean (ms)", ttft_ms);
	chart_pareto(p, s);
	chart_concurrency(p, s);
	chart_memory(p, s);
	powplot_chart(p, s);
	chart_context(p, s);
	chart_soak(p, s);
	chart_ladder(p, s);
	chart_capacity(p, s);
	chart_quality(p, s);
	return p->made;
}

/* ---- the helpers, for charts drawn in other modules (powplot) ---------- */

FILE *plot_asset(struct plot *p, const char *name)
{
	return asset(p, name);
}

FILE *plot_gp_begin(struct plot *p, const char *file, int height,
		    const char *title, const char *xl, const char *yl)
{
	return gp_begin(p, file, height, title, xl, yl);
}

void plot_gp_path(FILE *f, const struct plot *p, const char *name)
{
	gp_path(f, p, name);
}

void plot_gp_run(struct plot *p, const char *file, FILE *f)
{
	gp_run(p, file, f);
}

void plot_csv_num(FILE *f, double v)
{
	csv_num(f, v);
}

void plot_csv_label(FILE *f, const char *s)
{
	csv_label(f, s);
}

void plot_spans(struct plot *p, FILE *gp, const struct rd_run *r, double ymax)
{
	memory_spans(p, gp, r, ymax);
}
