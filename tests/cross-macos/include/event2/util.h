/* Stand-in for libevent 2.1's <event2/util.h>: only what tokbench uses (for
 * the macOS cross-compile check; never linked). */
#ifndef TB_STANDIN_EVENT2_UTIL_H
#define TB_STANDIN_EVENT2_UTIL_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>

typedef int evutil_socket_t;
#define ev_uint16_t uint16_t
#define ev_ssize_t ssize_t
/* libevent uses the system's addrinfo where there is one, as on macOS. */
#define evutil_addrinfo addrinfo
#define EVUTIL_AI_PASSIVE AI_PASSIVE
#define EVUTIL_AI_NUMERICHOST AI_NUMERICHOST
#define EVUTIL_AI_NUMERICSERV AI_NUMERICSERV
#define EVUTIL_AI_ADDRCONFIG AI_ADDRCONFIG

int evutil_getaddrinfo(const char *nodename, const char *servname,
		       const struct evutil_addrinfo *hints_in,
		       struct evutil_addrinfo **res);
void evutil_freeaddrinfo(struct evutil_addrinfo *ai);

#endif
