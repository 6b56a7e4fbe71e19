#!/usr/bin/env bash
# sweep.sh: a concurrency sweep: one bench run per level in CS.
#   CS          levels (default "1 2 4 8 16")
#   PER_USER    measured requests per concurrent user at each level (4)
# Every other variable as for bench.sh (MODEL, BASE_URL, PROMPTS, ...).
# The exit status is the worst of the runs'.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${MODEL:?make sweep: set MODEL=label}"
CS=${CS:-1 2 4 8 16}
PER_USER=${PER_USER:-4}
worst=0
for c in $CS; do
	case $c in
	'' | *[!0-9]* | 0) echo "sweep: CS: '$c' is not a concurrency level" >&2; exit 2 ;;
	esac
	echo "sweep: $MODEL at $c concurrent users" >&2
	C=$c REQUESTS=$((c * PER_USER)) TAG=${TAG:-sweep} "$here/bench.sh"
	rc=$?
	[ $rc -gt $worst ] && worst=$rc
	[ $rc -ge 128 ] && exit $rc # stopped by a signal: stop the sweep too
done
exit $worst
