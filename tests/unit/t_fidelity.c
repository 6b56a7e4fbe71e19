/* Unit tests for lib/fidelity: gen's chunks paired with llmsim's by
 * request and order, and the errors worked out by hand. */
#include "tap.h"

#include "fidelity.h"

static FILE *text(const char *s)
{
	FILE *f = tmpfile();

	fputs(s, f);
	rewind(f);
	return f;
}

static void test_pairs(void)
{
	/* request 1: sent at 10.000 (llmsim got it at 10.001); chunks written
	 * at 10.101, 10.201, read by gen at 10.102, 10.203; a role chunk and
	 * another run's request are left out */
	FILE *ev = text(
	    "{\"ev\":\"run\",\"t\":9,\"run_id\":\"R\"}\n"
	    "{\"ev\":\"req\",\"t\":10.000,\"id\":1}\n"
	    "{\"ev\":\"tok\",\"t\":10.05,\"id\":1,\"ch\":\"role\"}\n"
	    "{\"ev\":\"tok\",\"t\":10.102,\"id\":1,\"ch\":\"content\"}\n"
	    "{\"ev\":\"tok\",\"t\":10.203,\"id\":1,\"ch\":\"reasoning\"}\n");
	FILE *log = text(
	    "{\"ev\":\"sim\",\"t\":10.001,\"what\":\"req\",\"rid\":\"R-1\"}\n"
	    "{\"ev\":\"sim\",\"t\":10.05,\"what\":\"chunk\",\"rid\":\"R-1\","
	    "\"ch\":\"role\"}\n"
	    "{\"ev\":\"sim\",\"t\":10.101,\"what\":\"chunk\",\"rid\":\"R-1\","
	    "\"ch\":\"content\"}\n"
	    "{\"ev\":\"sim\",\"t\":10.201,\"what\":\"chunk\",\"rid\":\"R-1\","
	    "\"ch\":\"reasoning\"}\n"
	    "{\"ev\":\"sim\",\"t\":10.3,\"what\":\"chunk\",\"rid\":\"Q-1\","
	    "\"ch\":\"content\"}\n");
	struct fidelity f;
	char why[100];

	CHECK_INT(fidelity_read(&f, ev, log, why, sizeof why), 0);
	CHECK_INT((int)f.pairs, 2);
	CHECK_INT((int)f.gen_chunks, 2);
	CHECK_INT((int)f.sim_chunks, 2);
	/* offsets 1 and 2 ms; TTFT gen 102 - llmsim 100 = 2 ms; ITL 101 - 100
	 */
	CHECK_NEAR(f.offset.v[0], 1, 1e-6);
	CHECK_NEAR(f.offset.v[1], 2, 1e-6);
	CHECK_INT((int)f.ttft.n, 1);
	CHECK_NEAR(f.ttft.v[0], 2, 1e-6);
	CHECK_NEAR(f.itl.v[0], 1, 1e-6);
	fidelity_free(&f);
	fclose(ev);
	fclose(log);
}

static void test_no_run(void)
{
	FILE *ev = text("{\"ev\":\"req\",\"t\":1,\"id\":1}\n"), *log = text("");
	struct fidelity f;
	char why[100];

	CHECK_INT(fidelity_read(&f, ev, log, why, sizeof why), -1);
	CHECK_STR(why, "gen's events have no run event");
	fclose(ev);
	fclose(log);
}

int main(void)
{
	RUN(test_pairs);
	RUN(test_no_run);
	return DONE();
}
