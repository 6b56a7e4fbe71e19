/* Unit tests of lib/units: numbers, durations, counts, sizes, bad input. */
#include "tap.h"
#include "units.h"

#include <stdint.h>

static double dur(const char *s)
{
	double v = -1;
	return units_duration(s, &v) == UNITS_OK ? v : -1;
}

static int dur_err(const char *s)
{
	double v = 12345;
	int rc = units_duration(s, &v);
	return v == 12345 ? rc : -1; /* an error must leave *out alone */
}

static void test_durations(void)
{
	CHECK_NEAR(dur("250ms"), 0.25, 1e-12);
	CHECK_NEAR(dur("2s"), 2, 0);
	CHECK_NEAR(dur("2"), 2, 0);
	CHECK_NEAR(dur("1.5m"), 90, 1e-9);
	CHECK_NEAR(dur("2min"), 120, 0);
	CHECK_NEAR(dur("1h"), 3600, 0);
	CHECK_NEAR(dur("100us"), 1e-4, 1e-15);
	CHECK_NEAR(dur("5ns"), 5e-9, 1e-18);
	CHECK_NEAR(dur("0"), 0, 0);
	CHECK_NEAR(dur(".5s"), 0.5, 0);
	CHECK_NEAR(dur("1e3ms"), 1, 1e-12);
}

static void test_duration_errors(void)
{
	CHECK_INT(dur_err(""), UNITS_EEMPTY);
	CHECK_INT(dur_err(NULL), UNITS_EEMPTY);
	CHECK_INT(dur_err("-1s"), UNITS_ENEG);
	CHECK_INT(dur_err("abc"), UNITS_EINVAL);
	CHECK_INT(dur_err("1.2.3s"), UNITS_EINVAL);
	CHECK_INT(dur_err("5 s"), UNITS_EINVAL);
	CHECK_INT(dur_err(" 5s"), UNITS_EINVAL);
	CHECK_INT(dur_err("5sec"), UNITS_EUNIT);
	CHECK_INT(dur_err("5d"), UNITS_EUNIT);
	CHECK_INT(dur_err("inf"), UNITS_EINVAL);
	CHECK_INT(dur_err("nan"), UNITS_EINVAL);
	CHECK_INT(dur_err("0x10"), UNITS_EUNIT);
	CHECK_INT(dur_err("1e999"), UNITS_ERANGE);
	CHECK_INT(dur_err("."), UNITS_EINVAL);
	CHECK_INT(dur_err("-"), UNITS_EINVAL);
}

static void test_counts(void)
{
	uint64_t v = 0;

	CHECK_INT(units_count("1k", &v), UNITS_OK);
	CHECK_INT(v, 1000);
	CHECK_INT(units_count("2.5M", &v), UNITS_OK);
	CHECK_INT(v, 2500000);
	CHECK_INT(units_count("1.1k", &v), UNITS_OK);
	CHECK_INT(v, 1100);
	CHECK_INT(units_count("7", &v), UNITS_OK);
	CHECK_INT(v, 7);
	CHECK_INT(units_count("1.5", &v), UNITS_EINVAL); /* not whole */
	CHECK_INT(units_count("-3", &v), UNITS_ENEG);
	CHECK_INT(units_count("1T", &v), UNITS_EUNIT);
	CHECK_INT(units_count("1e20", &v), UNITS_ERANGE);
	CHECK_INT(units_count("99999999999G", &v), UNITS_ERANGE);
}

static void test_bytes(void)
{
	uint64_t v = 0;

	CHECK_INT(units_bytes("4GiB", &v), UNITS_OK);
	CHECK_INT(v, 4294967296LL);
	CHECK_INT(units_bytes("512MB", &v), UNITS_OK);
	CHECK_INT(v, 512000000);
	CHECK_INT(units_bytes("1.5KiB", &v), UNITS_OK);
	CHECK_INT(v, 1536);
	CHECK_INT(units_bytes("135GB", &v), UNITS_OK);
	CHECK_INT(v, 135000000000LL);
	CHECK_INT(units_bytes("100", &v), UNITS_OK);
	CHECK_INT(v, 100);
	CHECK_INT(units_bytes("2TiB", &v), UNITS_OK);
	CHECK_INT(v, 2199023255552LL);
	CHECK_INT(units_bytes("1.0001B", &v), UNITS_EINVAL);
	CHECK_INT(units_bytes("-1GiB", &v), UNITS_ENEG);
	CHECK_INT(units_bytes("1GIB", &v), UNITS_EUNIT);
	CHECK_INT(units_bytes("GiB", &v), UNITS_EINVAL);
}

static void test_int(void)
{
	long long v = 0;

	CHECK_INT(units_int("42", 0, 100, &v), UNITS_OK);
	CHECK_INT(v, 42);
	CHECK_INT(units_int("-3", -5, 5, &v), UNITS_OK);
	CHECK_INT(v, -3);
	CHECK_INT(units_int("101", 0, 100, &v), UNITS_ERANGE);
	CHECK_INT(units_int("99999999999999999999", 0, 100, &v), UNITS_ERANGE);
	CHECK_INT(units_int("4x", 0, 100, &v), UNITS_EINVAL);
	CHECK_INT(units_int("", 0, 100, &v), UNITS_EEMPTY);
	CHECK_INT(units_int(" 4", 0, 100, &v), UNITS_EINVAL);
	CHECK_INT(units_int("1.0", 0, 100, &v), UNITS_EINVAL);
	CHECK_INT(v, -3); /* untouched by the failures */
}

static void test_real(void)
{
	double v = 0;

	CHECK_INT(units_real("0.7", 0, 2, &v), UNITS_OK);
	CHECK_NEAR(v, 0.7, 1e-15);
	CHECK_INT(units_real("2.5", 0, 2, &v), UNITS_ERANGE);
	CHECK_INT(units_real("1e-3", 0, 2, &v), UNITS_OK);
	CHECK_NEAR(v, 0.001, 1e-15);
	CHECK_INT(units_real("1s", 0, 2, &v), UNITS_EINVAL);
	CHECK_INT(units_real("-inf", -1e300, 1e300, &v), UNITS_EINVAL);
	CHECK_STR(units_strerror(UNITS_EUNIT), "unknown unit");
}

/* The fewest digits that read back as the number, as jq prints it. */
static void test_shortest(void)
{
	char b[32];

	CHECK_STR(units_shortest(0.1, b, sizeof b), "0.1");
	CHECK_STR(units_shortest(42, b, sizeof b), "42");
	CHECK_STR(units_shortest(1.0 / 3, b, sizeof b), "0.3333333333333333");
	CHECK_STR(units_shortest(123456.5, b, sizeof b), "123456.5");
	CHECK_STR(units_shortest(1e-7, b, sizeof b), "1e-07");
}

int main(void)
{
	RUN(test_shortest);
	RUN(test_durations);
	RUN(test_duration_errors);
	RUN(test_counts);
	RUN(test_bytes);
	RUN(test_int);
	RUN(test_real);
	return DONE();
}
