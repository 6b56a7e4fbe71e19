#!/usr/bin/env bash
# sweep.sh: a concurrency sweep: one bench run per level in CS.
#   CS          levels (default "1 2 4 8 16")
#   PER_USER    measured requests per concurrent user at each level (4)
# Every level sends whole prompt sets (ONLY= respected), the same prompts
# in the same proportions, so that the levels differ by load alone: the
# set R times, R = ceil(C x PER_USER / prompts).  A level's numbers are
# then comparable with every other level's (docs/report.md).
# Every other variable as for bench.sh (MODEL, BASE_URL, PROMPTS, ...).
# The exit status is the worst of the runs'.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${MODEL:?make sweep: set MODEL=label}"
CS=${CS:-1 2 4 8 16}
PER_USER=${PER_USER:-4}
bin=${TB_BIN:-$here/../bin}
only=()
[ -n "${ONLY:-}" ] && only=(--only "$ONLY")
np=$("$bin/gen" --list-prompts -p "${PROMPTS:-$here/../prompts/std.json}" "${only[@]}" | wc -l) || exit 2
[ "$np" -gt 0 ] || { echo "sweep: no prompts in ${PROMPTS:-prompts/std.json}" >&2; exit 2; }
worst=0
series=$(date -u +%Y%m%dT%H%M%SZ)-$$
for c in $CS; do
	case $c in
	'' | *[!0-9]* | 0) echo "sweep: CS: '$c' is not a concurrency level" >&2; exit 2 ;;
	esac
	echo "sweep: $MODEL at $c concurrent user$([ "$c" = 1 ] || echo s)" >&2
	C=$c N=$(((c * PER_USER + np - 1) / np)) REQUESTS= TAG=${TAG:-sweep} \
		KIND=sweep,series=$series "$here/bench.sh"
	rc=$?
	[ $rc -gt $worst ] && worst=$rc
	[ $rc -ge 128 ] && exit $rc # stopped by a signal: stop the sweep too
done
exit $worst
