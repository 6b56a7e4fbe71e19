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

TESTS=$(cd "$(dirname "$0")" && pwd)
TB_BIN=${TB_BIN:-$TESTS/../bin}
GOLDEN=$TESTS/golden
FIXTURES=$TESTS/fixtures
test_count=0
test_failed=0
TRASH_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/tb-test.XXXXXX")
trap 'test_cleanup' EXIT

# Commands registered with test_at_exit run when the test file ends, even
# after a failure (servers to stop, for instance).
test_at_exit_cmds=()
test_at_exit() { test_at_exit_cmds+=("$*"); }

test_cleanup() {
	local c
	for c in "${test_at_exit_cmds[@]+"${test_at_exit_cmds[@]}"}"; do
		eval "$c" >/dev/null 2>&1
	done
	rm -rf "$TRASH_ROOT"
}

test_expect_success() {
	local title=$1 body=$2 rc
	test_count=$((test_count + 1))
	TRASH=$TRASH_ROOT/$test_count
	mkdir -p "$TRASH"
	(cd "$TRASH" && set -e && eval "$body") >"$TRASH_ROOT/log.$test_count" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $test_count - $title"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $title"
		sed 's/^/#   /' "$TRASH_ROOT/log.$test_count"
	fi
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
