/* formats: names of the event and run formats' enumerations (formats.h). */
#include "formats.h"

#include <string.h>

static const char *const status_names[FMT_ST_COUNT] = {
    "ok",	    "http_error",     "connect_error", "timeout",
    "stream_error", "protocol_error", "aborted",       "other"};

static const char *const timeout_names[FMT_TO_COUNT] = {
    "connect", "first", "idle", "total", "other"};

const char *formats_status_name(enum formats_status st)
{
	return st >= 0 && st < FMT_ST_COUNT ? status_names[st] : "other";
}

const char *formats_timeout_name(enum formats_timeout to)
{
	return to >= 0 && to < FMT_TO_COUNT ? timeout_names[to] : "other";
}

enum formats_status formats_status_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < FMT_ST_OTHER; i++)
		if (strcmp(name, status_names[i]) == 0)
			return (enum formats_status)i;
	return FMT_ST_OTHER;
}

enum formats_timeout formats_timeout_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < FMT_TO_OTHER; i++)
		if (strcmp(name, timeout_names[i]) == 0)
			return (enum formats_timeout)i;
	return FMT_TO_OTHER;
}

static const char *const thermal_names[THERMAL_COUNT] = {"nominal", "fair",
							 "serious", "critical"};

const char *formats_thermal_name(int v)
{
	return v >= 0 && v < THERMAL_COUNT ? thermal_names[v] : NULL;
}

int formats_thermal_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < THERMAL_COUNT; i++)
		if (strcmp(name, thermal_names[i]) == 0)
			return i;
	return -1;
}
