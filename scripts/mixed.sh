#!/usr/bin/env bash
# mixed.sh: the mixed workload by output-length class (make mixed, plan key
# mixed).  At each concurrency level the classes of the set (by default
# prompts/mixed.json: 100, 500 and 2000 output tokens) run side by side,
# then each class alone at the same level: the report puts each class's
# TTFT, E2E and per-request TPS in the mix beside the same class alone, so
# that short requests starving behind long ones show as their ratio.
#
# Configured as bench.sh is (MODEL, BASE_URL, LABELS, SERVER_PID ...), and:
#   CS         the concurrency levels (default: C, else 4)
#   PER_USER   requests per user at each level (default 2): the mixed run
#              sends whole sets, ceil(level x PER_USER / classes) of them,
#              and each class alone gets level x PER_USER requests
#   PROMPTS    the set whose prompts are the classes (prompts/mixed.json)
# Every run is of kind mix (gen --kind), class mixed or alone, with this
# workflow's id as its series.
# Exit status: 0 when every run succeeded, else the first failing one's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
: "${MODEL:?make mixed: set MODEL=label}"
PROMPTS=${PROMPTS:-$here/../prompts/mixed.json}
CS=${CS:-${C:-4}}
PER_USER=${PER_USER:-2}
for c in $CS; do
	case $c in [1-9] | [1-9][0-9] | [1-9][0-9][0-9]) ;; *)
		echo "mixed: CS: '$c' is not a number of users" >&2; exit 2 ;;
	esac
done
classes=$("$bin/gen" -p "$PROMPTS" --list-prompts ${ONLY:+--only "$ONLY"}) || exit 2
n=$(printf '%s\n' "$classes" | grep -c .)
[ "$n" -ge 2 ] || { echo "mixed: $PROMPTS: want two or more prompts (the classes)" >&2; exit 2; }
mixset=$(date -u +%Y%m%dT%H%M%SZ)-$$
rc=0
for c in $CS; do
	reps=$(( (c * PER_USER + n - 1) / n ))
	C=$c N=$reps WARMUP=0 REQUESTS= TAG= \
		LABELS=${LABELS:-} KIND=mix,series=$mixset,class=mixed "$here/bench.sh" || { r=$?; [ $rc -ne 0 ] || rc=$r; }
	case $rc in 130 | 143) exit $rc ;; esac
	for k in $classes; do
		C=$c N=$((c * PER_USER)) WARMUP=0 REQUESTS= ONLY=$k TAG=$k \
			LABELS=${LABELS:-} KIND=mix,series=$mixset,class=alone "$here/bench.sh" || { r=$?; [ $rc -ne 0 ] || rc=$r; }
		case $rc in 130 | 143) exit $rc ;; esac
	done
done
exit $rc
