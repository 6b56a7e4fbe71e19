/* clock: monotonic durations and the one shared wall-clock base of tokbench. */
#ifndef TB_CLOCK_H
#define TB_CLOCK_H

#include <stdint.h>

/*
 * Every duration in tokbench is measured with CLOCK_MONOTONIC.  Timestamps
 * that must line up across processes (the "t" field of every event) are
 * "shared-base" times: seconds since the Unix epoch, computed as
 *
 *     t = wall0 + (mono_now - mono0)
 *
 * where (wall0, mono0) is one CLOCK_REALTIME / CLOCK_MONOTONIC pair taken
 * once per process by clock_init().  Within a process t therefore never
 * jumps (NTP steps do not move it); across processes on one host the bases
 * agree to the precision of the system clock at the moment each process
 * started (microseconds in practice).  See docs/events.md.
 */

/* Takes the process's wall-clock base; call once at the start of main.
 * Later calls are no-ops.  The other functions call it if needed. */
void clock_init(void);

/* Monotonic time in nanoseconds from an arbitrary origin. */
int64_t clock_mono_ns(void);

/* CLOCK_REALTIME in nanoseconds since the epoch: only to convert a time
 * the kernel gave on that clock (a socket's receive time) to a monotonic
 * reading, by a pair read together. */
int64_t clock_real_ns(void);

/* Monotonic time in seconds from an arbitrary origin. */
double clock_mono(void);

/* Current time on the shared base, in seconds since the Unix epoch. */
double clock_now(void);

/* Converts a monotonic reading (from clock_mono_ns) to the shared base. */
double clock_to_shared(int64_t mono_ns);
/* The same in nanoseconds since the epoch: exact, for jw_time. */
int64_t clock_to_shared_ns(int64_t mono_ns);

/* Converts a shared-base time back to a monotonic reading in ns. */
int64_t clock_from_shared(double t);

/* Sleeps until the monotonic time mono_ns (absolute, so repeated sleeps do
 * not drift).  Returns 0, or -1 with errno EINTR when a signal arrived. */
int clock_sleep_until(int64_t mono_ns);

#endif
