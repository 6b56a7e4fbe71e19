/* Stand-in for libevent 2.1's <event2/http.h>: only what tokbench uses (for
 * the macOS cross-compile check; never linked). */
#ifndef TB_STANDIN_EVENT2_HTTP_H
#define TB_STANDIN_EVENT2_HTTP_H

#include <event2/util.h>

struct event_base;
struct evbuffer;
struct bufferevent;
struct evconnlistener;
struct evkeyvalq;
struct evhttp;
struct evhttp_request;
struct evhttp_connection;
struct evhttp_bound_socket;
struct evhttp_uri;

enum evhttp_cmd_type {
	EVHTTP_REQ_GET = 1 << 0,
	EVHTTP_REQ_POST = 1 << 1,
	EVHTTP_REQ_HEAD = 1 << 2,
	EVHTTP_REQ_PUT = 1 << 3,
	EVHTTP_REQ_DELETE = 1 << 4,
	EVHTTP_REQ_OPTIONS = 1 << 5,
	EVHTTP_REQ_TRACE = 1 << 6,
	EVHTTP_REQ_CONNECT = 1 << 7,
	EVHTTP_REQ_PATCH = 1 << 8
};

struct evhttp *evhttp_new(struct event_base *base);
void evhttp_free(struct evhttp *http);
struct evhttp_bound_socket *evhttp_bind_socket_with_handle(struct evhttp *http,
		const char *address, unsigned short port);
struct evhttp_bound_socket *evhttp_bind_listener(struct evhttp *http,
						 struct evconnlistener *listener);
evutil_socket_t evhttp_bound_socket_get_fd(struct evhttp_bound_socket *bound_socket);
void evhttp_set_gencb(struct evhttp *http,
		      void (*cb)(struct evhttp_request *, void *), void *arg);
void evhttp_set_max_body_size(struct evhttp *http, ev_ssize_t max_body_size);

void evhttp_send_reply(struct evhttp_request *req, int code,
		       const char *reason, struct evbuffer *databuf);
void evhttp_send_reply_start(struct evhttp_request *req, int code,
			     const char *reason);
void evhttp_send_reply_chunk_with_cb(struct evhttp_request *req,
				     struct evbuffer *databuf,
				     void (*cb)(struct evhttp_connection *, void *),
				     void *arg);
void evhttp_send_reply_end(struct evhttp_request *req);
void evhttp_request_free(struct evhttp_request *req);

enum evhttp_cmd_type evhttp_request_get_command(const struct evhttp_request *req);
struct evhttp_connection *evhttp_request_get_connection(struct evhttp_request *req);
const struct evhttp_uri *evhttp_request_get_evhttp_uri(const struct evhttp_request *req);
struct evbuffer *evhttp_request_get_input_buffer(struct evhttp_request *req);
struct evkeyvalq *evhttp_request_get_input_headers(struct evhttp_request *req);
struct evkeyvalq *evhttp_request_get_output_headers(struct evhttp_request *req);
const char *evhttp_find_header(const struct evkeyvalq *headers, const char *key);
int evhttp_add_header(struct evkeyvalq *headers, const char *key,
		      const char *value);

void evhttp_connection_free(struct evhttp_connection *evcon);
struct bufferevent *evhttp_connection_get_bufferevent(struct evhttp_connection *evcon);
void evhttp_connection_get_peer(struct evhttp_connection *evcon,
				char **address, ev_uint16_t *port);
void evhttp_connection_set_closecb(struct evhttp_connection *evcon,
				   void (*)(struct evhttp_connection *, void *),
				   void *);

const char *evhttp_uri_get_path(const struct evhttp_uri *uri);

#endif
