#!/usr/bin/env bash
# teacher.sh: the teacher-forced level of quality (#25 level c) of one
# server, after make quality's graded answers: the reference's own greedy
# outputs fed to this server token by token, each position's distribution
# recorded (gen --teacher-force; docs/gen.md, TEACHER FORCING).
#
# Configured by the environment (make quality passes its variables):
#   MODEL, LABELS, MODEL_ID, BASE_URL, RESULTS   as for scripts/bench.sh
#   REFERENCE   the reference's pass (a -tf.ndjson this script wrote on the
#               reference's server); empty: this server is the reference
#   TF_PROMPTS  the prompts whose outputs are fed (prompts/std.json)
#   TF_TOKENS   tokens of each output fed (128)
#   TF_K        alternatives per position (20)
# On the reference: its greedy outputs with token ids (-ids.ndjson), then
# its own pass (-tf.ndjson), named for the candidates' REFERENCE=.  On a
# candidate: its pass of REFERENCE, and agg --reference's run JSON
# (-tf.json), whose quality.teacher_forced the report reads.  A server that
# takes no token ids with their logprobs (Ollama, LM Studio, mlx_lm.server)
# is said to lack the level, in gen's one line, and the script exits 0:
# the graded answers still stand.  Any other failure exits 1.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
: "${MODEL:?teacher: set MODEL=label}"
BASE_URL=${BASE_URL:-${OPENAI_BASE_URL:-http://localhost:1234/v1}}
RESULTS=${RESULTS:-results}
TF_PROMPTS=${TF_PROMPTS:-$here/../prompts/std.json}
TF_TOKENS=${TF_TOKENS:-128}
TF_K=${TF_K:-20}
safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-80; }

g=("$bin/gen" -m "$MODEL" -u "$BASE_URL" --no-progress)
name=$(safe "$MODEL")
for kv in ${LABELS:-}; do
	g+=(-l "$kv")
	name+="-$(safe "${kv#*=}")"
done
[ -n "${MODEL_ID:-}" ] && g+=(--model-id "$MODEL_ID")
mkdir -p "$RESULTS" || exit 1
base="$RESULTS/$name-$(date -u +%Y%m%dT%H%M%SZ)"
i=2
while [ -e "$base-tf.ndjson" ]; do
	base="$RESULTS/$name-$(date -u +%Y%m%dT%H%M%SZ)-$i"
	i=$((i + 1))
done

# pass SOURCE [gen options]: this server's pass of SOURCE into base-tf.ndjson;
# 0 fed, 3 the level is missing on this server (said), 1 failed (said)
pass() {
	local src=$1
	shift
	"${g[@]}" --teacher-force "$src" --logprobs "$TF_K" --max-tokens "$TF_TOKENS" "$@" \
		>"$base-tf.ndjson" 2>"$base-tf.err"
	local rc=$?
	if grep -q "is missing there" "$base-tf.err"; then
		echo "teacher: $(grep -m 1 "is missing there" "$base-tf.err")" >&2
		rm -f "$base-tf.ndjson" "$base-tf.err"
		return 3
	fi
	cat "$base-tf.err" >&2
	rm -f "$base-tf.err"
	[ "$rc" -eq 0 ] || { echo "teacher: the pass on $BASE_URL failed (exit $rc): $base-tf.ndjson" >&2; return 1; }
}

if [ -z "${REFERENCE:-}" ]; then
	"${g[@]}" -p "$TF_PROMPTS" --max-tokens "$TF_TOKENS" --temperature 0 --seed 1 \
		--logprobs "$(( TF_K > 20 ? 20 : TF_K ))" >"$base-ids.ndjson" || {
		echo "teacher: the reference's greedy outputs failed: $base-ids.ndjson" >&2
		exit 1
	}
	pass "$base-ids.ndjson" -p "$TF_PROMPTS"
	case $? in 0) ;; 3) exit 0 ;; *) exit 1 ;; esac
	echo "teacher: the reference's pass is $base-tf.ndjson: give it to each candidate's make quality as REFERENCE=" >&2
	echo "$base-tf.ndjson"
	exit 0
fi
[ -s "$REFERENCE" ] || { echo "teacher: REFERENCE=$REFERENCE: no such pass (make quality on the reference writes it)" >&2; exit 2; }
pass "$REFERENCE"
case $? in 0) ;; 3) exit 0 ;; *) exit 1 ;; esac
"$bin/agg" -o "$base-tf.json" --reference "$REFERENCE" "$base-tf.ndjson" || exit 1
echo "$base-tf.json"
