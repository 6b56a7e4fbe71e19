/* Unit tests for src/report/plot: the charts' data as CSV files from run
 * files with worked-out values (runfix.h): decode speed by quantization
 * in the data layer's order, memory against speed, and labels kept out
 * of the gnuplot scripts. */
#include "runfix.h"

#include "plot.h"

static char assets[] = "/tmp/t_plot.XXXXXX";

/* The whole of assets/name, or NULL; the caller frees it. */
static char *slurp(const char *name)
{
	char path[300], *buf = calloc(1, 65536);
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", assets, name);
	if (buf == NULL || (f = fopen(path, "r")) == NULL) {
		free(buf);
		return NULL;
	}
	if (fread(buf, 1, 65535, f) == 0)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

static void test_csv(void)
{
	struct rd_set s;
	struct plot p = {0};
	char *t;

	clear();
	/* written larger first: the chart orders by bits per weight */
	write_run(&(struct spec){"b.json", "M", "Q8_0", "std.json", 1, 32, 2, 1,
				 1.0, 180, 190, 70, 0});
	write_run(&(struct spec){"a.json", "M", "Q4_K_M", "std.json", 1, 32, 2,
				 1, 1.2, 100, 110, 80, 0});
	s = load();
	snprintf(p.dir, sizeof p.dir, "%s", assets);
	p.fmt = "svg";
	plot_all(&p, &s); /* drawn or not (gnuplot may be missing): the data is
			     written */
	t = slurp("decode_tps.csv");
	CHECK(t != NULL);
	/* decode 44 x 1.2 = 52.8 for Q4_K_M, 44 for Q8_0, smallest first */
	CHECK(t && strstr(t, "\"Q4_K_M\",52.8\n\"Q8_0\",44\n") != NULL);
	free(t);
	t = slurp("tps_vs_memory.csv");
	CHECK(t && strstr(t, "\"M · Q4_K_M\",100,52.8,") != NULL);
	CHECK(t && strstr(t, "\"M · Q8_0\",180,44,") != NULL);
	free(t);
	/* labels reach gnuplot in the data only */
	t = slurp("decode_tps.gp");
	CHECK(t && strstr(t, "Q4_K_M") == NULL &&
	      strstr(t, "decode_tps.csv") != NULL);
	free(t);
	rd_free(&s);
}

int main(void)
{
	char cmd[400];

	if (mkdtemp(dir) == NULL || mkdtemp(assets) == NULL)
		return 1;
	RUN(test_csv);
	clear();
	rmdir(dir);
	snprintf(cmd, sizeof cmd, "rm -rf %s", assets);
	return system(cmd) != 0 || DONE();
}
