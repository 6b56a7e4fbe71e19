/* dtimer: see dtimer.h. */
#include "dtimer.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#if defined(__linux__)
#include <sys/timerfd.h>
#endif

struct dtimer {
	struct event *ev;
	void (*cb)(void *);
	void *arg;
	int fd; /* the timerfd; -1: libevent's timer */
};

static void on_ready(evutil_socket_t fd, short what, void *arg)
{
	dtimer *t = arg;

	(void)what;
	if (t->fd >= 0) { /* its count of expiries: read, so it is not ready */
		uint64_t n;
		if (read(fd, &n, sizeof n) < 0 && errno == EAGAIN)
			return; /* moved since it was ready */
	}
	t->cb(t->arg);
}

dtimer *dtimer_new(struct event_base *base, void (*cb)(void *), void *arg)
{
	dtimer *t = calloc(1, sizeof *t);

	if (t == NULL)
		return NULL;
	t->cb = cb;
	t->arg = arg;
	t->fd = -1;
#if defined(__linux__)
	t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->fd >= 0) {
		t->ev =
		    event_new(base, t->fd, EV_READ | EV_PERSIST, on_ready, t);
		if (t->ev == NULL || event_add(t->ev, NULL) != 0) {
			dtimer_free(t);
			return NULL;
		}
		return t;
	}
#endif
	if ((t->ev = evtimer_new(base, on_ready, t)) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

int dtimer_at(dtimer *t, int64_t at, int64_t now)
{
	struct timeval tv;
	int64_t d;

#if defined(__linux__)
	if (t->fd >= 0) {
		struct itimerspec its = {{0, 0}, {0, 0}};
		if (at > 0) { /* a time already past fires at once */
			its.it_value.tv_sec = (time_t)(at / 1000000000);
			its.it_value.tv_nsec = (long)(at % 1000000000);
		}
		return timerfd_settime(t->fd, TFD_TIMER_ABSTIME, &its, NULL);
	}
#endif
	if (at == 0)
		return evtimer_del(t->ev);
	d = at > now ? at - now : 0;
	tv.tv_sec = (time_t)(d / 1000000000);
	tv.tv_usec = (suseconds_t)(d % 1000000000 / 1000);
	return evtimer_add(t->ev, &tv);
}

void dtimer_free(dtimer *t)
{
	if (t == NULL)
		return;
	if (t->ev != NULL)
		event_free(t->ev);
	if (t->fd >= 0)
		close(t->fd);
	free(t);
}
