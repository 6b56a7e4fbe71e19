/* mdbench: the report's "Community figures" section, llama-bench's table
 * shape, formatting only (the rows come from benchdata). */
#ifndef TB_MDBENCH_H
#define TB_MDBENCH_H

#include "benchdata.h"
#include "jw.h"

/* Appends the section to md when t has rows; nothing otherwise. */
void mdbench_write(jw *md, const struct bd_table *t);

#endif
