/* benchout: the community figures in llama-bench's own output shapes (its
 * -o md, csv and json), so that served figures paste where llama-bench's
 * go and read back with the tools that read its files (report
 * --compare-bench, compare-llama-bench.py).  Fields that mean what
 * llama-bench's mean carry its names; the served run's own figures carry
 * names llama-bench does not use (docs/report.md, --bench).  Formatting
 * only: the rows come from benchdata. */
#ifndef TB_BENCHOUT_H
#define TB_BENCHOUT_H

#include "benchdata.h"
#include "jw.h"

enum benchout_fmt { BO_MD, BO_CSV, BO_JSON };

/* "md", "csv" or "json" as a format; -1 for anything else. */
int benchout_format(const char *name);

/* Appends to w the rows of t that have a served figure, in format f;
 * version is the build named under the Markdown table.  Returns the rows
 * written (a row without a figure is left out: the caller says so). */
int benchout_write(jw *w, const struct bd_table *t, enum benchout_fmt f,
		   const char *version);

#endif
