#!/usr/bin/env bash
# demo.sh: the whole study on simulated models, on a machine with no model.
# Each demo profile gets its own llmsim (the simulated model's load time,
# speed, batching and memory), sampled by memsample and measured by gen
# like a real server: load, the standard set, a concurrency sweep, a
# context ladder (the Qwen servers' stops at their loaded context),
# llama-bench's tests at two depths (make community) and a leak soak (one
# of the servers leaks), the graded set (each profile's
# graded_error answers a known share wrongly); two of them also load three
# times, cold then warm.  The models run
# in parallel (they mostly wait), then report writes reports/demo.md.
# DEMO_QUICK=1 shortens everything (for CI).  The terminal gets the
# progress, one line a model; everything a model's tools say goes to its
# log in the results ($out/ID.log), whose last lines are shown when it fails.
set -u
exec 3>&2 # the terminal's stderr, for progress while a model's goes to its log
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${TB_BIN:-$top/bin}
models="minimax-m2.1-mlx-4bit minimax-m2.1-mlx-6bit minimax-m2.1-mlx-8bit
minimax-m2.1-q4_k_m minimax-m2.1-q8_0 qwen3-coder-next-q4_k_m
qwen3-coder-next-q6_k qwen3-coder-next-q8_0"
if [ -n "${DEMO_QUICK:-}" ]; then
	load=(--load-time 300ms) tokens=12 reps=1 warmup=0 sweep="2" soak=10
	hot_n=18 hot_after=4.5s
	depths="1000 2000" qwen_ctx=1500 classes="4 12 48" capusers=2
	tests="pp64 tg8" bdepths="0 1000" breps=2
else
	load=() tokens=32 reps=2 warmup=1 sweep="2 4" soak=40
	hot_n=30 hot_after=8s
	depths="1000 2000 4000 8000" qwen_ctx=6000 classes="8 32 128" capusers=8
	tests="pp512 tg128" bdepths="0 2048" breps=3
fi
# llama-bench's tests (make community) at depths every server holds (the
# Qwen servers' loaded context too), scaled down from the study's pp512
# and tg128 at 0 to 32k so that the demo stays short.
# The context ladder climbs depths until one fails: the Qwen3-Coder-Next
# servers are loaded with a small context (qwen_ctx tokens, scaled down
# with the depths so that the demo stays short) and must stop there,
# saying why; MiniMax-M2.1's (131,072) holds every depth.
# One simulated server leaks (16 KB per request, 16 MB in the model's
# scaled bytes): the report's leak section must flag it and clear the rest.
leaky=minimax-m2.1-q8_0
# Every server draws power and heats up by llmsim's model (--power-dir:
# a simulated RAPL zone and sensor that memsample --power reads), and one
# machine throttles: a run of hot_n requests at one user on a server that
# slows to hot_factor of its decode speed hot_after seconds after its
# first request, about half-way through the run (a request takes about
# 0.53 s: 31 tokens at 62.8 tokens/s after a TTFT of 36 ms), so agg's sustained
# speed sees the whole slowdown between the run's first and last thirds
# and the report flags the run (docs/metrics.md, Sustained speed).
hot=qwen3-coder-next-q6_k hot_factor=0.8
out=${DEMO_RESULTS:-$top/results/demo-$(date -u +%Y%m%dT%H%M%SZ)}
report=${DEMO_REPORT:-$top/reports/demo.md}
mkdir -p "$out" "$(dirname "$report")" || exit 1
# The mixed workload's three output-length classes, scaled down from the
# study's 100 / 500 / 2000 tokens so that the demo stays short.
set -- $classes
printf '{"short-%s": {"prompt": "Explain quantum computing in one sentence.", "max_tokens": %s},
 "medium-%s": {"prompt": "Write a quicksort in Python, with comments.", "max_tokens": %s},
 "long-%s": {"prompt": "Explain backpropagation in detail, with the mathematics.", "max_tokens": %s}}\n' \
	"$1" "$1" "$2" "$2" "$3" "$3" >"$out/mixed-demo.prompts" || exit 1
pids=()
# A model's job is a process group of its own (below): one kill stops its
# server, gen and memsample too, not only the shell that started them
# (a SIGTERM to this script alone, as make sends it when make is killed,
# would otherwise leave the servers running).  Ctrl-C reaches this script
# through the terminal; it stops them the same way.
cleanup() {
	for p in "${pids[@]}"; do
		kill -TERM -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# url_of FILE: the URL a llmsim started with --port 0 prints first into
# FILE, once it is there (at most 5 s); nothing when it never came.
url_of() {
	local i u=
	for i in $(seq 1 100); do
		u=$(head -n 1 "$1" 2>/dev/null)
		[ -n "$u" ] && break
		sleep 0.05
	done
	printf '%s' "$u"
}

# A free loopback port: the kernel's pick for a server that is gone.
free_port() {
	local f=$out/.port.$1 p
	"$bin/llmsim" --port 0 >"$f" 2>/dev/null &
	p=$!
	url_of "$f" >/dev/null
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	sed 's|.*:\([0-9]*\)/v1$|\1|' "$f"
	rm -f "$f"
}

# load_series ID: the load three times, the model's file dropped from the
# page cache first: one cold load, then warm ones (make load).
load_series() {
	local id=$1 port
	port=$(free_port "$id")
	dd if=/dev/zero of="$out/$id.weights" bs=1048576 count=32 2>/dev/null || return 1
	MODEL=$family LABELS="quant=$quant backend=$backend" BASE_URL=http://127.0.0.1:$port/v1 \
		MODEL_ID=$id RESULTS=$out LOADS=3 MODEL_FILE="$out/$id.weights" LOAD_COLD=1 \
		START="$bin/llmsim --profiles $top/profiles/llmsim.json -P $id --port $port --mem-scale 1 ${load[*]} --model-file $out/$id.weights" \
		"$here/load.sh" >/dev/null
	local rc=$?
	rm -f "$out/$id.weights"
	return $rc
}

# hot_run ID: the throttling machine's run, on a server of its own that
# slows hot_after seconds after its first request (SERVER_PID, BASE_URL
# and POWER_ROOT its own for the run).
hot_run() {
	local id=$1 hurl= hsim i rc
	"$bin/llmsim" --profiles "$top/profiles/llmsim.json" -P "$id" --port 0 --mem-scale 1 \
		--load-time 0 --slow-after "$hot_after" --slow-factor "$hot_factor" \
		--power-dir "$out/$id.hot.sys" >"$out/$id.hot.url" 2>"$out/$id.hot.log" &
	hsim=$!
	hurl=$(url_of "$out/$id.hot.url")
	if [ -z "$hurl" ]; then
		echo "demo: llmsim for $id's throttling run did not start" >&2
		kill "$hsim" 2>/dev/null
		return 1
	fi
	# 32 tokens a request even in the quick demo: a request's decode TPS
	# over fewer gaps moves too much on a busy machine
	BASE_URL=$hurl SERVER_PID=$hsim POWER_ROOT=$out/$id.hot.sys REQUESTS=$hot_n N= WARMUP=0 \
		MAX_TOKENS=32 TAG=hot "$here/bench.sh" >/dev/null
	rc=$?
	kill "$hsim" 2>/dev/null
	wait "$hsim" 2>/dev/null
	return $rc
}

# moe_study ID: the MoE study (make moe) on llmsim's stand-in for the
# model's weights (llmsim --moe): which share of them each domain touched.
moe_study() {
	local id=$1 port w=$out/$1.moe
	port=$(free_port "$id.moe")
	"$bin/llmsim" --moe "$w" --list-profiles >/dev/null || return 1 # writes it
	MODEL=$family LABELS="quant=$quant backend=$backend" BASE_URL=http://127.0.0.1:$port/v1 \
		MODEL_ID=$id RESULTS=$out MODEL_FILE=$w \
		START="$bin/llmsim --profiles $top/profiles/llmsim.json -P $id --port $port ${load[*]} --moe $w" \
		"$here/moe.sh" >/dev/null
	local rc=$?
	rm -f "$w"
	return $rc
}

# run_model ID: one simulated model from start to finish.
run_model() {
	local id=$1 url= sim i family quant backend
	# shellcheck disable=SC2046
	read -r family quant backend < <("$bin/llmsim" --profiles "$top/profiles/llmsim.json" \
		--list-profiles | sed -n "s/.*\"id\":\"$id\",\"name\":\"\([^ ]*\) [^\"]*\",\"backend\":\"\([^\"]*\)\",\"quant\":\"\([^\"]*\)\".*/\1 \3 \2/p")
	case $id in
	minimax-m2.1-mlx-4bit | qwen3-coder-next-q4_k_m) load_series "$id" || return 1 ;;
	esac
	[ "$id" != qwen3-coder-next-q4_k_m ] || moe_study "$id" || return 1
	local since
	since=$("$bin/gen" --print-clock) || return 1 # the load is timed from here
	local leak=() ctx=()
	[ "$id" = "$leaky" ] && leak=(--leak 16KiB)
	case $id in qwen*) ctx=(--ctx "$qwen_ctx") ;; esac
	"$bin/llmsim" --profiles "$top/profiles/llmsim.json" -P "$id" --port 0 --timings \
		--graded "$top/prompts/graded.json" --mem-scale 1 "${load[@]}" "${leak[@]}" "${ctx[@]}" \
		--power-dir "$out/$id.sys" >"$out/$id.url" 2>"$out/$id.llmsim.log" &
	sim=$!
	url=$(url_of "$out/$id.url")
	[ -n "$url" ] || { echo "demo: llmsim for $id did not start" >&2; return 1; }
	export MODEL=$family BASE_URL=$url MODEL_ID=$id SERVER_PID=$sim RESULTS=$out
	export LABELS="quant=$quant backend=$backend" MAX_TOKENS=$tokens MEM_INTERVAL=50ms
	export POWER=1 POWER_ROOT=$out/$id.sys
	# The server started "loading" just now: gen measures the load like
	# llama-server's, by polling /health until it answers 200.
	LOAD=health LOAD_SINCE=$since N=$reps WARMUP=$warmup TAG=std "$here/bench.sh" >/dev/null &&
	# the soak right after the standard set, whose prompts it shuffles
	REQUESTS=$soak GEN_ARGS=--shuffle TAG=leak "$here/bench.sh" >/dev/null &&
	# graded answers, greedy (make quality), for the report's Quality
	# section and the budget its answer respects
	PROMPTS=$top/prompts/graded.json C=4 N=1 WARMUP=0 MAX_TOKENS= TAG=quality \
		GEN_ARGS="--temperature 0 --seed 1" "$here/bench.sh" >/dev/null &&
	CS="$sweep" PER_USER=2 TAG=sweep "$here/sweep.sh" >/dev/null &&
	MAX_TOKENS= PROMPTS="$out/mixed-demo.prompts" CS=2 PER_USER=2 "$here/mixed.sh" >/dev/null &&
	DEPTHS=$depths N=1 "$here/ctx.sh" >/dev/null &&
	TESTS=$tests DEPTHS=$bdepths N=$breps WARMUP=$warmup "$here/community.sh" >/dev/null &&
	# how many users it holds at the default objectives for chat (make
	# capacity), on the short prompt
	MAX_USERS=$capusers PER_USER=2 ONLY=short "$here/capacity.sh" >/dev/null &&
	# last, so that no workload of the model's own server waits for it
	# (a leak soak after an idle spell reads its memory settling as a fall)
	{ [ "$id" != "$hot" ] || hot_run "$id"; }
	local rc=$?
	kill "$sim" 2>/dev/null
	wait "$sim" 2>/dev/null
	return $rc
}

# model ID: run_model with its output in its log, and one line on the
# terminal when it ends: done, or failed with the log's last lines.
model() {
	local id=$1
	if run_model "$id" 2>"$out/$id.log"; then
		echo "demo: $id done" >&3
		return 0
	fi
	echo "demo: $id failed; its log, $out/$id.log, ends:" >&3
	tail -n 5 "$out/$id.log" | sed 's/^/demo:   /' >&3
	return 1
}

# Teacher-forced quality (level c, as make quality runs it: scripts/teacher.sh)
# after the rest: per model, its Q8_0 the reference (the report's too: the
# most bits), then every other quantization fed the reference's outputs,
# each on a llmsim of its profile imitating llama-server (/completion with
# token ids), undelayed (--tps 0): the figures, not the time, are shown.
tf_one() { # tf_one ID [REFERENCE]: prints the reference's pass, or nothing
	local id=$1 f q b u= p i
	read -r f q b < <("$bin/llmsim" --profiles "$top/profiles/llmsim.json" --list-profiles |
		sed -n "s/.*\"id\":\"$id\",\"name\":\"\([^ ]*\) [^\"]*\",\"backend\":\"\([^\"]*\)\",\"quant\":\"\([^\"]*\)\".*/\1 \3 \2/p")
	"$bin/llmsim" --profiles "$top/profiles/llmsim.json" -P "$id" --as llamacpp --tps 0 \
		--load-time 0 --port 0 >"$out/tf-$id.url" 2>/dev/null &
	p=$!
	pids+=($p)
	u=$(url_of "$out/tf-$id.url")
	MODEL=$f LABELS="quant=$q backend=$b" MODEL_ID=$id BASE_URL=$u RESULTS=$out \
		TF_TOKENS=$tokens TF_K=12 REFERENCE=${2:-} "$here/teacher.sh" 2>>"$out/tf.log" |
		{ [ -z "${2:-}" ] && cat || cat >/dev/null; }
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	rm -f "$out/tf-$id.url"
}
teacher_forced() {
	local fam ref id
	for fam in minimax-m2.1 qwen3-coder-next; do
		ref=$(tf_one "$fam-q8_0")
		[ -s "$ref" ] || { echo "demo: no reference pass for $fam (see $out/tf.log)" >&2; return 1; }
		for id in $models; do
			case $id in "$fam"-*) ;; *) continue ;; esac
			[ "$id" = "$fam-q8_0" ] || tf_one "$id" "$ref" || return 1
		done
	done
}

echo "demo: measuring $(echo $models | wc -w) simulated models in parallel into $out" >&2
set -m # each job started now gets a process group of its own
for id in $models; do
	model "$id" </dev/null &
	pids+=($!)
done
set +m
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
pids=()
teacher_forced || rc=1
echo "demo: teacher-forced quality (level c) measured" >&2
"$bin/report" -o "$report" --title "tokbench demo: simulated MiniMax-M2.1 and Qwen3-Coder-Next" \
	--baseline quant=Q4_K_M,model=MiniMax-M2.1,backend=gguf "$out" || exit 1
echo "demo: the report is $report (every number in it comes from the simulator)"
exit $rc
