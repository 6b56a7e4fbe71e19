/* powsec: the report's power, heat and sustained-speed figures: the
 * Summary's J/token and watts columns and the section beside the memory
 * chart (docs/report.md, Power, heat and sustained speed). */
#ifndef TB_POWSEC_H
#define TB_POWSEC_H

#include "jw.h"
#include "md.h"
#include "rundata.h"

/* The Summary's columns: a group's J per output token and mean watts
 * over its Summary runs that measured them, else "unknown" and why
 * (never 0); shown when some group of the set measured energy.  The row
 * is a struct rd_group. */
void powsec_set(const struct rd_set *s); /* the set they are of */
void powsec_cell_jpt(const struct md_at *at);
void powsec_cell_w(const struct md_at *at);
int powsec_shown(const struct md_at *at);

/* The section: every group's Summary runs, and every run that slowed or
 * sped up, with their power and heat figures (unknown with the reason)
 * and sustained-speed verdict, then the chart (assets_rel/power.FMT when
 * assets_dir holds it).  Written only when some run sampled power or
 * changed its speed. */
void powsec_write(jw *md, const struct rd_set *s, const char *assets_dir,
		  const char *assets_rel, const char *fmt);

#endif
