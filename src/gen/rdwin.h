/* rdwin: the read window (gen(1) READ WINDOW): how long the loop lets
 * ready sockets gather before it reads them, so that one wake-up serves
 * many streams.
 *
 * Why: with the kernel's receive time of each read (h1.h), a chunk's time
 * no longer depends on when gen reads it, and at one stream in eight and
 * more the wake-up per chunk is a quarter of gen's CPU (docs/perf.md).
 * What it may cost: two chunks of one stream that both arrive within a
 * window are read together and take the later one's time.  So a window
 * is opened only where the last period gives no sign of that:
 *   - every read of the period had the kernel's time (not the wake-up's);
 *   - no read carried two chunks (content or reasoning) of one stream,
 *     which is a server sending in bursts, or a window too wide;
 *   - the window is at most a quarter of the shortest gap seen between two
 *     reads of one stream, and at most max;
 *   - and at least two reads are expected in it, else it saves nothing.
 * A period is PERIOD_NS; the window is judged afresh at the end of each.
 * Pure logic: the loop gives it each chunk's read time and asks it when it
 * may wait (t_rdwin).  Off unless asked (gen --read-window): measured, it
 * still doubled the arrival error's p99 (docs/perf.md): a stream's last
 * token, which the server follows at once with usage and [DONE], is read
 * with them and takes the time of the last (TCP times a read by its last
 * segment), 0.02-0.5 ms late in most streams. */
#ifndef TB_RDWIN_H
#define TB_RDWIN_H

#include <stdint.h>

#define RDWIN_PERIOD_NS 25000000LL /* 25 ms */

/* One stream's part: zero it when the stream starts. */
struct rdwin_stream {
	int64_t last; /* the time of its last read that carried a chunk */
	int in_read;  /* chunks that read carried */
};

struct rdwin {
	int64_t max;   /* the widest window (ns); 0: never one */
	int64_t w;     /* this period's window (ns); 0: none */
	int64_t start; /* this period's start */
	/* this period so far */
	long reads;	 /* reads that carried a chunk */
	long merged;	 /* of them, reads that carried two or more */
	int64_t min_gap; /* shortest gap between two reads of one stream */
	long unstamped;	 /* reads timed by the wake-up, at the period's start */
	/* the run's */
	long waits;	   /* windows waited */
	long merged_total; /* reads that carried two chunks or more */
};

/* max_ns: the widest window, 0 for none; now: the run's start. */
void rdwin_init(struct rdwin *w, int64_t max_ns, int64_t now);

/* A chunk (content or reasoning) of stream s, read at time at (the read's
 * time: every chunk of one read has the same). */
void rdwin_chunk(struct rdwin *w, struct rdwin_stream *s, int64_t at);

/* The window the loop may wait now, in ns (0: none), at monotonic time
 * now; unstamped: how many reads so far the transport timed by the
 * wake-up (a count that only grows).  Ends the period when it is over
 * and judges the next window. */
int64_t rdwin_due(struct rdwin *w, int64_t now, long unstamped);

#endif
