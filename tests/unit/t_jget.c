/* Unit tests for lib/jget: typed reads, defaults, dotted paths. */
#include "tap.h"

#include <math.h>
#include <stdlib.h>

#include "jget.h"

static const char doc[] =
    "{\"n\":2.5,\"s\":\"x\",\"o\":{\"a\":{\"b\":7}},\"arr\":[1],"
    "\"a_very_long_key_name_that_is_longer_than_sixty_four_characters_in_total_"
    "x\":{\"k\":1}}";

static void test_typed(void)
{
	cJSON *j = cJSON_Parse(doc);
	char buf[8] = "keep";

	CHECK_NEAR(jget_num(j, "n", -1), 2.5, 0);
	CHECK_NEAR(jget_num(j, "s", -1), -1, 0); /* not a number */
	CHECK_NEAR(jget_num(j, "none", 9), 9, 0);
	CHECK_NEAR(jget_num(NULL, "n", 3), 3, 0);
	CHECK_STR(jget_str(j, "s"), "x");
	CHECK(jget_str(j, "n") == NULL);
	CHECK(jget_obj(j, "o") != NULL);
	CHECK(jget_obj(j, "arr") == NULL);
	CHECK_INT(jget_copy(buf, sizeof buf, j, "n"), 0);
	CHECK_STR(buf, "keep");
	CHECK_INT(jget_copy(buf, sizeof buf, j, "s"), 1);
	CHECK_STR(buf, "x");
	CHECK(jget_num(j, "N", -1) == -1); /* case matters */
	cJSON_Delete(j);
}

static void test_path(void)
{
	cJSON *j = cJSON_Parse(doc);

	CHECK_NEAR(jget_path_num(j, "o.a.b", -1), 7, 0);
	CHECK(isnan(jget_path_num(j, "o.a.c", NAN)));
	CHECK(jget_path(j, "o.a") != NULL);
	CHECK(jget_path(j, "o.ab") == NULL);  /* no prefix matches */
	CHECK(jget_path(j, "arr.x") == NULL); /* not an object */
	CHECK_STR(jget_path_str(j, "s"), "x");
	CHECK_NEAR(jget_path_num(j,
				 "a_very_long_key_name_that_is_longer_than_"
				 "sixty_four_characters_in_total_x.k",
				 0),
		   1, 0);
	cJSON_Delete(j);
}

int main(void)
{
	RUN(test_typed);
	RUN(test_path);
	return DONE();
}
