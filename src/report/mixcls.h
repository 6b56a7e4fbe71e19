/* mixcls: a group's mixed workloads by output-length class (make mixed),
 * each class in the mix beside alone, and its series of loads (make
 * load).  Part of the report's data layer (rundata.h holds the
 * structures). */
#ifndef TB_MIXCLS_H
#define TB_MIXCLS_H

#include "rundata.h"

/* Builds g->mix from the group's RD_MIX runs.  Returns 0, or -1 when out
 * of memory. */
int rd_mixes(struct rd_group *g);

/* Builds g->loads from the group's RD_LOADREP runs.  Returns 0, or -1
 * when out of memory. */
int rd_load_series(struct rd_group *g);

#endif
