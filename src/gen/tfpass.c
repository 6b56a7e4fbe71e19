/* tfpass: a teacher-forced pass over llama-server or vLLM (see
 * tfpass.h). */
#include "tfpass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "formats.h"
#include "jget.h"

static size_t collect(char *d, size_t size, size_t n, void *ctx)
{
	jw_append(ctx, d, size * n);
	return size * n;
}

int tfpass_init(struct tfpass *p, const char *root, const char *api_key,
		const char *model, int k, long n_vocab, double timeout)
{
	char auth[600];

	memset(p, 0, sizeof *p);
	jw_init(&p->reply);
	snprintf(p->root, sizeof p->root, "%s", root);
	p->model = model;
	p->k = k;
	p->n_vocab = n_vocab;
	p->timeout = timeout;
	p->batch = TFPASS_BATCH;
	if ((p->easy = curl_easy_init()) == NULL)
		return -1;
	p->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (api_key && *api_key) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s",
			 api_key);
		p->hdrs = curl_slist_append(p->hdrs, auth);
	}
	curl_easy_setopt(p->easy, CURLOPT_HTTPHEADER, p->hdrs);
	curl_easy_setopt(p->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p->easy, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(p->easy, CURLOPT_WRITEDATA, &p->reply);
	curl_easy_setopt(p->easy, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
	return 0;
}

void tfpass_free(struct tfpass *p)
{
	if (p->easy)
		curl_easy_cleanup(p->easy);
	curl_slist_free_all(p->hdrs);
	jw_free(&p->reply);
	memset(p, 0, sizeof *p);
}

/* POSTs body to root + path; the reply parsed into *out (NULL when it is
 * not JSON).  Returns an enum formats_status, with why when not OK. */
static int post(struct tfpass *p, const char *path, const char *body,
		long *http, cJSON **out, char *why, size_t whylen)
{
	char url[1200];
	CURLcode rc;
	const char *msg;

	snprintf(url, sizeof url, "%s%s", p->root, path);
	jw_reset(&p->reply);
	*out = NULL;
	*http = 0;
	curl_easy_setopt(p->easy, CURLOPT_URL, url);
	curl_easy_setopt(p->easy, CURLOPT_POSTFIELDS, body);
	rc = curl_easy_perform(p->easy);
	curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, http);
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s: %s", path, curl_easy_strerror(rc));
		return rc == CURLE_OPERATION_TIMEDOUT ? FMT_ST_TIMEOUT
						      : FMT_ST_CONNECT;
	}
	*out = cJSON_Parse(jw_cstr(&p->reply));
	if (*http < 200 || *http > 299) {
		msg = jget_str(jget_obj(*out, "error"), "message");
		snprintf(why, whylen, "%s: HTTP %ld: %.300s", path, *http,
			 msg ? msg : jw_cstr(&p->reply));
		return FMT_ST_HTTP;
	}
	if (*out == NULL) {
		snprintf(why, whylen, "%s: the reply is not JSON", path);
		return FMT_ST_PROTOCOL;
	}
	return FMT_ST_OK;
}

/* The body of /tokenize for content, as the completions tokenize a
 * prompt (server-context.cpp: tokenize_input_prompts(..., true, true)). */
static char *tokenize_body(const char *content)
{
	char *out;
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "content", content);
	jw_bool(&w, "add_special", 1);
	jw_bool(&w, "parse_special", 1);
	jw_obj_close(&w);
	out = w.oom ? NULL : strdup(jw_cstr(&w));
	jw_free(&w);
	return out;
}

/* The ids of a /tokenize reply: 0, or -1. */
static int read_ids(const cJSON *reply, int **ids, int *n)
{
	const cJSON *t = cJSON_GetObjectItem(reply, "tokens"), *e;
	int len = cJSON_GetArraySize(t);

	*n = 0;
	if (!cJSON_IsArray(t) ||
	    (*ids = malloc(((size_t)len + 1) * sizeof **ids)) == NULL)
		return -1;
	cJSON_ArrayForEach(e, t)
	{
		if (!cJSON_IsNumber(e))
			return -1;
		(*ids)[(*n)++] = (int)e->valuedouble;
	}
	return 0;
}

/* The body of vLLM's /tokenize (protocol.py, TokenizeChatRequest and
 * TokenizeCompletionRequest): the chat's messages with the generation
 * prompt, as its chat completions render them, or the completions' prompt
 * with BOS, as they tokenize it. */
static char *vllm_tokenize_body(const char *model, const char *chat_body,
				const char *text)
{
	cJSON *chat = chat_body ? cJSON_Parse(chat_body) : NULL;
	char *out = NULL;
	jw w;

	if (chat_body != NULL && chat == NULL)
		return NULL;
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "model", model);
	if (chat != NULL) {
		char *m = cJSON_PrintUnformatted(
		    cJSON_GetObjectItemCaseSensitive(chat, "messages"));
		if (m != NULL)
			jw_raw(&w, "messages", m);
		free(m);
		jw_bool(&w, "add_generation_prompt", 1);
	} else {
		jw_str(&w, "prompt", text);
		jw_bool(&w, "add_special_tokens", 1);
	}
	jw_obj_close(&w);
	if (!w.oom)
		out = strdup(jw_cstr(&w));
	jw_free(&w);
	cJSON_Delete(chat);
	return out;
}

int tfpass_tokens(struct tfpass *p, const char *chat_body, const char *text,
		  int **ids, int *n, char *why, size_t whylen)
{
	cJSON *r = NULL;
	char *body = NULL;
	const char *prompt = text;
	long http;
	int rc = -1;

	*ids = NULL;
	if (p->vllm) {
		body = vllm_tokenize_body(p->model, chat_body, text);
		if (body == NULL)
			snprintf(why, whylen, "out of memory");
		else if (post(p, "/tokenize", body, &http, &r, why, whylen) ==
			 FMT_ST_OK)
			goto ids;
		goto done;
	}
	if (chat_body != NULL) { /* the template, as the chat applies it */
		if (post(p, "/apply-template", chat_body, &http, &r, why,
			 whylen) != FMT_ST_OK)
			goto done;
		if ((prompt = jget_str(r, "prompt")) == NULL) {
			snprintf(why, whylen, "/apply-template: no prompt");
			goto done;
		}
	}
	if ((body = tokenize_body(prompt)) == NULL) {
		snprintf(why, whylen, "out of memory");
		goto done;
	}
	cJSON_Delete(r);
	if (post(p, "/tokenize", body, &http, &r, why, whylen) != FMT_ST_OK)
		goto done;
ids:
	if ((rc = read_ids(r, ids, n)) != 0)
		snprintf(why, whylen, "/tokenize: no \"tokens\" of ids");
done:
	if (rc != 0) {
		free(*ids);
		*ids = NULL;
	}
	free(body);
	cJSON_Delete(r);
	return rc;
}

int tfpass_text(struct tfpass *p, const int *ids, int n, char **text, char *why,
		size_t whylen)
{
	cJSON *r = NULL;
	long http;
	int rc = -1;
	jw w;

	*text = NULL;
	jw_init(&w);
	jw_obj_open(&w, NULL);
	if (p->vllm) /* vLLM's DetokenizeRequest names the model */
		jw_str(&w, "model", p->model);
	jw_arr_open(&w, "tokens");
	for (int i = 0; i < n; i++)
		jw_int(&w, NULL, ids[i]);
	jw_arr_close(&w);
	jw_obj_close(&w);
	if (post(p, "/detokenize", jw_cstr(&w), &http, &r, why, whylen) ==
	    FMT_ST_OK) {
		/* vLLM's DetokenizeResponse: "prompt"; llama-server's:
		 * "content" */
		const char *c = jget_str(r, p->vllm ? "prompt" : "content");
		if (c != NULL && (*text = strdup(c)) != NULL)
			rc = 0;
		else
			snprintf(why, whylen, "/detokenize: no content");
	}
	cJSON_Delete(r);
	jw_free(&w);
	return rc;
}

/* A batch's positions from..from+count-1 dropped after reply status rc. */
static void drop_batch(int rc, int from, int count, struct tfpass_out *o)
{
	for (int i = from; i < from + count; i++)
		tf_pos_free(&o->pos[i]);
	o->noprobs = rc == TF_NOPROBS;
	o->status = rc == TF_NOPROBS ? FMT_ST_OK : FMT_ST_PROTOCOL;
}

/* A batch's positions read: counted, their lists' lengths noted. */
static void note_batch(struct tfpass *p, int from, int count,
		       struct tfpass_out *o)
{
	for (int i = from; i < from + count; i++) {
		o->truncated += tf_truncated(&o->pos[i], p->k, p->n_vocab);
		if (o->top_min < 0 || o->pos[i].n < o->top_min)
			o->top_min = o->pos[i].n;
	}
	o->npos = from + count;
}

/* Reads one batch's reply into o's positions from..from+count-1. */
static void take_batch(struct tfpass *p, const cJSON *r, const int *forced,
		       int from, int count, struct tfpass_out *o)
{
	int rc = tf_reply(r, forced + from, count, o->pos + from, o->err,
			  sizeof o->err);

	if (rc != TF_OK)
		drop_batch(rc, from, count, o);
	else
		note_batch(p, from, count, o);
}

/* vLLM: the whole sequence in one /v1/completions request. */
static void run_vllm(struct tfpass *p, const int *ctx, int nctx,
		     const int *forced, int nforced, struct tfpass_out *o)
{
	char *body = tf_vllm_body(p->model, ctx, nctx, forced, nforced, p->k);
	cJSON *r = NULL;
	int rc;

	o->requests++;
	o->status = body ? post(p, "/v1/completions", body, &o->http, &r,
				o->err, sizeof o->err)
			 : FMT_ST_OTHER;
	free(body);
	if (o->status == FMT_ST_OK) {
		rc = tf_vllm_reply(r, nctx, forced, nforced, p->k, o->pos,
				   o->err, sizeof o->err);
		if (rc == TF_OK)
			note_batch(p, 0, nforced, o);
		else
			drop_batch(rc, 0, nforced, o);
	}
	cJSON_Delete(r);
}

void tfpass_run(struct tfpass *p, const int *ctx, int nctx, const int *forced,
		int nforced, volatile sig_atomic_t *stop, struct tfpass_out *o)
{
	memset(o, 0, sizeof *o);
	o->top_min = -1;
	o->pos = calloc((size_t)nforced + 1, sizeof *o->pos);
	if (o->pos == NULL) {
		o->status = FMT_ST_OTHER;
		snprintf(o->err, sizeof o->err, "out of memory");
		return;
	}
	if (p->vllm) {
		if (!(stop && *stop))
			run_vllm(p, ctx, nctx, forced, nforced, o);
		else
			o->status = FMT_ST_ABORTED;
		return;
	}
	for (int from = 0; from < nforced && o->npos == from;
	     from += p->batch) {
		int count =
		    nforced - from < p->batch ? nforced - from : p->batch;
		char *body =
		    tf_body(p->model, ctx, nctx, forced, from, count, p->k, 0);
		cJSON *r = NULL;
		if (stop && *stop) {
			o->status = FMT_ST_ABORTED;
			free(body);
			break;
		}
		o->requests++;
		o->status = body ? post(p, "/completion", body, &o->http, &r,
					o->err, sizeof o->err)
				 : FMT_ST_OTHER;
		if (o->status == FMT_ST_OK)
			take_batch(p, r, forced, from, count, o);
		free(body);
		cJSON_Delete(r);
		if (o->status != FMT_ST_OK || o->noprobs)
			break;
	}
}

void tfpass_out_free(struct tfpass_out *o)
{
	for (int i = 0; o->pos && i < o->npos; i++)
		tf_pos_free(&o->pos[i]);
	free(o->pos);
	memset(o, 0, sizeof *o);
}

static void id_array(jw *w, const char *key, const int *v, int n)
{
	jw_arr_open(w, key);
	for (int i = 0; i < n; i++)
		jw_int(w, NULL, v[i]);
	jw_arr_close(w);
}

void tfpass_write(jw *w, const char *source_run, long source_req,
		  const int *ctx, int nctx, const int *forced, int nforced,
		  const char *text, int asked, const struct tfpass_out *o)
{
	jw_obj_open(w, "tf");
	jw_str(w, "source_run", source_run);
	jw_int(w, "source_req", source_req);
	jw_int(w, "asked", asked);
	jw_str(w, "given",
	       o->noprobs     ? "none"
	       : o->truncated ? "truncated"
			      : "all");
	jw_int(w, "positions", o->npos);
	jw_int(w, "truncated", o->truncated);
	jw_int(w, "top_min", o->top_min);
	jw_int(w, "requests", o->requests);
	id_array(w, "ctx", ctx, nctx);
	id_array(w, "forced", forced, nforced);
	if (text != NULL)
		jw_str(w, "text", text);
	jw_arr_open(w, "content");
	for (int i = 0; i < o->npos; i++)
		tf_pos_write(w, &o->pos[i]);
	jw_arr_close(w);
	jw_obj_close(w);
}
