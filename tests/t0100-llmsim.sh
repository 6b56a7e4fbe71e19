#!/usr/bin/env bash
# llmsim: stream format, endpoints, faults, queueing, cache, ground truth.
. "$(dirname "$0")/lib.sh"

chat() { # chat URL BODY [curl options...]: POST to chat/completions
	local url=$1 body=$2
	shift 2
	curl -sS -N "$@" "$url/chat/completions" -H 'Content-Type: application/json' -d "$body"
}
B_STREAM='{"messages":[{"role":"user","content":"Explain quantum computing in one sentence."}],"max_tokens":5,"stream":true}'
B_USAGE='{"messages":[{"role":"user","content":"hi"}],"max_tokens":7,"stream":true,"stream_options":{"include_usage":true}}'

test_expect_success 'usage: -h exits 0, bad flags and numbers exit 2' '
	"$TB_BIN/llmsim" -h >out && grep -q "^usage: llmsim" out &&
	test_expect_code 2 "$TB_BIN/llmsim" --bogus 2>err &&
	test_expect_code 2 "$TB_BIN/llmsim" --tps fast 2>err &&
	grep -q "^llmsim: --tps fast: not a number" err &&
	test_expect_code 2 "$TB_BIN/llmsim" --jitter 1.5 2>err &&
	test_expect_code 2 "$TB_BIN/llmsim" -P no-such-model 2>err &&
	grep -q "no such profile" err &&
	test_expect_code 2 "$TB_BIN/llmsim" --fault stall:3 2>err &&
	test_expect_code 2 "$TB_BIN/llmsim" stray-argument 2>err
'

test_expect_success 'a bad profile file is a runtime error naming file and entry' '
	echo "{\"profiles\":[{\"id\":\"a\",\"decode_tps\":-1}]}" >p.json &&
	test_expect_code 1 "$TB_BIN/llmsim" --profiles p.json 2>err &&
	grep -q "^llmsim: p.json: profile 1: profile \"a\": times, rates" err &&
	echo "{\"profiles\":[{\"id\":\"a\",\"decode_tsp\":1}]}" >p.json &&
	test_expect_code 1 "$TB_BIN/llmsim" --profiles p.json 2>err &&
	grep -q "unknown key \"decode_tsp\"" err &&
	test_expect_code 1 "$TB_BIN/llmsim" --profiles missing.json 2>err
'

test_expect_success 'the shipped profiles load and are marked simulated' '
	"$TB_BIN/llmsim" --profiles "$TESTS/../profiles/llmsim.json" --list-profiles >list &&
	test_lines list 14 &&
	jq -s -e "map(select(.id==\"minimax-m2.1-mlx-4bit\"))[0] | .decode_tps == 45.73 and .mem_gb == 135" list &&
	jq -r .name list | grep -v -c simulated | grep -qx 0
'

llmsim_start S --log "$TRASH_ROOT/s.log"

test_expect_success 'stream: role-only first chunk, one chunk per token, finish, [DONE]' '
	chat "$S_URL" "$B_STREAM" -D headers >resp &&
	grep -qi "^content-type: text/event-stream" headers &&
	sse_data resp >data &&
	test_lines data 8 &&
	sed -n 1p data | jq -e ".choices[0].delta == {\"role\":\"assistant\",\"content\":\"\"}" &&
	sed -n 2,6p data | jq -e ".choices[0].delta.content | length > 0" >/dev/null &&
	sed -n 7p data | jq -e ".choices[0].finish_reason == \"length\" and .choices[0].delta == {}" &&
	sed -n 8p data | grep -qx "\[DONE\]" &&
	! grep -q usage data &&
	# events are separated by exactly one blank line
	test "$(grep -c "^$" resp)" -eq 8
'

test_expect_success 'usage chunk only when stream_options.include_usage' '
	chat "$S_URL" "$B_USAGE" >resp && sse_data resp >data &&
	test_lines data 11 &&
	sed -n 10p data | jq -e ".choices == [] and .usage.completion_tokens == 7 and .usage.prompt_tokens == 1" &&
	test "$(grep -c usage data)" -eq 1
'

test_expect_success 'non-streamed chat and completions replies' '
	chat "$S_URL" "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4}" >r1 &&
	jq -e ".object == \"chat.completion\" and .usage.completion_tokens == 4 and (.choices[0].message.content | length) > 0" r1 &&
	curl -sS "$S_URL/completions" -d "{\"prompt\":\"hi\",\"max_tokens\":3}" >r2 &&
	jq -e ".object == \"text_completion\" and .choices[0].finish_reason == \"length\"" r2 &&
	curl -sS -N "$S_URL/completions" -d "{\"prompt\":\"hi\",\"max_tokens\":3,\"stream\":true}" >r3 &&
	sse_data r3 >d3 && test_lines d3 5 &&
	sed -n 1p d3 | jq -e ".choices[0].text | length > 0"
'

test_expect_success 'UTF-8 prompts are counted by characters, output is valid UTF-8' '
	chat "$S_URL" "{\"messages\":[{\"role\":\"user\",\"content\":\"请用一句话解释量子计算\"}],\"max_tokens\":40}" >r &&
	jq -e ".usage.prompt_tokens == 11" r &&
	iconv -f UTF-8 -t UTF-8 r >/dev/null
'

test_expect_success 'bad requests get 400 with an OpenAI error object; unknown paths 404' '
	curl -sS -o r -w "%{http_code}" "$S_URL/chat/completions" -d "{bad" >code &&
	test "$(cat code)" = 400 && jq -e ".error.code == 400 and .error.type == \"invalid_request_error\"" r &&
	curl -sS -o r -w "%{http_code}" "$S_URL/chat/completions" -d "{\"max_tokens\":3}" >code &&
	test "$(cat code)" = 400 && jq -e ".error.message | test(\"messages\")" r &&
	curl -sS -o r -w "%{http_code}" "$S_URL/chat/completions" -d "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}" >code &&
	test "$(cat code)" = 400 &&
	curl -sS -o r -w "%{http_code}" "${S_URL%/v1}/nope" >code && test "$(cat code)" = 404
'

test_expect_success 'models, health and props endpoints' '
	curl -sS "$S_URL/models" | jq -e ".data[0].id == \"llmsim\"" &&
	curl -sS "${S_URL%/v1}/health" | jq -e ".status == \"ok\"" &&
	curl -sS "${S_URL%/v1}/props" | jq -e ".llmsim.simulated == true and .default_generation_settings.n_ctx > 0" &&
	curl -sS "${S_URL%/v1}/api/v0/models" | jq -e ".data[0].state == \"loaded\""
'

test_expect_success 'ground-truth log: one line per chunk, in the order curl saw them' '
	chat "$S_URL" "$B_USAGE" -H "X-Request-Id: gt-1" >resp &&
	sse_data resp >data &&
	wait_for 10 log_has "$TRASH_ROOT/s.log" ".rid == \"gt-1\" and .what == \"done\"" &&
	jq -c "select(.rid == \"gt-1\" and .what == \"chunk\") | .ch" "$TRASH_ROOT/s.log" >chs &&
	printf "\"role\"\n\"content\"\n\"content\"\n\"content\"\n\"content\"\n\"content\"\n\"content\"\n\"content\"\n\"final\"\n\"usage\"\n\"done\"\n" >want &&
	test_cmp want chs &&
	test "$(wc -l <data)" -eq "$(wc -l <chs)" &&
	jq -s -e "map(select(.rid == \"gt-1\" and .what == \"req\"))[0] | .n_out == 7" "$TRASH_ROOT/s.log" &&
	jq -s -e "[.[] | select(.rid == \"gt-1\") | .t] | . == sort" "$TRASH_ROOT/s.log"
'

test_expect_success 'prompt cache: a repeated prefix is cached unless cache_prompt:false' '
	P="{\"messages\":[{\"role\":\"user\",\"content\":\"The same long prompt, repeated twice to hit the cache.\"}],\"max_tokens\":2"
	chat "$S_URL" "$P}" >r1 && chat "$S_URL" "$P}" >r2 &&
	jq -e ".usage.prompt_tokens_details.cached_tokens == 0" r1 &&
	jq -e ".usage.prompt_tokens_details.cached_tokens == .usage.prompt_tokens - 1" r2 &&
	chat "$S_URL" "$P,\"cache_prompt\":false}" >r3 &&
	jq -e ".usage.prompt_tokens_details.cached_tokens == 0" r3 &&
	Q="{\"messages\":[{\"role\":\"user\",\"content\":\"nonce-7f3a The same long prompt, repeated twice to hit the cache.\"}],\"max_tokens\":2}"
	chat "$S_URL" "$Q" >r4 &&
	jq -e ".usage.prompt_tokens_details.cached_tokens == 0" r4
'

test_expect_success 'SIGTERM: clean exit 0, no sanitizer reports, log closed' '
	llmsim_stop S &&
	tail -n 1 "$TRASH_ROOT/s.log" | jq -e ".what == \"stop\""
'

llmsim_start R --reasoning 3 --timings --natural-len 6 --eos-in-usage
llmsim_start V --reasoning 2 --reasoning-field reasoning --stats

test_expect_success 'reasoning phase in reasoning_content, then content' '
	chat "$R_URL" "$B_USAGE" >resp && sse_json resp >data &&
	sed -n 2,4p data | jq -e ".choices[0].delta | has(\"reasoning_content\")" >/dev/null &&
	sed -n 5p data | jq -e ".choices[0].delta | has(\"content\")" &&
	jq -s -e "map(select(.usage))[0] | .usage.completion_tokens_details.reasoning_tokens == 3" <data
'

test_expect_success 'natural stop: finish stop, EOS counted in usage as llama-server does' '
	chat "$R_URL" "$B_USAGE" >resp && sse_json resp >data &&
	test "$(jq -r "select(.choices[0].delta? | (.content // \"\") + (.reasoning_content // \"\") | length > 0) | 1" <data | wc -l)" -eq 6 &&
	jq -s -e "map(select(.choices[0].finish_reason?))[0] | .choices[0].finish_reason == \"stop\"" <data &&
	jq -s -e "map(select(.usage))[0] | .usage.completion_tokens == 7" <data
'

test_expect_success 'timings (llama-server) on the usage chunk, or on the final chunk' '
	chat "$R_URL" "$B_USAGE" >r1 && sse_json r1 >d1 &&
	jq -s -e "map(select(.usage))[0] | .timings.predicted_n == 6 and .timings.prompt_n >= 1" <d1 &&
	chat "$R_URL" "$B_STREAM" >r2 && sse_json r2 >d2 &&
	jq -s -e "map(select(.choices[0].finish_reason?))[0] | .timings.predicted_n == 5" <d2
'

test_expect_success 'reasoning in "reasoning" (vLLM, Ollama), LM Studio stats' '
	chat "$V_URL" "$B_USAGE" >resp && sse_json resp >data &&
	sed -n 2,3p data | jq -e ".choices[0].delta | has(\"reasoning\")" >/dev/null &&
	jq -s -e "map(select(.usage))[0] | .stats.tokens_per_second > 0" <data
'

llmsim_start F --tps 2000
FB='{"messages":[{"role":"user","content":"x"}],"max_tokens":6,"stream":true}'

test_expect_success 'faults: HTTP 500 / 503 / 429 with a JSON body, Retry-After' '
	for code in 500 503; do
		chat "$F_URL" "$FB" -H "X-Sim-Fault: http$code" -o r -w "%{http_code}" >c &&
		test "$(cat c)" = $code && jq -e ".error.code == $code" r || return 1
	done &&
	chat "$F_URL" "$FB" -H "X-Sim-Fault: http429:7" -D h -o r -w "%{http_code}" >c &&
	test "$(cat c)" = 429 && grep -qi "^retry-after: 7" h &&
	jq -e ".error.type == \"rate_limit_error\"" r
'

test_expect_success 'fault: connection reset after k tokens' '
	test_expect_code 18 chat "$F_URL" "$FB" -H "X-Sim-Fault: reset:3" -o r 2>/dev/null ||
	test_expect_code 56 chat "$F_URL" "$FB" -H "X-Sim-Fault: reset:3" -o r 2>/dev/null &&
	sse_data r >d && test_lines d 4 && ! grep -q DONE d
'

test_expect_success 'fault: malformed JSON chunk, then the stream goes on' '
	chat "$F_URL" "$FB" -H "X-Sim-Fault: malformed:2" >r && sse_data r >d &&
	test_lines d 10 && sed -n 4p d >bad && test_must_fail jq . bad 2>/dev/null &&
	tail -n 1 d | grep -qx "\[DONE\]"
'

test_expect_success 'fault: error object inside the stream ends it without [DONE]' '
	chat "$F_URL" "$FB" -H "X-Sim-Fault: error:2" >r && sse_data r >d &&
	test_lines d 4 && tail -n 1 d | jq -e ".error.code == 500" && ! grep -q DONE d
'

test_expect_success 'fault: stall mid-stream, slow headers' '
	chat "$F_URL" "$FB" -H "X-Sim-Fault: stall:2:400ms" -o /dev/null -w "%{time_total}\n" >t &&
	awk "{ exit !(\$1 >= 0.4) }" t &&
	chat "$F_URL" "$FB" -H "X-Sim-Fault: slow-headers:300ms" -o /dev/null -w "%{time_starttransfer}\n" >t &&
	awk "{ exit !(\$1 >= 0.3) }" t
'

test_expect_success 'fault: never-ending stream, wrong Content-Type, no [DONE]' '
	test_expect_code 28 chat "$F_URL" "$FB" -H "X-Sim-Fault: endless" -m 0.5 -o r 2>/dev/null &&
	sse_data r >d && test "$(wc -l <d)" -gt 50 &&
	chat "$F_URL" "$FB" -H "X-Sim-Fault: wrong-ctype" -D h -o r && grep -qi "^content-type: text/plain" h &&
	chat "$F_URL" "$FB" -H "X-Sim-Fault: no-done" -o r && sse_data r >d &&
	test_lines d 8 && ! grep -q DONE d &&
	chat "$F_URL" "$FB" -H "X-Sim-Fault: bogus" -o r -w "%{http_code}" >c && test "$(cat c)" = 400
'

test_expect_success 'the server survives clients that vanish mid-stream' '
	for i in 1 2 3 4 5; do
		test_expect_code 28 chat "$F_URL" "$FB" -H "X-Sim-Fault: stall:1:300ms" -m 0.05 -o /dev/null 2>/dev/null
	done &&
	chat "$F_URL" "$FB" >r && sse_data r >d && test_lines d 9 &&
	llmsim_stop F
'

llmsim_start Q --slots 2 --tps 100 --log "$TRASH_ROOT/q.log"

test_expect_success 'slots: requests beyond N wait in a FIFO queue' '
	for i in 1 2 3 4; do
		chat "$Q_URL" "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"max_tokens\":10,\"stream\":true}" -H "X-Request-Id: q$i" -o /dev/null &
		wait_for 10 log_has "$TRASH_ROOT/q.log" ".rid == \"q$i\" and .what == \"req\"" || exit 1
	done
	wait &&
	jq -r "select(.what == \"start\" and .rid) | .rid" "$TRASH_ROOT/q.log" >order &&
	printf "q1\nq2\nq3\nq4\n" >want && test_cmp want order &&
	jq -s -e "
		(map(select(.what == \"done\")) | map({(.rid): .t}) | add) as \$done |
		(map(select(.what == \"start\" and .rid)) | map({(.rid): .t}) | add) as \$start |
		\$start.q3 >= ([\$done.q1, \$done.q2] | min) and \$start.q4 >= ([\$done.q1, \$done.q2] | max)
	" "$TRASH_ROOT/q.log"
'

# The schedule is absolute (a late chunk is followed by quicker ones), so
# the median gap is 1/tps however loaded the machine; the mean of a span
# whose last chunk was late is not.
test_expect_success 'token schedule: gaps of 1/tps, TTFT = ttft + prompt/prefill' '
	llmsim_start T --tps 200 --ttft 50ms --prefill 1000 --log "$TRASH_ROOT/t.log" &&
	P=$(printf "%0400d" 0) &&
	chat "$T_URL" "{\"messages\":[{\"role\":\"user\",\"content\":\"$P\"}],\"max_tokens\":21,\"stream\":true}" -o /dev/null &&
	wait_for 10 log_has "$TRASH_ROOT/t.log" ".what == \"done\"" &&
	jq -s -e "
		map(select(.seq == 1)) as \$e |
		(\$e | map(select(.what == \"start\")) | .[0].t) as \$t0 |
		(\$e | map(select(.ch == \"content\")) | map(.t)) as \$ts |
		([range(1; \$ts | length) as \$i | \$ts[\$i] - \$ts[\$i - 1]] | sort) as \$gaps |
		\$gaps[(\$gaps | length) / 2 | floor] as \$gap |
		(\$ts[0] - \$t0) as \$ttft |
		{chunks: (\$ts | length), median_gap: \$gap, ttft: \$ttft}
	" "$TRASH_ROOT/t.log" >got &&
	cat got &&
	jq -e ".chunks == 21 and .median_gap > 0.0045 and .median_gap < 0.0065 and .ttft >= 0.149 and .ttft < 0.5" got
'

test_expect_success 'load: /health 503 while loading, LM Studio load endpoint times the load' '
	llmsim_start L --load-time 400ms &&
	curl -sS -o r -w "%{http_code}" "${L_URL%/v1}/health" >c && test "$(cat c)" = 503 &&
	chat "$L_URL" "$FB" -o r -w "%{http_code}" >c && test "$(cat c)" = 503 &&
	wait_for 10 http_code_is 200 "${L_URL%/v1}/health" &&
	curl -sS "${L_URL%/v1}/api/v1/models/load" -d "{\"model\":\"llmsim\"}" >r &&
	jq -e ".status == \"loaded\" and .load_time_seconds >= 0.4 and .load_time_seconds < 2" r &&
	curl -sS -o r -w "%{http_code}" "${L_URL%/v1}/api/v1/models/load" -d "{\"model\":\"nope\"}" >c &&
	test "$(cat c)" = 404 &&
	llmsim_stop L INT
'

test_expect_success '--model-file: a load reads the whole file before the server answers' '
	# through a pipe: the writer ends well only if llmsim reads to the end
	# (a reader that stops early makes it fail with EPIPE), and the port
	# opens only after it did; a file it cannot read is a clear error
	# (mkfifo on its own: "mkfifo && { ... } &" would put mkfifo in the
	# background too, racing llmsim'"'"'s open: ENOENT now and then)
	mkfifo weights
	{ head -c 8388608 /dev/zero >weights; echo $? >wrc; } &
	llmsim_start F --model-file "$PWD/weights" &&
	wait_for 10 test -s wrc &&
	test "$(cat wrc)" = 0 &&
	test "$(curl -sS "${F_URL%/v1}/health")" = "{\"status\":\"ok\"}" &&
	llmsim_stop F &&
	test_expect_code 1 "$TB_BIN/llmsim" --port 0 --model-file "$PWD/nothing" 2>err &&
	grep -q "^llmsim: --model-file $PWD/nothing: No such file" err
'

test_expect_success 'memory: the simulated model memory is allocated and touched' '
	test -r /proc/self/status || exit 0
	llmsim_start M --mem 64MiB &&
	rss=$(awk "/^VmRSS/ { print \$2 }" /proc/$M_PID/status) &&
	test "$rss" -ge 65536 &&
	llmsim_stop M
'

test_done
