/* estate: the machine's state when a plan entry starts (thermal state,
 * hottest sensor, throttled), from memsample --power's events, for the
 * entry's outcome lines (docs/workflows.md, Passes).  Pure: no I/O. */
#ifndef TB_ESTATE_H
#define TB_ESTATE_H

#include <stddef.h>

struct estate {
	int thermal;   /* enum formats_thermal, or -1 unknown */
	double temp_c; /* the hottest sensor, or -1 unknown */
	int throttled; /* 1, 0, or -1 unknown */
	int samples;   /* power events seen */
};

/* An empty state: everything unknown. */
void estate_init(struct estate *s);

/* Takes one NDJSON line of memsample's output: a power event's figures
 * replace those before (the latest sample wins); any other line, or one
 * that is not JSON, is passed over. */
void estate_line(struct estate *s, const char *line);

/* The state as JSON members for an outcome line, without braces:
 * "thermal":"nominal","temp_c":41.5,"throttled":false, each null when
 * unknown.  Writes at most n bytes to buf and returns buf. */
char *estate_json(const struct estate *s, char *buf, size_t n);

#endif
