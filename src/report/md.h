/* md: Markdown text for reports: escaped table cells and figures written
 * the same way everywhere ("—" for unknown, "bad value" for a number no
 * measurement can have). */
#ifndef TB_MD_H
#define TB_MD_H

#include <stdarg.h>
#include <stddef.h>

#include "jw.h"
#include "rundata.h"

#if defined(__GNUC__)
#define MD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MD_PRINTF(a, b)
#endif

/* Appends formatted text (at most 4 KiB per call). */
void md_out(jw *w, const char *fmt, ...) MD_PRINTF(2, 3);
void md_vout(jw *w, const char *fmt, va_list ap);

/* Appends s as table-cell content: Markdown and HTML characters escaped,
 * line breaks as spaces, invalid UTF-8 as U+FFFD, cut after max bytes on
 * a character boundary with "…"; "—" for NULL or empty. */
void md_cell(jw *w, const char *s, size_t max);

/* Whether v can be a figure: finite, not negative, below 10^15. */
int md_plausible(double v);

/* v with prec decimals; "—" when NAN; "bad value" when implausible. */
void md_num(jw *w, double v, int prec);

/* Bytes as GB (10^9): one decimal from 1 GB up, three below. */
void md_gb(jw *w, double bytes);

/* A fraction 0..1 as a percentage with one decimal. */
void md_pct(jw *w, double f);

/* A mean ± the half-width of its 95 % CI, with its n and whether over
 * runs: "45.81 ± 0.12 (2 runs)" or "45.81 ± 0.12 (n 10)". */
void md_mean(jw *w, const struct rd_mean *m, int prec);

/* A percentile p of a figure: the value scaled, or "— (n N)" when n does
 * not support it (rd_pct_ok). */
void md_pct_fig(jw *w, const struct rd_fig *f, double p, double scale,
		int prec);

/* ---- tables: a declared list of columns, written by one loop ---------- */

/* What a cell is written from: the report, what every row of the table
 * shares (its context), the row, and which repetition of its column it is
 * (k, 0 unless the column repeats). */
struct md_at {
	jw *w;
	const void *ctx;
	const void *row; /* NULL when a title or shown() is asked */
	int k;
};

/* A column of a table.  title: its header cell as written (NULL: head
 * writes it); align: its cell of the alignment row ("---" left, "---:"
 * right, llama-bench's "--:"); cell: writes a row's cell (the text
 * between the bars); shown: whether it is in the table (NULL: always);
 * repeat: how many columns it is (NULL: one), k from 0. */
struct md_col {
	const char *title;
	const char *align;
	void (*cell)(const struct md_at *at);
	int (*shown)(const struct md_at *at);
	int (*repeat)(const void *ctx);
	void (*head)(const struct md_at *at);
};

/* The alignment rows' cells of a left- and a right-aligned column. */
#define MD_LEFT "---"
#define MD_RIGHT "---:"

/* A table: its columns in order and the context its rows share. */
struct md_table {
	const struct md_col *col;
	size_t ncol;
	const void *ctx;
};

/* The table of an array of columns. */
#define MD_TABLE(cols, context)                                                \
	((struct md_table){(cols), sizeof(cols) / sizeof *(cols), (context)})

/* Appends t's header and alignment rows: "| a | b |\n|---|---:|\n". */
void md_table_head(jw *w, const struct md_table *t);

/* Appends one row of t: "| cell | cell |\n". */
void md_table_row(jw *w, const struct md_table *t, const void *row);

#endif
