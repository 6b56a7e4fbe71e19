/* memfig: the memory figures of a run from its samples, pure: baseline,
 * peak, timeline and the leak fit (agg writes them; docs/metrics.md). */
#ifndef TB_MEMFIG_H
#define TB_MEMFIG_H

#include <stddef.h>

/* One memory sample: its time (shared clock, s), the watched processes'
 * bytes and the GPU's. */
struct memfig_sample {
	double t, bytes, gpu;
};

/* Sorts samples by time (stable for equal times). */
void memfig_sort(struct memfig_sample *m, size_t n);

/* The baseline: the last sample at or before first_send (*before = 1),
 * else the first sample (*before = 0).  n >= 1. */
double memfig_baseline(const struct memfig_sample *m, size_t n,
		       double first_send, int *before);

/* The largest bytes, and in *gpu the largest GPU figure (0 when none). */
double memfig_peak(const struct memfig_sample *m, size_t n, double *gpu);

/* The steady-state memory: the median (nearest rank) of the samples taken
 * in [from, to], the measured requests' window, so that neither the load
 * before it nor what follows counts; -1 when no sample falls in it. */
double memfig_steady(const struct memfig_sample *m, size_t n, double from,
		     double to);

/* The timeline: the samples' span cut into at most cap equal slots, each
 * with its largest bytes; writes (time - ref, bytes) pairs to out and
 * returns how many.  Sorted samples, n >= 1. */
int memfig_timeline(const struct memfig_sample *m, size_t n, double ref,
		    double (*out)[2], int cap);

/* The leak fit: memory (MB) after each successful request against the
 * request's order, and against time (minutes) over the measuring window. */
struct memfig_leak {
	long points;            /* requests with a sample after them */
	double mb_per_request, r2, mb_per_minute;
	const char *verdict;    /* "insufficient data" (< 8 points), "leak
				 * suspected", "no leak", or "error" */
	char error[200];        /* with "error": why there is no verdict */
};

/* done: the end times of the successful measured requests, in order;
 * [from, to]: the measuring window; threshold_mb: MB per request.  A
 * slope above the threshold with r2 >= 0.5 is "leak suspected"; memory that
 * falls as steadily (below -threshold, r2 >= 0.5) is no steady state: the
 * sampled processes changed under the run, "error". */
void memfig_leak(const struct memfig_sample *m, size_t n, const double *done,
		 size_t ndone, double from, double to, double threshold_mb,
		 struct memfig_leak *out);

#endif
