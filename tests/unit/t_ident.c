/* Unit tests for src/gen/ident: the loaded model against the run's claim. */
#include "tap.h"

#include "ident.h"

/* What the server said: one instance of kind k, nothing else known. */
static struct srv_info told(enum srv_kind k)
{
	struct srv_info s;

	memset(&s, 0, sizeof s);
	s.kind = k;
	s.ctx = s.ctx_train = -1;
	s.n_loaded = -1;
	s.parallel = -1;
	return s;
}

static void test_quant_eq(void)
{
	CHECK(ident_quant_eq("Q4_K_M", "q4_k_m"));
	CHECK(ident_quant_eq("Q4_K_M", "Q4_K - Medium"));
	CHECK(ident_quant_eq("Q4_K_S", "Q4_K - Small"));
	CHECK(ident_quant_eq("IQ2_XS", "IQ2 - Extra small"));
	CHECK(ident_quant_eq("4bit", "4BIT"));
	CHECK(ident_quant_eq("4bit", "4-bit"));
	CHECK(!ident_quant_eq("Q4_K_M", "Q4_K_S"));
	CHECK(!ident_quant_eq("Q4_K_M", "Q4_K - Small"));
	CHECK(!ident_quant_eq("Q4_0", "Q4_K_M"));
	CHECK(!ident_quant_eq("", ""));
	CHECK(!ident_quant_eq(NULL, "Q8_0"));
}

static void test_parse_ctx(void)
{
	CHECK_INT(ident_parse_ctx("131072"), 131072);
	CHECK_INT(ident_parse_ctx("128k"), 131072);
	CHECK_INT(ident_parse_ctx("128K"), 131072);
	CHECK_INT(ident_parse_ctx("128kb"), -1);
	CHECK_INT(ident_parse_ctx("long"), -1);
	CHECK_INT(ident_parse_ctx("-5"), -1);
	CHECK_INT(ident_parse_ctx("0"), -1);
	CHECK_INT(ident_parse_ctx(NULL), -1);
}

static void test_agrees(void)
{
	struct ident_claim c = {"qwen3-coder-next", "Q4_K_M", "gguf", 131072};
	struct srv_info s = told(SRV_LMSTUDIO);
	char why[400];

	s.n_loaded = 1;
	strcpy(s.loaded, "qwen3-coder-next");
	strcpy(s.instance, "qwen3-coder-next");
	strcpy(s.model, "qwen3-coder-next");
	strcpy(s.quant, "Q4_K - Medium");
	strcpy(s.backend, "gguf");
	s.ctx = 131072;
	s.ctx_loaded = 1;
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 0);
	CHECK_STR(why, "");
	/* a server that tells nothing has nothing to refuse */
	s = told(SRV_OPENAI);
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 0);
}

static void test_two_loaded(void)
{
	struct ident_claim c = {"qwen3-coder-next", "Q4_K_M", "gguf", 0};
	struct srv_info s = told(SRV_LMSTUDIO);
	char why[400];

	s.n_loaded = 2;
	strcpy(s.loaded, "qwen3-coder-next, qwen3-coder-next:2");
	strcpy(s.instance, "qwen3-coder-next");
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 1);
	CHECK(strstr(why, "2 models loaded") != NULL);
	CHECK(strstr(why, "qwen3-coder-next, qwen3-coder-next:2") != NULL);
	/* Ollama too */
	s.kind = SRV_OLLAMA;
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 1);
}

static void test_lms_none_or_other(void)
{
	struct ident_claim c = {"minimax-m2.1@q4_k_m", NULL, NULL, 0};
	struct srv_info s = told(SRV_LMSTUDIO);
	char why[400];

	s.n_loaded = 0;
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 1);
	CHECK(strstr(why, "no model loaded") != NULL);
	CHECK(strstr(why, "minimax-m2.1@q4_k_m") != NULL);
	/* llama-server serves what it was started with whatever the name */
	s.kind = SRV_LLAMACPP;
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 0);
	/* LM Studio with another model loaded: a request would load ours */
	s.kind = SRV_LMSTUDIO;
	s.n_loaded = 1;
	strcpy(s.loaded, "qwen3-coder-next");
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 1);
	CHECK(
	    strstr(why, "\"qwen3-coder-next\", not \"minimax-m2.1@q4_k_m\"") !=
	    NULL);
}

static void test_quant_backend_ctx(void)
{
	struct ident_claim c = {"m", "Q8_0", "gguf", 0};
	struct srv_info s = told(SRV_LLAMACPP);
	char why[400];

	strcpy(s.model, "m");
	strcpy(s.quant, "Q4_K - Medium");
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 1);
	CHECK(strstr(why, "quant=Q8_0") != NULL);
	CHECK(strstr(why, "Q4_K - Medium") != NULL);

	c.quant = "4bit";
	c.backend = "mlx";
	strcpy(s.quant, "4bit");
	strcpy(s.backend, "gguf");
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 1);
	CHECK(strstr(why, "backend=mlx") != NULL);
	strcpy(s.backend, "safetensors"); /* Ollama's name for MLX weights */
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 0);
	c.backend = "gguf";
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 1);
	strcpy(s.backend, "sim"); /* llmsim's: no format told */
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 0);
	c.backend = "mlx";
	strcpy(s.quant, "none"); /* llmsim's default: no quantization */
	c.quant = "Q8_0";
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 0);
	c.quant = "4bit";

	/* a maximum context is not the loaded one: not compared */
	c.ctx = 131072;
	s.ctx = 32768;
	s.ctx_loaded = 0;
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 0);
	s.ctx_loaded = 1;
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 1);
	CHECK(strstr(why, "ctx=131072") != NULL);
	CHECK(strstr(why, "32768") != NULL);
	s.ctx = 131072;
	CHECK_INT(ident_check(&c, &s, why, sizeof why), 0);
}

int main(void)
{
	RUN(test_quant_eq);
	RUN(test_parse_ctx);
	RUN(test_agrees);
	RUN(test_two_loaded);
	RUN(test_lms_none_or_other);
	RUN(test_quant_backend_ctx);
	return DONE();
}
