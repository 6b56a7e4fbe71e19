/* perfpage: make bench-self's figures into perf.json, and docs/perf.md's
 * generated part, its CSV data and gnuplot scripts from perf.json.
 *   perfpage json DIR          perf.json on stdout from DIR/facts ("key
 *                              value" lines) and the rows DIR/thr, fid,
 *                              agg, rate (numbers separated by spaces)
 *   perfpage merge JSON DIR    JSON on stdout with its teacher_forcing
 *                              figures replaced by DIR's when it has them
 *                              (tf, tf.names, tf.facts: bench-self
 *                              BENCH_ONLY=teacher), and its memsample
 *                              power figures by DIR/power.facts' (mspow,
 *                              mspow_secs, mspow_src: BENCH_ONLY=power)
 *   perfpage render JSON PAGE ASSETS GPDIR
 *                              the part of PAGE between the markers
 *                              <!-- bench-self:begin --> and :end rewritten
 *                              from JSON (a new PAGE: the title and that
 *                              part), ASSETS/throughput.csv, fidelity.csv,
 *                              and GPDIR/thr.gp, fid.gp drawing the charts
 *                              into ASSETS
 * The prose around the markers (the history of the figures) is written by
 * hand and kept.  Exit 1, with why on stderr, on a missing figure or an
 * unwritable file; 2 usage. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "fileio.h"
#include "jget.h"
#include "units.h"

#define BEGIN "<!-- bench-self:begin -->"
#define END "<!-- bench-self:end -->"

static _Noreturn void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "perfpage: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(1);
}

/* ---- perf.json ---------------------------------------------------------- */

static char *slurp(const char *dir, const char *name)
{
	char path[4096];
	size_t len;
	char *text;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((text = fileio_slurp(path, 16u << 20, &len)) == NULL)
		die("%s: %s", path, strerror(errno));
	return text;
}

/* The value of key in facts ("key value" lines), NULL when absent. */
static char *fact(const char *facts, const char *key, char *buf, size_t n)
{
	size_t klen = strlen(key);
	const char *s = facts;

	while (*s) {
		size_t len = strcspn(s, "\n");
		if (len > klen && strncmp(s, key, klen) == 0 &&
		    s[klen] == ' ') {
			snprintf(buf, n, "%.*s", (int)(len - klen - 1),
				 s + klen + 1);
			return buf;
		}
		s += len + (s[len] == '\n');
	}
	return NULL;
}

static double num_fact(const char *facts, const char *key)
{
	char buf[256], *end;
	double x;

	if (fact(facts, key, buf, sizeof buf) == NULL)
		die("facts: no %s%s", key, "");
	x = strtod(buf, &end);
	if (end == buf || *end != '\0')
		die("facts: %s %s is not a number", key, buf);
	return x;
}

/* One line's numbers, separated by blanks, as an array. */
static cJSON *row_of(const char *name, char *line)
{
	cJSON *row = cJSON_CreateArray();
	char *s = line, *end;

	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0')
			return row;
		cJSON_AddItemToArray(row, cJSON_CreateNumber(strtod(s, &end)));
		if (end == s || (*end != '\0' && *end != ' ' && *end != '\t'))
			die("%s: \"%.20s\" is not a number", name, s);
		s = end;
	}
}

/* The rows of DIR/name: one array of numbers per line (blank lines
 * skipped). */
static cJSON *rows(const char *dir, const char *name)
{
	char *text = slurp(dir, name), *s = text;
	cJSON *all = cJSON_CreateArray(), *row;

	while (*s) {
		size_t len = strcspn(s, "\n");
		int more = s[len] == '\n';
		s[len] = '\0';
		row = row_of(name, s);
		if (cJSON_GetArraySize(row) > 0)
			cJSON_AddItemToArray(all, row);
		else
			cJSON_Delete(row);
		s += len + more;
	}
	free(text);
	return all;
}

static double at(const cJSON *row, int i)
{
	const cJSON *x = cJSON_GetArrayItem(row, i);

	if (!cJSON_IsNumber(x))
		die("a row has no column %s%s", i < 10 ? "below 10" : "10", "");
	return x->valuedouble;
}

static cJSON *pct(double p50, double p99, double max)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "p50", p50);
	cJSON_AddNumberToObject(o, "p99", p99);
	cJSON_AddNumberToObject(o, "max", max);
	return o;
}

static cJSON *machine(const char *facts)
{
	double cpus = num_fact(facts, "cpus"),
	       l0 = num_fact(facts, "load_start");
	double l1 = num_fact(facts, "load_end");
	cJSON *m = cJSON_CreateObject();
	char buf[512];

	cJSON_AddNumberToObject(m, "cpus", cpus);
	cJSON_AddStringToObject(
	    m, "cpu", fact(facts, "cpu", buf, sizeof buf) ? buf : "unknown");
	cJSON_AddNumberToObject(m, "mem_gib",
				num_fact(facts, "mem_kb") / 1048576);
	cJSON_AddStringToObject(
	    m, "os", fact(facts, "os", buf, sizeof buf) ? buf : "unknown");
	cJSON_AddNumberToObject(m, "load_start", l0);
	cJSON_AddNumberToObject(m, "load_end", l1);
	cJSON_AddBoolToObject(m, "busy", l0 > cpus / 2 || l1 > cpus / 2);
	return m;
}

static cJSON *throughput(const char *dir)
{
	static const char *const key[] = {
	    "streams",	      "events_s",
	    "cpu_s_per_100k", "events_per_cpu_s",
	    "gen_cores",      "sim_cores",
	    "curl_events_s",  "curl_events_per_cpu_s"};
	cJSON *in = rows(dir, "thr"), *out = cJSON_CreateArray(), *r;
	int i;

	cJSON_ArrayForEach(r, in)
	{
		cJSON *o = cJSON_CreateObject();
		for (i = 0; i < 8; i++)
			cJSON_AddNumberToObject(o, key[i], at(r, i));
		cJSON_AddItemToArray(out, o);
	}
	cJSON_Delete(in);
	return out;
}

static cJSON *fidelity(const char *dir)
{
	cJSON *in = rows(dir, "fid"), *out = cJSON_CreateArray(), *r;

	cJSON_ArrayForEach(r, in)
	{
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "streams", at(r, 0));
		cJSON_AddNumberToObject(o, "chunks", at(r, 10));
		cJSON_AddItemToObject(o, "arrival_ms",
				      pct(at(r, 1), at(r, 2), at(r, 3)));
		cJSON_AddItemToObject(o, "ttft_ms",
				      pct(at(r, 4), at(r, 5), at(r, 6)));
		cJSON_AddItemToObject(o, "itl_ms",
				      pct(at(r, 7), at(r, 8), at(r, 9)));
		cJSON_AddItemToArray(out, o);
	}
	cJSON_Delete(in);
	return out;
}

/* gen against the Python client (bench-self's peer): rows "streams gen
 * py lean ratio ratio_lean curl curl_ratio py_chunks_per_read gen_run
 * ratio_run bare bare_ratio", CPU seconds per 1000 chunks; or why not.
 * A perf.json older than the bare reader has no bare fields. */
static cJSON *peer(const char *dir)
{
	static const char *const key[] = {"streams",
					  "gen_cpu_s_per_1000",
					  "py_cpu_s_per_1000",
					  "lean_cpu_s_per_1000",
					  "ratio",
					  "ratio_lean",
					  "curl_cpu_s_per_1000",
					  "curl_ratio",
					  "py_chunks_per_read",
					  "gen_run_cpu_s_per_1000",
					  "ratio_run",
					  "bare_cpu_s_per_1000",
					  "bare_ratio"};
	cJSON *p = cJSON_CreateObject(), *in, *out, *r;
	char path[4096];

	snprintf(path, sizeof path, "%s/peer.why", dir);
	if (access(path, R_OK) == 0) {
		char *why = slurp(dir, "peer.why");
		why[strcspn(why, "\n")] = '\0';
		cJSON_AddStringToObject(p, "why", why);
		free(why);
	}
	in = rows(dir, "peer");
	out = cJSON_AddArrayToObject(p, "rows");
	cJSON_ArrayForEach(r, in)
	{
		cJSON *o = cJSON_CreateObject();
		for (size_t i = 0; i < sizeof key / sizeof *key; i++)
			cJSON_AddNumberToObject(o, key[i], at(r, (int)i));
		cJSON_AddItemToArray(out, o);
	}
	cJSON_Delete(in);
	return p;
}

static cJSON *gen(const char *dir, const char *facts)
{
	cJSON *g = cJSON_CreateObject(), *o, *rate = rows(dir, "rate");
	const cJSON *r = cJSON_GetArrayItem(rate, 0);

	cJSON_AddNumberToObject(g, "tokens_per_run", num_fact(facts, "tokens"));
	cJSON_AddItemToObject(g, "throughput", throughput(dir));
	o = cJSON_AddObjectToObject(g, "peak_rss_kb");
	cJSON_AddNumberToObject(o, "one", num_fact(facts, "rss1"));
	cJSON_AddNumberToObject(o, "many", num_fact(facts, "rssN"));
	cJSON_AddNumberToObject(o, "many_streams", num_fact(facts, "cmax"));
	o = cJSON_AddObjectToObject(g, "scale");
	cJSON_AddNumberToObject(o, "opened", num_fact(facts, "scale_n"));
	cJSON_AddNumberToObject(o, "ok", num_fact(facts, "scale_ok"));
	cJSON_AddNumberToObject(o, "in_flight", num_fact(facts, "inflight"));
	cJSON_AddItemToObject(g, "fidelity", fidelity(dir));
	cJSON_AddItemToObject(g, "peer", peer(dir));
	cJSON_AddItemToObject(g, "rate_lateness_ms",
			      pct(at(r, 0), at(r, 1), at(r, 2)));
	cJSON_Delete(rate);
	return g;
}

static cJSON *aggs(const char *dir)
{
	cJSON *in = rows(dir, "agg"), *out = cJSON_CreateArray(), *r;

	cJSON_ArrayForEach(r, in)
	{
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "events", at(r, 0));
		cJSON_AddNumberToObject(o, "requests", at(r, 1));
		cJSON_AddNumberToObject(o, "seconds", at(r, 2));
		cJSON_AddNumberToObject(o, "peak_rss_kb", at(r, 3));
		cJSON_AddItemToArray(out, o);
	}
	cJSON_Delete(in);
	return out;
}

/* The teacher-forcing figures of DIR: tf.facts (tf_date, tf_server, or
 * tf_why), tf rows "k positions gen_s pass_s ratio", tf.names. */
static cJSON *teacher(const char *dir)
{
	char *facts = slurp(dir, "tf.facts"), *names, *s, buf[256];
	cJSON *t = cJSON_CreateObject(), *in, *runs, *r;

	if (fact(facts, "tf_why", buf, sizeof buf) != NULL) {
		cJSON_AddStringToObject(t, "why", buf);
		free(facts);
		return t;
	}
	cJSON_AddStringToObject(
	    t, "date", fact(facts, "tf_date", buf, sizeof buf) ? buf : "?");
	cJSON_AddStringToObject(
	    t, "server", fact(facts, "tf_server", buf, sizeof buf) ? buf : "?");
	cJSON_AddNumberToObject(t, "reps", num_fact(facts, "tf_reps"));
	cJSON_AddNumberToObject(t, "load_start", num_fact(facts, "tf_load"));
	if (fact(facts, "tf_threads", buf, sizeof buf) != NULL)
		cJSON_AddNumberToObject(t, "threads", atof(buf));
	in = rows(dir, "tf");
	s = names = slurp(dir, "tf.names");
	runs = cJSON_AddArrayToObject(t, "runs");
	cJSON_ArrayForEach(r, in)
	{
		cJSON *o = cJSON_CreateObject();
		size_t len = strcspn(s, "\n");
		snprintf(buf, sizeof buf, "%.*s", (int)len, s);
		cJSON_AddStringToObject(o, "model", buf);
		s += len + (s[len] == '\n');
		cJSON_AddNumberToObject(o, "k", at(r, 0));
		cJSON_AddNumberToObject(o, "positions", at(r, 1));
		cJSON_AddNumberToObject(o, "gen_s", at(r, 2));
		cJSON_AddNumberToObject(o, "pass_s", at(r, 3));
		cJSON_AddNumberToObject(o, "ratio", at(r, 4));
		if (cJSON_GetArraySize(r) >= 8) { /* positions a request, and
						   * the runs' spread */
			cJSON_AddNumberToObject(o, "batch", at(r, 5));
			cJSON_AddNumberToObject(o, "ratio_min", at(r, 6));
			cJSON_AddNumberToObject(o, "ratio_max", at(r, 7));
		}
		cJSON_AddItemToArray(runs, o);
	}
	cJSON_Delete(in);
	free(names);
	free(facts);
	return t;
}

/* memsample --power's cost (mspow, mspow_secs, mspow_src) into o. */
static void power_cost(cJSON *o, const char *facts)
{
	char buf[256];

	cJSON_DeleteItemFromObject(o, "power");
	o = cJSON_AddObjectToObject(o, "power");
	cJSON_AddNumberToObject(o, "seconds", num_fact(facts, "mspow_secs"));
	cJSON_AddNumberToObject(o, "cpu_pct_100ms", num_fact(facts, "mspow"));
	cJSON_AddStringToObject(
	    o, "sources",
	    fact(facts, "mspow_src", buf, sizeof buf) ? buf : "unknown");
}

static int has_file(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	fclose(f);
	return 1;
}

/* JSON with DIR's teacher-forcing or power figures in place of its own. */
static int merge(const char *json, const char *dir)
{
	size_t len;
	char *text = fileio_slurp(json, 16u << 20, &len), *out;
	cJSON *doc = text ? cJSON_Parse(text) : NULL;

	if (doc == NULL)
		die("%s: not JSON%s", json, "");
	if (has_file(dir, "tf.facts")) {
		cJSON_DeleteItemFromObject(doc, "teacher_forcing");
		cJSON_AddItemToObject(doc, "teacher_forcing", teacher(dir));
	}
	if (has_file(dir, "power.facts")) {
		char *pf = slurp(dir, "power.facts");
		cJSON *ms = cJSON_GetObjectItemCaseSensitive(doc, "memsample");
		if (!cJSON_IsObject(ms))
			die("%s: no memsample object%s", json, "");
		power_cost(ms, pf);
		free(pf);
	}
	out = cJSON_Print(doc);
	puts(out);
	free(out);
	free(text);
	cJSON_Delete(doc);
	return fflush(stdout) != 0 || ferror(stdout);
}

static int perf_json(const char *dir)
{
	char *facts = slurp(dir, "facts"), buf[64], *text;
	cJSON *p = cJSON_CreateObject(), *o;

	cJSON_AddStringToObject(
	    p, "date", fact(facts, "date", buf, sizeof buf) ? buf : "unknown");
	cJSON_AddNumberToObject(p, "reps", num_fact(facts, "reps"));
	cJSON_AddBoolToObject(p, "quick", num_fact(facts, "quick") != 0);
	cJSON_AddItemToObject(p, "machine", machine(facts));
	cJSON_AddItemToObject(p, "gen", gen(dir, facts));
	cJSON_AddItemToObject(p, "agg", aggs(dir));
	o = cJSON_AddObjectToObject(p, "report");
	cJSON_AddNumberToObject(o, "files", num_fact(facts, "rfiles"));
	cJSON_AddNumberToObject(o, "seconds_no_charts",
				num_fact(facts, "rnone"));
	cJSON_AddNumberToObject(o, "seconds_png", num_fact(facts, "rpng"));
	o = cJSON_AddObjectToObject(p, "memsample");
	cJSON_AddNumberToObject(o, "seconds", num_fact(facts, "mssecs"));
	cJSON_AddNumberToObject(o, "cpu_pct_100ms", num_fact(facts, "ms100"));
	cJSON_AddNumberToObject(o, "cpu_pct_10ms", num_fact(facts, "ms10"));
	power_cost(o, facts);
	cJSON_AddItemToObject(p, "teacher_forcing", teacher(dir));
	text = cJSON_Print(p);
	puts(text);
	free(text);
	free(facts);
	cJSON_Delete(p);
	return fflush(stdout) != 0 || ferror(stdout);
}

/* ---- the page ----------------------------------------------------------- */

static const cJSON *P; /* perf.json */

static double N(const cJSON *o, const char *path)
{
	const cJSON *x = jget_path(o, path);

	if (!cJSON_IsNumber(x))
		die("perf.json: no number at %s%s", path, "");
	return x->valuedouble;
}

/* A number, or NAN when the figure is not there (a perf.json older than
 * the figure). */
static double N_or_nan(const cJSON *o, const char *path)
{
	const cJSON *x = jget_path(o, path);

	return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

/* met or missed, from the figure itself: at least (ge) or at most t. */
static const char *mark(double v, double t, int ge)
{
	return (ge ? v >= t : v <= t) ? "met" : "**missed**";
}

static const cJSON *arr(const char *path)
{
	const cJSON *a = jget_path(P, path);

	if (!cJSON_IsArray(a))
		die("perf.json: no array at %s%s", path, "");
	return a;
}

/* The arrival error p99 at s streams, NAN when not measured. */
static double fid_p99(double s)
{
	const cJSON *f;

	cJSON_ArrayForEach(
	    f, arr("gen.fidelity")) if (N(f, "streams") ==
					s) return N(f, "arrival_ms.p99");
	return NAN;
}

static void header(FILE *o)
{
	char b0[32], b1[32];

	fprintf(
	    o,
	    "Generated by `make bench-self` on %s, from [perf.json](perf.json) "
	    "(every figure, machine-readable). tokbench's claim is that its "
	    "client\n"
	    "is never the bottleneck and its timestamps are right: this page "
	    "measures both, on loopback\nagainst llmsim, each figure the "
	    "median of "
	    "%.0f runs.\n\n",
	    jget_str(P, "date"), N(P, "reps"));
	fprintf(
	    o,
	    "Machine: %.0f CPUs (%s), %.0f GiB,\n%s, shared and virtualised, "
	    "so absolute figures vary; compare ratios and the targets.\n"
	    "llmsim runs on the same machine, so gen and the server share the "
	    "CPUs.\n"
	    "Load average (1 min) at the start and the end: %s and %s on %.0f "
	    "CPUs.\n",
	    N(P, "machine.cpus"), jget_path_str(P, "machine.cpu"),
	    round(N(P, "machine.mem_gib")), jget_path_str(P, "machine.os"),
	    units_shortest(N(P, "machine.load_start"), b0, sizeof b0),
	    units_shortest(N(P, "machine.load_end"), b1, sizeof b1),
	    N(P, "machine.cpus"));
	if (cJSON_IsTrue(jget_path(P, "machine.busy")))
		fprintf(o, "**The machine was busy during this run: every "
			   "figure below "
			   "is pessimistic, and which process was the limit "
			   "cannot be told.**\n");
	fprintf(o, "\n");
}

static double best_eps(void)
{
	const cJSON *r;
	double best = 0;

	cJSON_ArrayForEach(r, arr("gen.throughput")) best =
	    fmax(best, N(r, "events_per_cpu_s"));
	return best;
}

static double agg_eps(void)
{
	const cJSON *r;
	double worst = INFINITY;

	cJSON_ArrayForEach(r, arr("agg")) worst =
	    fmin(worst, N(r, "events") / N(r, "seconds"));
	return worst;
}

/* One target's row whose figure is an arrival error, maybe not measured. */
static void fid_target(FILE *o, double streams, double bound, const char *why)
{
	double v = fid_p99(streams);
	char b[32];

	fprintf(o, "| gen: arrival error p99 ≤ %s ms at %.0f stream%s | ",
		units_shortest(bound, b, sizeof b), streams,
		streams == 1 ? "" : "s");
	if (isnan(v))
		fprintf(o, " | %s |\n", why);
	else
		fprintf(o, "%s ms | %s |\n", units_shortest(v, b, sizeof b),
			mark(v, bound, 0));
}

/* The worst ratio of a teacher-forced pass to a generation, at gen's
 * default of 64 positions a request (rows without a batch are of it), on
 * the largest model measured (the longest generation): the target's
 * model; a 1 MB test model's decode step is cheaper than the server's
 * fixed cost of a task, which then sets its ratio (docs/perf.md); NAN. */
static double tf_worst(void)
{
	const cJSON *r, *b;
	double worst = NAN, gen = 0;

	cJSON_ArrayForEach(r, jget_path(P, "teacher_forcing.runs")) gen =
	    fmax(gen, N(r, "gen_s"));
	cJSON_ArrayForEach(r, jget_path(P, "teacher_forcing.runs"))
	{
		b = cJSON_GetObjectItem(r, "batch");
		if ((cJSON_IsNumber(b) && b->valuedouble != 64) ||
		    N(r, "gen_s") < gen)
			continue;
		worst =
		    isnan(worst) ? N(r, "ratio") : fmax(worst, N(r, "ratio"));
	}
	return worst;
}

/* The model of the target's rows (see tf_worst); "?". */
static const char *tf_model(void)
{
	const cJSON *r;
	const char *m = "?";
	double gen = -1;

	cJSON_ArrayForEach(r, jget_path(P, "teacher_forcing.runs"))
	{
		if (N(r, "gen_s") > gen && jget_str(r, "model"))
			gen = N(r, "gen_s"), m = jget_str(r, "model");
	}
	return m;
}

static void tf_target(FILE *o)
{
	double w = tf_worst();

	fprintf(o,
		"| gen --teacher-force: 128 positions ≤ 3 × a generation of "
		"128 tokens (llama-server, %s) | ",
		isnan(w) ? "?" : tf_model());
	if (isnan(w))
		fprintf(o, " | not measured (Teacher forcing) |\n\n");
	else
		fprintf(o, "%.2f × | %s |\n\n", w, mark(w, 3, 0));
}

/* gen's events per CPU-second against curl's on the same streams: the
 * worst ratio over the stream counts, NAN when curl's CPU was not kept. */
static void curl_target(FILE *o)
{
	const cJSON *r;
	double worst = NAN, at_c = 0;

	cJSON_ArrayForEach(r, arr("gen.throughput"))
	{
		double v = N(r, "events_per_cpu_s") /
			   N_or_nan(r, "curl_events_per_cpu_s");
		if (!isnan(v) && (isnan(worst) || v < worst))
			worst = v, at_c = N(r, "streams");
	}
	fprintf(o, "| gen: ≥ 0.9 of curl's events per CPU-second, at every "
		   "stream count | ");
	if (isnan(worst))
		fprintf(o, " | not measured |\n");
	else
		fprintf(o, "%.2f (worst, at %.0f) | %s |\n", worst, at_c,
			mark(worst, 0.9, 1));
}

/* The row of the peer table at s streams, or NULL. */
static const cJSON *peer_at(double s)
{
	const cJSON *r;

	cJSON_ArrayForEach(r,
			   jget_path(P, "gen.peer.rows")) if (N(r, "streams") ==
							      s) return r;
	return NULL;
}

static void peer_target(FILE *o, double s, double bound)
{
	const cJSON *r = peer_at(s);

	fprintf(o,
		"| gen: CPU per chunk ≤ %.2f of a Python client's (vLLM's "
		"shape) at %.0f stream%s | ",
		bound, s, s == 1 ? "" : "s");
	if (r == NULL) {
		fprintf(o, " | not measured |\n");
		return;
	}
	fprintf(o, "%.2f", N(r, "ratio_run"));
	if (!isnan(N_or_nan(r, "bare_ratio")))
		fprintf(o, " (a bare reader: %.2f)", N(r, "bare_ratio"));
	fprintf(o, " | %s |\n", mark(N(r, "ratio_run"), bound, 0));
}

static void targets(FILE *o)
{
	double eps = best_eps(), inflight = N(P, "gen.scale.in_flight");
	double aeps = agg_eps(), ms100 = N(P, "memsample.cpu_pct_100ms"), pw;

	fprintf(o, "## Targets\n\nEach target is marked from this run's own "
		   "figures.\n\n"
		   "| target | figure | |\n|---|---:|---|\n");
	fprintf(o, "| gen: ≥ 200,000 events per CPU-second | %.0f | %s |\n",
		eps, mark(eps, 200000, 1));
	fprintf(o, "| gen: ≥ 1,000 concurrent streams | %.0f | %s |\n",
		inflight,
		cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(P, "quick"))
		    ? "not measured at full scale (BENCH_QUICK)"
		    : mark(inflight, 1000, 1));
	fid_target(o, 1, 0.2, "not measured");
	fid_target(o, 256, 2, "not measured (BENCH_QUICK)");
	fprintf(o, "| agg: ≥ 1,000,000 events/s | %.0f | %s |\n", aeps,
		mark(aeps, 1000000, 1));
	fprintf(o,
		"| memsample: < 0.5 %% of a core at 100 ms | %.2f %% | %s |\n",
		ms100, mark(ms100, 0.5, 0));
	pw = N_or_nan(P, "memsample.power.cpu_pct_100ms");
	fprintf(o, "| memsample --power: < 0.5 %% of a core at 10 Hz | ");
	if (isnan(pw))
		fprintf(o, " | not measured |\n");
	else
		fprintf(o, "%.2f %% | %s |\n", pw, mark(pw, 0.5, 0));
	curl_target(o);
	peer_target(o, 1, 0.15);
	peer_target(o, 64, 0.25);
	peer_target(o, 256, 0.25);
	fid_target(o, 1000, 2, "not measured (BENCH_QUICK)");
	tf_target(o);
}

/* Where gen used a full core: from there on it, not llmsim, was the limit. */
static void limit(FILE *o)
{
	const cJSON *r;

	cJSON_ArrayForEach(r,
			   arr("gen.throughput")) if (N(r, "gen_cores") >= 0.9)
	{
		fprintf(o,
			"gen reaches one full core from %.0f %s on: there gen, "
			"not llmsim, is the limit.\n",
			N(r, "streams"),
			N(r, "streams") == 1 ? "stream" : "streams");
		return;
	}
	if (cJSON_IsTrue(jget_path(P, "machine.busy")))
		fprintf(
		    o, "gen never used a full core, but the machine was busy: "
		       "which "
		       "process was the limit cannot be told from this run.\n");
	else
		fprintf(
		    o, "gen never used a full core: at every level llmsim "
		       "(sharing "
		       "the two CPUs) or the kernel was the limit, not gen.\n");
}

static void memory(FILE *o)
{
	double one = N(P, "gen.peak_rss_kb.one"),
	       many = N(P, "gen.peak_rss_kb.many");
	double cmax = N(P, "gen.peak_rss_kb.many_streams");

	fprintf(
	    o,
	    "gen's peak resident memory: %.1f MB at 1 stream, %.1f MB at %.0f "
	    "streams,\nso about %lld kB per stream in flight (its connection "
	    "and "
	    "the response's parsers).\n\n",
	    one / 1024, many / 1024, cmax,
	    cmax > 1
		? ((long long)many - (long long)one) / ((long long)cmax - 1)
		: 0);
	fprintf(
	    o,
	    "Scale: one llmsim served %.0f of %.0f streams opened at once (20 "
	    "tokens each at 10 tokens/s: 2 s a stream), and gen\nheld up to "
	    "%.0f of them in flight together "
	    "(target: ≥ 1,000 concurrent streams;\nllmsim ≥ 2,000 "
	    "connections).\n\n",
	    N(P, "gen.scale.ok"), N(P, "gen.scale.opened"),
	    N(P, "gen.scale.in_flight"));
}

static void throughput_section(FILE *o)
{
	const cJSON *r;

	fprintf(o,
		"## gen: throughput\n\nUnpaced llmsim (`--tps 0`), `gen "
		"--no-text`, "
		"%.0f tokens per run spread over the streams;\nan event is one "
		"NDJSON "
		"line. The limit is the same SSE streams read by one `curl` "
		"process\n"
		"into /dev/null (`-Z`, all streams in parallel, at most 300 at "
		"once; its output\nbuffered, not `-N`, which made a write per "
		"read), "
		"events counted as gen\nwould write them: curl parses nothing, "
		"so it "
		"shows what moving the bytes costs.\n\n",
		N(P, "gen.tokens_per_run"));
	fprintf(o, "| streams | events/s | CPU per 100k events | events per "
		   "CPU-second | gen CPU (cores) | llmsim CPU (cores) | curl "
		   "(events/s) | gen / curl | curl events per CPU-second | gen "
		   "/ curl per CPU-second |\n"
		   "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	cJSON_ArrayForEach(r, arr("gen.throughput")) fprintf(
	    o,
	    "| %.0f | %.0f | %.3f s | %.0f | %.2f | %.2f | %.0f | %.2f | %.0f "
	    "| %.2f |\n",
	    N(r, "streams"), N(r, "events_s"), N(r, "cpu_s_per_100k"),
	    N(r, "events_per_cpu_s"), N(r, "gen_cores"), N(r, "sim_cores"),
	    N(r, "curl_events_s"), N(r, "events_s") / N(r, "curl_events_s"),
	    N_or_nan(r, "curl_events_per_cpu_s"),
	    N(r, "events_per_cpu_s") / N_or_nan(r, "curl_events_per_cpu_s"));
	fprintf(
	    o,
	    "\n![throughput](perf-assets/throughput.png)\n\nTarget: ≥ 200,000 "
	    "events/s on one core (events per CPU-second of gen) and ≥ 1,000 "
	    "concurrent\nstreams. With two CPUs shared by gen and llmsim, "
	    "whichever "
	    "reaches one core first (the CPU\ncolumns) bounds the run: where "
	    "llmsim's column is near 1.0 the simulator, not gen, saturates.\n");
	limit(o);
	memory(o);
}

static void fidelity_section(FILE *o)
{
	static const char *const col[] = {
	    "arrival_ms.p50", "arrival_ms.p99", "arrival_ms.max",
	    "ttft_ms.p50",    "ttft_ms.p99",	"ttft_ms.max",
	    "itl_ms.p50",     "itl_ms.p99",	"itl_ms.max"};
	const cJSON *r;
	int i;

	fprintf(
	    o,
	    "## gen: timestamp fidelity\n\nllmsim paced at 50 tokens/s per "
	    "stream writes its ground-truth log: when each chunk's bytes\nwere "
	    "written to the socket. Errors in ms, absolute: *arrival* = gen's "
	    "time "
	    "of a chunk −\nllmsim's; *TTFT* = gen's TTFT − llmsim's (request "
	    "accepted to first token written);\n*ITL* = gen's gap between two "
	    "chunks "
	    "− llmsim's.\n\n| streams | chunks | arrival p50 | p99 | max | "
	    "TTFT p50 "
	    "| p99 | max | ITL p50 | p99 | max |\n"
	    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	cJSON_ArrayForEach(r, arr("gen.fidelity"))
	{
		fprintf(o, "| %.0f | %.0f |", N(r, "streams"), N(r, "chunks"));
		for (i = 0; i < 9; i++)
			fprintf(o, " %.3f |", N(r, col[i]));
		fprintf(o, "\n");
	}
	fprintf(
	    o,
	    "\n![fidelity](perf-assets/fidelity.png)\n\nTargets: p99 ≤ 0.2 ms "
	    "at 1 stream and ≤ 2 ms at 256. Arrival errors include the "
	    "clock\nbases "
	    "of two processes (each reads the wall clock once at start) and "
	    "the "
	    "loopback hop;\nTTFT errors add the time the request spends in the "
	    "kernel and in llmsim's HTTP parser, and at hundreds of\nstreams "
	    "the time llmsim takes to come to a new connection (its own queue, "
	    "which gen's TTFT\nrightly counts: a real server's is the user's "
	    "wait too).\n\n");
	fprintf(o,
		"Rate mode (`--rate 50`, 100 requests): actual − scheduled "
		"send, ms: "
		"p50 / p99 / max =\n%.3f / %.3f / %.3f.\ngen waits on "
		"libevent's precise "
		"timer for the next arrival; `t_sched` records when "
		"each\nrequest was "
		"due, so any lateness is visible, never hidden.\n\n",
		N(P, "gen.rate_lateness_ms.p50"),
		N(P, "gen.rate_lateness_ms.p99"),
		N(P, "gen.rate_lateness_ms.max"));
}

/* memsample --power alone at 10 Hz: the cost of power sampling. */
static void power_section(FILE *o)
{
	const cJSON *src = jget_path(P, "memsample.power.sources");
	double pw = N_or_nan(P, "memsample.power.cpu_pct_100ms");

	if (isnan(pw)) {
		fprintf(o, "\n`--power`: not measured yet (`BENCH_ONLY=power "
			   "make bench-self`).\n");
		return;
	}
	fprintf(o,
		"\n`--power` alone at 10 Hz (`-i 100ms`), every source of %s, "
		"over %.0f s: **%.2f %%** of one core (target < 0.5 %%).\n",
		cJSON_IsString(src) ? src->valuestring : "?",
		N(P, "memsample.power.seconds"), pw);
}

static void peer_section(FILE *o)
{
	const cJSON *r, *why = jget_path(P, "gen.peer.why");

	fprintf(
	    o,
	    "## gen against a Python client\n\n`scripts/peer-client.py` "
	    "(asyncio + aiohttp, in the shape of vLLM's benchmark request "
	    "function) and gen\nread the same streams from llmsim paced at 500 "
	    "tokens/s per stream, 100-token answers. CPU seconds\nper 1000 "
	    "chunks received, the peer's over its requests only (its "
	    "interpreter's start and\nimports left out), gen's likewise (*gen, "
	    "its requests*: the end event's `client_cpu_s`) and\nas its whole "
	    "process (*gen, whole*: its start, libraries and server detection "
	    "included). The\ntargets are judged like for like, on *gen's "
	    "requests / Python*. *lean*: the peer without\nvLLM's second parse "
	    "of each payload (its handler's completeness check). Each ratio is "
	    "the\nmedian of its runs' ratios.\n\n");
	if (cJSON_IsString(why) ||
	    cJSON_GetArraySize(jget_path(P, "gen.peer.rows")) == 0) {
		fprintf(o, "Not measured: %s.\n\n",
			cJSON_IsString(why) ? why->valuestring
					    : "no rows (an older perf.json)");
		return;
	}
	fprintf(
	    o,
	    "| streams | gen, its requests | gen, whole | Python (vLLM's "
	    "shape) | Python, lean | curl | gen's requests / Python | gen "
	    "whole / Python | gen whole / lean | curl / Python | Python's "
	    "chunks per read | bare reader | bare reader / Python |\n"
	    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	    "\n");
	cJSON_ArrayForEach(r, jget_path(P, "gen.peer.rows"))
	{
		double b = N_or_nan(r, "bare_cpu_s_per_1000");

		fprintf(o,
			"| %.0f | %.4f s | %.4f s | %.4f s | %.4f s | %.4f s | "
			"%.2f | %.2f | %.2f | %.2f | %.1f | ",
			N(r, "streams"), N(r, "gen_run_cpu_s_per_1000"),
			N(r, "gen_cpu_s_per_1000"), N(r, "py_cpu_s_per_1000"),
			N(r, "lean_cpu_s_per_1000"),
			N(r, "curl_cpu_s_per_1000"), N(r, "ratio_run"),
			N(r, "ratio"), N(r, "ratio_lean"), N(r, "curl_ratio"),
			N(r, "py_chunks_per_read"));
		if (isnan(b))
			fprintf(o, "not measured | not measured |\n");
		else
			fprintf(o, "%.4f s | %.2f |\n", b, N(r, "bare_ratio"));
	}
	fprintf(
	    o,
	    "\n*curl*: the same streams read by one `curl` process into "
	    "/dev/null (`-Z`, as many in parallel as the streams, its output "
	    "buffered), its whole "
	    "process, which parses nothing: what libcurl and the kernel cost "
	    "to move these bytes. gen no longer reads its streams through "
	    "libcurl (gen(1), TRANSPORT). *Python's chunks per read*: "
	    "a client that falls behind its streams reads several chunks "
	    "at once and stamps them alike, which makes each chunk cheaper "
	    "and its times wrong; gen reads each chunk as it arrives (see "
	    "the fidelity above). *bare reader*: the same streams read by "
	    "tests/helpers/bareread.c, the least a client spends to read each "
	    "chunk as it arrives with the calls gen's own transport makes (one "
	    "wait and one `recvmsg` per ready socket, the kernel's receive "
	    "time asked for), nothing parsed or written while an answer runs "
	    "(its chunks counted at its end), over its loop only. "
	    "*bare reader / Python* is about the least the targets' ratio "
	    "can be, on this machine, for a client that reads and stamps "
	    "each chunk with these calls (io_uring takes about a tenth off on "
	    "Linux: the hand section on the floor, below).\n\n");
}

static void rest(FILE *o)
{
	const cJSON *r;

	fprintf(
	    o,
	    "## agg\n\nSynthetic gen output (one `tok` per token), read from a "
	    "file:\n\n| events | requests | seconds | events/s | peak RSS |\n"
	    "|---:|---:|---:|---:|---:|\n");
	cJSON_ArrayForEach(r, arr("agg")) fprintf(
	    o, "| %.0f | %.0f | %.2f | %.0f | %.1f MB |\n", N(r, "events"),
	    N(r, "requests"), N(r, "seconds"), N(r, "events") / N(r, "seconds"),
	    N(r, "peak_rss_kb") / 1024);
	fprintf(
	    o,
	    "\nTarget: ≥ 1,000,000 events/s, memory bounded by requests: the "
	    "same number of requests with\nten times the events keeps the same "
	    "peak; more requests cost memory (a few hundred bytes each\nfor "
	    "the "
	    "per-request statistics).\n\n");
	fprintf(
	    o,
	    "## report\n\n%.0f run files: %.2f s with `--charts none`, %.2f s "
	    "with PNG charts (gnuplot).\n\n",
	    N(P, "report.files"), N(P, "report.seconds_no_charts"),
	    N(P, "report.seconds_png"));
	fprintf(
	    o,
	    "## memsample\n\nWatching one process and the system, CPU share of "
	    "one core over %.0f s:\n**%.2f %%** at 100 ms, **%.2f %%** at 10 "
	    "ms "
	    "(target < 0.5 %% at 100 ms).\n",
	    N(P, "memsample.seconds"), N(P, "memsample.cpu_pct_100ms"),
	    N(P, "memsample.cpu_pct_10ms"));
	power_section(o);
}

static void teacher_section(FILE *o)
{
	const cJSON *r, *why = jget_path(P, "teacher_forcing.why");
	const cJSON *runs = jget_path(P, "teacher_forcing.runs");

	char threads[32] = "";

	if (jget_path(P, "teacher_forcing.threads"))
		snprintf(threads, sizeof threads, " `-t %.0f`",
			 N(P, "teacher_forcing.threads"));
	fprintf(o, "\n## Teacher forcing\n\n");
	if (cJSON_GetArraySize(runs) == 0) {
		fprintf(o, "Not measured: %s.\n",
			cJSON_IsString(why) ? why->valuestring
					    : "not in this perf.json");
		return;
	}
	fprintf(
	    o,
	    "`gen --teacher-force` over the 128 tokens one prompt "
	    "generated (`--logprobs 20`; `--tf-batch` positions to a "
	    "request, 64 by default, each a one-token prefill after the "
	    "cache), against one "
	    "generation of those 128 tokens (`--ignore-eos`) on the same "
	    "llama-server %s (`-np 1`%s), each from its request's send to its "
	    "end, the median of %.0f runs (pass / generation: of each "
	    "run's ratio); measured %s, the load average (1 min) %.2f "
	    "at its start on %.0f CPUs.\n\n"
	    "| model | positions a request | generation (s) | per token "
	    "(ms) | pass (s) | per position (ms) | pass / generation | "
	    "least–greatest of the runs |\n"
	    "|---|---:|---:|---:|---:|---:|---:|---:|\n",
	    jget_path_str(P, "teacher_forcing.server"), threads,
	    N(P, "teacher_forcing.reps"),
	    jget_path_str(P, "teacher_forcing.date"),
	    N(P, "teacher_forcing.load_start"), N(P, "machine.cpus"));
	cJSON_ArrayForEach(r, runs)
	{
		int spread = cJSON_IsNumber(cJSON_GetObjectItem(r, "batch"));
		fprintf(o, "| %s | %.0f | %.3f | %.2f | %.3f | %.2f | %.2f | ",
			jget_str(r, "model") ? jget_str(r, "model") : "?",
			spread ? N(r, "batch") : 64, N(r, "gen_s"),
			N(r, "gen_s") / N(r, "positions") * 1e3, N(r, "pass_s"),
			N(r, "pass_s") / N(r, "positions") * 1e3,
			N(r, "ratio"));
		if (spread)
			fprintf(o, "%.2f–%.2f |\n", N(r, "ratio_min"),
				N(r, "ratio_max"));
		else
			fprintf(o, "— |\n");
	}
	fprintf(o, "\nTarget: the pass costs at most 3 times the "
		   "generation (issue #25). A position costs a one-token "
		   "prefill and the server's fixed cost of a task (its launch, "
		   "a sampler, a result with its alternatives); a generated "
		   "token only a decode step. Where a step is cheap (a small "
		   "model) that fixed cost sets the ratio; where it is not, "
		   "the two are alike.\n");
}

/* ---- charts and files --------------------------------------------------- */

static FILE *create(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		die("%s: %s", path, strerror(errno));
	return f;
}

static void done(FILE *f, const char *name)
{
	if (ferror(f) | fclose(f))
		die("%s: write error%s", name, "");
}

static void csvs(const char *assets)
{
	FILE *t = create(assets, "throughput.csv"),
	     *f = create(assets, "fidelity.csv");
	char a[32], b[32], c[32];
	const cJSON *r;

	cJSON_ArrayForEach(r, arr("gen.throughput"))
	    fprintf(t, "%.0f,%.0f,%.0f\n", N(r, "streams"),
		    round(N(r, "events_s")), round(N(r, "curl_events_s")));
	cJSON_ArrayForEach(r, arr("gen.fidelity"))
	    fprintf(f, "%.0f,%s,%s,%s\n", N(r, "streams"),
		    units_shortest(N(r, "arrival_ms.p50"), a, sizeof a),
		    units_shortest(N(r, "arrival_ms.p99"), b, sizeof b),
		    units_shortest(N(r, "arrival_ms.max"), c, sizeof c));
	done(t, "throughput.csv");
	done(f, "fidelity.csv");
}

/* The two charts' gnuplot scripts; the data and the images in assets. */
static void scripts(const char *assets, const char *gpdir)
{
	FILE *t = create(gpdir, "thr.gp"), *f = create(gpdir, "fid.gp");
	static const char common[] =
	    "set terminal pngcairo size 900,500 noenhanced font 'sans,10'\n";

	fprintf(t,
		"%sset output '%s/throughput.png'\nset datafile separator ','\n"
		"set title 'gen against unpaced llmsim: events per second by "
		"concurrency'\nset xlabel 'concurrent streams'\nset ylabel "
		"'events/s "
		"(median of runs)'\nset logscale x 2\nset yrange [0:*]\nset "
		"grid ytics\n"
		"set key outside right top\nplot '%s/throughput.csv' using 1:2 "
		"with "
		"linespoints lw 2 title 'gen', \\\n     '' using 1:3 with "
		"linespoints lw "
		"2 dt 2 title 'curl to /dev/null (the limit)'\n",
		common, assets, assets);
	fprintf(
	    f,
	    "%sset output '%s/fidelity.png'\nset datafile separator ','\n"
	    "set title 'gen timestamp error against llmsim ground truth "
	    "(arrival of "
	    "each chunk)'\nset xlabel 'concurrent streams (50 tokens/s each)'\n"
	    "set ylabel 'error (ms)'\nset style data histograms\nset style "
	    "histogram clustered gap 1\nset style fill solid 0.85 border "
	    "-1\nset "
	    "yrange [0:*]\nset grid ytics\nset key outside right top\nplot "
	    "'%s/fidelity.csv' using 2:xtic(1) title 'p50', '' using 3 title "
	    "'p99', "
	    "'' using 4 title 'max'\n",
	    common, assets, assets);
	done(t, "thr.gp");
	done(f, "fid.gp");
}

/* The generated part, markers included, in a new buffer. */
static char *block(size_t *len)
{
	char *buf = NULL;
	FILE *o = open_memstream(&buf, len);

	if (o == NULL)
		die("out of memory%s%s", "", "");
	fprintf(o, "%s\n", BEGIN);
	header(o);
	targets(o);
	throughput_section(o);
	fidelity_section(o);
	peer_section(o);
	rest(o);
	teacher_section(o);
	fprintf(o, "%s\n", END);
	if (fclose(o) != 0)
		die("out of memory%s%s", "", "");
	return buf;
}

/* PAGE with its generated part replaced by the new one (a new page: the
 * title and the part), written atomically. */
static void splice(const char *page, const char *gen, size_t glen)
{
	size_t len = 0, head, tail;
	char *old = fileio_slurp(page, 16u << 20, &len), *b, *e, *out;

	if (old == NULL && errno != ENOENT)
		die("%s: %s", page, strerror(errno));
	if (old == NULL &&
	    (old = strdup("# Performance of the instrument\n\n" BEGIN "\n" END
			  "\n")) == NULL)
		die("out of memory%s%s", "", "");
	if ((b = strstr(old, BEGIN)) == NULL || (e = strstr(b, END)) == NULL)
		die("%s: no %s ... " END " part to rewrite", page, BEGIN);
	e += strlen(END);
	e += *e == '\n';
	head = (size_t)(b - old);
	tail = strlen(e);
	if ((out = malloc(head + glen + tail)) == NULL)
		die("out of memory%s%s", "", "");
	memcpy(out, old, head);
	memcpy(out + head, gen, glen);
	memcpy(out + head + glen, e, tail);
	if (fileio_write_atomic(page, out, head + glen + tail, 0) != 0)
		die("%s: %s", page, strerror(errno));
	free(out);
	free(old);
}

static int render(const char *json, const char *page, const char *assets,
		  const char *gpdir)
{
	size_t len;
	char *text = fileio_slurp(json, 16u << 20, &len), *gen;
	cJSON *doc;

	if (text == NULL)
		die("%s: %s", json, strerror(errno));
	if ((doc = cJSON_Parse(text)) == NULL)
		die("%s: not JSON%s", json, "");
	P = doc;
	csvs(assets);
	scripts(assets, gpdir);
	gen = block(&len);
	splice(page, gen, len);
	free(gen);
	free(text);
	cJSON_Delete(doc);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "json") == 0)
		return perf_json(argv[2]);
	if (argc == 4 && strcmp(argv[1], "merge") == 0)
		return merge(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "render") == 0)
		return render(argv[2], argv[3], argv[4], argv[5]);
	fprintf(stderr,
		"usage: perfpage json DIR | merge JSON DIR | render JSON PAGE "
		"ASSETS GPDIR\n");
	return 2;
}
