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

#endif
