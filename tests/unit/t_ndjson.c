/* Unit tests of lib/ndjson: CRLF, no final newline, huge, invalid lines. */
#include "tap.h"
#include "ndjson.h"

#include <stdlib.h>

/* A FILE holding exactly the n bytes of s. */
static FILE *file_of(const char *s, size_t n)
{
	FILE *f = tmpfile();

	fwrite(s, 1, n, f);
	rewind(f);
	return f;
}

#define FILE_OF(lit) file_of(lit, sizeof(lit) - 1)

static void test_lines(void)
{
	FILE *f = FILE_OF("{\"a\":1}\r\n\n  \r\n{\"a\":2}\n{\"a\":3}");
	ndjson_reader *r = ndjson_open(f, "ev.ndjson", ND_STRICT);
	cJSON *v;
	int want = 1;

	while (ndjson_next(r, &v) == ND_OK) {
		CHECK_INT(cJSON_GetObjectItem(v, "a")->valueint, want);
		want++;
		cJSON_Delete(v);
	}
	CHECK_INT(want, 4); /* CRLF, blank lines, last line without \n */
	CHECK_INT(ndjson_lineno(r), 5);
	CHECK_INT(ndjson_next(r, &v), ND_EOF); /* EOF is sticky */
	ndjson_close(r);
	fclose(f);
}

static void test_empty_input(void)
{
	FILE *f = FILE_OF("");
	ndjson_reader *r = ndjson_open(f, "-", 0);
	cJSON *v;

	CHECK_INT(ndjson_next(r, &v), ND_EOF);
	CHECK_INT(ndjson_lineno(r), 0);
	ndjson_close(r);
	fclose(f);
}

struct seen {
	int n;
	long line[4];
	char reason[4][96];
};

static void on_bad(void *ctx, const char *name, long line, const char *why)
{
	struct seen *s = ctx;

	if (s->n < 4) {
		s->line[s->n] = line;
		snprintf(s->reason[s->n], 96, "%s:%ld: %s", name, line, why);
	}
	s->n++;
}

static void test_invalid_lenient(void)
{
	FILE *f = FILE_OF("{\"a\":1}\n{\"a\":\n{\"a\":2} x\n{\"a\":3}\n"
			  "{\"a\":4,\"b\":\"trunc");
	ndjson_reader *r = ndjson_open(f, "run.ndjson", 0);
	struct seen s = {0};
	cJSON *v;
	int good = 0;

	ndjson_on_invalid(r, on_bad, &s);
	while (ndjson_next(r, &v) == ND_OK) {
		good++;
		cJSON_Delete(v);
	}
	CHECK_INT(good, 2);
	CHECK_INT(s.n, 3);
	CHECK_INT(ndjson_invalid_count(r), 3);
	CHECK_INT(s.line[0], 2);
	CHECK_INT(s.line[1], 3);
	CHECK_INT(s.line[2], 5); /* a truncated last line */
	CHECK_STR(s.reason[1],
		  "run.ndjson:3: text after the JSON value at byte 9");
	CHECK(strncmp(s.reason[0], "run.ndjson:2: invalid JSON at byte", 34) ==
	      0);
	ndjson_close(r);
	fclose(f);
}

static void test_invalid_strict(void)
{
	FILE *f = FILE_OF("{\"a\":1}\nnot json\n{\"a\":2}\n");
	ndjson_reader *r = ndjson_open(f, "x", ND_STRICT);
	cJSON *v;

	CHECK_INT(ndjson_next(r, &v), ND_OK);
	cJSON_Delete(v);
	CHECK_INT(ndjson_next(r, &v), ND_INVALID);
	CHECK_INT(ndjson_lineno(r), 2);
	CHECK_STR(ndjson_reason(r), "invalid JSON at byte 1");
	/* The caller may choose to go on after an invalid line. */
	CHECK_INT(ndjson_next(r, &v), ND_OK);
	cJSON_Delete(v);
	ndjson_close(r);
	fclose(f);
}

static void test_nul_byte(void)
{
	FILE *f = FILE_OF("{\"a\":1}\0\n{\"a\":2}\n");
	ndjson_reader *r = ndjson_open(f, "x", ND_STRICT);
	cJSON *v;

	CHECK_INT(ndjson_next(r, &v), ND_INVALID);
	CHECK_STR(ndjson_reason(r), "NUL byte in line");
	CHECK_INT(ndjson_next(r, &v), ND_OK);
	cJSON_Delete(v);
	ndjson_close(r);
	fclose(f);
}

/* A 5 MB line (far past the 64 KiB initial buffer) between short ones. */
static void test_huge_line(void)
{
	size_t big = 5 * 1024 * 1024, i, n = 0;
	char *s = malloc(big + 64);
	FILE *f;
	ndjson_reader *r;
	cJSON *v;

	n += (size_t)sprintf(s, "{\"a\":1}\n{\"s\":\"");
	for (i = 0; i < big; i++)
		s[n++] = (char)('a' + i % 26);
	n += (size_t)sprintf(s + n, "\"}\r\n{\"a\":3}\n");
	f = file_of(s, n);
	r = ndjson_open(f, "big", ND_STRICT);
	CHECK_INT(ndjson_next(r, &v), ND_OK);
	cJSON_Delete(v);
	CHECK_INT(ndjson_next(r, &v), ND_OK);
	CHECK_INT(strlen(cJSON_GetObjectItem(v, "s")->valuestring), big);
	cJSON_Delete(v);
	CHECK_INT(ndjson_next(r, &v), ND_OK);
	CHECK_INT(cJSON_GetObjectItem(v, "a")->valueint, 3);
	cJSON_Delete(v);
	CHECK_INT(ndjson_next(r, &v), ND_EOF);
	ndjson_close(r);
	fclose(f);
	free(s);
}

/* Many lines crossing buffer refills at every possible offset. */
static void test_many_lines_across_refills(void)
{
	size_t cap = 2 * 1024 * 1024, n = 0;
	char *s = malloc(cap);
	int i, got = 0, wrong = 0;
	FILE *f;
	ndjson_reader *r;
	cJSON *v;

	for (i = 0; n < cap - 100; i++)
		n += (size_t)sprintf(s + n, "{\"i\":%d,\"pad\":\"%.*s\"}\n", i,
				     i % 37,
				     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	f = file_of(s, n);
	r = ndjson_open(f, "many", ND_STRICT);
	while (ndjson_next(r, &v) == ND_OK) {
		if (cJSON_GetObjectItem(v, "i")->valueint != got)
			wrong++;
		got++;
		cJSON_Delete(v);
	}
	CHECK_INT(got, i);
	CHECK_INT(wrong, 0);
	ndjson_close(r);
	fclose(f);
	free(s);
}

int main(void)
{
	RUN(test_lines);
	RUN(test_empty_input);
	RUN(test_invalid_lenient);
	RUN(test_invalid_strict);
	RUN(test_nul_byte);
	RUN(test_huge_line);
	RUN(test_many_lines_across_refills);
	return DONE();
}
