/* benchcmp: two result files in llama-bench's shapes compared test by
 * test, as llama.cpp's scripts/compare-llama-bench.py compares two builds,
 * with what that script leaves out: each test's speedup B / A with its 95 %
 * interval (lib/stats' stats_mean_ratio: from each side's avg_ts,
 * stddev_ts and repetitions).  Reads llama-bench's -o json, jsonl and csv
 * and report --bench's json and csv (docs/report.md, --compare-bench).
 * Part of the report's data layer; mdbench formats the table. */
#ifndef TB_BENCHCMP_H
#define TB_BENCHCMP_H

#include <stddef.h>

#include "stats.h"

/* One test of a file. */
struct bc_rec {
	char model[128]; /* model_type */
	long n_prompt, n_gen, n_depth;
	double avg, sd; /* avg_ts, stddev_ts */
	long n;		/* repetitions (samples_ts, else "repetitions"); 0
			 * unknown: llama-bench's CSV does not say */
};

struct bc_file {
	struct bc_rec *r;
	int n;
};

/* A test in both files. */
struct bc_row {
	char model[128], test[64]; /* A's model; llama-bench's test name */
	struct bc_rec a, b;
	struct stats_ratio s; /* ratio b / a, lo, hi (NAN: no interval) */
};

struct bc_table {
	struct bc_row *row;
	int n;
	int a_left, b_left; /* tests of one file alone */
	int dups;	    /* tests in a file twice (not compared) */
	int by_test; /* each file has one model, under other names: matched
		      * by test alone */
	int no_reps; /* rows whose interval is unknown: no repetitions */
};

/* Reads path: a JSON array, JSON lines or CSV with llama-bench's field
 * names.  Returns 0, or -1 with the reason in err (unreadable; not
 * llama-bench's shape, naming the file and what is missing; out of
 * memory).  Release with bc_file_free. */
int bc_read(const char *path, struct bc_file *f, char *err, size_t errlen);
void bc_file_free(struct bc_file *f);

/* The tests of a and b matched by model and test (n_prompt, n_gen,
 * n_depth), in a's order.  Returns 0, or -1 when out of memory.  Release
 * with bc_free. */
int bc_compare(const struct bc_file *a, const struct bc_file *b,
	       struct bc_table *t);
void bc_free(struct bc_table *t);

/* llama-bench's name of a test: pp512, tg128, pp512+tg128, with " @ dD"
 * at a depth. */
void bc_test_name(const struct bc_rec *r, char *b, size_t n);

#endif
