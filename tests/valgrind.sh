#!/usr/bin/env bash
# make valgrind: every tool on a real workload under valgrind's memcheck.
# Fails on any invalid read or write, use of uninitialised memory, or a
# definite or indirect leak.  Not part of make check (it takes minutes).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/tb-valgrind.XXXXXX")
trap 'kill $sim 2>/dev/null; rm -rf "$work"' EXIT
vg() { # vg NAME tool args...: runs under memcheck, log in $work/NAME.vg
	local name=$1
	shift
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
		--log-file="$work/$name.vg" "$@"
}
fail=0
check() { # check NAME RC: the run was clean
	if [ "$2" -eq 99 ] || [ -s "$work/$1.vg" ]; then
		echo "valgrind: $1: errors (exit $2)"
		cat "$work/$1.vg"
		fail=1
	else
		echo "valgrind: $1: clean (exit $2)"
	fi
}

cd "$work" || exit 1
# not through vg: a backgrounded function is a subshell, and the signal
# below must reach valgrind itself
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --log-file="$work/llmsim.vg" \
	"$bin/llmsim" --port 0 --tps 2000 --log sim.log --reasoning 2 --timings >url 2>/dev/null &
sim=$!
for _ in $(seq 1 300); do [ -s url ] && break; sleep 0.1; done
url=$(head -n 1 url)
vg gen "$bin/gen" --no-progress -u "$url" -c 4 -n 2 --max-tokens 40 <"$top/prompts/std.json" >ev 2>/dev/null
check gen $?
vg gen-faults "$bin/gen" --no-progress -u "$url" --timeout-idle 300ms -p "$top/prompts/std.json" >/dev/null 2>&1 ||
	true
check gen-faults 0
vg memsample "$bin/memsample" -p "$sim" --system -i 50ms -d 1s >mem 2>/dev/null
check memsample $?
kill -TERM "$sim"
wait "$sim"
check llmsim $?
vg agg "$bin/agg" --per-request --mem mem ev >run.json 2>/dev/null
check agg $?
vg agg-basic "$bin/agg" --slo ttft=100ms "$top/tests/fixtures/agg/basic.ndjson" >/dev/null 2>&1
check agg-basic $?
vg report "$bin/report" -o rep.md run.json "$top/tests/fixtures/report" "$top/tests/fixtures/report-hostile" 2>/dev/null
check report $?
exit $fail
