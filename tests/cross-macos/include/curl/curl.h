/* Stand-in for libcurl's <curl/curl.h>: only what tokbench uses, as documented
 * in libcurl's API (for the macOS cross-compile check; never linked). */
#ifndef TB_STANDIN_CURL_H
#define TB_STANDIN_CURL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

typedef void CURL;
typedef void CURLM;
typedef int64_t curl_off_t;
typedef int curl_socket_t;
#define CURL_SOCKET_BAD (-1)
typedef enum { CURLSOCKTYPE_IPCXN, CURLSOCKTYPE_ACCEPT, CURLSOCKTYPE_LAST } curlsocktype;
struct curl_sockaddr {
	int family;
	int socktype;
	int protocol;
	unsigned int addrlen;
	struct sockaddr addr;
};
#define CURL_SOCKET_TIMEOUT ((curl_socket_t)-1)
#define CURL_ERROR_SIZE 256
#define CURL_GLOBAL_DEFAULT 3L

typedef enum {
	CURLE_OK = 0,
	CURLE_COULDNT_RESOLVE_HOST = 6,
	CURLE_COULDNT_CONNECT = 7,
	CURLE_OUT_OF_MEMORY = 27,
	CURLE_OPERATION_TIMEDOUT = 28
} CURLcode;

typedef enum { CURLM_OK = 0 } CURLMcode;

#define CURLOPTTYPE_LONG 0
#define CURLOPTTYPE_OBJECTPOINT 10000
#define CURLOPTTYPE_FUNCTIONPOINT 20000
#define CURLOPTTYPE_OFF_T 30000
typedef enum {
	CURLOPT_WRITEDATA = CURLOPTTYPE_OBJECTPOINT + 1,
	CURLOPT_URL = CURLOPTTYPE_OBJECTPOINT + 2,
	CURLOPT_ERRORBUFFER = CURLOPTTYPE_OBJECTPOINT + 10,
	CURLOPT_POSTFIELDS = CURLOPTTYPE_OBJECTPOINT + 15,
	CURLOPT_HTTPHEADER = CURLOPTTYPE_OBJECTPOINT + 23,
	CURLOPT_HEADERDATA = CURLOPTTYPE_OBJECTPOINT + 29,
	CURLOPT_ACCEPT_ENCODING = CURLOPTTYPE_OBJECTPOINT + 102,
	CURLOPT_PRIVATE = CURLOPTTYPE_OBJECTPOINT + 103,
	CURLOPT_OPENSOCKETDATA = CURLOPTTYPE_OBJECTPOINT + 164,
	CURLOPT_OPENSOCKETFUNCTION = CURLOPTTYPE_FUNCTIONPOINT + 163,
	CURLOPT_WRITEFUNCTION = CURLOPTTYPE_FUNCTIONPOINT + 11,
	CURLOPT_HEADERFUNCTION = CURLOPTTYPE_FUNCTIONPOINT + 79,
	CURLOPT_XFERINFOFUNCTION = CURLOPTTYPE_FUNCTIONPOINT + 219,
	CURLOPT_XFERINFODATA = CURLOPTTYPE_OBJECTPOINT + 57,
	CURLOPT_NOPROGRESS = CURLOPTTYPE_LONG + 43,
	CURLOPT_NOSIGNAL = CURLOPTTYPE_LONG + 99,
	CURLOPT_TCP_NODELAY = CURLOPTTYPE_LONG + 121,
	CURLOPT_TIMEOUT_MS = CURLOPTTYPE_LONG + 155,
	CURLOPT_CONNECTTIMEOUT_MS = CURLOPTTYPE_LONG + 156,
	CURLOPT_POSTFIELDSIZE_LARGE = CURLOPTTYPE_OFF_T + 120
} CURLoption;

#define CURLINFO_STRING 0x100000
#define CURLINFO_LONG 0x200000
typedef enum {
	CURLINFO_RESPONSE_CODE = CURLINFO_LONG + 2,
	CURLINFO_PRIMARY_PORT = CURLINFO_LONG + 40,
	CURLINFO_PRIVATE = CURLINFO_STRING + 21
} CURLINFO;

typedef enum {
	CURLMOPT_SOCKETFUNCTION = CURLOPTTYPE_FUNCTIONPOINT + 1,
	CURLMOPT_SOCKETDATA = CURLOPTTYPE_OBJECTPOINT + 2,
	CURLMOPT_TIMERFUNCTION = CURLOPTTYPE_FUNCTIONPOINT + 4,
	CURLMOPT_TIMERDATA = CURLOPTTYPE_OBJECTPOINT + 5,
	CURLMOPT_MAXCONNECTS = CURLOPTTYPE_LONG + 6
} CURLMoption;

#define CURL_POLL_NONE 0
#define CURL_POLL_IN 1
#define CURL_POLL_OUT 2
#define CURL_POLL_INOUT 3
#define CURL_POLL_REMOVE 4
#define CURL_CSELECT_IN 0x01
#define CURL_CSELECT_OUT 0x02
#define CURL_CSELECT_ERR 0x04

typedef enum { CURLMSG_NONE, CURLMSG_DONE, CURLMSG_LAST } CURLMSG;
struct CURLMsg {
	CURLMSG msg;
	CURL *easy_handle;
	union {
		void *whatever;
		CURLcode result;
	} data;
};
typedef struct CURLMsg CURLMsg;

struct curl_slist {
	char *data;
	struct curl_slist *next;
};

typedef int (*curl_socket_callback)(CURL *easy, curl_socket_t s, int what,
				    void *userp, void *socketp);
typedef int (*curl_multi_timer_callback)(CURLM *multi, long timeout_ms,
					 void *userp);
struct curl_waitfd {
	curl_socket_t fd;
	short events;
	short revents;
};

CURLcode curl_global_init(long flags);
void curl_global_cleanup(void);
CURL *curl_easy_init(void);
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...);
CURLcode curl_easy_perform(CURL *curl);
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...);
void curl_easy_cleanup(CURL *curl);
const char *curl_easy_strerror(CURLcode);
struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data);
void curl_slist_free_all(struct curl_slist *list);

CURLM *curl_multi_init(void);
CURLMcode curl_multi_setopt(CURLM *multi_handle, CURLMoption option, ...);
CURLMcode curl_multi_add_handle(CURLM *multi_handle, CURL *curl_handle);
CURLMcode curl_multi_remove_handle(CURLM *multi_handle, CURL *curl_handle);
CURLMcode curl_multi_perform(CURLM *multi_handle, int *running_handles);
CURLMcode curl_multi_poll(CURLM *multi_handle, struct curl_waitfd extra_fds[],
			  unsigned int extra_nfds, int timeout_ms, int *ret);
CURLMcode curl_multi_socket_action(CURLM *multi_handle, curl_socket_t s,
				   int ev_bitmask, int *running_handles);
CURLMcode curl_multi_assign(CURLM *multi_handle, curl_socket_t sockfd,
			    void *sockp);
CURLMsg *curl_multi_info_read(CURLM *multi_handle, int *msgs_in_queue);
CURLMcode curl_multi_cleanup(CURLM *multi_handle);
const char *curl_multi_strerror(CURLMcode);

#endif
