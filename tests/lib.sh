# tests/lib.sh: the shell test library, after git's t/test-lib.sh.
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'title' '
#       some && commands && test_cmp expect actual
#   '
#   test_done
#
# Each test body runs in a subshell with "set -e" inside a fresh scratch
# directory ($TRASH); TAP goes to stdout.  $TB_BIN holds the tools under
# test, $TESTS the tests/ directory (for golden files and fixtures).
# TB_TRACE=1 runs the bodies under "set -x" to show where one fails.

TESTS=$(cd "$(dirname "$0")" && pwd)
TB_BIN=$(cd "${TB_BIN:-$TESTS/../bin}" && pwd)
TB_UNIT=$(cd "${TB_UNIT:-$TESTS/../build/release/tests}" 2>/dev/null && pwd)
GOLDEN=$TESTS/golden
FIXTURES=$TESTS/fixtures
test_count=0
test_failed=0
TRASH_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/tb-test.XXXXXX")
trap 'test_cleanup' EXIT
# A signal ends the file through the EXIT trap, so servers are stopped.
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Commands registered with test_at_exit run when the test file ends, even
# after a failure (servers to stop, for instance).
test_at_exit_cmds=()
test_at_exit() { test_at_exit_cmds+=("$*"); }

test_cleanup() {
	local c
	for c in "${test_at_exit_cmds[@]+"${test_at_exit_cmds[@]}"}"; do
		eval "$c" >/dev/null 2>&1
	done
	# Servers started inside a test body (a subshell) are listed here.
	# The shell's own kill: a minimal system has no kill program.
	local p i
	if [ -f "$TRASH_ROOT/servers.pids" ]; then
		while read -r p; do
			kill "$p" 2>/dev/null
		done <"$TRASH_ROOT/servers.pids"
		# They are not this shell's children, so wait cannot: poll until
		# each has gone (bounded), so none outlives the test file.
		while read -r p; do
			for i in $(seq 1 250); do
				pid_alive "$p" || break
				sleep 0.02
			done
		done <"$TRASH_ROOT/servers.pids"
	fi
	wait 2>/dev/null # servers' wrappers, so nothing writes while we clean
	rm -rf "$TRASH_ROOT"
}

# wait_for SECONDS COMMAND...: runs COMMAND until it succeeds, polling
# every 20 ms; fails, naming the command, when SECONDS pass first.  Tests
# wait for a condition this way, never for a fixed time.
wait_for() {
	local limit=$1 start
	shift
	start=$SECONDS
	until "$@" 2>/dev/null; do
		if [ $((SECONDS - start)) -ge "$limit" ]; then
			echo "wait_for: still false after ${limit}s: $*" >&2
			return 1
		fi
		sleep 0.02
	done
}

# pid_alive PID: the process exists and is not a zombie (kill -0 alone
# succeeds on zombies, and a minimal system has no pgrep or ps).
pid_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		local st
		st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
		st=${st##*) } # the state follows the command name, which may hold spaces
		case ${st%% *} in Z | X | '') return 1 ;; esac
	fi
	return 0
}

test_expect_success() {
	local title=$1 body=$2 rc
	test_count=$((test_count + 1))
	TRASH=$TRASH_ROOT/$test_count
	mkdir -p "$TRASH"
	# The DEBUG trap keeps the body's last command (not the eval itself,
	# which the trap sees again as set -e ends it), so a failure names the
	# command that failed rather than the last thing it printed.
	(cd "$TRASH" && set -e && { [ -z "${TB_TRACE:-}" ] || set -x; } &&
		trap '[ "$BASH_COMMAND" = "eval \"\$body\"" ] || tb_last=$BASH_COMMAND' DEBUG &&
		trap 'tb_rc=$?; trap - DEBUG; [ $tb_rc -eq 0 ] ||
			printf "failed (exit %s): %s\n" "$tb_rc" "${tb_last:-?}" >&2' EXIT &&
		eval "$body") >"$TRASH_ROOT/log.$test_count" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $test_count - $title"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $title"
		sed 's/^/#   /' "$TRASH_ROOT/log.$test_count"
	fi
}

# test_skip 'title' 'reason': a test that could not run here, said so in
# TAP ("ok N # SKIP title: reason"); tests/run counts and shows it apart
# from the passes.  Only for what the machine lacks (a real server not
# built), never for a failure.
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # SKIP $1: $2"
}

# llama_unavailable WHAT WHY: the real llama-server (or a tool beside it)
# is not here.  With TB_REQUIRE_LLAMA=1 (CI) that is a failure saying
# why, else WHAT is skipped saying why; either way the test file ends.
llama_unavailable() {
	LLAMA_WHY="$(basename "$0" .sh): $2"
	if [ "${TB_REQUIRE_LLAMA:-0}" = 1 ]; then
		test_expect_success "$1 (TB_REQUIRE_LLAMA=1)" 'echo "$LLAMA_WHY" >&2 && false'
	else
		test_skip "$1" "$2"
	fi
	test_done
	exit
}

# The command must fail with an ordinary error (exit 1-125), not a crash.
test_must_fail() {
	local rc
	"$@" && rc=0 || rc=$?
	if [ $rc -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $rc -gt 125 ]; then
		echo "test_must_fail: command died with exit $rc: $*" >&2
		return 1
	fi
	return 0
}

# test_expect_code N cmd...: the command must exit with status N.
test_expect_code() {
	local want=$1 rc
	shift
	"$@" && rc=0 || rc=$?
	if [ "$rc" != "$want" ]; then
		echo "test_expect_code: want exit $want, got $rc: $*" >&2
		return 1
	fi
}

# test_cmp expected actual: identical files, or a unified diff and failure.
test_cmp() {
	diff -u "$1" "$2" >&2
}

# test_contains FILE REGEX: FILE has a line matching the extended regex.
test_contains() {
	grep -E -q -- "$2" "$1" || {
		echo "test_contains: no line of $1 matches: $2" >&2
		sed 's/^/  | /' "$1" | head -20 >&2
		return 1
	}
}

# test_lines FILE N: FILE has exactly N lines.
test_lines() {
	local n
	n=$(wc -l <"$1")
	[ "$n" -eq "$2" ] || {
		echo "test_lines: $1 has $n lines, want $2" >&2
		return 1
	}
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}

# llmsim_start NAME [llmsim options]: starts llmsim on a free port in the
# background, waits for it to announce its URL, and sets ${NAME}_URL (the
# .../v1 base), ${NAME}_PID, and ${NAME}_ERR (its stderr file).  The server
# is stopped when the test file ends.
llmsim_start() {
	local name=$1 out err pid i url
	shift
	out=$TRASH_ROOT/$name.url
	err=$TRASH_ROOT/$name.err
	# the files of an earlier server of that name go first: its URL read
	# before the new one truncates the file would be taken for the new
	rm -f "$out" "$err" "$TRASH_ROOT/$name.rc" "$TRASH_ROOT/$name.pid"
	# A wrapper records the exit status, so any subshell can check it.
	(
		"$TB_BIN/llmsim" --port 0 "$@" >"$out" 2>"$err" &
		echo $! >"$TRASH_ROOT/$name.pid"
		wait $!
		echo $? >"$TRASH_ROOT/$name.rc"
	) &
	for i in $(seq 1 200); do
		url=$(head -n 1 "$out" 2>/dev/null)
		[ -n "$url" ] && break
		[ -f "$TRASH_ROOT/$name.rc" ] && break
		sleep 0.05
	done
	# the wrapper writes the pid after the fork, which a loaded machine
	# can let llmsim outrun: wait for it too
	for i in $(seq 1 200); do
		pid=$(cat "$TRASH_ROOT/$name.pid" 2>/dev/null)
		[ -n "$pid" ] && break
		sleep 0.05
	done
	if [ -z "$url" ]; then
		echo "llmsim_start: llmsim did not start:" >&2
		cat "$err" >&2
		return 1
	fi
	eval "${name}_URL=\$url ${name}_PID=\$pid ${name}_ERR=\$err"
	echo "$pid" >>"$TRASH_ROOT/servers.pids" # stopped when the file ends
}

# llmsim_stop NAME [SIGNAL]: stops it and fails unless it exited 0 with no
# sanitizer report on stderr.
llmsim_stop() {
	local name=$1 sig=${2:-TERM} pid err rc i
	eval "pid=\$${name}_PID err=\$${name}_ERR"
	kill -"$sig" "$pid" || return 1
	for i in $(seq 1 200); do
		[ -s "$TRASH_ROOT/$name.rc" ] && break
		sleep 0.05
	done
	rc=$(cat "$TRASH_ROOT/$name.rc" 2>/dev/null)
	if [ "$rc" != 0 ] || grep -q -E 'Sanitizer|runtime error' "$err"; then
		echo "llmsim_stop: exit ${rc:-none}" >&2
		cat "$err" >&2
		return 1
	fi
}

# tf_pass NAME SOURCE AS K [llmsim options]: a teacher-forced pass of the
# run SOURCE (gen --teacher-force, K alternatives) on a llmsim of its own
# imitating AS (llamacpp or vllm): events in NAME.nd, gen's stderr in
# NAME.err, llmsim's truth in NAME.log; GEN_OPTS adds to gen's options.
tf_pass() {
	local name=$1 src=$2 as=$3 k=$4
	shift 4
	llmsim_start S --tps 0 --as "$as" --log "$name.log" "$@" &&
	"$TB_BIN/gen" -u "$S_URL" -m "$name" -l family=sim --teacher-force "$src" \
		--logprobs "$k" --no-progress ${GEN_OPTS:-} >"$name.nd" 2>"$name.err"
	local rc=$?
	llmsim_stop S
	return $rc
}

# log_has FILE FILTER: some line of an NDJSON file matches the jq filter
# (a line still being written makes jq fail: wait_for tries again).
log_has() {
	jq -s -e "any(.[]; $2)" "$1" >/dev/null
}

# http_code_is CODE URL: a GET of URL answers with HTTP status CODE.
http_code_is() {
	[ "$(curl -s -o /dev/null -w "%{http_code}" "$2")" = "$1" ]
}

# sim_caught_up LOG EVENTS: llmsim's --log LOG has ended every request that
# gen's EVENTS file finished (llmsim logs a reply's end after its last write,
# which can be a moment after gen has read it): wait_for 10 sim_caught_up ...
sim_caught_up() {
	local run n
	run=$(jq -r -s '.[0].run_id' "$2") || return 1
	n=$(jq -s 'map(select(.ev == "done")) | length' "$2") || return 1
	jq -s -e --arg run "$run-" --argjson n "$n" '[.[] | select((.what == "done" or
		.what == "reset" or .what == "disconnect") and ((.rid? // "") | startswith($run)))]
		| length >= $n' "$1" >/dev/null
}

# free_port NAME: a port the kernel just handed out and that is free again
# (llmsim on --port 0, then stopped), for plans that must name a port
# before their server starts; sets ${NAME}_PORT.  Never a random guess,
# which can land on a port in use.
free_port() {
	local u
	llmsim_start "$1" || return 1
	eval "u=\$${1}_URL"
	llmsim_stop "$1" || return 1
	u=${u%/v1}
	eval "${1}_PORT=\${u##*:}"
}

# sse_data FILE: the payloads of the SSE data lines of a response, one a
# line; sse_json FILE: the same without the final [DONE], for jq.
sse_data() {
	sed -n 's/^data: //p' "$1"
}
sse_json() {
	sse_data "$1" | grep -v -x '\[DONE\]'
}

# raw_answer [-r|-q N] FILE: rawhttp (tests/helpers) answering every
# connection with FILE's bytes, then closing it (-r: resetting it, the
# request's body unread; -q N: its accept queue full after N connections,
# until SIGUSR1); its URL in RAW_URL, its pid in RAW_PID
raw_answer() {
	local flag=
	case $1 in
	-r) flag=$1 && shift ;;
	-q) flag="-q $2" && shift 2 ;;
	esac
	rm -f "$1.url" # never the URL of the one before
	"$TB_UNIT/rawhttp" $flag "$1" >"$1.url" 2>/dev/null &
	RAW_PID=$!
	echo "$RAW_PID" >>"$TRASH_ROOT/servers.pids"
	wait_for 5 test -s "$1.url" && RAW_URL=$(cat "$1.url")
}
