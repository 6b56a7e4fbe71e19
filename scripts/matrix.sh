#!/usr/bin/env bash
# matrix.sh PLAN: a whole study: for every entry of a plan, load the model
# (timing the load), run the standard set, the concurrency sweep and the
# context set, unload, and go on past an entry that fails; then the report.
# The plan format is in docs/workflows.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
estimate_only= preflight_only=
case ${1:-} in
--estimate) estimate_only=1; shift ;;
--preflight) preflight_only=1; shift ;;
esac
plan=${1:?usage: matrix.sh [--estimate | --preflight] PLAN}
[ -r "$plan" ] || { echo "matrix: $plan: cannot read the plan" >&2; exit 2; }
export RESULTS=${RESULTS:-results}
REPORT=${REPORT:-reports/report.md}

# ---- the plan ----------------------------------------------------------------
# bin/matrix reads and checks it (src/matrix/plan: every refusal names file:line)
# and gives every entry's every key, defaults applied: ENTRY<TAB>KEY<TAB>VALUE.
listed=$("$bin/matrix" --list "$plan") || exit 2
names=()
declare -A V
while IFS=$'\t' read -r e k v; do
	[ -n "${V[$e.model]+set}" ] || names+=("$e")
	V[$e.$k]=$v
done <<<"$listed"

get() { printf '%s' "${V[$1.$2]-}"; } # get ENTRY KEY
top=$(cd "$here/.." && pwd)
path_of() { # path_of ENTRY KEY: a file named in the plan, found from here or the repository
	local p
	p=$(get "$1" "$2")
	if [ -z "$p" ] || [ -e "$p" ] || [ "${p#/}" != "$p" ]; then printf '%s' "$p"; else printf '%s' "$top/$p"; fi
}

# ---- the estimate ----------------------------------------------------------
# Requests, tokens and hours per entry, one request at a time, at the
# speeds measured in RESULTS or the plan's (docs/workflows.md, "Estimate").
estimate() { "$bin/matrix" --estimate --results "$RESULTS" --root "$top" "$plan" || return 2; }
if [ -n "$estimate_only" ]; then
	estimate
	exit $?
fi
estimate >&2 || exit $?

# ---- the preflight -----------------------------------------------------------
# Every entry's `lms load` with --estimate-only (lms load.ts: "Does not load
# the model"): its key must match exactly one downloaded model.  lms stops
# with "Model not found" on a key that matches none (a grouped variant's
# key@variant is one: lms #588, docs/howto-mac.md), and loads the first of
# several with a warning; either would cost the entry, found out at night.
preflight() {
	local n c out rc bad=0 checked=0
	for n in "${names[@]}"; do
		[ "$(get "$n" skip)" = yes ] && continue
		c=$(get "$n" load)
		case $c in "lms load "*) ;; *) continue ;; esac
		checked=$((checked + 1))
		out=$(sh -c "$c --estimate-only" 2>&1 </dev/null)
		rc=$?
		case $rc in 130 | 143) exit $rc ;; esac
		if [ $rc -ne 0 ]; then
			echo "matrix: [$n] preflight: $c: exit $rc: $(printf '%s\n' "$out" | grep -v '^[[:space:]]*$' | head -n 3 | tr '\n' ' ')" >&2
			bad=$((bad + 1))
		elif printf '%s\n' "$out" | grep -q 'models\{0,1\} match the provided model key'; then
			echo "matrix: [$n] preflight: $c: the key matches more than one model (lms would load the first): name one" >&2
			bad=$((bad + 1))
		fi
	done
	[ $checked -eq 0 ] && return 0
	if [ $bad -gt 0 ]; then
		echo "matrix: preflight: $bad of $checked lms loads would not load the entry's model; fix their keys (lms ls) or skip them: nothing run" >&2
		return 1
	fi
	echo "matrix: preflight: each of $checked lms loads names one downloaded model" >&2
}
if [ -n "$preflight_only" ]; then
	preflight
	exit $?
fi
preflight || exit 1


# ---- one entry -----------------------------------------------------------
failed=()
start_pid=
# Every workload's outcome, a JSON line each (docs/workflows.md): report
# shows what ran, what failed and why, per entry.
outcomes=$RESULTS/plan-$(date -u +%Y%m%dT%H%M%SZ)-$$.outcomes.ndjson
plan_name=$(basename "$plan" .conf)

# json_safe TEXT: TEXT without what would break a JSON string (quotes,
# backslashes, control characters), 300 bytes at most.
json_safe() { printf '%s' "$1" | tr -d '"\\' | tr -c '[:print:]' ' ' | cut -c1-300; }

# outcome ENTRY WORKLOAD STATUS EXIT WHY [RUN]: one line of the outcomes
# file, with the entry's pass, place, start and the machine's state then
# (entry_at, set when the entry starts; docs/workflows.md, Passes).
outcome() {
	printf '{"ev":"workload","plan":"%s","entry":"%s","workload":"%s","status":"%s","exit":%d,"why":"%s",%s%s}\n' \
		"$(json_safe "$plan_name")" "$(json_safe "$1")" "$(json_safe "$2")" "$3" "$4" \
		"$(json_safe "$5")" "$entry_at" "${6:+,\"run\":\"$(json_safe "$6")\"}" >>"$outcomes"
}

# entry_start PASS ORDER: entry_at for the entry starting now: its pass,
# its place in the pass, the shared clock, and memsample --power's state
# of the machine (bin/matrix --state reads it; null where no source says).
entry_start() {
	local t st
	t=$("$bin/gen" --print-clock) || t=null
	st=$("$bin/memsample" --power --system ${POWER_ROOT:+--sys-root "$POWER_ROOT"} -i 100ms -d 250ms \
		2>/dev/null | "$bin/matrix" --state) ||
		st='"thermal":null,"temp_c":null,"throttled":null'
	entry_at="\"pass\":$1,\"order\":$2,\"t_start\":$t,$st"
}
entry_at='"pass":1,"order":0,"t_start":null,"thermal":null,"temp_c":null,"throttled":null'

# wl WORKLOAD CMD...: one workload of entry $n, run whatever the ones
# before it did; its outcome (ok, or failed with its exit status and the
# last line it said on stderr) is recorded.  Once the entry's own server
# has exited, the rest are recorded as skipped.  A signal stops all.
wl() {
	local w=$1 rc why err run
	err=$RESULTS/.$n.$w.err
	shift
	if [ -n "$dead" ]; then
		outcome "$n" "$w" skipped 0 "$dead"
		return 0
	fi
	# stderr shown as it comes and kept (stdout stays stdout); the copy
	# ends when every writer of that stderr has closed it, which a daemon a
	# load command started may never do: waited for a few seconds at most
	rm -f "$err.done"
	# stdout kept, then shown: a run the workload wrote (bench.sh says its
	# file) is named in the outcome (a file, not a pipe, which a daemon
	# holding it open would keep from ending)
	"$@" >"$err.out" 2> >(tee "$err" >&2; : >"$err.done")
	rc=$?
	cat "$err.out"
	for _ in $(seq 1 50); do [ -e "$err.done" ] && break; sleep 0.1; done
	rm -f "$err.done"
	case $rc in 130 | 143) exit $rc ;; esac
	# why: gen's own summary of its failures, else the last thing said
	why=$(grep '^gen: .*fail' "$err" | tail -n 1)
	[ -n "$why" ] || why=$(grep -v '^[[:space:]]*$' "$err" | tail -n 1)
	rm -f "$err"
	run=$(grep '\.json$' "$err.out" | tail -n 1)
	rm -f "$err.out"
	if [ $rc -eq 0 ]; then
		outcome "$n" "$w" ok 0 "" "${run##*/}"
	else
		outcome "$n" "$w" failed "$rc" "${why% }" "${run##*/}"
		entry_rc=1
	fi
	if [ -n "${SERVER_PID:-}" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
		dead="the entry's server had exited"
	fi
	return 0
}

stop_server() {
	[ -n "$start_pid" ] || return 0
	kill -TERM "$start_pid" 2>/dev/null
	for _ in $(seq 1 100); do kill -0 "$start_pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$start_pid" 2>/dev/null
	wait "$start_pid" 2>/dev/null
	start_pid=
}
trap stop_server EXIT

run_entry() {
	local n=$1 model start load unload env labels setup out why rc=0
	model=$(get "$n" model)
	[ -n "$model" ] || model=$n
	start=$(get "$n" start)
	load=$(get "$n" load)
	unload=$(get "$n" unload)
	env=$(get "$n" env)
	labels=
	[ -n "$(get "$n" quant)" ] && labels+="quant=$(get "$n" quant) "
	[ -n "$(get "$n" backend)" ] && labels+="backend=$(get "$n" backend) "
	labels+="$(get "$n" labels)"
	echo "matrix: [$n] $model" >&2
	# Nothing of another entry (or of the user's session: a model loaded
	# for check-server) may stay loaded beside this one: lms load always
	# loads a new instance (LM Studio's SDK docs), so the entry's unload
	# runs before it as well as after.
	if [ -n "$unload" ]; then
		sh -c "$unload" >/dev/null 2>&1 || echo "matrix: [$n] unload before the entry failed: $unload" >&2
	fi
	# A host setting the entry measures (sudo -n sysctl iogpu.wired_limit_mb=...):
	# run before anything; if it fails, the entry would measure another
	# setting than it says, so none of it runs.
	setup=$(get "$n" setup)
	if [ -n "$setup" ]; then
		out=$(sh -c "$setup" 2>&1)
		rc=$?
		if [ $rc -ne 0 ]; then
			why=$(printf '%s\n' "$out" | grep -v '^[[:space:]]*$' | tail -n 1)
			echo "matrix: [$n] setup failed (exit $rc): $setup: $why; the entry is not run" >&2
			outcome "$n" setup failed "$rc" "$setup: $why"
			return 1
		fi
		outcome "$n" setup ok 0 ""
	fi
	(
		entry_rc=0 dead=
		# The entry's environment (GGML_METAL_FUSION_DISABLE=1 ...) goes
		# to the server it starts (an env without start is refused above)
		# and to gen, which records it in the run.
		for kv in $env; do export "${kv?}"; done
		export MODEL=$model LABELS=$labels BASE_URL=$(get "$n" base_url)
		export MEM_INTERVAL=$(get "$n" mem_interval) MODEL_ID=$(get "$n" model_id)
		export MAX_TOKENS=$(get "$n" max_tokens) TIMEOUT_FIRST=$(get "$n" timeout_first)
		export SERVER_NAME=$(get "$n" server_name) SERVER_KIND=$(get "$n" server)
		# gen's options for every run of the entry: the plan's, then the
		# caller's GEN_ARGS (make matrix GEN_ARGS=...)
		ga="$(get "$n" gen_args)"
		[ "$(get "$n" ignore_eos)" = yes ] && ga="--ignore-eos $ga"
		# gen's progress line, though its stderr is copied (wl)
		[ -t 2 ] && ga="--progress $ga"
		export GEN_ARGS="$ga ${GEN_ARGS:-}"
		# the load, repeated, each marked cold or warm (make load),
		# before the entry's own load and runs
		if [ -n "$(get "$n" loads)" ]; then
			lcold=
			[ "$(get "$n" load_cold)" = yes ] && lcold=1
			if [ -n "$start" ]; then
				START="env $start" LOADS=$(get "$n" loads) MODEL_FILE=$(get "$n" model_file) \
					LOAD_COLD=$lcold "$here/load.sh" >/dev/null
			else
				LOAD=$([ "$load" = api ] && echo api) LOAD_CMD=$([ "$load" != api ] && echo "$load") \
					UNLOAD=$unload LOADS=$(get "$n" loads) MODEL_FILE=$(get "$n" model_file) \
					LOAD_COLD=$lcold "$here/load.sh" >/dev/null
			fi
			rc=$?
			case $rc in 130 | 143) exit $rc ;; esac
			[ $rc -eq 0 ] && outcome "$n" loads ok 0 "" ||
				{ outcome "$n" loads failed "$rc" "see the load results"; entry_rc=1; }
		fi
		if [ -n "$start" ]; then
			# A server started for this entry (llama-server) has loaded
			# when /health answers 200.
			# The load is timed from here, not from gen's first poll.
			since=$("$bin/gen" --print-clock) || exit 1
			# env runs a start that begins with VAR=value assignments (exec
			# alone took the first assignment for the command)
			sh -c "exec env $start" >"$RESULTS/$n.server.log" 2>&1 &
			echo $! >"$RESULTS/.$n.pid"
			export SERVER_PID=$!
			std_load=(LOAD=health LOAD_SINCE="$since")
		elif [ "$load" = api ]; then
			std_load=(LOAD=api)
		elif [ -n "$load" ]; then
			std_load=(LOAD_CMD="$load")
		else
			std_load=()
		fi
		wl std env "${std_load[@]}" PROMPTS="$(path_of "$n" prompts)" N="$(get "$n" reps)" \
			WARMUP="$(get "$n" warmup)" TAG=std "$here/bench.sh"
		# A started server that died says why: its status and last lines.
		if [ -n "$start" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
			wait "$SERVER_PID"
			echo "matrix: [$n] the server exited with status $?; its last lines:" >&2
			tail -n 20 "$RESULTS/$n.server.log" | sed 's/^/matrix:   /' >&2
		fi
		# further prompt sets, one user, as the standard run: the same
		# workloads for every entry (coder prompts for every family)
		for x in $(get "$n" extra); do
			case $x in /*) ;; *) [ -e "$x" ] || x=$top/$x ;; esac
			wl "extra-$(basename "$x" .json)" env PROMPTS="$x" N="$(get "$n" reps)" \
				WARMUP="$(get "$n" warmup)" TAG="extra-$(basename "$x" .json)" "$here/bench.sh"
		done
		# graded answers (make quality): the graded set greedy, one user,
		# once; the report's Quality section pairs the entries of a model
		if [ "$(get "$n" quality)" = yes ]; then
			wl quality env PROMPTS="$top/prompts/graded.json" N=1 WARMUP=0 MAX_TOKENS= \
				TAG=quality GEN_ARGS="--temperature 0 --seed 1 ${GEN_ARGS:-}" "$here/bench.sh"
		fi
		cs=
		for c in $(get "$n" sweep); do [ "$c" -gt 1 ] && cs+=" $c"; done
		if [ -n "$cs" ]; then # the standard run above was the single user
			wl sweep env CS="$cs" PER_USER="$(get "$n" per_user)" PROMPTS="$(path_of "$n" prompts)" \
				"$here/sweep.sh"
		fi
		# a leak soak: that many requests, a new order each pass
		if [ -n "$(get "$n" leak)" ]; then
			wl leak env REQUESTS="$(get "$n" leak)" N= WARMUP="$(get "$n" warmup)" TAG=leak KIND=soak \
				GEN_ARGS="--shuffle ${GEN_ARGS:-}" PROMPTS="$(path_of "$n" prompts)" \
				"$here/bench.sh"
		fi
		if [ -n "$(get "$n" ctx)" ]; then
			wl ctx env PROMPTS="$(path_of "$n" ctx)" ONLY="$(get "$n" ctx_only)" TAG=ctx \
				"$here/bench.sh"
		fi
		# the mixed workload by class at these levels, each class alone too
		if [ -n "$(get "$n" mixed)" ]; then
			wl mixed env CS="$(get "$n" mixed)" PER_USER="$(get "$n" per_user)" \
				PROMPTS="$top/prompts/mixed.json" ONLY= "$here/mixed.sh" >/dev/null
		fi
		# the context ladder: it stops at the first depth that fails,
		# which is its finding, not the entry's failure (ctx.sh exits 0);
		# a ladder that could run no depth at all failed (exit 1)
		if [ -n "$(get "$n" ladder)" ]; then
			local depths
			depths=$(get "$n" ladder)
			[ "$depths" = default ] && depths=
			wl ladder env DEPTHS="$depths" N="$(get "$n" reps)" "$here/ctx.sh" >/dev/null
		fi
		# llama-bench's tests at their depths (make community): the
		# Community figures, in llama-bench's shapes with report --bench;
		# llama-bench's one warm-up (gen --bench's own: a count by usage)
		if [ -n "$(get "$n" bench)" ]; then
			wl community env TESTS="$(get "$n" bench)" DEPTHS="$(get "$n" bench_depths)" \
				N="$(get "$n" reps)" WARMUP= "$here/community.sh" >/dev/null
		fi
		# how many users it holds at the objectives (make capacity)
		if [ -n "$(get "$n" capacity)" ]; then
			wl capacity env MAX_USERS="$(get "$n" capacity)" PER_USER="$(get "$n" per_user)" \
				SLO="$(get "$n" slo)" PROMPTS="$(path_of "$n" prompts)" \
				ONLY="$(get "$n" capacity_only)" "$here/capacity.sh" >/dev/null
		fi
		exit $entry_rc
	)
	rc=$?
	if [ -f "$RESULTS/.$n.pid" ]; then
		start_pid=$(cat "$RESULTS/.$n.pid")
		rm -f "$RESULTS/.$n.pid"
		stop_server
	fi
	if [ -n "$unload" ]; then
		sh -c "$unload" >/dev/null 2>&1 || echo "matrix: [$n] unload failed: $unload" >&2
	fi
	return $rc
}

mkdir -p "$RESULTS" "$(dirname "$REPORT")" || exit 1
# passes (the plan's): the entries again, every second pass in reverse
# order, so that a machine that drifts shows as a difference between
# passes (docs/workflows.md, Passes)
passes=$(get "${names[0]}" passes)
for ((pass = 1; pass <= ${passes:-1}; pass++)); do
	order=("${names[@]}")
	if [ $((pass % 2)) -eq 0 ]; then
		order=()
		for ((i = ${#names[@]} - 1; i >= 0; i--)); do order+=("${names[i]}"); done
	fi
	[ "${passes:-1}" -gt 1 ] && echo "matrix: pass $pass of $passes" >&2
	k=0
	for n in "${order[@]}"; do
		if [ "$(get "$n" skip)" = yes ]; then
			echo "matrix: [$n] skipped (skip = yes)" >&2
			continue
		fi
		k=$((k + 1))
		entry_start "$pass" "$k"
		run_entry "$n"
		rc=$?
		if [ $rc -ge 128 ]; then
			echo "matrix: stopped by a signal during [$n]" >&2
			exit $rc
		fi
		case " ${failed[*]} " in *" $n "*) ;; *) [ $rc -ne 0 ] && failed+=("$n") ;; esac
	done
done
[ ${#failed[@]} -gt 0 ] && echo "matrix: entries with failures (recorded in their results and in $outcomes): ${failed[*]}" >&2
"$bin/report" -o "$REPORT" "$RESULTS" || exit 1
[ ${#failed[@]} -eq 0 ]
