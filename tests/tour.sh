#!/usr/bin/env bash
# tour.sh: runs the README's "five-minute tour" exactly as written, in a
# clean clone of this checkout, and fails when a command fails, when it
# takes five minutes or more, or when it leaves a process behind.  CI runs
# it after make check (it needs port 1234 free: the tour's own).
#   tests/tour.sh              the tour in a clone, as the README says
#   tests/tour.sh --installed  the tour as a user of the installed package
#                              runs it (CI, in a Debian root with the .deb):
#                              no checkout, the tools as tokbench-TOOL on
#                              PATH, the prompt sets of PREFIX/share/tokbench
#                              (TB_PREFIX, default /usr) as prompts/; bin/TOOL
#                              becomes tokbench-TOOL, make report becomes
#                              tokbench-report on the tour's run, and the
#                              other make lines (the build, make bench and
#                              make sweep: workflows of the source tree,
#                              which the package does not install) are left
#                              out, each named on stderr
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
installed=""
[ "${1:-}" = --installed ] && installed=1
work=$(mktemp -d "${TMPDIR:-/tmp}/tb-tour.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -n "$installed" ]; then
	mkdir "$work/tokbench"
	ln -s "${TB_PREFIX:-/usr}/share/tokbench/prompts" "$work/tokbench/prompts"
	readme=$top/README.md
else
	git clone -q "$top" "$work/tokbench"
	readme=$work/tokbench/README.md
fi
cd "$work/tokbench"
# the shell blocks of the section, in order
sed -n '/^## A five-minute tour/,/^## /p' "$readme" |
	awk '/^```sh/ { f = 1; next } /^```/ { f = 0 } f' >"$work/tour.sh"
[ -s "$work/tour.sh" ] || { echo "tour: README.md has no tour commands" >&2; exit 1; }
if [ -n "$installed" ]; then
	grep '^make' "$work/tour.sh" | grep -v '^make report' | sed 's/^/tour: left out (source tree): /' >&2 || true
	sed -i -e 's|^make report.*|mkdir -p reports \&\& tokbench-report -o reports/report.md run.json|' \
		-e '/^make/d' -e 's|bin/\([a-z]*\)|tokbench-\1|g' "$work/tour.sh"
	grep -q '^tokbench-gen ' "$work/tour.sh" ||
		{ echo "tour: the installed tour runs no tokbench-gen" >&2; exit 1; }
fi
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
how="as written"
[ -z "$installed" ] || how="with the installed tools"
echo "tour: the README's tour ran $how in ${took} s"
[ "$took" -lt 300 ] || { echo "tour: it took five minutes or more" >&2; exit 1; }
