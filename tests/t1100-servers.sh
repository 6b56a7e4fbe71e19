#!/usr/bin/env bash
# The servers as their source says (docs/servers.md): a stream in each
# server's exact shape replayed through gen and agg, and llmsim's
# imitation of each (llmsim --as) driving what gen and check-server must
# do there: Ollama's load call and durations, mlx_lm.server's model field
# and /health, vLLM's dead engine, LM Studio's streams without stats.
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
FX=$TESTS/fixtures/servers
export TB_BIN

printf '{"q": {"prompt": "What is six times seven?", "max_tokens": 10}}\n' >"$TRASH_ROOT/q.json"
Q=$TRASH_ROOT/q.json

# replay NAME FIXTURE [gen options]: gen and agg on llmsim replaying the
# fixture; the done event in NAME.done, the run JSON in NAME.json.
replay() {
	local name=$1 fx=$2
	shift 2
	llmsim_start "$name" --replay "$FX/$fx" ${AS:+--as "$AS"} || return 1
	eval "local url=\$${name}_URL"
	"$TB_BIN/gen" -u "$url" -m "$name" --no-progress -p "$Q" "$@" >"$name.ndjson" 2>"$name.err" &&
	"$TB_BIN/agg" "$name.ndjson" >"$name.json" &&
	jq -c "select(.ev == \"done\")" "$name.ndjson" >"$name.done" &&
	llmsim_stop "$name"
}

# done_is NAME FILTER: the done event matches the jq filter.
done_is() { jq -e "$2" "$1.done" >/dev/null; }
# ev_is FILE EV FILTER: the first event of that kind matches the filter.
ev_is() { jq -s -e "map(select(.ev == \"$2\"))[0] | $3" "$1" >/dev/null; }

test_expect_success 'vLLM stream: role chunk with "", reasoning field, finish with the last token' '
	replay V vllm-chat.sse &&
	done_is V ".status == \"ok\" and .finish == \"length\" and .done_marker" &&
	done_is V ".tokens == {content: 7, reasoning: 3, tool: 0, source: \"usage\", chunk_tokens: 10}" &&
	done_is V ".reasoning_text == \"Let me think\" and .text == \" The answer is forty-two.\"" &&
	jq -e ".metrics.output_tokens.mean == 10" V.json >/dev/null
'

test_expect_success 'Ollama OpenAI stream: role on the first chunk only, reasoning, usage with three counts' '
	replay O ollama-v1-chat.sse &&
	done_is O ".status == \"ok\" and .finish == \"length\"" &&
	done_is O ".tokens == {content: 7, reasoning: 3, tool: 0, source: \"usage\", chunk_tokens: 10}" &&
	done_is O "(.ollama == null) and (.timings == null)" &&
	done_is O ".reasoning_text == \"Let me think\""
'

test_expect_success 'Ollama native stream: JSON lines, thinking, its durations as the server figures' '
	AS=ollama replay N ollama-api-chat.ndjson --api ollama --model-id llmsim &&
	done_is N ".status == \"ok\" and .finish == \"length\" and .done_marker" &&
	done_is N ".tokens == {content: 7, reasoning: 3, tool: 0, source: \"usage\", chunk_tokens: 10}" &&
	done_is N ".ollama == {total_duration: 161000000, load_duration: 1200000, prompt_eval_count: 12,
		prompt_eval_duration: 24000000, eval_count: 10, eval_duration: 90000000, runner: \"llama-server\"}" &&
	done_is N ".prompt_tokens == 12" &&
	# its embedded llama-server: 9 steps after the first token in 90 ms
	jq -e ".server_reported.decode_tps.mean == 100 and .server_reported.prefill_tps.mean == 500" N.json >/dev/null &&
	jq -e ".run.api == \"ollama\"" N.json >/dev/null
'

test_expect_success 'mlx_lm.server stream: role in every chunk, usage chunk of object chat.completion' '
	replay M mlx-chat.sse --model-id default_model --server openai &&
	done_is M ".status == \"ok\" and .finish == \"length\"" &&
	done_is M ".tokens == {content: 7, reasoning: 3, tool: 0, source: \"usage\", chunk_tokens: 10}" &&
	done_is M ".chunks == 12"
'

test_expect_success 'LM Studio stream: reasoning_content, usage at the end, no stats' '
	replay L lmstudio-chat.sse --server openai &&
	done_is L ".status == \"ok\" and .tokens.reasoning == 3 and .tokens.content == 7" &&
	done_is L ".stats == null"
'

test_expect_success 'Ollama: gen --load times its load call on the client (no load_duration in the reply)' '
	llmsim_start OL --as ollama --load-time 300ms &&
	"$TB_BIN/gen" -u "$OL_URL" -m llmsim --load --load-only --no-progress </dev/null >load.ndjson 2>err &&
	ev_is load.ndjson load ".method == \"ollama\" and .status == \"ok\" and
		.seconds >= 0.3 and .seconds < 5 and .server_seconds == null" &&
	ev_is load.ndjson run ".server.kind == \"ollama\" and .server.simulated" &&
	# loaded now: /api/ps names it with its context
	curl -sS "${OL_URL%/v1}/api/ps" | jq -e ".models[0].name == \"llmsim:latest\" and .models[0].context_length > 0" &&
	# a model it does not have: refused, and said so
	test_expect_code 1 "$TB_BIN/gen" -u "$OL_URL" -m nope --load --load-only --no-progress </dev/null >l2 2>err2 &&
	ev_is l2 load ".status == \"error\" and (.error | startswith(\"load failed (HTTP 404)\"))" &&
	llmsim_stop OL
'

test_expect_success 'Ollama: a request that waited for the model to load is said to' '
	# it loads at the first request; its load_duration says how long
	llmsim_start OW --as ollama --load-time 1200ms &&
	"$TB_BIN/gen" -u "$OW_URL" -m llmsim --api ollama --no-progress -p "$Q" -n 2 >ev 2>err &&
	grep -q "^gen: request 1 waited 1\.[2-9] s for Ollama to load its model" err &&
	test "$(grep -c "waited" err)" = 1 &&
	ev_is ev done ".ollama.load_duration > 1.2e9" &&
	llmsim_stop OW
'

test_expect_success 'Ollama: check-server has the server figures, from its native API' '
	# a prefill (0.3 s for the cache step'"'"'s 1,500 tokens) far above what a
	# busy machine adds, since Ollama tells nothing of its cache: the
	# check reads the cache from TTFT alone there
	llmsim_start OC --as ollama --mem 64MiB --tps 400 --prefill 5000 &&
	URL=$OC_URL MODEL=llmsim OUT=$TRASH_ROOT/oc MAX_TOKENS=64 "$SCRIPTS/check-server.sh" >cs 2>cserr &&
	cat cs &&
	grep -q "^check-server: Ollama (version not told): decode TPS: ok (client [0-9.]* tok/s, server [0-9.]* (Ollama (llama-server runner) (eval_count - 1) / eval_duration), client/server " cs &&
	grep -q "^check-server: Ollama (version not told): TTFT at the first token: ok (.*the server.s own: median" cs &&
	grep -q "^check-server: Ollama (version not told): usage: ok" cs &&
	grep -q "^[0-9]* passed, 0 failed, [0-9]* n/a$" cs &&
	llmsim_stop OC
'

test_expect_success 'mlx_lm.server: a label sent as the model is refused before measuring, the fix named' '
	llmsim_start ML --as mlx --load-time 200ms &&
	test_expect_code 1 "$TB_BIN/gen" -u "$ML_URL" -m MiniMax-M2.1 --no-progress -p "$Q" >ev 2>err &&
	cat err &&
	grep -q "^gen: $ML_URL: mlx_lm.server loads the model a request names, dropping the one it serves: \"MiniMax-M2.1\" is not one of its models (llmsim[,)].*pass --model-id with one of them, or --model-id default_model" err &&
	! grep -q "\"ev\":\"req\"" ev &&
	# with its own name: measured, detected as mlx (no owned_by)
	"$TB_BIN/gen" -u "$ML_URL" -m x --model-id default_model --no-progress -p "$Q" >ev2 2>err2 &&
	ev_is ev2 run ".server.kind == \"mlx\"" &&
	ev_is ev2 done ".status == \"ok\"" &&
	# it has no ignore_eos: said, not assumed
	"$TB_BIN/gen" -u "$ML_URL" -m x --model-id llmsim --ignore-eos --no-progress -p "$Q" >/dev/null 2>err4 &&
	grep -q "^gen: --ignore-eos: mlx has no ignore_eos" err4 &&
	# a seed with several users: served one at a time there, said so
	"$TB_BIN/gen" -u "$ML_URL" -m x --model-id llmsim --seed 3 -c 2 -n 2 --no-progress -p "$Q" >/dev/null 2>err3 &&
	grep -q "^gen: --seed: mlx_lm.server serves a request with a seed alone" err3 &&
	llmsim_stop ML
'

test_expect_success 'mlx_lm.server: /health is 200 while it loads, so no health poll times its load' '
	llmsim_start MH --as mlx --load-time 5s &&
	test "$(curl -sS -o /dev/null -w "%{http_code}" "${MH_URL%/v1}/health")" = 200 &&
	test_expect_code 1 "$TB_BIN/gen" -u "$MH_URL" -m x --model-id llmsim --load-health --load-only \
		--no-progress </dev/null >ev 2>err &&
	ev_is ev load ".status == \"error\" and (.error | startswith(\"mlx_lm.server answers /health 200 before its model has loaded\"))" &&
	# a request meanwhile waits for the model rather than failing
	"$TB_BIN/gen" -u "$MH_URL" -m x --model-id llmsim --no-progress -p "$Q" >ev2 2>/dev/null &&
	ev_is ev2 done ".status == \"ok\"" &&
	llmsim_stop MH &&
	llmsim_start MC --as mlx --mem 64MiB --tps 400 &&
	test_expect_code 1 env URL=$MC_URL MODEL=llmsim OUT=$TRASH_ROOT/mc MAX_TOKENS=32 \
		"$SCRIPTS/check-server.sh" >cs 2>/dev/null &&
	cat cs &&
	grep -q "^check-server: mlx_lm.server (version not told): load mechanism: FAIL (mlx_lm.server answers /health 200 while its model still loads" cs &&
	llmsim_stop MC
'

test_expect_success 'vLLM: a dead engine (503 on /health) fails at once with the reason' '
	llmsim_start VD --as vllm --engine-dead &&
	start=$SECONDS &&
	test_expect_code 1 "$TB_BIN/gen" -u "$VD_URL" -m llmsim --no-progress -p "$Q" >ev 2>err &&
	test $((SECONDS - start)) -lt 60 &&
	grep -q "^gen: $VD_URL: vLLM answers /health 503: its engine is dead" err &&
	llmsim_stop VD &&
	# alive: its context from max_model_len, prompts over it refused its way
	llmsim_start VA --as vllm --ctx 40 &&
	test_expect_code 1 "$TB_BIN/gen" -u "$VA_URL" -m llmsim --no-progress -p "$Q" --max-tokens 50 >ev2 2>/dev/null &&
	ev_is ev2 run ".server.kind == \"vllm\" and .server.ctx_size == 40" &&
	ev_is ev2 done ".http == 400 and (.error | contains(\"maximum context length is 40 tokens\"))" &&
	llmsim_stop VA &&
	# --enable-per-request-metrics: its decode speed read from mean_itl_ms,
	# not from tokens_per_second, which counts the prefill
	llmsim_start VM --as vllm --metrics --tps 200 --ttft 100ms &&
	"$TB_BIN/gen" -u "$VM_URL" -m llmsim --no-progress -p "$Q" -n 3 --max-tokens 20 >ev3 2>/dev/null &&
	# (the schedule'"'"'s 5 ms gaps, loosely: the exact check is agg'"'"'s figure
	# against these very values, below)
	jq -s -e "map(select(.ev == \"done\") | .metrics) | length == 3 and
		all(.mean_itl_ms > 4 and .mean_itl_ms < 8 and .tokens_per_second < 1000 / .mean_itl_ms)" ev3 &&
	"$TB_BIN/agg" ev3 >r3.json &&
	want=$(jq -s "map(select(.ev == \"done\") | 1000 / .metrics.mean_itl_ms) | add / length" ev3) &&
	jq -e --argjson w "$want" ".server_reported.decode_tps.mean - \$w | fabs < 0.01" r3.json &&
	llmsim_stop VM
'

test_expect_success 'LM Studio imitation: no stats in streams; check-server says why decode is n/a' '
	llmsim_start LS --as lmstudio --mem 64MiB --tps 400 --profiles "$TESTS/../profiles/llmsim.json" \
		-P qwen3-coder-next-q4_k_m --load-time 0 --ctx 8192 &&
	# 0.4'"'"'s /api/v1/models: the loaded instance, its format, quantization,
	# size and the context it was loaded with (a run, not gen --load: a load
	# of a model loaded already is a second instance, as LM Studio'"'"'s is)
	"$TB_BIN/gen" -u "$LS_URL" -m q --model-id qwen3-coder-next-q4_k_m --no-progress -p "$Q" >run.ndjson 2>/dev/null &&
	ev_is run.ndjson run ".server == {kind: \"lmstudio\", model_id: \"qwen3-coder-next-q4_k_m\",
		quant: \"Q4_K_M\", backend: \"gguf\", ctx_size: 8192, ctx_train: 262144, simulated: true,
		model_bytes: 53000000000, parallel: 4, models_loaded: 1}" &&
	URL=$LS_URL OUT=$TRASH_ROOT/ls MAX_TOKENS=32 "$SCRIPTS/check-server.sh" >cs 2>/dev/null
	cat cs &&
	grep -q "decode TPS: n/a (the server reports no decode speed of its own: LM Studio sends none in /v1 streams" cs &&
	! grep -q "\"stats\"" "$TRASH_ROOT/ls/basic.ndjson" &&
	llmsim_stop LS &&
	# the plain llmsim told to be LM Studio (gen --server lmstudio) stays
	# marked simulated: the report keeps its banner
	llmsim_start LG &&
	"$TB_BIN/gen" -u "$LG_URL" -m x --model-id llmsim --server lmstudio --no-progress -p "$Q" >ev 2>/dev/null &&
	ev_is ev run ".server.kind == \"lmstudio\" and .server.simulated" &&
	llmsim_stop LG
'

test_expect_success 'Model identity: a wrong quantization, context or model is refused, naming both' '
	llmsim_start LI --as lmstudio --mem 64MiB --tps 400 --profiles "$TESTS/../profiles/llmsim.json" \
		-P qwen3-coder-next-q4_k_m --load-time 0 --ctx 8192 &&
	g() { "$TB_BIN/gen" -u "$LI_URL" -m q --model-id qwen3-coder-next-q4_k_m --no-progress -p "$Q" "$@"; } &&
	test_expect_code 1 g -l quant=Q8_0 >wq.ndjson 2>wq.err &&
	grep -q "refused: the run says quant=Q8_0, but lmstudio reports Q4_K_M" wq.err &&
	ev_is wq.ndjson end ".reason == \"wrong_model\" and (.error | test(\"quant=Q8_0.*Q4_K_M\")) and .requests == 0" &&
	! jq -e "select(.ev == \"req\")" wq.ndjson >/dev/null &&
	test_expect_code 1 "$TB_BIN/agg" wq.ndjson >wq.json 2>/dev/null &&
	jq -e ".incomplete and (.incomplete_reasons[0] | startswith(\"gen refused to measure: the run says quant=Q8_0\"))" wq.json >/dev/null &&
	test_expect_code 1 g -l ctx=32k >wc.ndjson 2>wc.err &&
	grep -q "the run says ctx=32768, but lmstudio has \"qwen3-coder-next-q4_k_m\" loaded with a context of 8192 tokens" wc.err &&
	test_expect_code 1 g -l backend=mlx >wb.ndjson 2>wb.err &&
	grep -q "backend=mlx, but lmstudio reports format gguf" wb.err &&
	# another model the server lists: a request would load it beside
	test_expect_code 1 "$TB_BIN/gen" -u "$LI_URL" -m q --model-id minimax-m2.1-q4_k_m --no-progress -p "$Q" \
		>wm.ndjson 2>wm.err &&
	grep -q "has loaded \"qwen3-coder-next-q4_k_m\", not \"minimax-m2.1-q4_k_m\"" wm.err &&
	# the claim true in other spellings: measured
	g -l quant=q4-k-m -l ctx=8192 -l backend=gguf >ok.ndjson 2>ok.err &&
	ev_is ok.ndjson end ".reason == \"complete\" and .ok == 1" &&
	# the way out
	g -l quant=Q8_0 --no-check-model >nc.ndjson 2>/dev/null &&
	ev_is nc.ndjson end ".reason == \"complete\" and .ok == 1" &&
	llmsim_stop LI
'

test_done
