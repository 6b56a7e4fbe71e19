#!/usr/bin/env bash
# bench-self.sh: the instrument's own speed, overhead and fidelity, measured
# on loopback against llmsim and written to docs/perf.md with charts.
# Each figure is the median of REPS runs (3).  BENCH_QUICK=1: small sizes.
# BENCH_ONLY=fidelity: measure only the timestamp fidelity, print it, and
# leave docs/perf.md alone (for before/after comparisons while profiling).
# BENCH_ONLY=power: measure only memsample --power's cost at 10 Hz and put
# it into the existing perf.json and page, the other figures as they were.
# FID_CS and PEER_CS: the stream counts of those two parts (BENCH_ONLY).
# BENCH_ONLY=peer: measure only gen's CPU per chunk against the Python
# client's (scripts/peer-client.py), print it, and leave the page alone.
# BENCH_ONLY=teacher: measure only the teacher-forced pass on a real
# llama-server and put it into the existing perf.json and page (its own
# date beside it), the other figures as they were.
# The shell starts and stops processes; the analysis is tbperf's (C, on
# lib/stats and lib/fidelity, shared with the tests): every figure is a
# nearest-rank percentile, and any step that fails stops the script with
# docs/perf.md unchanged.  perfpage writes the figures to perf.json and
# renders docs/perf.md's generated part from it (the prose around it,
# the history of the figures, is written by hand).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${TB_BIN:-$top/bin}
tbperf=${TBPERF:-$top/build/release/tests/tbperf}
perfpage=${PERFPAGE:-$top/build/release/tests/perfpage}
bareread=${BAREREAD:-$top/build/release/tests/bareread}
for h in "$tbperf" "$perfpage" "$bareread"; do
	[ -x "$h" ] || { echo "bench-self: no $h (make unit builds it)" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "bench-self: jq is needed (make deps)" >&2; exit 2; }
REPS=${REPS:-3}
OUT=${OUT:-$top/docs/perf.md}
JSON=${OUT%.md}.json
ASSETS=${OUT%.md}-assets
work=$(mktemp -d "${TMPDIR:-/tmp}/tb-bench.XXXXXX")
if [ -n "${BENCH_QUICK:-}" ]; then
	CS="1 16 64"; FID_CS=${FID_CS:-"1 16"}; PEER_CS=${PEER_CS:-"1 16"}; TOKENS=20000; AGG_SIZES="100000"; REPORT_FILES=20; MS_SECS=3
else
	CS="1 16 64 256 1024"; FID_CS=${FID_CS:-"1 64 256 1000"}; PEER_CS=${PEER_CS:-"1 64 256"}; TOKENS=400000; AGG_SIZES="1000000 10000000"
	REPORT_FILES=200; MS_SECS=20
fi
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
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
	# one process, every stream in parallel (curl allows at most 300 at
	# once); its output buffered: -N (no buffering) made a write(2) per
	# read, a third of curl's CPU on a machine where a syscall is dear,
	# which is no part of moving the bytes
	measure "$work/fig" curl -s -Z --parallel-immediate --parallel-max $((c > 300 ? 300 : c)) \
		-H 'Content-Type: application/json' --data-binary @"$work/body" "${args[@]}" 2>/dev/null
	set -- $(cat "$work/fig")
	# events gen would have written: per request one tok per token, role,
	# and req + done; curl parses nothing, so this is the bytes' limit
	awk -v c="$c" -v p="$per" -v w="$1" -v u="$2" -v s="$3" \
		'BEGIN { printf "%d %.4f %.4f\n", c * (p + 3), w, u + s }'
}

# ---- gen against a Python client of vLLM's benchmark's shape -------------
# scripts/peer-client.py (asyncio + aiohttp) and gen read the same paced
# streams (llmsim at 500 tokens/s per stream, 100-token answers); CPU per
# 1000 chunks received with choices (gen: its tok events, the role's
# included; the peer: the same chunks).  gen's CPU twice: its whole
# process (wait4), start and server detection included, and its requests
# only (the end event's client_cpu_s: getrusage around its loop), as the
# peer's is process_time() over its requests only, its interpreter's start
# left out.  The targets are judged like for like, on the second.
PY=${PEER_PYTHON:-/usr/bin/python3}
peer_ok() { [ -x "$PY" ] && "$PY" -c 'import aiohttp' 2>/dev/null; }
peer_row() { # peer_row C: "gen py lean curl" CPU seconds per 1000 chunks, the
	# peer's chunks per read (a client that falls behind reads several
	# at once, stamps them alike, and so spends less per chunk), gen's
	# over its requests only, and the bare reader's (tests/helpers/bareread.c)
	local c=$1 n g p l k e i r b args=()
	n=$((c * 3 > 30 ? c * 3 : 30))
	measure "$work/fig" "$bin/gen" --no-progress --no-text -u "$URL" -c "$c" --requests "$n" \
		--max-tokens 100 <"$top/prompts/std.json" >"$work/pev" 2>/dev/null
	e=$(grep -c '"ev":"tok"' "$work/pev")
	g=$(awk -v e="$e" '{ printf "%.6f", ($2 + $3) / e * 1000 }' "$work/fig")
	r=$(jq -r -s --argjson e "$e" 'map(select(.ev == "end"))[0].client_cpu_s / $e * 1000' "$work/pev")
	p=$("$PY" "$here/peer-client.py" "$URL" "$c" "$n" 100 | awk '{ printf "%.6f %.3f", $3 / $1 * 1000, $1 / $5 }')
	l=$("$PY" "$here/peer-client.py" --lean "$URL" "$c" "$n" 100 | awk '{ printf "%.6f", $3 / $1 * 1000 }')
	# the floor: curl moving the same streams' bytes, parsing nothing
	body 100 >"$work/body"
	for i in $(seq 1 "$n"); do args+=(-o /dev/null "$URL/chat/completions"); done
	measure "$work/fig" curl -s -Z --parallel-immediate --parallel-max "$c" \
		-H 'Content-Type: application/json' --data-binary @"$work/body" "${args[@]}" 2>/dev/null
	k=$(awk -v e="$e" '{ printf "%.6f", ($2 + $3) / e * 1000 }' "$work/fig")
	# the floor of reading each chunk as it arrives: a bare loop (one
	# wait and one read per ready socket, nothing parsed or written)
	"$bareread" "$URL" "$c" "$n" 100 >"$work/bare" || die "bareread failed at $c streams"
	b=$(awk '{ printf "%.6f", $3 / $1 * 1000 }' "$work/bare")
	set -- $p
	echo "$g $1 $l $k $2 $r $b"
}
peer() { # rows in $work/peer, perfpage's peer() order (medians of REPS, each ratio its runs')
	: >"$work/peer"
	if ! peer_ok; then
		echo "not measured: $PY with aiohttp not found (Debian: apt install python3-aiohttp)" >"$work/peer.why"
		log "peer client: $(cat "$work/peer.why")"
		return 0
	fi
	start_sim --tps 500
	for c in $PEER_CS; do
		for r in $(seq 1 "$REPS"); do peer_row "$c"; done >"$work/p.$c"
		echo "$c $(awk '{ print $1 }' "$work/p.$c" | median) $(awk '{ print $2 }' "$work/p.$c" | median)" \
			"$(awk '{ print $3 }' "$work/p.$c" | median) $(awk '{ print $1 / $2 }' "$work/p.$c" | median)" \
			"$(awk '{ print $1 / $3 }' "$work/p.$c" | median) $(awk '{ print $4 }' "$work/p.$c" | median)" \
			"$(awk '{ print $4 / $2 }' "$work/p.$c" | median) $(awk '{ print $5 }' "$work/p.$c" | median)" \
			"$(awk '{ print $6 }' "$work/p.$c" | median) $(awk '{ print $6 / $2 }' "$work/p.$c" | median)" \
			"$(awk '{ print $7 }' "$work/p.$c" | median) $(awk '{ print $7 / $2 }' "$work/p.$c" | median)" >>"$work/peer"
		log "  c=$c: gen / python CPU per chunk $(tail -n 1 "$work/peer" | cut -d' ' -f5), its requests only $(tail -n 1 "$work/peer" | cut -d' ' -f11), a bare reader's $(tail -n 1 "$work/peer" | cut -d' ' -f13)"
	done
	stop_sim
}

# ---- teacher forcing on a real llama-server ------------------------------------
# gen --teacher-force over the 128 tokens one prompt generated, against one
# generation of those 128 tokens on the same server (target: at most 3
# times), on scripts/llama-models.sh's Q8_0 llamas when llama.cpp's build
# is there (scripts/llama-build.sh; big-llama when made with --big); else
# said, not measured.  Per run:
# the source (a generation with --logprobs 20, not timed), a plain
# generation (timed: its request's send to its end), then the pass at each
# of TF_BATCHES positions to a request (timed the same way; its context's
# prefill included, as the generation's is).  Each row: the medians over
# the runs, and the least and greatest of the runs' ratios (the spread a
# busy machine leaves).  The server runs TF_THREADS threads (1): on a
# machine shared with other jobs, llama.cpp's threads wait for each other at
# every step, and one descheduled thread stalls the rest for a time slice
# (seconds of noise in a run of one); the generation and the pass run alike.
TF_BATCHES=${TF_BATCHES:-16 64 128}
TF_THREADS=${TF_THREADS:-1}
tf_llama=${LLAMA_SERVER:-$("$here/llama-build.sh" --where 2>/dev/null || true)/llama-server}
tf_models=$(LLAMA_BIN=$(dirname "$tf_llama") "$here/llama-models.sh" --where --big 2>/dev/null |
	grep -E '/(tiny|big)-llama-Q8_0\.gguf$' || true)
tf_one() { # tf_one URL: "gen_s tokens" then "pass_s positions" per batch
	local g=("$bin/gen" -u "$1" -m bench-tf -p "$top/prompts/std.json" --no-progress) b line
	"${g[@]}" --only short --max-tokens 128 --ignore-eos --temperature 0 --logprobs 20 \
		>"$work/tsrc" 2>/dev/null
	"${g[@]}" --only short --max-tokens 128 --ignore-eos --temperature 0 >"$work/tgen" 2>/dev/null
	line=$("$tbperf" span "$work/tgen")
	for b in $TF_BATCHES; do
		"${g[@]}" --teacher-force "$work/tsrc" --logprobs 20 --tf-batch "$b" >"$work/tpass" 2>/dev/null
		line="$line $("$tbperf" span "$work/tpass")"
	done
	echo "$line"
}
teacher() { # rows "k positions gen_s pass_s ratio batch lo hi" in tf, names in tf.names
	local m r lurl lpid b col
	: >"$work/tf"
	: >"$work/tf.names"
	if [ ! -x "$tf_llama" ] || [ -z "$tf_models" ]; then
		echo "tf_why no llama.cpp build and Q8_0 test models (scripts/llama-build.sh, scripts/llama-models.sh)" >"$work/tf.facts"
		log "teacher forcing: not measured (no llama.cpp build or test models)"
		return 0
	fi
	echo "tf_date $(date -u +%Y-%m-%d)" >"$work/tf.facts"
	echo "tf_reps $REPS" >>"$work/tf.facts"
	echo "tf_load $(loadavg)" >>"$work/tf.facts"
	echo "tf_threads $TF_THREADS" >>"$work/tf.facts"
	echo "tf_server $("$tf_llama" --version 2>&1 | sed -n 's/^version: //p' | head -n 1)" >>"$work/tf.facts"
	for m in $tf_models; do
		log "teacher forcing on $(basename "$m") ($REPS runs, $TF_BATCHES positions a request)"
		"$tf_llama" -m "$m" --host 127.0.0.1 --port 0 -c 4096 -np 1 -t "$TF_THREADS" >"$work/llama.log" 2>&1 &
		lpid=$!
		pids+=($lpid)
		for _ in $(seq 1 1200); do grep -q "listening on http" "$work/llama.log" && break; sleep 0.1; done
		lurl=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\).*|\1/v1|p' "$work/llama.log")
		[ -n "$lurl" ] || die "llama-server did not start on $m"
		for r in $(seq 1 "$REPS"); do tf_one "$lurl"; done >"$work/t1"
		sed "s/^/bench-self:     run: /" "$work/t1" >&2
		kill "$lpid" && wait "$lpid" 2>/dev/null || true
		unset 'pids[-1]' # stopped: the exit trap has nothing to kill
		col=3
		for b in $TF_BATCHES; do
			awk -v c=$col '$2 != 128 || $(c + 1) != 128 { exit 1 }' "$work/t1" ||
				die "teacher forcing: not 128 tokens and positions"
			echo "20 128 $(awk '{ print $1 }' "$work/t1" | median) $(awk -v c=$col '{ print $c }' "$work/t1" | median)" \
				"$(awk -v c=$col '{ print $c / $1 }' "$work/t1" | median) $b" \
				"$(awk -v c=$col '{ print $c / $1 }' "$work/t1" | sort -g | sed -n '1p;$p' | tr '\n' ' ')" >>"$work/tf"
			basename "$m" .gguf >>"$work/tf.names"
			log "  $(tail -n 1 "$work/tf")"
			col=$((col + 2))
		done
	done
}
# ---- memsample --power CPU at 10 Hz (issue #29: under 0.5 % of a core) ----------
# memsample --power alone, every source this OS offers: on Linux this
# machine's sysfs when it has a powercap or hwmon source, else the fixture
# tree (tests/fixtures/power/sys: RAPL with its wrap, hwmon, throttle counts,
# thermal zones), read the same way; on macOS IOReport and notify.
pw_cost() { # pw_cost: writes power.facts
	local root=/sys src="this machine's sysfs" r
	if [ "$(uname -s)" = Darwin ]; then
		src="IOReport and the thermal pressure level"
	elif [ ! -d /sys/class/powercap ] && [ ! -d /sys/class/hwmon ]; then
		root=$top/tests/fixtures/power/sys
		src="the fixture sysfs tree (no power sensor on this machine)"
	fi
	log "memsample --power at 10 Hz on $src ($REPS runs of ${MS_SECS} s)"
	for r in $(seq 1 "$REPS"); do
		measure "$work/fig" "$bin/memsample" --power --sys-root "$root" -i 100ms \
			-d "${MS_SECS}s" >/dev/null 2>&1
		set -- $(cat "$work/fig")
		awk -v u="$2" -v s="$3" -v d="$MS_SECS" 'BEGIN { printf "%.3f\n", (u + s) / d * 100 }'
	done >"$work/pw"
	{
		echo "mspow $(median <"$work/pw")"
		echo "mspow_secs $MS_SECS"
		echo "mspow_src $src"
	} >"$work/power.facts"
}
# merge_only PART: only PART (a function) measured, merged into the
# existing perf.json and page, the other figures as they were
merge_only() {
	[ -f "$JSON" ] || die "BENCH_ONLY=$BENCH_ONLY: no $JSON to add to (run make bench-self first)"
	"$1"
	"$perfpage" merge "$JSON" "$work" | jq . >"$work/perf.json" # as committed: two spaces
	"$perfpage" render "$work/perf.json" "$OUT" "$ASSETS" "$work"
	cp "$work/perf.json" "$JSON.tmp"
	mv "$JSON.tmp" "$JSON"
}
if [ "${BENCH_ONLY:-}" = power ]; then
	merge_only pw_cost
	log "wrote memsample --power's cost into $OUT and $JSON: $(sed -n 's/^mspow //p' "$work/power.facts") % of a core"
	exit 0
fi
if [ "${BENCH_ONLY:-}" = teacher ]; then
	merge_only teacher
	log "wrote the teacher-forcing figures into $OUT and $JSON"
	exit 0
fi

if [ "${BENCH_ONLY:-}" = peer ]; then # gen against the Python client only, printed
	peer
	cat "$work/peer"
	[ ! -f "$work/peer.why" ] || cat "$work/peer.why"
	exit 0
fi
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
	clc=$(awk '{ print $1 / $3 }' "$work/c.$c" | median)
	echo "$c $ev_s $cpu100k $per_cpu $gu $su $cl $clc" >>"$work/thr"
	log "  c=$c: $(printf '%.0f' "$ev_s") events/s, gen CPU $(printf '%.2f' "$gu"), llmsim CPU $(printf '%.2f' "$su")"
done
rss1=$(peak_rss 1)
rssN=$(peak_rss "$(echo $CS | awk '{ print $NF }')")
stop_sim
# Scale: one llmsim, 2,000 streams at once; gen holds them all in flight.
# Paced (20 tokens at 10 per second: 2 s a stream), so that the streams
# are in flight at the server together: unpaced, each is answered whole in
# a millisecond, and only a client that leaves the answers unread while it
# starts the rest would count them all in flight.
scale_n=${SCALE_N:-2000}
[ -n "${BENCH_QUICK:-}" ] && scale_n=200
log "scale: $scale_n concurrent streams (10 tokens/s, 20 tokens each)"
start_sim --tps 10
"$bin/gen" --no-progress --no-text -u "$URL" -c "$scale_n" --requests "$scale_n" --max-tokens 20 \
	--timeout-first 60s <"$top/prompts/std.json" >"$work/scale" 2>/dev/null
read -r scale_ok scale_inflight < <("$tbperf" scale "$work/scale")
stop_sim
} # the throughput section

# ---- fidelity: gen's timestamps against llmsim's ground-truth log ----------
fidelity() { # fidelity C: arrival, TTFT and ITL errors (ms) as "p50 p99 max" x3, chunks
	local c=$1
	start_sim --tps 50 --log "$work/truth"
	"$bin/gen" --no-progress --no-text -u "$URL" -c "$c" --requests $((c * 2)) --max-tokens 50 \
		<"$top/prompts/std.json" >"$work/fev" 2>/dev/null
	stop_sim # llmsim's log is whole once it has exited
	"$tbperf" fidelity "$work/fev" "$work/truth" |
		jq -r '[(.arrival_ms, .ttft_ms, .itl_ms | .p50, .p99, .max), .chunks] | map(tostring) | join(" ")'
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
log "gen against a Python client at c = $PEER_CS (500 tokens/s per stream)"
peer
log "rate mode: scheduled vs actual send"
start_sim --tps 1000
for r in $(seq 1 "$REPS"); do
	"$bin/gen" --no-progress --no-text -u "$URL" --rate 50 --requests 100 --max-tokens 10 \
		<"$top/prompts/std.json" 2>/dev/null | "$tbperf" lateness
done >"$work/rate"
stop_sim
rate=$(for col in 1 2 3; do awk -v c=$col '{ print $c }' "$work/rate" | median; done | tr '\n' ' ')

# ---- agg: events/s and peak RSS ---------------------------------------------
agg_run() { # agg_run FILE: "seconds peak_rss_kb"
	measure "$work/fig" "$bin/agg" "$1" >/dev/null
	cut -d' ' -f1,4 "$work/fig"
}
: >"$work/agg"
for n in $AGG_SIZES; do
	for req in 1000 $((n / 1000)); do
		"$tbperf" synth "$n" "$req" >"$work/syn"
		log "agg on $n events over $req requests"
		for r in $(seq 1 "$REPS"); do agg_run "$work/syn"; done >"$work/a"
		echo "$n $req $(awk '{ print $1 }' "$work/a" | median) $(awk '{ print $2 }' "$work/a" | median)" >>"$work/agg"
		[ "$req" = 1000 ] && [ $((n / 1000)) = 1000 ] && break
	done
done
rm -f "$work/syn"

# ---- report: many run files -----------------------------------------------------
# REPORT_FILES run files: two fixtures' runs copied under 20 model names
mkdir -p "$work/runs"
n=0
while [ $n -lt "$REPORT_FILES" ]; do
	for f in "$top"/tests/fixtures/report/minimax-*.json "$top"/tests/fixtures/report/qwen-q4*.json; do
		[ $n -ge "$REPORT_FILES" ] && break
		sed "s/\"model\": \"\([^\"]*\)\"/\"model\": \"\1-$((n % 20))\"/" "$f" >"$work/runs/r$n.json"
		n=$((n + 1))
	done
done
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
pw_cost

teacher

# ---- perf.json, the charts and docs/perf.md -----------------------------------
load_end=$(loadavg)
cat >"$work/facts" <<EOF
date $(date -u +%Y-%m-%d)
reps $REPS
quick $([ -n "${BENCH_QUICK:-}" ] && echo 1 || echo 0)
cpus $ncpu
cpu ${cpu:-unknown}
os $(uname -sr)
mem_kb $mem_kb
load_start $load_start
load_end $load_end
tokens $TOKENS
rss1 $rss1
rssN $rssN
cmax ${CS##* }
scale_n $scale_n
scale_ok $scale_ok
inflight $scale_inflight
rfiles $REPORT_FILES
rnone $rep_none
rpng $rep_png
mssecs $MS_SECS
ms100 $ms100
ms10 $ms10
$(cat "$work/power.facts")
EOF
echo "$rate" >"$work/rate"
"$perfpage" json "$work" >"$work/perf.json"
"$perfpage" render "$work/perf.json" "$OUT" "$ASSETS" "$work"
if command -v gnuplot >/dev/null; then gnuplot "$work/thr.gp"; gnuplot "$work/fid.gp"; fi
cp "$work/perf.json" "$JSON.tmp"
mv "$JSON.tmp" "$JSON"
log "wrote $OUT and $JSON"
