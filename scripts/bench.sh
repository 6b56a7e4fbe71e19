#!/usr/bin/env bash
# bench.sh: one measured run: memsample on the server (and the system; on a
# Mac the GPU too), gen, agg, one result.
#
# Configured by the environment (make bench passes its variables):
#   MODEL        model label (required)          BASE_URL   server base URL
#   C            concurrency (default 1; with RATE, a cap on requests in
#                flight, none unless given)      PROMPTS    prompt set (prompts/std.json)
#   N, WARMUP    repetitions, warm-up requests   REQUESTS   measured requests (optional)
#   RATE         open-loop requests/s (optional) MAX_TOKENS output limit (optional)
#   SERVER_PID | SERVER_NAME   the server process to sample memory from; by
#                default the one listening on BASE_URL's port, when local
#   LABELS       "key=value key=value"           GEN_ARGS   more gen options
#   RESULTS      results directory (results)     MEM_INTERVAL (100ms)
#   TAG          a word for the file name (e.g. "sweep", "ctx")
#   MODEL_ID     the model id sent        SERVER_KIND  gen --server (skip detection)
#   ONLY         gen --only prompt names  TIMEOUT_FIRST gen --timeout-first
#   LOAD         measure the model load first: "api" (gen --load: LM Studio's
#                REST load, Ollama) or "health" (gen --load-health: a server
#                started just before, until /health answers 200)
#   LOAD_SINCE   with LOAD=health: the server's start on the shared clock
#                (gen --print-clock just before starting it), so the load is
#                timed from the start, not from gen's
#   LOAD_CMD     measure the load first: gen --load-cmd CMD (a shell command)
#   SLO          service-level objectives agg judges the run at (agg --slo)
#   POWER        1: the machine's power and heat too (memsample --power);
#                POWER_ROOT reads sysfs there instead (--sys-root: llmsim
#                --power-dir's simulated sensors)
# Writes RESULTS/<model>-<labels>-c<C>-<timestamp>.json (r<RATE> for an open loop) with the raw
# events beside it (.ndjson, .mem.ndjson); never overwrites a result.
# Exit status: gen's (0 all requests ok, 1 some failed, 130/143 stopped);
# the result is written whatever gen's status, so nothing measured is lost.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
: "${MODEL:?make bench: set MODEL=label}"
BASE_URL=${BASE_URL:-${OPENAI_BASE_URL:-http://localhost:1234/v1}}
# An open loop (RATE) has no cap on requests in flight unless C is given:
# with one, an arrival due while the cap is full waits for an earlier
# request to end, which is the coordinated omission an open loop exists to
# avoid (docs/gen.md, LOAD SHAPES AND TIMES).  Its file is named r<RATE>.
if [ -n "${RATE:-}" ] && [ -z "${C:-}" ]; then
	conc=() level=r$RATE
else
	C=${C:-1}
	conc=(-c "$C") level=c$C
fi
PROMPTS=${PROMPTS:-$here/../prompts/std.json}
RESULTS=${RESULTS:-results}
MEM_INTERVAL=${MEM_INTERVAL:-100ms}

# A file-name-safe form of the model and labels: anything but letters,
# digits, '.', '_' and '-' becomes '_', so no label can leave RESULTS.
safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-80; }

labels=()
tagname=$(safe "$MODEL")
for kv in ${LABELS:-}; do
	case $kv in
	?*=*) ;;
	*) echo "bench: LABELS: '$kv' is not key=value (labels are separated by spaces)" >&2; exit 2 ;;
	esac
	labels+=(-l "$kv")
	tagname+="-$(safe "${kv#*=}")"
done
# KIND (gen --kind: what the run is part of, set by the workflows) names
# the file by its values as labels do, but for the series (a time and a pid)
if [ -n "${KIND:-}" ]; then
	IFS=, read -ra kind_items <<<"$KIND"
	for kv in "${kind_items[@]:1}"; do
		[ "${kv%%=*}" = series ] || tagname+="-$(safe "${kv#*=}")"
	done
fi
[ -n "${TAG:-}" ] && tagname+="-$(safe "$TAG")"
mkdir -p "$RESULTS" || exit 1
stamp=$(date -u +%Y%m%dT%H%M%SZ)
base="$RESULTS/$tagname-$level-$stamp"
i=2
while [ -e "$base.json" ] || [ -e "$base.ndjson" ]; do
	base="$RESULTS/$tagname-$level-$stamp-$i"
	i=$((i + 1))
done

gen_args=(-m "$MODEL" -u "$BASE_URL" "${conc[@]}" -p "$PROMPTS" "${labels[@]}")
[ -n "${KIND:-}" ] && gen_args+=(--kind "$KIND")
[ -n "${N:-}" ] && gen_args+=(-n "$N")
[ -n "${WARMUP:-}" ] && gen_args+=(--warmup "$WARMUP")
[ -n "${REQUESTS:-}" ] && gen_args+=(--requests "$REQUESTS")
[ -n "${RATE:-}" ] && gen_args+=(--rate "$RATE")
[ -n "${MAX_TOKENS:-}" ] && gen_args+=(--max-tokens "$MAX_TOKENS")
[ -n "${MODEL_ID:-}" ] && gen_args+=(--model-id "$MODEL_ID")
[ -n "${SERVER_KIND:-}" ] && gen_args+=(--server "$SERVER_KIND")
[ -n "${ONLY:-}" ] && gen_args+=(--only "$ONLY")
[ -n "${TIMEOUT_FIRST:-}" ] && gen_args+=(--timeout-first "$TIMEOUT_FIRST")
case ${LOAD:-} in
'') ;;
api) gen_args+=(--load) ;;
health) gen_args+=(--load-health ${LOAD_SINCE:+--load-since "$LOAD_SINCE"}
	${SERVER_PID:+--load-pid "$SERVER_PID"}) ;;
*) echo "bench: LOAD=$LOAD: want api or health" >&2; exit 2 ;;
esac
[ -n "${LOAD_CMD:-}" ] && gen_args+=(--load-cmd "$LOAD_CMD")

mem_pid=
mem_args=()
# The server's memory: its PID, else the one process of SERVER_NAME, else
# (a server on this machine) the process listening on the URL's port.
url_host=${BASE_URL#*://}
url_host=${url_host%%/*}
url_port=
case $url_host in
*:[0-9]*) url_port=${url_host##*:} url_host=${url_host%:*} ;;
esac
if [ -n "${SERVER_PID:-}" ]; then
	mem_args=(-p "$SERVER_PID")
elif [ -n "${SERVER_NAME:-}" ]; then
	mem_args=(-n "$SERVER_NAME")
elif [ -n "$url_port" ]; then
	case $url_host in
	127.* | localhost | "[::1]") mem_args=(--port "$url_port") ;;
	esac
fi
# On a Mac the GPU's memory is the machine's own (Apple silicon: unified
# memory, read through ioreg: docs/memsample.md), so it is sampled too, but
# only where memsample can read it: --gpu that reads nothing ends memsample,
# and every memory figure of the run with it. Elsewhere as before: a GPU
# there is a separate card, and nvidia-smi is not assumed.
if [ ${#mem_args[@]} -gt 0 ] && [ "$(uname -s)" = Darwin ]; then
	if "$bin/memsample" --gpu -i 1ms -d 1ms >/dev/null 2>&1; then
		mem_args+=(--gpu)
	else
		echo "bench: memsample --gpu reads no GPU memory on this Mac; the GPU is not sampled" >&2
	fi
fi
if [ ${#mem_args[@]} -gt 0 ] && [ -n "${POWER:-}" ]; then
	mem_args+=(--power ${POWER_ROOT:+--sys-root "$POWER_ROOT"})
fi
if [ ${#mem_args[@]} -gt 0 ]; then
	"$bin/memsample" "${mem_args[@]}" --system -i "$MEM_INTERVAL" >"$base.mem.ndjson" &
	mem_pid=$!
fi
mem_rc=0
stop_mem() {
	[ -n "$mem_pid" ] || return 0
	kill -TERM "$mem_pid" 2>/dev/null
	wait "$mem_pid" 2>/dev/null
	mem_rc=$?
	mem_pid=
}
# A signal stops gen (which records its requests as aborted) and then us,
# after the result is written.  Ctrl-C and a terminal's hangup reach gen
# themselves; a signal sent to this script alone (make passes SIGTERM to
# its recipe when make is killed) is passed on to it.  gen runs in the
# background so that the trap runs while we wait (bash runs none until a
# command in the foreground ends), its standard input still ours.
trap 'stop_mem' EXIT
gen_pid=
trap 'sig=1; [ -z "$gen_pid" ] || kill -TERM "$gen_pid" 2>/dev/null' INT TERM HUP
# shellcheck disable=SC2086
( trap - INT TERM HUP; exec "$bin/gen" "${gen_args[@]}" ${GEN_ARGS:-} ) <&0 >"$base.ndjson" &
gen_pid=$!
while :; do
	sig=0
	wait "$gen_pid"
	w=$? # gen's status; or 128 + the signal that interrupted the wait
	[ "$w" -eq 127 ] || rc=$w # 127 (a later turn only): its status was had already
	[ "$sig" = 1 ] && [ "$w" -gt 128 ] || break
done
trap '' INT TERM HUP # the result is written whatever comes now
stop_mem

agg_args=(-o "$base.json" --per-request) # per request: the report's spans
[ -s "$base.mem.ndjson" ] && agg_args+=(--mem "$base.mem.ndjson")
[ -n "${SLO:-}" ] && agg_args+=(--slo "$SLO")
"$bin/agg" "${agg_args[@]}" "$base.ndjson"
arc=$?
# agg writes the summary even when it exits 1 (no request succeeded, a
# memory figure that cannot be true): the failure is the result.
if [ ! -s "$base.json" ]; then
	echo "bench: agg could not summarise $base.ndjson" >&2
	exit 1
fi
echo "$base.json"
[ "$rc" -ne 0 ] && exit "$rc"
# memsample exits 1 when the process it was told to watch never appeared
# (a SERVER_NAME no process has): the run is kept, but without the server's
# memory it is not the run asked for, and a plan records it as failed
if [ "$mem_rc" -eq 1 ]; then
	echo "bench: memsample ${mem_args[*]}: no process ever matched: $base.json has no memory of the server" >&2
	exit 1
fi
exit "$arc"
