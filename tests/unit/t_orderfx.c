/* Unit tests of orderfx: two entries ranked apart only 5 % apart, and a
 * ranking that changed between passes: reversed, or ranked then tied. */
#include <math.h>

#include "tap.h"
#include "orderfx.h"

static void test_rank(void)
{
	CHECK_INT(orderfx_rank(105, 100), 1);
	CHECK_INT(orderfx_rank(104.9, 100), 0);
	CHECK_INT(orderfx_rank(100, 105), -1);
	CHECK_INT(orderfx_rank(100, 100), 0);
	CHECK_INT(orderfx_rank(NAN, 100), 2);
	CHECK_INT(orderfx_rank(100, 0), 2);
}

static void test_changed(void)
{
	CHECK_INT(orderfx_changed(1, -1), 1); /* reversed */
	CHECK_INT(orderfx_changed(1, 0), 1);  /* ranked, then tied */
	CHECK_INT(orderfx_changed(0, -1), 1); /* tied, then ranked */
	CHECK_INT(orderfx_changed(1, 1), 0);
	CHECK_INT(orderfx_changed(0, 0), 0);
	CHECK_INT(orderfx_changed(1, 2), 0); /* unknown changes nothing */
}

int main(void)
{
	RUN(test_rank);
	RUN(test_changed);
	return DONE();
}
