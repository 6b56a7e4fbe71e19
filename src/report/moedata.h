/* moedata: a group's MoE studies (make moe): each domain's share of the
 * model file in the page cache and in the server's mappings, before and
 * after it, and its decode speed, by pass.  Part of the report's data
 * layer (rundata.h holds the structures). */
#ifndef TB_MOEDATA_H
#define TB_MOEDATA_H

#include "rundata.h"

/* Builds g->moe from the group's RD_MOE runs, one per series, each
 * series's steps by pass and then by start time.  Returns 0, or -1 when
 * out of memory. */
int rd_moe_series(struct rd_group *g);

#endif
