/* md: Markdown text for reports (see md.h). */
#include "md.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define BAD_VALUE "bad value"

void md_vout(jw *w, const char *fmt, va_list ap)
{
	char buf[4096];
	int n = vsnprintf(buf, sizeof buf, fmt, ap);

	if (n > 0)
		jw_append(w, buf,
			  n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

void md_out(jw *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	md_vout(w, fmt, ap);
	va_end(ap);
}

void md_cell(jw *w, const char *s, size_t max)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0) {
		md_out(w, "—");
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= max && (c & 0xc0) != 0x80) {
			md_out(w, "…");
			return;
		}
		if (c >= 0x80) {
			size_t k = jw_utf8_len(s + i, n - i);
			if (k == 0) {
				md_out(w, "\xef\xbf\xbd"); /* U+FFFD for a stray
							      byte */
			} else {
				jw_append(w, s + i, k);
				i += k - 1;
			}
		} else if (c == '\n' || c == '\r' || c == '\t')
			md_out(w, " ");
		else if (c == '<')
			md_out(w, "&lt;");
		else if (c == '>')
			md_out(w, "&gt;");
		else if (c == '&')
			md_out(w, "&amp;");
		else if (strchr("|\\`*_[]#!{}~", c))
			md_out(w, "\\%c", c);
		else
			jw_append(w, (const char *)&c, 1);
	}
}

/* Every figure of a report is a size, a time, a speed or a share: never
 * negative, never infinite, never past 10^15.  A value outside that came
 * from a broken or hostile run file: it is named as bad, never formatted
 * as a figure (no "inf ± -nan", no 300-digit numbers). */
int md_plausible(double v)
{
	return isfinite(v) && v >= 0 && v < 1e15;
}

void md_num(jw *w, double v, int prec)
{
	if (isnan(v))
		md_out(w, "—");
	else if (!md_plausible(v))
		md_out(w, BAD_VALUE);
	else
		md_out(w, "%.*f", prec, v);
}

void md_gb(jw *w, double bytes)
{
	if (isnan(bytes))
		md_out(w, "—");
	else if (!md_plausible(bytes))
		md_out(w, BAD_VALUE);
	else
		md_out(w, bytes >= 1e9 ? "%.1f" : "%.3f", bytes / 1e9);
}

void md_pct(jw *w, double f)
{
	if (isnan(f))
		md_out(w, "—");
	else if (!md_plausible(f) || f > 1)
		md_out(w, BAD_VALUE);
	else
		md_out(w, "%.1f %%", f * 100);
}

void md_mean(jw *w, const struct rd_mean *m, int prec)
{
	if (isnan(m->mean))
		md_out(w, "—");
	else if (!md_plausible(m->mean) || !md_plausible(m->hi - m->mean))
		md_out(w, BAD_VALUE);
	else if (m->runs >= 2)
		md_out(w, "%.*f ± %.*f (%d runs)", prec, m->mean, prec,
		       m->hi - m->mean, m->runs);
	else
		md_out(w, "%.*f ± %.*f (n %zu)", prec, m->mean, prec,
		       m->hi - m->mean, m->n);
}

void md_pct_fig(jw *w, const struct rd_fig *f, double p, double scale, int prec)
{
	if (isnan(f->v))
		md_out(w, "—");
	else if (!rd_pct_ok(p, f->n))
		md_out(w, "— (n %zu)", f->n);
	else
		md_num(w, f->v * scale, prec);
}

/* Every column of t and each of its repetitions that is shown, in order:
 * what to write for the header (0), the alignment row (1) or a row (2). */
static void table_line(jw *w, const struct md_table *t, const void *row,
		       int what)
{
	struct md_at at = {w, t->ctx, row, 0};

	md_out(w, "|");
	for (size_t c = 0; c < t->ncol; c++) {
		const struct md_col *col = &t->col[c];
		int n = col->repeat ? col->repeat(t->ctx) : 1;
		for (at.k = 0; at.k < n; at.k++) {
			struct md_at when = {w, t->ctx, NULL, at.k};
			if (col->shown && !col->shown(&when))
				continue;
			if (what == 1) {
				md_out(w, "%s|", col->align);
				continue;
			}
			md_out(w, " ");
			if (what == 2)
				col->cell(&at);
			else if (col->title)
				md_out(w, "%s", col->title);
			else
				col->head(&when);
			md_out(w, " |");
		}
	}
	md_out(w, "\n");
}

void md_table_head(jw *w, const struct md_table *t)
{
	table_line(w, t, NULL, 0);
	table_line(w, t, NULL, 1);
}

void md_table_row(jw *w, const struct md_table *t, const void *row)
{
	table_line(w, t, row, 2);
}
