/* simpersona: llmsim's endpoints besides completions that differ with the
 * server it imitates (llmsim --as): /health, the model listings, Ollama's
 * /api/tags and /api/ps, LM Studio's listings (src/llmsim/simlms).  Each shape
 * follows that server's source, cited in docs/servers.md; completions are
 * src/llmsim/simsrv's. */
#ifndef TB_SIMPERSONA_H
#define TB_SIMPERSONA_H

#include <event2/http.h>

#include <stdint.h>

#include "sim.h"
#include "simlms.h"
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
void simpersona_ollama_tags(struct evhttp_request *req,
			    const struct sim_profile *v, int n);
void simpersona_ollama_ps(struct evhttp_request *req,
			  const struct sim_profile *cur, int loaded);

/* LM Studio's listings of its models and instances m (src/llmsim/simlms) at now
 * (monotonic ns): 0.4's GET /api/v1/models (its docs, list.md), GET
 * /api/v0/models, and its GET /v1/models. */
enum simpersona_lms { LMS_V1, LMS_V0, LMS_OPENAI };
void simpersona_lms_list(struct evhttp_request *req, const struct simlms *m,
			 enum simpersona_lms which, int64_t now);

#endif
