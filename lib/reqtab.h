/* reqtab: a run's requests by id, as their req events give them (id,
 * prompt, warm-up), for the readers that meet a request's done event
 * later and need its prompt: agg's lpq and tfq, gen's tfsrc. */
#ifndef TB_REQTAB_H
#define TB_REQTAB_H

#include <cJSON.h>

struct reqtab {
	struct reqtab_req {
		long id;
		char *prompt;
		int warmup;
	} * v;
	long n, cap;
};

/* Keeps a req event's id, prompt and warm-up flag.  Returns 0, 1 when the
 * event has no prompt (nothing kept), -1 on ENOMEM (nothing kept). */
int reqtab_add(struct reqtab *t, const cJSON *ev);

/* The request of that id (the last one kept, should ids repeat), or
 * NULL. */
const struct reqtab_req *reqtab_find(const struct reqtab *t, long id);

/* Frees the prompts and the table, leaving it empty. */
void reqtab_free(struct reqtab *t);

#endif
