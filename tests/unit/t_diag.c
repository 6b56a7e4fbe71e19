/* Unit tests of lib/diag: the tool prefix and the checked close. */
#include "tap.h"
#include "diag.h"

#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

static void test_prog_name(void)
{
	CHECK_STR(diag_prog(), "tokbench");
	diag_init("/usr/local/bin/tokbench-gen");
	CHECK_STR(diag_prog(), "tokbench-gen");
	diag_init("agg");
	CHECK_STR(diag_prog(), "agg");
	diag_init("");
	CHECK_STR(diag_prog(), "agg");
}

static void test_warn_format(void)
{
	char path[] = "/tmp/tb-diag-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char line[256] = "";
	FILE *f;

	fflush(stderr);
	dup2(fd, 2);
	diag_init("gen");
	diag_warn("%s:%d: %s", "prompts.json", 7, "bad max_tokens");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	CHECK(fgets(line, sizeof line, f) != NULL);
	CHECK_STR(line, "gen: prompts.json:7: bad max_tokens\n");
	fclose(f);
	remove(path);
}

static void test_fshut_full_disk(void)
{
	FILE *f = fopen("/dev/full", "w");

	if (f == NULL) { /* not every system has /dev/full */
		CHECK(1);
		return;
	}
	fputs("data that cannot be written\n", f);
	fflush(stderr);
	int saved = dup(2), null = open("/dev/null", 1);
	dup2(null, 2);
	int rc = diag_fshut(f, "stdout");
	dup2(saved, 2);
	close(saved);
	close(null);
	CHECK_INT(rc, -1);
}

static void test_exit_codes(void)
{
	CHECK_INT(EXIT_OK, 0);
	CHECK_INT(EXIT_RUNTIME, 1);
	CHECK_INT(EXIT_USAGE, 2);
}

int main(void)
{
	RUN(test_prog_name);
	RUN(test_warn_format);
	RUN(test_fshut_full_disk);
	RUN(test_exit_codes);
	return DONE();
}
