/* ladder: a group's context ladders (make ctx), from its runs of kind
 * ladder: rungs by depth, the largest that worked, where and why it
 * stopped (docs/metrics.md).  Part of the report's data layer (rundata.h
 * holds the structures). */
#ifndef TB_LADDER_H
#define TB_LADDER_H

#include "rundata.h"

/* Builds g->lad from the group's RD_LADDER runs.  Returns 0, or -1 when
 * out of memory. */
int rd_ladders(struct rd_group *g);

#endif
