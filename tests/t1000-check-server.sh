#!/usr/bin/env bash
# make check-server: the battery passes on llmsim in each of its server
# imitations, and each check fails on the server fault it is there for.
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
export TB_BIN

# battery NAME [SERVER_PID] -- llmsim options: runs check-server against a
# fresh llmsim; its output in $TRASH_ROOT/NAME.cs, its files in
# $TRASH_ROOT/NAME/, its exit status in $TRASH_ROOT/NAME.csrc.
battery() {
	local name=$1 pid=
	shift
	if [ "$1" != -- ]; then
		pid=$1
		shift
	fi
	shift
	llmsim_start "$name" --mem 64MiB --tps 400 --prefill 20000 "$@" || return 1
	eval "local url=\$${name}_URL"
	URL=$url SERVER_PID=${pid:-$(eval echo "\$${name}_PID")} OUT=$TRASH_ROOT/$name \
		MAX_TOKENS=${MAX_TOKENS:-64} "$SCRIPTS/check-server.sh" \
		>"$TRASH_ROOT/$name.cs" 2>"$TRASH_ROOT/$name.cserr"
	echo $? >"$TRASH_ROOT/$name.csrc"
	cat "$TRASH_ROOT/$name.cs"
	llmsim_stop "$name"
}

# line NAME CHECK: the verdict line of that check.
line() { grep "^check-server: llmsim llmsim-[^ :]*: $2: " "$TRASH_ROOT/$1.cs"; }
# rc NAME: the battery's exit status.
rc() { cat "$TRASH_ROOT/$1.csrc"; }

test_expect_success 'llama-server imitation: every check passes, the server'"'"'s figures agree' '
	battery LS -- --timings --eos-in-usage --natural-len 40 --reasoning 20 &&
	test "$(rc LS)" = 0 &&
	grep -q "^[0-9]* passed, 0 failed, [0-9]* n/a$" "$TRASH_ROOT/LS.cs" &&
	test "$(grep -c "^check-server: llmsim llmsim-[^ :]*: [a-zA-Z ]*: \(ok\|n/a\) (" "$TRASH_ROOT/LS.cs")" -eq 11 &&
	line LS "token counts" | grep -q "counted in usage on natural stops (usage = chunks + 1), left out of agg" &&
	line LS "decode TPS" | grep ": ok (client [0-9.]* tok/s, server [0-9.]* (llama-server timings.predicted_per_second), client/server " |
		sed "s/.*client\/server \([0-9.]*\).*/\1/" >ratio &&
	awk "NR == 1 { ok = \$1 > 0.98 && \$1 < 1.02 } END { exit !ok }" ratio &&
	line LS "TTFT at the first token" | grep -q ": ok (" &&
	line LS "reasoning split" | grep -q ": ok (20 reasoning and 20 answer chunks" &&
	line LS "prefix cache" | grep -q ": ok (busting on: .*, 0 of [0-9]* prompt tokens cached; busting off: later TTFT [0-9]* % lower" &&
	line LS "usage" | grep -q "without: not sent" &&
	line LS "context overflow" | grep -q ": ok (http_error 400: .*exceeds the available context size (131072 tokens)" &&
	line LS "memory peak" | grep -q ": ok (memsample" &&
	line LS "load mechanism" | grep -q ": ok (/health answers 200" &&
	# the files stay for the user to read
	test -s "$TRASH_ROOT/LS/basic.ndjson" && test -s "$TRASH_ROOT/LS/basic.json" &&
	test -s "$TRASH_ROOT/LS/mem.ndjson"
'

test_expect_success 'stats in the stream (LM Studio'"'"'s /api/v0 names), an early role chunk, a reasoning field named reasoning' '
	# no real server streams stats on /v1 (LM Studio sends them only in
	# /api/v0 replies: t1100 has its imitation); the check reads them all
	# the same, for a server that does
	battery LM -- --stats --role-early --ttft 50ms --reasoning 10 --reasoning-field reasoning &&
	test "$(rc LM)" = 0 &&
	line LM "decode TPS" | grep -q ": ok (.*LM Studio stats.tokens_per_second" &&
	# the role chunk comes with the headers, long before the first token:
	# TTFT is not taken at it
	line LM "TTFT at the first token" | grep -q ": ok (.*role-only chunk before the first token (not counted)" &&
	line LM "reasoning split" | grep -q ": ok (10 reasoning"
'

test_expect_success 'no SERVER_PID: the memory check does not apply, and says so' '
	llmsim_start NP --tps 1000 &&
	URL=$NP_URL OUT=np MAX_TOKENS=16 "$SCRIPTS/check-server.sh" >np.out 2>/dev/null &&
	grep -q ": memory peak: n/a (no SERVER_PID given)" np.out &&
	grep -q ": decode TPS: n/a (the server reports no decode speed of its own)" np.out
'

# Each fault, and the check that must catch it.
test_expect_success 'a wrong usage count fails token counts' '
	battery F1 -- --timings --fault usage-extra:1 &&
	test "$(rc F1)" = 1 &&
	line F1 "token counts" | grep -q ": FAIL (request 1 stopped at max_tokens 64 but usage says 65)"
'

test_expect_success 'a buffered stream fails decode TPS' '
	battery F2 -- --timings --fault buffered &&
	test "$(rc F2)" = 1 &&
	# every token in one read, or (when the socket splits the burst) far
	# faster than the server made them: held on the way either way
	line F2 "decode TPS" | grep -Eq ": FAIL \(.*(buffered|held) on the way"
'

test_expect_success 'text before the prompt is read fails TTFT; an early role-only chunk does not' '
	# (a prefill of 100 ms: the early text leaves no doubt, however slow
	# the machine'"'"'s first connection)
	battery F3 -- --timings --ttft 100ms --fault early-token &&
	test "$(rc F3)" = 1 &&
	line F3 "TTFT at the first token" | grep -q ": FAIL (request [0-9]*: a chunk with text came .* before the server.s own 1[0-9][0-9]\.[0-9] ms to its first token"
'

test_expect_success 'a mislabelled reasoning field fails the reasoning split' '
	battery F4 -- --reasoning 10 --reasoning-field thinking &&
	line F4 "reasoning split" | grep -q ": FAIL (usage counts 10 reasoning tokens, none came in reasoning_content or reasoning" &&
	battery F5 -- --reasoning 10 --reasoning-field think-tags &&
	line F5 "reasoning split" | grep -q ": FAIL (the reasoning came inside the answer between <think> tags" &&
	test "$(rc F4)" = 1 && test "$(rc F5)" = 1
'

test_expect_success 'a cache the nonce cannot bust fails the prefix cache' '
	battery F6 -- --timings --fault sticky-cache &&
	test "$(rc F6)" = 1 &&
	line F6 "prefix cache" | grep -q ": FAIL (with cache busting on a repeated prompt came [0-9]* % faster .*prompt tokens cached"
'

test_expect_success 'usage not sent though asked fails usage' '
	battery F7 -- --no-usage &&
	test "$(rc F7)" = 1 &&
	line F7 "usage" | grep -q ": FAIL (asked for with stream_options.include_usage, usage came in 0 of 5 streams"
'

test_expect_success 'a server that cuts over-long prompts fails context overflow' '
	battery F8 -- --ctx 0 &&
	test "$(rc F8)" = 1 &&
	line F8 "context overflow" | grep -q ": FAIL (a prompt over the context (not told) was answered"
'

test_expect_success 'a peak before sampling began fails the memory check' '
	# memsample watches a process that touched 96 MiB and gave it back
	"$TB_UNIT/memhog" 60 96MiB/8MiB >hog.out &
	hog=$! && echo $hog >>"$TRASH_ROOT/servers.pids" &&
	wait_for 10 grep -q ready hog.out &&
	{ battery F9 "$hog" -- --tps 1000; kill $hog; wait $hog 2>/dev/null; true; } &&
	test "$(rc F9)" = 1 &&
	line F9 "memory peak" | grep -q ": FAIL (memsample.s peak 0.0[0-9]* GB, the kernel.s VmHWM 0.1[0-9]* GB over 1 process (-[0-9.]* %): the peak came before memsample began"
'

test_expect_success 'identity, unknown model and load mechanism fail on what they guard' '
	# the llama-server imitation'"'"'s battery, altered as other servers answer
	cp -r "$TRASH_ROOT/LS" alt &&
	sed -i "1s/\"kind\":\"llmsim\"/\"kind\":\"unknown\"/" alt/basic.ndjson &&
	sed -i "s/\"status\":\"ok\"/\"status\":\"error\"/" alt/health.ndjson &&
	sed -i "s/\"ev\":\"done\",\(.*\)\"status\":\"ok\",\"http\":200/\"ev\":\"done\",\1\"status\":\"protocol_error\",\"http\":200/" alt/unknown.ndjson &&
	test_must_fail "$TB_BIN/srvcheck" alt >alt.out &&
	grep -q "^check-server: unknown server llmsim-[^ :]*: server identity: FAIL (the server was not recognised" alt.out &&
	grep -q ": unknown model: FAIL (classified protocol_error" alt.out &&
	grep -q ": load mechanism: FAIL (no /health, no load API" alt.out &&
	# a done event without its status (a file cut by hand) is a FAIL
	# that says so, not a crash
	sed -i "s/\"status\":\"[a-z_]*\",//" alt/overflow.ndjson &&
	test_must_fail "$TB_BIN/srvcheck" alt >alt2.out &&
	grep -q ": context overflow: FAIL (an HTTP error status not classified http_error" alt2.out
'

test_expect_success 'a battery file cut mid-line: srvcheck names the line it skipped' '
	cp -r "$TRASH_ROOT/LS" cut &&
	n=$(wc -l <cut/basic.ndjson) &&
	head -c -20 "$TRASH_ROOT/LS/basic.ndjson" >cut/basic.ndjson &&
	"$TB_BIN/srvcheck" cut >cut.out 2>cut.err;
	grep -q "^srvcheck: cut/basic.ndjson:$n: skipped: invalid JSON at byte " cut.err &&
	test "$(grep -c . cut.err)" = 1 &&
	grep -q ": decode TPS: " cut.out
'

test_expect_success 'a real llama-server'"'"'s captured stream, replayed' '
	# usage, chunks and max_tokens (16) agree; replayed at once, the
	# stream is what a buffering proxy sends: decode TPS fails, as it must
	llmsim_start RP --replay "$TESTS/fixtures/llama-server/chat-stream-usage.sse" &&
	URL=$RP_URL OUT=rp MAX_TOKENS=16 test_expect_code 1 "$SCRIPTS/check-server.sh" >rp.out 2>/dev/null &&
	grep -q ": token counts: ok (5 requests: usage = max_tokens on length stops" rp.out &&
	grep -q ": usage: ok (with include_usage: in 5 of 5 streams; without: sent all the same)" rp.out &&
	grep -q ": decode TPS: FAIL (in 5 requests every token reached the client at once, while the server reports 1889.9 tok/s" rp.out
'

test_expect_success 'usage errors: no URL, a bad SERVER_PID, srvcheck without a battery' '
	test_expect_code 2 env -u URL "$SCRIPTS/check-server.sh" 2>err &&
	grep -q "set URL=" err &&
	URL=http://127.0.0.1:1/v1 SERVER_PID=abc test_expect_code 2 "$SCRIPTS/check-server.sh" 2>err &&
	grep -q "SERVER_PID=abc is not a process id" err &&
	mkdir empty && test_expect_code 1 "$TB_BIN/srvcheck" empty 2>err &&
	grep -q "^srvcheck: empty: no battery here (basic.ndjson: No such file or directory)" err &&
	test_expect_code 2 "$TB_BIN/srvcheck" 2>/dev/null
'

test_done
