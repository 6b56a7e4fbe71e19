/* Stand-in for libevent 2.1's <event2/event.h>: only what tokbench uses (for
 * the macOS cross-compile check; never linked). */
#ifndef TB_STANDIN_EVENT2_EVENT_H
#define TB_STANDIN_EVENT2_EVENT_H

#include <sys/time.h>
#include <event2/util.h>

struct event_base;
struct event;
struct event_config;

#define EV_TIMEOUT 0x01
#define EV_READ 0x02
#define EV_WRITE 0x04
#define EV_SIGNAL 0x08
#define EV_PERSIST 0x10
#define EV_ET 0x20

#define EVLOOP_ONCE 0x01
#define EVLOOP_NONBLOCK 0x02
#define EVLOOP_NO_EXIT_ON_EMPTY 0x04

enum event_base_config_flag {
	EVENT_BASE_FLAG_NOLOCK = 0x01,
	EVENT_BASE_FLAG_IGNORE_ENV = 0x02,
	EVENT_BASE_FLAG_STARTUP_IOCP = 0x04,
	EVENT_BASE_FLAG_NO_CACHE_TIME = 0x08,
	EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST = 0x10,
	EVENT_BASE_FLAG_PRECISE_TIMER = 0x20
};

typedef void (*event_callback_fn)(evutil_socket_t, short, void *);

struct event_config *event_config_new(void);
void event_config_free(struct event_config *cfg);
int event_config_set_flag(struct event_config *cfg, int flag);
struct event_base *event_base_new_with_config(const struct event_config *);
struct event_base *event_base_new(void);
void event_base_free(struct event_base *);
int event_base_dispatch(struct event_base *);
int event_base_loop(struct event_base *, int);
int event_base_loopexit(struct event_base *, const struct timeval *);
int event_base_loopbreak(struct event_base *);

struct event *event_new(struct event_base *, evutil_socket_t, short,
			event_callback_fn, void *);
int event_assign(struct event *, struct event_base *, evutil_socket_t, short,
		 event_callback_fn, void *);
void event_free(struct event *);
int event_add(struct event *ev, const struct timeval *timeout);
int event_del(struct event *);

#define evtimer_new(b, cb, arg) event_new((b), -1, 0, (cb), (arg))
#define evtimer_add(ev, tv) event_add((ev), (tv))
#define evtimer_del(ev) event_del(ev)
#define evsignal_new(b, x, cb, arg) \
	event_new((b), (x), EV_SIGNAL | EV_PERSIST, (cb), (arg))
#define evsignal_add(ev, tv) event_add((ev), (tv))
#define evsignal_del(ev) event_del(ev)

#endif
