/* tap.h: a tiny assertion header for unit tests that prints TAP. */
#ifndef TB_TAP_H
#define TB_TAP_H

#include <math.h>
#include <stdio.h>
#include <string.h>

/*
 * Each test is a void function run with RUN(fn); the CHECK macros record a
 * failure (with file:line and the expression) and let the test go on, so
 * one run shows every broken assertion.  DONE() prints the plan and
 * returns the exit status: non-zero when any test failed.
 */
static int tap_n, tap_failed, tap_cur_failed;

#define CHECK(cond) tap_check_((cond) != 0, __FILE__, __LINE__, #cond)

#define CHECK_INT(a, b)                                                        \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (!tap_check_(a_ == b_, __FILE__, __LINE__, #a " == " #b))   \
			printf("#   got %lld, want %lld\n", a_, b_);           \
	} while (0)

#define CHECK_NEAR(a, b, eps)                                                  \
	do {                                                                   \
		double a_ = (a), b_ = (b);                                     \
		if (!tap_check_(fabs(a_ - b_) <= (eps), __FILE__, __LINE__,    \
				#a " ~ " #b))                                  \
			printf("#   got %.9g, want %.9g (+/- %g)\n", a_, b_,   \
			       (double)(eps));                                 \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!tap_check_(a_ && b_ && strcmp(a_, b_) == 0, __FILE__,     \
				__LINE__, #a " eq " #b))                       \
			printf("#   got \"%s\"\n#  want \"%s\"\n",             \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");        \
	} while (0)

#define RUN(fn)                                                                \
	do {                                                                   \
		tap_cur_failed = 0;                                            \
		fn();                                                          \
		tap_n++;                                                       \
		if (tap_cur_failed)                                            \
			tap_failed++;                                          \
		printf("%s %d - %s\n", tap_cur_failed ? "not ok" : "ok",       \
		       tap_n, #fn);                                            \
		fflush(stdout);                                                \
	} while (0)

#define DONE() (printf("1..%d\n", tap_n), tap_failed != 0)

static inline int tap_check_(int ok, const char *file, int line,
			     const char *expr)
{
	if (!ok) {
		tap_cur_failed = 1;
		printf("#   %s:%d: check failed: %s\n", file, line, expr);
	}
	return ok;
}

#endif
