/* simlms: llmsim's LM Studio (llmsim --as lmstudio): the profiles as LM
 * Studio's downloaded models, a profile id "key@variant" one variant of
 * the model "key"; the instances loaded, each with its id and its load
 * config; which instance a request's model names; the listings of
 * /api/v1/models, /api/v0/models and /v1/models.  Pure: no I/O and no
 * clock (the caller passes the time).  What LM Studio does is from its
 * docs at c6854fb, cited in docs/llmsim.md. */
#ifndef TB_SIMLMS_H
#define TB_SIMLMS_H

#include <stddef.h>
#include <stdint.h>

#include "jw.h"
#include "sim.h"

#define SIMLMS_MAX 8 /* instances loaded at once */

/* A load's config (/api/v1/models/load's fields, loaded_instances[].config);
 * 0 or -1: not given. */
struct simlms_cfg {
	int context_length;  /* > 0 always once loaded */
	int eval_batch_size; /* 0: the default, 512 */
	int parallel;	     /* not a load field: the profile's slots, else 4 */
	int num_experts;     /* 0: not given (listed only when given) */
	int flash_attention; /* -1: the default, on */
	int offload_kv;	     /* offload_kv_cache_to_gpu; -1: the default, on */
};

/* A loaded model instance.  prof is what serves its requests: the variant's
 * profile with the instance's id and its context (ctx_size). */
struct simlms_inst {
	int used;
	long seq;     /* load order: "first" is the lowest */
	char id[128]; /* "key", then "key:2", "key:3" ... */
	const struct sim_profile *variant; /* the profile loaded */
	struct sim_profile prof;
	struct simlms_cfg cfg;
	int jit;	  /* loaded just in time by a request */
	int64_t ready_at; /* when its load ends (monotonic ns) */
};

/* The models and their instances.  The profiles are the caller's and must
 * outlive it. */
struct simlms {
	const struct sim_profile *v;
	int n;
	struct simlms_inst in[SIMLMS_MAX];
	long next_seq;
};

void simlms_init(struct simlms *m, const struct sim_profile *v, int n);

/* The model key of a profile id: what precedes its '@', else all of it. */
void simlms_key(const char *id, char *key, size_t n);

/* The profile a name downloads as: a profile id (key@variant or a plain
 * id), or a model key (its selected variant).  NULL when none. */
const struct sim_profile *simlms_model(const struct simlms *m,
				       const char *name);

/* The selected variant of a key's model: the variant of its first loaded
 * instance, else its first profile in the file.  NULL when no such key. */
/* Is name a key@variant of a model of two or more variants (one LM Studio
 * lists as one model with "variants")?  Its REST load refuses those
 * (lmstudio-bug-tracker #1462; lms #588 for lms load). */
int simlms_grouped(const struct simlms *m, const char *name);

const struct sim_profile *simlms_selected(const struct simlms *m,
					  const char *key);

/* The instance (loaded or loading) a request's model names: an instance
 * id; a key: the key's first instance; key@variant: the first instance of
 * that variant; NULL: the first instance of all.  NULL when none does. */
struct simlms_inst *simlms_find(struct simlms *m, const char *name);

/* The instance of that id exactly, or NULL. */
struct simlms_inst *simlms_by_id(struct simlms *m, const char *id);

/* Loads variant as a new instance, whatever is loaded already: its id the
 * key when free, else "key:N" with the least N >= 2 free.  cfg's unset
 * fields take the defaults (context_length: the variant's ctx_size).
 * Returns the instance, or NULL when SIMLMS_MAX are loaded. */
struct simlms_inst *simlms_load(struct simlms *m,
				const struct sim_profile *variant,
				const struct simlms_cfg *cfg, int jit,
				int64_t ready_at);

/* Removes an instance (its slot may serve the next load). */
void simlms_unload(struct simlms *m, struct simlms_inst *i);

/* Instances loaded or loading; with ready, only those loaded at now. */
int simlms_count(const struct simlms *m, int ready, int64_t now);

/* The largest context a variant can be loaded with (its ctx_train, else
 * its ctx_size; 0: no limit). */
int simlms_max_context(const struct sim_profile *p);

/* The names of the downloaded models (each key of variants, then its
 * key@variant ids; the plain ids), as LM Studio lists them after "Your
 * models:", sep-joined, cut short before a name that does not fit. */
void simlms_names(const struct simlms *m, const char *sep, char *out, size_t n);

/* The bodies of GET /api/v1/models ({"models": [...]}: each model by key,
 * its variants and selected variant, its instances loaded at now),
 * GET /api/v0/models (one entry per profile with its state) and
 * GET /v1/models (the instances' ids, then the keys of models not loaded:
 * JIT loading on lists every downloaded model).  w is the caller's,
 * initialised; each entry carries "llmsim": {"simulated": true}. */
void simlms_list_v1(const struct simlms *m, jw *w, int64_t now);
void simlms_list_v0(const struct simlms *m, jw *w, int64_t now);
void simlms_list_openai(const struct simlms *m, jw *w, long long created);

/* loaded_instances[].config, or load_config without parallel: the config
 * object named key into w. */
void simlms_write_cfg(jw *w, const char *key, const struct simlms_inst *i,
		      int listing);

#endif
