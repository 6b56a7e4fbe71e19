#!/usr/bin/env bash
# matrix.sh PLAN: a whole study: for every entry of a plan, load the model
# (timing the load), run the standard set, the concurrency sweep and the
# context set, unload, and go on past an entry that fails; then the report.
# The plan format is in docs/workflows.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
estimate_only=
if [ "${1:-}" = --estimate ]; then estimate_only=1; shift; fi
plan=${1:?usage: matrix.sh [--estimate] PLAN}
[ -r "$plan" ] || { echo "matrix: $plan: cannot read the plan" >&2; exit 2; }
export RESULTS=${RESULTS:-results}
REPORT=${REPORT:-reports/report.md}

# ---- the plan -------------------------------------------------------------
declare -A D=([base_url]=http://localhost:1234/v1 [prompts]=prompts/std.json
	[reps]=3 [warmup]=1 [sweep]="1 2 4 8" [per_user]=4 [ctx]= [ctx_only]=
	[max_tokens]= [mem_interval]=100ms [timeout_first]= [est_tps]= [est_prefill_tps]=
	[est_load_s]= [capacity]= [slo]= [capacity_only]=short)
names=()
declare -A E L
section=
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	line=${line%%#*}
	line=$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
	[ -z "$line" ] && continue
	if [[ $line =~ ^\[([A-Za-z0-9._-]+)\]$ ]]; then
		section=${BASH_REMATCH[1]}
		[ "$section" != defaults ] && names+=("$section")
		continue
	fi
	if ! [[ $line =~ ^([a-z_]+)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
		echo "matrix: $plan:$lineno: want 'key = value' or '[name]'" >&2
		exit 2
	fi
	key=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
	[ -z "$section" ] && { echo "matrix: $plan:$lineno: a key before any [section]" >&2; exit 2; }
	case $key in
	model | model_id | quant | backend | server | load | unload | start | env | setup | labels | \
	est_tps | est_prefill_tps | est_load_s | capacity | slo | capacity_only | \
	server_name | base_url | prompts | extra | leak | ladder | mixed | loads | model_file | load_cold | reps | warmup | sweep | per_user | ctx | ctx_only | \
	max_tokens | mem_interval | timeout_first | skip | ignore_eos | gen_args) ;;
	*) echo "matrix: $plan:$lineno: unknown key '$key'" >&2; exit 2 ;;
	esac
	if [ "$section" = defaults ]; then D[$key]=$val; else E[$section.$key]=$val; fi
	L[$section.$key]=$lineno
done <"$plan"
[ ${#names[@]} -gt 0 ] || { echo "matrix: $plan: no entries" >&2; exit 2; }

get() { # get ENTRY KEY: the entry's value, else the default
	local k="$1.$2"
	if [ -n "${E[$k]+set}" ]; then printf '%s' "${E[$k]}"; else printf '%s' "${D[$2]:-}"; fi
}
line_of() { # line_of ENTRY KEY: the plan's line that set it
	printf '%s' "${L[$1.$2]:-${L[defaults.$2]:-?}}"
}

# An environment variable reaches an engine only through a process the
# plan starts: lms load passes LM Studio a model, its context length, GPU
# offload, parallelism, TTL and identifier, and no variable (lms
# src/subcommands/load.ts, lmstudio-ai/lms 0.3.43); a running app or
# daemon keeps the environment it was started with.  Recording such a
# setting on runs it never reached would make the report compare a
# difference that was not there: refused, every entry, skipped or not.
for n in "${names[@]}"; do
	if [ -n "$(get "$n" env)" ] && [ -z "$(get "$n" start)" ]; then
		echo "matrix: $plan:$(line_of "$n" env): [$n] env = $(get "$n" env): no engine would read it:" \
			"only a server the plan starts (start = ...) gets the entry's environment;" \
			"lms load passes LM Studio no variable. Start the engine in the entry" \
			"(start = llama-server ...), or set it where LM Studio itself is started" >&2
		exit 2
	fi
	for k in reps warmup per_user leak loads est_tps est_prefill_tps est_load_s capacity; do
		v=$(get "$n" $k)
		case $v in
		'' | [0-9]* ) [[ $v =~ ^[0-9]*\.?[0-9]*$ ]] && continue ;;
		esac
		echo "matrix: $plan:$(line_of "$n" $k): [$n] $k = $v: want a number" >&2
		exit 2
	done
done

top=$(cd "$here/.." && pwd)
path_of() { # path_of ENTRY KEY: a file named in the plan, found from here or the repository
	local p
	p=$(get "$1" "$2")
	if [ -z "$p" ] || [ -e "$p" ] || [ "${p#/}" != "$p" ]; then printf '%s' "$p"; else printf '%s' "$top/$p"; fi
}

# ---- the estimate ----------------------------------------------------------
# How many requests and tokens each entry sends, from the plan's own counts
# (the workloads as the scripts run them), and the time that takes one
# request at a time at a decode and prefill speed: measured, from this
# model's single-user results already in RESULTS, else the plan's est_tps,
# est_prefill_tps and est_load_s.  Output tokens are the prompts' limits
# (max_tokens): an upper bound, reached with ignore_eos.  One request at a
# time is an upper bound too: levels with several users take less where
# the server batches (docs/workflows.md, "Estimate").

# set_counts FILE ONLY: "prompts output_tokens prompt_tokens" of a prompt
# set (the ONLY names, or all), max_tokens overridden by the plan's.
set_counts() {
	if ! [ -r "$1" ]; then
		echo "matrix: $plan: [$n] cannot read the prompt set $1" >&2
		return 2
	fi
	jq -r --arg only "$2" --arg mt "$3" '
		(if type == "array" then map({key: .name, value: .})
		 else to_entries | map(select(.key | startswith("_") | not)) end)
		| map(select($only == "" or (.key as $k | $only | split(",") | index($k))))
		| [length,
		   (map(if $mt != "" then ($mt | tonumber) else (.value.max_tokens // 256) end) | add // 0),
		   (map((.value.synthetic_tokens // 0) +
			(((.value.prompt // (.value.messages | tostring)) | length) / 3 | ceil)) | add // 0)]
		| @tsv' "$1"
}

# measured ENTRY: "decode_tps prefill_tps load_s" medians of the model's
# single-user results in RESULTS ("" each when none)
measured() {
	local model=$1 quant=$2
	ls "$RESULTS"/*.json >/dev/null 2>&1 || { printf '\t\t\n'; return; }
	jq -s -r --arg m "$model" --arg q "$quant" '
		def med: sort | if length == 0 then "" else .[(length - 1) / 2 | floor] end;
		map(select(.format == "tokbench-run" and .run.model == $m and
			($q == "" or .run.labels.quant == $q) and .run.config.concurrency == 1))
		| [(map(.metrics.decode_tps.p50 // empty) | med),
		   (map(.metrics.prefill_tps.p50 // empty) | med),
		   (map(select(.load.status == "ok") | .load.seconds // empty) | med)]
		| @tsv' "$RESULTS"/*.json 2>/dev/null || printf '\t\t\n'
}

est_total_h=0 est_total_r=0 est_unknown=
hours() { awk -v h="$1" 'BEGIN { if (h < 1) printf "%.0f min", h * 60; else printf "%.1f h", h }'; }
# estimate_entry N: one line of the estimate table
estimate_entry() {
	local n=$1 mt reps warm pu R=0 O=0 P=0 np o p c k x d slo_arg counts std_counts=
	slo_arg=$(get "$n" slo)
	mt=$(get "$n" max_tokens) reps=$(get "$n" reps) warm=$(get "$n" warmup) pu=$(get "$n" per_user)
	reps=${reps:-1} warm=${warm:-0} pu=${pu:-4}
	add() { R=$((R + $1)) O=$((O + $2)) P=$((P + $3)); }
	# std and extra: reps passes after warmup requests (an average prompt each)
	for x in "$(path_of "$n" prompts)" $(get "$n" extra); do
		case $x in /*) ;; *) [ -e "$x" ] || x=$top/$x ;; esac
		counts=$(set_counts "$x" "" "$mt") || return 2
		[ -n "$std_counts" ] || std_counts=$counts # the first: the standard set
		read -r np o p <<<"$counts"
		[ "${np:-0}" -gt 0 ] || continue
		add $((reps * np + warm)) $((reps * o + warm * o / np)) $((reps * p + warm * p / np))
	done
	read -r np o p <<<"$std_counts"
	[ "${np:-0}" -gt 0 ] || np=1
	for c in $(get "$n" sweep); do # whole sets, ceil(c x per_user / prompts) of them
		[ "$c" -gt 1 ] || continue
		k=$(((c * pu + np - 1) / np))
		add $((k * np)) $((k * o)) $((k * p))
	done
	if [ -n "$(get "$n" leak)" ]; then
		k=$(get "$n" leak)
		add "$k" $((k * o / np)) $((k * p / np))
	fi
	if [ -n "$(get "$n" ctx)" ]; then
		counts=$(set_counts "$(path_of "$n" ctx)" "$(get "$n" ctx_only)" "$mt") || return 2
		read -r np o p <<<"$counts"
		add "$np" "$o" "$p"
	fi
	if [ -n "$(get "$n" mixed)" ]; then # the mixed sets, then each class alone
		read -r np o p < <(set_counts "$top/prompts/mixed.json" "" "$mt")
		for c in $(get "$n" mixed); do
			k=$(((c * pu + np - 1) / np))
			add $((k * np + c * pu * np)) $((k * o + c * pu * o)) $((k * p + c * pu * p))
		done
	fi
	if [ -n "$(get "$n" capacity)" ]; then # the search's own bound (bin/capacity --plan)
		read -r np o p < <(set_counts "$(path_of "$n" prompts)" "$(get "$n" capacity_only)" "$mt")
		local cap_plan
		cap_plan=$("$bin/capacity" --max-users "$(get "$n" capacity)" --per-user "$pu" \
			--prompts "${np:-1}" ${slo_arg:+--slo "$slo_arg"} --plan) || return 2
		read -r _ _ k _ <<<"$cap_plan"
		add "$k" $((k * o / np)) $((k * p / np))
	fi
	if [ -n "$(get "$n" ladder)" ]; then # 64 tokens out at each depth, reps each
		x=$(get "$n" ladder)
		[ "$x" = default ] && x="1000 4000 16000 32000 64000 128000"
		for d in $x; do add "$reps" $((reps * 64)) $((reps * d)); done
	fi
	local loads=$(($(get "$n" loads || true) + 1)) m dec pre ld src
	read -r dec pre ld < <(measured "$(get "$n" model || true)" "$(get "$n" quant)")
	[ -n "$(get "$n" model)" ] || read -r dec pre ld < <(measured "$n" "$(get "$n" quant)")
	src=measured
	[ -n "$dec" ] || { dec=$(get "$n" est_tps); src=assumed; }
	[ -n "$pre" ] || pre=$(get "$n" est_prefill_tps)
	[ -n "$ld" ] || ld=$(get "$n" est_load_s)
	if [ -z "$dec" ]; then
		printf '  %-34s %6d requests %9d tokens out (at most) %10d in   time unknown: no result, no est_tps\n' \
			"[$n]" "$R" "$O" "$P"
		est_unknown+=" $n"
		est_total_r=$((est_total_r + R))
		return 0
	fi
	m=$(awk -v o="$O" -v p="$P" -v d="$dec" -v pr="${pre:-0}" -v l="${ld:-0}" -v nl="$loads" \
		'BEGIN { printf "%.4f", (o / d + (pr > 0 ? p / pr : 0) + nl * l) / 3600 }')
	printf '  %-34s %6d requests %9d tokens out (at most) %10d in   %8s at %s tok/s (%s)\n' \
		"[$n]" "$R" "$O" "$P" "$(hours "$m")" "$dec" "$src"
	est_total_h=$(awk -v a="$est_total_h" -v b="$m" 'BEGIN { printf "%.4f", a + b }')
	est_total_r=$((est_total_r + R))
}

estimate() {
	local n
	echo "matrix: the estimate, one request at a time (docs/workflows.md, \"Estimate\"):"
	for n in "${names[@]}"; do
		[ "$(get "$n" skip)" = yes ] && continue
		estimate_entry "$n" || return $?
	done
	printf 'matrix: in all %d requests, about %s at most%s\n' "$est_total_r" "$(hours "$est_total_h")" \
		"${est_unknown:+, not counting the entries without a speed:$est_unknown}"
}

if [ -n "$estimate_only" ]; then
	estimate
	exit $?
fi
estimate >&2 || exit $?


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

# outcome ENTRY WORKLOAD STATUS EXIT WHY: one line of the outcomes file.
outcome() {
	printf '{"ev":"workload","plan":"%s","entry":"%s","workload":"%s","status":"%s","exit":%d,"why":"%s"}\n' \
		"$(json_safe "$plan_name")" "$(json_safe "$1")" "$(json_safe "$2")" "$3" "$4" \
		"$(json_safe "$5")" >>"$outcomes"
}

# wl WORKLOAD CMD...: one workload of entry $n, run whatever the ones
# before it did; its outcome (ok, or failed with its exit status and the
# last line it said on stderr) is recorded.  Once the entry's own server
# has exited, the rest are recorded as skipped.  A signal stops all.
wl() {
	local w=$1 rc why err
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
	"$@" 2> >(tee "$err" >&2; : >"$err.done")
	rc=$?
	for _ in $(seq 1 50); do [ -e "$err.done" ] && break; sleep 0.1; done
	rm -f "$err.done"
	case $rc in 130 | 143) exit $rc ;; esac
	# why: gen's own summary of its failures, else the last thing said
	why=$(grep '^gen: .*fail' "$err" | tail -n 1)
	[ -n "$why" ] || why=$(grep -v '^[[:space:]]*$' "$err" | tail -n 1)
	rm -f "$err"
	if [ $rc -eq 0 ]; then
		outcome "$n" "$w" ok 0 ""
	else
		outcome "$n" "$w" failed "$rc" "${why% }"
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
			tail -n 12 "$RESULTS/$n.server.log" | sed 's/^/matrix:   /' >&2
		fi
		# further prompt sets, one user, as the standard run: the same
		# workloads for every entry (coder prompts for every family)
		for x in $(get "$n" extra); do
			case $x in /*) ;; *) [ -e "$x" ] || x=$top/$x ;; esac
			wl "extra-$(basename "$x" .json)" env PROMPTS="$x" N="$(get "$n" reps)" \
				WARMUP="$(get "$n" warmup)" TAG="extra-$(basename "$x" .json)" "$here/bench.sh"
		done
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
		# which is its finding, not the entry's failure
		if [ -n "$(get "$n" ladder)" ]; then
			local depths
			depths=$(get "$n" ladder)
			[ "$depths" = default ] && depths=
			if [ -n "$dead" ]; then
				outcome "$n" ladder skipped 0 "$dead"
			else
				DEPTHS=$depths N="$(get "$n" reps)" "$here/ctx.sh" >/dev/null
				rc=$?
				case $rc in 130 | 143) exit $rc ;; esac
				outcome "$n" ladder ok 0 ""
			fi
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
for n in "${names[@]}"; do
	if [ "$(get "$n" skip)" = yes ]; then
		echo "matrix: [$n] skipped (skip = yes)" >&2
		continue
	fi
	run_entry "$n"
	rc=$?
	if [ $rc -ge 128 ]; then
		echo "matrix: stopped by a signal during [$n]" >&2
		exit $rc
	fi
	[ $rc -ne 0 ] && failed+=("$n")
done
[ ${#failed[@]} -gt 0 ] && echo "matrix: entries with failures (recorded in their results and in $outcomes): ${failed[*]}" >&2
"$bin/report" -o "$REPORT" "$RESULTS" || exit 1
[ ${#failed[@]} -eq 0 ]
