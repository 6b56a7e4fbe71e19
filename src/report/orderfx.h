/* orderfx: order effects in a plan run in passes (make matrix, passes =
 * 2): each entry's decode speed in each pass, and every pair of entries
 * whose ranking changed between passes (docs/metrics.md, Order effects). */
#ifndef TB_ORDERFX_H
#define TB_ORDERFX_H

#include "jw.h"
#include "rundata.h"

/* Two entries are ranked apart in a pass when the faster's decode TPS is
 * at least this many times the slower's; closer, they tie (the 5 % band
 * of sustained speed: what a shared machine moves between two minutes). */
#define ORDERFX_BAND 1.05

/* The ranking of a and b (decode TPS; NAN unknown): 1 a ahead, -1 b
 * ahead, 0 a tie, 2 unknown. */
int orderfx_rank(double a, double b);

/* Whether the ranking of two entries changed between two passes: ranked
 * apart in one and tied or the other way round in the other (rank values
 * as orderfx_rank's; unknown never changes). */
int orderfx_changed(int r1, int r2);

/* The section "Order effects", for every plan with a second pass among
 * s's outcomes: each entry's start, state and decode TPS by pass, then
 * each pair whose ranking changed, with both orders, or that none did.
 * Nothing when no plan ran twice. */
void orderfx_write(jw *md, const struct rd_set *s);

#endif
