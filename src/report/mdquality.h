/* mdquality: the report's Quality section and the quality figure beside a
 * pick, formatted from the data layer's rd_graded and rd_qcmp
 * (src/report/quality); nothing here computes a statistic. */
#ifndef TB_MDQUALITY_H
#define TB_MDQUALITY_H

#include "jw.h"
#include "rundata.h"

/* Whether any group of s has graded answers. */
int mdq_measured(const struct rd_set *s);

/* What of quality the report lacks, for The answer's "Not measured here":
 * a sentence's end (a static string). */
const char *mdq_unmeasured(const struct rd_set *s);

/* Appends the Quality section (nothing when no group has graded answers);
 * the chart, when drawn, is embedded by the caller after it. */
void mdq_section(jw *md, const struct rd_set *s);

/* Appends what a pick's quality is, to follow its speed: "; graded
 * accuracy 91.4 % (95 % CI 84.9–95.3), within the quality budget of
 * Q8_0" or "; quality not measured (why)". */
void mdq_beside(jw *md, const struct rd_group *g);

/* Appends why group over, which would have been the pick (it is `better`,
 * e.g. "faster"), was passed over: its graded accuracy against its
 * reference's. */
void mdq_over(jw *md, const struct rd_group *over, const char *better);

#endif
