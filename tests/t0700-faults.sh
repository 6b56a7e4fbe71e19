#!/usr/bin/env bash
# The fault matrix: every fault llmsim injects, a dead server, and signals.
# For each: gen's events stay valid NDJSON, every request has a done event
# with the documented status, gen's exit code is the documented one, agg
# summarises the run and marks what failed, and report shows it.  The test
# writes the table of docs/reliability.md and checks the committed one.
. "$(dirname "$0")/lib.sh"

TABLE=$TRASH_ROOT/matrix.md
P='{"a": {"prompt": "x", "max_tokens": 8}, "b": {"prompt": "y", "max_tokens": 8}, "c": {"prompt": "z", "max_tokens": 8}}'
echo "$P" >"$TRASH_ROOT/p.json"

# check_run EVENTS EXIT WANT_EXIT STATUS: the events are whole JSON lines,
# start with run and end with end, and every request ended as STATUS.
check_run() {
	local ev=$1 rc=$2 want=$3 status=$4
	[ "$rc" = "$want" ] || { echo "gen exit $rc, want $want" >&2; return 1; }
	jq -e -s --arg s "$status" '
		.[0].ev == "run" and .[-1].ev == "end" and
		([.[] | select(.ev == "req") | .id] | sort) == ([.[] | select(.ev == "done") | .id] | sort) and
		([.[] | select(.ev == "done")] | length) > 0 and
		all(.[] | select(.ev == "done"); .status == $s)' "$ev" >/dev/null ||
		{ echo "events of $ev are not as documented" >&2; jq -c 'select(.ev == "done") | [.status, .error]' "$ev" >&2; return 1; }
}

# summarise EVENTS STATUS: agg counts every request as failed with STATUS,
# writes the summary and exits 1 saying so; report lists the failure.
summarise() {
	test_expect_code 1 "$TB_BIN/agg" "$1" >run.json 2>agg.err &&
	grep -q "^agg: no request succeeded: .* failed, most with $2" agg.err &&
	jq -e --arg s "$2" '.requests.ok == 0 and .requests.error_rate == 1 and .requests.by_status[$s] > 0' run.json >/dev/null &&
	"$TB_BIN/report" --charts none -o rep.md run.json 2>/dev/null &&
	grep -F -q "100.0 % of requests failed (${2//_/\\_} " rep.md # Markdown escapes _
}

row() { printf '| %s | %s | %s | %s | %s |\n' "$@" >>"$TABLE"; }

printf '| fault | gen exit | every request ends as | agg | report |\n|---|---:|---|---|---|\n' >"$TABLE"

# fault NAME SPEC STATUS [gen options...]
fault() {
	local name=$1 spec=$2 status=$3
	shift 3
	test_expect_success "fault $name: done $status, exit 1, agg and report mark it" '
		llmsim_start F --fault '"$spec"' &&
		rc=0 && "$TB_BIN/gen" --no-progress -u "$F_URL" '"$*"' -p "$TRASH_ROOT/p.json" >ev 2>err || rc=$? &&
		check_run ev $rc 1 '"$status"' &&
		summarise ev '"$status"'
	' && row "$name (\`$spec\`${*:+, gen $*})" 1 "\`$status\`" "exit 1, *no request succeeded*; error rate 100 %, by_status.$status" "listed under *Failed or did not fit*"
}

fault "HTTP 500 with a JSON body" http500 http_error
fault "HTTP 503" http503 http_error
fault "HTTP 429 with Retry-After" http429:2 http_error
fault "connection reset after 3 tokens" reset:3 stream_error
fault "malformed JSON chunk" malformed:2 protocol_error
fault "stall past the idle timeout" stall:2:2s timeout --timeout-idle 300ms
fault "slow headers past the first-token timeout" slow-headers:2s timeout --timeout-first 300ms
fault "a stream that never ends" endless timeout --timeout-total 500ms
fault "wrong Content-Type" wrong-ctype protocol_error
fault "error object inside the stream" error:2 stream_error

test_expect_success 'server down: connect_error for every request, exit 1' '
	port=1 && # nothing listens on tcpmux: refused at once
	rc=0 && "$TB_BIN/gen" --no-progress -u "http://127.0.0.1:$port/v1" -p "$TRASH_ROOT/p.json" >ev 2>err || rc=$? &&
	check_run ev $rc 1 connect_error && summarise ev connect_error
' && row "server down (nothing listening)" 1 '`connect_error`' "exit 1, *no request succeeded*; error rate 100 %, by_status.connect_error" "listed under *Failed or did not fit*"

llmsim_start SLOW --tps 10

# two_in_flight EVENTS: two requests started and neither has ended.
two_in_flight() {
	jq -s -e '([.[] | select(.ev == "req")] | length) -
		([.[] | select(.ev == "done")] | length) == 2' "$1" >/dev/null
}

# sig NAME SIGNAL EXIT: the signal mid-run aborts what is in flight.
sig() {
	test_expect_success "$1 mid-run: aborted, valid events, exit $3" '
		{ "$TB_BIN/gen" --no-progress -u "$SLOW_URL" -c 2 -p "$TRASH_ROOT/p.json" >ev 2>err & } &&
		pid=$! && wait_for 30 two_in_flight ev && kill -'"$2"' $pid &&
		rc=0 && { wait $pid || rc=$?; } &&
		jq -e -s ".[-1].reason == \"signal\" and ([.[] | select(.ev == \"done\" and .status == \"aborted\")] | length) == 2" ev >/dev/null &&
		check_run <(jq -c "select(.ev != \"done\" or .status == \"aborted\")" ev) $rc '"$3"' aborted &&
		test_expect_code 1 "$TB_BIN/agg" ev >run.json 2>agg.err && # none succeeded
		jq -e ".incomplete == true and .requests.by_status.aborted == 2" run.json >/dev/null &&
		grep -q "stopped by a signal" agg.err &&
		"$TB_BIN/report" --charts none -o rep.md run.json 2>/dev/null && grep -q "a run was cut short" rep.md
	' && row "$1 during a run" "$3" '`aborted` (in flight); the end event says `signal`' "exit 1 when none succeeded; incomplete: stopped by a signal" "marked †, *a run was cut short*"
}
sig SIGINT INT 130
sig SIGTERM TERM 143

test_expect_success 'SIGTERM while stdout is backed up: exit 143, every event written, end last' '
	llmsim_start FAST --tps 100000 &&
	mkfifo pipe &&
	{ "$TB_BIN/gen" --no-progress -u "$FAST_URL" -c 4 --max-tokens 2000 -n 5 \
		-p "$TESTS/../prompts/std.json" >pipe 2>err & } && pid=$! &&
	exec 3<pipe &&
	# gen blocks in write(2) once the pipe is full: nobody reads it yet
	wait_for 20 grep -q pipe_write "/proc/$pid/wchan" &&
	kill -TERM $pid &&
	cat <&3 >ev && exec 3<&- &&
	rc=0 && { wait $pid || rc=$?; } && test "$rc" -eq 143 &&
	! grep -q "Interrupted system call" err &&
	jq -c . ev >/dev/null && tail -n 1 ev | jq -e ".ev == \"end\" and .reason == \"signal\"" &&
	test "$(jq -s "map(select(.ev == \"req\")) | length" ev)" -eq "$(jq -s "map(select(.ev == \"done\")) | length" ev)"
'

test_expect_success 'closed downstream pipe: gen stops at once, exit 1, whole lines' '
	set +o pipefail 2>/dev/null
	{ "$TB_BIN/gen" --no-progress -u "$SLOW_URL" -c 2 -n 3 -p "$TRASH_ROOT/p.json" 2>err; echo $? >rc; } | head -n 2 >ev &&
	test "$(cat rc)" = 1 && grep -q "stdout: write error: Broken pipe" err &&
	jq -c . ev >/dev/null && test_lines ev 2 &&
	test_expect_code 1 "$TB_BIN/agg" ev >run.json 2>agg.err && jq -e ".incomplete == true" run.json >/dev/null
' && row "closed downstream pipe (SIGPIPE)" 1 "— (nothing more can be written; every line written is whole)" "exit 1 when none succeeded; incomplete: no end event" "marked †"

test_expect_success 'docs/reliability.md holds this table' '
	doc="$TESTS/../docs/reliability.md" &&
	sed -n "/<!-- fault-matrix:begin -->/,/<!-- fault-matrix:end -->/p" "$doc" | sed "1d;\$d" >committed &&
	if [ -n "${TB_WRITE_DOC:-}" ]; then
		awk -v t="$TABLE" "/<!-- fault-matrix:begin -->/ { print; while ((getline l < t) > 0) print l; skip = 1; next }
			/<!-- fault-matrix:end -->/ { skip = 0 } !skip" "$doc" >new && cp new "$doc"
	else
		test_cmp committed "$TABLE"
	fi
'

test_done
