#!/usr/bin/env bash
# tour.sh: runs the README's "five-minute tour" exactly as written, in a
# clean clone of this checkout, and fails when a command fails, when it
# takes five minutes or more, or when it leaves a process behind.  CI runs
# it after make check (it needs port 1234 free: the tour's own).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tb-tour.XXXXXX")
trap 'rm -rf "$work"' EXIT
git clone -q "$top" "$work/tokbench"
cd "$work/tokbench"
# the shell blocks of the section, in order
sed -n '/^## A five-minute tour/,/^## /p' README.md |
	awk '/^```sh/ { f = 1; next } /^```/ { f = 0 } f' >"$work/tour.sh"
[ -s "$work/tour.sh" ] || { echo "tour: README.md has no tour commands" >&2; exit 1; }
start=$SECONDS
set -m # the tour's background job gets a group of its own, to check after
if ! bash -e "$work/tour.sh" >"$work/tour.log" 2>&1; then
	tail -n 30 "$work/tour.log" >&2
	echo "tour: a command of the README's tour failed" >&2
	exit 1
fi
took=$((SECONDS - start))
jq -e '.metrics.decode_tps.mean > 0' run.json >/dev/null ||
	{ echo "tour: run.json has no decode speed" >&2; exit 1; }
test -s reports/report.md || { echo "tour: no reports/report.md" >&2; exit 1; }
cd "$work"
for p in /proc/[0-9]*; do
	if [ "$(readlink "$p/cwd" 2>/dev/null)" = "$work/tokbench" ]; then
		echo "tour: left a process running: $(tr '\0' ' ' <"$p/cmdline")" >&2
		kill "${p#/proc/}" 2>/dev/null
		exit 1
	fi
done
echo "tour: the README's tour ran as written in ${took} s"
[ "$took" -lt 300 ] || { echo "tour: it took five minutes or more" >&2; exit 1; }
