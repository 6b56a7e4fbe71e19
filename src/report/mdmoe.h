/* mdmoe: the report's section "MoE: weights touched by domain" (make moe),
 * formatted from the data layer's rd_moe (src/report/moedata); nothing
 * here computes a statistic. */
#ifndef TB_MDMOE_H
#define TB_MDMOE_H

#include "jw.h"
#include "rundata.h"

/* Appends the section (nothing when no group has an MoE study). */
void mdmoe_section(jw *md, const struct rd_set *s);

#endif
