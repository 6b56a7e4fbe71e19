/* runkind: what a run is part of, typed.  A workflow (make ctx, mixed,
 * load, capacity, sweep, soak) tells gen with --kind; gen writes it into
 * the run event's "kind" object, agg copies it into the run JSON, and the
 * report reads it back here.  Labels are only the user's: run files of
 * format version 1, made before kinds existed, said the same through
 * labels (ladder/depth, mix/mixset, loads/load_rep/cache/cache_resident,
 * capacity), and runkind_from_labels is the one place that reads them so
 * (docs/events.md, "Run kinds"). */
#ifndef TB_RUNKIND_H
#define TB_RUNKIND_H

#include <stddef.h>

#include "jw.h"

struct cJSON; /* a run's document (cJSON's), read only in runkind.c */

enum rk_name {
	RK_STANDARD, /* a run on its own (no --kind) */
	RK_SWEEP,    /* one concurrency level of a sweep (make sweep) */
	RK_SOAK,     /* a leak soak (make leak, soak) */
	RK_LADDER,   /* one depth of a context ladder (make ctx) */
	RK_MIX, /* a mixed workload, or one of its classes alone (make mixed) */
	RK_LOAD,     /* one load of a series of loads (make load) */
	RK_CAPACITY, /* one level of a capacity search (make capacity) */
	RK_BENCH,    /* one of llama-bench's tests through the server (make
		      * community, gen --bench): pp N or tg N at a depth */
	RK_MOE,	     /* one domain of the MoE study (make moe): a pass over
		      * the prompt set's domains, in order */
	RK_COUNT
};

/* Whether a mix run had the classes side by side or one class alone. */
enum rk_mix { RK_MIX_MIXED, RK_MIX_ALONE };

/* llama-bench's two tests: prompt processing, text generation. */
enum rk_test { RK_PP, RK_TG };

/* The page cache's hold on the model file before a load. */
enum rk_cache {
	RK_CACHE_UNKNOWN,
	RK_CACHE_COLD,
	RK_CACHE_PARTIAL,
	RK_CACHE_WARM
};

struct runkind {
	enum rk_name name;
	char series[96]; /* the id the runs of one series share; "" standard */
	long depth;	 /* RK_LADDER: tokens of context (> 0); RK_BENCH:
			  * the depth, tokens before the test's (>= 0) */
	enum rk_test test;   /* RK_BENCH */
	long n;		     /* RK_BENCH: the test's tokens (> 0) */
	enum rk_mix mix;     /* RK_MIX */
	long rep;	     /* RK_LOAD: 1, 2, ... */
	enum rk_cache cache; /* RK_LOAD */
	double resident;     /* RK_LOAD: the file's share in the page cache,
			      * 0..1; NAN unknown */
	long pass;	     /* RK_MOE: 1 (cold), 2 (warm), ... */
	char domain[32];     /* RK_MOE: the prompts' domain ("code") */
};

/* The written name of a kind ("ladder"), and the kind of a name (-1). */
const char *runkind_str(enum rk_name k);
int runkind_of(const char *name);
const char *runkind_cache_str(enum rk_cache c);

/* Parses gen's --kind NAME[,KEY=VALUE...] (docs/gen.md): every kind but
 * standard and soak needs series=ID; ladder needs depth=N, mix
 * class=mixed|alone, load rep=N and takes cache=cold|partial|warm|unknown and
 * resident=F|-; bench needs test=pp|tg and n=N, takes depth=D (default 0) and
 * series; moe needs pass=N and domain=NAME (letters, digits, - and _). Returns
 * 0, or -1 with the reason in err. */
int runkind_parse(const char *spec, struct runkind *k, char *err,
		  size_t errlen);

/* llama-bench's name of a bench kind's test into buf: "pp512",
 * "tg128 @ d4096"; "" for any other kind. */
void runkind_test_name(const struct runkind *k, char *buf, size_t len);

/* Writes the "kind" object of a run event (nothing for a standard run). */
void runkind_write(jw *w, const struct runkind *k);

/* Reads the kind of a run JSON's "run" object (or a run event): its
 * "kind" object; without one, a standard run, or for events of version 1
 * ("events_version" of a run object, "version" of a run event) the
 * compatibility reading of its labels.  Returns 0, or -1 with the reason in err
 * for a "kind" object that is not one runkind_write writes. */
int runkind_read(const struct cJSON *run, struct runkind *k, char *err,
		 size_t errlen);

/* The compatibility path: the kind that the labels of a version-1 run
 * said (RK_STANDARD when they said none). */
void runkind_from_labels(const struct cJSON *labels, struct runkind *k);

#endif
