/* simlms: llmsim's LM Studio models and instances (see simlms.h). */
#include "simlms.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "quant.h"

void simlms_init(struct simlms *m, const struct sim_profile *v, int n)
{
	memset(m, 0, sizeof *m);
	m->v = v;
	m->n = n;
	m->next_seq = 1;
}

void simlms_key(const char *id, char *key, size_t n)
{
	const char *at = strchr(id, '@');
	size_t len = at ? (size_t)(at - id) : strlen(id);

	if (n == 0)
		return;
	if (len >= n)
		len = n - 1;
	memcpy(key, id, len);
	key[len] = '\0';
}

/* Is p one of key's profiles? */
static int of_key(const struct sim_profile *p, const char *key)
{
	size_t n = strlen(key);

	return strncmp(p->id, key, n) == 0 &&
	       (p->id[n] == '\0' || p->id[n] == '@');
}

static int inst_of_key(const struct simlms_inst *i, const char *key)
{
	return i->used && of_key(i->variant, key);
}

/* The slot of the instance of key (of variant v when not NULL; of all
 * when both are NULL) loaded first, or -1. */
static int first_inst(const struct simlms *m, const char *key,
		      const struct sim_profile *v)
{
	int best = -1;

	for (int k = 0; k < SIMLMS_MAX; k++) {
		const struct simlms_inst *i = &m->in[k];
		if (!i->used || (key && !inst_of_key(i, key)) ||
		    (v && i->variant != v))
			continue;
		if (best < 0 || i->seq < m->in[best].seq)
			best = k;
	}
	return best;
}

const struct sim_profile *simlms_selected(const struct simlms *m,
					  const char *key)
{
	int i = first_inst(m, key, NULL);

	if (i >= 0)
		return m->in[i].variant;
	for (int k = 0; k < m->n; k++)
		if (of_key(&m->v[k], key))
			return &m->v[k];
	return NULL;
}

const struct sim_profile *simlms_model(const struct simlms *m, const char *name)
{
	if (name == NULL)
		return NULL;
	for (int k = 0; k < m->n; k++)
		if (strcmp(m->v[k].id, name) == 0)
			return &m->v[k];
	return strchr(name, '@') ? NULL : simlms_selected(m, name);
}

int simlms_grouped(const struct simlms *m, const char *name)
{
	char key[256];
	int n = 0;

	if (name == NULL || strchr(name, '@') == NULL)
		return 0;
	simlms_key(name, key, sizeof key);
	for (int k = 0; k < m->n; k++)
		n += of_key(&m->v[k], key) && strchr(m->v[k].id, '@') != NULL;
	return n > 1;
}

struct simlms_inst *simlms_by_id(struct simlms *m, const char *id)
{
	for (int k = 0; id && k < SIMLMS_MAX; k++)
		if (m->in[k].used && strcmp(m->in[k].id, id) == 0)
			return &m->in[k];
	return NULL;
}

struct simlms_inst *simlms_find(struct simlms *m, const char *name)
{
	struct simlms_inst *i = simlms_by_id(m, name);
	const struct sim_profile *v = NULL;
	int k;

	if (i != NULL)
		return i;
	if (name != NULL && strchr(name, '@') != NULL &&
	    (v = simlms_model(m, name)) == NULL)
		return NULL;
	k = first_inst(m, v ? NULL : name, v);
	return k >= 0 ? &m->in[k] : NULL;
}

int simlms_max_context(const struct sim_profile *p)
{
	return p->ctx_train > 0 ? p->ctx_train : p->ctx_size;
}

/* The instance's id: the key when no instance has it, else key:N (the
 * key cut to leave room for the suffix; n > 12). */
static void new_id(struct simlms *m, const char *key, char *id, size_t n)
{
	int room = (int)n - 12;

	snprintf(id, n, "%.*s", room, key);
	for (int k = 2; simlms_by_id(m, id) != NULL; k++)
		snprintf(id, n, "%.*s:%d", room, key, k);
}

struct simlms_inst *simlms_load(struct simlms *m,
				const struct sim_profile *variant,
				const struct simlms_cfg *cfg, int jit,
				int64_t ready_at)
{
	struct simlms_inst *i = NULL;
	char key[128];

	for (int k = 0; k < SIMLMS_MAX && i == NULL; k++)
		if (!m->in[k].used)
			i = &m->in[k];
	if (i == NULL)
		return NULL;
	simlms_key(variant->id, key, sizeof key);
	memset(i, 0, sizeof *i);
	new_id(m, key, i->id, sizeof i->id);
	i->used = 1;
	i->seq = m->next_seq++;
	i->variant = variant;
	i->jit = jit;
	i->ready_at = ready_at;
	i->cfg = *cfg;
	if (i->cfg.context_length <= 0)
		i->cfg.context_length = variant->ctx_size;
	if (i->cfg.eval_batch_size <= 0)
		i->cfg.eval_batch_size = 512;
	i->cfg.parallel = variant->slots > 0 ? variant->slots : 4;
	i->prof = *variant;
	snprintf(i->prof.id, sizeof i->prof.id, "%s", i->id);
	i->prof.ctx_size = i->cfg.context_length;
	return i;
}

void simlms_unload(struct simlms *m, struct simlms_inst *i)
{
	(void)m;
	i->used = 0;
}

int simlms_count(const struct simlms *m, int ready, int64_t now)
{
	int c = 0;

	for (int k = 0; k < SIMLMS_MAX; k++)
		c += m->in[k].used && (!ready || m->in[k].ready_at <= now);
	return c;
}

/* Is p the first profile of its key (the one that opens its model)? */
static int opens_model(const struct simlms *m, int k)
{
	char key[128];

	simlms_key(m->v[k].id, key, sizeof key);
	for (int j = 0; j < k; j++)
		if (of_key(&m->v[j], key))
			return 0;
	return 1;
}

static void append(char *out, size_t n, size_t *used, const char *sep,
		   const char *s)
{
	int w = snprintf(out + *used, n - *used, "%s%s", *used ? sep : "", s);

	if (w > 0 && *used + (size_t)w < n)
		*used += (size_t)w;
	else
		out[*used] = '\0'; /* cut before the name that did not fit */
}

void simlms_names(const struct simlms *m, const char *sep, char *out, size_t n)
{
	size_t used = 0;
	char key[128];

	if (n == 0)
		return;
	out[0] = '\0';
	for (int k = 0; k < m->n; k++) {
		simlms_key(m->v[k].id, key, sizeof key);
		if (opens_model(m, k) && strchr(m->v[k].id, '@'))
			append(out, n, &used, sep, key);
		append(out, n, &used, sep, m->v[k].id);
	}
}

static void mark_simulated(jw *w)
{
	jw_obj_open(w, "llmsim");
	jw_bool(w, "simulated", 1);
	jw_obj_close(w);
}

void simlms_write_cfg(jw *w, const char *key, const struct simlms_inst *i,
		      int listing)
{
	int gguf =
	    strcmp(i->variant->backend, "mlx") != 0; /* llama.cpp's only */

	jw_obj_open(w, key);
	jw_int(w, "context_length", i->cfg.context_length);
	if (gguf)
		jw_int(w, "eval_batch_size", i->cfg.eval_batch_size);
	if (listing)
		jw_int(w, "parallel", i->cfg.parallel);
	if (gguf) {
		jw_bool(w, "flash_attention", i->cfg.flash_attention != 0);
		if (i->cfg.num_experts > 0)
			jw_int(w, "num_experts", i->cfg.num_experts);
		jw_bool(w, "offload_kv_cache_to_gpu", i->cfg.offload_kv != 0);
	}
	jw_obj_close(w);
}

/* loaded_instances: key's instances loaded at now, in load order. */
static void write_instances(const struct simlms *m, jw *w, const char *key,
			    int64_t now)
{
	long after = 0;

	jw_arr_open(w, "loaded_instances");
	for (;;) {
		const struct simlms_inst *next = NULL;
		for (int k = 0; k < SIMLMS_MAX; k++) {
			const struct simlms_inst *i = &m->in[k];
			if (inst_of_key(i, key) && i->ready_at <= now &&
			    i->seq > after &&
			    (next == NULL || i->seq < next->seq))
				next = i;
		}
		if (next == NULL)
			break;
		after = next->seq;
		jw_obj_open(w, NULL);
		jw_str(w, "id", next->id);
		simlms_write_cfg(w, "config", next, 1);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

/* "variants" and "selected_variant", for a model of key@variant ids. */
static void write_variants(const struct simlms *m, jw *w, const char *key,
			   const struct sim_profile *sel)
{
	int any = 0;

	for (int k = 0; k < m->n; k++)
		any |= of_key(&m->v[k], key) && strchr(m->v[k].id, '@') != NULL;
	if (!any)
		return;
	jw_arr_open(w, "variants");
	for (int k = 0; k < m->n; k++)
		if (of_key(&m->v[k], key) && strchr(m->v[k].id, '@'))
			jw_str(w, NULL, m->v[k].id);
	jw_arr_close(w);
	jw_str(w, "selected_variant", strchr(sel->id, '@') ? sel->id : NULL);
}

/* One model of /api/v1/models: its selected variant's figures. */
static void write_model(const struct simlms *m, jw *w, const char *key,
			int64_t now)
{
	const struct sim_profile *p = simlms_selected(m, key);
	double bits = quant_bits(p->quant);

	jw_obj_open(w, NULL);
	jw_str(w, "type", "llm");
	jw_str(w, "publisher", "llmsim");
	jw_str(w, "key", key);
	jw_str(w, "display_name", p->name);
	jw_str(w, "architecture", p->family);
	jw_obj_open(w, "quantization");
	jw_str(w, "name", p->quant);
	if (isnan(bits))
		jw_null(w, "bits_per_weight");
	else
		jw_int(w, "bits_per_weight", (long long)floor(bits));
	jw_obj_close(w);
	jw_num(w, "size_bytes", p->mem_gb * 1e9, 0);
	jw_null(w, "params_string");
	write_instances(m, w, key, now);
	jw_int(w, "max_context_length", simlms_max_context(p));
	jw_str(w, "format", p->backend);
	write_variants(m, w, key, p);
	mark_simulated(w);
	jw_obj_close(w);
}

void simlms_list_v1(const struct simlms *m, jw *w, int64_t now)
{
	char key[128];

	jw_obj_open(w, NULL);
	jw_arr_open(w, "models");
	for (int k = 0; k < m->n; k++)
		if (opens_model(m, k)) {
			simlms_key(m->v[k].id, key, sizeof key);
			write_model(m, w, key, now);
		}
	jw_arr_close(w);
	jw_obj_close(w);
}

void simlms_list_v0(const struct simlms *m, jw *w, int64_t now)
{
	jw_obj_open(w, NULL);
	jw_str(w, "object", "list");
	jw_arr_open(w, "data");
	for (int k = 0; k < m->n; k++) {
		const struct sim_profile *p = &m->v[k];
		int f = first_inst(m, NULL, p);
		const struct simlms_inst *i = f >= 0 ? &m->in[f] : NULL;
		int loaded = i && i->ready_at <= now;
		jw_obj_open(w, NULL);
		jw_str(w, "id", p->id);
		jw_str(w, "object", "model");
		jw_str(w, "type", "llm");
		jw_str(w, "publisher", "llmsim");
		jw_str(w, "arch", p->family);
		jw_str(w, "compatibility_type", p->backend);
		jw_str(w, "quantization", p->quant);
		jw_str(w, "state", loaded ? "loaded" : "not-loaded");
		jw_int(w, "max_context_length", simlms_max_context(p));
		if (loaded)
			jw_int(w, "loaded_context_length",
			       i->cfg.context_length);
		mark_simulated(w);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

static void openai_entry(jw *w, const char *id, long long created)
{
	jw_obj_open(w, NULL);
	jw_str(w, "id", id);
	jw_str(w, "object", "model");
	jw_int(w, "created", created);
	jw_str(w, "owned_by", "organization_owner");
	mark_simulated(w);
	jw_obj_close(w);
}

void simlms_list_openai(const struct simlms *m, jw *w, long long created)
{
	char key[128];
	long after = 0;

	jw_obj_open(w, NULL);
	jw_str(w, "object", "list");
	jw_arr_open(w, "data");
	for (;;) { /* the instances, in load order */
		const struct simlms_inst *next = NULL;
		for (int k = 0; k < SIMLMS_MAX; k++)
			if (m->in[k].used && m->in[k].seq > after &&
			    (next == NULL || m->in[k].seq < next->seq))
				next = &m->in[k];
		if (next == NULL)
			break;
		after = next->seq;
		openai_entry(w, next->id, created);
	}
	for (int k = 0; k < m->n; k++) {
		simlms_key(m->v[k].id, key, sizeof key);
		if (opens_model(m, k) && first_inst(m, key, NULL) < 0)
			openai_entry(w, key, created);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}
