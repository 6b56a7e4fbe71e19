/* Stand-in for libevent 2.1's <event2/keyvalq_struct.h> (for the macOS
 * cross-compile check; never linked). */
#ifndef TB_STANDIN_EVENT2_KEYVALQ_STRUCT_H
#define TB_STANDIN_EVENT2_KEYVALQ_STRUCT_H

struct evkeyval {
	struct {
		struct evkeyval *tqe_next;
		struct evkeyval **tqe_prev;
	} next;
	char *key;
	char *value;
};

struct evkeyvalq {
	struct evkeyval *tqh_first;
	struct evkeyval **tqh_last;
};

#endif
