#!/bin/sh
# Installs what tokbench needs to build, test and draw charts: libcurl,
# cJSON, libcsv, libevent, gnuplot, pkg-config, a C compiler, and curl and
# jq for the shell tests and the workflows that read results (make ctx).
#   .ci/deps.sh               install whatever is missing
#   .ci/deps.sh --if-missing  same, silent when nothing is missing
#   .ci/deps.sh --list        print what is missing, install nothing
#   .ci/deps.sh --build       print what the build itself lacks (compiler,
#                             pkg-config, the libraries), one line, or nothing
# Debian/Ubuntu use apt-get (as root, or through sudo); macOS uses Homebrew.
set -eu

mode=${1:-}
missing=""

# Homebrew's prefix is not on Apple clang's default search path.
brew_cflags=""
if [ "$(uname -s)" = Darwin ] && command -v brew >/dev/null 2>&1; then
	brew_cflags="-I$(brew --prefix)/include"
fi
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
have_header() {
	printf '#include <%s>\n' "$1" |
	    ${CC:-cc} $brew_cflags $(pkg-config --cflags "${2:-}" 2>/dev/null) -E - >/dev/null 2>&1
}

command -v ${CC:-cc} >/dev/null 2>&1 || missing="$missing compiler"
command -v make >/dev/null 2>&1 || missing="$missing make"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
have_pc libcurl || missing="$missing libcurl"
have_pc libcjson || have_header cjson/cJSON.h || missing="$missing cjson"
have_pc libevent || missing="$missing libevent"
have_header csv.h || missing="$missing libcsv"
if [ "$mode" = --build ]; then
	# For the Makefile: one line naming what a plain build lacks.
	[ -z "$missing" ] && exit 0
	hint="make deps"
	command -v apt-get >/dev/null 2>&1 && hint="make deps (apt-get install, as root)"
	command -v brew >/dev/null 2>&1 && hint="make deps (brew install)"
	echo "missing:$missing; install them with: $hint"
	exit 0
fi
command -v gnuplot >/dev/null 2>&1 || missing="$missing gnuplot"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v jq >/dev/null 2>&1 || missing="$missing jq" # the shell tests and make ctx read JSON with it
if [ "$(uname -s)" = Linux ]; then # make check fuzzes with clang's libFuzzer
	command -v clang >/dev/null 2>&1 || missing="$missing clang"
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 ||
		missing="$missing libfuzzer"
fi

if [ -z "$missing" ]; then
	[ "$mode" = --if-missing ] || echo "deps: everything is installed"
	exit 0
fi
if [ "$mode" = --list ]; then
	echo "deps: missing:$missing"
	exit 1
fi

if command -v apt-get >/dev/null 2>&1; then
	pkgs=""
	for m in $missing; do
		case $m in
		compiler) pkgs="$pkgs gcc libc6-dev" ;;
		make) pkgs="$pkgs make" ;;
		pkg-config) pkgs="$pkgs pkg-config" ;;
		libcurl) pkgs="$pkgs libcurl4-openssl-dev" ;;
		cjson) pkgs="$pkgs libcjson-dev" ;;
		libevent) pkgs="$pkgs libevent-dev" ;;
		libcsv) pkgs="$pkgs libcsv-dev" ;;
		gnuplot) pkgs="$pkgs gnuplot-nox" ;;
		curl) pkgs="$pkgs curl" ;;
		jq) pkgs="$pkgs jq" ;;
		clang) pkgs="$pkgs clang" ;;
		libfuzzer) pkgs="$pkgs libclang-rt-dev" ;;
		esac
	done
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "deps: installing with apt-get:$pkgs"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $pkgs
elif command -v brew >/dev/null 2>&1; then
	pkgs=""
	for m in $missing; do
		case $m in
		compiler) echo "deps: install the Xcode command line tools: xcode-select --install" >&2; exit 1 ;;
		make) ;;
		pkg-config) pkgs="$pkgs pkg-config" ;;
		libcurl) pkgs="$pkgs curl" ;;
		cjson) pkgs="$pkgs cjson" ;;
		libevent) pkgs="$pkgs libevent" ;;
		libcsv) pkgs="$pkgs libcsv" ;;
		gnuplot) pkgs="$pkgs gnuplot" ;;
		curl) pkgs="$pkgs curl" ;;
		jq) pkgs="$pkgs jq" ;;
		clang | libfuzzer) ;;
		esac
	done
	echo "deps: installing with Homebrew:$pkgs"
	brew install $pkgs
else
	echo "deps: missing:$missing; no apt-get or Homebrew here, install them by hand" >&2
	exit 1
fi
