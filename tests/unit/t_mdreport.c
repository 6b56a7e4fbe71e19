/* Unit tests for src/report/mdreport: the report rendered from run files
 * with worked-out values (runfix.h): its sections in order, the Summary's
 * cells carrying the data layer's figures as written, the answer naming
 * the pick, and what it says of a group that failed; and md's one path
 * that writes every table. */
#include "runfix.h"

#include "decide.h"
#include "md.h"
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

/* A table of md's one path: a row is an int pair; the context says
 * whether the hidden column shows and how many times the last repeats. */
struct tctx {
	int show, reps;
};
static void c_name(const struct md_at *at)
{
	md_cell(at->w, ((const int *)at->row)[0] ? "a|b" : "", 10);
}
static void c_num(const struct md_at *at)
{
	md_out(at->w, "%d", ((const int *)at->row)[1]);
}
static void c_rep(const struct md_at *at)
{
	md_out(at->w, "%d", ((const int *)at->row)[1] * (at->k + 1));
}
static int when(const struct md_at *at)
{
	return ((const struct tctx *)at->ctx)->show;
}
static int reps(const void *ctx)
{
	return ((const struct tctx *)ctx)->reps;
}
static void rep_title(const struct md_at *at)
{
	md_out(at->w, "x%d", at->k + 1);
}

static const struct md_col tcols[] = {
    {.title = "name", .align = MD_LEFT, .cell = c_name},
    {.title = "hidden", .align = MD_RIGHT, .cell = c_num, .shown = when},
    {.title = "n", .align = "--:", .cell = c_num},
    {.align = MD_RIGHT, .cell = c_rep, .repeat = reps, .head = rep_title},
};

static char *table(const struct tctx *c)
{
	const struct md_table t = MD_TABLE(tcols, c);
	const int rows[2][2] = {{1, 7}, {0, 3}};
	char *text;
	jw w;

	jw_init(&w);
	md_table_head(&w, &t);
	for (int i = 0; i < 2; i++)
		md_table_row(&w, &t, rows[i]);
	text = strdup(jw_cstr(&w));
	jw_free(&w);
	return text;
}

/* Every table is written by one loop: titles, alignments and cells between
 * bars, a column hidden when its shown() says so, a repeated column once
 * per k with its own title, cells escaped by md_cell. */
static void test_table(void)
{
	char *t = table(&(struct tctx){0, 2});

	CHECK_STR(t, "| name | n | x1 | x2 |\n"
		     "|---|--:|---:|---:|\n"
		     "| a\\|b | 7 | 7 | 14 |\n"
		     "| — | 3 | 3 | 6 |\n");
	free(t);
	t = table(&(struct tctx){1, 0});
	CHECK_STR(t, "| name | hidden | n |\n"
		     "|---|---:|--:|\n"
		     "| a\\|b | 7 | 7 |\n"
		     "| — | 3 | 3 |\n");
	free(t);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_sections);
	RUN(test_failures);
	RUN(test_capacity_tie);
	RUN(test_table);
	clear();
	rmdir(dir);
	return DONE();
}
