#!/usr/bin/env bash
# llmsim --as lmstudio as LM Studio documents it (lmstudio-ai/docs at c6854fb:
# 1_developer/2_rest/list.md, load.md, unload.md; the SDK's loading.md): one
# model per key with its variants, a new instance at every load (key, then
# key:2), unloads, loads just in time, and what gen does with each state.
. "$(dirname "$0")/lib.sh"

export TB_BIN
printf '{"q": {"prompt": "What is six times seven?", "max_tokens": 10}}\n' >"$TRASH_ROOT/q.json"
Q=$TRASH_ROOT/q.json
# two variants of one key, and a model of one download (no variants)
cat >"$TRASH_ROOT/lms.json" <<'EOF'
{"profiles": [
 {"id": "qwen3-coder-next@q4_k_m", "name": "Qwen3-Coder-Next Q4_K_M (simulated)",
  "family": "qwen3next", "backend": "gguf", "quant": "Q4_K_M", "mem_gb": 48,
  "ctx_size": 8192, "ctx_train": 262144},
 {"id": "qwen3-coder-next@q8_0", "name": "Qwen3-Coder-Next Q8_0 (simulated)",
  "family": "qwen3next", "backend": "gguf", "quant": "Q8_0", "mem_gb": 85,
  "ctx_size": 8192, "ctx_train": 262144},
 {"id": "minimax-m2.1-mlx-4bit", "name": "MiniMax-M2.1 MLX 4-bit (simulated)",
  "family": "MiniMax-M2.1", "backend": "mlx", "quant": "4bit", "mem_gb": 135,
  "ctx_size": 131072, "ctx_train": 196608}
]}
EOF
P=$TRASH_ROOT/lms.json
KEY=qwen3-coder-next

# ev_is FILE EV FILTER: the first event of that kind matches the filter.
ev_is() { jq -s -e "map(select(.ev == \"$2\"))[0] | $3" "$1" >/dev/null; }
# rest NAME PATH [BODY]: GET, or POST the body, to the server NAME's root;
# the reply to stdout, its HTTP status to NAME.code.
rest() {
	local url
	eval "url=\${$1_URL%/v1}"
	if [ $# -gt 2 ]; then
		curl -sS -o - -w "%{stderr}%{http_code}" "$url$2" -d "$3" 2>"$TRASH_ROOT/$1.code"
	else
		curl -sS -o - -w "%{stderr}%{http_code}" "$url$2" 2>"$TRASH_ROOT/$1.code"
	fi
}
code_is() { test "$(cat "$TRASH_ROOT/$1.code")" = "$2"; }
# model NAME: the /api/v1/models entry of our key on server NAME.
model() { rest "$1" /api/v1/models | jq -c ".models[] | select(.key == \"$KEY\")"; }
# rss NAME: the server's resident memory in KiB (Linux).
rss() { eval "awk '/^VmRSS/ { print \$2 }' /proc/\$$1_PID/status"; }
# gen on server NAME as LM Studio: a one-request run; gen's options after.
g() {
	local url
	eval "url=\$$1_URL"
	shift
	"$TB_BIN/gen" -u "$url" -m q --server lmstudio --no-progress -p "$Q" "$@"
}

llmsim_start LS --as lmstudio --profiles "$P" -P "$KEY@q4_k_m" --mem 16MiB --load-time 0 \
	--log "$TRASH_ROOT/ls.log"

test_expect_success 'listing: a model per key, its variants, the selected one, its instance (list.md)' '
	rest LS /api/v1/models >all && code_is LS 200 &&
	jq -e "[.models[].key] == [\"llmsim\", \"$KEY\", \"minimax-m2.1-mlx-4bit\"] and
		all(.models[]; .type == \"llm\" and .llmsim.simulated)" all &&
	model LS >m &&
	jq -e ".variants == [\"$KEY@q4_k_m\", \"$KEY@q8_0\"] and .selected_variant == \"$KEY@q4_k_m\" and
		.quantization == {name: \"Q4_K_M\", bits_per_weight: 4} and .format == \"gguf\" and
		.max_context_length == 262144 and .size_bytes == 48000000000 and
		.display_name == \"Qwen3-Coder-Next Q4_K_M (simulated)\" and .architecture == \"qwen3next\" and
		(.loaded_instances | length == 1) and .loaded_instances[0].id == \"$KEY\" and
		.loaded_instances[0].config.context_length == 8192 and
		.loaded_instances[0].config.parallel == 4" m &&
	# one download: no variants (list.md: present for multi-variant models)
	jq -e ".models[2] | (has(\"variants\") | not) and (has(\"selected_variant\") | not) and
		.loaded_instances == [] and .format == \"mlx\"" all &&
	# the older API: a flat list, each download with its state
	rest LS /api/v0/models >v0 &&
	jq -e "[.data[] | {id, state, loaded_context_length}] == [
		{id: \"llmsim\", state: \"not-loaded\", loaded_context_length: null},
		{id: \"$KEY@q4_k_m\", state: \"loaded\", loaded_context_length: 8192},
		{id: \"$KEY@q8_0\", state: \"not-loaded\", loaded_context_length: null},
		{id: \"minimax-m2.1-mlx-4bit\", state: \"not-loaded\", loaded_context_length: null}]" v0 &&
	# gen reads it so and measures the one instance
	g LS --model-id "$KEY" -l quant=Q4_K_M -l ctx=8192 >ev 2>err &&
	ev_is ev run ".server.models_loaded == 1 and .server.quant == \"Q4_K_M\" and
		.server.ctx_size == 8192 and .server.model_id == \"$KEY\"" &&
	ev_is ev end ".reason == \"complete\" and .ok == 1"
'

test_expect_success 'a second load is a new instance key:2 at its context_length; gen refuses both' '
	test -r /proc/self/status && before=$(rss LS) || before= &&
	rest LS /api/v1/models/load "{\"model\": \"$KEY\", \"context_length\": 4096,
		\"echo_load_config\": true}" >load && code_is LS 200 &&
	jq -e ".type == \"llm\" and .instance_id == \"$KEY:2\" and .status == \"loaded\" and
		.load_time_seconds >= 0 and .load_config.context_length == 4096 and
		(.load_config | has(\"parallel\") | not)" load &&
	model LS >m &&
	jq -e "[.loaded_instances[] | [.id, .config.context_length]] == [[\"$KEY\", 8192], [\"$KEY:2\", 4096]]" m &&
	rest LS /v1/models | jq -e "[.data[].id] == [\"$KEY\", \"$KEY:2\", \"llmsim\", \"minimax-m2.1-mlx-4bit\"]" &&
	# each instance holds its own memory: the process grew by one more
	if [ -n "$before" ]; then test $(($(rss LS) - before)) -ge 15000; fi &&
	test_expect_code 1 g LS --model-id "$KEY" -l quant=Q4_K_M >ev 2>err &&
	grep -q "^gen: refused: lmstudio has 2 models loaded ($KEY, $KEY:2)" err &&
	ev_is ev run ".server.models_loaded == 2" &&
	ev_is ev end ".reason == \"wrong_model\" and .requests == 0 and
		(.error | contains(\"2 models loaded ($KEY, $KEY:2)\"))" &&
	! jq -e "select(.ev == \"req\")" ev >/dev/null
'

test_expect_success 'unloading one leaves the other; gen measures it by key, at its loaded context' '
	test -r /proc/self/status && before=$(rss LS) || before= &&
	rest LS /api/v1/models/unload "{\"instance_id\": \"$KEY\"}" >u && code_is LS 200 &&
	jq -e ". == {instance_id: \"$KEY\"}" u &&
	if [ -n "$before" ]; then test $((before - $(rss LS))) -ge 15000; fi &&
	rest LS /api/v1/models/unload "{\"instance_id\": \"$KEY\"}" >u2 && code_is LS 404 &&
	jq -e ".error.type == \"model_not_found\"" u2 &&
	model LS >m &&
	jq -e "[.loaded_instances[] | [.id, .config.context_length]] == [[\"$KEY:2\", 4096]]" m &&
	rest LS /api/v0/models | jq -e ".data[1].loaded_context_length == 4096" &&
	g LS --model-id "$KEY" -l quant=Q4_K_M -l ctx=4096 >ev 2>err &&
	ev_is ev run ".server.models_loaded == 1 and .server.ctx_size == 4096 and
		.model_id == \"$KEY:2\" and .model_id_asked == \"$KEY\"" &&
	ev_is ev end ".reason == \"complete\" and .ok == 1" &&
	wait_for 10 log_has "$TRASH_ROOT/ls.log" ".what == \"req\" and .model == \"$KEY:2\"" &&
	# the instance serves at the context it was loaded with
	long=$(head -c 20000 /dev/zero | tr "\\0" a) &&
	rest LS /v1/chat/completions "{\"model\": \"$KEY:2\", \"max_tokens\": 3,
		\"messages\": [{\"role\": \"user\", \"content\": \"$long\"}]}" >r &&
	code_is LS 400 && jq -e ".error.message | contains(\"(4096 tokens)\")" r
'

test_expect_success 'gen --load: never a second copy; the ctx label loaded as said (context_length)' '
	# KEY:2 is loaded: a load would add a copy beside it, so none is made
	test_expect_code 1 g LS --model-id "$KEY" --load -l quant=Q4_K_M >l1 2>e1 &&
	grep -q "the load failed: loaded already as instance $KEY:2: a load would add a second copy" e1 &&
	ev_is l1 load ".status == \"error\"" && ev_is l1 end ".reason == \"load_failed\"" &&
	model LS | jq -e "[.loaded_instances[].id] == [\"$KEY:2\"]" &&
	# nothing loaded: gen loads it at the context its label says
	rest LS /api/v1/models/unload "{\"instance_id\": \"$KEY:2\"}" >/dev/null && code_is LS 200 &&
	g LS --model-id "$KEY" --load -l quant=Q4_K_M -l ctx=6k >l2 2>e2 &&
	ev_is l2 load ".status == \"ok\" and .method == \"lmstudio_api\"" &&
	ev_is l2 run ".server.ctx_size == 6144 and .server.models_loaded == 1" &&
	ev_is l2 end ".reason == \"complete\" and .ok == 1" &&
	model LS | jq -e "[.loaded_instances[] | [.id, .config.context_length]] == [[\"$KEY\", 6144]]" &&
	rest LS /api/v1/models/unload "{\"instance_id\": \"$KEY\"}" >/dev/null && code_is LS 200 &&
	rest LS /api/v1/models/load "{\"model\": \"$KEY\", \"context_length\": 4096}" >/dev/null &&
	code_is LS 200 && rest LS /api/v1/models/load "{\"model\": \"$KEY\", \"context_length\": 4096}" >/dev/null &&
	rest LS /api/v1/models/unload "{\"instance_id\": \"$KEY\"}" >/dev/null && code_is LS 200
'

test_expect_success 'a run labelled with another quantization or variant is refused, naming both' '
	test_expect_code 1 g LS --model-id "$KEY" -l quant=Q8_0 >ev 2>err &&
	grep -q "^gen: refused: the run says quant=Q8_0, but lmstudio reports Q4_K_M" err &&
	ev_is ev end ".reason == \"wrong_model\" and .requests == 0 and (.error | test(\"Q8_0.*Q4_K_M\"))" &&
	# the other variant is not loaded: a request for it would load it
	test_expect_code 1 g LS --model-id "$KEY@q8_0" -l quant=Q8_0 >ev2 2>err2 &&
	grep -q "has loaded \"$KEY:2\", not \"$KEY@q8_0\"" err2 &&
	ev_is ev2 end ".reason == \"wrong_model\"" &&
	model LS | jq -e ".loaded_instances | length == 1"
'

test_expect_success 'the load and unload errors, in LM Studio'"'"'s REST shape' '
	rest LS /api/v1/models/load "{\"model\": \"nope\"}" >e && code_is LS 404 &&
	jq -e ".error.type == \"model_not_found\" and .error.param == \"model\"" e &&
	rest LS /api/v1/models/load "{\"model\": \"$KEY@q2_k\"}" >e && code_is LS 404 &&
	# a variant of a model of two: LM Studio loads only the key (#1462)
	rest LS /api/v1/models/load "{\"model\": \"$KEY@q8_0\"}" >e && code_is LS 404 &&
	jq -e ".error.type == \"model_not_found\" and
		.error.message == \"Model $KEY@q8_0 not found in downloaded models\"" e &&
	test_expect_code 1 g LS --model-id "$KEY@q8_0" --load -l quant=Q8_0 >ev 2>err &&
	cat err &&
	grep -q "^gen: .*not found in downloaded models" err &&
	rest LS /api/v1/models/load "{}" >e && code_is LS 400 &&
	jq -e ".error.type == \"invalid_request\" and .error.param == \"model\"" e &&
	rest LS /api/v1/models/load "{\"model\": \"$KEY\", \"context_length\": \"big\"}" >e &&
	code_is LS 400 && jq -e ".error.param == \"context_length\"" e &&
	rest LS /api/v1/models/load "{\"model\": \"$KEY\", \"context_length\": 300000}" >e &&
	code_is LS 400 && jq -e ".error.message | contains(\"262144\")" e &&
	rest LS /api/v1/models/load "{\"model\": \"$KEY\", \"flash_attention\": 1}" >e &&
	code_is LS 400 && jq -e ".error.param == \"flash_attention\"" e &&
	rest LS /api/v1/models/unload "{}" >e && code_is LS 400 &&
	# none of them loaded anything
	model LS | jq -e ".loaded_instances | length == 1" &&
	llmsim_stop LS
'

test_expect_success 'JIT: with nothing loaded a request for key@variant loads it, then answers' '
	llmsim_start J --as lmstudio --profiles "$P" --loaded none --load-time 300ms --mem 16MiB \
		--log "$TRASH_ROOT/j.log" &&
	rest J /api/v1/models | jq -e "all(.models[]; .loaded_instances == [])" &&
	# gen will not time a just-in-time load as the first request
	test_expect_code 1 g J --model-id "$KEY@q8_0" -l quant=Q8_0 >ev 2>err &&
	grep -q "^gen: refused: lmstudio has no model loaded" err &&
	ev_is ev end ".reason == \"wrong_model\" and .requests == 0" &&
	rest J /v1/chat/completions "{\"model\": \"$KEY@q8_0\", \"max_tokens\": 3,
		\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}" >r &&
	code_is J 200 && jq -e ".model == \"$KEY\" and .usage.completion_tokens == 3" r &&
	# answered after the load: the log has the load before the request
	jq -s -e "(map(select(.what == \"load\"))[0]) as \$l | (map(select(.what == \"start\" and .rid))[0]) as \$s |
		\$l.instance == \"$KEY\" and \$l.profile == \"$KEY@q8_0\" and \$l.jit and \$s.t - \$l.t >= 0.29" \
		"$TRASH_ROOT/j.log" &&
	model J >m &&
	jq -e ".selected_variant == \"$KEY@q8_0\" and .quantization.name == \"Q8_0\" and
		[.loaded_instances[].id] == [\"$KEY\"]" m &&
	# an unknown model: 404 as LM Studio words it
	rest J /v1/chat/completions "{\"model\": \"nope\", \"max_tokens\": 3,
		\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}" >r &&
	code_is J 404 &&
	jq -e ".error.code == \"model_not_found\" and .error.param == \"model\" and
		(.error.message | startswith(\"Model \\\"nope\\\" not found\"))" r &&
	# another variant just in time: the one loaded so before is evicted
	rest J /v1/chat/completions "{\"model\": \"$KEY@q4_k_m\", \"max_tokens\": 3,
		\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}" >r && code_is J 200 &&
	model J | jq -e ".selected_variant == \"$KEY@q4_k_m\" and [.loaded_instances[].id] == [\"$KEY\"]" &&
	# loaded now: gen measures it, sending the instance id
	g J --model-id "$KEY@q4_k_m" -l quant=Q4_K_M >ev2 2>err2 &&
	ev_is ev2 run ".model_id == \"$KEY\" and .server.models_loaded == 1" &&
	ev_is ev2 end ".reason == \"complete\" and .ok == 1" &&
	llmsim_stop J
'

test_expect_success '--loaded: the instances at start, in order; a bad one is a usage error' '
	llmsim_start S --as lmstudio --profiles "$P" --loaded "$KEY@q8_0,$KEY,minimax-m2.1-mlx-4bit" --mem 1MiB &&
	rest S /v1/models | jq -e "[.data[].id] == [\"$KEY\", \"$KEY:2\", \"minimax-m2.1-mlx-4bit\", \"llmsim\"]" &&
	# key alone: the selected variant, that of its first instance
	model S | jq -e ".selected_variant == \"$KEY@q8_0\" and (.loaded_instances | length == 2)" &&
	llmsim_stop S &&
	test_expect_code 2 "$TB_BIN/llmsim" --as lmstudio --profiles "$P" --loaded nope 2>err &&
	grep -q "^llmsim: --loaded nope: no such model" err &&
	test_expect_code 2 "$TB_BIN/llmsim" --loaded none 2>err &&
	grep -q "^llmsim: --loaded goes with --as lmstudio" err
'

test_done
