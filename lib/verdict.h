/* verdict: every verdict tokbench gives, as an enumeration, with the names
 * it is written and read by: each name written once, here.  Tools and the
 * report judge; this module only names (docs/metrics.md says how each
 * verdict is reached, docs/run-json.md where it is written). */
#ifndef TB_VERDICT_H
#define TB_VERDICT_H

/* agg's verdict on a run's memory over its requests (memory.leak.verdict,
 * src/agg/memfig; docs/metrics.md): fewer than 8 points, a leak, none, an
 * interval that holds the threshold, memory that fell (no verdict).
 * VD_LEAK_OTHER is a reader's name for a verdict it does not know; agg
 * never writes it. */
enum verdict_leak {
	VD_LEAK_FEW,
	VD_LEAK_SUSPECTED,
	VD_LEAK_NONE,
	VD_LEAK_INCONCLUSIVE,
	VD_LEAK_ERROR,
	VD_LEAK_OTHER,
	VD_LEAK_COUNT
};

/* The written name of a leak verdict ("insufficient data", "leak
 * suspected", "no leak", "inconclusive", "error"); a static string. */
const char *verdict_leak_name(enum verdict_leak v);
/* The verdict of a written name; VD_LEAK_OTHER for NULL or an unknown
 * name. */
enum verdict_leak verdict_leak_of(const char *name);

/* agg's verdict on a run's decode speed over time (sustained.verdict,
 * src/agg/sustain; docs/metrics.md, Sustained speed): too few requests, the
 * last third's speed within 5 % of the first's, below it, above it, an
 * interval that crosses a threshold.  VD_SUS_OTHER is a reader's name for
 * a verdict it does not know; agg never writes it. */
enum verdict_sustain {
	VD_SUS_UNKNOWN,
	VD_SUS_STABLE,
	VD_SUS_SLOWED,
	VD_SUS_SPED_UP,
	VD_SUS_INCONCLUSIVE,
	VD_SUS_OTHER,
	VD_SUS_COUNT
};

/* "unknown", "stable", "slowed", "sped up", "inconclusive"; a static
 * string ("other" for anything else). */
const char *verdict_sustain_name(enum verdict_sustain v);
/* VD_SUS_OTHER for NULL or an unknown name. */
enum verdict_sustain verdict_sustain_of(const char *name);

/* A service-level objective, or all of a run's, judged on a run (lib/slo;
 * a run JSON's goodput.verdict and objectives' verdicts, a capacity
 * level's): met, missed, or too few values to tell. */
enum verdict_slo { VD_SLO_HELD, VD_SLO_BROKE, VD_SLO_UNDECIDED };

/* The written name of an objective's verdict ("held", "broke",
 * "undecided"); a static string. */
const char *verdict_slo_name(enum verdict_slo v);
/* The verdict of a written name; VD_SLO_UNDECIDED for NULL or a name it
 * does not know. */
enum verdict_slo verdict_slo_of(const char *name);

/* A paired comparison of a candidate with a baseline (the report's
 * rd_cmp, after Holm's correction) or of a quantization's graded answers
 * with its reference's (McNemar): significantly worse, no significant
 * difference, significantly better. */
enum verdict_cmp { VD_WORSE = -1, VD_TIE = 0, VD_BETTER = 1 };

/* "worse", "tie", "better"; a static string. */
const char *verdict_cmp_name(enum verdict_cmp v);

/* A quantization's graded accuracy against its model's reference
 * (src/report/quality; docs/metrics.md, Quality budget). */
enum verdict_quality {
	VD_Q_UNMEASURED, /* not compared: rd_qcmp.why_not says why */
	VD_Q_REFERENCE,	 /* it is the reference */
	VD_Q_WITHIN,	 /* within the quality budget */
	VD_Q_EXCEEDS	 /* beyond it: never picked (src/report/decide) */
};

/* "not measured", "reference", "within budget", "exceeds budget"; a
 * static string. */
const char *verdict_quality_name(enum verdict_quality v);

/* How a workload of a plan's entry ended (make matrix: an outcomes
 * file's "status", written by scripts/matrix.sh; docs/workflows.md).
 * VD_OUT_OTHER is a reader's name for a status it does not know. */
enum verdict_outcome { VD_OUT_OK, VD_OUT_FAILED, VD_OUT_SKIPPED, VD_OUT_OTHER };

/* "ok", "failed", "skipped" ("other"); a static string. */
const char *verdict_outcome_name(enum verdict_outcome v);
/* The outcome of a written name; VD_OUT_OTHER for NULL or an unknown
 * name. */
enum verdict_outcome verdict_outcome_of(const char *name);

/* One check of check-server's battery (src/srvcheck; docs/srvcheck.md):
 * tokbench's figure is right for the server, is not, or the server gives
 * nothing to check it against. */
enum verdict_check { VD_CHECK_OK, VD_CHECK_FAIL, VD_CHECK_NA };

/* "ok", "FAIL", "n/a"; a static string. */
const char *verdict_check_name(enum verdict_check v);

#endif
