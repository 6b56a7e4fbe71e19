/* capacity: the capacity search's judge: reads the levels run so far (agg's
 * run JSONs with --slo), says each one's outcome and the next level to run
 * (scripts/capacity.sh orchestrates; lib/capsearch decides). */
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

/* Options: one struct. */
static struct options {
	const char *slo;
	int max_users, plan, quiet;
	long per_user, prompts;
} opt = {.slo = SLO_DEFAULT_CHAT, .max_users = 64, .per_user = 4, .prompts = 1};
static struct slo_set slo;

/* What the search needs of one level's run JSON. */
struct level {
	const char *path;
	int users;
	enum verdict_slo st;
	char why[256]; /* the worst objective described, or why undecided */
	double att, att_lo, att_hi, rate, tps;
	long met, n;
};

static struct level lv[MAX_LEVELS];
static int n_lv;

static void usage(int code)
{
	diag_usage(code, tool_synopsis,
		   tool_help); /* both from docs/capacity.md */
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
	check_objectives(path, gp);
	L->path = path;
	L->users = (int)jget_path_num(doc, "run.config.concurrency", 0);
	L->st = verdict_slo_of(jget_str(gp, "verdict"));
	L->att = jget_num(gp, "fraction", 0);
	L->att_lo = jget_num(gp, "ci95_lo", 0);
	L->att_hi = jget_num(gp, "ci95_hi", 1);
	L->rate = jget_num(gp, "rate", 0);
	L->tps = jget_num(gp, "tokens_per_s", 0);
	L->met = (long)jget_num(gp, "met", 0);
	L->n = (long)jget_path_num(doc, "requests.measured", 0);
	explain(L, gp);
	cJSON_Delete(doc);
	if (L->users < 1)
		diag_die(EXIT_RUNTIME, "%s: no concurrency in run.config",
			 path);
}

/* The progress line of one level, on stderr. */
static void say_level(const struct level *L)
{
	diag_warn(
	    "%d user%s: %s%s%s; attainment %.0f %% (%.0f-%.0f %%, %ld of %ld); "
	    "goodput %.2f requests/s, %.1f tokens/s",
	    L->users, L->users == 1 ? "" : "s", verdict_slo_name(L->st),
	    L->why[0] ? ": " : "", L->why, 100 * L->att, 100 * L->att_lo,
	    100 * L->att_hi, L->met, L->n, L->rate, L->tps);
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

	if (u)
		diag_warn(
		    "undecided at %d user%s: %s; it holds %d so far at %s",
		    u->users, u->users == 1 ? "" : "s", u->why, st->holds,
		    opt.slo);
	else if (b)
		diag_warn("holds %d user%s at %s; at %d user%s the %s",
			  st->holds, st->holds == 1 ? "" : "s", opt.slo,
			  b->users, b->users == 1 ? "" : "s", b->why);
	else
		diag_warn("holds at least %d users at %s (the most searched, "
			  "--max-users)",
			  st->holds, opt.slo);
}

/* Long-only options: one enumeration from 256, as in every tool. */
enum { O_SLO = 256, O_MAX_USERS, O_PER_USER, O_PROMPTS, O_PLAN, O_QUIET };

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"slo", 1, 0, O_SLO},
	    {"max-users", 1, 0, O_MAX_USERS},
	    {"per-user", 1, 0, O_PER_USER},
	    {"prompts", 1, 0, O_PROMPTS},
	    {"plan", 0, 0, O_PLAN},
	    {"quiet", 0, 0, O_QUIET},
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
			break;
		case O_PER_USER:
			opt.per_user =
			    (long)args_int("--per-user", optarg, 1, 100000);
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
		if (!opt.quiet)
			say_done(&st);
		printf("done %d %d %d\n", st.holds, st.breaks, st.undecided);
	} else {
		printf("%s %d %ld\n", st.act == CAP_RERUN ? "rerun" : "run",
		       st.users,
		       cap_passes(st.users, need, opt.per_user, opt.prompts,
				  st.act == CAP_RERUN));
	}
	return diag_fshut(stdout, "stdout") ? EXIT_RUNTIME : EXIT_OK;
}
