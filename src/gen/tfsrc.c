/* tfsrc: a teacher-forced pass's sequences from a run (see tfsrc.h). */
#include "tfsrc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jget.h"
#include "vec.h"

void tfsrc_init(struct tfsrc *s)
{
	memset(s, 0, sizeof *s);
	s->n_vocab = -1;
}

void tfsrc_free(struct tfsrc *s)
{
	for (int i = 0; i < s->nseq; i++) {
		free(s->seq[i].prompt);
		free(s->seq[i].ctx);
		free(s->seq[i].forced);
		free(s->seq[i].text);
	}
	reqtab_free(&s->reqs);
	free(s->seq);
	tfsrc_init(s);
}

static void take_run(struct tfsrc *s, const cJSON *ev)
{
	const cJSON *cfg = jget_obj(ev, "config"),
		    *srv = jget_obj(ev, "server");

	jget_copy(s->run_id, sizeof s->run_id, ev, "run_id");
	jget_copy(s->model, sizeof s->model, ev, "model");
	jget_copy(s->family, sizeof s->family, jget_obj(ev, "labels"),
		  "family");
	jget_copy(s->api, sizeof s->api, ev, "api");
	s->cache_bust = cJSON_IsTrue(cJSON_GetObjectItem(cfg, "cache_bust"));
	s->teacher_forced = jget_obj(cfg, "teacher_force") != NULL;
	s->ids_asked = cJSON_IsTrue(cJSON_GetObjectItem(cfg, "token_ids"));
	jget_copy(s->kind, sizeof s->kind, srv, "kind");
	s->simulated = cJSON_IsTrue(cJSON_GetObjectItem(srv, "simulated"));
	s->n_vocab = (long)jget_num(srv, "n_vocab", -1);
}

static void take_req(struct tfsrc *s, const cJSON *ev)
{
	if (reqtab_add(&s->reqs, ev) < 0)
		s->oom = 1;
}

static int has_seq(const struct tfsrc *s, const char *prompt)
{
	for (int i = 0; i < s->nseq; i++)
		if (strcmp(s->seq[i].prompt, prompt) == 0)
			return 1;
	return 0;
}

/* The ids of an array of numbers (key NULL), or of each element's key;
 * NULL (and *n 0) when one is missing or the array is empty. */
static int *ids_of(const cJSON *arr, const char *key, int *n)
{
	int len = cJSON_GetArraySize(arr), i = 0;
	int *v = len > 0 ? malloc((size_t)len * sizeof *v) : NULL;
	const cJSON *e;

	*n = 0;
	cJSON_ArrayForEach(e, arr)
	{
		const cJSON *x = key ? cJSON_GetObjectItem(e, key) : e;
		if (v == NULL || !cJSON_IsNumber(x) || x->valuedouble < 0 ||
		    x->valuedouble > 2147483647.0) {
			free(v);
			return NULL;
		}
		v[i++] = (int)x->valuedouble;
	}
	*n = i;
	return v;
}

/* A done event's sequence: its tf object's (a teacher-forced run), else
 * its output's ids (every position's, given "all").  0, or -1 when it has
 * none. */
static int seq_of(const cJSON *ev, struct tfsrc_seq *q)
{
	const cJSON *tf = jget_obj(ev, "tf"), *lp = jget_obj(ev, "logprobs");
	const char *given = jget_str(lp, "given");

	if (tf != NULL) {
		q->ctx = ids_of(cJSON_GetObjectItem(tf, "ctx"), NULL, &q->nctx);
		q->forced = ids_of(cJSON_GetObjectItem(tf, "forced"), NULL,
				   &q->nforced);
		if (jget_str(tf, "text"))
			q->text = strdup(jget_str(tf, "text"));
		return q->ctx && q->forced ? 0 : -1;
	}
	if (given == NULL || strcmp(given, "all") != 0)
		return -1;
	q->forced =
	    ids_of(cJSON_GetObjectItem(lp, "content"), "id", &q->nforced);
	q->prompt_tokens = (long)jget_num(ev, "prompt_tokens", -1);
	return q->forced ? 0 : -1;
}

static void take_done(struct tfsrc *s, const cJSON *ev)
{
	const struct reqtab_req *r =
	    reqtab_find(&s->reqs, (long)jget_num(ev, "id", -1));
	const char *st = jget_str(ev, "status");
	struct tfsrc_seq q = {NULL, 0, NULL, 0, NULL, 0, -1, NULL};
	long cap = s->capseq;

	if (r == NULL || r->warmup || has_seq(s, r->prompt) ||
	    (jget_obj(ev, "tf") == NULL && (st == NULL || strcmp(st, "ok"))))
		return;
	if (seq_of(ev, &q) != 0) {
		s->no_ids += jget_obj(ev, "tf") == NULL;
		free(q.ctx);
		free(q.forced);
		free(q.text);
		return;
	}
	q.req = r->id;
	if ((q.prompt = strdup(r->prompt)) == NULL ||
	    vec_grow((void **)&s->seq, s->nseq, &cap, sizeof *s->seq) != 0) {
		free(q.prompt);
		free(q.ctx);
		free(q.forced);
		free(q.text);
		s->oom = 1;
		return;
	}
	s->capseq = (int)cap;
	s->seq[s->nseq++] = q;
}

void tfsrc_event(struct tfsrc *s, const cJSON *ev)
{
	const char *what = jget_str(ev, "ev");

	if (what == NULL)
		return;
	if (strcmp(what, "run") == 0)
		take_run(s, ev);
	else if (strcmp(what, "req") == 0)
		take_req(s, ev);
	else if (strcmp(what, "done") == 0)
		take_done(s, ev);
}

int tfsrc_check(const struct tfsrc *s, char *why, size_t whylen)
{
	if (s->oom)
		snprintf(why, whylen, "out of memory");
	else if (s->run_id[0] == '\0')
		snprintf(why, whylen, "no run event: not gen's events");
	else if (s->nseq == 0 && s->ids_asked && s->no_ids > 0)
		snprintf(why, whylen,
			 "its server (%s) gave no token ids with its logprobs "
			 "(%ld successful requests; asked by gen --token-ids, "
			 "vLLM's return_tokens_as_token_ids): teacher-forced "
			 "quality (level c) is missing there",
			 s->kind[0] ? s->kind : "unknown", s->no_ids);
	else if (s->nseq == 0)
		snprintf(why, whylen,
			 "no prompt has its output's token ids (%ld "
			 "successful requests without): make the run with gen "
			 "--logprobs K on llama-server, whose logprobs carry "
			 "each token's id, or with --logprobs K --token-ids "
			 "on vLLM, or give a teacher-forced run",
			 s->no_ids);
	else
		return 0;
	return -1;
}
