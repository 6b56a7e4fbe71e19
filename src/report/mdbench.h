/* mdbench: the report's "Community figures" section, llama-bench's table
 * shape, formatting only (the rows come from benchdata). */
#ifndef TB_MDBENCH_H
#define TB_MDBENCH_H

#include <stddef.h>

#include "benchcmp.h"
#include "benchdata.h"
#include "jw.h"

/* A model's size as llama-bench prints it: MiB below a GiB, else GiB;
 * "?" when NAN.  Into b (n bytes). */
void mdbench_size_text(char *b, size_t n, double bytes);

/* Parameters as llama-bench prints them: M below a billion, else B; "?"
 * when NAN. */
void mdbench_params_text(char *b, size_t n, double p);

/* Appends the section to md when t has rows, with the chart of t/s
 * against depth at the relative path chart (NULL: none drawn); nothing
 * otherwise. */
void mdbench_write(jw *md, const struct bd_table *t, const char *chart);

/* Appends report --compare-bench's table (a and b name the files): each
 * test's t/s in both, the speedup b / a with its 95 % interval, then the
 * tests not compared and why. */
void mdbench_compare(jw *md, const struct bc_table *t, const char *a,
		     const char *b);

#endif
