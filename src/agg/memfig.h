/* memfig: the memory figures of a run from its samples, pure: baseline,
 * peak, timeline and the leak fit (agg writes them; docs/metrics.md). */
#ifndef TB_MEMFIG_H
#define TB_MEMFIG_H

#include <stddef.h>

#include "verdict.h"

/* One memory sample: its time (shared clock, s), the watched processes'
 * bytes (-1 when the sample has no process figure: memsample found none
 * to read) and the GPU's (0 when none). */
struct memfig_sample {
	double t, bytes, gpu;
};

/* Sorts samples by time (stable for equal times). */
void memfig_sort(struct memfig_sample *m, size_t n);

/* Moves the samples that carry a process figure (bytes >= 0) to the
 * front, keeping their order, and returns how many there are: the only
 * samples the functions below may be given, so that an unknown figure is
 * never a baseline, a peak, a median or a point of the leak fit. */
size_t memfig_known(struct memfig_sample *m, size_t n);

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

/* The machine's memory as memsample's "sys" object gives it, each figure a
 * series of its own (macOS alone has wired and compressed memory). */
enum memfig_sysfig {
	MEMFIG_WIRED,	   /* sys.wired_bytes */
	MEMFIG_COMPRESSED, /* sys.compressed_bytes */
	MEMFIG_SWAP_USED,  /* sys.swap_used_bytes */
	MEMFIG_USED,	   /* sys.used_bytes */
	MEMFIG_NSYS
};

/* One system sample: its time and each figure in bytes, -1 when the
 * sample does not carry it (unknown: never a baseline or a peak). */
struct memfig_sys {
	double t, v[MEMFIG_NSYS];
};

/* One system figure over a run. */
struct memfig_span {
	double baseline, peak, growth; /* bytes; growth = peak - baseline */
	size_t n;		       /* the samples that carry it */
};

/* Sorts system samples by time. */
void memfig_sys_sort(struct memfig_sys *s, size_t n);

/* Figure k over the samples of s (sorted by time) that carry it: the
 * baseline as memfig_baseline takes the process figure's (the last such
 * sample at or before first_send, else the first), the largest, and the
 * growth from one to the other.  Returns 0, or -1 (out untouched) when no
 * sample carries it: a figure never measured is no figure, not a 0. */
int memfig_sys_span(const struct memfig_sys *s, size_t n, enum memfig_sysfig k,
		    double first_send, struct memfig_span *out);

/* The leak fit: memory (MB) after each successful request against the
 * request's order, and against time (minutes) over the measuring window,
 * each slope with its 95 % confidence interval (docs/metrics.md). */
struct memfig_leak {
	long points; /* requests with a sample after them */
	double mb_per_request, req_lo, req_hi, r2;
	double mb_per_minute, min_lo, min_hi;
	enum verdict_leak
	    verdict;	 /* VD_LEAK_FEW (< 8 points), VD_LEAK_SUSPECTED,
			  * VD_LEAK_NONE, VD_LEAK_INCONCLUSIVE or VD_LEAK_ERROR
			  * (lib/formats names them) */
	char error[200]; /* with VD_LEAK_ERROR: why there is no verdict */
};

/* The thresholds of a leak: growth per request and per minute. */
struct memfig_limits {
	double mb_per_request, mb_per_minute;
};

/* done: the end times of the successful measured requests, in order;
 * [from, to]: the measuring window.  The verdict weighs the size of the
 * growth and how sure it is: a leak is suspected when the interval of either
 * slope lies wholly above its threshold (the per-minute one only over a
 * window of a minute or more); none when both intervals
 * lie wholly below theirs; inconclusive when an interval holds its
 * threshold (more requests narrow it).  Memory that falls as steadily
 * (the per-request interval wholly below -threshold) is no steady state:
 * the sampled processes changed under the run, VD_LEAK_ERROR. */
void memfig_leak(const struct memfig_sample *m, size_t n, const double *done,
		 size_t ndone, double from, double to,
		 const struct memfig_limits *lim, struct memfig_leak *out);

#endif
