#!/usr/bin/env bash
# A short libFuzzer run of every target on its seed corpus (make fuzz runs
# them longer).  Needs the targets built with clang (make fuzz-build).
. "$(dirname "$0")/lib.sh"

FUZZ=$TESTS/../build/fuzz
SECONDS_EACH=${TB_FUZZ_SECONDS:-5}

for t in sse ndjson prompts runjson osparse; do
	if [ ! -x "$FUZZ/$t" ]; then
		test_count=$((test_count + 1))
		echo "ok $test_count - fuzz $t # SKIP not built (clang with libFuzzer needed)"
		continue
	fi
	test_expect_success "fuzz $t: ${SECONDS_EACH}s on the seed corpus, no finding" '
		mkdir work crash && cp "$TESTS/fuzz/corpus/'$t'/"* work/ &&
		"$FUZZ/'$t'" -max_total_time='$SECONDS_EACH' -max_len=65536 -timeout=10 \
			-artifact_prefix=crash/ work >log 2>&1 || { tail -n 40 log; exit 1; } &&
		grep -q "^Done [0-9]* runs" log && test -z "$(ls crash)"
	'
done

test_done
