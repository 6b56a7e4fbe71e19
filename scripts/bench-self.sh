#!/usr/bin/env bash
# bench-self.sh: the instrument's own speed, overhead and fidelity, measured
# on loopback against llmsim and written to docs/perf.md with charts.
# Each figure is the median of REPS runs (3).  BENCH_QUICK=1: small sizes.
# BENCH_ONLY=fidelity: measure only the timestamp fidelity, print it, and
# leave docs/perf.md alone (for before/after comparisons while profiling).
# The shell starts and stops processes; the analysis is tbperf's (C, on
# lib/stats and lib/fidelity, shared with the tests): every figure is a
# nearest-rank percentile, and any step that fails stops the script with
# docs/perf.md unchanged.  The figures go to perf.json, and docs/perf.md
# is rendered from it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${TB_BIN:-$top/bin}
tbperf=${TBPERF:-$top/build/release/tests/tbperf}
[ -x "$tbperf" ] || { echo "bench-self: no $tbperf (make unit builds it)" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench-self: jq is needed (make deps)" >&2; exit 2; }
REPS=${REPS:-3}
OUT=${OUT:-$top/docs/perf.md}
JSON=${OUT%.md}.json
ASSETS=${OUT%.md}-assets
work=$(mktemp -d "${TMPDIR:-/tmp}/tb-bench.XXXXXX")
if [ -n "${BENCH_QUICK:-}" ]; then
	CS="1 16 64"; FID_CS="1 16"; TOKENS=20000; AGG_SIZES="100000"; REPORT_FILES=20; MS_SECS=3
else
	CS="1 16 64 256 1024"; FID_CS="1 64 256"; TOKENS=400000; AGG_SIZES="1000000 10000000"
	REPORT_FILES=200; MS_SECS=20
fi
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
trap 'echo "bench-self: failed at line $LINENO: $BASH_COMMAND; docs/perf.md unchanged" >&2' ERR
mkdir -p "$ASSETS" || exit 1
log() { echo "bench-self: $*" >&2; }
die() { echo "bench-self: $*" >&2; exit 1; }
# The load on the machine, beside every figure: a busy machine makes the
# figures pessimistic, and the page says so rather than blaming a tool.
# The machine, on Linux from /proc, on macOS from sysctl and ps.
loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || sysctl -n vm.loadavg | awk '{ print $2 }'; }
ncpu=$(getconf _NPROCESSORS_ONLN)
mem_kb=$(awk '/MemTotal/ { print $2 }' /proc/meminfo 2>/dev/null || echo $(( $(sysctl -n hw.memsize) / 1024 )))
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null ||
	sysctl -n machdep.cpu.brand_string 2>/dev/null || echo unknown)
load_start=$(loadavg)

median() { "$tbperf" median; }
# cpu_secs PID: the CPU seconds a running process has used so far
cpu_secs() {
	if [ -r "/proc/$1/stat" ]; then
		awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
	else # [[dd-]hh:]mm:ss.cc
		ps -o time= -p "$1" | awk -F'[-:]' '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
	fi
}
# measure FILE CMD...: runs CMD, its wall, user and system seconds and
# peak resident kB (wait4's, exact) written to FILE
measure() { "$tbperf" run "$@"; }

start_sim() { # start_sim ARGS...: sets SIM and URL
	"$bin/llmsim" --port 0 "$@" >"$work/url" 2>/dev/null &
	SIM=$!
	pids+=($SIM)
	for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.05; done
	URL=$(head -n 1 "$work/url")
	: >"$work/url"
}
stop_sim() { kill "$SIM" 2>/dev/null; wait "$SIM" 2>/dev/null; }

# ---- gen throughput against unpaced llmsim, and curl as the limit ---------
# One request body for curl, the same stream gen reads.
body() { printf '{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":%d,"stream":true,"stream_options":{"include_usage":true}}' "$1"; }

gen_run() { # gen_run C: prints "events wall cpu gen_util sim_util"
	local c=$1 per=$((TOKENS / $1)) s0 s1 tm ev
	[ $per -lt 200 ] && per=200
	s0=$(cpu_secs "$SIM")
	measure "$work/fig" "$bin/gen" --no-progress --no-text -u "$URL" -c "$c" --requests "$c" \
		--max-tokens "$per" <"$top/prompts/std.json" >"$work/ev" 2>/dev/null
	s1=$(cpu_secs "$SIM")
	ev=$(wc -l <"$work/ev")
	set -- $(cat "$work/fig")
	awk -v e="$ev" -v w="$1" -v u="$2" -v s="$3" -v s0="$s0" -v s1="$s1" \
		'BEGIN { printf "%d %.4f %.4f %.3f %.3f\n", e, w, u + s, (u + s) / w, (s1 - s0) / w }'
}

peak_rss() { # peak_rss C: gen's peak resident memory (kB) at concurrency C
	measure "$work/fig" "$bin/gen" --no-progress --no-text -u "$URL" -c "$1" --requests "$1" \
		--max-tokens 2000 <"$top/prompts/std.json" >/dev/null 2>&1
	cut -d' ' -f4 "$work/fig"
}

curl_run() { # curl_run C: the same streams read by one curl process into /dev/null
	local c=$1 per=$((TOKENS / $1)) tm i args=()
	[ $per -lt 200 ] && per=200
	body "$per" >"$work/body"
	for i in $(seq 1 "$c"); do args+=(-o /dev/null "$URL/chat/completions"); done
	# one process, every stream in parallel (curl allows at most 300 at once)
	measure "$work/fig" curl -s -N -Z --parallel-immediate --parallel-max $((c > 300 ? 300 : c)) \
		-H 'Content-Type: application/json' --data-binary @"$work/body" "${args[@]}" 2>/dev/null
	set -- $(cat "$work/fig")
	# events gen would have written: per request one tok per token, role,
	# and req + done; curl parses nothing, so this is the bytes' limit
	awk -v c="$c" -v p="$per" -v w="$1" 'BEGIN { printf "%d %.4f\n", c * (p + 3), w }'
}

if [ "${BENCH_ONLY:-}" = fidelity ]; then
	FID_ONLY=1
fi
[ -n "${FID_ONLY:-}" ] || {
log "gen throughput at c = $CS (unpaced llmsim, $TOKENS tokens per run, $REPS runs each)"
start_sim --tps 0
: >"$work/thr"
for c in $CS; do
	for r in $(seq 1 "$REPS"); do gen_run "$c"; done >"$work/g.$c"
	for r in $(seq 1 "$REPS"); do curl_run "$c"; done >"$work/c.$c"
	ev_s=$(awk '{ print $1 / $2 }' "$work/g.$c" | median)
	cpu100k=$(awk '{ print $3 / $1 * 1e5 }' "$work/g.$c" | median)
	per_cpu=$(awk '{ print $1 / $3 }' "$work/g.$c" | median)
	gu=$(awk '{ print $4 }' "$work/g.$c" | median)
	su=$(awk '{ print $5 }' "$work/g.$c" | median)
	cl=$(awk '{ print $1 / $2 }' "$work/c.$c" | median)
	echo "$c $ev_s $cpu100k $per_cpu $gu $su $cl" >>"$work/thr"
	log "  c=$c: $(printf '%.0f' "$ev_s") events/s, gen CPU $(printf '%.2f' "$gu"), llmsim CPU $(printf '%.2f' "$su")"
done
# Scale: one llmsim, 2,000 streams at once; gen holds them all in flight.
scale_n=${SCALE_N:-2000}
[ -n "${BENCH_QUICK:-}" ] && scale_n=200
log "scale: $scale_n concurrent streams"
"$bin/gen" --no-progress --no-text -u "$URL" -c "$scale_n" --requests "$scale_n" --max-tokens 20 \
	--timeout-first 60s <"$top/prompts/std.json" >"$work/scale" 2>/dev/null
scale_ok=$(jq -s 'map(select(.ev == "done" and .status == "ok")) | length' "$work/scale")
scale_inflight=$(jq -r 'select(.ev == "req" or .ev == "done") | "\(.t) \(if .ev == "req" then 1 else -1 end)"' \
	"$work/scale" | sort -g -k1,1 -k2,2r | awk '{ n += $2; if (n > m) m = n } END { print m + 0 }')
rss1=$(peak_rss 1)
rssN=$(peak_rss "$(echo $CS | awk '{ print $NF }')")
stop_sim
} # the throughput section

# ---- fidelity: gen's timestamps against llmsim's ground-truth log ----------
fidelity() { # fidelity C: arrival, TTFT and ITL errors (ms) as "p50 p99 max" x3, chunks
	local c=$1
	start_sim --tps 50 --log "$work/truth"
	"$bin/gen" --no-progress --no-text -u "$URL" -c "$c" --requests $((c * 2)) --max-tokens 50 \
		<"$top/prompts/std.json" >"$work/fev" 2>/dev/null
	stop_sim # llmsim's log is whole once it has exited
	"$tbperf" fidelity "$work/fev" "$work/truth" | jq -r '[.arrival_ms.p50, .arrival_ms.p99,
		.arrival_ms.max, .ttft_ms.p50, .ttft_ms.p99, .ttft_ms.max, .itl_ms.p50, .itl_ms.p99,
		.itl_ms.max, .chunks] | map(tostring) | join(" ")'
}

log "fidelity at c = $FID_CS (50 tokens/s per stream)"
: >"$work/fid"
for c in $FID_CS; do
	for r in $(seq 1 "$REPS"); do fidelity "$c"; done >"$work/f.$c"
	line=$c
	for col in 1 2 3 4 5 6 7 8 9; do line+=" $(awk -v c=$col '{ print $c }' "$work/f.$c" | median)"; done
	line+=" $(awk '{ print $10 }' "$work/f.$c" | median)"
	echo "$line" >>"$work/fid"
	log "  c=$c: arrival error p50/p99/max (ms) $(echo $line | cut -d' ' -f2-4)"
done

if [ -n "${FID_ONLY:-}" ]; then
	cat "$work/fid"
	exit 0
fi
log "rate mode: scheduled vs actual send"
start_sim --tps 1000
for r in $(seq 1 "$REPS"); do
	"$bin/gen" --no-progress --no-text -u "$URL" --rate 50 --requests 100 --max-tokens 10 \
		<"$top/prompts/std.json" 2>/dev/null |
		jq -r 'select(.ev == "req") | (.t - .t_sched) * 1e3' | "$tbperf" pcts
done >"$work/rate"
stop_sim
rate=$(for col in 1 2 3; do awk -v c=$col '{ print $c }' "$work/rate" | median; done | tr '\n' ' ')

# ---- agg: events/s and peak RSS ---------------------------------------------
# Synthetic gen output: N events over R requests (one tok per token).
synth() { # synth EVENTS REQUESTS > file
	awk -v n="$1" -v r="$2" 'BEGIN {
		printf "{\"ev\":\"run\",\"t\":1000.0,\"format\":\"tokbench-events\",\"version\":1,\"tool\":\"gen\",\"run_id\":\"bench\",\"model\":\"m\",\"config\":{\"concurrency\":64}}\n"
		per = int(n / r) - 2; t = 1000.0
		for (i = 1; i <= r; i++) {
			printf "{\"ev\":\"req\",\"t\":%.6f,\"id\":%d,\"prompt\":\"p%d\",\"rep\":0,\"warmup\":false,\"t_sched\":%.6f,\"max_tokens\":%d}\n", t, i, i % 5, t, per
			for (k = 0; k < per; k++) { t += 0.0001; printf "{\"ev\":\"tok\",\"t\":%.6f,\"id\":%d,\"ch\":\"content\",\"bytes\":4}\n", t, i }
			printf "{\"ev\":\"done\",\"t\":%.6f,\"id\":%d,\"status\":\"ok\",\"http\":200,\"tokens\":{\"content\":%d,\"reasoning\":0,\"tool\":0,\"source\":\"usage\",\"chunk_tokens\":%d}}\n", t, i, per, per
		}
		printf "{\"ev\":\"end\",\"t\":%.6f,\"tool\":\"gen\",\"reason\":\"complete\"}\n", t
	}'
}
agg_run() { # agg_run FILE: "seconds peak_rss_kb"
	measure "$work/fig" "$bin/agg" "$1" >/dev/null
	cut -d' ' -f1,4 "$work/fig"
}
: >"$work/agg"
for n in $AGG_SIZES; do
	for req in 1000 $((n / 1000)); do
		synth "$n" "$req" >"$work/syn"
		log "agg on $n events over $req requests"
		for r in $(seq 1 "$REPS"); do agg_run "$work/syn"; done >"$work/a"
		echo "$n $req $(awk '{ print $1 }' "$work/a" | median) $(awk '{ print $2 }' "$work/a" | median)" >>"$work/agg"
		[ "$req" = 1000 ] && [ $((n / 1000)) = 1000 ] && break
	done
done
rm -f "$work/syn"

# ---- report: many run files -----------------------------------------------------
mkdir -p "$work/runs"
i=0
for f in "$top"/tests/fixtures/report/*.json; do cp "$f" "$work/runs/base-$i.json" 2>/dev/null; i=$((i + 1)); done
rm -f "$work/runs/"*broken*
n=0
while [ $n -lt "$REPORT_FILES" ]; do
	for f in "$top"/tests/fixtures/report/minimax-*.json "$top"/tests/fixtures/report/qwen-q4*.json; do
		[ $n -ge "$REPORT_FILES" ] && break
		sed "s/\"model\": \"\([^\"]*\)\"/\"model\": \"\1-$((n % 20))\"/" "$f" >"$work/runs/r$n.json"
		n=$((n + 1))
	done
done
rm -f "$work/runs/base-"*
rep_time() { measure "$work/fig" "$bin/report" "$@" -o "$work/r.md" "$work/runs" 2>/dev/null; cut -d' ' -f1 "$work/fig"; }
rep_none=$(for r in $(seq 1 "$REPS"); do rep_time --charts none; done | median)
rep_png=$(for r in $(seq 1 "$REPS"); do rep_time; done | median)

# ---- memsample CPU --------------------------------------------------------------
sleep 1000 &
pids+=($!)
ms_cpu() { # ms_cpu INTERVAL: percent of a core over MS_SECS
	measure "$work/fig" "$bin/memsample" -p "${pids[-1]}" --system -i "$1" -d "${MS_SECS}s" >/dev/null
	set -- $(cat "$work/fig")
	awk -v u="$2" -v s="$3" -v d="$MS_SECS" 'BEGIN { printf "%.3f\n", (u + s) / d * 100 }'
}
ms100=$(for r in $(seq 1 "$REPS"); do ms_cpu 100ms; done | median)
ms10=$(for r in $(seq 1 "$REPS"); do ms_cpu 10ms; done | median)

# ---- perf.json: every figure, machine-readable ------------------------------
rows() { jq -R -s 'split("\n") | map(select(length > 0) | split(" ") | map(tonumber))' "$1"; }
load_end=$(loadavg)
jq -n --arg date "$(date -u +%Y-%m-%d)" --argjson reps "$REPS" --arg quick "${BENCH_QUICK:-}" \
	--argjson cpus "$ncpu" --arg cpu "${cpu:-unknown}" --arg os "$(uname -sr)" \
	--argjson mem_kb "$mem_kb" \
	--argjson load0 "$load_start" --argjson load1 "$load_end" --argjson tokens "$TOKENS" \
	--argjson thr "$(rows "$work/thr")" --argjson fid "$(rows "$work/fid")" \
	--argjson agg "$(rows "$work/agg")" --argjson rate "$(echo $rate | jq -R 'split(" ") | map(select(length > 0) | tonumber)')" \
	--argjson rss1 "$rss1" --argjson rssN "$rssN" --argjson cmax "$(echo $CS | awk '{ print $NF }')" \
	--argjson scale_n "$scale_n" --argjson scale_ok "$scale_ok" --argjson inflight "$scale_inflight" \
	--argjson rfiles "$REPORT_FILES" --argjson rnone "$rep_none" --argjson rpng "$rep_png" \
	--argjson mssecs "$MS_SECS" --argjson ms100 "$ms100" --argjson ms10 "$ms10" '
	def pct(a; b; c): {p50: a, p99: b, max: c};
	{date: $date, reps: $reps, quick: ($quick != ""),
	 machine: {cpus: $cpus, cpu: $cpu, mem_gib: ($mem_kb / 1048576), os: $os,
		   load_start: $load0, load_end: $load1,
		   busy: ($load0 > $cpus / 2 or $load1 > $cpus / 2)},
	 gen: {tokens_per_run: $tokens,
	       throughput: [$thr[] | {streams: .[0], events_s: .[1], cpu_s_per_100k: .[2],
				     events_per_cpu_s: .[3], gen_cores: .[4], sim_cores: .[5],
				     curl_events_s: .[6]}],
	       peak_rss_kb: {one: $rss1, many: $rssN, many_streams: $cmax},
	       scale: {opened: $scale_n, ok: $scale_ok, in_flight: $inflight},
	       fidelity: [$fid[] | {streams: .[0], chunks: .[10], arrival_ms: pct(.[1]; .[2]; .[3]),
				   ttft_ms: pct(.[4]; .[5]; .[6]), itl_ms: pct(.[7]; .[8]; .[9])}],
	       rate_lateness_ms: pct($rate[0]; $rate[1]; $rate[2])},
	 agg: [$agg[] | {events: .[0], requests: .[1], seconds: .[2], peak_rss_kb: .[3]}],
	 report: {files: $rfiles, seconds_no_charts: $rnone, seconds_png: $rpng},
	 memsample: {seconds: $mssecs, cpu_pct_100ms: $ms100, cpu_pct_10ms: $ms10}}' >"$work/perf.json"

# ---- charts and docs/perf.md, from perf.json --------------------------------
P=$work/perf.json
q() { jq -r "$1" "$P"; }
q '.gen.throughput[] | "\(.streams),\(.events_s | round),\(.curl_events_s | round)"' >"$ASSETS/throughput.csv"
q '.gen.fidelity[] | "\(.streams),\(.arrival_ms.p50),\(.arrival_ms.p99),\(.arrival_ms.max)"' >"$ASSETS/fidelity.csv"
cat >"$work/thr.gp" <<GP
set terminal pngcairo size 900,500 noenhanced font 'sans,10'
set output '$ASSETS/throughput.png'
set datafile separator ','
set title 'gen against unpaced llmsim: events per second by concurrency'
set xlabel 'concurrent streams'
set ylabel 'events/s (median of runs)'
set logscale x 2
set yrange [0:*]
set grid ytics
set key outside right top
plot '$ASSETS/throughput.csv' using 1:2 with linespoints lw 2 title 'gen', \
     '' using 1:3 with linespoints lw 2 dt 2 title 'curl to /dev/null (the limit)'
GP
cat >"$work/fid.gp" <<GP
set terminal pngcairo size 900,500 noenhanced font 'sans,10'
set output '$ASSETS/fidelity.png'
set datafile separator ','
set title 'gen timestamp error against llmsim ground truth (arrival of each chunk)'
set xlabel 'concurrent streams (50 tokens/s each)'
set ylabel 'error (ms)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set yrange [0:*]
set grid ytics
set key outside right top
plot '$ASSETS/fidelity.csv' using 2:xtic(1) title 'p50', '' using 3 title 'p99', '' using 4 title 'max'
GP
if command -v gnuplot >/dev/null; then gnuplot "$work/thr.gp"; gnuplot "$work/fid.gp"; fi

load_start=$(q .machine.load_start) load_end=$(q .machine.load_end)
busy=$(q 'if .machine.busy then 1 else 0 end')
# met / missed, from the figures themselves
mark() { awk -v v="$1" -v t="$2" -v d="$3" 'BEGIN { ok = d == "ge" ? v >= t : v <= t; print ok ? "met" : "**missed**" }'; }
best_eps=$(q '[.gen.throughput[].events_per_cpu_s] | max')
fid1=$(q '.gen.fidelity[] | select(.streams == 1) | .arrival_ms.p99')
fid256=$(q '.gen.fidelity[] | select(.streams == 256) | .arrival_ms.p99')
agg_eps=$(q '[.agg[] | .events / .seconds] | min')
ms100=$(q .memsample.cpu_pct_100ms) ms10=$(q .memsample.cpu_pct_10ms)
rss1=$(q .gen.peak_rss_kb.one) rssN=$(q .gen.peak_rss_kb.many) cmax=$(q .gen.peak_rss_kb.many_streams)
scale_n=$(q .gen.scale.opened) scale_ok=$(q .gen.scale.ok) scale_inflight=$(q .gen.scale.in_flight)
{
cat <<EOF2
# Performance of the instrument

Generated by \`make bench-self\` on $(q .date), from [perf.json](perf.json) (every figure, machine-readable). tokbench's claim is that its client
is never the bottleneck and its timestamps are right: this page measures both, on loopback
against llmsim, each figure the median of $REPS runs.

Machine: $(q .machine.cpus) CPUs ($(q .machine.cpu)), $(q '.machine.mem_gib | round') GiB,
$(uname -sr), shared and virtualised, so absolute figures vary; compare ratios and the targets.
llmsim runs on the same machine, so gen and the server share the CPUs.
Load average (1 min) at the start and the end: $load_start and $load_end on $ncpu CPUs.
$( [ "$busy" = 1 ] && echo "**The machine was busy during this run: every figure below is pessimistic, and which process was the limit cannot be told.**")

## Targets

Each target is marked from this run's own figures.

| target | figure | |
|---|---:|---|
| gen: ≥ 200,000 events per CPU-second | $(printf '%.0f' "$best_eps") | $(mark "$best_eps" 200000 ge) |
| gen: ≥ 1,000 concurrent streams | $scale_inflight | $( [ -n "${BENCH_QUICK:-}" ] && echo "not measured at full scale (BENCH_QUICK)" || mark "$scale_inflight" 1000 ge) |
| gen: arrival error p99 ≤ 0.2 ms at 1 stream | ${fid1:+$fid1 ms} | $( [ -n "$fid1" ] && mark "$fid1" 0.2 le || echo "not measured") |
| gen: arrival error p99 ≤ 2 ms at 256 streams | ${fid256:+$fid256 ms} | $( [ -n "$fid256" ] && mark "$fid256" 2 le || echo "not measured (BENCH_QUICK)") |
| agg: ≥ 1,000,000 events/s | $(printf '%.0f' "$agg_eps") | $(mark "$agg_eps" 1000000 ge) |
| memsample: < 0.5 % of a core at 100 ms | $(printf '%.2f' "$ms100") % | $(mark "$ms100" 0.5 le) |

## gen: throughput

Unpaced llmsim (\`--tps 0\`), \`gen --no-text\`, $TOKENS tokens per run spread over the streams;
an event is one NDJSON line. The limit is the same SSE streams read by one \`curl\` process
into /dev/null (\`-Z\`, all streams in parallel, at most 300 at once), events counted as gen
would write them: curl parses nothing, so it shows what moving the bytes costs.

| streams | events/s | CPU per 100k events | events per CPU-second | gen CPU (cores) | llmsim CPU (cores) | curl limit (events/s) | gen / limit |
|---:|---:|---:|---:|---:|---:|---:|---:|
EOF2
q '.gen.throughput[] | [.streams, .events_s, .cpu_s_per_100k, .events_per_cpu_s, .gen_cores, .sim_cores, .curl_events_s] | map(tostring) | join(" ")' |
	awk '{ printf "| %d | %.0f | %.3f s | %.0f | %.2f | %.2f | %.0f | %.2f |\n", $1, $2, $3, $4, $5, $6, $7, $2 / $7 }'
cat <<EOF2

![throughput](perf-assets/throughput.png)

Target: ≥ 200,000 events/s on one core (events per CPU-second of gen) and ≥ 1,000 concurrent
streams. With two CPUs shared by gen and llmsim, whichever reaches one core first (the CPU
columns) bounds the run: where llmsim's column is near 1.0 the simulator, not gen, saturates.
$(awk -v busy="$busy" 'BEGIN { s = "" } $5 >= 0.9 && s == "" { s = $1 } END {
	if (s != "") print "gen reaches one full core from " s (s == 1 ? " stream" : " streams") " on: there gen, not llmsim, is the limit."
	else if (busy) print "gen never used a full core, but the machine was busy: which process was the limit cannot be told from this run."
	else print "gen never used a full core: at every level llmsim (sharing the two CPUs) or the kernel was the limit, not gen." }' \
	< <(q '.gen.throughput[] | [.streams, .events_s, .cpu_s_per_100k, .events_per_cpu_s, .gen_cores] | map(tostring) | join(" ")'))
gen's peak resident memory: $(awk -v k="$rss1" 'BEGIN { printf "%.1f", k / 1024 }') MB at 1 stream, $(awk -v k="$rssN" 'BEGIN { printf "%.1f", k / 1024 }') MB at $cmax streams,
so about $(( (rssN - rss1) / (cmax - 1) )) kB per stream in flight (libcurl's buffers and the SSE parser).

Scale: one llmsim served $scale_ok of $scale_n streams opened at once (20 tokens each), and gen
held up to $scale_inflight of them in flight together (target: ≥ 1,000 concurrent streams;
llmsim ≥ 2,000 connections).

## gen: timestamp fidelity

llmsim paced at 50 tokens/s per stream writes its ground-truth log: when each chunk's bytes
were written to the socket. Errors in ms, absolute: *arrival* = gen's time of a chunk −
llmsim's; *TTFT* = gen's TTFT − llmsim's (request accepted to first token written);
*ITL* = gen's gap between two chunks − llmsim's.

| streams | chunks | arrival p50 | p99 | max | TTFT p50 | p99 | max | ITL p50 | p99 | max |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
EOF2
q '.gen.fidelity[] | [.streams, .chunks, .arrival_ms.p50, .arrival_ms.p99, .arrival_ms.max, .ttft_ms.p50, .ttft_ms.p99, .ttft_ms.max, .itl_ms.p50, .itl_ms.p99, .itl_ms.max] | map(tostring) | join(" ")' |
	awk '{ printf "| %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }'
cat <<EOF2

![fidelity](perf-assets/fidelity.png)

Targets: p99 ≤ 0.2 ms at 1 stream and ≤ 2 ms at 256. Arrival errors include the clock
bases of two processes (each reads the wall clock once at start) and the loopback hop;
TTFT errors add the time the request spends in the kernel and in llmsim's HTTP parser.

Rate mode (\`--rate 50\`, 100 requests): actual − scheduled send, ms: p50 / p99 / max =
$(q '.gen.rate_lateness_ms | [.p50, .p99, .max] | map(tostring) | join(" ")' | awk '{ printf "%.3f / %.3f / %.3f", $1, $2, $3 }').
gen waits on libevent's precise timer for the next arrival; \`t_sched\` records when each
request was due, so any lateness is visible, never hidden.

## agg

Synthetic gen output (one \`tok\` per token), read from a file:

| events | requests | seconds | events/s | peak RSS |
|---:|---:|---:|---:|---:|
EOF2
q '.agg[] | [.events, .requests, .seconds, .peak_rss_kb] | map(tostring) | join(" ")' |
	awk '{ printf "| %d | %d | %.2f | %.0f | %.1f MB |\n", $1, $2, $3, $1 / $3, $4 / 1024 }'
cat <<EOF2

Target: ≥ 1,000,000 events/s, memory bounded by requests: the same number of requests with
ten times the events keeps the same peak; more requests cost memory (a few hundred bytes each
for the per-request statistics).

## report

$REPORT_FILES run files: $(printf '%.2f' "$rep_none") s with \`--charts none\`, $(printf '%.2f' "$rep_png") s with PNG charts (gnuplot).

## History: a target missed once, and the fix (2026-11-26)

This section is a record of past measurements, not of this run (whose figures and targets
are above). The first full run missed one target: timestamp error p99 at 256 streams was
2.48 ms (target ≤ 2 ms). Measured with \`BENCH_ONLY=fidelity\` (this script, fidelity only),
256 streams at 50 tokens/s, 2 requests each:

| version | arrival p50 | p99 | max | TTFT p99 | gen CPU per event |
|---|---:|---:|---:|---:|---:|
| \`curl_multi_poll\` + \`curl_multi_perform\`, each chunk stamped when reached | 0.812 | 2.483 | 3.474 | 15.3 | 16.6 µs |
| libcurl's socket interface on libevent (epoll) | 0.697 | 2.953 | 4.142 | 1015.5 | 10.2 µs |
| + every socket of a batch stamped with the loop's wake-up; llmsim's listen backlog 4096 | 0.267 | 1.693 | 3.713 | 15.9 | 10.2 µs |

What the measurements showed: at hundreds of paced streams each wake-up handles a chunk or
two, but \`curl_multi_poll\` polls every socket and \`curl_multi_perform\` walks every
transfer, so gen spent 16.6 µs of CPU per event (1.8 µs unpaced). libcurl's socket interface
driven by libevent handles only the ready sockets. Signed errors then showed gen late, not
llmsim early: streams started together emit their chunks together, and a chunk stamped only
when gen reached its socket in a burst of 256 looked milliseconds late, though it was ready
when the loop woke; stamping a batch with its wake-up time is the best observable arrival
for all of it. The faster client also opened 256 connections faster than llmsim's default
listen backlog (128) accepted them, and the dropped SYNs came back a second later (the
1,015 ms TTFT); llmsim now listens with a backlog of 4,096.

## memsample

Watching one process and the system, CPU share of one core over ${MS_SECS} s:
**$(printf '%.2f' "$ms100") %** at 100 ms, **$(printf '%.2f' "$ms10") %** at 10 ms (target < 0.5 % at 100 ms).
EOF2
} >"$OUT.tmp"
cp "$P" "$JSON.tmp"
mv "$JSON.tmp" "$JSON"
mv "$OUT.tmp" "$OUT"
log "wrote $OUT and $JSON"
