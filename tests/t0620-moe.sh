#!/usr/bin/env bash
# The MoE study (make moe): memsample's page-cache events and eviction,
# agg's page_cache, and the report's section, against llmsim --moe, whose
# ground-truth log says which experts every request read.
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
ms() { "$TB_BIN/memsample" "$@"; }
num() { jq -r "$1" "$2"; }
# near A B: two shares agree to the 4 decimals agg writes
near() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; exit !(d < 0.00006 && d > -0.00006) }'; }

test_expect_success 'memsample --page-cache-event: a dropped file holds nothing, a read one all' '
	head -c 1048576 /dev/urandom >f &&
	ms --drop-page-cache f &&
	ms --page-cache-event f >ev &&
	test "$(jq -c "[.ev, .tool, .file, .bytes, .resident_bytes, has(\"mapped_bytes\")]" ev)" = \
		"[\"pagecache\",\"memsample\",\"f\",1048576,0,false]" &&
	cat f >/dev/null &&
	ms --page-cache-event f >ev2 &&
	test "$(jq .resident_bytes ev2)" = 1048576
'

test_expect_success 'memsample: usage and runtime errors of the page-cache options' '
	test_expect_code 2 ms --evict-page-cache f 2>err &&
	grep -q "^memsample: --evict-page-cache needs one -p PID$" err &&
	test_expect_code 2 ms --page-cache-event f -p 1 -p 2 2>err &&
	grep -q "at most one -p" err &&
	test_expect_code 1 ms --page-cache-event nosuch 2>err &&
	grep -q "^memsample: nosuch: No such file or directory$" err &&
	: >g && test_expect_code 1 ms --evict-page-cache g -p $$ 2>err &&
	grep -q "^memsample: g: pid $$ does not map it$" err
'

test_expect_success 'llmsim --moe: a request reads its experts, exactly; eviction empties the cache and the mapping' '
	llmsim_start MOE --moe w.moe --log sim.log &&
	test "$(stat -c %s w.moe)" = 4194304 &&
	ms --drop-page-cache w.moe &&
	ms --page-cache-event w.moe -p "$MOE_PID" >before &&
	test "$(jq -c "[.resident_bytes, .mapped_bytes]" before)" = "[0,0]" &&
	curl -sf "$MOE_URL/chat/completions" -d "{\"messages\":[{\"role\":\"user\",\"content\":\"alpha beta gamma\"}],\"max_tokens\":2}" >/dev/null &&
	wait_for 10 log_has sim.log ".what == \"req\"" &&
	n=$(jq -s "map(select(.what == \"req\"))[0].experts | length" sim.log) &&
	test "$n" -ge 1 && test "$n" -le 3 &&
	ms --page-cache-event w.moe -p "$MOE_PID" >after &&
	test "$(jq -c "[.resident_bytes, .mapped_bytes]" after)" = "[$((n * 65536)),$((n * 65536))]" &&
	ms --evict-page-cache w.moe -p "$MOE_PID" &&
	ms --page-cache-event w.moe -p "$MOE_PID" >evicted &&
	test "$(jq -c "[.resident_bytes, .mapped_bytes]" evicted)" = "[0,0]" &&
	llmsim_stop MOE
'

# MADV_PAGEOUT skips a page still in another CPU's batch on its way to the
# LRU lists, and a page left mapped cannot be dropped: one round left one
# page in about half of these cycles on two cores (CI's flake)
test_expect_success 'memsample --evict-page-cache: nothing left after each of 30 requests' '
	llmsim_start MOE2 --moe w2.moe &&
	for i in $(seq 1 30); do
		ms --drop-page-cache w2.moe &&
		curl -sf "$MOE2_URL/chat/completions" -d "{\"messages\":[{\"role\":\"user\",\"content\":\"cycle $i\"}],\"max_tokens\":1}" >/dev/null &&
		ms --evict-page-cache w2.moe -p "$MOE2_PID" || return 1
	done &&
	llmsim_stop MOE2
'

test_expect_success 'agg: page_cache from the earliest and the latest pagecache events' '
	cat >pc.ndjson <<-EOF &&
	{"ev":"pagecache","t":20,"tool":"memsample","file":"m","bytes":1000,"resident_bytes":750,"pid":7,"mapped_bytes":500}
	{"ev":"pagecache","t":10,"tool":"memsample","file":"m","bytes":1000,"resident_bytes":250}
	EOF
	llmsim_start PCA &&
	"$TB_BIN/gen" -u "$PCA_URL" -m x -p "$TESTS/../prompts/moe.json" --only code-1 --no-progress >run.ndjson &&
	"$TB_BIN/agg" -o run.json run.ndjson pc.ndjson &&
	test "$(jq -c .page_cache run.json)" = \
		"{\"file\":\"m\",\"bytes\":1000,\"start\":0.25,\"end\":0.75,\"mapped_start\":null,\"mapped_end\":0.5}" &&
	"$TB_BIN/agg" -o none.json run.ndjson &&
	test "$(jq .page_cache none.json)" = null &&
	llmsim_stop PCA
'

# truth RUN SEEN: the experts llmsim's log says RUN's requests read, added
# to the JSON array SEEN, as a sorted JSON array
truth() {
	jq -c -s --arg r "$(jq -r .run.run_id "$1")-" --argjson seen "$2" \
		'[.[] | select(.what == "req" and (.rid | startswith($r))) | .experts[]] + $seen | unique' sim.log
}

test_expect_success 'make moe on llmsim: every domain'"'"'s share is the experts read so far, the warm pass adds none' '
	free_port SIM &&
	"$TB_BIN/llmsim" --moe w.moe --list-profiles >/dev/null &&
	MODEL=sim MODEL_FILE=$PWD/w.moe BASE_URL=http://127.0.0.1:$SIM_PORT/v1 RESULTS=$PWD/res \
		START="$TB_BIN/llmsim --port $SIM_PORT --moe $PWD/w.moe --log $PWD/sim.log" \
		"$SCRIPTS/moe.sh" >made 2>err &&
	test "$(wc -l <made)" -eq 8 &&
	seen="[]" prev=0 &&
	for p in 1 2; do
		for d in code prose math multilingual; do
			f=$(ls res/sim-moe-*-p$p-$d.json) &&
			test "$(jq -c "[.run.kind.name, .run.kind.pass, .run.kind.domain]" "$f")" = "[\"moe\",$p,\"$d\"]" &&
			seen=$(truth "$f" "$seen") &&
			want=$(jq -n --argjson s "$seen" "\$s | length / 64") &&
			near "$(num .page_cache.start "$f")" "$prev" &&
			near "$(num .page_cache.mapped_start "$f")" "$prev" &&
			near "$(num .page_cache.end "$f")" "$want" &&
			near "$(num .page_cache.mapped_end "$f")" "$want" &&
			echo "$p $d $want" >>truth.txt &&
			prev=$want || exit 1
		done
	done &&
	# the cold pass grew it, domain by domain; the warm one did not
	test "$(awk "\$1 == 1 && \$3 > 0" truth.txt | wc -l)" -eq 4 &&
	test "$(awk "\$1 == 2 { print \$3 }" truth.txt | sort -u | wc -l)" -eq 1 &&
	test "$(awk "\$1 == 2 { print \$3 }" truth.txt | sort -u)" = "$(awk "\$1 == 1 { v = \$3 } END { print v }" truth.txt)" &&
	"$TB_BIN/report" --charts none -o rep.md res/*.json &&
	sed -n "/^## MoE: weights touched by domain/,/^## Runs/p" rep.md >moe.md &&
	grep -q "^After the first pass the server'"'"'s mappings held .*: nothing new was touched\.$" moe.md &&
	while read -r p d w; do
		pct=$(awk -v w="$w" "BEGIN { printf \"%.1f %%\", w * 100 }") &&
		label=$p && { [ "$p" != 1 ] || label="1 (cold)"; } &&
		grep -q "^| $label | $d | $pct | [+-][0-9.]* | $pct | [+-][0-9.]* | [0-9.]* (n 3) |$" moe.md ||
			{ echo "no row: $p $d $pct" >&2; cat moe.md >&2; exit 1; }
	done <truth.txt &&
	# the server moe.sh started is gone
	! curl -sf "http://127.0.0.1:$SIM_PORT/health" >/dev/null
'

test_expect_success 'make moe with LOAD_CMD into a running server: SERVER_PID names it, EVICT=1 pages it out' '
	llmsim_start LC --moe w.moe --log sim.log &&
	curl -sf "$LC_URL/chat/completions" -d "{\"messages\":[{\"role\":\"user\",\"content\":\"warm words\"}],\"max_tokens\":2}" >/dev/null &&
	MODEL=sim MODEL_FILE=$PWD/w.moe BASE_URL=$LC_URL RESULTS=$PWD/res LOAD_CMD=true UNLOAD="touch unloaded" \
		SERVER_PID=$LC_PID EVICT=1 PASSES=1 DOMAINS=math "$SCRIPTS/moe.sh" >made &&
	test "$(wc -l <made)" -eq 1 &&
	f=$(cat made) &&
	test "$(jq -c "[.run.kind.pass, .run.kind.domain, .page_cache.start, .page_cache.mapped_start]" "$f")" = "[1,\"math\",0,0]" &&
	seen=$(truth "$f" "[]") &&
	near "$(num .page_cache.mapped_end "$f")" "$(jq -n --argjson s "$seen" "\$s | length / 64")" &&
	test -f unloaded &&
	llmsim_stop LC
'

test_expect_success 'make moe: usage errors exit 2 and say what is missing' '
	test_expect_code 2 env -u START -u LOAD_CMD MODEL=m MODEL_FILE=/dev/null "$SCRIPTS/moe.sh" 2>err &&
	grep -q "^moe: say how to load: START=<server command> or LOAD_CMD=<command>$" err &&
	test_expect_code 2 env MODEL=m MODEL_FILE=/nonexistent START=true "$SCRIPTS/moe.sh" 2>err &&
	grep -q "^moe: MODEL_FILE=/nonexistent: cannot read it$" err &&
	test_expect_code 2 env MODEL=m MODEL_FILE=/dev/null START=true PASSES=0 "$SCRIPTS/moe.sh" 2>err &&
	grep -q "^moe: PASSES=0: want 1 to 9$" err
'

test_done
