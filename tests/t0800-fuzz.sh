#!/usr/bin/env bash
# A short libFuzzer run of every target on its seed corpus (make fuzz runs
# them longer).  Needs the targets built with clang (make fuzz-build).
. "$(dirname "$0")/lib.sh"

FUZZ=$TESTS/../build/fuzz
SECONDS_EACH=${TB_FUZZ_SECONDS:-5}

# make check on a Mac: Apple's clang links no libFuzzer, and Homebrew's
# libraries are found only through LDFLAGS
test_expect_success 'make check skips fuzzing, saying why, where the compiler cannot build it' '
	make -s -C "$TESTS/.." fuzz-maybe FUZZ_CC=no-such-cc >out 2>&1 &&
	grep -q "^check: no no-such-cc: the fuzz tests are skipped$" out &&
	make -s -C "$TESTS/.." fuzz-maybe FUZZ_CC=gcc >out 2>&1 &&
	grep -q "^check: gcc links no libFuzzer runtime .*: the fuzz tests are skipped$" out &&
	make -s -n -B -C "$TESTS/.." build/fuzz/sse FUZZ_CC=clang LDFLAGS=-L/opt/homebrew/lib >out 2>&1 &&
	grep -q "^clang .*-o build/fuzz/sse .* -L/opt/homebrew/lib " out
'

for t in sse ndjson prompts runjson osparse h1parse; do
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
