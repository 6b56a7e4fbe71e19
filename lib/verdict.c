/* verdict: the verdicts' written names (verdict.h). */
#include "verdict.h"

#include <string.h>

static const char *const leak_names[VD_LEAK_COUNT] = {
    "insufficient data", "leak suspected", "no leak",
    "inconclusive",	 "error",	   "other"};

static const char *const slo_names[] = {"held", "broke", "undecided"};

static const char *const quality_names[] = {"not measured", "reference",
					    "within budget", "exceeds budget"};

static const char *const outcome_names[] = {"ok", "failed", "skipped", "other"};

static const char *const check_names[] = {"ok", "FAIL", "n/a"};

#define NNAMES(a) (int)(sizeof(a) / sizeof *(a))

const char *verdict_leak_name(enum verdict_leak v)
{
	return v >= 0 && v < VD_LEAK_COUNT ? leak_names[v] : "other";
}

enum verdict_leak verdict_leak_of(const char *name)
{
	for (int i = 0; name != NULL && i < VD_LEAK_OTHER; i++)
		if (strcmp(name, leak_names[i]) == 0)
			return (enum verdict_leak)i;
	return VD_LEAK_OTHER;
}

const char *verdict_slo_name(enum verdict_slo v)
{
	return v >= 0 && v < NNAMES(slo_names) ? slo_names[v]
					       : slo_names[VD_SLO_UNDECIDED];
}

enum verdict_slo verdict_slo_of(const char *name)
{
	for (int i = 0; name != NULL && i < NNAMES(slo_names); i++)
		if (strcmp(name, slo_names[i]) == 0)
			return (enum verdict_slo)i;
	return VD_SLO_UNDECIDED;
}

const char *verdict_cmp_name(enum verdict_cmp v)
{
	return v == VD_BETTER ? "better" : v == VD_WORSE ? "worse" : "tie";
}

const char *verdict_quality_name(enum verdict_quality v)
{
	return v >= 0 && v < NNAMES(quality_names)
		   ? quality_names[v]
		   : quality_names[VD_Q_UNMEASURED];
}

const char *verdict_outcome_name(enum verdict_outcome v)
{
	return v >= 0 && v < NNAMES(outcome_names)
		   ? outcome_names[v]
		   : outcome_names[VD_OUT_OTHER];
}

enum verdict_outcome verdict_outcome_of(const char *name)
{
	for (int i = 0; name != NULL && i < VD_OUT_OTHER; i++)
		if (strcmp(name, outcome_names[i]) == 0)
			return (enum verdict_outcome)i;
	return VD_OUT_OTHER;
}

const char *verdict_check_name(enum verdict_check v)
{
	return v >= 0 && v < NNAMES(check_names) ? check_names[v]
						 : check_names[VD_CHECK_NA];
}

static const char *const sustain_names[VD_SUS_COUNT] = {
    "unknown", "stable", "slowed", "sped up", "inconclusive", "other"};

const char *verdict_sustain_name(enum verdict_sustain v)
{
	return v >= 0 && v < VD_SUS_COUNT ? sustain_names[v] : "other";
}

enum verdict_sustain verdict_sustain_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < VD_SUS_OTHER; i++)
		if (strcmp(name, sustain_names[i]) == 0)
			return (enum verdict_sustain)i;
	return VD_SUS_OTHER;
}
