#!/usr/bin/env bash
# gen's two transports (docs/gen.md, TRANSPORT): its own HTTP/1.1 client
# and libcurl give the same events for the same stream; the built-in one
# reuses connections, takes every framing a server may send, and refuses
# what no client takes in one line.
. "$(dirname "$0")/lib.sh"

P=$TESTS/../prompts/std.json
gen() { "$TB_BIN/gen" --no-progress "$@"; }

# same_run T: one fresh llmsim (the same seed each time), six requests
# one after another on transport T; the events but their times in T.ev,
# llmsim's log in T.log
same_run() {
	llmsim_start "X$1" --seed 7 --tps 3000 --reasoning 2 --log "$TRASH_ROOT/$1.log" &&
	url=$(cat "$TRASH_ROOT/X$1.url") &&
	gen --transport "$1" --no-cache-bust -u "$url" -c 1 --requests 6 -p "$P" >"$1.raw" &&
	llmsim_stop "X$1" &&
	jq -c 'select(.ev == "req" or .ev == "tok" or .ev == "done")
		| del(.t, .t_sched, .t_headers, .t_first_event)' "$1.raw" >"$1.ev"
}

test_expect_success 'the same stream on both transports: the same events, but their times' '
	same_run builtin && same_run curl &&
	test "$(jq -s "map(select(.ev == \"tok\")) | length" builtin.ev)" -gt 3000 &&
	test_cmp builtin.ev curl.ev &&
	jq -s -e ".[0].config.transport == \"builtin\"" builtin.raw &&
	jq -s -e ".[0].config.transport == \"curl\"" curl.raw &&
	# one kept-alive connection carried the six, on each
	for t in builtin curl; do
		jq -r "select(.what == \"req\") | .peer_port" "$TRASH_ROOT/$t.log" | sort -u | wc -l | grep -qx 1 || exit 1
	done
'

llmsim_start S --tps 500 --log "$TRASH_ROOT/s.log"

test_expect_success 'connections: one per request in flight, kept and reused' '
	gen -u "$S_URL" -c 3 --requests 12 --max-tokens 5 -p "$P" >c3.ev &&
	jq -s -e "map(select(.ev == \"done\")) | length == 12 and all(.status == \"ok\")" c3.ev &&
	run=$(jq -r -s ".[0].run_id" c3.ev) &&
	jq -r --arg run "$run" "select(.what == \"req\" and (.rid | startswith(\$run))) | .peer_port" \
		"$TRASH_ROOT/s.log" | sort -u | wc -l >n && test "$(cat n)" -eq 3
'

test_expect_success 'chunk times match the ground truth on libcurl as on the built-in client' '
	for t in builtin curl; do
		gen --transport "$t" -u "$S_URL" -c 2 --requests 4 --max-tokens 20 -p "$P" >f.$t.ev &&
		wait_for 10 sim_caught_up "$TRASH_ROOT/s.log" f.$t.ev &&
		"$TB_UNIT/tbperf" fidelity f.$t.ev "$TRASH_ROOT/s.log" >fid.$t &&
		jq -e ".chunks == 80 and .offset_ms.p50 >= -0.5 and .offset_ms.p50 < 3
			and .arrival_ms.max < 25" fid.$t || exit 1
	done
'

# A request sent at once on a kept connection wakes nothing until the server
# answers (here its headers come after 1 s): its req event must still reach
# stdout within gen's 50 ms flush bound, not with the answer.
test_expect_success 'a req event on a kept connection reaches stdout before the answer' '
	llmsim_start H --fault slow-headers:1s &&
	gen --transport builtin -u "$H_URL" --rate 0.5 --constant --requests 2 \
		--max-tokens 1 -p "$P" --only short |
	while IFS= read -r l; do
		jq -c --argjson a "$(date +%s.%N)" ". + {arrived: \$a}" <<<"$l" || exit 1
	done >lag.ev &&
	llmsim_stop H &&
	jq -s -e "map(select(.ev == \"req\") | .arrived - .t) | length == 2 and max < 0.5" lag.ev
'

test_expect_success 'which transport: auto, a proxy, https, and usage errors' '
	gen -u "$S_URL" --requests 1 --max-tokens 1 -p "$P" >a.ev &&
	jq -s -e ".[0].config.transport == \"builtin\"" a.ev &&
	# a proxy in the environment goes through libcurl, which honours it
	http_proxy=http://127.0.0.1:1 no_proxy=127.0.0.1 gen -u "$S_URL" --requests 1 --max-tokens 1 -p "$P" >np.ev &&
	jq -s -e ".[0].config.transport == \"builtin\"" np.ev &&
	{ http_proxy=http://127.0.0.1:1 gen -u "$S_URL" --server llmsim --requests 1 --max-tokens 1 -p "$P" >px.ev 2>/dev/null || :; } &&
	jq -s -e ".[0].config.transport == \"curl\"" px.ev &&
	test_expect_code 2 gen --transport builtin -u https://127.0.0.1:1/v1 -p "$P" 2>err &&
	grep -q "^gen: --transport builtin: https://127.0.0.1:1/v1/chat/completions is not an http:// URL" err &&
	test_expect_code 2 gen --transport h2 -u "$S_URL" -p "$P" 2>err &&
	grep -qx "gen: --transport: h2 is not auto, builtin or curl" err
'

# answered NAME BYTES [gen options]: gen's done events ("status|error"),
# a request or more each answered with BYTES (printf format) by rawhttp,
# which then closes the connection
answered() {
	local name=$1 bytes=$2
	shift 2
	printf "$bytes" >"$name.http" && raw_answer "$name.http" &&
	gen -u "$RAW_URL" --server openai --max-tokens 3 -p "$P" --only short "$@" >"$name.ev" 2>/dev/null
	kill "$RAW_PID"
	jq -r "select(.ev == \"done\") | .status + \"|\" + (.error // \"\")" "$name.ev"
}

SSE_BODY='data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"choices":[{"delta":{"content":"b"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
CT='Content-Type: text/event-stream\r\n'

test_expect_success 'framings: chunked, Content-Length, to the close, 1xx first, HTTP/1.0' '
	n=$(printf "$SSE_BODY" | wc -c) &&
	hex=$(printf "%x" "$n") &&
	answered chunked "HTTP/1.1 200 OK\r\n${CT}Transfer-Encoding: chunked\r\n\r\n$hex;ext=1\r\n${SSE_BODY}\r\n0\r\nX-Trailer: 1\r\n\r\n" >got &&
	test "$(cat got)" = "ok|" &&
	answered length "HTTP/1.1 200 OK\r\n${CT}Content-Length: $n\r\n\r\n${SSE_BODY}" >got &&
	test "$(cat got)" = "ok|" &&
	answered eof "HTTP/1.1 200 OK\r\n${CT}\r\n${SSE_BODY}" >got &&
	test "$(cat got)" = "ok|" &&
	answered interim "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\n${CT}\r\n${SSE_BODY}" >got &&
	test "$(cat got)" = "ok|" &&
	answered http10 "HTTP/1.0 200 OK\n${CT}\n${SSE_BODY}" >got &&
	test "$(cat got)" = "ok|" &&
	jq -s -e "map(select(.ev == \"tok\")) | length == 2" http10.ev
'

test_expect_success 'a kept connection the server closed: the request is sent again on a new one' '
	n=$(printf "$SSE_BODY" | wc -c) &&
	# rawhttp closes after each answer, which said nothing of closing
	answered ka "HTTP/1.1 200 OK\r\n${CT}Content-Length: $n\r\n\r\n${SSE_BODY}" --requests 5 >got &&
	test "$(sort -u got)" = "ok|" && test "$(wc -l <got)" -eq 5
'

test_expect_success 'what no client takes: one line each; in the head a protocol error, in the body a stream error' '
	answered trunc "HTTP/1.1 200 OK\r\n${CT}Transfer-Encoding: chunked\r\n\r\n40\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n" >got &&
	test "$(cat got)" = "stream_error|the server closed the connection before the chunked body'"'"'s end" &&
	answered short "HTTP/1.1 200 OK\r\n${CT}Content-Length: 999\r\n\r\n${SSE_BODY}" >got &&
	grep -qx "stream_error|the server closed the connection [0-9]* bytes short of the body'"'"'s Content-Length" got &&
	answered empty "" >got &&
	test "$(cat got)" = "protocol_error|the server closed the connection without a response (an empty reply)" &&
	answered ssh "SSH-2.0-OpenSSH_9.2\r\n" >got &&
	test "$(cat got)" = "protocol_error|not an HTTP/1.x response: its first line reads \"SSH-2.0-OpenSSH_9.2\"" &&
	answered gzip "HTTP/1.1 200 OK\r\n${CT}Transfer-Encoding: gzip, chunked\r\n\r\n" >got &&
	grep -q "^protocol_error|a transfer coding this client does not read" got &&
	answered badchunk "HTTP/1.1 200 OK\r\n${CT}Transfer-Encoding: chunked\r\n\r\nzz\r\n" >got &&
	grep -q "^stream_error|a malformed chunk size line" got &&
	answered twolen "HTTP/1.1 200 OK\r\n${CT}Content-Length: 5\r\nContent-Length: 6\r\n\r\n" >got &&
	grep -q "^protocol_error|a malformed or repeated Content-Length" got
'

test_expect_success 'an answer before the body was read, then a reset: the answer, as libcurl reads it' '
	printf "HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}" >early.http &&
	raw_answer -r early.http &&
	# a body the socket buffers cannot hold: gen is still sending
	head -c 16000000 /dev/zero | tr "\0" x | jq -R -s "{big: {prompt: ., max_tokens: 5}}" >big.json &&
	# (libcurl reads it too, but not always: its send may fail first)
	test_expect_code 1 gen --transport builtin -u "$RAW_URL" --server openai --requests 3 -p big.json >early.ev 2>/dev/null
	kill "$RAW_PID"
	jq -r "select(.ev == \"done\") | .status + \"|\" + .error" early.ev >got &&
	test "$(sort -u got)" = "http_error|HTTP 413" && test "$(wc -l <got)" -eq 3
'

# syn_sent PORT: a socket here waits for the answer to its SYN to PORT
# (/proc/net/tcp, state 02: SYN_SENT)
syn_sent() { awk -v p="$(printf ':%04X' "$1")" '$3 ~ p"$" && $4 == "02" { f = 1 } END { exit !f }' /proc/net/tcp; }
# plugged_for FILE: rawhttp -q has filled its queue, and a SYN waits on it
plugged_for() { grep -q '^plugged$' "$1.url" && syn_sent "$(sed -n '1s|.*:\([0-9]*\)/.*|\1|p' "$1.url")"; }

if test -r /proc/net/tcp; then
test_expect_success 'a request is timed from its send, after its connect: a slow connect is no TTFT' '
	# the accept queue of the server full after the three probes of gen
	# (libcurl, --server openai): the SYN of the request is dropped and
	# sent again a second later (its first retransmission), when there is
	# room. libcurl says when it sends from 7.80 on (PREREQFUNCTION).
	printf "HTTP/1.1 200 OK\r\n${CT}\r\n${SSE_BODY}" >q.http &&
	ts=builtin &&
	if pkg-config --atleast-version=7.80.0 libcurl; then ts="$ts curl"; else echo "libcurl < 7.80: builtin only"; fi &&
	for t in $ts; do
		raw_answer -q 3 q.http &&
		{ gen --transport $t -u "$RAW_URL" --server openai --max-tokens 3 -p "$P" --only short >q.$t.ev 2>/dev/null & } &&
		gp=$! &&
		{ wait_for 10 plugged_for q.http || { kill "$gp"; exit 1; }; } &&
		kill -USR1 "$RAW_PID" &&
		wait "$gp" &&
		kill "$RAW_PID" || exit 1
		# the wait is in t - t_sched (the queue delay), not in the TTFT
		jq -s -e "(map(select(.ev == \"req\"))[0] as \$q | \$q.t - \$q.t_sched > 0.5) and
			(map(select(.ev == \"done\"))[0].status == \"ok\") and
			(map(select(.ev == \"tok\"))[0].t - map(select(.ev == \"req\"))[0].t < 0.5)" q.$t.ev || exit 1
	done
'
else
	test_skip 'a request is timed from its send, after its connect' 'no /proc/net/tcp (not Linux)'
fi

test_expect_success 'a dead port: connect_error naming the address' '
	test_expect_code 1 gen -u http://127.0.0.1:1/v1 --server openai --requests 1 -p "$P" >d.ev 2>/dev/null &&
	jq -r -s "map(select(.ev == \"done\"))[0] | .status + \"|\" + .error" d.ev >got &&
	grep -qx "connect_error|Failed to connect to 127.0.0.1:1: Connection refused" got &&
	# localhost: every address tried (::1, then 127.0.0.1), the same end
	test_expect_code 1 gen -u http://localhost:1/v1 --server openai --requests 1 -p "$P" >d6.ev 2>/dev/null &&
	jq -s -e "map(select(.ev == \"done\"))[0].status == \"connect_error\"" d6.ev
'

# tok_count FILE N: FILE holds at least N tok events
tok_count() { test "$(grep -c '"ev":"tok"' "$1")" -ge "$2"; }

test_expect_success 'events reach the output within 50 ms, also while the stream stalls' '
	llmsim_start ST --fault stall:3:6s &&
	{ gen -u "$ST_URL" --server llmsim --requests 1 --max-tokens 5 -p "$P" --only short >st.ev 2>/dev/null & } &&
	pid=$! &&
	# the role and three tokens come at once, then nothing for 6 s: the
	# buffered events must not wait for the next byte (or the end)
	wait_for 3 tok_count st.ev 4 &&
	! grep -q "\"ev\":\"done\"" st.ev &&
	wait $pid && tok_count st.ev 6 &&
	llmsim_stop ST
'

test_expect_success 'the servers exit cleanly' '
	llmsim_stop S
'

test_done
