#!/usr/bin/env bash
# The test library itself: every helper must be able to fail.
. "$(dirname "$0")/lib.sh"

test_expect_success 'test_cmp passes on equal files, fails on a difference' '
	printf "a\nb\n" >x && printf "a\nb\n" >y && test_cmp x y &&
	printf "a\nc\n" >z && ! test_cmp x z 2>err &&
	grep -q "^-b" err
'

test_expect_success 'test_must_fail: failure ok, success and crashes not' '
	test_must_fail false &&
	! test_must_fail true 2>/dev/null &&
	! test_must_fail sh -c "kill -SEGV \$\$" 2>/dev/null
'

test_expect_success 'test_expect_code checks the exact status' '
	test_expect_code 2 sh -c "exit 2" &&
	! test_expect_code 1 sh -c "exit 2" 2>/dev/null
'

test_expect_success 'test_contains and test_lines' '
	printf "one\ntwo\n" >f &&
	test_contains f "^tw" && ! test_contains f "^three" 2>/dev/null &&
	test_lines f 2 && ! test_lines f 3 2>/dev/null
'

test_expect_success 'a failing command fails the test body (set -e)' '
	cat >inner.sh <<-INNER &&
	. "$TESTS/lib.sh"
	test_expect_success "inner" "false; true"
	test_done
	INNER
	! bash inner.sh >out 2>&1 &&
	grep -q "^not ok 1 - inner" out
'

test_expect_success 'test_skip says in TAP that a test did not run, and why' '
	cat >inner.sh <<-INNER &&
	. "$TESTS/lib.sh"
	test_skip "a real server" "none built here"
	test_done
	INNER
	bash inner.sh >out 2>&1 &&
	printf "ok 1 # SKIP a real server: none built here\n1..1\n" >want &&
	test_cmp want out
'

test_done
