#!/usr/bin/env bash
# llama-build.sh: builds llama.cpp's llama-server, llama-quantize,
# llama-bench and llama-perplexity from the llama.cpp release that the npm
# package node-llama-cpp ships as a git bundle (llama/gitRelease.bundle),
# for one pinned package version whose tarball is checked against the
# checksums pinned below.  CPU only, no web UI, no HTTPS, nothing fetched
# but the package; x86 features named, never the build machine's own
# (-march=native would use instructions that a VM may advertise and fault
# on: AMX here killed every quantized model with SIGILL).
#
# The binaries are kept, keyed by package version, in
#   $TB_LLAMA_CACHE/llama-<version>/bin
# (TB_LLAMA_CACHE defaults to ${XDG_CACHE_HOME:-~/.cache}/tokbench), beside
# BUILD-INFO (what was built, how, how long); a later run finds them there
# and builds nothing.  The clone and its build tree are temporary.
#
#   scripts/llama-build.sh          build unless cached; print the bin folder
#   scripts/llama-build.sh --where  print the bin folder if built, else exit 1
# stdout holds the bin folder's path and nothing else; progress goes to
# stderr, the compiler's output to build.log in the cache folder.
#   JOBS=N   compile jobs (default: the number of processors)
# Needs npm, git, cmake, g++ and make or ninja.  Exit status: 0 built or
# found, 1 a step failed (said on stderr), 2 a usage error.
set -euo pipefail

# The package and its tarball's checksums, as `npm view
# node-llama-cpp@VERSION dist.integrity dist.shasum` gives them.  Its
# bundle holds llama.cpp release v0.5.0 (llama/llama.cpp.info.json).
version=3.22.1
integrity=sha512-bltIipuWmc123H7tMIgDGKSsSrhmhlQYeVUC48XTjVW7XGJJiJJyCdlTMzQ/LiWoPkGDpcL4FviDpgw7qfTiDw==
shasum=e908932762f21939024263d58f1d6dc3e88b23e6

targets=(llama-server llama-quantize llama-bench llama-perplexity)
cache=${TB_LLAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tokbench}
dest=$cache/llama-$version

say() { echo "llama-build: $*" >&2; }
die() {
	say "$*"
	exit 1
}

# What the compiler is told, besides the version (below).  On x86-64 the
# features are named; elsewhere the architecture's defaults stand.
cmake_opts=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF
	-DGGML_NATIVE=OFF -DGGML_CCACHE=OFF -DGGML_OPENMP=ON
	-DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF
	-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF)
if [ "$(uname -m)" = x86_64 ]; then
	cmake_opts+=(-DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON
		-DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX_VNNI=OFF -DGGML_AVX512=OFF
		-DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF
		-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF)
fi

# The recipe: a cached build is reused only if it was made the same way.
recipe="node-llama-cpp@$version $integrity ${cmake_opts[*]}"
built() {
	[ -x "$dest/bin/llama-server" ] && [ -f "$dest/recipe" ] &&
		[ "$(cat "$dest/recipe")" = "$recipe" ]
}
case ${1:-} in
'') ;;
--where)
	built || exit 1
	echo "$dest/bin"
	exit 0
	;;
*)
	echo "usage: scripts/llama-build.sh [--where]" >&2
	exit 2
	;;
esac
if built; then
	say "cached: $dest/bin"
	echo "$dest/bin"
	exit 0
fi

for c in npm git cmake c++ od base64 sha1sum sha512sum; do
	command -v "$c" >/dev/null 2>&1 || die "no $c here (Debian: apt-get install npm git cmake g++)"
done
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)

mkdir -p "$cache"
work=$(mktemp -d "$cache/.build-$version.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
t0=$SECONDS

say "node-llama-cpp@$version from the npm registry"
(cd "$work" && npm pack --silent "node-llama-cpp@$version" >/dev/null 2>"$work/npm.err") ||
	die "npm pack failed: $(tail -n 1 "$work/npm.err")"
tgz=$work/node-llama-cpp-$version.tgz
[ -f "$tgz" ] || die "npm pack left no $tgz"
# integrity is base64 of the SHA-512: compared as hex, with coreutils only
want512=$(printf '%s' "${integrity#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
got512=$(sha512sum "$tgz" | cut -d ' ' -f 1)
got1=$(sha1sum "$tgz" | cut -d ' ' -f 1)
[ "$got512" = "$want512" ] && [ "$got1" = "$shasum" ] ||
	die "the tarball's checksums are not the pinned ones (sha1 $got1, want $shasum): not built"

tar -xzf "$tgz" -C "$work" package/llama/gitRelease.bundle package/llama/llama.cpp.info.json
tag=$(sed -n 's/.*"tag": *"\([^"]*\)".*/\1/p' "$work/package/llama/llama.cpp.info.json")
[ -n "$tag" ] || die "no release tag in the package's llama/llama.cpp.info.json"
git clone -q "$work/package/llama/gitRelease.bundle" "$work/src" 2>"$work/git.err" ||
	die "git clone of the bundle failed: $(tail -n 1 "$work/git.err")"
commit=$(git -C "$work/src" rev-parse --short=7 HEAD)
[ -d "$work/src/tools/server" ] || die "the bundle's tree has no tools/server"

# The bundle is one squashed commit, so llama.cpp's own count would call it
# build 1 (b1-<squash>).  llama.cpp writes its version as b<number>-<commit>
# with an integer number: the nightly number of this release is not in the
# package, so it is 0, and the commit field carries the release tag.  The
# release is built as released (no -dev suffix).
vopts=(-DLLAMA_BUILD_NUMBER=0 -DLLAMA_BUILD_COMMIT="$tag" -DLLAMA_BUILD_IS_DEV=OFF)

log=$work/build.log
say "llama.cpp $tag (bundle commit $commit): configuring (log: $dest/build.log)"
cmake -S "$work/src" -B "$work/build" ${gen[@]+"${gen[@]}"} "${cmake_opts[@]}" "${vopts[@]}" \
	>"$log" 2>&1 || { mkdir -p "$dest" && cp "$log" "$dest/build.log"; die "cmake failed: see $dest/build.log"; }
say "building ${targets[*]} with ${JOBS:-$(nproc)} jobs (several minutes)"
cmake --build "$work/build" -j "${JOBS:-$(nproc)}" --target "${targets[@]}" >>"$log" 2>&1 ||
	{ mkdir -p "$dest" && cp "$log" "$dest/build.log"; die "the build failed: see $dest/build.log"; }

# Into place: a new bin folder beside the old, then renamed over it.
mkdir -p "$dest"
rm -rf "$dest/bin.new"
mkdir "$dest/bin.new"
for t in "${targets[@]}"; do
	cp "$work/build/bin/$t" "$dest/bin.new/" || die "the build made no $t"
done
info=$("$dest/bin.new/llama-server" --version 2>&1 | sed -n 's/^version: //p')
rm -rf "${dest:?}/bin"
mv "$dest/bin.new" "$dest/bin"
cp "$log" "$dest/build.log"
{
	echo "package: node-llama-cpp@$version ($integrity)"
	echo "llama.cpp: $tag, bundle commit $commit"
	echo "llama-server --version: $info"
	echo "cmake: ${cmake_opts[*]} ${vopts[*]}"
	echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $((SECONDS - t0)) s with ${JOBS:-$(nproc)} jobs on $(uname -m)"
} >"$dest/BUILD-INFO"
printf '%s\n' "$recipe" >"$dest/recipe"
say "built in $((SECONDS - t0)) s: $dest/bin ($info)"
echo "$dest/bin"
