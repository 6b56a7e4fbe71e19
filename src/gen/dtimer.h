/* dtimer: one timer on the event loop, armed for an absolute time on
 * lib/clock's monotonic clock (clock_mono_ns), that stays armed until it
 * fires or is moved.
 *
 * Why not libevent's timer: libevent hands epoll_wait (or kevent) the time
 * to its earliest timer on every turn, so every wake-up arms a kernel timer
 * and the next one cancels it.  On Linux this timer is a timerfd, one more
 * socket-like descriptor on the loop: it is set only when its time moves
 * (a flush every 50 ms, a request's start), and the loop's waits have no
 * timeout.  Measured at 64 paced streams, gen's CPU per chunk fell 4 %;
 * at one and 256, no change beyond the noise (docs/perf.md).  Elsewhere
 * it is libevent's timer. */
#ifndef TB_DTIMER_H
#define TB_DTIMER_H
#include <stdint.h>

struct event_base;
typedef struct dtimer dtimer;

/* A timer on base that calls cb(arg) when its time comes; NULL on
 * failure. */
dtimer *dtimer_new(struct event_base *base, void (*cb)(void *), void *arg);
/* Arms t for at (ns on clock_mono_ns; a time past fires at once), now being
 * the time now; at 0 disarms. */
int dtimer_at(dtimer *t, int64_t at, int64_t now);
void dtimer_free(dtimer *t);
#endif
