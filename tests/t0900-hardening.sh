#!/usr/bin/env bash
# Bad input everywhere, secrets, and atomic writes.
. "$(dirname "$0")/lib.sh"

R=$FIXTURES/report/minimax-q4_k_m-c1.json

test_expect_success 'report: invalid UTF-8 in labels and outputs becomes U+FFFD' '
	jq ".run.model = \"bad\" | .per_prompt.short.output.text = \"ok\"" "$R" >a.json &&
	sed -i "s/\"bad\"/\"b\\\\u00ff\"/" a.json &&
	printf "%s" "$(cat a.json)" | sed "s/\"ok\"/\"o\xff\xc3k\"/; s/b\\\\u00ff/b\xed\xa0\x80d/" >b.json &&
	"$TB_BIN/report" --charts none -o out.md b.json 2>err &&
	iconv -f UTF-8 -t UTF-8 out.md >/dev/null &&
	grep -q "o�" out.md
'

test_expect_success 'report: wrong types in a run JSON show as unknown, never as numbers' '
	jq ".metrics.decode_tps = \"fast\" | .memory.peak_bytes = [1] | .requests.measured = {}
		| .run.config.concurrency = \"x\" | .per_prompt.short.output = 7" "$R" >w.json &&
	"$TB_BIN/report" --charts none -o out.md w.json 2>err &&
	# decode TPS a string, peak bytes an array: unknown; the steady state is valid
	grep -q "^| MiniMax-M2.1 · Q4\\\\_K\\\\_M · gguf | 1 | 26.50 (server 26.30) | 140.1 | — | — | 85.0 (short) |" out.md
'

test_expect_success 'report: unreadable entries of a results directory are named and skipped' '
	mkdir res && cp "$R" res/good.json && mkdir res/dir.json && : >res/empty.json &&
	printf "[1,2]" >res/array.json && printf "{\"format\":\"tokbench-run\",\"version\":9,\"run\":{}}" >res/new.json &&
	"$TB_BIN/report" --charts none -o out.md res 2>err &&
	grep -q "^report: res/dir.json: Is a directory (listed as skipped)" err &&
	grep -q "^report: res/empty.json:1:1: invalid JSON" err &&
	grep -q "^report: res/array.json: not a tokbench run JSON" err &&
	grep -q "^report: res/new.json: run format version 9 is newer" err &&
	test "$(grep -c "skipped" out.md)" -eq 4 && grep -q "^| MiniMax" out.md
'

test_expect_success 'agg: invalid UTF-8 and huge lines in events' '
	{ sed -n 1,6p "$FIXTURES/agg/basic.ndjson";
	  printf "{\"ev\":\"tok\",\"t\":1000.1,\"id\":1,\"ch\":\"content\",\"bytes\":3,\"x\":\"\xff\xfe\"}\n";
	  printf "{\"ev\":\"unknown\",\"t\":1,\"pad\":\"%0*d\"}\n" 3000000 0;
	  sed -n "7,\$p" "$FIXTURES/agg/basic.ndjson"; } >ev &&
	"$TB_BIN/agg" ev >run.json 2>err &&
	jq -e ".input.unknown_events == 1 and .requests.ok == 3" run.json
'

test_expect_success 'gen: empty and malformed prompt sets, invalid UTF-8 in prompts' '
	: | test_expect_code 1 "$TB_BIN/gen" 2>err && grep -q "^gen: <stdin>:1:1: invalid JSON" err &&
	printf "{\"a\": {\"prompt\": 5}}" | test_expect_code 1 "$TB_BIN/gen" 2>err &&
	grep -q "\"prompt\" must be a string" err &&
	llmsim_start S --log "$TRASH_ROOT/s.log" &&
	printf "{\"a\": {\"prompt\": \"x\xff\xfey\", \"max_tokens\": 3}}" >bad.json &&
	"$TB_BIN/gen" --no-progress -u "$S_URL" -p bad.json >ev 2>err &&
	jq -e -s "map(select(.ev == \"done\"))[0].status == \"ok\"" ev
'

# inherited_server_env: "-u NAME" for env, for each server setting gen
# records (GGML_*, MLX_*, LLAMA_*, OLLAMA_*, METAL_*) in the caller's
# environment: a developer's, or CI's, LLAMA_SERVER stays out of a
# comparison of everything gen recorded.
inherited_server_env() {
	compgen -e | sed -n "s/^\(\(GGML\|MLX\|LLAMA\|OLLAMA\|METAL\)_.*\)/-u \1/p"
}

test_expect_success 'the API key appears nowhere: events, results, reports, messages, process titles' '
	llmsim_start K --tps 20 --api-key sk-tokbench-secret-7f3a &&
	echo "sk-tokbench-secret-7f3a" >key &&
	# keys in the server settings gen records are left out or redacted
	{ env $(inherited_server_env) LLAMA_API_KEY=sk-tokbench-llama OLLAMA_AUTH=sk-tokbench-ollama \
	  GGML_METAL_N_CB=2 MLX_ODD=sk-tokbench-mlx \
	  "$TB_BIN/gen" --no-progress -u "$K_URL" --api-key-file key --max-tokens 20 \
		<"$TESTS/../prompts/std.json" >ev 2>err & } && pid=$! &&
	wait_for 10 grep -q "\"ev\":\"req\"" ev &&
	tr "\0" " " </proc/$pid/cmdline >cmdline && wait $pid &&
	jq -s -e ".[-1].ok == 5" ev && # the key was sent: the server wants it
	! grep -q "sk-tokbench" cmdline &&
	"$TB_BIN/agg" ev >run.json 2>>err && "$TB_BIN/report" --charts none -o rep.md run.json 2>>err &&
	OPENAI_API_KEY=sk-tokbench-env-9c1d "$TB_BIN/gen" --no-progress -u "http://127.0.0.1:1/v1" \
		--timeout-connect 200ms <"$TESTS/../prompts/std.json" >ev2 2>>err || true &&
	! grep -r -q "sk-tokbench" ev ev2 run.json rep.md err &&
	jq -e -s ".[0].env == {\"GGML_METAL_N_CB\": \"2\", \"MLX_ODD\": \"[redacted]\"}" ev
'

test_expect_success 'hostile labels cannot escape the results directory' '
	llmsim_start H &&
	MODEL="../../evil" BASE_URL=$H_URL LABELS="quant=../x/\$(touch\${IFS}PWNED) b=a;b" MAX_TOKENS=3 \
		RESULTS=res "$TESTS/../scripts/bench.sh" >path 2>/dev/null &&
	case $(cat path) in res/.._.._evil-.._x___touch__IFS_PWNED_-a_b-c1-*.json) ;; *) cat path; exit 1 ;; esac &&
	MODEL=x LABELS="quant=a b" test_expect_code 2 "$TESTS/../scripts/bench.sh" 2>err &&
	grep -q "LABELS: .b. is not key=value" err &&
	test ! -e PWNED && test "$(find . -name "*.json" -newer path -o -name "*.json" | grep -c -v "^./res/")" -eq 0
'

test_expect_success 'agg -o: a write that fails midway leaves no partial file and no temp file' '
	# A file-size limit of 1 KiB makes the write of the 8 KB summary fail
	# part way, for root as for anyone (EFBIG, with SIGXFSZ ignored).
	mkdir out &&
	(trap "" XFSZ && ulimit -f 1 &&
		test_expect_code 1 "$TB_BIN/agg" -o out/run.json "$FIXTURES/agg/basic.ndjson") 2>err &&
	grep -q "^agg: out/run.json: File too large" err &&
	test -z "$(ls -A out)" &&
	# and an existing result is left as it was
	echo "{\"kept\":true}" >out/run.json &&
	(trap "" XFSZ && ulimit -f 1 &&
		test_expect_code 1 "$TB_BIN/agg" -o out/run.json --force "$FIXTURES/agg/basic.ndjson") 2>>err &&
	test "$(cat out/run.json)" = "{\"kept\":true}" && test "$(ls -A out)" = run.json
'

test_expect_success 'base URLs and keys are checked as given, never echoed' '
	P="$TESTS/../prompts/std.json" &&
	test_expect_code 2 "$TB_BIN/gen" -u "http://alice:pw-7731@127.0.0.1:1/v1" <"$P" >ev 2>err &&
	grep -q "^gen: -u: a user:password@ part is not accepted" err &&
	! grep -q "pw-7731" ev err &&
	OPENAI_BASE_URL=http://bob:pw-7732@h/v1 test_expect_code 2 "$TB_BIN/gen" <"$P" 2>err &&
	grep -q "^gen: \$OPENAI_BASE_URL: a user:password@" err && ! grep -q pw-7732 err &&
	test_expect_code 2 "$TB_BIN/gen" -u "http://" <"$P" 2>err && grep -q "no host" err &&
	test_expect_code 2 "$TB_BIN/gen" -u "http://127.0.0.1:99999/v1" <"$P" 2>err &&
	grep -q "1 to 65535" err &&
	# a key too long, or unsafe in a header, is refused whatever its source
	long=$(printf "k%.0s" $(seq 1 600)) &&
	OPENAI_API_KEY=$long test_expect_code 1 "$TB_BIN/gen" -u http://127.0.0.1:1/v1 <"$P" 2>err &&
	grep -q "^gen: \$OPENAI_API_KEY: the key is longer than 511 bytes" err &&
	printf "%s\n" "$long" >longkey &&
	test_expect_code 1 "$TB_BIN/gen" -u http://127.0.0.1:1/v1 --api-key-file longkey <"$P" 2>err &&
	grep -q "^gen: longkey: the key is longer than 511 bytes" err &&
	OPENAI_API_KEY="$(printf "sk-9\tX-Evil: 1")" test_expect_code 1 "$TB_BIN/gen" \
		-u http://127.0.0.1:1/v1 <"$P" 2>err &&
	grep -q "cannot go in an HTTP header" err && ! grep -q "sk-9" err
'

test_expect_success 'an output never replaces an input: agg -o, report -o and --csv' '
	cp "$FIXTURES/agg/basic.ndjson" ev.nd && cp ev.nd ev.orig &&
	test_expect_code 2 "$TB_BIN/agg" -o ev.nd --force ev.nd 2>err &&
	grep -q "^agg: -o ev.nd is also an input" err && test_cmp ev.orig ev.nd &&
	ln ev.nd hard.nd && test_expect_code 2 "$TB_BIN/agg" -o hard.nd --force --mem ev.nd ev.nd 2>err &&
	test_cmp ev.orig ev.nd &&
	"$TB_BIN/agg" ev.nd >run.json && cp run.json run.orig &&
	test_expect_code 2 "$TB_BIN/report" --charts none -o run.json run.json 2>err &&
	grep -q "run.json is both an input and an output" err && test_cmp run.orig run.json &&
	mkdir d && cp run.json d/ &&
	test_expect_code 2 "$TB_BIN/report" --charts none -o r.md --csv d/run.json d 2>err &&
	test_cmp run.orig d/run.json
'

test_expect_success 'report names impossible figures as bad, never formats them' '
	"$TB_BIN/agg" "$FIXTURES/agg/basic.ndjson" >run.json 2>/dev/null &&
	jq ".metrics.decode_tps.mean = 1e300 | .metrics.decode_tps.ci_hi = 1e300
		| .metrics.ttft_s.p50 = -0.5 | .memory.peak_bytes = 1e300" run.json >hostile.json &&
	"$TB_BIN/report" --charts none -o rep.md hostile.json 2>/dev/null &&
	grep -q "| bad value |" rep.md &&
	! grep -E -q "inf|nan|[0-9]{16,}|-0\.5|e\+[0-9]" rep.md
'

test_expect_success 'an output that is a device is written through or refused, never replaced' '
	test -c /dev/full &&
	test_expect_code 1 "$TB_BIN/agg" -o /dev/full "$FIXTURES/agg/basic.ndjson" 2>err &&
	grep -q "^agg: /dev/full: No space left on device" err && test -c /dev/full &&
	"$TB_BIN/agg" -o /dev/stdout "$FIXTURES/agg/basic.ndjson" 2>/dev/null | jq -e ".format == \"tokbench-run\"" &&
	"$TB_BIN/agg" "$FIXTURES/agg/basic.ndjson" >run.json 2>/dev/null &&
	test_expect_code 2 "$TB_BIN/report" -o /dev/full run.json 2>err &&
	grep -q "not a regular file" err && test -c /dev/full && test ! -e /dev/full-assets &&
	mkdir d && test_expect_code 1 "$TB_BIN/agg" -o d "$FIXTURES/agg/basic.ndjson" 2>err &&
	grep -q "Is a directory" err
'

test_expect_success 'a path cannot become gnuplot code' '
	"$TB_BIN/agg" "$FIXTURES/agg/basic.ndjson" >run.json 2>/dev/null &&
	D=$(printf "x\nsystem(\"touch PWNED\")\n#") && mkdir -p "$D" &&
	test_expect_code 2 "$TB_BIN/report" -o "$D/r.md" run.json 2>err &&
	grep -q "control character" err && test ! -e PWNED &&
	"$TB_BIN/report" --charts none -o "$D/r.md" run.json 2>/dev/null && test ! -e PWNED
'

test_expect_success 'an SSE line past 4 MiB is a protocol error (memory is bounded per stream)' '
	{ printf "data: {\"choices\":[{\"delta\":{\"content\":\"" &&
	  head -c 5242880 /dev/zero | tr "\0" a &&
	  printf "\"}}]}\n\ndata: [DONE]\n\n"; } >big.sse &&
	llmsim_start BIG --replay big.sse &&
	test_expect_code 1 "$TB_BIN/gen" --no-progress -u "$BIG_URL" --server openai \
		-p "$TESTS/../prompts/std.json" --only short >ev 2>err &&
	jq -s -e "map(select(.ev == \"done\"))[0] | .status == \"protocol_error\" and
		.error == \"an SSE line longer than 4194304 bytes\"" ev
'

# raw_answer (lib.sh) serves each answer; stopped when the test file ends.
# streamed NAME BYTES: gen's done event for one request answered with
# BYTES (printf format): "status|error".
streamed() {
	printf "$2" >"$1.http" && raw_answer "$1.http" &&
	"$TB_BIN/gen" --no-progress -u "$RAW_URL" --server openai --max-tokens 3 \
		-p "$TESTS/../prompts/std.json" --only short >"$1.ev" 2>/dev/null
	kill "$RAW_PID"
	jq -r "select(.ev == \"done\") | .status + \"|\" + (.error // \"\")" "$1.ev"
}

SSE='HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n'
# chunk TEXT [MORE]: a chunk with TEXT and MORE after the delta, as input
# for streamed's printf (its \n stay two characters until then)
chunk() { printf 'data: {"choices":[{"delta":{"content":"%s"}%s}]}\\n\\n' "$1" "${2:-}"; }

test_expect_success 'streams a real client would reject are never a success' '
	# a field of the wrong type, no completion at all, text after the end
	streamed num "${SSE}data: {\"choices\":[{\"delta\":{\"content\":5}}]}\n\ndata: [DONE]\n\n" >got &&
	grep -q "^protocol_error|malformed chunk 1 (delta.content is neither a string nor null)" got &&
	streamed empty "${SSE}data: [DONE]\n\n" >got &&
	grep -qx "protocol_error|the stream ended at \[DONE\] without a single completion chunk" got &&
	streamed late "${SSE}$(chunk a ",\"finish_reason\":\"stop\"")$(chunk b)data: [DONE]\n\n" >got &&
	grep -qx "protocol_error|text after finish_reason \"stop\" in chunk 2" got &&
	streamed nochoices "${SSE}data: {\"id\":1}\n\ndata: [DONE]\n\n" >got &&
	grep -q "^protocol_error|malformed chunk 1 (no choices array)" got &&
	streamed badstatus "HTTP/1.1 OK\r\n\r\n" >got && grep -q "^protocol_error|" got &&
	streamed html "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html></html>" >got &&
	grep -q "^protocol_error|Content-Type is \"text/html\"" got &&
	# what a client ignores is ignored: text after [DONE] is not counted,
	# a usage chunk after the finish is fine
	streamed after "${SSE}$(chunk a)data: [DONE]\n\n$(chunk b)" >got &&
	grep -qx "ok|" got && jq -s -e "map(select(.ev == \"done\"))[0].tokens.content == 1" after.ev &&
	streamed usage "${SSE}$(chunk a ",\"finish_reason\":\"stop\"")data: {\"choices\":[],\"usage\":{\"completion_tokens\":1}}\n\ndata: [DONE]\n\n" >got &&
	grep -qx "ok|" got
'

test_expect_success 'a 200 KB response header is a protocol error, not a connection failure' '
	{ printf "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Big: " &&
	  head -c 204800 /dev/zero | tr "\0" a &&
	  printf "\\\\r\\\\n\\\\r\\\\n" && chunk a && printf "data: [DONE]\\\\n\\\\n"; } >big.http &&
	streamed bighdr "$(cat big.http)" >got &&
	grep -qx "protocol_error|the response headers are larger than an HTTP client accepts (a header line over 100 KB)" got
'

test_expect_success 'out of file descriptors: said up front, or per request, never "Couldn'"'"'t connect"' '
	llmsim_start FD --tps 200 &&
	# -c beyond the limit is refused before anything is sent
	(ulimit -n 40 && test_expect_code 2 "$TB_BIN/gen" -u "$FD_URL" -c 60 --max-tokens 2 \
		-p "$TESTS/../prompts/std.json" >/dev/null 2>err) &&
	grep -q "^gen: -c 60 needs about 76 open files and this process may open 40 (ulimit -n)" err &&
	# an open loop has no bound: the requests past the limit say why
	(ulimit -n 28 && "$TB_BIN/gen" --no-progress -u "$FD_URL" --rate 500 --requests 40 \
		--max-tokens 30 -p "$TESTS/../prompts/std.json" >fd.ev 2>err; true) &&
	jq -s -e "map(select(.ev == \"done\" and .status != \"ok\")) | length > 0 and
		all(.error | startswith(\"out of file descriptors on this machine\"))" fd.ev
'

test_done
