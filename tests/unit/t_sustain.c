/* Unit tests of sustain: the verdict's thresholds, the thirds of the
 * window, and too few requests. */
#include <math.h>

#include "tap.h"
#include "sustain.h"

/* Each side of each threshold: 0.95 and 1.05 themselves count as inside
 * the band. */
static void test_verdict(void)
{
	CHECK_INT(sustain_verdict(0.80, 0.9499), VD_SUS_SLOWED);
	CHECK_INT(sustain_verdict(0.80, 0.95), VD_SUS_INCONCLUSIVE);
	CHECK_INT(sustain_verdict(0.95, 1.05), VD_SUS_STABLE);
	CHECK_INT(sustain_verdict(0.97, 1.01), VD_SUS_STABLE);
	CHECK_INT(sustain_verdict(0.9499, 1.01), VD_SUS_INCONCLUSIVE);
	CHECK_INT(sustain_verdict(0.99, 1.0501), VD_SUS_INCONCLUSIVE);
	CHECK_INT(sustain_verdict(1.0501, 1.3), VD_SUS_SPED_UP);
	CHECK_INT(sustain_verdict(1.05, 1.3), VD_SUS_INCONCLUSIVE);
	CHECK_INT(sustain_verdict(0.5, 2.0), VD_SUS_INCONCLUSIVE);
	CHECK_INT(sustain_verdict(NAN, 1.0), VD_SUS_UNKNOWN);
	CHECK_INT(sustain_verdict(1.0, NAN), VD_SUS_UNKNOWN);
}

/* 30 requests over (0, 30]: 100 and 102 TPS alternating in the first
 * third, 80 and 82 in the last, anything in the middle third ignored. */
static void test_thirds(void)
{
	struct sustain_req r[30];
	struct sustain s;
	int i;

	for (i = 0; i < 30; i++) {
		r[i].t = i + 0.5;
		r[i].tps = i < 10   ? 100 + 2 * (i % 2)
			   : i < 20 ? 1000
				    : 80 + 2 * (i % 2);
	}
	CHECK_INT(sustain_compute(r, 30, 0, 30, &s), 0);
	CHECK_INT((int)s.n_first, 10);
	CHECK_INT((int)s.n_last, 10);
	CHECK_NEAR(s.first_tps, 101, 1e-9);
	CHECK_NEAR(s.last_tps, 81, 1e-9);
	CHECK_NEAR(s.ratio, 81.0 / 101, 1e-9);
	CHECK(s.lo < s.ratio && s.hi > s.ratio && s.hi < 0.95);
	CHECK_INT(s.verdict, VD_SUS_SLOWED);
	CHECK_STR(s.why, "");
	/* the same speed throughout: stable */
	for (i = 20; i < 30; i++)
		r[i].tps = 100 + 2 * (i % 2);
	CHECK_INT(sustain_compute(r, 30, 0, 30, &s), 0);
	CHECK_NEAR(s.ratio, 1, 1e-9);
	CHECK_INT(s.verdict, VD_SUS_STABLE);
	/* requests outside the window, or without a speed, count nowhere */
	r[0].t = -1;
	r[1].tps = -1;
	CHECK_INT(sustain_compute(r, 30, 0, 30, &s), 0);
	CHECK_INT((int)s.n_first, 8);
}

static void test_unknown(void)
{
	struct sustain_req r[12];
	struct sustain s;
	int i;

	for (i = 0; i < 12; i++) {
		r[i].t = i;
		r[i].tps = 50;
	}
	/* 4 in each third of [0, 12): too few */
	CHECK_INT(sustain_compute(r, 12, 0, 12, &s), 0);
	CHECK_INT(s.verdict, VD_SUS_UNKNOWN);
	CHECK(isnan(s.ratio) && isnan(s.lo));
	CHECK_STR(s.why, "4 and 4 requests with a decode speed in the first "
			 "and last thirds; a verdict needs 5 in each");
	CHECK_INT(sustain_compute(r, 0, 0, 0, &s), 0);
	CHECK_INT(s.verdict, VD_SUS_UNKNOWN);
	CHECK_STR(s.why, "no measured window to divide in thirds");
	CHECK_NEAR(s.first_tps, -1, 0);
}

int main(void)
{
	RUN(test_verdict);
	RUN(test_thirds);
	RUN(test_unknown);
	return DONE();
}
