/* srvfig: the server's own figures in a done event (srvfig.h). */
#include "srvfig.h"

#include <string.h>

#include "jget.h"

static void from_timings(const cJSON *t, struct srvfig *f)
{
	/* llama-server: predicted_per_second is the n - 1 decode steps after
	 * the first token over the first-to-last span (server_slot_stats
	 * n_gen_tps), the client's own definition; prompt_ms runs to the
	 * first token */
	f->decode_tps = jget_num(t, "predicted_per_second", -1);
	f->prefill_tps = jget_num(t, "prompt_per_second", -1);
	if (jget_num(t, "prompt_ms", -1) >= 0)
		f->ttft_s = jget_num(t, "prompt_ms", 0) / 1e3;
	f->source = "llama-server timings.predicted_per_second";
}

static void from_stats(const cJSON *st, struct srvfig *f)
{
	f->decode_tps = jget_num(st, "tokens_per_second", -1);
	f->ttft_s = jget_num(st, "time_to_first_token", -1);
	f->source = "LM Studio stats.tokens_per_second";
}

/* Ollama v0.33 (fb30760): GGUF models run on an embedded llama-server,
 * whose predicted_n / predicted_ms become eval_count / eval_duration
 * (llm/llama_server.go): n tokens over the n - 1 steps after the first,
 * so n/(n-1) of the client's figure; the (n - 1) steps are counted here.
 * Its MLX runner (x/mlxrunner/pipeline.go) times every step from the
 * start of decoding and leaves EOS out of eval_count: count over
 * duration is already a rate per step.  gen adds "runner" from the
 * model's format. */
static void from_ollama(const cJSON *o, struct srvfig *f)
{
	double n = jget_num(o, "eval_count", -1),
	       d = jget_num(o, "eval_duration", 0);
	double pn = jget_num(o, "prompt_eval_count", -1);
	double pd = jget_num(o, "prompt_eval_duration", 0);
	const char *runner = jget_str(o, "runner");
	int mlx = runner != NULL && strcmp(runner, "mlx") == 0;

	if (n > (mlx ? 0 : 1) && d > 0) {
		f->decode_tps = (mlx ? n : n - 1) / (d / 1e9);
		f->source =
		    mlx ? "Ollama (MLX runner) eval_count / eval_duration"
			: "Ollama (llama-server runner) (eval_count - 1) / "
			  "eval_duration";
	}
	if (pn > 0 && pd > 0)
		f->prefill_tps = pn / (pd / 1e9);
	if (pd > 0)
		f->ttft_s = pd / 1e9;
}

/* vLLM's per-request metrics (--enable-per-request-metrics, docs/features/
 * per_request_metrics.md at 0377ba9ad8eb): its tokens_per_second divides
 * every token by the time from scheduling, prefill included, so it is not
 * a decode speed; mean_itl_ms is the decode time over the N - 1 steps
 * after the first token, the client's definition. */
static void from_vllm(const cJSON *m, struct srvfig *f)
{
	double itl = jget_num(m, "mean_itl_ms", -1);

	if (itl > 0) {
		f->decode_tps = 1e3 / itl;
		f->source = "vLLM metrics 1000 / mean_itl_ms";
	}
	if (jget_num(m, "time_to_first_token_ms", -1) >= 0)
		f->ttft_s = jget_num(m, "time_to_first_token_ms", 0) / 1e3;
}

void srvfig_read(const cJSON *done, struct srvfig *f)
{
	const cJSON *t = jget_obj(done, "timings"),
		    *st = jget_obj(done, "stats");
	const cJSON *o = jget_obj(done, "ollama"),
		    *m = jget_obj(done, "metrics");

	f->decode_tps = f->prefill_tps = f->ttft_s = -1;
	f->source = NULL;
	if (t != NULL)
		from_timings(t, f);
	else if (st != NULL)
		from_stats(st, f);
	else if (o != NULL)
		from_ollama(o, f);
	else if (m != NULL)
		from_vllm(m, f);
	if (f->decode_tps <= 0) {
		f->decode_tps = -1;
		f->source = NULL;
	}
}
