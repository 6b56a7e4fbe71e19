#!/usr/bin/env bash
# gen against llmsim and captured streams: events, counts, timing, faults.
. "$(dirname "$0")/lib.sh"

cat >"$TRASH_ROOT/p.json" <<'P'
{"short": {"prompt": "请用一句话解释量子计算", "max_tokens": 12, "category": "简短问答"},
 "medium": {"prompt": "Write a quicksort in Python.", "max_tokens": 20, "expect": "the|a"},
 "ctx": {"prompt": "Summarise the text above.", "max_tokens": 5, "synthetic_tokens": 300}}
P
PJ=$TRASH_ROOT/p.json
gen() { "$TB_BIN/gen" --no-progress "$@"; }

# valid_events FILE: every line a JSON object with "ev" and "t"; run first,
# end last; one done per req.
valid_events() {
	jq -e -s '
		all(.[]; type == "object" and (.ev | type == "string") and (.t | type == "number")) and
		.[0].ev == "run" and .[-1].ev == "end" and
		([.[] | select(.ev == "req") | .id] | sort) == ([.[] | select(.ev == "done") | .id] | sort)
	' "$1" >/dev/null
}

test_expect_success 'usage errors exit 2 with a message naming the option' '
	test_expect_code 2 gen -c 0 <"$PJ" 2>err && grep -q "^gen: -c 0: out of range" err &&
	test_expect_code 2 gen --rate fast <"$PJ" 2>err &&
	test_expect_code 2 gen --constant <"$PJ" 2>err && grep -q "needs --rate" err &&
	test_expect_code 2 gen -l novalue <"$PJ" 2>err && grep -q "want key=value" err &&
	test_expect_code 2 gen --server nope <"$PJ" 2>err &&
	test_expect_code 2 gen -u ftp://x <"$PJ" 2>err &&
	test_expect_code 2 gen --timeout-idle 5parsecs <"$PJ" 2>err &&
	# a duration that would overflow nanoseconds is refused, in every tool
	test_expect_code 2 gen --timeout-first 1e300s <"$PJ" 2>err &&
	grep -q "^gen: --timeout-first 1e300s: at most 30 days" err &&
	test_expect_code 2 "$TB_BIN/memsample" -d 1e12s 2>err &&
	test_expect_code 2 "$TB_BIN/llmsim" --load-time 1e12s 2>err &&
	test_expect_code 2 gen --bogus <"$PJ" 2>err &&
	gen -h >out && grep -q "^usage: gen" out
'

test_expect_success 'bad prompt sets are data errors (exit 1) with a position' '
	printf "{\"a\": {\"prompt\": \"x\",\n  \"max_tokens\": }}" >bad.json &&
	test_expect_code 1 gen -p bad.json 2>err &&
	test "$(cat err)" = "gen: bad.json:2:17: invalid JSON" &&
	echo "{\"a\": {\"prompt\": \"x\", \"max_token\": 3}}" | test_expect_code 1 gen 2>err &&
	test "$(cat err)" = "gen: <stdin>: prompt \"a\": unknown key \"max_token\"" &&
	test_expect_code 1 gen -p missing.json 2>err &&
	grep -q "^gen: missing.json: No such file" err &&
	: | test_expect_code 1 gen 2>err
'

llmsim_start S --log "$TRASH_ROOT/s.log" --reasoning 2

test_expect_success 'a run: valid events, metadata, one req/done per request' '
	gen -m q4_k_m -u "$S_URL" -n 2 -l quant=Q4_K_M -l GGML_METAL_N_CB=2 <"$PJ" >ev &&
	cp ev "$TRASH_ROOT/run.ev" &&
	valid_events ev &&
	test "$(jq -s "map(select(.ev == \"req\")) | length" ev)" -eq 6 &&
	jq -s -e ".[0] | .format == \"tokbench-events\" and .version == 2 and .model == \"q4_k_m\"
		and .server.kind == \"llmsim\" and .server.simulated == true and .labels.quant == \"Q4_K_M\"
		and .host.ncpu > 0 and .config.repetitions == 2" ev &&
	jq -s -e "map(select(.ev == \"done\")) | all(.status == \"ok\" and .http == 200 and .done_marker)" ev &&
	jq -s -e ".[-1] | .reason == \"complete\" and .requests == 6 and .ok == 6" ev
'

test_expect_success 'the model file'"'"'s size as the server tells it (llama-server'"'"'s /v1/models meta.size)' '
	llmsim_start MS --profiles "$TESTS/../profiles/llmsim.json" -P qwen3-coder-next-q8_0 &&
	gen -m q --model-id qwen3-coder-next-q8_0 -u "$MS_URL" --max-tokens 2 --only short \
		-p "$TESTS/../prompts/std.json" >ms.ev 2>/dev/null &&
	jq -s -e ".[0].server | .model_bytes == 90000000000 and .quant == \"Q8_0\"" ms.ev &&
	llmsim_stop MS &&
	# the report shows it beside the memory
	"$TB_BIN/agg" ms.ev >ms.json 2>/dev/null &&
	"$TB_BIN/report" --charts none -o ms.md ms.json 2>/dev/null &&
	grep -q "| model file GB | memory GB |" ms.md && grep -q "| 90.0 | — |" ms.md
'

test_expect_success '--shuffle: every pass holds each prompt once, in a new order' '
	gen -u "$S_URL" --shuffle --seed 5 --requests 15 --max-tokens 1 --no-text \
		-p "$TESTS/../prompts/std.json" >sh.ev 2>/dev/null &&
	jq -r "select(.ev == \"req\") | .prompt" sh.ev >order &&
	test "$(wc -l <order)" -eq 15 &&
	for p in 0 1 2; do
		sed -n "$((p * 5 + 1)),$((p * 5 + 5))p" order | sort -u | wc -l | grep -qx 5 || exit 1
	done &&
	"$TB_BIN/gen" --list-prompts -p "$TESTS/../prompts/std.json" >set &&
	{ cat set set set | cmp -s - order && { echo "not shuffled"; exit 1; }; true; } &&
	jq -s -e ".[0].config.shuffle == true" sh.ev
'

test_expect_success 'token counts agree exactly with the ground-truth log' '
	cp "$TRASH_ROOT/run.ev" ev && wait_for 10 sim_caught_up "$TRASH_ROOT/s.log" ev &&
	run=$(jq -r -s ".[0].run_id" ev) &&
	jq -s -c --arg run "$run" "
		[.[] | select(.rid? and (.rid | startswith(\$run)))] as \$sim |
		[\$sim[] | select(.what == \"req\") | {rid, n: .n_out, r: .reasoning}] | sort_by(.rid)" \
		"$TRASH_ROOT/s.log" >sim &&
	jq -s -c --arg run "$run" "
		[.[] | select(.ev == \"done\") | {rid: (\$run + \"-\" + (.id | tostring)),
		  n: (.tokens.content + .tokens.reasoning), r: .tokens.reasoning}] | sort_by(.rid)" ev >got &&
	test_cmp sim got &&
	jq -s -e "map(select(.ev == \"done\")) | all(.tokens.source == \"usage\" and .tokens.chunk_tokens == .tokens.content + .tokens.reasoning)" ev
'

test_expect_success 'chunk timestamps match the ground truth (max error 25 ms, median 3 ms)' '
	# every chunk gen stamped paired with the one llmsim logged writing
	# (tbperf, on lib/fidelity: the same analysis as make bench-self)
	cp "$TRASH_ROOT/run.ev" ev && wait_for 10 sim_caught_up "$TRASH_ROOT/s.log" ev &&
	"$TB_UNIT/tbperf" fidelity ev "$TRASH_ROOT/s.log" >fid &&
	cat fid &&
	jq -e ".chunks > 0 and .offset_ms.p50 >= -0.5 and .offset_ms.p50 < 3
		and .arrival_ms.max < 25" fid
'

test_expect_success 'UTF-8 prompts reach the server intact; text is kept or dropped' '
	gen -u "$S_URL" --no-cache-bust <"$PJ" >ev2 &&
	wait_for 10 sim_caught_up "$TRASH_ROOT/s.log" ev2 &&
	run=$(jq -r -s ".[0].run_id" ev2) &&
	jq -s -e --arg rid "$run-1" "map(select(.rid == \$rid and .what == \"req\"))[0].prompt_tokens == 11" "$TRASH_ROOT/s.log" &&
	jq -s -e "map(select(.ev == \"done\"))[0] | (.text | length) > 0 and (.reasoning_text | length) > 0" ev2 &&
	jq -s -e "map(select(.ev == \"req\"))[0] | .category == \"简短问答\" and .prompt == \"short\"" ev2 &&
	gen -u "$S_URL" --no-text <"$PJ" >ev3 &&
	jq -s -e "map(select(.ev == \"done\")) | all(has(\"text\") | not)" ev3
'

test_expect_success 'cache busting: a nonce prefix and cache_prompt:false unless --no-cache-bust' '
	gen -u "$S_URL" -n 2 <"$PJ" >ev4 && wait_for 10 sim_caught_up "$TRASH_ROOT/s.log" ev4 &&
	run=$(jq -r -s ".[0].run_id" ev4) &&
	jq -s -e --arg run "$run" "map(select(.what == \"req\" and (.rid | startswith(\$run)))) | all(.cached_tokens == 0)" "$TRASH_ROOT/s.log" &&
	gen -u "$S_URL" -n 2 --no-cache-bust <"$PJ" >ev5 && wait_for 10 sim_caught_up "$TRASH_ROOT/s.log" ev5 &&
	run=$(jq -r -s ".[0].run_id" ev5) &&
	jq -s -e --arg run "$run" "map(select(.what == \"req\" and (.rid | startswith(\$run)))) | map(.cached_tokens) | max > 0" "$TRASH_ROOT/s.log"
'

test_expect_success 'synthetic_tokens builds a long context' '
	jq -s -e "map(select(.ev == \"req\" and .prompt == \"ctx\"))[0] | .synthetic_tokens == 300 and .prompt_bytes > 1200" "$TRASH_ROOT/run.ev"
'

test_expect_success 'warm-up requests go first, marked, and are not counted' '
	gen -u "$S_URL" --warmup 2 <"$PJ" >ev &&
	valid_events ev &&
	jq -s -c "[.[] | select(.ev == \"req\") | .warmup]" ev >w &&
	test "$(cat w)" = "[true,true,false,false,false]" &&
	jq -s -e ".[-1] | .requests == 3 and .warmup == 2" ev
'

test_expect_success '--api completions: the prompt text, /v1/completions, counted the same' '
	gen -u "$S_URL" --api completions <"$PJ" >ev &&
	valid_events ev &&
	jq -s -e ".[0].api == \"completions\" and (map(select(.ev == \"done\")) | all(.status == \"ok\" and .tokens.content > 0 and (.text | length) > 0))" ev &&
	wait_for 10 sim_caught_up "$TRASH_ROOT/s.log" ev && run=$(jq -r -s ".[0].run_id" ev) &&
	jq -s -e --arg rid "$run-1" "map(select(.rid == \$rid and .what == \"req\"))[0].n_out == 12" "$TRASH_ROOT/s.log"
'

llmsim_start C --tps 200

test_expect_success '-c 4: exactly four requests in flight, then refilled' '
	gen -u "$C_URL" -c 4 --requests 12 <"$PJ" >ev &&
	valid_events ev &&
	jq -s -e "
		[.[] | select(.ev == \"req\") | {t, d: 1}] + [.[] | select(.ev == \"done\") | {t, d: -1}]
		| sort_by(.t, .d) | reduce .[] as \$e ({n: 0, max: 0}; .n += \$e.d | .max = ([.max, .n] | max))
		| .max == 4" ev &&
	test "$(jq -s "map(select(.ev == \"req\")) | length" ev)" -eq 12
'

test_expect_success '--rate --constant: requests scheduled 1/rate apart, sent on time' '
	gen -u "$C_URL" --rate 20 --constant --requests 8 <"$PJ" >ev &&
	jq -s -e "
		[.[] | select(.ev == \"req\")] as \$r |
		([range(1; \$r | length) as \$i | \$r[\$i].t_sched - \$r[\$i - 1].t_sched] | all(. > 0.0499 and . < 0.0501)) and
		(\$r | all(.t - .t_sched < 0.02 and .t >= .t_sched))" ev &&
	jq -s -e ".[0].config | .rate == 20 and .arrival == \"constant\" and .concurrency == 0" ev
'

test_expect_success '--rate (Poisson): the schedule is reproducible for a seed, mean gap 1/rate' '
	gen -u "$C_URL" --rate 400 --requests 200 --seed 7 --max-tokens 2 <"$PJ" >e1 &&
	gen -u "$C_URL" --rate 400 --requests 200 --seed 7 --max-tokens 2 <"$PJ" >e2 &&
	for f in e1 e2; do
		jq -s -c "[.[] | select(.ev == \"req\") | .t_sched] as \$s | [range(1; \$s | length) as \$i | (\$s[\$i] - \$s[\$i - 1]) * 1e6 | round]" $f >$f.gaps || return 1
	done &&
	# the same schedule, up to the µs rounding of two clock bases
	jq -n -e --slurpfile a e1.gaps --slurpfile b e2.gaps "[\$a[0], \$b[0]] | transpose | all(.[0] - .[1] | fabs <= 2)" &&
	jq -e "(add / length) as \$m | \$m > 1800 and \$m < 3300" e1.gaps &&
	jq -e "(map(. * .) | add / length) as \$sq | (add / length) as \$m | (\$sq - \$m * \$m) > 0.5 * \$m * \$m" e1.gaps
'

test_expect_success '--duration stops sending; in-flight requests finish' '
	gen -u "$C_URL" -c 2 --duration 300ms <"$PJ" >ev &&
	valid_events ev &&
	jq -s -e ".[-1] | .reason == \"duration\" and .requests > 2 and .failed == 0" ev
'

test_expect_success 'a real llama-server stream (replayed): counts from usage, role chunk with content:null' '
	llmsim_start R --replay "$FIXTURES/llama-server/chat-stream-usage.sse" &&
	gen -u "$R_URL" <"$PJ" >ev &&
	jq -s -e "map(select(.ev == \"done\"))[0] | .status == \"ok\" and .finish == \"length\" and .chunks == 19
		and .tokens.source == \"usage\" and .tokens.content == 16 and .prompt_tokens == 49
		and .timings.predicted_n == 16 and (.text | startswith(\"bxwi state\"))" ev &&
	test "$(jq -s "map(select(.ev == \"tok\" and .id == 1)) | map(.ch) | unique" ev | jq -c .)" = "[\"content\",\"role\"]"
'

test_expect_success 'a stream without usage (llama-server without include_usage): counts from chunks' '
	llmsim_start N --replay "$FIXTURES/llama-server/chat-stream-no-usage.sse" &&
	gen -u "$N_URL" <"$PJ" >ev &&
	jq -s -e "map(select(.ev == \"done\"))[0] | .status == \"ok\" and .tokens.source == \"chunks\"
		and .tokens.content == 12 and .timings.predicted_n == 12 and (has(\"usage\") | not)" ev
'

test_expect_success 'multi-token chunks: usage gives the count, chunks fewer' '
	llmsim_start K --chunk-tokens 4 &&
	gen -u "$K_URL" --max-tokens 10 <"$PJ" >ev &&
	jq -s -e "map(select(.ev == \"done\")) | all(.tokens.content == 10 and .tokens.chunk_tokens == 3)" ev
'

# fault NAME SPEC STATUS [gen options]: llmsim --fault SPEC gives STATUS.
fault() {
	local spec=$1 want=$2
	shift 2
	llmsim_start F --fault "$spec" &&
	test_expect_code 1 gen -u "$F_URL" --max-tokens 8 "$@" <"$PJ" >ev 2>err &&
	valid_events ev &&
	jq -s -e --arg s "$want" "map(select(.ev == \"done\")) | length == 3 and all(.status == \$s)" ev &&
	grep -q "^gen: 3 of 3 requests failed" err
}

test_expect_success 'fault http500: http_error with the body and its message' '
	fault http500 http_error &&
	jq -s -e "map(select(.ev == \"done\"))[0] | .http == 500 and (.error | test(\"simulated HTTP 500\")) and (.body | fromjson | .error.code == 500)" ev
'
test_expect_success 'fault http429 and http503: http_error' '
	fault http429:2 http_error && fault http503 http_error
'
test_expect_success 'fault reset: stream_error, tokens before it kept' '
	fault reset:3 stream_error &&
	jq -s -e "map(select(.ev == \"done\"))[0] | .tokens.content == 3 and .tokens.source == \"chunks\"" ev
'
test_expect_success 'fault malformed chunk: protocol_error naming the chunk' '
	fault malformed:2 protocol_error &&
	jq -s -e "map(select(.ev == \"done\"))[0].error | startswith(\"malformed chunk 4:\")" ev
'
test_expect_success 'fault error in stream: stream_error with the server message' '
	fault error:2 stream_error &&
	jq -s -e "map(select(.ev == \"done\"))[0].error == \"error in stream: simulated error in the middle of a stream\"" ev
'
test_expect_success 'fault stall past --timeout-idle: timeout idle' '
	fault stall:2:2s timeout --timeout-idle 200ms &&
	jq -s -e "map(select(.ev == \"done\")) | all(.timeout == \"idle\" and .tokens.content == 2)" ev
'
test_expect_success 'fault slow headers past --timeout-first: timeout first' '
	fault slow-headers:2s timeout --timeout-first 200ms &&
	jq -s -e "map(select(.ev == \"done\")) | all(.timeout == \"first\")" ev
'
test_expect_success 'fault never-ending stream with --timeout-total: timeout total' '
	fault endless timeout --timeout-total 300ms &&
	jq -s -e "map(select(.ev == \"done\")) | all(.timeout == \"total\" and .tokens.content > 10)" ev
'
test_expect_success 'fault wrong Content-Type: protocol_error' '
	fault wrong-ctype protocol_error &&
	jq -s -e "map(select(.ev == \"done\"))[0].error | test(\"text/plain\")" ev
'
test_expect_success 'no [DONE] but a finish_reason is still ok' '
	llmsim_start D --fault no-done &&
	gen -u "$D_URL" <"$PJ" >ev &&
	jq -s -e "map(select(.ev == \"done\")) | all(.status == \"ok\" and .done_marker == false)" ev
'
test_expect_success 'a server still loading its model is waited for; --no-wait measures at once' '
	llmsim_start W --load-time 1500ms &&
	gen -u "$W_URL" --max-tokens 3 <"$PJ" >ev 2>err &&
	grep -q "the server is loading its model (/health: 503); waiting up to 600 s" err &&
	grep -q "the server finished loading after" err &&
	jq -s -e ".[-1].ok == 3" ev &&
	llmsim_start W2 --load-time 5s &&
	test_expect_code 1 gen -u "$W2_URL" --no-wait --max-tokens 3 <"$PJ" >ev2 2>err2 &&
	! grep -q "loading its model" err2 &&
	# the summary names the commonest failure in the server'"'"'s words
	grep -q "^gen: 3 of 3 requests failed; 3 http_error, the first: HTTP 503: Loading model" err2
'

test_expect_success 'a dead server: connect_error for every request, exit 1' '
	port=1 && # nothing listens on tcpmux: refused at once
	test_expect_code 1 gen -u "http://127.0.0.1:$port/v1" <"$PJ" >ev 2>err &&
	valid_events ev &&
	jq -s -e "map(select(.ev == \"done\")) | length == 3 and all(.status == \"connect_error\" and .http == 0)" ev &&
	grep -q "no answer to any probe" err
'

test_expect_success 'a dead server is not hammered: connections back off, the run gives up' '
	# before: 74,636 requests in 2 s at 98 % CPU; now 8, then one message
	test_expect_code 1 gen -u "http://127.0.0.1:1/v1" -c 4 --duration 2s <"$PJ" >ev 2>err &&
	valid_events ev &&
	test "$(jq -s "map(select(.ev == \"req\")) | length" ev)" -eq 8 &&
	jq -s -e ".[-1].reason == \"unreachable\"" ev &&
	grep -q "^gen: stopped after 8 requests: none could connect to http://127.0.0.1:1/v1" err &&
	# the back-off doubles from 50 ms: the last four waited 400 ms at least
	jq -s -e "(map(select(.ev == \"req\")) | .[4].t - .[3].t) >= 0.39" ev
'

llmsim_start L --tps 20

# in_flight_streaming EVENTS: two requests are in flight and each has had
# content (the file may end mid-line while gen writes: jq then fails, and
# wait_for tries again).
in_flight_streaming() {
	jq -s -e '. as $e | ([$e[] | select(.ev == "req") | .id] -
		[$e[] | select(.ev == "done") | .id]) as $f | ($f | length) == 2 and
		($f | all(. as $i | any($e[]; .ev == "tok" and .id == $i and .ch == "content")))' \
		"$1" >/dev/null
}

test_expect_success 'SIGINT mid-run: in-flight requests aborted, valid NDJSON, exit 130' '
	{ "$TB_BIN/gen" -u "$L_URL" -c 2 -n 5 <"$PJ" >ev 2>err & } &&
	pid=$! && wait_for 30 in_flight_streaming ev && kill -INT $pid &&
	rc=0 && { wait $pid || rc=$?; } && test "$rc" -eq 130 &&
	valid_events ev &&
	jq -s -e ".[-1].reason == \"signal\" and (map(select(.ev == \"done\" and .status == \"aborted\")) | length) == 2" ev &&
	jq -s -e "map(select(.ev == \"done\" and .status == \"aborted\"))[0] | .tokens.content > 0" ev
'

test_expect_success 'SIGTERM: exit 143; a closed stdout: exit 1, no hang' '
	{ "$TB_BIN/gen" -u "$L_URL" -c 2 <"$PJ" >ev 2>err & } && pid=$! &&
	wait_for 30 grep -q "\"ev\":\"tok\"" ev && kill -TERM $pid &&
	rc=0 && { wait $pid || rc=$?; } && test "$rc" -eq 143 && valid_events ev &&
	gen -u "$L_URL" -c 2 -n 3 <"$PJ" 2>err | head -n 1 >/dev/null &&
	grep -q "stdout: write error: Broken pipe" err
'

test_expect_success 'SIGHUP (a dropped ssh session) stops it like SIGTERM: done and end events' '
	{ "$TB_BIN/gen" -u "$L_URL" -c 2 <"$PJ" >ev 2>err & } && pid=$! &&
	wait_for 30 grep -q "\"ev\":\"tok\"" ev && kill -HUP $pid &&
	rc=0 && { wait $pid || rc=$?; } && test "$rc" -eq 129 && valid_events ev &&
	jq -s -e ".[-1].reason == \"signal\" and (map(select(.ev == \"done\" and .status == \"aborted\")) | length) >= 1" ev
'

test_expect_success 'a signal during the model load stops gen within a second, exit 130' '
	llmsim_start LD --profiles "$TESTS/../profiles/llmsim.json" -P qwen3-coder-next-q4_k_m \
		--load-time 30s --log "$TRASH_ROOT/ld.log" &&
	{ "$TB_BIN/gen" --no-progress -u "$LD_URL" --load --server lmstudio \
		--model-id qwen3-coder-next-q4_k_m <"$PJ" >ev 2>err & } && pid=$! &&
	wait_for 10 log_has "$TRASH_ROOT/ld.log" ".what == \"load\"" && # gen waits on the load
	t0=$SECONDS && kill -INT $pid &&
	rc=0 && { wait $pid || rc=$?; } && test "$rc" -eq 130 &&
	test $((SECONDS - t0)) -le 3 &&
	jq -s -e "map(select(.ev == \"load\"))[0].error == \"stopped by a signal\" and .[-1].reason == \"signal\"" ev
'

test_expect_success 'the API key is sent but never written to events or messages' '
	llmsim_start A --api-key sk-secret-123 --log "$TRASH_ROOT/a.log" &&
	echo "sk-secret-123" >key &&
	gen -u "$A_URL" --api-key-file key <"$PJ" >ev 2>err &&
	jq -s -e "map(select(.ev == \"done\")) | length == 5 and all(.status == \"ok\")" ev &&
	! log_has "$TRASH_ROOT/a.log" ".what == \"unauthorized\"" &&
	# a wrong key and no key are refused: the server really checks
	echo "sk-wrong" >bad &&
	test_must_fail gen -u "$A_URL" --api-key-file bad <"$PJ" >evb 2>/dev/null &&
	log_has "$TRASH_ROOT/a.log" ".what == \"unauthorized\" and .authorization == \"wrong\"" &&
	test_must_fail env -u OPENAI_API_KEY "$TB_BIN/gen" --no-progress -u "$A_URL" <"$PJ" >evn 2>/dev/null &&
	log_has "$TRASH_ROOT/a.log" ".what == \"unauthorized\" and .authorization == \"missing\"" &&
	OPENAI_API_KEY=sk-secret-123 gen -u "$A_URL" <"$PJ" >eve 2>>err &&
	jq -s -e ".[-1].ok == 5" eve &&
	! grep -q "sk-secret" "$TRASH_ROOT/a.log" &&
	OPENAI_API_KEY=sk-env-456 gen -u "http://127.0.0.1:1/v1" <"$PJ" >ev2 2>err2 || true &&
	! grep -q "sk-secret\|sk-env" ev ev2 err err2
'

test_expect_success 'the servers exit cleanly' '
	llmsim_stop S && llmsim_stop C
'

test_done
