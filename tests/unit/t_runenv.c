/* Unit tests for src/gen/runenv: settings recorded, credentials never. */
#include "tap.h"

#include "runenv.h"

static void test_wanted(void)
{
	CHECK(runenv_wanted("GGML_METAL_N_CB=2"));
	CHECK(runenv_wanted("OLLAMA_NUM_PARALLEL=4"));
	CHECK(runenv_wanted("MLX_METAL_FAST_SYNCH=1"));
	CHECK(!runenv_wanted("LLAMA_API_KEY=sk-x"));
	CHECK(!runenv_wanted("OLLAMA_AUTH_TOKEN=abc"));
	CHECK(!runenv_wanted("LLAMA_ARG_HF_TOKEN=abc"));
	CHECK(!runenv_wanted("GGML_password=x"));
	CHECK(!runenv_wanted("OPENAI_API_KEY=sk-x")); /* not a setting */
	CHECK(!runenv_wanted("PATH=/bin"));
	CHECK(!runenv_wanted("GGML_NO_EQUALS"));
}

static void test_values(void)
{
	CHECK(runenv_secret_value("sk-abc"));
	CHECK(runenv_secret_value("hf_abcdef"));
	CHECK(runenv_secret_value("Bearer xyz"));
	CHECK(runenv_secret_value("a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8"));
	CHECK(!runenv_secret_value("2"));
	CHECK(
	    !runenv_secret_value("/Users/me/models/MiniMax-M2.1-Q4_K_M.gguf"));
	CHECK(!runenv_secret_value(
	    "abcdefghijklmnopqrstuvwxyzabcdefghij")); /* no digit */
}

static void test_write(void)
{
	const char *env[] = {"GGML_METAL_N_CB=2",
			     "LLAMA_API_KEY=sk-1",
			     "HOME=/root",
			     "OLLAMA_HOST=http://127.0.0.1:11434",
			     "MLX_X=0123456789abcdef0123456789abcdef0123",
			     NULL};
	jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	runenv_write(&w, env);
	jw_obj_close(&w);
	CHECK_STR(jw_cstr(&w), "{\"env\":{\"GGML_METAL_N_CB\":\"2\","
			       "\"OLLAMA_HOST\":\"http://"
			       "127.0.0.1:11434\",\"MLX_X\":\"[redacted]\"}}");
	jw_free(&w);
}

int main(void)
{
	RUN(test_wanted);
	RUN(test_values);
	RUN(test_write);
	return DONE();
}
