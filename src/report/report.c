/* report: merges run JSON files into a Markdown comparison with charts.
 * src/report/rundata computes every figure, src/report/decide the picks,
 * src/report/mdreport writes the Markdown and src/report/plot the charts; this
 * file reads the options, runs the comparisons and writes the files. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cJSON.h>
#include <csv.h>

#include "args.h"
#include "clock.h"
#include "decide.h"
#include "diag.h"
#include "fileio.h"
#include "benchcmp.h"
#include "benchout.h"
#include "mdbench.h"
#include "mdreport.h"
#include "plot.h"
#include "rundata.h"
#include "help.h" /* generated from docs/report.md */

#define MAX_CMP 4096

/* Options. */
/* Options: one struct. */
static struct options {
	const char *out;
	const char *baseline;
	const char *charts;
	const char *csv;
	const char *title;
	const char *llama_bench; /* llama-bench -o json, beside the served */
	const char *quality_ref;
	int bench_fmt;		   /* --bench md|csv|json; -1: the report */
	const char *compare_bench; /* --compare-bench A (B the operand) */
} opt = {.out = "reports/report.md",
	 .charts = "png",
	 .title = "tokbench report",
	 .bench_fmt = -1};
static const char *by_fields[RD_FIELDS] = {"model", "quant", "backend"};
static int n_by = 3;

/* State. */
static struct rd_set set;
static struct decision dec;
static char assets_dir[1024], assets_rel[512];
static const struct rd_group *baseline;
static struct rd_cmp (*base_cmp)[3]; /* per group: decode, TTFT, E2E */

/* Every comparison the report prints, one family for Holm's correction. */
static struct rd_cmp *family[MAX_CMP];
static int n_family;

static void in_family(struct rd_cmp *c)
{
	if (n_family == MAX_CMP)
		diag_die(EXIT_RUNTIME, "more than %d comparisons", MAX_CMP);
	family[n_family++] = c;
}

/* The group a --baseline selector names: "field=value[,field=value]" over
 * the --by fields, or a whole group key. */
static const struct rd_group *find_baseline(void)
{
	char sel[512], *pair, *save = NULL;
	int g, f, ok;

	for (g = 0; g < set.ng; g++)
		if (strcmp(set.g[g].key, opt.baseline) == 0)
			return &set.g[g];
	for (g = 0; g < set.ng; g++) {
		snprintf(sel, sizeof sel, "%s", opt.baseline);
		ok = 1;
		for (pair = strtok_r(sel, ",", &save); pair && ok;
		     pair = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(pair, '=');
			if (eq == NULL)
				return NULL;
			*eq = '\0';
			for (f = 0; f < n_by && strcmp(by_fields[f], pair); f++)
				;
			ok = f < n_by && strcmp(set.g[g].field[f], eq + 1) == 0;
		}
		if (ok)
			return &set.g[g];
	}
	return NULL;
}

static void compare_baseline(void)
{
	static const enum rd_metric m[3] = {RD_DECODE, RD_TTFT, RD_E2E};

	if (opt.baseline == NULL)
		return;
	if ((baseline = find_baseline()) == NULL)
		diag_die(EXIT_RUNTIME, "--baseline %s: no group matches it",
			 opt.baseline);
	base_cmp = diag_xrealloc(NULL, (size_t)set.ng * sizeof *base_cmp + 1);
	for (int g = 0; g < set.ng; g++)
		for (int k = 0; k < 3 && &set.g[g] != baseline; k++) {
			if (baseline->base && set.g[g].base)
				rd_compare(baseline, &set.g[g], set.primary,
					   baseline->base->conc, m[k],
					   &base_cmp[g][k]);
			else
				rd_compare(baseline, &set.g[g], NULL, 0, m[k],
					   &base_cmp[g][k]);
			in_family(&base_cmp[g][k]);
		}
}

/* ---- CSV export and main ---------------------------------------------------
 */

static void write_csv(void)
{
	FILE *f;
	char tmp[1200];
	int g, i;

	if (opt.csv == NULL)
		return;
	snprintf(tmp, sizeof tmp, "%s.tmp", opt.csv);
	if ((f = fopen(tmp, "w")) == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", tmp, strerror(errno));
	for (i = 0; i < n_by; i++) {
		csv_fwrite(f, by_fields[i], strlen(by_fields[i]));
		fputc(',', f);
	}
	fprintf(
	    f,
	    "runs,load_s,model_gb,memory_gb,peak_gb,decode_tps,decode_ci95_lo,"
	    "decode_ci95_hi,decode_n,decode_runs,ttft_s,ttft_prompt,prefill_"
	    "tps,"
	    "prefill_tokens,tps_per_gb,error_rate,quality_rate,quality_n,"
	    "wired_peak_gb,compressed_growth_gb,swap_growth_gb\n");
	for (g = 0; g < set.ng; g++) {
		const struct rd_summary *s = &set.g[g].sum;
		for (i = 0; i < n_by; i++) {
			csv_fwrite(f, set.g[g].field[i],
				   strlen(set.g[g].field[i]));
			fputc(',', f);
		}
		double v[] = {
		    s->runs,	     s->load_s.v,	 s->model_gb.v,
		    s->steady_gb.v,  s->peak_gb.v,	 s->decode.mean,
		    s->decode.lo,    s->decode.hi,	 (double)s->decode.n,
		    s->decode.runs,  s->ttft.v,		 NAN,
		    s->prefill.v,    s->prefill_tokens,	 s->tps_per_gb.v,
		    s->error_rate.v, s->quality.v,	 (double)s->quality.n,
		    s->wired_gb.v,   s->compressed_gb.v, s->swap_gb.v};
		for (i = 0; i < (int)(sizeof v / sizeof v[0]); i++) {
			if (i)
				fputc(',', f);
			if (i == 11 && s->ttft_prompt)
				csv_fwrite(f, s->ttft_prompt,
					   strlen(s->ttft_prompt));
			else if (isfinite(v[i]))
				fprintf(f, "%.6g", v[i]);
		}
		fputc('\n', f);
	}
	if (fclose(f) != 0 || rename(tmp, opt.csv) != 0)
		diag_die(EXIT_RUNTIME, "%s: %s", opt.csv, strerror(errno));
}

static void usage(int code)
{
	diag_usage(code, tool_synopsis,
		   tool_help); /* both from docs/report.md */
}

/* Long-only options: one enumeration from 256, as in every tool. */
enum {
	O_BY = 256,
	O_BASELINE,
	O_CHARTS,
	O_CSV,
	O_TITLE,
	O_LLAMA_BENCH,
	O_QUALITY_REF,
	O_BENCH,
	O_COMPARE_BENCH
};

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", 1, 0, 'o'},
	    {"by", 1, 0, O_BY},
	    {"baseline", 1, 0, O_BASELINE},
	    {"charts", 1, 0, O_CHARTS},
	    {"csv", 1, 0, O_CSV},
	    {"title", 1, 0, O_TITLE},
	    {"llama-bench", 1, 0, O_LLAMA_BENCH},
	    {"quality-ref", 1, 0, O_QUALITY_REF},
	    {"bench", 1, 0, O_BENCH},
	    {"compare-bench", 1, 0, O_COMPARE_BENCH},
	    {"help", 0, 0, 'h'},
	    {"version", 0, 0, 'V'},
	    {0, 0, 0, 0}};
	int c;

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': opt.out = optarg; break;
		case O_BY:
			n_by = args_list("--by", optarg, by_fields, RD_FIELDS);
			break;
		case O_BASELINE: opt.baseline = optarg; break;
		case O_CHARTS:
			if (strcmp(optarg, "png") && strcmp(optarg, "svg") &&
			    strcmp(optarg, "none"))
				diag_die(EXIT_USAGE,
					 "--charts %s: want png, svg or none",
					 optarg);
			opt.charts = optarg;
			break;
		case O_CSV: opt.csv = optarg; break;
		case O_TITLE: opt.title = optarg; break;
		case O_LLAMA_BENCH: opt.llama_bench = optarg; break;
		case O_QUALITY_REF: opt.quality_ref = optarg; break;
		case O_BENCH:
			if ((opt.bench_fmt = benchout_format(optarg)) < 0)
				diag_die(EXIT_USAGE,
					 "--bench %s: want md, csv or json",
					 optarg);
			break;
		case O_COMPARE_BENCH: opt.compare_bench = optarg; break;
		case 'h': usage(EXIT_OK); break;
		case 'V': diag_version(TB_VERSION);
		default: usage(EXIT_USAGE);
		}
	}
}

/* reports/report.md -> reports/report-assets (charts and their data). */
static void set_assets(void)
{
	size_t n = strlen(opt.out);
	const char *slash;

	if (n > 3 && strcmp(opt.out + n - 3, ".md") == 0)
		n -= 3;
	snprintf(assets_dir, sizeof assets_dir, "%.*s-assets", (int)n, opt.out);
	slash = strrchr(assets_dir, '/');
	snprintf(assets_rel, sizeof assets_rel, "%.511s",
		 slash ? slash + 1 : assets_dir);
}

/* The report's output paths, checked before anything is read or written. */
static void check_outputs(void)
{
	struct stat st;

	/* gnuplot reads the charts' paths inside quoted strings, where a line
	 * break would end the string and run the rest as commands */
	for (const char *c = opt.out; strcmp(opt.charts, "none") != 0 && *c;
	     c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			diag_die(
			    EXIT_USAGE,
			    "-o: the path has a control character, "
			    "which cannot reach gnuplot safely (--charts none "
			    "writes no chart)");
	/* the charts go beside the report in NAME-assets/: a device or a pipe
	 * (/dev/full, as root) would get a directory made next to it */
	if (stat(opt.out, &st) == 0 && !S_ISREG(st.st_mode))
		diag_die(EXIT_USAGE,
			 "-o %s: not a regular file (the report "
			 "writes its charts beside it)",
			 opt.out);
}

static void load(int argc, char **argv)
{
	int i;

	static const char *const dflt[] = {"results", NULL};
	const char *const *paths = optind < argc
				       ? (const char *const *)(argv + optind)
				       : dflt; /* results/ by default */

	for (; *paths; paths++)
		if (rd_add_path(&set, *paths) != 0)
			diag_die(EXIT_RUNTIME, "%s: %s", *paths,
				 strerror(errno));
	for (i = 0; i < set.nruns; i++) {
		const struct rd_run *r = &set.runs[i];
		/* the report or its CSV over a run would destroy the run */
		if (fileio_same_file(opt.out, r->path) ||
		    (opt.csv && fileio_same_file(opt.csv, r->path)))
			diag_die(EXIT_USAGE,
				 "%s is both an input and an output: writing "
				 "it would destroy the run",
				 r->path);
		if (r->doc == NULL)
			diag_warn("%s:%s%s (listed as skipped)", r->path,
				  r->why[0] >= '0' && r->why[0] <= '9' ? ""
								       : " ",
				  r->why);
	}
	if (rd_build(&set) != 0)
		diag_die(EXIT_RUNTIME, "out of memory");
	if (set.ng == 0)
		diag_die(EXIT_RUNTIME, "no readable run JSON files");
}

/* A --quality-ref that names no group's quantization is a mistake to
 * say, not a section of "not compared". */
static void check_quality_ref(void)
{
	int f = rd_by_index(&set, "quant");

	if (opt.quality_ref == NULL)
		return;
	for (int g = 0; f >= 0 && g < set.ng; g++)
		if (strcasecmp(set.g[g].field[f], opt.quality_ref) == 0)
			return;
	diag_die(EXIT_RUNTIME,
		 "--quality-ref %s: no group has that quantization",
		 opt.quality_ref);
}

/* A --by field no run records (a misspelt label, say) would group every
 * run as "—": said instead (rundata knows which fields are recorded). */
static void check_by_fields(void)
{
	for (int f = 0; f < set.nby; f++)
		if (set.ng > 0 && !set.by_seen[f])
			diag_die(EXIT_RUNTIME,
				 "--by %s: no run records it (as a label, an "
				 "environment variable, or a host, server or "
				 "configuration setting)",
				 set.by[f]);
}

static struct plot plot;

static int make_charts(const struct bd_table *bt)
{
	struct plot *p = &plot;

	if (strcmp(opt.charts, "none") == 0)
		return 0;
	if (!fileio_in_path("gnuplot")) {
		diag_warn("gnuplot not found: the report has tables only");
		return 0;
	}
	if (mkdir(assets_dir, 0777) != 0 && errno != EEXIST)
		diag_die(EXIT_RUNTIME, "%s: %s", assets_dir, strerror(errno));
	snprintf(p->dir, sizeof p->dir, "%s", assets_dir);
	p->fmt = opt.charts;
	plot_all(p, &set);
	plot_bench(p, bt);
	for (int i = 0; i < p->nwarn; i++)
		diag_warn("%s", p->warn[i]);
	return p->made;
}

/* report --bench FORMAT: the bench runs in llama-bench's output shape on
 * standard output, and no report. */
static int bench_out(void)
{
	struct bd_table t;
	char err[300];
	jw w;
	int n;

	if (bd_build(&set, NULL, &t, err, sizeof err) != 0)
		diag_die(EXIT_RUNTIME, "%s", err);
	for (int i = 0; i < t.n; i++)
		if (t.row[i].served.n == 0)
			diag_warn("%s %s: no figure (%s); left out",
				  t.row[i].model, t.row[i].test,
				  t.row[i].note[0] ? t.row[i].note
						   : "no repetition");
	jw_init(&w);
	n = benchout_write(&w, &t, (enum benchout_fmt)opt.bench_fmt,
			   TB_VERSION);
	bd_free(&t);
	if (n == 0)
		diag_die(EXIT_RUNTIME,
			 "--bench: no bench run with a figure (make community, "
			 "gen --bench)");
	if (w.oom || fwrite(jw_cstr(&w), 1, strlen(jw_cstr(&w)), stdout) !=
			 strlen(jw_cstr(&w)))
		diag_die(EXIT_RUNTIME, "stdout: %s",
			 w.oom ? "out of memory" : strerror(errno));
	jw_free(&w);
	return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
}

/* report --compare-bench A B: each test's speedup B / A with its interval,
 * as Markdown on standard output. */
static int compare_bench(int argc, char **argv)
{
	struct bc_file a, b;
	struct bc_table t;
	char err[400];
	jw w;

	if (optind != argc - 1)
		diag_die(EXIT_USAGE, "--compare-bench A B: want one file B "
				     "after A, and nothing else");
	if (bc_read(opt.compare_bench, &a, err, sizeof err) != 0 ||
	    bc_read(argv[optind], &b, err, sizeof err) != 0)
		diag_die(EXIT_RUNTIME, "%s", err);
	if (bc_compare(&a, &b, &t) != 0)
		diag_die(EXIT_RUNTIME, "out of memory");
	if (t.n == 0)
		diag_die(EXIT_RUNTIME,
			 "--compare-bench: %s and %s have no test in common "
			 "(model_type, n_prompt, n_gen, n_depth)",
			 opt.compare_bench, argv[optind]);
	jw_init(&w);
	mdbench_compare(&w, &t, opt.compare_bench, argv[optind]);
	if (w.oom || fputs(jw_cstr(&w), stdout) == EOF)
		diag_die(EXIT_RUNTIME, "stdout: write error");
	jw_free(&w);
	bc_free(&t);
	bc_file_free(&a);
	bc_file_free(&b);
	return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
}

/* The community figures' rows (llama-bench's beside with --llama-bench). */
static void community_rows(struct bd_table *t)
{
	char err[300];

	if (bd_build(&set, opt.llama_bench, t, err, sizeof err) != 0)
		diag_die(EXIT_RUNTIME, "--llama-bench %s", err);
	if (opt.llama_bench && t->n == 0)
		diag_warn(
		    "--llama-bench: no bench run (make community, gen --bench) "
		    "to put beside it");
}

/* The community figures' section, with its chart when one was drawn. */
static void community(jw *md, const struct bd_table *t)
{
	char path[1200], rel[700];
	struct stat st;

	snprintf(path, sizeof path, "%s/bench_depth.%s", assets_dir,
		 opt.charts);
	snprintf(rel, sizeof rel, "%s/bench_depth.%s", assets_rel, opt.charts);
	mdbench_write(
	    md, t,
	    strcmp(opt.charts, "none") && stat(path, &st) == 0 ? rel : NULL);
}

int main(int argc, char **argv)
{
	struct bd_table bt;
	jw md;
	int charts;

	clock_init();
	diag_init(argv[0]);
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, exit 1 */
	parse_args(argc, argv);
	if (opt.compare_bench)
		return compare_bench(argc, argv);
	if (opt.bench_fmt >= 0) {
		rd_init(&set, by_fields, n_by);
		load(argc, argv);
		return bench_out();
	}
	check_outputs();
	set_assets();
	rd_init(&set, by_fields, n_by);
	set.quality_ref = opt.quality_ref;
	load(argc, argv);
	check_quality_ref();
	check_by_fields();
	community_rows(&bt);
	charts = make_charts(&bt);
	/* every comparison first, then one correction over them all */
	if (decide(&set, rd_by_index(&set, "model"), &dec) != 0)
		diag_die(EXIT_RUNTIME, "out of memory");
	for (int m = 0; m <= dec.n_models; m++)
		if (dec.picks[m][USE_INTERACTIVE].has_cmp)
			in_family(&dec.picks[m][USE_INTERACTIVE].cmp);
	compare_baseline();
	rd_holm(family, (size_t)n_family);
	jw_init(&md);
	mdreport_write(
	    &md, &(struct mdreport){.set = &set,
				    .dec = &dec,
				    .baseline = baseline,
				    .base_cmp = base_cmp,
				    .title = opt.title,
				    .out_path = opt.out,
				    .assets_dir = assets_dir,
				    .assets_rel = assets_rel,
				    .chart_fmt = opt.charts,
				    .numbered = (const int(*)[2])plot.numbered,
				    .nnumbered = plot.nnumbered});
	community(&md, &bt);
	bd_free(&bt);
	if (md.oom) /* never an empty or cut report with exit 0 */
		diag_die(EXIT_RUNTIME, "%s: out of memory writing the report",
			 opt.out);
	if (fileio_write_atomic(opt.out, jw_cstr(&md), strlen(jw_cstr(&md)),
				0) != 0)
		diag_die(EXIT_RUNTIME, "%s: %s", opt.out, strerror(errno));
	write_csv();
	fprintf(stderr, "report: wrote %s (%d group%s, %d chart%s)\n", opt.out,
		set.ng, set.ng == 1 ? "" : "s", charts, charts == 1 ? "" : "s");
	jw_free(&md);
	rd_free(&set);
	decide_free(&dec);
	free(base_cmp);
	return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
}
