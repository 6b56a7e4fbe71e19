#!/usr/bin/env bash
# moe.sh: the MoE study (make moe): which share of a mixture-of-experts
# model's file the server has touched after each domain of prompts, from a
# cold start.  The model file is dropped from the page cache, the server
# started, and the prompt set's domains run in order (a prompt's domain is
# its name up to the first '-': code-1, code-2, prose-1 ...), PASSES times
# (2: cold, then warm).  Each domain is one result of kind moe (gen
# --kind moe,series=ID,pass=P,domain=D) whose page_cache holds the model
# file's share in the page cache, and in the server's mappings, before and
# after it (memsample --page-cache-event; docs/metrics.md, MoE: weights
# touched by domain).
#
# Configured by the environment:
#   MODEL        the model label (required)   BASE_URL  the server's base URL
#   MODEL_FILE   the model's file (required)  RESULTS   results directory
#   START        the server command: started afresh once, after the file
#                was dropped from the page cache, timed to /health; or
#   LOAD_CMD     a command that loads the model into a running server (lms
#                load ...), run after the drop, with UNLOAD run at the end;
#                SERVER_PID names the process that maps the file, if known
#   PROMPTS      the prompt set (default prompts/moe.json)
#   DOMAINS      the domains in order (default: as they first appear)
#   PASSES       passes over the domains (default 2)
#   EVICT        1: after the load, page the file out of the server and the
#                page cache (memsample --evict-page-cache), for servers that
#                read the whole file at load (llama.cpp: docs/servers.md);
#                0 (default): measure from the load on.  Needs START or
#                SERVER_PID, as do the figures of the server's mappings
#   MAX_TOKENS, LABELS, MODEL_ID, GEN_ARGS   as for make bench
# Exit status: 0 when every domain's run succeeded, 1 when one failed or
# the server did not come up, 2 a usage error, 130/143 on a signal.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
: "${MODEL:?make moe: set MODEL=label}"
: "${MODEL_FILE:?make moe: set MODEL_FILE=the model file}"
if [ -z "${START:-}" ] && [ -z "${LOAD_CMD:-}" ]; then
	echo "moe: say how to load: START=<server command> or LOAD_CMD=<command>" >&2
	exit 2
fi
BASE_URL=${BASE_URL:-${OPENAI_BASE_URL:-http://localhost:1234/v1}}
RESULTS=${RESULTS:-results}
PROMPTS=${PROMPTS:-$here/../prompts/moe.json}
PASSES=${PASSES:-2}
case $PASSES in [1-9]) ;; *) echo "moe: PASSES=$PASSES: want 1 to 9" >&2; exit 2 ;; esac
case ${EVICT:-0} in 0 | 1) ;; *) echo "moe: EVICT=$EVICT: want 0 or 1" >&2; exit 2 ;; esac
[ -r "$MODEL_FILE" ] || { echo "moe: MODEL_FILE=$MODEL_FILE: cannot read it" >&2; exit 2; }
safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-80; }
names=$("$bin/gen" -p "$PROMPTS" --list-prompts) || exit 2
[ -n "${DOMAINS:-}" ] || DOMAINS=$(printf '%s\n' "$names" | sed 's/-.*//' | awk '!seen[$0]++')
mkdir -p "$RESULTS" || exit 1
series=$(date -u +%Y%m%dT%H%M%SZ)-$$
server=
pid=${SERVER_PID:-}
stop_server() {
	if [ -z "${START:-}" ]; then
		[ -n "${UNLOAD:-}" ] && { sh -c "$UNLOAD" >/dev/null 2>&1 || echo "moe: UNLOAD failed: $UNLOAD" >&2; }
		UNLOAD=
		return 0
	fi
	[ -n "$server" ] || return 0
	kill -TERM "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=
}
trap 'stop_server; exit 130' INT
trap 'stop_server; exit 143' TERM

"$bin/memsample" --drop-page-cache "$MODEL_FILE" || exit 1
base="$RESULTS/$(safe "$MODEL")-moe-$series"
if [ -n "${START:-}" ]; then
	since=$("$bin/gen" --print-clock) || exit 1
	sh -c "exec $START" >"$base.server.log" 2>&1 &
	server=$!
	pid=$server
	# the load, timed to /health 200 (gen gives up on its own bound)
	load=(--load-health --load-since "$since" --load-pid "$server")
else
	load=(--load-cmd "$LOAD_CMD")
fi
"$bin/gen" -m "$MODEL" -u "$BASE_URL" --load-only --no-progress "${load[@]}" \
	</dev/null >"$base-load.ndjson" 2>>"$base.err" || {
	echo "moe: $MODEL: the model did not load: $(tail -n 1 "$base.err")" >&2
	stop_server
	exit 1
}
if [ "${EVICT:-0}" = 1 ]; then
	[ -n "$pid" ] || { echo "moe: EVICT=1 needs START or SERVER_PID" >&2; stop_server; exit 2; }
	"$bin/memsample" --evict-page-cache "$MODEL_FILE" -p "$pid" || { stop_server; exit 1; }
fi
who=()
[ -n "$pid" ] && who=(-p "$pid")
labels=()
for kv in ${LABELS:-}; do labels+=(-l "$kv"); done
extra=()
[ -n "${MODEL_ID:-}" ] && extra+=(--model-id "$MODEL_ID")
[ -n "${MAX_TOKENS:-}" ] && extra+=(--max-tokens "$MAX_TOKENS")
# the file's share now, as an event beside the domain's run
pc() { "$bin/memsample" --page-cache-event "$MODEL_FILE" ${who[@]+"${who[@]}"} >>"$out.pc.ndjson"; }
rc=0
for pass in $(seq 1 "$PASSES"); do
	for d in $DOMAINS; do
		only=$(printf '%s\n' "$names" | grep "^$d-" | paste -sd, -)
		[ -n "$only" ] || { echo "moe: no prompt of domain $d in $PROMPTS" >&2; rc=2; break 2; }
		out="$base-p$pass-$(safe "$d")"
		pc || { rc=1; break 2; }
		# greedy and without gen's nonce: the warm pass sends what the
		# cold one did, token for token (a nonce's tokens go to experts too)
		# shellcheck disable=SC2086
		"$bin/gen" -m "$MODEL" -u "$BASE_URL" -p "$PROMPTS" --only "$only" --no-progress \
			--warmup 0 --temperature 0 --seed 1 --no-cache-bust ${labels[@]+"${labels[@]}"} ${extra[@]+"${extra[@]}"} \
			--kind "moe,series=$series,pass=$pass,domain=$d" ${GEN_ARGS:-} \
			</dev/null >"$out.ndjson" 2>>"$out.err"
		r=$?
		pc || r=1
		case $r in 130 | 143) stop_server; exit $r ;; esac
		"$bin/agg" -o "$out.json" "$out.ndjson" "$out.pc.ndjson" 2>>"$out.err" && echo "$out.json"
		if [ $r -ne 0 ] || [ ! -s "$out.json" ]; then
			echo "moe: $MODEL: pass $pass, $d failed: $(tail -n 1 "$out.err")" >&2
			rc=1
			break 2
		fi
	done
done
stop_server
exit $rc
