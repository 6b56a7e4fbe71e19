/* simpersona: llmsim's endpoints besides completions that differ with the
 * server it imitates (llmsim --as): /health, the model listings, Ollama's
 * /api/tags and /api/ps.  Each shape follows that server's source, cited
 * in docs/servers.md; completions are lib/simsrv's. */
#ifndef TB_SIMPERSONA_H
#define TB_SIMPERSONA_H

#include <event2/http.h>

#include "sim.h"
#include "simsrv.h"

/* The persona a --as name means, or -1; its written name. */
int simpersona_of(const char *name);
const char *simpersona_name(enum sim_persona p);

/* GET /health: llama-server's 503 "Loading model" then {"status":"ok"};
 * mlx_lm.server's 200 at once, loading or not; vLLM's empty 200, or 503
 * once its engine is dead (engine_dead); Ollama has none (404). */
void simpersona_health(struct evhttp_request *req, enum sim_persona p,
		       int loading, int engine_dead);

/* GET /v1/models: the n profiles v in p's shape; each entry also carries
 * "llmsim": {"simulated": true}, which no real server sends. */
void simpersona_models(struct evhttp_request *req, enum sim_persona p,
		       const struct sim_profile *v, int n);

/* Ollama's GET /api/tags (every model, with its file size and format) and
 * GET /api/ps (the loaded one, with its context, when loaded). */
void simpersona_ollama_tags(struct evhttp_request *req, const struct sim_profile *v, int n);
void simpersona_ollama_ps(struct evhttp_request *req, const struct sim_profile *cur,
			  int loaded);

/* LM Studio 0.4's GET /api/v1/models (its docs, list.md): every model by
 * key, with its format, quantization, size and context, and the loaded one's
 * instance. */
void simpersona_lms_models(struct evhttp_request *req, const struct sim_profile *v, int n,
			   const struct sim_profile *cur, int loaded);

#endif
