/* reqtab: a run's requests by id (see reqtab.h). */
#include "reqtab.h"

#include <stdlib.h>
#include <string.h>

#include "jget.h"
#include "vec.h"

int reqtab_add(struct reqtab *t, const cJSON *ev)
{
	const char *p = jget_str(ev, "prompt");
	char *copy;

	if (p == NULL)
		return 1;
	if (vec_grow((void **)&t->v, t->n, &t->cap, sizeof *t->v) != 0 ||
	    (copy = strdup(p)) == NULL)
		return -1;
	t->v[t->n].id = (long)jget_num(ev, "id", -1);
	t->v[t->n].prompt = copy;
	t->v[t->n++].warmup = cJSON_IsTrue(cJSON_GetObjectItem(ev, "warmup"));
	return 0;
}

const struct reqtab_req *reqtab_find(const struct reqtab *t, long id)
{
	for (long i = t->n - 1; i >= 0; i--)
		if (t->v[i].id == id)
			return &t->v[i];
	return NULL;
}

void reqtab_free(struct reqtab *t)
{
	for (long i = 0; i < t->n; i++)
		free(t->v[i].prompt);
	free(t->v);
	memset(t, 0, sizeof *t);
}
