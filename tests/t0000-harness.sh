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

test_expect_success 'tbperf (make bench-self): lateness and pcts are nearest-rank percentiles of the values in any order' '
	# t - t_sched of five requests, in ms: 4, 1, 5, 2, 3 (unsorted)
	for d in 4 1 5 2 3; do
		printf "{\"ev\":\"req\",\"t\":%s,\"t_sched\":100}\n" "100.00$d"
	done >late.ev &&
	"$TB_UNIT/tbperf" lateness <late.ev >got &&
	awk "{ exit !(\$1 > 2.99 && \$1 < 3.01 && \$2 > 4.99 && \$2 < 5.01 && \$3 > 4.99 && \$3 < 5.01) }" got &&
	printf "4\n1\n5\n2\n3\n" | "$TB_UNIT/tbperf" pcts >got &&
	test "$(cat got)" = "3 5 5" &&
	printf "4\n1\n5\n" | "$TB_UNIT/tbperf" median >got &&
	test "$(cat got)" = "4"
'

test_expect_success 'bareread (make bench-self): counts each chunk with a choice over kept-alive connections; fails on a dead port' '
	# paced (5 ms a token), so that each answer comes in many reads
	llmsim_start S --tps 200 --log sim.log &&
	"$TB_UNIT/bareread" "$S_URL" 2 5 10 >got &&
	llmsim_stop S &&
	read -r chunks reads cpu <got &&
	# five answers of 10 tokens, each chunk with a choice: the role, the
	# 10 tokens, the finish (not the usage chunk, not [DONE])
	test "$chunks" = 60 && test "$reads" -gt 10 &&
	awk -v c="$cpu" "BEGIN { exit !(c > 0 && c < 10) }" &&
	# five requests on two connections, each kept alive
	test "$(jq -s "map(select(.what == \"done\")) | length" sim.log)" = 5 &&
	test "$(jq -s "map(select(.what == \"req\") | .peer_port) | unique | length" sim.log)" = 2 &&
	test_expect_code 2 "$TB_UNIT/bareread" "$S_URL" 0 1 1 2>err &&
	grep -q "^usage: bareread" err &&
	free_port D &&
	test_expect_code 1 "$TB_UNIT/bareread" "http://127.0.0.1:$D_PORT/v1" 1 1 1 2>err &&
	grep -q "^bareread: connect: Connection refused" err
'

test_expect_success 'bareread: an answer that is not 200 fails it (exit 1), never counted as none' '
	printf "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy" >503.http &&
	raw_answer 503.http &&
	test_expect_code 1 "$TB_UNIT/bareread" "$RAW_URL" 1 1 10 2>err &&
	grep -q "^bareread: an answer whose status is not 200" err &&
	kill "$RAW_PID"
'

test_done
