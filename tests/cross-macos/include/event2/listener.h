/* Stand-in for libevent 2.1's <event2/listener.h>: only what tokbench uses
 * (for the macOS cross-compile check; never linked). */
#ifndef TB_STANDIN_EVENT2_LISTENER_H
#define TB_STANDIN_EVENT2_LISTENER_H

#include <event2/event.h>

struct evconnlistener;
typedef void (*evconnlistener_cb)(struct evconnlistener *, evutil_socket_t,
				  struct sockaddr *, int socklen, void *);

#define LEV_OPT_LEAVE_SOCKETS_BLOCKING (1u << 0)
#define LEV_OPT_CLOSE_ON_FREE (1u << 1)
#define LEV_OPT_CLOSE_ON_EXEC (1u << 2)
#define LEV_OPT_REUSEABLE (1u << 3)

struct evconnlistener *evconnlistener_new_bind(struct event_base *base,
					       evconnlistener_cb cb, void *ptr,
					       unsigned flags, int backlog,
					       const struct sockaddr *sa,
					       int socklen);
void evconnlistener_free(struct evconnlistener *lev);

#endif
