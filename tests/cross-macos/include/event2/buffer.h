/* Stand-in for libevent 2.1's <event2/buffer.h>: only what tokbench uses (for
 * the macOS cross-compile check; never linked). */
#ifndef TB_STANDIN_EVENT2_BUFFER_H
#define TB_STANDIN_EVENT2_BUFFER_H

#include <stddef.h>
#include <event2/util.h>

struct evbuffer;

struct evbuffer *evbuffer_new(void);
void evbuffer_free(struct evbuffer *buf);
size_t evbuffer_get_length(const struct evbuffer *buf);
int evbuffer_add(struct evbuffer *buf, const void *data, size_t datlen);
int evbuffer_drain(struct evbuffer *buf, size_t len);
int evbuffer_prepend_buffer(struct evbuffer *dst, struct evbuffer *src);
unsigned char *evbuffer_pullup(struct evbuffer *buf, ev_ssize_t size);

#endif
