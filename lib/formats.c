/* formats: names of the event and run formats' enumerations (formats.h). */
#include "formats.h"

#include <string.h>

static const char *const status_names[ST_COUNT] = {
	"ok", "http_error", "connect_error", "timeout", "stream_error",
	"protocol_error", "aborted", "other"
};

static const char *const timeout_names[TO_COUNT] = {
	"connect", "first", "idle", "total", "other"
};

static const char *const leak_names[LEAK_COUNT] = {
	"insufficient data", "leak suspected", "no leak", "inconclusive", "error", "other"
};

const char *fmt_status_name(enum fmt_status st)
{
	return st >= 0 && st < ST_COUNT ? status_names[st] : "other";
}

const char *fmt_timeout_name(enum fmt_timeout to)
{
	return to >= 0 && to < TO_COUNT ? timeout_names[to] : "other";
}

const char *fmt_leak_name(enum fmt_leak v)
{
	return v >= 0 && v < LEAK_COUNT ? leak_names[v] : "other";
}

enum fmt_status fmt_status_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < ST_OTHER; i++)
		if (strcmp(name, status_names[i]) == 0)
			return (enum fmt_status)i;
	return ST_OTHER;
}

enum fmt_timeout fmt_timeout_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < TO_OTHER; i++)
		if (strcmp(name, timeout_names[i]) == 0)
			return (enum fmt_timeout)i;
	return TO_OTHER;
}

enum fmt_leak fmt_leak_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < LEAK_OTHER; i++)
		if (strcmp(name, leak_names[i]) == 0)
			return (enum fmt_leak)i;
	return LEAK_OTHER;
}
