/* units: checked conversion of numbers, durations, counts and byte sizes. */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit {
	const char *name;
	double mult;
};

static const struct unit duration_units[] = {
    {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60},
    {"min", 60},  {"h", 3600},	{"", 1},      {NULL, 0}};

static const struct unit count_units[] = {{"k", 1e3}, {"K", 1e3}, {"M", 1e6},
					  {"G", 1e9}, {"", 1},	  {NULL, 0}};

static const struct unit byte_units[] = {{"B", 1},
					 {"k", 1e3},
					 {"kB", 1e3},
					 {"KB", 1e3},
					 {"MB", 1e6},
					 {"GB", 1e9},
					 {"TB", 1e12},
					 {"KiB", 1024.0},
					 {"MiB", 1048576.0},
					 {"GiB", 1073741824.0},
					 {"TiB", 1099511627776.0},
					 {"", 1},
					 {NULL, 0}};

const char *units_strerror(int err)
{
	switch (err) {
	case UNITS_OK: return "no error";
	case UNITS_EEMPTY: return "empty value";
	case UNITS_EINVAL: return "not a number";
	case UNITS_EUNIT: return "unknown unit";
	case UNITS_ENEG: return "must not be negative";
	case UNITS_ERANGE: return "out of range";
	}
	return "unknown error";
}

int units_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return UNITS_EEMPTY;
	if (isspace((unsigned char)*s))
		return UNITS_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		return UNITS_EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return UNITS_ERANGE;
	*out = v;
	return UNITS_OK;
}

/* Length of the decimal number at s: [+-]digits[.digits][e[+-]digits].
 * strtod alone would also take "inf", "nan" and hex floats. */
static size_t decimal_len(const char *s)
{
	size_t i = 0, digits = 0;

	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; isdigit((unsigned char)s[i]); i++)
		digits++;
	if (s[i] == '.')
		for (i++; isdigit((unsigned char)s[i]); i++)
			digits++;
	if (digits == 0)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (isdigit((unsigned char)s[j])) {
			while (isdigit((unsigned char)s[j]))
				j++;
			i = j;
		}
	}
	return i;
}

/* Parses a leading finite real number; *rest points after it. */
static int parse_real(const char *s, double *v, const char **rest)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return UNITS_EEMPTY;
	n = decimal_len(s);
	if (n == 0)
		return UNITS_EINVAL;
	errno = 0;
	*v = strtod(s, NULL);
	if (errno == ERANGE || !isfinite(*v))
		return UNITS_ERANGE;
	*rest = s + n;
	return UNITS_OK;
}

int units_real(const char *s, double min, double max, double *out)
{
	const char *rest;
	double v;
	int rc = parse_real(s, &v, &rest);

	if (rc != UNITS_OK)
		return rc;
	if (*rest != '\0')
		return UNITS_EINVAL;
	if (v < min || v > max)
		return UNITS_ERANGE;
	*out = v;
	return UNITS_OK;
}

/* Number followed by one of the units in table; >= 0 only. */
static int parse_with_unit(const char *s, const struct unit *table, double *out)
{
	const char *rest;
	double v;
	int rc = parse_real(s, &v, &rest);

	if (rc != UNITS_OK)
		return rc;
	for (; table->name != NULL; table++) {
		if (strcmp(rest, table->name) != 0)
			continue;
		if (v < 0)
			return UNITS_ENEG;
		v = v * table->mult + 0.0; /* + 0.0 turns "-0" into 0 */
		if (!isfinite(v))
			return UNITS_ERANGE;
		*out = v;
		return UNITS_OK;
	}
	/* A letter after the number is a unit we do not know; anything else
	 * (a second dot, a space, a comma) is simply not a number. */
	return isalpha((unsigned char)*rest) ? UNITS_EUNIT : UNITS_EINVAL;
}

int units_duration(const char *s, double *seconds)
{
	return parse_with_unit(s, duration_units, seconds);
}

/* Stores v in *out if it is a whole number that fits in 53 bits. */
static int whole(double v, uint64_t *out)
{
	double r = floor(v + 0.5);

	if (r >= 9007199254740992.0)
		return UNITS_ERANGE;
	/* Products such as 1.1 * 1000 carry binary rounding error. */
	if (fabs(v - r) > 1e-6 * (r > 1 ? r : 1))
		return UNITS_EINVAL;
	*out = (uint64_t)r;
	return UNITS_OK;
}

int units_count(const char *s, uint64_t *out)
{
	double v;
	int rc = parse_with_unit(s, count_units, &v);

	return rc != UNITS_OK ? rc : whole(v, out);
}

int units_bytes(const char *s, uint64_t *out)
{
	double v;
	int rc = parse_with_unit(s, byte_units, &v);

	return rc != UNITS_OK ? rc : whole(v, out);
}

const char *units_shortest(double x, char *buf, size_t n)
{
	for (int prec = 1; prec < 17; prec++) {
		snprintf(buf, n, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return buf;
	}
	snprintf(buf, n, "%.17g", x);
	return buf;
}
