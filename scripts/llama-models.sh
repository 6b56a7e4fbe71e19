#!/usr/bin/env bash
# llama-models.sh: the random-weight test models for a real llama-server,
# made here (no download): tests/helpers/mkgguf writes each in f16, the
# llama-quantize of scripts/llama-build.sh makes its Q8_0 and Q4_K_M.
#
#   tiny-llama     llama, 2 layers, 256 wide, 1,024-token vocabulary  (~3 MB f16)
#   tiny-qwen3moe  qwen3moe, 2 layers, 8 experts of which 2 used      (~8 MB f16)
#   big-llama      llama, 12 layers, 1,024 wide, 32,768-token vocabulary
#                  (~400 MB f16): prefill, decode and memory large enough
#                  to measure; only with --big
#   moe-study      qwen3moe, 2 layers, 128 wide, 128 experts of which 2 used
#                  (~51 MB f16, 96 % of it experts, each expert's matrix
#                  64 KiB): make moe's model, where a token touches 2 of 128
#                  experts per layer, so that domains of prompts touch
#                  different shares of the file; only with --moe, which
#                  makes and prints it alone (t1050)
#
# The models go beside the binaries they were quantized with,
# $TB_LLAMA_CACHE/llama-<version>/models (see llama-build.sh).  The f16
# file is written afresh each time (mkgguf is deterministic: a change in
# it shows as a new checksum); the quantizations are remade only when the
# f16 file changed.  Prints the models' paths, one a line, smallest first.
#
#   scripts/llama-models.sh [--big | --moe]  make what is missing, print
#   scripts/llama-models.sh --where [--big]  print what is there, make
#                                            nothing (exit 1 if any is missing)
#   LLAMA_BIN   the folder with llama-quantize (default: llama-build.sh's)
#   MKGGUF      the writer (default: build/release/tests/mkgguf, made with make)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
where=0
big=0
moe=0
for a in "$@"; do
	case $a in
	--where) where=1 ;;
	--big) big=1 ;;
	--moe) moe=1 ;;
	*)
		echo "usage: scripts/llama-models.sh [--where] [--big | --moe]" >&2
		exit 2
		;;
	esac
done
say() { echo "llama-models: $*" >&2; }
die() {
	say "$*"
	exit 1
}

# name, then mkgguf's options (seed 1 unless given)
models=("tiny-llama -a llama -l 2 -e 256 -f 512 -H 4 -k 2 -v 1024"
	"tiny-qwen3moe -a qwen3moe -l 2 -e 256 -f 256 -H 4 -k 2 -v 1024 -x 8 -u 2")
# the end of turn's bias for a vocabulary 32 times larger: stops after
# about 60 tokens, as the tiny ones' 3 gives about 30
[ $big -eq 1 ] && models+=("big-llama -a llama -l 12 -e 1024 -f 2816 -H 16 -k 4 -v 32768 -b 5")
[ $moe -eq 1 ] && models=("moe-study -a qwen3moe -l 2 -e 128 -f 256 -H 4 -k 2 -v 1024 -x 128 -u 2")

bin=${LLAMA_BIN:-$("$here/llama-build.sh" --where 2>/dev/null || true)}
[ -n "$bin" ] || die "no llama.cpp build: run scripts/llama-build.sh (or set LLAMA_BIN)"
dir=$(cd "$bin/.." && pwd)/models

paths() { # NAME: the model's files, smallest first
	local q
	for q in Q4_K_M Q8_0 F16; do
		echo "$dir/$1-$q.gguf"
	done
}

if [ $where -eq 1 ]; then
	list=$(for m in "${models[@]}"; do paths "${m%% *}"; done)
	for p in $list; do
		[ -f "$p" ] || exit 1
	done
	echo "$list"
	exit 0
fi

[ -x "$bin/llama-quantize" ] || die "no $bin/llama-quantize"
mk=${MKGGUF:-$top/build/release/tests/mkgguf}
if [ -z "${MKGGUF:-}" ]; then
	make -s -C "$top" build/release/tests/mkgguf >&2 || die "could not build mkgguf"
fi
mkdir -p "$dir"
for m in "${models[@]}"; do
	name=${m%% *}
	opts=${m#* }
	f16=$dir/$name-F16.gguf
	# shellcheck disable=SC2086 # the options are words
	"$mk" $opts -n "$name" -o "$dir/.$name.new" >/dev/null || die "mkgguf failed for $name"
	sum=$(sha256sum "$dir/.$name.new" | cut -d ' ' -f 1)
	if [ -f "$f16" ] && [ "$(cat "$dir/$name.sha256" 2>/dev/null)" = "$sum" ] &&
	   [ -f "$dir/$name-Q8_0.gguf" ] && [ -f "$dir/$name-Q4_K_M.gguf" ]; then
		rm -f "$dir/.$name.new"
	else
		mv "$dir/.$name.new" "$f16"
		for q in Q8_0 Q4_K_M; do
			"$bin/llama-quantize" "$f16" "$dir/.$name-$q.new" "$q" >"$dir/$name-$q.log" 2>&1 ||
				die "llama-quantize $name $q failed: see $dir/$name-$q.log"
			mv "$dir/.$name-$q.new" "$dir/$name-$q.gguf"
		done
		echo "$sum" >"$dir/$name.sha256"
		say "$name: written and quantized ($(du -h "$f16" | cut -f 1) f16)"
	fi
done
for m in "${models[@]}"; do
	paths "${m%% *}"
done
