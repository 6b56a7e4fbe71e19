/* args: checked conversion of command-line values, for tools only. */
#ifndef TB_ARGS_H
#define TB_ARGS_H

/*
 * Each converts the value v of option name with lib/units and returns it;
 * on bad input it dies with EXIT_USAGE and "prog: NAME V: reason", so a
 * tool's option parsing stays one line per option.  Like diag, this module
 * may exit: library code never calls it.
 */

/* A duration in seconds from 0 to ARGS_MAX_DURATION ("250ms", "2s",
 * "1.5m"): a bound far beyond any run, so that no duration overflows the
 * 64-bit nanoseconds every tool counts time in. */
#define ARGS_MAX_DURATION (30.0 * 86400)
double args_duration(const char *name, const char *v);

/* A real number in [lo, hi]. */
double args_real(const char *name, const char *v, double lo, double hi);

/* A whole number in [lo, hi]; k and M suffixes are allowed ("10k"). */
long long args_int(const char *name, const char *v, long long lo, long long hi);

/* Splits the comma-separated value v of option name in place into at most
 * cap words (empty ones dropped) and returns how many; more than cap, or
 * none, is a usage error. */
int args_list(const char *name, char *v, const char **out, int cap);

#endif
