/* evcurl: libcurl's multi socket interface on libevent (see evcurl.h). */
#include "evcurl.h"

#include <stdlib.h>

#include "clock.h"

struct evcurl {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	evcurl_done_fn *done;
	void *ctx;
	int running;
	int64_t *wake;
};

void evcurl_drain(evcurl *ec)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(ec->multi, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE)
			ec->done(ec->ctx, msg->easy_handle, msg->data.result);
}

static void on_sock_ready(evutil_socket_t fd, short what, void *arg)
{
	evcurl *ec = arg;
	int flags = (what & EV_READ ? CURL_CSELECT_IN : 0) |
		    (what & EV_WRITE ? CURL_CSELECT_OUT : 0);

	if (*ec->wake == 0)
		*ec->wake = clock_mono_ns();
	curl_multi_socket_action(ec->multi, fd, flags, &ec->running);
	evcurl_drain(ec);
}

/* libcurl's CURLMOPT_SOCKETFUNCTION: one event per socket. */
static int on_curl_socket(CURL *e, curl_socket_t s, int what, void *userp,
			  void *socketp)
{
	evcurl *ec = userp;
	struct event *ev = socketp;
	short kind = (short)((what & CURL_POLL_IN ? EV_READ : 0) |
			     (what & CURL_POLL_OUT ? EV_WRITE : 0));

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (ev != NULL)
			event_free(ev);
		curl_multi_assign(ec->multi, s, NULL);
		return 0;
	}
	if (ev == NULL) {
		ev = event_new(ec->base, s, kind | EV_PERSIST, on_sock_ready,
			       ec);
		if (ev == NULL)
			return -1;
		curl_multi_assign(ec->multi, s, ev);
	} else {
		event_del(ev);
		event_assign(ev, ec->base, s, kind | EV_PERSIST, on_sock_ready,
			     ec);
	}
	return event_add(ev, NULL);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	evcurl *ec = arg;

	(void)fd;
	(void)what;
	curl_multi_socket_action(ec->multi, CURL_SOCKET_TIMEOUT, 0,
				 &ec->running);
	evcurl_drain(ec);
}

/* libcurl's CURLMOPT_TIMERFUNCTION: one timer, re-armed as it asks. */
static int on_curl_timer(CURLM *m, long timeout_ms, void *userp)
{
	evcurl *ec = userp;
	struct timeval tv;

	(void)m;
	if (timeout_ms < 0)
		return evtimer_del(ec->timer);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(ec->timer, &tv);
}

evcurl *evcurl_new(struct event_base *base, CURLM *multi, int64_t *wake,
		   evcurl_done_fn *done, void *ctx)
{
	evcurl *ec = calloc(1, sizeof *ec);

	if (ec == NULL)
		return NULL;
	ec->base = base;
	ec->multi = multi;
	ec->wake = wake;
	ec->done = done;
	ec->ctx = ctx;
	ec->timer = evtimer_new(base, on_timeout, ec);
	if (ec->timer == NULL) {
		free(ec);
		return NULL;
	}
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, ec);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(multi, CURLMOPT_TIMERDATA, ec);
	return ec;
}

void evcurl_free(evcurl *ec)
{
	if (ec == NULL)
		return;
	/* Transfers that left the multi handle took their sockets' events
	 * with them; whatever libcurl still held goes with the base. */
	curl_multi_setopt(ec->multi, CURLMOPT_SOCKETFUNCTION, NULL);
	curl_multi_setopt(ec->multi, CURLMOPT_TIMERFUNCTION, NULL);
	event_free(ec->timer);
	free(ec);
}
