/* Unit tests of lib/jw: JSON escaping of UTF-8 and control characters. */
#include "tap.h"
#include "jw.h"

#include <cJSON.h>
#include <limits.h>
#include <stdlib.h>

static char out[4096];

/* The escaped form of s[0..n) as a NUL-terminated string in out. */
static const char *esc(const char *s, size_t n)
{
	jw w;
	size_t len;
	const char *d;

	jw_init(&w);
	jw_escape(&w, s, n);
	d = jw_data(&w, &len);
	memcpy(out, d, len);
	out[len] = '\0';
	jw_free(&w);
	return out;
}

#define ESC(lit) esc(lit, sizeof(lit) - 1)

static void test_plain_and_specials(void)
{
	CHECK_STR(ESC("hello"), "hello");
	CHECK_STR(ESC("a\"b\\c"), "a\\\"b\\\\c");
	CHECK_STR(ESC("\n\r\t\b\f"), "\\n\\r\\t\\b\\f");
	CHECK_STR(ESC("\x01\x1f"), "\\u0001\\u001f");
	CHECK_STR(ESC("a\0b"), "a\\u0000b");
	CHECK_STR(ESC("\x7f/"), "\x7f/"); /* DEL and '/' need no escape */
}

static void test_utf8_len(void)
{
	CHECK_INT(jw_utf8_len("a", 1), 1);
	CHECK_INT(jw_utf8_len("\xc3\xa9", 2), 2);	  /* é */
	CHECK_INT(jw_utf8_len("\xc3\xa9", 1), 0);	  /* cut short */
	CHECK_INT(jw_utf8_len("\xe9\x87\x8f", 3), 3);	  /* 量 */
	CHECK_INT(jw_utf8_len("\xf0\x9f\x98\x80", 4), 4); /* an emoji */
	CHECK_INT(jw_utf8_len("\xc0\xaf", 2), 0);	  /* overlong / */
	CHECK_INT(jw_utf8_len("\xe0\x80\xaf", 3), 0); /* overlong, 3 bytes */
	CHECK_INT(jw_utf8_len("\xed\xa0\x80", 3), 0); /* a surrogate */
	CHECK_INT(jw_utf8_len("\xf4\x90\x80\x80", 4), 0); /* past U+10FFFF */
	CHECK_INT(jw_utf8_len("\x80", 1), 0); /* a lone continuation */
}

static void test_utf8(void)
{
	CHECK_STR(ESC("量子计算"), "量子计算");
	CHECK_STR(ESC("é ✓ 😀"), "é ✓ 😀");
	/* Invalid bytes become U+FFFD, one per byte, and never eat the
	 * following valid characters. */
	CHECK_STR(ESC("a\xffz"), "a\xef\xbf\xbdz");
	CHECK_STR(ESC("\xe9\x87"), "\xef\xbf\xbd\xef\xbf\xbd"); /* cut */
	CHECK_STR(ESC("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd"); /* overlong */
	CHECK_STR(ESC("\xed\xa0\x80"), /* a UTF-16 surrogate */
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(ESC("\xf4\x90\x80\x80"), /* past U+10FFFF */
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(ESC("\xe9\x87x"), "\xef\xbf\xbd\xef\xbf\xbdx");
}

static void test_object_line(void)
{
	char path[] = "/tmp/tb-jw-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w+");
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "ev", "tok");
	jw_num(&w, "t", 1795366950.1234567, 6);
	jw_int(&w, "id", 3);
	jw_str(&w, "text", "line\nnext \"q\"");
	jw_str(&w, "none", NULL);
	jw_bool(&w, "warm", 1);
	jw_num(&w, "nan", 0.0 / 0.0, 3);
	jw_num(&w, "negzero", -0.0001, 2);
	jw_arr_open(&w, "xs");
	jw_int(&w, NULL, 1);
	jw_obj_open(&w, NULL);
	jw_null(&w, "k");
	jw_obj_close(&w);
	jw_arr_close(&w);
	jw_raw(&w, "usage", "{\"completion_tokens\":8}");
	jw_obj_close(&w);
	CHECK_INT(jw_emit(&w, f, 1), 0);
	/* The writer is reusable after emit. */
	jw_obj_open(&w, NULL);
	jw_int(&w, "n", 2);
	jw_obj_close(&w);
	CHECK_INT(jw_emit(&w, f, 0), 0);
	jw_free(&w);

	rewind(f);
	char line[512];
	CHECK(fgets(line, sizeof line, f) != NULL);
	CHECK_STR(line, "{\"ev\":\"tok\",\"t\":1795366950.123457,\"id\":3,"
			"\"text\":\"line\\nnext \\\"q\\\"\",\"none\":null,"
			"\"warm\":true,\"nan\":null,\"negzero\":0.00,"
			"\"xs\":[1,{\"k\":null}],"
			"\"usage\":{\"completion_tokens\":8}}\n");
	CHECK(fgets(line, sizeof line, f) != NULL);
	CHECK_STR(line, "{\"n\":2}\n");
	fclose(f);
	remove(path);
}

/* Whatever bytes go in, what comes out parses as JSON; valid UTF-8 (here
 * ASCII) round-trips exactly.  NUL is left out: cJSON's C strings end there. */
static void test_roundtrip_all_bytes(void)
{
	char in[255 * 2];
	int i, bad = 0;
	size_t len;
	jw w;

	for (i = 1; i < 256; i++) {
		in[2 * (i - 1)] = (char)i;
		in[2 * (i - 1) + 1] = 'x';
	}
	jw_init(&w);
	jw_strn(&w, NULL, in, sizeof in);
	const char *d = jw_data(&w, &len);
	char *copy = malloc(len + 1);
	memcpy(copy, d, len);
	copy[len] = '\0';
	cJSON *v = cJSON_Parse(copy);
	CHECK(v != NULL && cJSON_IsString(v));
	if (v != NULL && cJSON_IsString(v)) {
		const char *s = v->valuestring;
		CHECK(strlen(s) > 255);
		for (i = 1; i < 128; i++)
			if (s[2 * (i - 1)] != (char)i ||
			    s[2 * (i - 1) + 1] != 'x')
				bad++;
	}
	CHECK_INT(bad, 0);
	cJSON_Delete(v);
	free(copy);
	jw_free(&w);
}

/* One value written alone by fn (jw_int or jw_time) at the top level,
 * so without a key, in out. */
static const char *one(void (*fn)(jw *, const char *, long long), long long v)
{
	jw w;
	size_t len;
	const char *d;

	jw_init(&w);
	fn(&w, NULL, v);
	d = jw_data(&w, &len);
	memcpy(out, d, len);
	out[len] = '\0';
	jw_free(&w);
	return out;
}

#define one_int(v) one(jw_int, v)
#define one_time(v) one(jw_time, v)

/* jw_int's own digits, against printf's, at the edges. */
static void test_int_digits(void)
{
	static const long long v[] = {
	    0,	       1,	  -1,		9,	   10,	     -10,
	    123456789, 1LL << 53, -(1LL << 53), LLONG_MAX, LLONG_MIN};
	char want[32];

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		snprintf(want, sizeof want, "%lld", v[i]);
		CHECK_STR(one_int(v[i]), want);
	}
}

/* jw_time: integer nanoseconds to the nearest microsecond, exactly. */
static void test_time(void)
{
	CHECK_STR(one_time(0), "0.000000");
	CHECK_STR(one_time(499), "0.000000");
	CHECK_STR(one_time(500), "0.000001"); /* half up */
	CHECK_STR(one_time(1796563586938498000LL), "1796563586.938498");
	CHECK_STR(one_time(1796563586938498499LL), "1796563586.938498");
	CHECK_STR(one_time(1796563586938498500LL), "1796563586.938499");
	CHECK_STR(one_time(1796563586999999600LL), "1796563587.000000");
	CHECK_STR(one_time(12LL * 1000000000 + 5000), "12.000005");
	CHECK_STR(one_time(-1500000000LL), "-1.500000");
}

int main(void)
{
	RUN(test_plain_and_specials);
	RUN(test_utf8_len);
	RUN(test_utf8);
	RUN(test_object_line);
	RUN(test_roundtrip_all_bytes);
	RUN(test_int_digits);
	RUN(test_time);
	return DONE();
}
