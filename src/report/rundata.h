/* rundata: the report's data layer.  Run files are loaded, grouped by the
 * --by fields, split by workload (what was asked, apart from the load) and
 * by concurrency level, and every figure the report prints is computed
 * here once, with its n and its method.  Renderers only format
 * (docs/report.md; the definitions are in docs/metrics.md). */
#ifndef TB_RUNDATA_H
#define TB_RUNDATA_H

#include <stddef.h>

#include "verdict.h"
#include "runkind.h"
#include "stats.h"

/* A run's parsed document (cJSON's): read by the data layer alone, so that
 * renderers take its figures from the structures below and never need
 * cJSON. */
struct cJSON;

#define RD_FIELDS 8

enum rd_kind {
	RD_CLOSED,   /* closed loop: N users, each next request when one ends */
	RD_OPEN,     /* open loop: requests at a rate */
	RD_CONTEXT,  /* context stress: prompts with a synthetic long context */
	RD_LADDER,   /* one depth of a context ladder (run kind ladder) */
	RD_MIX,	     /* the mixed workload or one class alone (run kind mix) */
	RD_LOADREP,  /* one of a series of loads (make load: run kind load) */
	RD_CAPACITY, /* one level of a capacity search (make capacity: run kind
		      * capacity, judged against objectives) */
	RD_BENCH,    /* one of llama-bench's tests through the server (make
		      * community: run kind bench), the Community figures' */
	RD_MOE,	     /* one domain of the MoE study (make moe: run kind moe) */
	RD_TEACHER   /* a teacher-forced pass (gen --teacher-force): its
		      * figures are the Quality section's, its times no
		      * workload's */
};

/* One measured request, successful and not a warm-up. */
struct rd_req {
	const char *prompt; /* its name (owned by the run's document) */
	double ttft, e2e, decode;
	int correct; /* a graded item's answer: 1 right, 0 wrong,
		      * -1 not graded (docs/metrics.md) */
};

/* A label or environment variable of a run, as given. */
struct rd_label {
	const char *key;
	const char *value; /* "?" when not a string */
};

/* How many of a run's requests ended with a status other than ok. */
struct rd_status {
	const char *name; /* as agg wrote it: timeout, http_error, ... */
	int n;
};

/* One prompt of a run, as agg wrote it (per_prompt). */
struct rd_prompt {
	const char *name;
	double prompt_tokens;	      /* mean; NAN unknown */
	double prefill_tps;	      /* mean; NAN unknown */
	int has_output;		      /* its first successful output was kept */
	double out_tokens, out_chars; /* of that output; NAN unknown */
	const char *out_text;	      /* NULL unknown */
	int has_quality;	      /* its expect checks ran */
	double passed, checked;	      /* NAN unknown */
};

/* A slope with its 95 % interval; lo and hi NAN when none was given. */
struct rd_slope {
	double v, lo, hi;
};

/* agg's leak check of a run (docs/metrics.md). */
struct rd_leak {
	int judged; /* 0: no verdict (memory was not sampled) */
	enum verdict_leak
	    verdict; /* VD_LEAK_OTHER: a verdict this reader does not know */
	const char *error; /* why there is no verdict, or NULL */
	struct rd_slope per_request, per_minute; /* MB */
	double r2;
};

/* Whether a run kept its speed (docs/metrics.md, Sustained speed) and
 * whether its machine ran throttled (Power and heat). */
struct rd_drift {
	enum verdict_sustain
	    verdict;		/* VD_SUS_UNKNOWN also when the run has none */
	struct rd_slope ratio;	/* last third over first; NAN unknown */
	double throttled_share; /* NAN unknown */
	int thermal_max;	/* enum formats_thermal, or -1 */
	const char *why;	/* with VD_SUS_UNKNOWN: agg's reason, or NULL */
};

/* A run's power and heat (docs/metrics.md, Power and heat), read by
 * src/report/rdpower: each figure NAN when unknown, never 0. */
struct rd_powpt {
	double s, w, temp; /* seconds from the first request; NAN unknown */
};
struct rd_power {
	int sampled;			 /* the run has a power object */
	double j_per_tok, mean_w, p95_w; /* NAN unknown */
	double peak_temp;		 /* °C, NAN unknown */
	const char *energy_source;	 /* NULL unknown */
	char why[240];	     /* why the energy is unknown ("" when known) */
	struct rd_powpt *pt; /* power.timeline */
	size_t npt;
};

/* A sample of a run's memory timeline; NAN where not a number. */
struct rd_point {
	double s, mb;
};

/* When a measured request (no warm-up, with an E2E) was in flight: its
 * send from the run's first send, and its E2E (s). */
struct rd_span {
	double start, len;
};

/* The level of evidence of a run's agreement with a reference run
 * (docs/metrics.md, Greedy agreement and Logprob agreement). */
enum rd_evidence {
	RD_EV_ABSENT,	/* no such object: agg was not given --reference */
	RD_EV_NONE,	/* agg found nothing to compare; why says why */
	RD_EV_GREEDY,	/* greedy agreement from the output texts */
	RD_EV_LOGPROBS, /* the server's token logprobs */
	RD_EV_TEACHER,	/* teacher-forced: every position of the
			 * reference's output (gen --teacher-force) */
	RD_EV_OTHER	/* a level this reader does not know */
};

/* quality.agreement of a run; NAN where not given. */
struct rd_agree {
	enum rd_evidence ev;	/* RD_EV_GREEDY: the figures below are there */
	const char *why;	/* RD_EV_NONE: agg's reason, or NULL */
	int prompts, identical; /* prompts compared, those identical */
	double share, lo, hi;	/* identical / prompts, its Wilson interval */
	int diverged;		/* prompts that diverged */
	double ttd_median;	/* tokens to divergence, median over them */
};

/* quality.logprobs of a run; NAN where not given. */
struct rd_lpq {
	enum rd_evidence ev; /* RD_EV_LOGPROBS: the figures below are there */
	const char *why;     /* RD_EV_NONE: agg's reason, or NULL */
	int prompts, top_k, truncated;
	double top1, top1_lo, top1_hi;	 /* top-1 agreement, t interval */
	double kl, kl_lo, kl_hi, kl_p99; /* KL (nats): mean, interval, p99 */
	double fd_median;		 /* first divergence, median */
	int diverged;
};

/* quality.teacher_forced of a run; NAN where not given. */
struct rd_tfq {
	enum rd_evidence ev; /* RD_EV_TEACHER: the figures below are there */
	const char *why;     /* RD_EV_NONE: agg's reason, or NULL */
	int prompts, positions, exact, tie;
	double kl, kl_lo, kl_hi, kl_p99; /* KL (nats), 95 % interval */
	double same, same_lo, same_hi;	 /* same top-1, Wilson */
	double dppl, dppl_lo, dppl_hi;	 /* Δ perplexity; NAN: none */
};

/* One run file.  Its strings are owned by its document. */
struct rd_run {
	char *path;
	struct cJSON *doc; /* NULL when unreadable (the data layer's alone) */
	char why[200];	   /* why unreadable */
	int version, incomplete, simulated;
	enum rd_kind kind;
	struct runkind rk; /* what it is part of (runkind.h): the run's
			    * kind, or its labels in a version-1 file */
	double conc;	   /* users; 0 in an open-loop run */
	char field[RD_FIELDS][96];
	char key[512];	    /* the group's name: the fields joined by " · " */
	char workload[600]; /* equal strings: the same workload */
	char wl_name[200];  /* the workload for a reader */
	struct rd_req *req; /* its requests, in the order they were sent */
	size_t nreq;
	int per_request; /* 1: req[] from per_request; 0: one per prompt
			  * (its mean), the run having no per_request */
	double swap_gb;	 /* the machine's swap growth while it ran
			  * (memory.system.swap_used.growth_bytes, GB);
			  * NAN unknown */
	const char *server_kind, *host_os, *host_cpu; /* NULL unknown */
	const char *tool_version;    /* gen's, the build that measured it; NULL
				      * unknown */
	double req_ok, req_measured; /* requests; NAN unknown */
	struct rd_label
	    *label; /* its labels, then its environment, in file order */
	int nlabel;
	struct rd_status
	    *failed; /* its requests' statuses but ok, in file order */
	int nfailed;
	struct rd_prompt *prompt; /* its prompts, in file order */
	int nprompt;
	struct rd_point *timeline; /* its memory over time */
	size_t ntimeline;
	struct rd_span *span; /* its requests in flight (per_request only) */
	size_t nspan;
	struct rd_leak leak;
	struct rd_drift drift;
	struct rd_power power;
	struct rd_agree agree; /* quality.agreement */
	struct rd_lpq lpq;     /* quality.logprobs */
	struct rd_tfq tfq;     /* quality.teacher_forced */
};

/* Reads run r's power object into r->power (src/report/rdpower).
 * Returns 0, or -1 when out of memory; rd_power_free releases it. */
int rd_power_read(struct rd_run *r);
void rd_power_free(struct rd_run *r);

/* The prompt of run r named name, or NULL. */
const struct rd_prompt *rd_prompt_of(const struct rd_run *r, const char *name);

/* Reads what the report prints of run r from its document (src/report/runfigs).
 * Returns 0, or -1 when out of memory; rd_run_figures_free releases it. */
int rd_run_figures(struct rd_run *r);
void rd_run_figures_free(struct rd_run *r);

/* A figure with the number of values behind it; v is NAN when unknown. */
struct rd_fig {
	double v;
	size_t n;
};

/* A mean with its 95 % confidence interval and how it was estimated. */
struct rd_mean {
	double mean, lo, hi; /* NAN when unknown; lo = hi = mean when no CI */
	size_t n;	     /* the values the CI is over */
	int runs;	     /* 1: over requests of one run (within-run);
			      * >= 2: over the runs' means (run to run) */
};

/* One concurrency level of one workload of a group. */
struct rd_level {
	double conc; /* 0: open loop */
	struct rd_run **runs;
	int n;
	size_t nreq; /* measured requests, failures included */
	struct rd_fig agg_tps, fairness, error_rate;
	double scaling;	   /* agg_tps over the workload's first level's */
	double efficiency; /* scaling over the growth in users (1: linear) */
	struct rd_mean decode; /* per-request decode TPS */
	struct rd_fig e2e_p50, e2e_p95, e2e_p99, ttft_p50, ttft_p95, queue_p95;
};

/* A group's runs of one workload, by level (increasing users). */
struct rd_wl {
	const char *key, *name; /* its run's workload and wl_name */
	int prompts;		/* prompts in it (0: nothing was asked) */
	enum rd_kind kind;
	struct rd_level *lv;
	int nlv;
};

/* A group's figures on the primary workload at one user (the Summary). */
struct rd_summary {
	int runs;
	struct rd_mean decode;
	struct rd_fig ttft;	 /* mean TTFT (s) of ttft_prompt */
	const char *ttft_prompt; /* the workload's shortest prompt (the
				  * first when no prompt has a count) */
	struct rd_fig ttft_all,
	    e2e_all; /* mean TTFT and E2E (s), every prompt */
	/* the server's own decode and prefill TPS (llama-server timings, LM
	 * Studio stats, Ollama durations), n = requests it reported on */
	struct rd_fig srv_decode, srv_prefill;
	struct rd_fig ttfo_p50; /* TTFO p50 (s) when reasoning was seen */
	struct rd_fig
	    prefill; /* prefill TPS at prefill_tokens (context runs) */
	double prefill_tokens;
	struct rd_fig load_s;	  /* mean of the successful loads */
	struct rd_fig srv_load_s; /* the server's own figure of them, when given
				   * (LM Studio load_time_seconds, Ollama
				   * load_duration, llmsim) */
	int load_failed;
	struct rd_fig steady_gb;  /* steady-state memory of these runs */
	struct rd_fig peak_gb;	  /* the largest peak of any run of the group */
	struct rd_fig model_gb;	  /* the model file, as the server told it */
	struct rd_fig tps_per_gb; /* decode mean / steady GB */
	/* the machine's memory while these runs ran (memory.system): the
	 * largest wired peak, compressed growth and swap growth of them (GB),
	 * n = runs that had the figure */
	struct rd_fig wired_gb, compressed_gb, swap_gb;
	struct rd_fig error_rate; /* of these runs */
	struct rd_fig error_all;  /* of every run of the group */
	struct rd_fig quality;	  /* pass rate; n = outputs checked */
	double reasoning_tokens;
};

/* One depth of a context ladder: one run. */
struct rd_rung {
	double depth; /* the label: tokens of context asked for */
	const struct rd_run *run;
	int ok; /* every measured request succeeded */
	struct rd_fig prompt_tokens, ttft, prefill, decode; /* means */
	double requests, requests_ok; /* measured, and those that succeeded */
	double mem_gb;		      /* the run's peak memory; NAN unknown */
	const char *why; /* a failed rung: requests.first_error, else why its
			  * prompt was not brought to its count */
	/* gen --prompt-tokens: how the prompt was counted ("tokenize",
	 * "usage"; NULL: not counted, a run before exact counts) and
	 * whether every request's prompt was exactly the depth by the
	 * server's count (1), not (0), or unknown (-1) */
	const char *count_method;
	int exact;
};

/* A context ladder (make ctx): its rungs by depth, up to the first that
 * failed. */
struct rd_ladder {
	const char *id; /* labels.ladder */
	struct rd_rung *r;
	int n;
	double advertised; /* the model's own context (server.ctx_train,
			    * else ctx_size); NAN unknown */
	double loaded;	   /* the context it was loaded with; NAN */
	double best;	   /* the largest depth that worked; NAN none */
	const struct rd_rung *stop; /* the first failed rung, or NULL */
};

/* One output-length class of the mixed workload: in the mix ([0]) and
 * alone at the same users ([1]); means over its requests. */
struct rd_mixclass {
	const char *name;  /* its prompt */
	double out_tokens; /* its mean output length in the mix */
	struct rd_fig ttft[2], e2e[2], tps[2];
};

/* The mixed workload at one level (make mixed): its classes, shortest
 * first, and whether the shortest starves beside the longer ones. */
struct rd_mix {
	const char *set; /* labels.mixset */
	double conc;
	struct rd_mixclass *c;
	int n;
	double ttft_ratio, e2e_ratio; /* the shortest class: mix over alone */
	int starved;		      /* either ratio >= RD_STARVED */
};

/* One load of a series (make load). */
struct rd_load {
	int rep;	     /* 1, 2, ... */
	double seconds;	     /* the client's; NAN when it failed */
	double server_s;     /* the server's own; NAN when not told */
	enum rk_cache cache; /* cold, warm, partial, unknown */
	double resident;     /* the model file's share in the page cache
			      * before it; NAN unknown */
	const char *error;   /* a failed load's message, else NULL */
};

struct rd_loads {
	const char *id;	   /* labels.loads */
	struct rd_load *l; /* by rep */
	int n;
	double cold;	    /* the first cold load's seconds; NAN none */
	struct rd_fig warm; /* the median of the warm loads' seconds
			     * (the first 100), n = those loads */
};

/* One domain of one pass of the MoE study (make moe): the model file's
 * share in the page cache and in the server's mappings before and after
 * it, 0..1 (NAN: not measured), and its decode speed. */
struct rd_moe_step {
	int pass;		      /* 1 (cold), 2 (warm), ... */
	const char *domain;	      /* owned by the run's document */
	double t_start;		      /* its order within the pass */
	double pc0, pc1;	      /* page cache before, after */
	double map0, map1;	      /* the server's mappings before, after */
	double pc_growth, map_growth; /* after less before; NAN unknown */
	struct rd_fig decode;	      /* mean decode tokens/s, n requests */
	double bytes;		      /* the model file's size; NAN unknown */
};

/* A group's MoE study: one series (make moe's invocation), its steps by
 * pass, then in the order they ran. */
struct rd_moe {
	const char *id; /* the series */
	struct rd_moe_step *s;
	int n;
	int mapped;   /* 1: every step has the mappings' figures, which
		       * the summary then uses; 0: the page cache's */
	double first; /* that share after the first pass; NAN unknown */
	double later; /* the largest growth of a step of a later pass;
		       * NAN when there is none */
};

/* One level of a capacity search: its last run at those users. */
struct rd_caplv {
	int users;
	const struct rd_run *run;
	enum verdict_slo st;
	const char *worst; /* the objective that broke it (or undecided) */
	double value, bound, pct;   /* that objective's percentile and bound */
	int metric;		    /* its enum slo_metric; -1 unknown */
	double att, att_lo, att_hi; /* attainment and its 95 % interval */
	double rate, tps;	    /* goodput: requests/s, tokens/s */
	long n;			    /* measured requests */
};

/* A capacity search (make capacity): its levels by users and its answer,
 * replayed with lib/capsearch from the runs in the order they ran. */
struct rd_capacity {
	const char *id; /* labels.capacity */
	char slo[256];	/* the objectives, as agg wrote them */
	struct rd_caplv *lv;
	int n;
	int holds, breaks, undecided; /* as capsearch's cap_step */
	int finished;	 /* 0: the search stopped before its answer */
	double need_att; /* the attainment the objectives imply
			  * (95 % for a p95): the chart's line */
};

/* Swap that grows by more than this many GB while a run runs: the model
 * did not fit in memory, and the run's speed is that of a machine paging
 * (docs/metrics.md). */
#define RD_NOFIT_GB 1

/* Whether the machine's swap grew by more than RD_NOFIT_GB during run r. */
int rd_nofit(const struct rd_run *r);

/* How a run's speed may not be its machine's sustained speed: RD_SLOWED
 * when agg found it slowed, RD_THROTTLED when its machine said it was
 * throttled for part of it or reached a serious or critical thermal
 * state (docs/metrics.md, Sustained speed); 0 when neither. */
#define RD_SLOWED 1
#define RD_THROTTLED 2
int rd_drifted(const struct rd_run *r);

/* A class whose TTFT or E2E in the mix is this many times its own alone
 * starves (docs/metrics.md). */
#define RD_STARVED 1.5

/* A group's graded accuracy (docs/metrics.md, Graded accuracy): on its
 * workload with the most graded answers, pooled over that workload's runs
 * at every level. */
struct rd_graded {
	const struct rd_wl *wl; /* NULL: no run of the group graded an answer */
	long checked, correct;	/* graded requests, and those answered right */
	int items;		/* distinct items among them */
	double acc, lo, hi; /* correct / checked, its 95 % Wilson interval */
};

/* The quality budget (docs/metrics.md, Quality budget): a candidate is
 * within it when its graded accuracy is not significantly below its
 * reference's (exact McNemar, Holm-adjusted p >= 0.05, or the candidate
 * the better) and at most this many percentage points below it on the
 * items they share.  Five points: five answers in a hundred, a loss a
 * user of the model meets within a day's use; docs/metrics.md says why
 * not less (what the graded set can resolve) and not more. */
#define RD_QUALITY_BUDGET 5.0

/* The quality budget's second limit (docs/metrics.md, Quality budget): a
 * candidate whose mean KL divergence from the run it was compared with
 * (teacher-forced, else the logprob estimate, a lower bound) is above
 * this many nats with 95 % confidence exceeds the budget, whatever its
 * graded answers.  Fixed from llama.cpp's published scoreboard
 * (tools/perplexity/README.md, LLaMA 3 8B against F16) before any
 * measurement here: Q4_K_M 0.031, Q3_K_M 0.102, Q2_K 0.445 nats; 0.05 lets
 * the common Q4_K_M through and stops the Q3 level, where its same top-1
 * falls below 90 %. */
#define RD_KL_BUDGET 0.05

/* A group's graded answers paired with its model's reference's, item by
 * item, on the reference's graded workload; an item's answer is its
 * majority over runs and repetitions (an item split evenly is left out). */
struct rd_qcmp {
	const struct rd_group *ref; /* NULL: no reference */
	const char *why_not;	    /* non-NULL: not compared, and why */
	int items;		    /* items paired */
	int ref_only;		    /* right in the reference only */
	int cand_only;		    /* right in the candidate only */
	double ref_acc, cand_acc;   /* over the paired items (0..1) */
	double drop;	       /* (ref_acc - cand_acc) in points; < 0: better */
	double p, p_adj;       /* McNemar's exact p; Holm's over the set's
				* quality tests; -1 untested */
	enum verdict_cmp diff; /* McNemar after Holm: better, worse, tie */
	enum verdict_quality verdict;
	int kl_over;	  /* over RD_KL_BUDGET: the verdict is VD_Q_EXCEEDS */
	int kl_tf;	  /* that KL is teacher-forced (else logprobs) */
	double kl, kl_lo; /* that KL's mean and its interval's lower end */
};

struct rd_group {
	char key[512];
	char field[RD_FIELDS][96];
	struct rd_run **runs;
	int n;
	struct rd_wl *wl;
	int nwl;
	struct rd_ladder *lad; /* its context ladders, oldest first */
	int nlad;
	struct rd_mix *mix; /* its mixed workloads, by set and users */
	int nmix;
	struct rd_loads *loads; /* its load series */
	int nloads;
	struct rd_moe *moe; /* its MoE studies (moedata) */
	int nmoe;
	struct rd_capacity *cap; /* its capacity searches, oldest first */
	int ncap;
	const struct rd_level *base; /* primary workload, lowest closed level */
	struct rd_summary sum;	     /* from base; all unknown when NULL */
	struct rd_graded graded;     /* its graded accuracy */
	struct rd_qcmp qcmp;	     /* against its model's reference */
	/* its agreement with a reference run (agg --reference), each kind
	 * on its own: of its runs with the figures, those of its quality
	 * workload (graded.wl) first, then the one with the most prompts
	 * compared; ev RD_EV_ABSENT or RD_EV_NONE when no run has them */
	struct rd_agree agree;
	const struct rd_run *agree_run; /* the run it is of, or NULL */
	int agree_runs;			/* runs that had the figures */
	struct rd_lpq lpq;
	const struct rd_run *lpq_run;
	int lpq_runs;
	struct rd_tfq tfq; /* teacher-forced: the run with most positions */
	const struct rd_run *tfq_run;
	int tfq_runs;
};

/* One workload of a plan entry as make matrix ran it, from a results
 * directory's *.outcomes.ndjson (docs/workflows.md). */
struct rd_outcome {
	char plan[64], entry[64], workload[48], status[16], why[320];
	enum verdict_outcome st; /* status read; VD_OUT_OTHER: shown as is */
	int exit;
	/* the entry's pass of the plan (1 when the line has none), its place
	 * in that pass's order (from 1; 0 unknown), its start on the shared
	 * clock and the machine's state then (NAN, -1: unknown), and the run
	 * file the workload wrote (its name; "" when none) */
	int pass, order;
	double t_start, temp_c;
	int thermal, throttled;
	char run[200];
};

/* One model's Pareto frontier of decode speed against steady-state memory
 * (the Summary's figures): its groups that no other group of the model is
 * as fast and as small as, and better in one. */
struct rd_frontier {
	const char *model; /* rd_model_of */
	int *g;		   /* the groups (indexes into rd_set.g), by
			    * memory, equal memory in group order */
	int n;
};

/* Decode speed against steady-state memory over the set's groups. */
struct rd_pareto {
	int *pt; /* the groups with both figures, in order */
	int npt;
	struct rd_frontier
	    *f; /* one per model, in the order of its first point */
	int nf;
};

struct rd_set {
	const char *by[RD_FIELDS];
	int nby;
	int by_seen[RD_FIELDS]; /* some run records by[i] (a standard field
				 * always counts as recorded) */
	struct rd_outcome *out; /* every workload outcome, in file order */
	int nout;
	struct rd_run *runs;
	int nruns, nunreadable;
	struct rd_group *g;
	int ng;
	const char *quality_ref; /* the reference quantization the user named
				  * (report --quality-ref), NULL: each model's
				  * most precise with graded answers */
	const char
	    *quality_why;    /* non-NULL: no quality was compared, and why */
	const char *primary; /* the workload most groups ran at one user */
	const char *primary_name;
	struct rd_pareto pareto;
};

/* An empty set grouped by the given fields. */
void rd_init(struct rd_set *s, const char *const *by, int nby);

/* Adds the run file at path (read and parsed here); an unreadable file is
 * kept with its reason.  Returns 0, or -1 when out of memory. */
int rd_add_file(struct rd_set *s, const char *path);

/* Adds a file, or every *.json of a directory (in byte order) and its
 * plan outcomes (*.outcomes.ndjson; lines that are not outcomes are
 * skipped).  Returns 0, or -1 with errno when the directory cannot be
 * read. */
int rd_add_path(struct rd_set *s, const char *path);

/* Groups the runs and computes every figure.  Returns 0, or -1 when out
 * of memory. */
int rd_build(struct rd_set *s);

void rd_free(struct rd_set *s);

/* The index of a --by field in s->by, or -1. */
int rd_by_index(const struct rd_set *s, const char *field);

/* The model of a group (its --by model field), "all" when --by has none:
 * the unit of per-model frontiers, panels and picks. */
const char *rd_model_of(const struct rd_set *s, const struct rd_group *g);

/* Orders two values of the --by field named field as the groups are
 * ordered: quantizations by size (lib/quant), anything else by bytes.
 * strcmp's sign convention. */
int rd_field_cmp(const char *field, const char *a, const char *b);

/* Sorts n values of the --by field named field by rd_field_cmp. */
void rd_field_sort(const char *field, const char **v, size_t n);

/* Builds s->pareto from the groups' Summaries (src/report/frontier).  Returns
 * 0, or -1 when out of memory. */
int rd_pareto(struct rd_set *s);

/* The level of a group at users c of workload wl (NULL when none). */
const struct rd_level *rd_level_of(const struct rd_group *g, const char *wl,
				   double c);

/* Builds g->cap from the group's RD_CAPACITY runs (src/report/capdata).
 * Returns 0, or -1 when out of memory. */
int rd_capacities(struct rd_group *g);

/* The group's latest finished capacity search at the objectives slo
 * (NULL: any), or NULL. */
const struct rd_capacity *rd_capacity_of(const struct rd_group *g,
					 const char *slo);

/* Whether a run is a leak soak (gen --shuffle: make leak, plan key leak). */
int rd_is_soak(const struct rd_run *r);

/* Whether a nearest-rank percentile p of n values is more than the
 * largest value: n >= 100 / (100 - p) (p95 needs 20, p99 needs 100). */
int rd_pct_ok(double p, size_t n);

/* The per-request metrics: compared (rd_compare), or a prompt's means
 * (rd_prompt_mean; prefill there only). */
enum rd_metric { RD_DECODE, RD_TTFT, RD_E2E, RD_PREFILL };

/* The mean of one prompt's metric over runs, from their per_prompt means
 * weighted by their n. */
struct rd_fig rd_prompt_mean(struct rd_run *const *r, int n, const char *prompt,
			     enum rd_metric m);

/* A paired comparison of candidate b against baseline a on one metric. */
struct rd_cmp {
	struct stats_ratio r; /* b / a: ratio, CI, raw p */
	double p_adj;	      /* after Holm (rd_holm); -1 when untested */
	int runs;	      /* 1: pairs of requests; >= 2: pairs of runs */
	int by_prompt;	      /* a run had no per_request: its prompts'
			       * means were paired instead of requests */
	int higher_better;
	const char *why_not;	  /* non-NULL: not compared, and why */
	enum verdict_cmp verdict; /* after rd_holm */
};

/* Compares groups a and b on their runs of workload wl at users c, paired
 * by (prompt, repetition): the i-th request of a prompt in a against the
 * i-th in b.  With 2 or more runs in each, the units are pairs of runs
 * (each run's geometric mean ratio over its prompts), so that the CI is
 * from run-to-run variation. */
void rd_compare(const struct rd_group *a, const struct rd_group *b,
		const char *wl, double c, enum rd_metric m, struct rd_cmp *out);

/* Differences smaller than this share are ties whatever their p: below
 * what a user notices and what a second run reproduces. */
#define RD_TIE_MARGIN 0.02

/* Holm's correction over a family of comparisons, then each verdict: a
 * difference is better or worse only when its adjusted p is below 0.05,
 * its CI excludes 1 and the ratio is RD_TIE_MARGIN or more from 1;
 * otherwise a tie. */
void rd_holm(struct rd_cmp *const *c, size_t n);

/* Builds every group's graded and qcmp (src/report/quality): the reference of
 * each model (s->quality_ref's quantization, else the one of the most
 * bits per weight, lib/quant, with graded answers; on equal bits the
 * later in the groups' order), the pairs, McNemar's tests, Holm's
 * correction over them (a family of their own: the budget must be
 * settled before the picks it limits, and the speed comparisons depend
 * on the picks) and the verdicts.  Only groups of one model are compared:
 * with no model or quant field in --by nothing is, and s->quality_why
 * says so.  Returns 0, or -1 when out of memory. */
int rd_quality(struct rd_set *s);

/* Group g's agreement with a reference run (its agree, lpq and their run
 * and runs members) from its runs' figures, as struct rd_group says: a
 * run of its graded workload (graded.wl) first, since a server may send
 * logprobs on another prompt set only (llmsim sends none on a graded
 * set), then
 * the most prompts compared.  Runs are not pooled: each run's intervals are
 * over its own prompts, and two runs of one prompt set compare the same
 * prompts. rd_quality calls it for every group, after graded accuracy. */
void rd_agreement(struct rd_group *g);

/* Whether a group may be picked as far as quality goes: its verdict is
 * not VD_Q_EXCEEDS (not measured may be picked, and is said so). */
int rd_quality_ok(const struct rd_group *g);

/* Whether the machine's swap grew past RD_NOFIT_GB during a group's
 * Summary runs (their largest growth): such a group is never the report's
 * answer. */
int rd_group_nofit(const struct rd_group *g);

/* rd_drifted of a group's runs, or-ed together: such a group may still be
 * picked, but never without saying so. */
int rd_group_drifted(const struct rd_group *g);

#endif
