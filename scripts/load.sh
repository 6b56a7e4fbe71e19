#!/usr/bin/env bash
# load.sh: the model load, repeated (make load, plan key loads).  Each load
# is one result of kind load (gen --kind): this series' id, its repetition
# 1..N and cache=cold|warm|partial|unknown: how much of the model file the page
# cache held just before it (memsample --page-cache), so that the first
# load after the file was last read shows as cold and the next as warm.
#
# Configured by the environment:
#   MODEL        the model label (required)    BASE_URL    the server's base URL
#   LOADS        loads (default 3)             RESULTS     results directory
#   LABELS       "key=value ..."               MODEL_ID    the model id
#   START        a command that starts the server (llama-server, llmsim): each
#                load starts it afresh and is timed to /health 200; it is
#                stopped after each load
#   LOAD         api: gen --load (LM Studio's REST load, Ollama), with UNLOAD
#   LOAD_CMD     a command that loads the model (lms load ...), with UNLOAD
#   UNLOAD       a command run after each load (lms unload --all), so that
#                the next one loads afresh and nothing stays loaded twice
#   MODEL_FILE   the model's file, for the page-cache state (else "unknown")
#   LOAD_COLD    1: drop MODEL_FILE from the page cache before the first load
#                (Linux; needs only the right to read it), so that it is cold
# Exit status: 0 when every load succeeded, 1 when one failed, 2 a usage
# error, 130/143 when stopped by a signal.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
: "${MODEL:?make load: set MODEL=label}"
BASE_URL=${BASE_URL:-${OPENAI_BASE_URL:-http://localhost:1234/v1}}
RESULTS=${RESULTS:-results}
LOADS=${LOADS:-3}
case $LOADS in [1-9] | [1-9][0-9]) ;; *) echo "load: LOADS=$LOADS: want 1 to 99" >&2; exit 2 ;; esac
if [ -z "${START:-}" ] && [ "${LOAD:-}" != api ] && [ -z "${LOAD_CMD:-}" ]; then
	echo "load: say how to load: START=<server command>, LOAD=api or LOAD_CMD=<command>" >&2
	exit 2
fi
safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-80; }
mkdir -p "$RESULTS" || exit 1
series=$(date -u +%Y%m%dT%H%M%SZ)-$$
server=
stop_server() {
	[ -n "$server" ] || return 0
	kill -TERM "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=
}
trap 'stop_server; exit 130' INT
trap 'stop_server; exit 143' TERM

# The page cache's hold on the model file: cold under 10 %, warm from 90 %.
cache_state() {
	local f
	[ -n "${MODEL_FILE:-}" ] && f=$("$bin/memsample" --page-cache "$MODEL_FILE" 2>/dev/null) ||
		{ echo "unknown -"; return; }
	f=${f%% *}
	awk -v f="$f" 'BEGIN { print (f < 0.1 ? "cold" : f >= 0.9 ? "warm" : "partial"), f }'
}

if [ "${LOAD_COLD:-}" = 1 ]; then
	if [ -z "${MODEL_FILE:-}" ]; then
		echo "load: LOAD_COLD=1 needs MODEL_FILE" >&2
		exit 2
	fi
	"$bin/memsample" --drop-page-cache "$MODEL_FILE" ||
		echo "load: the first load's state is measured, not forced" >&2
fi
labels=()
for kv in ${LABELS:-}; do labels+=(-l "$kv"); done
rc=0
for i in $(seq 1 "$LOADS"); do
	read -r state frac < <(cache_state)
	base="$RESULTS/$(safe "$MODEL")-load$i-$series"
	args=(-m "$MODEL" -u "$BASE_URL" --load-only --no-progress "${labels[@]}"
		--kind "load,series=$series,rep=$i,cache=$state,resident=$frac")
	[ -n "${MODEL_ID:-}" ] && args+=(--model-id "$MODEL_ID")
	if [ -n "${START:-}" ]; then
		since=$("$bin/gen" --print-clock) || exit 1
		sh -c "exec $START" >"$base.server.log" 2>&1 &
		server=$!
		args+=(--load-health --load-since "$since" --load-pid "$server")
	elif [ -n "${LOAD_CMD:-}" ]; then
		args+=(--load-cmd "$LOAD_CMD")
	else
		args+=(--load)
	fi
	"$bin/gen" "${args[@]}" </dev/null >"$base.ndjson" 2>>"$base.err"
	r=$?
	stop_server
	case $r in 130 | 143) exit $r ;; esac
	# agg exits 1 on a run without requests; the load is what it keeps
	"$bin/agg" -o "$base.json" "$base.ndjson" 2>>"$base.err"
	[ -s "$base.json" ] && echo "$base.json"
	if [ $r -ne 0 ]; then
		echo "load: $MODEL: load $i failed: $(tail -n 1 "$base.err")" >&2
		rc=1
		break
	fi
	if [ -n "${UNLOAD:-}" ] && [ -z "${START:-}" ]; then
		sh -c "$UNLOAD" >/dev/null 2>&1 || echo "load: UNLOAD failed: $UNLOAD" >&2
	fi
done
exit $rc
