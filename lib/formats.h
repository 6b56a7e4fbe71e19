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

/* The enumeration of a written name; FMT_ST_OTHER / FMT_TO_OTHER for NULL or an
 * unknown name. */
enum formats_status formats_status_of(const char *name);
enum formats_timeout formats_timeout_of(const char *name);

#endif
