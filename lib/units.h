/* units: checked conversion of numbers, durations, counts and byte sizes. */
#ifndef TB_UNITS_H
#define TB_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Error codes returned by every units_* function (0 means success). */
enum {
	UNITS_OK = 0,
	UNITS_EEMPTY, /* empty string */
	UNITS_EINVAL, /* not a number, or trailing garbage */
	UNITS_EUNIT,  /* unknown unit suffix */
	UNITS_ENEG,   /* negative where only >= 0 makes sense */
	UNITS_ERANGE  /* overflow, or outside the caller's [min, max] */
};

/* A short English phrase for an error code, e.g. "unknown unit". */
const char *units_strerror(int err);

/* Whole number in [min, max], decimal only, no suffix ("12", "-3").
 * Stores it in *out only on success. */
int units_int(const char *s, long long min, long long max, long long *out);

/* Finite real number in [min, max] ("0.7", "1e-3"); no suffix. */
int units_real(const char *s, double min, double max, double *out);

/* Duration in seconds, >= 0: a number with an optional unit
 * ns, us, ms, s, m, min, h ("250ms", "2s", "1.5m").  A bare number is
 * seconds. */
int units_duration(const char *s, double *seconds);

/* Count, >= 0, with an optional SI suffix k, M, G (x1000 each), e.g. "1k",
 * "2.5M".  The result must be a whole number below 2^53. */
int units_count(const char *s, uint64_t *out);

/* Byte size, >= 0: B, SI (k/kB, MB, GB, TB: powers of 1000) or IEC (KiB,
 * MiB, GiB, TiB: powers of 1024); a bare number is bytes ("4GiB",
 * "512MB").  Fractions are allowed if the result is a whole byte count. */
int units_bytes(const char *s, uint64_t *out);

/* x written with the fewest significant digits that read back as x (as jq
 * prints numbers), into buf; returns buf. */
const char *units_shortest(double x, char *buf, size_t n);

#endif
