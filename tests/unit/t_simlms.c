/* Unit tests for src/llmsim/simlms: LM Studio's models by key with their
 * variants, instance ids key, key:2 ..., how a request's model resolves,
 * and the listings' shapes (LM Studio's docs, list.md at c6854fb). */
#include <cJSON.h>

#include "tap.h"

#include "simlms.h"

static struct sim_profile v[4];
static struct simlms m;

static void setup(void)
{
	const char *ids[] = {"qwen@q4_k_m", "qwen@q8_0", "plain", "qwen@4bit"};
	const char *quants[] = {"Q4_K_M", "Q8_0", "Q6_K", "4bit"};

	for (int k = 0; k < 4; k++) {
		sim_profile_default(&v[k]);
		snprintf(v[k].id, sizeof v[k].id, "%s", ids[k]);
		snprintf(v[k].quant, sizeof v[k].quant, "%s", quants[k]);
		snprintf(v[k].backend, sizeof v[k].backend, "%s",
			 k == 3 ? "mlx" : "gguf");
		v[k].ctx_size = 8192;
		v[k].ctx_train = 262144;
	}
	simlms_init(&m, v, 4);
}

static struct simlms_inst *load(const char *name, int ctx, int64_t at)
{
	struct simlms_cfg c = {
	    .context_length = ctx, .flash_attention = 1, .offload_kv = 1};

	return simlms_load(&m, simlms_model(&m, name), &c, 0, at);
}

/* The listing parsed; the caller deletes it. */
static cJSON *listing(int v1, int64_t now)
{
	jw w;
	cJSON *j;

	jw_init(&w);
	if (v1)
		simlms_list_v1(&m, &w, now);
	else
		simlms_list_v0(&m, &w, now);
	j = cJSON_Parse(jw_cstr(&w));
	jw_free(&w);
	return j;
}

static void test_keys_and_models(void)
{
	char key[64];

	setup();
	simlms_key("qwen@q4_k_m", key, sizeof key);
	CHECK_STR(key, "qwen");
	simlms_key("plain", key, sizeof key);
	CHECK_STR(key, "plain");
	CHECK(simlms_model(&m, "qwen@q8_0") == &v[1]);
	CHECK(simlms_model(&m, "qwen") == &v[0]); /* the first variant */
	CHECK(simlms_model(&m, "plain") == &v[2]);
	CHECK(simlms_model(&m, "qwen@q2_k") == NULL);
	CHECK(simlms_model(&m, "nope") == NULL);
	CHECK(simlms_model(&m, NULL) == NULL);
}

static void test_instance_ids(void)
{
	struct simlms_inst *a, *b, *c, *d;

	setup();
	a = load("qwen", 0, 0);
	b = load("qwen", 4096, 0);
	c = load("qwen@q8_0", 0, 0);
	CHECK(a && b && c);
	CHECK_STR(a->id, "qwen");
	CHECK_STR(b->id, "qwen:2");
	CHECK_STR(c->id, "qwen:3");
	CHECK_INT(a->cfg.context_length, 8192); /* the profile's by default */
	CHECK_INT(b->cfg.context_length, 4096);
	CHECK_INT(b->prof.ctx_size, 4096); /* what serves its requests */
	CHECK_STR(b->prof.id, "qwen:2");
	CHECK_INT(a->cfg.parallel, 4); /* slots 0: LM Studio's 4 */
	/* the lowest free id next */
	simlms_unload(&m, b);
	d = load("qwen", 0, 0);
	CHECK_STR(d->id, "qwen:2");
	CHECK_INT(simlms_count(&m, 0, 0), 3);
	simlms_unload(&m, a);
	CHECK_STR(load("qwen", 0, 0)->id, "qwen");
	for (int k = simlms_count(&m, 0, 0); k < SIMLMS_MAX; k++)
		CHECK(load("plain", 0, 0) != NULL);
	CHECK(load("plain", 0, 0) == NULL); /* the table is full */
}

static void test_resolve(void)
{
	struct simlms_inst *a, *b, *c;

	setup();
	CHECK(simlms_find(&m, NULL) == NULL);
	CHECK(simlms_find(&m, "qwen") == NULL);
	a = load("qwen@q8_0", 0, 0);
	b = load("qwen", 0, 0); /* the selected variant: q8_0's, loaded */
	c = load("plain", 0, 0);
	CHECK(b->variant == &v[1]);
	CHECK(simlms_find(&m, NULL) == a);
	CHECK(simlms_find(&m, "qwen:2") == b);
	CHECK(simlms_find(&m, "qwen") == a);
	CHECK(simlms_find(&m, "qwen@q8_0") == a);
	CHECK(simlms_find(&m, "qwen@q4_k_m") == NULL); /* not loaded: JIT */
	CHECK(simlms_find(&m, "plain") == c);
	CHECK(simlms_find(&m, "plain:2") == NULL);
	CHECK(simlms_find(&m, "nope") == NULL);
	simlms_unload(&m, a);
	CHECK(simlms_find(&m, "qwen") == b); /* key: its first left */
	CHECK(simlms_by_id(&m, "qwen") == NULL);
}

static void test_list_v1(void)
{
	cJSON *j, *q, *p, *li;

	setup();
	load("qwen", 0, 0);
	load("qwen", 16384, 5); /* loading until 5 */
	j = listing(1, 1);
	q = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "models"), 0);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "models"), 1);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "models")), 2);
	CHECK_STR(cJSON_GetObjectItem(q, "key")->valuestring, "qwen");
	CHECK_STR(cJSON_GetObjectItem(q, "selected_variant")->valuestring,
		  "qwen@q4_k_m");
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(q, "variants")), 3);
	CHECK_STR(cJSON_GetArrayItem(cJSON_GetObjectItem(q, "variants"), 2)
		      ->valuestring,
		  "qwen@4bit");
	CHECK_STR(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(q, "quantization"), "name")
		->valuestring,
	    "Q4_K_M");
	CHECK_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(q, "quantization"),
				      "bits_per_weight")
		      ->valueint,
		  4);
	CHECK_INT(cJSON_GetObjectItem(q, "max_context_length")->valueint,
		  262144);
	CHECK_STR(cJSON_GetObjectItem(q, "format")->valuestring, "gguf");
	li = cJSON_GetObjectItem(q, "loaded_instances");
	CHECK_INT(cJSON_GetArraySize(li), 1); /* the second is still loading */
	CHECK_STR(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(li, 0), "id")->valuestring,
	    "qwen");
	CHECK_INT(cJSON_GetObjectItem(
		      cJSON_GetObjectItem(cJSON_GetArrayItem(li, 0), "config"),
		      "context_length")
		      ->valueint,
		  8192);
	CHECK(cJSON_GetObjectItem(p, "variants") ==
	      NULL); /* one variant only */
	CHECK(cJSON_GetObjectItem(p, "selected_variant") == NULL);
	CHECK_INT(
	    cJSON_GetArraySize(cJSON_GetObjectItem(p, "loaded_instances")), 0);
	cJSON_Delete(j);
	j = listing(1, 5);
	q = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "models"), 0);
	li = cJSON_GetObjectItem(q, "loaded_instances");
	CHECK_INT(cJSON_GetArraySize(li), 2);
	CHECK_STR(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(li, 1), "id")->valuestring,
	    "qwen:2");
	CHECK_INT(cJSON_GetObjectItem(
		      cJSON_GetObjectItem(cJSON_GetArrayItem(li, 1), "config"),
		      "context_length")
		      ->valueint,
		  16384);
	cJSON_Delete(j);
}

static void test_list_v0(void)
{
	cJSON *j, *d;

	setup();
	load("qwen@q8_0", 4096, 0);
	j = listing(0, 0);
	d = cJSON_GetObjectItem(j, "data");
	CHECK_INT(cJSON_GetArraySize(d), 4);
	CHECK_STR(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(d, 0), "state")->valuestring,
	    "not-loaded");
	CHECK_STR(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(d, 1), "id")->valuestring,
	    "qwen@q8_0");
	CHECK_STR(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(d, 1), "state")->valuestring,
	    "loaded");
	CHECK_INT(cJSON_GetObjectItem(cJSON_GetArrayItem(d, 1),
				      "loaded_context_length")
		      ->valueint,
		  4096);
	CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(d, 0),
				  "loaded_context_length") == NULL);
	cJSON_Delete(j);
}

static void test_names(void)
{
	char s[256], small[20];

	setup();
	simlms_names(&m, ", ", s, sizeof s);
	CHECK_STR(s, "qwen, qwen@q4_k_m, qwen@q8_0, plain, qwen@4bit");
	simlms_names(&m, "\n", small, sizeof small);
	CHECK_STR(small, "qwen\nqwen@q4_k_m");
}

int main(void)
{
	RUN(test_keys_and_models);
	RUN(test_instance_ids);
	RUN(test_resolve);
	RUN(test_list_v1);
	RUN(test_list_v0);
	RUN(test_names);
	return DONE();
}
