#!/usr/bin/env bash
# community.sh: llama-bench's tests through the server (make community):
# each of TESTS at each of DEPTHS is one gen --bench run (a prompt of
# exactly N tokens by the server's count, N repetitions after a warm-up)
# aggregated by agg into RESULTS; the report prints them in llama-bench's
# table (Community figures), beside llama-bench's own with report
# --llama-bench.  Prints each result's path.
#   MODEL      the run's label (required); BASE_URL, MODEL_ID, LABELS as bench.sh
#   TESTS      llama-bench's tests (default "pp512 tg128")
#   DEPTHS     depths in tokens (default 0)
#   N, WARMUP  repetitions (default 5) and warm-up requests (default 1)
#   RESULTS    the folder of results (default results)
# Exit status: 0 every test ran, 1 one failed (said on stderr), 2 usage.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
: "${MODEL:?make community: set MODEL=label}"
RESULTS=${RESULTS:-results}
series=$(date -u +%Y%m%dT%H%M%SZ)-$$
mkdir -p "$RESULTS" || exit 1
labels=()
for kv in ${LABELS:-}; do labels+=(-l "$kv"); done
rc=0
for d in ${DEPTHS:-0}; do
	for t in ${TESTS:-pp512 tg128}; do
		case $t in
		pp[1-9]* | tg[1-9]*) ;;
		*) echo "community: TESTS: '$t' is not ppN or tgN" >&2; exit 2 ;;
		esac
		out=$RESULTS/$MODEL-$t-d$d-$series
		"$bin/gen" -m "$MODEL" ${BASE_URL:+-u "$BASE_URL"} ${MODEL_ID:+--model-id "$MODEL_ID"} \
			--no-progress --bench "$t@d$d" \
			--kind "bench,series=$series,test=${t:0:2},n=${t:2},depth=$d" \
			${N:+-n "$N"} ${WARMUP:+--warmup "$WARMUP"} "${labels[@]}" >"$out.ndjson"
		case $? in 0) ;; 130 | 143) exit $? ;; *) rc=1; continue ;; esac
		"$bin/agg" "$out.ndjson" >"$out.json" || { rc=1; continue; }
		echo "$out.json"
	done
done
exit "$rc"
