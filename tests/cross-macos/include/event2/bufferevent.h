/* Stand-in for libevent 2.1's <event2/bufferevent.h>: only what tokbench uses
 * (for the macOS cross-compile check; never linked). */
#ifndef TB_STANDIN_EVENT2_BUFFEREVENT_H
#define TB_STANDIN_EVENT2_BUFFEREVENT_H

#include <event2/util.h>

struct bufferevent;
struct evbuffer;

struct evbuffer *bufferevent_get_output(struct bufferevent *bufev);
evutil_socket_t bufferevent_getfd(struct bufferevent *bufev);

#endif
