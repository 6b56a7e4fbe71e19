/* simpersona: llmsim's server-specific endpoints (simpersona.h). */
#include "simpersona.h"
#include "simtf.h"

#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "jw.h"

static const char *const names[] = {"generic", "llamacpp", "lmstudio",
				    "ollama",  "mlx",	   "vllm"};

int simpersona_of(const char *name)
{
	for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

const char *simpersona_name(enum sim_persona p)
{
	return p >= SIM_GENERIC && p <= SIM_VLLM ? names[p] : "?";
}

static void reply_text(struct evhttp_request *req, int code, const char *reason,
		       const char *ctype, const char *text)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL)
		return;
	evbuffer_add(b, text, strlen(text));
	evhttp_add_header(evhttp_request_get_output_headers(req),
			  "Content-Type", ctype);
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

void simpersona_health(struct evhttp_request *req, enum sim_persona p,
		       int loading, int engine_dead)
{
	switch (p) {
	case SIM_OLLAMA: /* no such route: Go's mux answers 404 */
		reply_text(req, 404, "Not Found", "text/plain; charset=utf-8",
			   "404 page not found");
		break;
	case SIM_MLX: /* server.py: 200 {"status": "ok"}, the model loading or
			 not */
		simsrv_reply_json(req, 200, "OK", "{\"status\": \"ok\"}");
		break;
	case SIM_VLLM: /* instrumentator/health.py: 503 only on EngineDeadError
			*/
		if (engine_dead)
			reply_text(req, 503, "Service Unavailable",
				   "application/json", "");
		else
			reply_text(req, 200, "OK", "application/json", "");
		break;
	default:
		if (loading)
			simsrv_reply_error(req, 503, "unavailable_error",
					   "Loading model");
		else
			simsrv_reply_json(req, 200, "OK",
					  "{\"status\":\"ok\"}");
	}
}

/* "llmsim": {"simulated": true}, which no real server sends: a run
 * against an imitation stays marked simulated. */
static void mark_simulated(jw *w)
{
	jw_obj_open(w, "llmsim");
	jw_bool(w, "simulated", 1);
	jw_obj_close(w);
}

/* Closes a listing's array and object, sends it, frees it. */
static void reply_list(struct evhttp_request *req, jw *w)
{
	jw_arr_close(w);
	jw_obj_close(w);
	simsrv_reply_json(req, 200, "OK", jw_cstr(w));
	jw_free(w);
}

static int ctx_of(const struct sim_profile *m)
{
	return m->ctx_train > 0 ? m->ctx_train : m->ctx_size;
}

/* One /v1/models entry, as each server writes it. */
static void model_entry(jw *w, enum sim_persona p, const struct sim_profile *m)
{
	jw_obj_open(w, NULL);
	jw_str(w, "id", m->id);
	jw_str(w, "object", "model");
	jw_int(w, "created", (long long)time(NULL));
	if (p == SIM_OLLAMA) /* openai.go: the namespace, "library" */
		jw_str(w, "owned_by", "library");
	else if (p == SIM_VLLM) { /* protocol.py ModelCard */
		jw_str(w, "owned_by", "vllm");
		jw_str(w, "root", m->id);
		jw_null(w, "parent");
		jw_int(w, "max_model_len", m->ctx_size);
	} else if (p == SIM_LMSTUDIO)
		jw_str(w, "owned_by", "organization_owner");
	else if (p != SIM_MLX) /* mlx_lm 0.32 server.py: no owned_by */
		jw_str(w, "owned_by",
		       p == SIM_LLAMACPP ? "llamacpp" : "llmsim");
	if (p == SIM_GENERIC || p == SIM_LLAMACPP) { /* llama-server's meta */
		jw_obj_open(w, "meta");
		jw_int(w, "n_ctx", m->ctx_size);
		jw_int(w, "n_ctx_train", ctx_of(m));
		if (m->mem_gb > 0) /* the simulated file's size, as meta.size */
			jw_num(w, "size", m->mem_gb * 1e9, 0);
		jw_str(w, "ftype", m->quant);
		jw_int(w, "n_vocab", SIMTF_VOCAB); /* simtf's tokens */
		jw_bool(w, "simulated", 1);
		jw_obj_close(w);
	}
	mark_simulated(w);
	jw_obj_close(w);
}

void simpersona_models(struct evhttp_request *req, enum sim_persona p,
		       const struct sim_profile *v, int n)
{
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "object", "list");
	jw_arr_open(&w, "data");
	for (int i = 0; i < n; i++)
		model_entry(&w, p, &v[i]);
	reply_list(req, &w);
}

/* The fields /api/tags and /api/ps share (v0.33 api/types.go). */
static void ollama_model(jw *w, const struct sim_profile *m)
{
	char name[160];

	snprintf(name, sizeof name, "%s:latest", m->id);
	jw_str(w, "name", name);
	jw_str(w, "model", name);
	jw_num(w, "size", m->mem_gb * 1e9, 0);
	jw_str(
	    w, "digest",
	    "0000000000000000000000000000000000000000000000000000000000000000");
	jw_obj_open(w, "details");
	jw_str(w, "parent_model", "");
	jw_str(w, "format",
	       strcmp(m->backend, "mlx") == 0 ? "safetensors" : "gguf");
	jw_str(w, "family", m->family);
	jw_str(w, "parameter_size", "");
	jw_str(w, "quantization_level", m->quant);
	jw_obj_close(w);
}

void simpersona_ollama_tags(struct evhttp_request *req,
			    const struct sim_profile *v, int n)
{
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_arr_open(&w, "models");
	for (int i = 0; i < n; i++) {
		jw_obj_open(&w, NULL);
		ollama_model(&w, &v[i]);
		jw_str(&w, "modified_at", "2026-01-01T00:00:00Z");
		mark_simulated(&w);
		jw_obj_close(&w);
	}
	reply_list(req, &w);
}

void simpersona_lms_list(struct evhttp_request *req, const struct simlms *m,
			 enum simpersona_lms which, int64_t now)
{
	jw w;

	jw_init(&w);
	if (which == LMS_V1)
		simlms_list_v1(m, &w, now);
	else if (which == LMS_V0)
		simlms_list_v0(m, &w, now);
	else
		simlms_list_openai(m, &w, (long long)time(NULL));
	simsrv_reply_json(req, 200, "OK", jw_cstr(&w));
	jw_free(&w);
}

void simpersona_ollama_ps(struct evhttp_request *req,
			  const struct sim_profile *cur, int loaded)
{
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_arr_open(&w, "models");
	if (loaded && cur != NULL) {
		jw_obj_open(&w, NULL);
		ollama_model(&w, cur);
		jw_str(&w, "expires_at", "2026-01-01T00:05:00Z");
		jw_num(&w, "size_vram", cur->mem_gb * 1e9, 0);
		jw_int(&w, "context_length", cur->ctx_size);
		mark_simulated(&w);
		jw_obj_close(&w);
	}
	reply_list(req, &w);
}
