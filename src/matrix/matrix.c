/* matrix: make matrix's plan reader: the plan checked (src/matrix/plan), its
 * entries' values for scripts/matrix.sh, and the estimate (src/matrix/planest).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "estate.h"
#include "fileio.h"
#include "plan.h"
#include "planest.h"
#include "units.h"
#include "help.h" /* generated from docs/matrix.md */

/* Options: one struct. */
static struct options {
	const char *results, *root;
	int list, estimate, state;
} opt = {.results = "results", .root = "."};

/* The totals of the estimate, over the entries not skipped. */
static long long total_requests;
static double total_hours;
static char unknown[4096]; /* " a b": the entries without a speed */

static void usage(int code)
{
	diag_usage(code, tool_synopsis,
		   tool_help); /* both from docs/matrix.md */
}

/* Every entry's every key, "entry<TAB>key<TAB>value", defaults applied. */
static void list(const struct plan *p)
{
	int i, k;

	for (i = 0; i < plan_entries(p); i++)
		for (k = 0; plan_keys[k]; k++)
			printf("%s\t%s\t%s\n", plan_entry(p, i), plan_keys[k],
			       plan_get(p, i, plan_keys[k]));
}

/* The speeds of entry i: measured in the results, else the plan's own. */
static void speeds(const struct plan *p, int i, struct planest_speed *s,
		   const char **dec, char *buf, size_t n)
{
	const char *model = plan_get(p, i, "model");

	planest_measured(opt.results, *model ? model : plan_entry(p, i),
			 plan_get(p, i, "quant"), s);
	if (!isnan(s->decode_tps)) {
		*dec = units_shortest(s->decode_tps, buf, n);
		return;
	}
	*dec = plan_get(p, i, "est_tps");
	s->decode_tps = *dec[0] ? strtod(*dec, NULL) : NAN;
	if (isnan(s->prefill_tps) && *plan_get(p, i, "est_prefill_tps"))
		s->prefill_tps =
		    strtod(plan_get(p, i, "est_prefill_tps"), NULL);
	if (isnan(s->load_s) && *plan_get(p, i, "est_load_s"))
		s->load_s = strtod(plan_get(p, i, "est_load_s"), NULL);
}

/* One line of the estimate table. */
static void estimate_entry(const struct plan *p, int i)
{
	struct planest_work w;
	struct planest_speed s;
	char err[1024], name[300], dbuf[64], hbuf[64];
	const char *dec, *src;
	double h;

	if (planest_entry(p, i, opt.root, &w, err, sizeof err) != 0)
		diag_die(EXIT_RUNTIME, "%s", err);
	speeds(p, i, &s, &dec, dbuf, sizeof dbuf);
	src = dec == dbuf ? "measured" : "assumed";
	snprintf(name, sizeof name, "[%s]", plan_entry(p, i));
	total_requests += w.requests;
	if (isnan(s.decode_tps) || s.decode_tps <= 0) {
		printf("  %-34s %6lld requests %9lld tokens out (at most) "
		       "%10lld in   "
		       "time unknown: no result, no est_tps\n",
		       name, w.requests, w.out, w.in);
		snprintf(unknown + strlen(unknown),
			 sizeof unknown - strlen(unknown), " %s",
			 plan_entry(p, i));
		return;
	}
	/* the loads too: every pass loads the entry again */
	h = planest_hours(&w, s.decode_tps, s.prefill_tps, s.load_s,
			  (atoll(plan_get(p, i, "loads")) + 1) *
			      planest_passes(p, i));
	printf("  %-34s %6lld requests %9lld tokens out (at most) %10lld in   "
	       "%8s at %s tok/s (%s)\n",
	       name, w.requests, w.out, w.in,
	       planest_hours_text(h, hbuf, sizeof hbuf), dec, src);
	snprintf(hbuf, sizeof hbuf, "%.4f", total_hours + h);
	total_hours = strtod(hbuf, NULL);
}

static void estimate(const struct plan *p)
{
	char hbuf[64];
	int i;

	printf(
	    "matrix: the estimate, one request at a time (docs/workflows.md, "
	    "\"Estimate\")");
	if (plan_entries(p) > 0 && planest_passes(p, 0) > 1)
		printf(", each entry run %d times (passes)",
		       planest_passes(p, 0));
	printf(":\n");
	for (i = 0; i < plan_entries(p); i++)
		if (strcmp(plan_get(p, i, "skip"), "yes") != 0)
			estimate_entry(p, i);
	printf("matrix: in all %lld requests, about %s at most%s%s\n",
	       total_requests,
	       planest_hours_text(total_hours, hbuf, sizeof hbuf),
	       *unknown ? ", not counting the entries without a speed:" : "",
	       unknown);
}

/* The machine's state at an entry's start from memsample --power's
 * events on stdin, as an outcome line's members (src/matrix/estate). */
static void state(void)
{
	struct estate s;
	char *line = NULL, buf[200];
	size_t cap = 0;

	estate_init(&s);
	while (getline(&line, &cap, stdin) != -1)
		estate_line(&s, line);
	free(line);
	printf("%s\n", estate_json(&s, buf, sizeof buf));
}

/* Long-only options: one enumeration from 256, as in every tool. */
enum { O_LIST = 256, O_ESTIMATE, O_RESULTS, O_ROOT, O_STATE };

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"list", 0, 0, O_LIST},   {"estimate", 0, 0, O_ESTIMATE},
	    {"state", 0, 0, O_STATE}, {"results", 1, 0, O_RESULTS},
	    {"root", 1, 0, O_ROOT},   {"help", 0, 0, 'h'},
	    {"version", 0, 0, 'V'},   {0, 0, 0, 0}};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_LIST: opt.list = 1; break;
		case O_ESTIMATE: opt.estimate = 1; break;
		case O_STATE: opt.state = 1; break;
		case O_RESULTS: opt.results = optarg; break;
		case O_ROOT: opt.root = optarg; break;
		case 'h': usage(EXIT_OK); break;
		case 'V': diag_version(TB_VERSION);
		default: usage(EXIT_USAGE);
		}
	}
	if (opt.list + opt.estimate + opt.state != 1 ||
	    argc - optind != (opt.state ? 0 : 1))
		usage(EXIT_USAGE);
}

int main(int argc, char **argv)
{
	struct plan *p;
	char err[1024];
	size_t len;
	char *text;

	diag_init(argv[0]);
	parse_args(argc, argv);
	if (opt.state) {
		state();
		return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
	}
	if ((text = fileio_slurp(argv[optind], 16u << 20, &len)) == NULL)
		diag_die(EXIT_RUNTIME, "%s: cannot read the plan: %s",
			 argv[optind], strerror(errno));
	if ((p = plan_parse(text, argv[optind], err, sizeof err)) == NULL ||
	    plan_check(p, err, sizeof err) != 0)
		diag_die(EXIT_RUNTIME, "%s", err);
	free(text);
	if (opt.list)
		list(p);
	else
		estimate(p);
	plan_free(p);
	return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
}
