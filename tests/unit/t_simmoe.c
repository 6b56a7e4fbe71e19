/* Unit tests of simmoe: a prompt's routing, and the pages a request reads
 * of the file, which are all the page cache then holds of it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "pagecache.h"
#include "simmoe.h"

static int bits(uint64_t m)
{
	int n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

/* A word is a run of letters and digits (or bytes from 0x80), case
 * folded: the same words route the same whatever separates them. */
static void test_route(void)
{
	const char *a = "Alpha beta, GAMMA!", *b = "alpha\nBETA gamma alpha";
	uint64_t m = simmoe_route(a, strlen(a));

	CHECK_INT(simmoe_route("", 0), 0);
	CHECK_INT(simmoe_route(" ,;. ", 5), 0);
	CHECK(m == simmoe_route(b, strlen(b)));
	CHECK(bits(m) >= 1 && bits(m) <= 3);
	CHECK(simmoe_route("x", 1) == simmoe_route("X", 1));
	CHECK_INT(bits(simmoe_route("x", 1)), 1);
	/* "ab" is one word, not "a" and "b" */
	CHECK_INT(bits(simmoe_route("ab", 2)), 1);
	/* a CJK character is a word of its bytes */
	CHECK_INT(bits(simmoe_route("\xe9\x87\x8f", 3)), 1);
}

/* The file is written, each slice its expert's byte; a touch reads exactly
 * the experts' slices (no readahead). */
static void test_touch(void)
{
	char path[] = "/tmp/t_simmoe.XXXXXX", err[300];
	int fd = mkstemp(path);
	int64_t bytes = 0, in = -1;
	uint64_t m = (uint64_t)1 << 3 | (uint64_t)1 << 40;
	long page = sysconf(_SC_PAGESIZE);

	CHECK(fd >= 0);
	close(fd);
	CHECK_INT(simmoe_open(path, err, sizeof err), 0);
	CHECK(simmoe_on());
	CHECK_INT(pagecache_drop(path), 0);
	CHECK_INT(pagecache_resident(path, &bytes, &in), 0);
	CHECK_INT(bytes, (int64_t)SIMMOE_EXPERTS * SIMMOE_SLICE);
	CHECK_INT(in, 0);
	/* every byte of slice e is e: a page of each of 2 experts, 3 and 40 */
	CHECK_INT(simmoe_touch(m),
		  (3u + 40u) * (unsigned)(SIMMOE_SLICE / page));
	CHECK_INT(pagecache_resident(path, &bytes, &in), 0);
	CHECK_INT(in, 2 * SIMMOE_SLICE);
	CHECK_INT(pagecache_mapped((long)getpid(), path, &in), 0);
	CHECK_INT(in, 2 * SIMMOE_SLICE);
	simmoe_close();
	CHECK(!simmoe_on());
	CHECK_INT(simmoe_open("/nonexistent/dir/f", err, sizeof err), -1);
	CHECK_STR(err, "/nonexistent/dir/f: No such file or directory");
	unlink(path);
}

int main(void)
{
	RUN(test_route);
	RUN(test_touch);
	return DONE();
}
