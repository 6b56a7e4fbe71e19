#!/usr/bin/env bash
# ctx.sh: the context ladder (make ctx, plan key ladder).  Climbs prompt
# depths, by default 1k 4k 16k 32k 64k 128k tokens of context, each a few
# times, with cache busting on (gen's default: the prefix cache cannot fake
# the prefill) and memory sampled: TTFT, prefill and decode TPS and memory
# at each depth.  A depth is the whole prompt's tokens by the server's own
# count (gen --prompt-tokens: a filler before the question, brought to
# exactly d as gen --bench brings its prompt); a depth that cannot be
# brought to d (beyond the loaded context, no count from the server) is
# run with nothing sent, its result saying why, and the ladder stops there.  It stops at the first depth where a request fails (HTTP
# error, context overflow, timeout, the server gone) and at the model's
# advertised context; the failing depth's result keeps why
# (requests.first_error), so the report can say where and why it stopped.
#
# Configured as bench.sh is (MODEL, BASE_URL, LABELS, SERVER_PID or
# SERVER_NAME, MODEL_ID, RESULTS, TIMEOUT_FIRST ...), and:
#   DEPTHS       the depths in tokens (default "1000 4000 16000 32000 64000 128000")
#   N            repetitions at each depth (default 3)
#   MAX_TOKENS   output tokens of each request (default 64)
# Each depth is one result, of kind ladder (gen --kind) with this ladder's
# id as its series and its depth in tokens; the report draws them as one
# ladder.
# Exit status: 0 when the ladder ran (also when it stopped at a failing
# depth: that is its finding), 1 when no depth could be run at all or a
# run failed with no request failing (no memory of the server, say), 2 a
# usage error, 130/143 when stopped by a signal.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${MODEL:?make ctx: set MODEL=label}"
command -v jq >/dev/null || { echo "ctx: jq is needed to read the results (make deps)" >&2; exit 2; }
DEPTHS=${DEPTHS:-1000 4000 16000 32000 64000 128000}
RESULTS=${RESULTS:-results}
for d in $DEPTHS; do
	case $d in
	[1-9]*[0-9] | [1-9]) ;;
	*) echo "ctx: DEPTHS: '$d' is not a number of tokens" >&2; exit 2 ;;
	esac
done
ladder=$(date -u +%Y%m%dT%H%M%SZ)-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctx.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
advertised=
ran=0
for d in $DEPTHS; do
	if [ -n "$advertised" ] && [ "$d" -ge "$advertised" ]; then
		echo "ctx: $MODEL: $d tokens is beyond the advertised context ($advertised): the ladder ends at it" >&2
		break
	fi
	printf '{"depth-%d": {"prompt": "In one sentence, what is the text above about?", "max_tokens": %d, "category": "context ladder"}}\n' \
		"$d" "${MAX_TOKENS:-64}" >"$tmp/depth-$d.json"
	PROMPTS=$tmp/depth-$d.json N=${N:-3} WARMUP=0 ONLY= REQUESTS= RATE= C=1 TAG=ctx \
		GEN_ARGS="${GEN_ARGS:-} --prompt-tokens $d" \
		LABELS=${LABELS:-} KIND=ladder,series=$ladder,depth=$d "$here/bench.sh" >"$tmp/path"
	rc=$?
	result=$(cat "$tmp/path")
	case $rc in 130 | 143) exit "$rc" ;; esac
	[ -n "$result" ] && [ -s "$result" ] || { echo "ctx: $MODEL: no result at $d tokens" >&2; break; }
	ran=$((ran + 1))
	echo "$result"
	# The model's own context, from the first result's run event (the
	# loaded one when the server tells only that).
	if [ -z "$advertised" ]; then
		advertised=$(head -n 1 "${result%.json}.ndjson" |
			jq -r '.server | .ctx_train // .ctx_size // empty | select(type == "number")' 2>/dev/null)
	fi
	if [ "$rc" -ne 0 ]; then
		why=$(jq -r '.requests.first_error // .run.config.prompt_count.why // empty' "$result")
		if [ -z "$why" ]; then
			# every request answered: the run failed for another reason
			# (bench said which), not the ladder's finding
			echo "ctx: $MODEL: the run at $d tokens failed (exit $rc) with no request failing: the ladder stops" >&2
			exit 1
		fi
		echo "ctx: $MODEL: stopped at $d tokens: $why" >&2
		break
	fi
done
[ "$ran" -gt 0 ]
