/* Unit tests for src/gen/tokcal: the search for a prompt of exactly N tokens
 * against tokenizers of known shape, and the filler. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include "tokcal.h"

/* Runs the search against a server whose count of u units is
 * fixed + per * u; returns the units found, or -1 with err. */
static long search(long target, long fixed, long per, int *tries, char *err,
		   size_t n)
{
	struct tokcal c;
	long u, next;

	tokcal_init(&c, target);
	u = tokcal_first(&c);
	for (*tries = 1;; (*tries)++) {
		next = tokcal_next(&c, u, fixed + per * u, err, n);
		if (next == TOKCAL_DONE)
			return u;
		if (next == TOKCAL_FAIL)
			return -1;
		u = next;
	}
}

static void test_search(void)
{
	char err[300];
	int tries;

	/* a template of 22 tokens, one token a unit: two requests */
	CHECK_INT(search(512, 22, 1, &tries, err, sizeof err), 490);
	CHECK_INT(tries, 2);
	/* no template at all: the first is exact */
	CHECK_INT(search(512, 0, 1, &tries, err, sizeof err), 512);
	CHECK_INT(tries, 1);
	/* two tokens a unit and an odd number left: unreachable, said so */
	CHECK_INT(search(513, 20, 2, &tries, err, sizeof err), -1);
	CHECK(strstr(err, "no prompt of this filler is 513 tokens") != NULL);
	CHECK_INT(search(514, 20, 2, &tries, err, sizeof err), 247);
	/* the template alone over the target */
	CHECK_INT(search(8, 22, 1, &tries, err, sizeof err), -1);
	CHECK_STR(err, "the prompt's fixed part (template, nonce) is 22 tokens "
		       "alone, more than 8");
}

static void test_filler(void)
{
	char *s = tokcal_filler(3);

	CHECK_STR(s, " the the the");
	free(s);
	s = tokcal_filler(0);
	CHECK_STR(s, "");
	free(s);
	CHECK(tokcal_filler(-1) == NULL);
}

int main(void)
{
	RUN(test_search);
	RUN(test_filler);
	return DONE();
}
