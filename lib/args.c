/* args: checked conversion of command-line values (see args.h). */
#include "args.h"

#include <stdint.h>
#include <string.h>

#include "diag.h"
#include "units.h"

double args_duration(const char *name, const char *v)
{
	double d;
	int rc = units_duration(v, &d);

	if (rc != UNITS_OK)
		diag_die(EXIT_USAGE, "%s %s: %s", name, v, units_strerror(rc));
	if (d > ARGS_MAX_DURATION)
		diag_die(EXIT_USAGE, "%s %s: at most 30 days", name, v);
	return d;
}

double args_real(const char *name, const char *v, double lo, double hi)
{
	double d;
	int rc = units_real(v, lo, hi, &d);

	if (rc != UNITS_OK)
		diag_die(EXIT_USAGE, "%s %s: %s", name, v, units_strerror(rc));
	return d;
}

long long args_int(const char *name, const char *v, long long lo, long long hi)
{
	long long n;
	uint64_t u;
	int rc = units_int(v, lo, hi, &n);

	/* Counts may carry k/M suffixes ("--requests 10k"). */
	if (rc == UNITS_EINVAL && units_count(v, &u) == UNITS_OK) {
		if (u > (uint64_t)hi || (long long)u < lo)
			rc = UNITS_ERANGE;
		else
			return (long long)u;
	}
	if (rc != UNITS_OK)
		diag_die(EXIT_USAGE, "%s %s: %s", name, v, units_strerror(rc));
	return n;
}

int args_list(const char *name, char *v, const char **out, int cap)
{
	char *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(v, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == cap)
			diag_die(EXIT_USAGE, "%s: at most %d values", name,
				 cap);
		out[n++] = tok;
	}
	if (n == 0)
		diag_die(EXIT_USAGE, "%s: want at least one value", name);
	return n;
}
