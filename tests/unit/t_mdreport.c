/* Unit tests for src/report/mdreport: the report rendered from run files
 * with worked-out values (runfix.h): its sections in order, the Summary's
 * cells carrying the data layer's figures as written, the answer naming
 * the pick, and what it says of a group that failed. */
#include "runfix.h"

#include "decide.h"
#include "mdreport.h"

static struct decision dec;

/* The report of the runs written so far, as report renders it (no
 * charts); the caller frees it. */
static char *render(struct rd_set *s)
{
	struct mdreport r = {0};
	char *text;
	jw md;

	*s = load();
	CHECK_INT(decide(s, 0, &dec), 0);
	r.set = s;
	r.dec = &dec;
	r.title = "t_mdreport";
	r.out_path = "/tmp/t_mdreport/report.md";
	r.chart_fmt = "png";
	jw_init(&md);
	mdreport_write(&md, &r);
	text = strdup(jw_cstr(&md));
	jw_free(&md);
	return text;
}

/* The line of text starting with prefix, or NULL. */
static const char *line_of(const char *text, const char *prefix)
{
	const char *p = text;

	for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return p;
	return NULL;
}

static void test_sections(void)
{
	/* the title escaped for Markdown (an underscore would be emphasis) */
	static const char *const order[] = {"# t\\_mdreport", "## The answer",
					    "## Summary", "## Runs"};
	struct rd_set s;
	const char *at = NULL, *p;
	char *t;

	clear();
	write_run(&(struct spec){"a.json", "M", "Q4", "std.json", 1, 32, 2, 1,
				 1.2, 100, 110, 80, 0});
	write_run(&(struct spec){"b.json", "M", "Q8", "std.json", 1, 32, 2, 1,
				 1.0, 180, 190, 70, 0});
	t = render(&s);
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		p = line_of(t, order[i]);
		CHECK(p != NULL && p > at);
		at = p;
	}
	/* the Summary row: decode 44 x 1.2 = 52.80 tok/s over 10 requests,
	 * TTFT of the shortest prompt ("short", 17 tokens) 100.0 ms */
	p = line_of(t, "| M · Q4 | 1 |");
	CHECK(p != NULL);
	CHECK(p && strstr(p, "52.80") != NULL);
	CHECK(p && strstr(p, "100.0 (short)") != NULL);
	p = line_of(t, "| M · Q8 | 1 |");
	CHECK(p && strstr(p, "44.00") != NULL);
	/* the answer names the faster quantization for one user */
	p = strstr(t, "## The answer");
	CHECK(p && strstr(p, "M · Q4") != NULL);
	free(t);
	decide_free(&dec);
	rd_free(&s);
}

static void test_failures(void)
{
	struct rd_set s;
	char *t;

	clear();
	X.failed = 3; /* 3 failed of 13 measured */
	write_run(&(struct spec){"a.json", "M", "Q4", "std.json", 1, 32, 2, 1,
				 1.2, 100, 110, 80, 0});
	t = render(&s);
	/* its error rate in the Summary, 3 / 13 */
	CHECK(line_of(t, "| M · Q4 | 1 |") != NULL &&
	      strstr(line_of(t, "| M · Q4 | 1 |"), "23.1 %") != NULL);
	free(t);
	decide_free(&dec);
	rd_free(&s);
}

/* The answer's several-users pick by capacity: a tie says why and what
 * picked (decide_cap_tied: the searches of t_decide's first case). */
static void test_capacity_tie(void)
{
	struct rd_set s;
	const char *p;
	char *t;

	clear();
	write_search("A", 20, 350);
	write_search("B", 18, 360);
	t = render(&s);
	p = line_of(t, "- **Several users** (at ttft\\_p95&lt;=3s, make "
		       "capacity): M · B holds **4 users**; at 5 users the "
		       "TTFT p95 is 4 s (objective at most 3 s); a **tie** "
		       "with M · A, which holds **5 users**; at 6 users the "
		       "TTFT p95 is 4 s (objective at most 3 s): at 5 users "
		       "M · B broke with attainment 90 % (70-97 %) and M · A "
		       "held with attainment 100 % (84-100 %), intervals that "
		       "overlap; picked by goodput at 4 users, the most both "
		       "held (360.0 against 350.0 tokens/s).");
	CHECK(p != NULL);
	if (p == NULL)
		printf("# %s\n", strstr(t, "- **Several users**"));
	free(t);
	decide_free(&dec);
	rd_free(&s);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_sections);
	RUN(test_failures);
	RUN(test_capacity_tie);
	clear();
	rmdir(dir);
	return DONE();
}
