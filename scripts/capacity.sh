#!/usr/bin/env bash
# capacity.sh: how many closed-loop users the server holds at the
# service-level objectives, and which objective breaks first (make
# capacity, docs/workflows.md).  bin/capacity decides each next level from
# the levels run so far; this script only runs them (bench.sh: gen, agg
# --slo) and passes their results back.
#   SLO         the objectives (default: capacity's, for interactive chat)
#   MAX_USERS   the most users tried (64)
#   PER_USER    measured requests per user at each level, at least (4)
#   RATE_STEP   search a request rate instead (open loop, Poisson arrivals,
#               no cap in flight) on the grid RATE_STEP, 2 RATE_STEP, ...
#   MAX_RATE    the highest rate tried (64 steps)
#   RATE_SECONDS  each rate level's arrivals span at least this many
#               seconds (30)
# Every level sends whole passes of the prompt set (ONLY= respected), at
# least as many requests as the objectives' percentiles need (p95: 20).
# Every other variable as for bench.sh (MODEL, BASE_URL, PROMPTS, ...).
# Its runs are of kind capacity with this search's id (gen --kind), so the report shows
# them as one search.  The exit status is 0 when the search ended (held,
# broke or undecided: the answer is the result), 1 when a level could not
# be run or judged, 2 on a usage error, 128+ when stopped by a signal.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${MODEL:?make capacity: set MODEL=label}"
MAX_USERS=${MAX_USERS:-64}
PER_USER=${PER_USER:-4}
bin=${TB_BIN:-$here/../bin}
only=()
[ -n "${ONLY:-}" ] && only=(--only "$ONLY")
np=$("$bin/gen" --list-prompts -p "${PROMPTS:-$here/../prompts/std.json}" "${only[@]}" | wc -l) || exit 2
[ "$np" -gt 0 ] || { echo "capacity: no prompts in ${PROMPTS:-prompts/std.json}" >&2; exit 2; }
if [ -n "${RATE_STEP:-}" ]; then
	cap=("$bin/capacity" --rate-step "$RATE_STEP" --prompts "$np")
	[ -n "${MAX_RATE:-}" ] && cap+=(--max-rate "$MAX_RATE")
	[ -n "${RATE_SECONDS:-}" ] && cap+=(--seconds "$RATE_SECONDS")
	range="$RATE_STEP to ${MAX_RATE:-64 x $RATE_STEP} requests/s in steps of $RATE_STEP, open loop"
else
	cap=("$bin/capacity" --max-users "$MAX_USERS" --per-user "$PER_USER" --prompts "$np")
	range="1 to $MAX_USERS users"
fi
[ -n "${SLO:-}" ] && cap+=(--slo "$SLO")
plan=$("${cap[@]}" --plan) || exit 2
read -r _ levels requests need slo <<<"$plan"
echo "capacity: $MODEL at $slo: at most $levels levels and $requests measured requests ($range, at least $need requests a level)" >&2
id=$(date -u +%Y%m%dT%H%M%SZ)-$$
runs=()
while :; do
	step=$("${cap[@]}" "${runs[@]}") || exit 1
	read -r act users passes _ <<<"$step"
	[ "$act" = done ] && break
	if [ -n "${RATE_STEP:-}" ]; then # an open loop: no C, no cap
		level="$users requests/s" c= rate=$users
	else
		level="$users user$([ "$users" = 1 ] || echo s)" c=$users rate=
	fi
	echo "capacity: $MODEL: level $((${#runs[@]} + 1)): $level, $((passes * np)) requests$([ "$act" = rerun ] && echo ", again: undecided the first time")" >&2
	out=$(SLO=$slo C=$c RATE=$rate N=$passes REQUESTS= TAG=capacity \
		LABELS=${LABELS:-} KIND=capacity,series=$id "$here/bench.sh")
	rc=$?
	[ $rc -ge 128 ] && exit $rc # stopped by a signal: stop the search too
	json=$(printf '%s\n' "$out" | tail -n 1)
	[ -s "$json" ] || { echo "capacity: the level at $level has no result" >&2; exit 1; }
	runs+=("$json")
done
printf "%s\n" "$step" # the answer as data: done HOLDS BREAKS UNDECIDED [BELOW KNEE]
exit 0
