/* formats: the names, versions and enumerations of tokbench's event and run
 * formats, in one place for every tool (docs/events.md, docs/run-json.md). */
#ifndef TB_FORMATS_H
#define TB_FORMATS_H

/* The "format" and "version" of an event stream's first line (gen's run,
 * memsample's header, llmsim's log) and of agg's run JSON. */
#define FMT_EVENTS "tokbench-events"
#define FMT_EVENTS_VERSION 2
#define FMT_RUN "tokbench-run"
#define FMT_RUN_VERSION 2
/* The oldest run version the report reads whole: version 1 differs only
 * in saying a run's kind through its labels, which runkind.h reads. */
#define FMT_RUN_VERSION_FULL 1

/* Why a request ended: a done event's "status".  FMT_ST_OTHER is a reader's
 * name for a status it does not know; gen never writes it. */
enum formats_status {
	FMT_ST_OK,
	FMT_ST_HTTP,
	FMT_ST_CONNECT,
	FMT_ST_TIMEOUT,
	FMT_ST_STREAM,
	FMT_ST_PROTOCOL,
	FMT_ST_ABORTED,
	FMT_ST_OTHER,
	FMT_ST_COUNT
};

/* Which timeout ended a request: a done event's "timeout" with FMT_ST_TIMEOUT.
 */
enum formats_timeout {
	FMT_TO_CONNECT,
	FMT_TO_FIRST,
	FMT_TO_IDLE,
	FMT_TO_TOTAL,
	FMT_TO_OTHER,
	FMT_TO_COUNT
};

/* agg's verdict on a run's memory over its requests (memory.leak.verdict,
 * src/agg/memfig; docs/metrics.md): fewer than 8 points, a leak, none, an
 * interval that holds the threshold, memory that fell (no verdict).
 * LEAK_OTHER is a reader's name for a verdict it does not know; agg never
 * writes it. */
enum formats_leak {
	LEAK_FEW,
	LEAK_SUSPECTED,
	LEAK_NONE,
	LEAK_INCONCLUSIVE,
	LEAK_ERROR,
	LEAK_OTHER,
	LEAK_COUNT
};

/* agg's verdict on a run's decode speed over time (sustained.verdict,
 * src/agg/sustain; docs/metrics.md, Sustained speed): too few requests, the
 * last third's speed within 5 % of the first's, below it, above it, an
 * interval that crosses a threshold.  SUS_OTHER is a reader's name for a
 * verdict it does not know; agg never writes it. */
enum formats_sustain {
	SUS_UNKNOWN,
	SUS_STABLE,
	SUS_SLOWED,
	SUS_SPED_UP,
	SUS_INCONCLUSIVE,
	SUS_OTHER,
	SUS_COUNT
};

/* "unknown", "stable", "slowed", "sped up", "inconclusive"; a static
 * string ("other" for anything else). */
const char *formats_sustain_name(enum formats_sustain v);
/* SUS_OTHER for NULL or an unknown name. */
enum formats_sustain formats_sustain_of(const char *name);

/* A machine's thermal state in memsample's power events and agg's power
 * figures (docs/events.md, power), in rising order: macOS's
 * ProcessInfo.thermalState names.  -1 is unknown. */
enum formats_thermal {
	THERMAL_NOMINAL,
	THERMAL_FAIR,
	THERMAL_SERIOUS,
	THERMAL_CRITICAL,
	THERMAL_COUNT
};

/* "nominal", "fair", "serious", "critical"; NULL for anything else. */
const char *formats_thermal_name(int v);
/* The state of a written name; -1 for NULL or an unknown name. */
int formats_thermal_of(const char *name);

/* The written name of a status or timeout ("ok", "http_error", ...;
 * "connect", "first", ...); a static string. */
const char *formats_status_name(enum formats_status st);
const char *formats_timeout_name(enum formats_timeout to);

/* The written name of a leak verdict ("insufficient data", "leak
 * suspected", "no leak", "inconclusive", "error"); a static string. */
const char *formats_leak_name(enum formats_leak v);

/* The enumeration of a written name; FMT_ST_OTHER / FMT_TO_OTHER for NULL or an
 * unknown name. */
enum formats_status formats_status_of(const char *name);
enum formats_timeout formats_timeout_of(const char *name);
/* LEAK_OTHER for NULL or an unknown name. */
enum formats_leak formats_leak_of(const char *name);

#endif
