/* probe: server detection and model loads (see probe.h). */
#include "probe.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "clock.h"
#include "oai.h"
#include "ident.h"
#include "jget.h"
#include "jw.h"
#include "procmem.h"

extern char **environ;

static const char *const kind_names[] = {"auto",   "lmstudio", "llamacpp",
					 "ollama", "mlx",      "vllm",
					 "openai", "llmsim",   "unknown"};

const char *probe_kind_name(enum srv_kind k)
{
	return k >= SRV_AUTO && k <= SRV_UNKNOWN ? kind_names[k] : "unknown";
}

int probe_kind_of(const char *name)
{
	int i;

	for (i = SRV_AUTO; i <= SRV_LLMSIM; i++)
		if (strcmp(name, kind_names[i]) == 0)
			return i;
	return -1;
}

void probe_init(struct probe *p, const char *base, const char *api_key,
		const char *model_id, volatile sig_atomic_t *stop)
{
	size_t n;

	snprintf(p->base, sizeof p->base, "%s", base);
	snprintf(p->root, sizeof p->root, "%s", base);
	n = strlen(p->root);
	if (n >= 3 && strcmp(p->root + n - 3, "/v1") == 0)
		p->root[n - 3] = '\0';
	p->api_key = api_key ? api_key : "";
	p->model_id = model_id ? model_id : "";
	p->stop = stop;
}

static size_t grow_body(char *d, size_t size, size_t n, void *ud)
{
	jw_append(ud, d, size * n);
	return size * n;
}

/* libcurl calls this about once a second (and on every byte): a stop
 * signal ends a blocking request at once instead of after its timeout. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	const struct probe *p = ud;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return p->stop != NULL && *p->stop != 0;
}

/* A blocking request: GET, or POST when body is not NULL.  Returns the
 * parsed JSON reply (caller deletes) or NULL; *code gets the HTTP status
 * (0 when nothing answered). */
static cJSON *http_json(const struct probe *p, const char *url,
			const char *body, double timeout, long *code)
{
	CURL *e = curl_easy_init();
	struct curl_slist *h = NULL;
	cJSON *j = NULL;
	size_t len;
	jw buf;

	*code = 0;
	if (e == NULL)
		return NULL;
	jw_init(&buf);
	h = curl_slist_append(h, "Content-Type: application/json");
	if (p->api_key[0]) {
		char a[600];
		snprintf(a, sizeof a, "Authorization: Bearer %s", p->api_key);
		h = curl_slist_append(h, a);
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, grow_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &buf);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, (void *)p);
	if (body != NULL)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	if (curl_easy_perform(e) == CURLE_OK) {
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, code);
		const char *d = jw_data(&buf, &len);
		j = cJSON_ParseWithLength(d, len);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
	jw_free(&buf);
	return j;
}

/* GET root + path, 3 s at most. */
static cJSON *get_root(const struct probe *p, const char *path, long *code)
{
	char url[1200];

	snprintf(url, sizeof url, "%s%s", p->root, path);
	return http_json(p, url, NULL, 3, code);
}

/* llama-server's /v1/models: the model file's size in meta.size, and its
 * type (F16, Q4_K_M ...) in meta.ftype when nothing else named the
 * quantization.  The entry of the model asked for, else the first. */
static void model_meta(const struct probe *p, struct srv_info *in)
{
	long code;
	char url[1200];
	cJSON *j;
	const cJSON *m, *pick = NULL, *meta;

	snprintf(url, sizeof url, "%s/models", p->base);
	j = http_json(p, url, NULL, 3, &code);
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(j, "data"))
	{
		const char *id = jget_str(m, "id");
		if (pick == NULL ||
		    (id && p->model_id && strcmp(id, p->model_id) == 0))
			pick = m;
	}
	meta = jget_obj(pick, "meta");
	if (code == 200 && jget_num(meta, "size", 0) > 0)
		in->model_bytes = jget_num(meta, "size", 0);
	if (code == 200 && jget_num(meta, "n_params", 0) > 0)
		in->model_params = jget_num(meta, "n_params", 0);
	if (code == 200 && jget_num(meta, "n_vocab", 0) > 0)
		in->n_vocab = (long)jget_num(meta, "n_vocab", 0);
	if (code == 200 && jget_num(meta, "n_ctx_train", 0) > 0)
		in->ctx_train = (long)jget_num(meta, "n_ctx_train", 0);
	/* the whole context (-c), where /props tells a slot's, which is a
	 * share of it with --parallel (tools/server, n_ctx_slot) */
	if (code == 200 && jget_num(meta, "n_ctx", 0) > 0) {
		in->ctx = (long)jget_num(meta, "n_ctx", 0);
		in->ctx_loaded = 1;
	}
	if (code == 200 && !in->quant[0])
		jget_copy(in->quant, sizeof in->quant, meta, "ftype");
	cJSON_Delete(j);
}

/* An Ollama model name is the one asked for, or it with ":latest". */
static int ollama_name_is(const char *name, const char *want)
{
	size_t n = strlen(want);

	return n > 0 &&
	       (strcmp(name, want) == 0 ||
		(strncmp(name, want, n) == 0 && !strcmp(name + n, ":latest")));
}

/* llama-server (or llmsim) answers /props. */
static int probe_props(const struct probe *p, struct srv_info *in)
{
	long code;
	cJSON *j = get_root(p, "/props", &code);
	const cJSON *sim = jget_obj(j, "llmsim");
	const cJSON *dgs = jget_obj(j, "default_generation_settings");
	int found = code == 200 && cJSON_IsObject(j) &&
		    (sim || dgs || cJSON_GetObjectItem(j, "build_info"));

	if (found) {
		in->kind = sim ? SRV_LLMSIM : SRV_LLAMACPP;
		in->simulated = sim != NULL;
		jget_copy(in->model, sizeof in->model, j, "model_path");
		jget_copy(in->version, sizeof in->version, j, "build_info");
		jget_copy(in->quant, sizeof in->quant, sim, "quant");
		jget_copy(in->backend, sizeof in->backend, sim, "backend");
		in->mem_scale = jget_num(sim, "mem_scale_mb_per_gb", -1);
		in->ctx = (long)jget_num(dgs, "n_ctx", -1);
	}
	cJSON_Delete(j);
	if (found)
		model_meta(p, in);
	return found;
}

/* Appends id to the server's list of loaded instances. */
static void add_loaded(struct srv_info *in, const char *id)
{
	size_t used = strlen(in->loaded);

	in->n_loaded = in->n_loaded < 0 ? 1 : in->n_loaded + 1;
	if (id && used + strlen(id) + 3 < sizeof in->loaded)
		snprintf(in->loaded + used, sizeof in->loaded - used, "%s%s",
			 used ? ", " : "", id);
}

/* Does a loaded instance (its id, its model's key and quantization)
 * answer want?  Its id or its model's key, or key@variant with the
 * variant the model's quantization (lms's way of naming one download of
 * several: the instance's id is then the key alone, lmstudio-bug-tracker
 * #1462), also when the model's selected_variant is key@variant (list.md at
 * c6854fb). */
static int lms_answers(const char *want, const char *id, const char *key,
		       const char *variant, const char *quant)
{
	const char *at;
	size_t n;

	if (want == NULL || !*want)
		return 0;
	if ((id && !strcmp(id, want)) || (key && !strcmp(key, want)) ||
	    (variant && !strcmp(variant, want)))
		return 1;
	at = strrchr(want, '@');
	if (at == NULL || quant == NULL || !ident_quant_eq(at + 1, quant))
		return 0;
	n = (size_t)(at - want);
	return (id && strlen(id) == n && !strncmp(id, want, n)) ||
	       (key && strlen(key) == n && !strncmp(key, want, n));
}

/* LM Studio 0.4's /api/v1/models (its docs, list.md at c6854fb): key,
 * format, quantization.name, size_bytes, max_context_length, and each
 * loaded instance's id and config.context_length.  Every loaded instance
 * is counted; the one the model asked for resolves to gives the details,
 * else the first loaded one, else the listed model of that key.  0 when it
 * did not answer so. */
static int probe_lms_v1(const struct probe *p, struct srv_info *in)
{
	long code;
	cJSON *j = get_root(p, "/api/v1/models", &code);
	const cJSON *m, *pick = NULL, *inst = NULL, *li, *first = NULL,
			*first_inst = NULL;
	const cJSON *by_key = NULL;
	int found = 0;

	cJSON_ArrayForEach(m, cJSON_GetObjectItem(j, "models"))
	{
		const char *key = jget_str(m, "key");
		const char *quant =
		    jget_str(jget_obj(m, "quantization"), "name");
		if (!cJSON_IsArray(cJSON_GetObjectItem(m, "loaded_instances")))
			continue;
		found = 1;
		if (by_key == NULL && key && p->model_id &&
		    !strcmp(key, p->model_id))
			by_key = m;
		cJSON_ArrayForEach(li,
				   cJSON_GetObjectItem(m, "loaded_instances"))
		{
			const char *id = jget_str(li, "id");
			if (code == 200)
				add_loaded(in, id);
			if (first == NULL) {
				first = m;
				first_inst = li;
			}
			if (inst == NULL &&
			    lms_answers(p->model_id, id, key,
					jget_str(m, "selected_variant"),
					quant)) {
				pick = m;
				inst = li;
			}
		}
	}
	if (found && code == 200) {
		if (in->n_loaded < 0)
			in->n_loaded = 0;
		in->kind = in->kind == SRV_LLMSIM ? SRV_LLMSIM : SRV_LMSTUDIO;
		if (inst) {
			jget_copy(in->instance, sizeof in->instance, inst,
				  "id");
			in->model_listed = 1;
		} else if (first) {
			pick = first;
			inst = first_inst;
		} else {
			pick = by_key;
			in->model_listed = by_key != NULL;
		}
		jget_copy(in->model, sizeof in->model, inst ? inst : pick,
			  inst ? "id" : "key");
		jget_copy(in->quant, sizeof in->quant,
			  jget_obj(pick, "quantization"), "name");
		jget_copy(in->backend, sizeof in->backend, pick, "format");
		in->ctx_train = (long)jget_num(pick, "max_context_length", -1);
		in->ctx = (long)jget_path_num(inst, "config.context_length",
					      (double)in->ctx_train);
		in->ctx_loaded =
		    jget_path_num(inst, "config.context_length", -1) > 0;
		in->parallel = (int)jget_path_num(inst, "config.parallel", -1);
		in->model_bytes = jget_num(pick, "size_bytes", 0);
		in->simulated |= jget_obj(pick, "llmsim") != NULL;
	}
	cJSON_Delete(j);
	return found && code == 200;
}

/* LM Studio answers /api/v1/models (0.4 on), else /api/v0/models with
 * quantization and state; the model asked for, else the loaded one, gives
 * the details. */
static int probe_lmstudio(const struct probe *p, struct srv_info *in)
{
	long code;
	cJSON *j;
	const cJSON *m, *pick = NULL, *data;
	const char *id, *st;
	int found = 0;

	if (probe_lms_v1(p, in))
		return 1;
	j = get_root(p, "/api/v0/models", &code);
	data = cJSON_GetObjectItem(j, "data");

	cJSON_ArrayForEach(m, data)
	{
		if (!cJSON_GetObjectItem(m, "compatibility_type"))
			continue;
		found = 1;
		id = jget_str(m, "id");
		st = jget_str(m, "state");
		if (code == 200 && st != NULL && strcmp(st, "loaded") == 0)
			add_loaded(in, id);
		if (id != NULL && strcmp(id, p->model_id) == 0)
			pick = m;
		else if (pick == NULL && st != NULL &&
			 strcmp(st, "loaded") == 0)
			pick = m;
	}
	if (found && code == 200 && in->kind != SRV_LLMSIM)
		in->kind = SRV_LMSTUDIO;
	if (found && code == 200 && in->n_loaded < 0)
		in->n_loaded = 0;
	if (pick && jget_str(pick, "state") &&
	    !strcmp(jget_str(pick, "state"), "loaded") &&
	    jget_str(pick, "id") && !strcmp(jget_str(pick, "id"), p->model_id))
		jget_copy(in->instance, sizeof in->instance, pick, "id");
	if (pick) {
		in->simulated |= jget_obj(pick, "llmsim") != NULL;
		jget_copy(in->model, sizeof in->model, pick, "id");
		jget_copy(in->quant, sizeof in->quant, pick, "quantization");
		jget_copy(in->backend, sizeof in->backend, pick,
			  "compatibility_type");
		/* the model's own context; the loaded one when told */
		in->ctx_train = (long)jget_num(pick, "max_context_length", -1);
		if (jget_num(pick, "loaded_context_length", 0) > 0) {
			in->ctx =
			    (long)jget_num(pick, "loaded_context_length", 0);
			in->ctx_loaded = 1;
		} else if (in->ctx <= 0)
			in->ctx = in->ctx_train;
	}
	cJSON_Delete(j);
	return found && code == 200;
}

/* Ollama's /api/ps: the loaded model's context (v0.33 api/types.go
 * ProcessModelResponse context_length). */
static void ollama_ps(const struct probe *p, struct srv_info *in,
		      const char *want)
{
	long code;
	cJSON *j = get_root(p, "/api/ps", &code);
	const cJSON *m;

	if (code == 200 && cJSON_IsArray(cJSON_GetObjectItem(j, "models")))
		in->n_loaded = 0;
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(j, "models"))
	{
		const char *name = jget_str(m, "name");
		if (code == 200)
			add_loaded(in, name);
		if (name &&
		    !in->model[0]) /* the loaded model, when none was named */
			jget_copy(in->model, sizeof in->model, m, "name");
		if (name && ollama_name_is(name, want[0] ? want : in->model)) {
			jget_copy(in->instance, sizeof in->instance, m, "name");
			if (jget_num(m, "context_length", 0) > 0) {
				in->ctx =
				    (long)jget_num(m, "context_length", 0);
				in->ctx_loaded = 1;
			}
		}
	}
	cJSON_Delete(j);
}

/* Ollama's /api/tags: the model's file size and format (gguf: run by its
 * embedded llama-server; else its MLX runner). */
static int probe_ollama(const struct probe *p, struct srv_info *in)
{
	long code;
	cJSON *j = get_root(p, "/api/tags", &code);
	int found =
	    code == 200 && cJSON_IsArray(cJSON_GetObjectItem(j, "models"));
	const cJSON *m,
	    *models = found ? cJSON_GetObjectItem(j, "models") : NULL;
	const char *want = p->model_id ? p->model_id : "";

	if (found)
		in->kind = SRV_OLLAMA;
	cJSON_ArrayForEach(m, models)
	{
		const char *name = jget_str(m, "name");
		if (name == NULL || !ollama_name_is(name, want))
			continue;
		in->model_bytes = jget_num(m, "size", 0);
		in->model_listed = 1;
		jget_copy(in->model, sizeof in->model, m, "name");
		in->simulated |=
		    jget_obj(m, "llmsim") != NULL; /* llmsim --as ollama */
		jget_copy(in->backend, sizeof in->backend,
			  jget_obj(m, "details"), "format");
		jget_copy(in->quant, sizeof in->quant, jget_obj(m, "details"),
			  "quantization_level");
	}
	cJSON_Delete(j);
	if (found)
		ollama_ps(p, in, want);
	return found;
}

/* The ids of /v1/models, ", "-joined, and whether the model asked for is
 * one of them. */
static void list_ids(const struct probe *p, const cJSON *data,
		     struct srv_info *in)
{
	const cJSON *m;
	size_t used = 0;

	in->model_ids[0] = '\0';
	cJSON_ArrayForEach(m, data)
	{
		const char *id = jget_str(m, "id");
		if (id == NULL)
			continue;
		if (p->model_id && strcmp(id, p->model_id) == 0)
			in->model_listed = 1;
		if (used + strlen(id) + 3 < sizeof in->model_ids)
			used += (size_t)snprintf(in->model_ids + used,
						 sizeof in->model_ids - used,
						 "%s%s", used ? ", " : "", id);
	}
}

/* Last resort: /v1/models.  vLLM says owned_by "vllm" (and max_model_len,
 * its context: entrypoints/openai protocol ModelCard); mlx_lm.server's
 * entries have no owned_by at all (0.32 server.py handle_models_request),
 * which every other server sends; else a generic OpenAI server. */
static int probe_models(const struct probe *p, struct srv_info *in)
{
	long code;
	char url[1200];
	cJSON *j;
	const cJSON *first, *data, *m;
	const char *owner;
	int owned = 0;

	snprintf(url, sizeof url, "%s/models", p->base);
	j = http_json(p, url, NULL, 3, &code);
	data = cJSON_GetObjectItem(j, "data");
	first = cJSON_GetArrayItem(data, 0);
	cJSON_ArrayForEach(m, data)
	{
		owned |= cJSON_GetObjectItem(m, "owned_by") != NULL;
		in->simulated |=
		    jget_obj(m, "llmsim") != NULL; /* llmsim --as */
	}
	if (code == 200 && first) {
		owner = jget_str(first, "owned_by");
		in->kind = owner && !strcmp(owner, "vllm")	 ? SRV_VLLM
			   : !owned && jget_str(first, "object") ? SRV_MLX
								 : SRV_OPENAI;
		if (!in->model[0])
			jget_copy(in->model, sizeof in->model, first, "id");
		if (in->kind == SRV_VLLM &&
		    jget_num(first, "max_model_len", 0) > 0) {
			in->ctx = (long)jget_num(first, "max_model_len", 0);
			in->ctx_loaded =
			    1; /* what it serves (--max-model-len) */
		}
		list_ids(p, data, in);
	}
	cJSON_Delete(j);
	return code == 200;
}

static void info_init(struct srv_info *in)
{
	memset(in, 0, sizeof *in);
	in->kind = SRV_UNKNOWN;
	in->ctx = in->ctx_train = in->n_vocab = -1;
	in->mem_scale = -1;
	in->n_loaded = -1;
	in->parallel = -1;
}

int probe_known(const struct probe *p, enum srv_kind kind, struct srv_info *in)
{
	int found = 0;

	info_init(in);
	switch (kind) {
	case SRV_LLAMACPP:
	case SRV_LLMSIM:
		found = probe_props(p, in);
		if (found)
			probe_lmstudio(p, in);
		break;
	case SRV_LMSTUDIO: found = probe_lmstudio(p, in); break;
	case SRV_OLLAMA: found = probe_ollama(p, in); break;
	default: found = probe_models(p, in); break;
	}
	in->kind = kind;
	return found ? 0 : -1;
}

int probe_detect(const struct probe *p, struct srv_info *in)
{
	info_init(in);
	if (probe_props(p, in)) {
		probe_lmstudio(p,
			       in); /* llmsim answers it too: quant, context */
		return 0;
	}
	/* each probe stops at once after a stop signal: see on_progress */
	if (probe_lmstudio(p, in) || probe_ollama(p, in) || probe_models(p, in))
		return 0;
	return -1;
}

static int done(struct load_result *r, const char *method, int64_t t0,
		double server_s, const char *err)
{
	r->method = method;
	r->t0 = t0;
	r->t1 = clock_mono_ns();
	r->server_s = server_s;
	snprintf(r->err, sizeof r->err, "%s", err ? err : "");
	return err ? -1 : 0;
}

int probe_load_api(const struct probe *p, int ollama, long ctx, double timeout,
		   struct load_result *r)
{
	const char *method = ollama ? "ollama" : "lmstudio_api";
	char url[1200], msg[200];
	int64_t t0 = clock_mono_ns();
	long code = 0;
	cJSON *j;
	const cJSON *v;
	double secs;
	int ok;
	jw b;

	jw_init(&b);
	jw_obj_open(&b, NULL);
	jw_str(&b, "model", p->model_id);
	if (ollama)
		jw_bool(&b, "stream", 0);
	if (ctx > 0 &&
	    ollama) { /* options.num_ctx sizes the runner it starts */
		jw_obj_open(&b, "options");
		jw_int(&b, "num_ctx", ctx);
		jw_obj_close(&b);
	} else if (ctx >
		   0) { /* LM Studio: docs rest-api load.md, context_length */
		jw_int(&b, "context_length", ctx);
	}
	jw_obj_close(&b);
	snprintf(url, sizeof url, "%s%s", p->root,
		 ollama ? "/api/generate" : "/api/v1/models/load");
	j = b.oom ? NULL : http_json(p, url, jw_cstr(&b), timeout, &code);
	jw_free(&b);
	v = cJSON_GetObjectItem(j,
				ollama ? "load_duration" : "load_time_seconds");
	secs = cJSON_IsNumber(v) ? v->valuedouble / (ollama ? 1e9 : 1) : -1;
	/* Ollama: done with done_reason "load" (or any done reply) is a load */
	ok =
	    code == 200 &&
	    (ollama ? cJSON_IsTrue(cJSON_GetObjectItem(j, "done")) : secs >= 0);
	/* the server's own words, as in any error body (src/gen/oai) */
	if (oai_error_of(j) != NULL)
		snprintf(msg, sizeof msg, "load failed (HTTP %ld): %.150s",
			 code, oai_error_of(j));
	else
		snprintf(msg, sizeof msg, "load failed (HTTP %ld)", code);
	cJSON_Delete(j);
	if (ok)
		return done(r, method, t0, secs, NULL);
	if (p->stop != NULL && *p->stop)
		return done(r, method, t0, -1, "stopped by a signal");
	return done(r, method, t0, -1, msg);
}

long probe_health(const struct probe *p)
{
	long code = 0;

	cJSON_Delete(get_root(p, "/health", &code));
	return code;
}

int probe_load_health(const struct probe *p, int64_t t0, double timeout,
		      pid_t watch, struct load_result *r)
{
	char msg[120];
	long code = 0;
	cJSON *j;

	while (!(p->stop && *p->stop) &&
	       (double)(clock_mono_ns() - t0) / 1e9 < timeout) {
		if (watch > 0 && !procmem_alive(watch)) {
			snprintf(msg, sizeof msg,
				 "the server process (pid %ld) "
				 "exited before it was ready",
				 (long)watch);
			return done(r, "health_poll", t0, -1, msg);
		}
		j = get_root(p, "/health", &code);
		cJSON_Delete(j);
		if (code == 200)
			break;
		usleep(50000);
	}
	return done(r, "health_poll", t0, -1,
		    code == 200 ? NULL : "the server did not become healthy");
}

int probe_load_command(const char *cmd, struct load_result *r)
{
	char msg[64];
	char *argv[] = {(char[]){"sh"}, (char[]){"-c"}, (char *)cmd, NULL};
	int64_t t0 = clock_mono_ns();
	pid_t pid;
	int st = 0;

	r->cmd = cmd; /* recorded: its settings (lms load --gpu ...) */
	if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) != 0)
		return done(r, "command", t0, -1, "cannot run /bin/sh");
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return done(r, "command", t0, -1, NULL);
	snprintf(msg, sizeof msg, "the load command failed (%s %d)",
		 WIFEXITED(st) ? "exit" : "signal",
		 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return done(r, "command", t0, -1, msg);
}

void probe_write_server(jw *w, const struct srv_info *in)
{
	jw_obj_open(w, "server");
	jw_str(w, "kind", probe_kind_name(in->kind));
	if (in->model[0])
		jw_str(w, "model_id", in->model);
	if (in->quant[0])
		jw_str(w, "quant", in->quant);
	if (in->backend[0])
		jw_str(w, "backend", in->backend);
	if (in->ctx > 0)
		jw_int(w, "ctx_size", in->ctx);
	if (in->ctx_train > 0)
		jw_int(w, "ctx_train", in->ctx_train);
	if (in->parallel > 0)
		jw_int(w, "parallel", in->parallel);
	if (in->n_loaded >= 0)
		jw_int(w, "models_loaded", in->n_loaded);
	if (in->version[0])
		jw_str(w, "version", in->version);
	jw_bool(w, "simulated", in->simulated);
	if (in->mem_scale > 0)
		jw_num(w, "mem_scale_mb_per_gb", in->mem_scale, 6);
	if (in->model_bytes > 0)
		jw_num(w, "model_bytes", in->model_bytes, 0);
	if (in->model_params > 0)
		jw_num(w, "model_params", in->model_params, 0);
	if (in->n_vocab > 0)
		jw_int(w, "n_vocab", in->n_vocab);
	jw_obj_close(w);
}

void probe_write_load(jw *w, const struct load_result *r, const char *model_id)
{
	jw_time(w, "t_start", clock_to_shared_ns(r->t0));
	jw_str(w, "model_id", model_id);
	jw_str(w, "method", r->method);
	if (r->cmd)
		jw_str(w, "command", r->cmd);
	jw_num(w, "seconds", (double)(r->t1 - r->t0) / 1e9, 6);
	if (r->server_s >= 0)
		jw_num(w, "server_seconds", r->server_s, 6);
	jw_str(w, "status", r->err[0] ? "error" : "ok");
	if (r->err[0])
		jw_str(w, "error", r->err);
}

double probe_wait_ready(const struct probe *p, double timeout,
			void (*progress)(double waited, void *ctx), void *ctx)
{
	int64_t t0 = clock_mono_ns(), last = 0, now;
	long code = 0;
	cJSON *j;

	for (;;) {
		j = get_root(p, "/health", &code);
		cJSON_Delete(j);
		now = clock_mono_ns();
		if (code != 503)
			return (double)(now - t0) / 1e9;
		if ((p->stop && *p->stop) ||
		    (double)(now - t0) / 1e9 >= timeout)
			return -1;
		if (progress != NULL &&
		    (last == 0 || now - last >= 5000000000LL)) {
			last = now;
			progress((double)(now - t0) / 1e9, ctx);
		}
		usleep(200000);
	}
}
