/* tbperf: the analysis behind make bench-self and the fidelity test, in C
 * on lib/fidelity and lib/stats (nearest-rank percentiles, as everywhere
 * in tokbench).
 *   tbperf fidelity EVENTS SIMLOG  one JSON line: chunks paired, and the
 *                                  offset, arrival, TTFT and ITL errors (ms)
 *   tbperf median                  the median of the numbers on stdin
 *   tbperf pcts                    their p50, p99 and max
 *   tbperf synth EVENTS REQUESTS   synthetic gen output: EVENTS events over
 *                                  REQUESTS requests, one tok per token
 *   tbperf scale EVENTS            "ok in_flight": gen's requests done ok,
 *                                  and the most in flight at once
 *   tbperf lateness                p50, p99 and max of actual - scheduled
 *                                  send (ms) of gen's events on stdin
 *   tbperf slope SKIP MEMFILE      "first | last | peak | slope": a
 *                                  memsample file's RSS (MB) after SKIP
 *                                  minutes, and its least-squares slope
 *                                  (MB per minute; make soak's table)
 *   tbperf span EVENTS             "seconds positions": the time from each
 *                                  measured ok request's req to its done,
 *                                  summed, and its output tokens (or a
 *                                  teacher-forced pass's positions)
 *   tbperf run FILE CMD [ARG]...   runs CMD (its stdio as tbperf's) and
 *                                  writes "wall user sys peak_kb" (s, s,
 *                                  s, kB of peak resident memory, from
 *                                  wait4) to FILE; exits with its status
 * Exit 1, with why on stderr, when a figure cannot be had (no pairs, a
 * chunk of one side missing on the other, no number). */
#define _GNU_SOURCE 1 /* wait4 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fidelity.h"
#include "jget.h"
#include "jw.h"

static void figure(jw *w, const char *key, struct stats_vec *v)
{
	struct stats_sum s;

	stats_summarise(v, &s);
	jw_obj_open(w, key);
	jw_int(w, "n", (long long)s.n);
	jw_num(w, "p50", stats_percentile(v, 50), 4);
	jw_num(w, "p99", stats_percentile(v, 99), 4);
	jw_num(w, "max", s.max, 4);
	jw_obj_close(w);
}

static int fidelity(const char *events, const char *log)
{
	FILE *e = fopen(events, "r"), *l = fopen(log, "r");
	struct fidelity f;
	char why[200];
	jw w;

	if (e == NULL || l == NULL) {
		fprintf(stderr, "tbperf: %s: cannot read\n", e ? log : events);
		return 1;
	}
	if (fidelity_read(&f, e, l, why, sizeof why) != 0) {
		fprintf(stderr, "tbperf: %s\n", why);
		return 1;
	}
	fclose(e);
	fclose(l);
	if (f.pairs == 0 || f.pairs != f.gen_chunks ||
	    f.pairs != f.sim_chunks) {
		fprintf(
		    stderr,
		    "tbperf: %ld chunks paired of gen's %ld and llmsim's %ld\n",
		    f.pairs, f.gen_chunks, f.sim_chunks);
		fidelity_free(&f);
		return 1;
	}
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_int(&w, "chunks", f.pairs);
	figure(&w, "offset_ms", &f.offset);
	figure(&w, "arrival_ms", &f.arrival);
	figure(&w, "ttft_ms", &f.ttft);
	figure(&w, "itl_ms", &f.itl);
	jw_obj_close(&w);
	puts(jw_cstr(&w));
	jw_free(&w);
	fidelity_free(&f);
	return 0;
}

/* The numbers on stdin, sorted; NULL (said why) when there are none. */
static int numbers(struct stats_vec *v, const char *what)
{
	struct stats_sum s;
	char buf[128], *end;
	double x;

	while (fgets(buf, sizeof buf, stdin)) {
		x = strtod(buf, &end);
		if (end == buf || !isfinite(x)) {
			fprintf(stderr,
				"tbperf: %s: \"%.40s\" is not a number\n", what,
				buf);
			return -1;
		}
		if (stats_push(v, x) != 0)
			return -1;
	}
	if (v->n == 0) {
		fprintf(stderr, "tbperf: %s: no number\n", what);
		return -1;
	}
	stats_summarise(v, &s);
	return 0;
}

static int pcts(void)
{
	struct stats_vec v = {0};

	if (numbers(&v, "pcts") != 0)
		return 1;
	printf("%.6g %.6g %.6g\n", stats_percentile(&v, 50),
	       stats_percentile(&v, 99), stats_percentile(&v, 100));
	stats_vec_free(&v);
	return 0;
}

static int run(const char *file, char **argv)
{
	struct rusage ru;
	struct timespec t0, t1;
	FILE *f;
	pid_t pid;
	int st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "tbperf: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if ((f = fopen(file, "w")) == NULL)
		return 1;
	fprintf(f, "%.4f %.4f %.4f %ld\n",
		(double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		(double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
#ifdef __APPLE__
		(long)(ru.ru_maxrss / 1024) /* bytes on macOS */
#else
		(long)ru.ru_maxrss /* kB on Linux */
#endif
	);
	if (fclose(f) != 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int median(void)
{
	struct stats_vec v = {0};

	if (numbers(&v, "median") != 0)
		return 1;
	printf("%.6g\n", stats_percentile(&v, 50));
	stats_vec_free(&v);
	return 0;
}

/* Synthetic gen output for agg: n events over r requests, one tok event
 * per token, 0.1 ms apart. */
static int synth(long long n, long long r)
{
	long long per = n / r - 2, i, k;
	double t = 1000.0;

	printf("{\"ev\":\"run\",\"t\":1000.0,\"format\":\"tokbench-events\","
	       "\"version\":1,\"tool\":\"gen\",\"run_id\":\"bench\",\"model\":"
	       "\"m\","
	       "\"config\":{\"concurrency\":64}}\n");
	for (i = 1; i <= r; i++) {
		printf("{\"ev\":\"req\",\"t\":%.6f,\"id\":%lld,\"prompt\":\"p%"
		       "lld\","
		       "\"rep\":0,\"warmup\":false,\"t_sched\":%.6f,\"max_"
		       "tokens\":%lld}\n",
		       t, i, i % 5, t, per);
		for (k = 0; k < per; k++) {
			t += 0.0001;
			printf("{\"ev\":\"tok\",\"t\":%.6f,\"id\":%lld,\"ch\":"
			       "\"content\","
			       "\"bytes\":4}\n",
			       t, i);
		}
		printf(
		    "{\"ev\":\"done\",\"t\":%.6f,\"id\":%lld,\"status\":\"ok\","
		    "\"http\":200,\"tokens\":{\"content\":%lld,\"reasoning\":0,"
		    "\"tool\":0,\"source\":\"usage\",\"chunk_tokens\":%lld}}\n",
		    t, i, per, per);
	}
	printf("{\"ev\":\"end\",\"t\":%.6f,\"tool\":\"gen\",\"reason\":"
	       "\"complete\"}\n",
	       t);
	return fflush(stdout) != 0 || ferror(stdout);
}

/* A request starting (+1) or ending (-1) at t. */
struct edge {
	double t;
	int d;
};

/* By time; at the same time a start before an end, as sort -k2,2r did. */
static int by_time(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->t != y->t)
		return (x->t > y->t) - (x->t < y->t);
	return y->d - x->d;
}

/* The req and done events of gen's output: the requests done ok, and the
 * most in flight at once. */
static int scale(const char *path)
{
	FILE *f = fopen(path, "r");
	struct edge *e = NULL, *ne;
	size_t n = 0, cap = 0, i, sz = 0;
	long ok = 0, in = 0, most = 0;
	char *line = NULL;

	if (f == NULL) {
		fprintf(stderr, "tbperf: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (getline(&line, &sz, f) > 0) {
		cJSON *ev = cJSON_Parse(line);
		const char *kind = jget_str(ev, "ev"),
			   *st = jget_str(ev, "status");
		int is_req = kind && strcmp(kind, "req") == 0;
		if (kind && (is_req || strcmp(kind, "done") == 0)) {
			if (n == cap) {
				if ((ne = realloc(e, (2 * cap + 64) *
							 sizeof *e)) == NULL)
					return 1;
				e = ne;
				cap = 2 * cap + 64;
			}
			e[n++] = (struct edge){jget_num(ev, "t", 0),
					       is_req ? 1 : -1};
			ok += !is_req && st && strcmp(st, "ok") == 0;
		}
		cJSON_Delete(ev);
	}
	free(line);
	fclose(f);
	qsort(e, n, sizeof *e, by_time);
	for (i = 0; i < n; i++)
		if ((in += e[i].d) > most)
			most = in;
	free(e);
	printf("%ld %ld\n", ok, most);
	return 0;
}

/* gen's events on stdin: p50, p99 and max of (t - t_sched) in ms over
 * its req events. */
static int lateness(void)
{
	struct stats_vec v = {0};
	struct stats_sum s;
	size_t sz = 0;
	char *line = NULL;

	while (getline(&line, &sz, stdin) > 0) {
		cJSON *ev = cJSON_Parse(line);
		const char *kind = jget_str(ev, "ev");
		if (kind && strcmp(kind, "req") == 0 &&
		    stats_push(&v, (jget_num(ev, "t", 0) -
				    jget_num(ev, "t_sched", 0)) *
				       1e3) != 0)
			return 1;
		cJSON_Delete(ev);
	}
	free(line);
	if (v.n == 0) {
		fprintf(stderr, "tbperf: lateness: no req event\n");
		return 1;
	}
	stats_summarise(&v, &s); /* sorts: the percentiles need it */
	printf("%.6g %.6g %.6g\n", stats_percentile(&v, 50),
	       stats_percentile(&v, 99), stats_percentile(&v, 100));
	stats_vec_free(&v);
	return 0;
}

/* The least-squares line of y on x, summed as it comes. */
struct fit {
	double n, sx, sy, sxx, sxy, first, last, peak;
};

static void fit_add(struct fit *f, double x, double y)
{
	if (f->n == 0)
		f->first = y;
	f->n++;
	f->sx += x;
	f->sy += y;
	f->sxx += x * x;
	f->sxy += x * y;
	f->last = y;
	f->peak = fmax(f->peak, y);
}

/* make soak's row of one tool: its RSS samples (processes found) after
 * skip minutes, and their slope in MB per minute. */
static int slope(double skip, const char *path)
{
	FILE *in = fopen(path, "r");
	struct fit f = {0};
	double t0 = NAN, den;
	size_t sz = 0;
	char *line = NULL;

	if (in == NULL) {
		fprintf(stderr, "tbperf: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (getline(&line, &sz, in) > 0) {
		cJSON *ev = cJSON_Parse(line);
		const cJSON *proc = jget_obj(ev, "proc");
		double t = jget_num(ev, "t", 0),
		       rss = jget_num(proc, "rss_bytes", NAN);
		if (!isnan(rss) && jget_num(proc, "n", 1) != 0) {
			if (isnan(t0))
				t0 = t;
			if ((t - t0) / 60 >= skip)
				fit_add(&f, (t - t0) / 60, rss / 1e6);
		}
		cJSON_Delete(ev);
	}
	free(line);
	fclose(in);
	den = f.n * f.sxx - f.sx * f.sx;
	if (f.n < 2 || den == 0)
		printf("— | — | — | —\n");
	else
		printf("%.2f | %.2f | %.2f | %+.4f\n", f.first, f.last, f.peak,
		       (f.n * f.sxy - f.sx * f.sy) / den);
	return 0;
}

/* One event of span's: a req's send time by id, a done's span added. */
static void span_event(const cJSON *ev, double *t_req, long nreq, double *secs,
		       double *positions)
{
	const char *kind = jget_str(ev, "ev"), *st = jget_str(ev, "status");
	long id = (long)jget_num(ev, "id", -1);

	if (kind == NULL || id < 0 || id >= nreq)
		return;
	if (strcmp(kind, "req") == 0 &&
	    !cJSON_IsTrue(cJSON_GetObjectItem(ev, "warmup")))
		t_req[id] = jget_num(ev, "t", 0);
	else if (strcmp(kind, "done") == 0 && st && !strcmp(st, "ok") &&
		 t_req[id] > 0) {
		*secs += jget_num(ev, "t", 0) - t_req[id];
		*positions +=
		    jget_obj(ev, "tf")
			? jget_num(jget_obj(ev, "tf"), "positions", 0)
			: jget_num(jget_obj(ev, "tokens"), "content", 0);
	}
}

/* gen's events at path: the seconds its measured, successful requests
 * took from send to end, summed, and their tokens or positions. */
static int span(const char *path)
{
	FILE *f = fopen(path, "r");
	static double t_req[4096];
	double secs = 0, positions = 0;
	size_t sz = 0;
	char *line = NULL;

	if (f == NULL) {
		fprintf(stderr, "tbperf: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (getline(&line, &sz, f) > 0) {
		cJSON *ev = cJSON_Parse(line);
		span_event(ev, t_req, 4096, &secs, &positions);
		cJSON_Delete(ev);
	}
	free(line);
	fclose(f);
	if (positions <= 0) {
		fprintf(stderr, "tbperf: %s: no successful request\n", path);
		return 1;
	}
	printf("%.6f %.0f\n", secs, positions);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "slope") == 0)
		return slope(strtod(argv[2], NULL), argv[3]);
	if (argc == 4 && strcmp(argv[1], "synth") == 0 && atoll(argv[3]) > 0)
		return synth(atoll(argv[2]), atoll(argv[3]));
	if (argc == 3 && strcmp(argv[1], "scale") == 0)
		return scale(argv[2]);
	if (argc == 2 && strcmp(argv[1], "lateness") == 0)
		return lateness();
	if (argc == 4 && strcmp(argv[1], "fidelity") == 0)
		return fidelity(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "median") == 0)
		return median();
	if (argc == 2 && strcmp(argv[1], "pcts") == 0)
		return pcts();
	if (argc >= 4 && strcmp(argv[1], "run") == 0)
		return run(argv[2], argv + 3);
	if (argc == 3 && strcmp(argv[1], "span") == 0)
		return span(argv[2]);
	fprintf(stderr, "usage: tbperf fidelity EVENTS SIMLOG | median | pcts "
			"| synth EVENTS REQUESTS\n"
			"       | scale EVENTS | lateness | slope SKIP MEMFILE "
			"| run FILE CMD... | span EVENTS\n");
	return 2;
}
