#!/usr/bin/env bash
# soak.sh: a long run at c = C against llmsim, gen streaming into agg, with
# the resident memory of every tool sampled; prints the slope of each
# (least squares over the run after its first tenth, at most a minute).
#   SOAK_SECONDS (1800)  C (64)  TPS per stream (100)  OUT (build/soak)
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
tbperf=${TBPERF:-$here/../build/release/tests/tbperf}
[ -x "$tbperf" ] || { echo "soak: no $tbperf (make unit builds it)" >&2; exit 2; }
secs=${SOAK_SECONDS:-1800}
c=${C:-64}
tps=${TPS:-100}
out=${OUT:-build/soak}
mkdir -p "$out" || exit 1
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT

"$bin/llmsim" --port 0 --tps "$tps" --jitter 0.1 >"$out/url" 2>"$out/llmsim.log" &
sim=$!
pids+=($sim)
for _ in $(seq 1 100); do [ -s "$out/url" ] && break; sleep 0.05; done
"$bin/gen" --no-progress --no-text -u "$(head -n 1 "$out/url")" -c "$c" --max-tokens 256 \
	--duration "${secs}s" <"$here/../prompts/std.json" 2>"$out/gen.log" |
	"$bin/agg" -o "$out/soak-run.json" --force 2>"$out/agg.log" &
sleep 0.5
gen_pid=$(pgrep -n -f "$bin/gen --no-progress --no-text")
agg_pid=$(pgrep -n -f "$bin/agg -o $out/soak-run.json")
for tool in llmsim:$sim gen:$gen_pid agg:$agg_pid; do
	"$bin/memsample" -p "${tool#*:}" -i 1s >"$out/mem-${tool%%:*}.ndjson" &
	pids+=($!)
done
"$bin/memsample" -p "${pids[1]}" -i 1s >"$out/mem-memsample.ndjson" &
pids+=($!)
echo "soak: ${secs}s at c=$c, $tps tok/s per stream; sampling every tool each second" >&2
while kill -0 "$gen_pid" 2>/dev/null || kill -0 "$agg_pid" 2>/dev/null; do sleep 1; done
sleep 1
kill -TERM "${pids[@]}" 2>/dev/null
wait 2>/dev/null
pids=()

# slope of rss (MB) against minutes, after a warm-up of a tenth of the run
# (at most a minute)
skip=$(awk -v s="$secs" 'BEGIN { w = s / 10 / 60; print (w > 1 ? 1 : w) }')
slope() { "$tbperf" slope "$skip" "$1"; } # slope FILE: the row of tbperf (C)
{
	echo "| tool | RSS after warm-up (MB) | RSS at the end (MB) | peak (MB) | slope (MB/min) |"
	echo "|---|---:|---:|---:|---:|"
	for t in llmsim gen agg memsample; do echo "| $t | $(slope "$out/mem-$t.ndjson") |"; done
} | tee "$out/summary.md"
jq -r '"requests ok \(.requests.ok) of \(.requests.measured), output tokens \(.tokens.output), aggregate \(.throughput.aggregate_tps) tok/s"' \
	"$out/soak-run.json" 2>/dev/null | tee -a "$out/summary.md"
