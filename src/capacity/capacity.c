/* capacity: the capacity search's judge: reads the levels run so far (agg's
 * run JSONs with --slo), says each one's outcome and the next level to run,
 * users in a closed loop or a request rate in an open one (--rate-step);
 * scripts/capacity.sh orchestrates, lib/capsearch decides. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "args.h"
#include "capsearch.h"
#include "diag.h"
#include "fileio.h"
#include "jget.h"
#include "runjson.h"
#include "slo.h"
#include "verdict.h"
#include "help.h" /* generated from docs/capacity.md */

#define MAX_LEVELS 64

/* Options: one struct.  A rate search (step > 0) is the users search over
 * k = 1, 2, ... steps of step requests/s (lib/capsearch). */
static struct options {
	const char *slo;
	int max_users, plan, quiet, users_set;
	long per_user, prompts;
	double step, max_rate, seconds;
} opt = {.slo = SLO_DEFAULT_CHAT,
	 .max_users = 64,
	 .per_user = 4,
	 .prompts = 1,
	 .seconds = 30};
static struct slo_set slo;

/* What the search needs of one level's run JSON. */
struct level {
	const char *path;
	int users;
	enum verdict_slo st;
	char why[256]; /* the worst objective described, or why undecided */
	double att, att_lo, att_hi, rate, tps;
	double e2e_p50; /* the knee's latency (a rate search) */
	long met, n;
};

static struct level lv[MAX_LEVELS];
static int n_lv;

static void usage(int code)
{
	diag_usage(code, tool_synopsis,
		   tool_help); /* both from docs/capacity.md */
}

/* A level in words: "3 users", "1 user", "0.3 requests/s". */
static const char *level_name(int users, char *buf, size_t len)
{
	if (opt.step > 0)
		snprintf(buf, len, "%g requests/s", users * opt.step);
	else
		snprintf(buf, len, "%d user%s", users, users == 1 ? "" : "s");
	return buf;
}

/* The level of a run: its users, or in a rate search its rate's steps
 * (an open loop with no cap, on the grid of --rate-step). */
static int users_of(const char *path, const cJSON *doc)
{
	double c = jget_path_num(doc, "run.config.concurrency", 0);
	double r = jget_path_num(doc, "run.config.rate", 0);
	long k;

	if (opt.step <= 0) {
		if (r > 0 || c < 1)
			diag_die(EXIT_RUNTIME,
				 "%s: not a closed loop (no concurrency "
				 "in run.config)",
				 path);
		return (int)c;
	}
	k = lround(r / opt.step);
	if (r <= 0 || c != 0)
		diag_die(EXIT_RUNTIME,
			 "%s: not an open loop without a cap (run.config "
			 "rate, concurrency 0)",
			 path);
	if (k < 1 || fabs((double)k * opt.step - r) > 1e-6 * r)
		diag_die(EXIT_RUNTIME,
			 "%s: %g requests/s is not a step of "
			 "--rate-step %g",
			 path, r, opt.step);
	return (int)k;
}

/* Why the level broke or is undecided: its worst objective. */
static void explain(struct level *L, const cJSON *gp)
{
	const char *worst = jget_str(gp, "worst");
	const cJSON *o;

	L->why[0] = '\0';
	cJSON_ArrayForEach(o,
			   cJSON_GetObjectItemCaseSensitive(gp, "objectives"))
	{
		int m = slo_metric_from_name(jget_str(o, "metric"));
		const char *name = jget_str(o, "objective");
		if (m < 0 || worst == NULL || name == NULL ||
		    strcmp(name, worst) != 0)
			continue;
		if (L->st == VD_SLO_UNDECIDED)
			snprintf(L->why, sizeof L->why,
				 "%s has %.0f of the %.0f values "
				 "it needs",
				 name, jget_num(o, "n", 0),
				 jget_num(o, "need", 0));
		else
			slo_describe(L->why, sizeof L->why, (enum slo_metric)m,
				     jget_num(o, "pct", 0),
				     jget_num(o, "value", INFINITY),
				     jget_num(o, "bound", 0));
	}
}

/* The run's objectives must be the ones searched at. */
static void check_objectives(const char *path, const cJSON *gp)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(gp, "objectives");
	char t[64];
	int i;

	for (i = 0; i < slo.n; i++) {
		const char *got =
		    jget_str(cJSON_GetArrayItem(arr, i), "objective");
		if (got == NULL ||
		    strcmp(got, slo_obj_text(&slo.o[i], t, sizeof t)) != 0)
			diag_die(EXIT_RUNTIME,
				 "%s: judged at other objectives than "
				 "--slo %s",
				 path, opt.slo);
	}
}

static void read_level(const char *path, struct level *L)
{
	char why[256];
	size_t len;
	char *text = fileio_slurp(path, 64u << 20, &len);
	cJSON *doc;
	const cJSON *gp;

	if (text == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	if ((doc = runjson_parse(text, len, why, sizeof why)) == NULL)
		diag_die(EXIT_RUNTIME, "%s: %s", path, why);
	free(text);
	gp = jget_obj(doc, "goodput");
	if (gp == NULL || jget_str(gp, "verdict") == NULL)
		diag_die(EXIT_RUNTIME,
			 "%s: no objectives judged (agg --slo with "
			 "percentiles)",
			 path);
	L->users = users_of(path, doc);
	check_objectives(path, gp);
	L->path = path;
	L->st = verdict_slo_of(jget_str(gp, "verdict"));
	L->att = jget_num(gp, "fraction", 0);
	L->att_lo = jget_num(gp, "ci95_lo", 0);
	L->att_hi = jget_num(gp, "ci95_hi", 1);
	L->rate = jget_num(gp, "rate", 0);
	L->tps = jget_num(gp, "tokens_per_s", 0);
	L->met = (long)jget_num(gp, "met", 0);
	L->n = (long)jget_path_num(doc, "requests.measured", 0);
	L->e2e_p50 = jget_path_num(doc, "metrics.e2e_s.p50", NAN);
	explain(L, gp);
	cJSON_Delete(doc);
}

/* The progress line of one level, on stderr. */
static void say_level(const struct level *L)
{
	char name[64], e2e[64] = "";

	if (opt.step > 0)
		snprintf(e2e, sizeof e2e, "; E2E median %.3g s", L->e2e_p50);
	diag_warn("%s: %s%s%s; attainment %.0f %% (%.0f-%.0f %%, %ld of %ld); "
		  "goodput %.2f requests/s, %.1f tokens/s%s",
		  level_name(L->users, name, sizeof name),
		  verdict_slo_name(L->st), L->why[0] ? ": " : "", L->why,
		  100 * L->att, 100 * L->att_lo, 100 * L->att_hi, L->met, L->n,
		  L->rate, L->tps, e2e);
}

static const struct level *last_at(int users)
{
	int i;

	for (i = n_lv - 1; i >= 0; i--)
		if (lv[i].users == users)
			return &lv[i];
	return NULL;
}

/* The search's answer, on stderr: N users, and what broke at N + 1. */
static void say_done(const struct cap_step *st)
{
	const struct level *b = st->breaks ? last_at(st->breaks) : NULL;
	const struct level *u = st->undecided ? last_at(st->undecided) : NULL;
	const char *verb = opt.step > 0 ? "sustains" : "holds";
	char h[64], x[64];

	level_name(st->holds, h, sizeof h);
	if (st->holds == 0 && opt.step > 0)
		snprintf(h, sizeof h, "no rate");
	if (u)
		diag_warn("undecided at %s: %s; it %s %s so far at %s",
			  level_name(u->users, x, sizeof x), u->why, verb, h,
			  opt.slo);
	else if (b)
		diag_warn("%s %s at %s; at %s the %s", verb, h, opt.slo,
			  level_name(b->users, x, sizeof x), b->why);
	else
		diag_warn("%s at least %s at %s (the most searched, %s)", verb,
			  h, opt.slo,
			  opt.step > 0 ? "--max-rate" : "--max-users");
}

/* The knee of a rate search, on stderr: where the E2E median departs. */
static void say_knee(int below, int at)
{
	const struct level *lo = NULL, *b = below ? last_at(below) : NULL;
	const struct level *a = at ? last_at(at) : NULL;
	char x[64], y[64], z[64];
	int i;

	for (i = 0; i < n_lv; i++)
		if (lo == NULL || lv[i].users < lo->users)
			lo = &lv[i];
	if (lo == NULL || b == NULL)
		return;
	level_name(lo->users, z, sizeof z);
	if (a)
		diag_warn("latency departs between %g and %s: E2E median "
			  "%.3g s there against %.3g s at %s",
			  b->users * opt.step,
			  level_name(a->users, y, sizeof y), a->e2e_p50,
			  lo->e2e_p50, z);
	else
		diag_warn("latency within %.0f %% of %.3g s (E2E median at %s) "
			  "up to %s, the most tried",
			  100 * (CAP_KNEE - 1), lo->e2e_p50, z,
			  level_name(b->users, x, sizeof x));
}

/* Long-only options: one enumeration from 256, as in every tool. */
enum {
	O_SLO = 256,
	O_MAX_USERS,
	O_PER_USER,
	O_PROMPTS,
	O_PLAN,
	O_QUIET,
	O_RATE_STEP,
	O_MAX_RATE,
	O_SECONDS
};

/* A rate search: its grid, its requests per step, and the objective that
 * can see an open loop falling behind (a wait, not a speed). */
static void rate_mode(void)
{
	int i;

	if (opt.users_set)
		diag_die(EXIT_USAGE,
			 "--max-users and --per-user are the closed "
			 "loop's; a rate search takes --max-rate "
			 "and --seconds");
	if (opt.max_rate == 0)
		opt.max_rate = 64 * opt.step;
	if (opt.max_rate / opt.step + 1e-9 < 1 ||
	    opt.max_rate / opt.step > 4096)
		diag_die(EXIT_USAGE,
			 "--max-rate %g: want 1 to 4096 steps of %g",
			 opt.max_rate, opt.step);
	opt.max_users = (int)floor(opt.max_rate / opt.step + 1e-9);
	opt.per_user = (long)ceil(opt.step * opt.seconds - 1e-9);
	for (i = 0; i < slo.n; i++)
		if (!slo_higher_better(slo.o[i].m) && slo.o[i].m != SLO_TPOT &&
		    slo.o[i].m != SLO_ITL)
			return;
	diag_die(EXIT_USAGE,
		 "--slo %s: a rate search needs a latency from the arrival "
		 "(ttft, ttfo or e2e): a server that falls behind an open loop "
		 "keeps its speed and makes requests wait",
		 opt.slo);
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"slo", 1, 0, O_SLO},
	    {"max-users", 1, 0, O_MAX_USERS},
	    {"per-user", 1, 0, O_PER_USER},
	    {"prompts", 1, 0, O_PROMPTS},
	    {"plan", 0, 0, O_PLAN},
	    {"quiet", 0, 0, O_QUIET},
	    {"rate-step", 1, 0, O_RATE_STEP},
	    {"max-rate", 1, 0, O_MAX_RATE},
	    {"seconds", 1, 0, O_SECONDS},
	    {"help", 0, 0, 'h'},
	    {"version", 0, 0, 'V'},
	    {0, 0, 0, 0}};
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_SLO: opt.slo = optarg; break;
		case O_MAX_USERS:
			opt.max_users =
			    (int)args_int("--max-users", optarg, 1, 4096);
			opt.users_set = 1;
			break;
		case O_PER_USER:
			opt.per_user =
			    (long)args_int("--per-user", optarg, 1, 100000);
			opt.users_set = 1;
			break;
		case O_RATE_STEP:
			opt.step = args_real("--rate-step", optarg, 1e-4, 1e4);
			break;
		case O_MAX_RATE:
			opt.max_rate =
			    args_real("--max-rate", optarg, 1e-4, 1e6);
			break;
		case O_SECONDS:
			opt.seconds =
			    args_real("--seconds", optarg, 1e-3, 86400);
			break;
		case O_PROMPTS:
			opt.prompts =
			    (long)args_int("--prompts", optarg, 1, 100000);
			break;
		case O_PLAN: opt.plan = 1; break;
		case O_QUIET: opt.quiet = 1; break;
		case 'h': usage(EXIT_OK); break;
		case 'V': diag_version(TB_VERSION);
		default: usage(EXIT_USAGE);
		}
	}
	if (slo_parse(opt.slo, &slo, err, sizeof err) != 0)
		diag_die(EXIT_USAGE, "--slo %s", err);
	for (c = 0; c < slo.n; c++)
		if (slo.o[c].pct <= 0)
			diag_die(EXIT_USAGE,
				 "--slo %s: a capacity needs percentiles; "
				 "want %s",
				 opt.slo, slo_grammar);
	if (opt.step > 0)
		rate_mode();
	else if (opt.max_rate > 0)
		diag_die(EXIT_USAGE, "--max-rate needs --rate-step");
}

/* The values the objectives' percentiles need: the most any needs. */
static long need_all(void)
{
	long need = 1;
	int i;

	for (i = 0; i < slo.n; i++)
		if (slo_need(slo.o[i].pct) > need)
			need = slo_need(slo.o[i].pct);
	return need;
}

/* The answer: "done HOLDS BREAKS UNDECIDED" in users, or in a rate search
 * in requests/s with the knee's bracket after them. */
static void print_done(const struct cap_step *st)
{
	struct cap_lat kl[MAX_LEVELS];
	int i, below, at;

	if (!opt.quiet)
		say_done(st);
	if (opt.step <= 0) {
		printf("done %d %d %d\n", st->holds, st->breaks, st->undecided);
		return;
	}
	for (i = 0; i < n_lv; i++)
		kl[i] = (struct cap_lat){lv[i].users, lv[i].e2e_p50};
	cap_knee(kl, n_lv, &below, &at);
	if (!opt.quiet)
		say_knee(below, at);
	printf("done %g %g %g %g %g\n", st->holds * opt.step,
	       st->breaks * opt.step, st->undecided * opt.step,
	       below * opt.step, at * opt.step);
}

int main(int argc, char **argv)
{
	struct cap_level cl[MAX_LEVELS];
	struct cap_step st;
	long need;
	int i;

	diag_init(argv[0]);
	parse_args(argc, argv);
	need = need_all();
	if (opt.plan) {
		printf("plan %d %ld %ld %s\n", cap_max_levels(opt.max_users),
		       cap_max_requests(opt.max_users, need, opt.per_user,
					opt.prompts),
		       need, opt.slo);
		return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
	}
	if (argc - optind > MAX_LEVELS)
		diag_die(EXIT_USAGE, "more than %d levels", MAX_LEVELS);
	for (i = optind; i < argc; i++, n_lv++) {
		read_level(argv[i], &lv[n_lv]);
		cl[n_lv].users = lv[n_lv].users;
		cl[n_lv].st = lv[n_lv].st;
	}
	if (n_lv > 0 && !opt.quiet)
		say_level(&lv[n_lv - 1]);
	cap_next(cl, n_lv, opt.max_users, &st);
	if (st.act == CAP_DONE) {
		print_done(&st);
	} else {
		printf("%s %g %ld\n", st.act == CAP_RERUN ? "rerun" : "run",
		       opt.step > 0 ? st.users * opt.step : st.users,
		       cap_passes(st.users, need, opt.per_user, opt.prompts,
				  st.act == CAP_RERUN));
	}
	return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
}
