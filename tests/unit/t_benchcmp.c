/* Unit tests for src/report/benchcmp: llama-bench's own -o json, jsonl and
 * csv (captured from the llama-bench build of scripts/llama-build.sh, in
 * tests/fixtures/llama-bench) and report --bench's shapes read alike;
 * tests matched by model and test, by test alone when each file has one
 * model under another name; each speedup with its interval. */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchcmp.h"

#define LB FIXTURES "/llama-bench/"

/* A file of text in /tmp; its path in p (the caller unlinks it). */
static void scratch(char *p, size_t n, const char *text)
{
	int fd;

	snprintf(p, n, "/tmp/t_benchcmp.XXXXXX");
	fd = mkstemp(p);
	if (fd >= 0) {
		(void)!write(fd, text, strlen(text));
		close(fd);
	}
}

static void test_read_shapes(void)
{
	struct bc_file j, l, c;
	char err[400];

	CHECK_INT(bc_read(LB "lb.json", &j, err, sizeof err), 0);
	CHECK_INT(bc_read(LB "lb.jsonl", &l, err, sizeof err), 0);
	CHECK_INT(bc_read(LB "lb.csv", &c, err, sizeof err), 0);
	CHECK_INT(j.n, 4);
	CHECK_INT(l.n, 4);
	CHECK_INT(c.n, 4);
	/* json's first: pp64 at 33291.38 ± 970.82 over 3 samples */
	CHECK_STR(j.r[0].model, "llama ?B Q8_0");
	CHECK_INT(j.r[0].n_prompt, 64);
	CHECK_INT(j.r[0].n_gen, 0);
	CHECK_NEAR(j.r[0].avg, 33291.382779, 1e-6);
	CHECK_NEAR(j.r[0].sd, 970.819894, 1e-6);
	CHECK_INT(j.r[0].n, 3);
	CHECK_INT(j.r[3].n_depth, 128);
	CHECK_INT(l.r[0].n, 3);
	/* llama-bench's CSV says no repetitions */
	CHECK_INT(c.r[1].n_gen, 16);
	CHECK_INT(c.r[1].n, 0);
	bc_file_free(&j);
	bc_file_free(&l);
	bc_file_free(&c);
}

static void test_refusals(void)
{
	struct bc_file f;
	char err[400], p[64];

	CHECK_INT(bc_read("/nonexistent/x.json", &f, err, sizeof err), -1);
	CHECK(strstr(err, "No such file") != NULL);
	scratch(p, sizeof p, "a,b\n1,2\n");
	CHECK_INT(bc_read(p, &f, err, sizeof err), -1);
	CHECK(strstr(err, "record 1 is not llama-bench's (no n_prompt") !=
	      NULL);
	unlink(p);
	scratch(p, sizeof p, "[]");
	CHECK_INT(bc_read(p, &f, err, sizeof err), -1);
	CHECK(strstr(err, "no test in it") != NULL);
	unlink(p);
}

static void test_compare(void)
{
	struct bc_file a, b;
	struct bc_table t;
	char err[400], p[64];

	/* a served file in report --bench json's shape: one model, another
	 * name; pp64 twice as fast over 5 repetitions, tg16 not in lb */
	scratch(
	    p, sizeof p,
	    "[{\"model_type\":\"tiny\",\"n_prompt\":64,\"n_gen\":0,"
	    "\"n_depth\":0,\"avg_ts\":66582.765558,\"stddev_ts\":1941.64,"
	    "\"repetitions\":5},\n"
	    "{\"model_type\":\"tiny\",\"n_prompt\":0,\"n_gen\":32,"
	    "\"n_depth\":0,\"avg_ts\":5,\"stddev_ts\":0,\"repetitions\":5}]");
	CHECK_INT(bc_read(LB "lb.json", &a, err, sizeof err), 0);
	CHECK_INT(bc_read(p, &b, err, sizeof err), 0);
	unlink(p);
	CHECK_INT(bc_compare(&a, &b, &t), 0);
	CHECK_INT(t.by_test, 1);
	CHECK_INT(t.n, 1);
	CHECK_STR(t.row[0].test, "pp64");
	CHECK_NEAR(t.row[0].s.ratio, 2.0, 1e-9);
	CHECK(t.row[0].s.lo < 2 && t.row[0].s.hi > 2 && t.row[0].s.lo > 1.8);
	CHECK_INT(t.a_left, 3);
	CHECK_INT(t.b_left, 1);
	bc_free(&t);
	/* the same model by name: no fallback; a test twice is left out */
	CHECK_INT(bc_compare(&a, &a, &t), 0);
	CHECK_INT(t.by_test, 0);
	CHECK_INT(t.n, 4);
	CHECK_STR(t.row[3].test, "tg16 @ d128");
	CHECK_NEAR(t.row[3].s.ratio, 1, 1e-12);
	bc_free(&t);
	a.r[1] = a.r[0];
	CHECK_INT(bc_compare(&a, &a, &t), 0);
	CHECK_INT(t.n, 2);
	CHECK_INT(t.dups, 2);
	bc_free(&t);
	bc_file_free(&a);
	bc_file_free(&b);
}

int main(void)
{
	RUN(test_read_shapes);
	RUN(test_refusals);
	RUN(test_compare);
	return DONE();
}
