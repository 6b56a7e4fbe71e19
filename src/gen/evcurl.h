/* evcurl: libcurl's multi socket interface driven by a libevent loop. */
#ifndef TB_EVCURL_H
#define TB_EVCURL_H

#include <stdint.h>

#include <curl/curl.h>
#include <event2/event.h>

/*
 * libcurl says which sockets to watch and when to time out; libevent
 * (epoll on Linux, kqueue on macOS) watches them, and each wake-up handles
 * only the sockets that are ready.  The simpler curl_multi_poll +
 * curl_multi_perform walks every transfer on every wake-up, which at
 * hundreds of paced streams costs 16 us of CPU per event and delays
 * timestamps by milliseconds (docs/perf.md).
 */
typedef struct evcurl evcurl;

/* Called for each finished transfer, with libcurl's result. */
typedef void evcurl_done_fn(void *ctx, CURL *easy, CURLcode result);

/* Attaches to multi (its socket and timer functions) on base.  wake: where
 * the loop keeps the monotonic time it woke for the current batch of ready
 * sockets (0 outside one), set at the batch's first ready socket.  Every
 * socket of a batch was readable when the loop woke: that moment is the
 * best observable arrival time for all of them, where the moment each is
 * reached would make the last of a burst of hundreds look milliseconds
 * late.  NULL when out of memory.  Release with evcurl_free, which detaches
 * from multi and frees the events libcurl still held; base and multi stay the
 * caller's. */
evcurl *evcurl_new(struct event_base *base, CURLM *multi, int64_t *wake,
		   evcurl_done_fn *done, void *ctx);
void evcurl_free(evcurl *ec);

/* Reports every finished transfer through done (call after anything that
 * may have finished one, such as removing a handle). */
void evcurl_drain(evcurl *ec);

#endif
