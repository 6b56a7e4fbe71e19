/* mdreport: the report as Markdown: the answer first (src/report/decide's
 * picks), then the evidence tables, the outputs and the runs, from the data
 * layer's figures (src/report/rundata).  The sections are in docs/report.md. */
#ifndef TB_MDREPORT_H
#define TB_MDREPORT_H

#include "decide.h"
#include "jw.h"
#include "rundata.h"

struct mdreport {
	const struct rd_set *set;
	const struct decision *dec;
	const struct rd_group *baseline; /* NULL: no baseline section */
	struct rd_cmp (*base_cmp)[3];	 /* per group: decode, TTFT, E2E */
	const char *title;
	const char
	    *out_path; /* run files are named relative to its directory */
	const char *assets_dir;	  /* charts drawn there are embedded ... */
	const char *assets_rel;	  /* ... by this path relative to the report */
	const char *chart_fmt;	  /* "png" or "svg" */
	const int (*numbered)[2]; /* tps_vs_memory's numbered points: {group,
				     number} */
	int nnumbered;
};

/* Appends the whole report to md (check md->oom). */
void mdreport_write(jw *md, const struct mdreport *r);

#endif
