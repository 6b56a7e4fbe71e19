#!/usr/bin/env bash
# demo.sh: the whole study on simulated models, on a machine with no model.
# Each demo profile gets its own llmsim (the simulated model's load time,
# speed, batching and memory), sampled by memsample and measured by gen
# like a real server: load, the standard set, a concurrency sweep, a
# context run and a leak soak (one of the servers leaks).  The models run
# in parallel (they mostly wait), then report writes reports/demo.md.
# DEMO_QUICK=1 shortens everything (for CI).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${TB_BIN:-$top/bin}
models="minimax-m2.1-mlx-4bit minimax-m2.1-mlx-6bit minimax-m2.1-mlx-8bit
minimax-m2.1-q4_k_m minimax-m2.1-q8_0 qwen3-coder-next-q4_k_m
qwen3-coder-next-q6_k qwen3-coder-next-q8_0"
if [ -n "${DEMO_QUICK:-}" ]; then
	load=(--load-time 300ms) tokens=12 reps=1 warmup=0 sweep="2" ctx=ctx-1k soak=10
else
	load=() tokens=32 reps=2 warmup=1 sweep="2 4" ctx=ctx-1k,ctx-4k soak=40
fi
# One simulated server leaks (16 KB per request, 16 MB in the model's
# scaled bytes): the report's leak section must flag it and clear the rest.
leaky=minimax-m2.1-q8_0
out=${DEMO_RESULTS:-$top/results/demo-$(date -u +%Y%m%dT%H%M%SZ)}
report=${DEMO_REPORT:-$top/reports/demo.md}
mkdir -p "$out" "$(dirname "$report")" || exit 1
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_model ID: one simulated model from start to finish.
run_model() {
	local id=$1 url= sim i family quant backend
	# shellcheck disable=SC2046
	read -r family quant backend < <("$bin/llmsim" --profiles "$top/profiles/llmsim.json" \
		--list-profiles | sed -n "s/.*\"id\":\"$id\",\"name\":\"\([^ ]*\) [^\"]*\",\"backend\":\"\([^\"]*\)\",\"quant\":\"\([^\"]*\)\".*/\1 \3 \2/p")
	local since
	since=$("$bin/gen" --print-clock) || return 1 # the load is timed from here
	local leak=()
	[ "$id" = "$leaky" ] && leak=(--leak 16KiB)
	"$bin/llmsim" --profiles "$top/profiles/llmsim.json" -P "$id" --port 0 --timings \
		--mem-scale 1 "${load[@]}" "${leak[@]}" >"$out/$id.url" 2>"$out/$id.llmsim.log" &
	sim=$!
	for i in $(seq 1 100); do
		url=$(head -n 1 "$out/$id.url" 2>/dev/null)
		[ -n "$url" ] && break
		sleep 0.05
	done
	[ -n "$url" ] || { echo "demo: llmsim for $id did not start" >&2; return 1; }
	export MODEL=$family BASE_URL=$url MODEL_ID=$id SERVER_PID=$sim RESULTS=$out
	export LABELS="quant=$quant backend=$backend" MAX_TOKENS=$tokens MEM_INTERVAL=50ms
	# The server started "loading" just now: gen measures the load like
	# llama-server's, by polling /health until it answers 200.
	LOAD=health LOAD_SINCE=$since N=$reps WARMUP=$warmup TAG=std "$here/bench.sh" >/dev/null &&
	CS="$sweep" PER_USER=2 TAG=sweep "$here/sweep.sh" >/dev/null 2>&1 &&
	PROMPTS="$top/prompts/ctx.json" ONLY=$ctx TAG=ctx "$here/bench.sh" >/dev/null &&
	REQUESTS=$soak GEN_ARGS=--shuffle TAG=leak "$here/bench.sh" >/dev/null
	local rc=$?
	kill "$sim" 2>/dev/null
	wait "$sim" 2>/dev/null
	echo "demo: $family $quant ($backend) done" >&2
	return $rc
}

echo "demo: measuring $(echo $models | wc -w) simulated models in parallel into $out" >&2
for id in $models; do
	run_model "$id" &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
pids=()
"$bin/report" -o "$report" --title "tokbench demo: simulated MiniMax-M2.1 and Qwen3-Coder-Next" \
	--baseline quant=Q4_K_M,model=MiniMax-M2.1,backend=gguf "$out" || exit 1
echo "demo: the report is $report (every number in it comes from the simulator)"
exit $rc
