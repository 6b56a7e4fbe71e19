/* Unit tests of src/gen/evline: the tok line, byte for byte the one jw
 * builds as gen's ev_open, jw_int, jw_str and jw_int did. */
#include "tap.h"

#include <limits.h>

#include "evline.h"
#include "jw.h"

/* The line as jw builds it, in out (NUL-terminated). */
static void by_jw(char *out, long long t_ns, long id, const char *ch,
		  long long bytes)
{
	jw w;
	size_t len;
	const char *d;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "ev", "tok");
	jw_time(&w, "t", t_ns);
	jw_int(&w, "id", id);
	jw_str(&w, "ch", ch);
	jw_int(&w, "bytes", bytes);
	jw_obj_close(&w);
	d = jw_data(&w, &len);
	memcpy(out, d, len);
	out[len] = '\n';
	out[len + 1] = '\0';
	jw_free(&w);
}

static void test_same_as_jw(void)
{
	static const long long ts[] = {0,
				       499,
				       500,
				       999999500,
				       1796563586938498000LL,
				       1796563586938498499LL,
				       1796563586938498500LL,
				       1796563586999999600LL,
				       -1500000000LL};
	static const long ids[] = {0, 1, 42, 123456789, -1, LONG_MAX};
	static const char *const chs[] = {"role", "reasoning", "content",
					  "tool", "?"};
	static const long long bytes[] = {0, 7, 65536, LLONG_MAX, LLONG_MIN};
	char want[256], got[EVLINE_TOK_MAX + 1];
	int bad = 0, n = 0;

	for (size_t a = 0; a < sizeof ts / sizeof ts[0]; a++)
		for (size_t b = 0; b < sizeof ids / sizeof ids[0]; b++)
			for (size_t c = 0; c < sizeof chs / sizeof chs[0]; c++)
				for (size_t d = 0;
				     d < sizeof bytes / sizeof bytes[0]; d++) {
					size_t len =
					    evline_tok(got, ts[a], ids[b],
						       chs[c], bytes[d]);
					got[len] = '\0';
					by_jw(want, ts[a], ids[b], chs[c],
					      bytes[d]);
					n++;
					if (strcmp(got, want) != 0 && bad++ < 3)
						fprintf(stderr, "# %s# %s", got,
							want);
				}
	CHECK_INT(bad, 0);
	CHECK_INT(n, 9 * 6 * 5 * 5);
}

int main(void)
{
	RUN(test_same_as_jw);
	return DONE();
}
