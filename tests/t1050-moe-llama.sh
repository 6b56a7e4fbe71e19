#!/usr/bin/env bash
# The MoE study (make moe) on the real build: llama-server on moe-study, a
# qwen3moe of 128 experts of which a token uses 2 per layer
# (scripts/llama-models.sh --moe, made here when missing: seconds).  From
# a dropped cache the server's load reads the whole file (llama.cpp
# prefetches its mapping: docs/servers.md), so the study pages it out
# after the load (EVICT=1); then the cold pass over the domains grows the
# share of the file the server has mapped, and the warm pass adds nothing.
# The eviction takes CAP_SYS_NICE and the right to write the model file
# (root); without them memsample fails, and so does this test.
#
# Without the build the file says it did not run (a "# SKIP" line); with
# TB_REQUIRE_LLAMA=1, as .ci/run sets, that is a failure saying why.
#   LLAMA_SERVER     the server (default: the cached build); llama-quantize beside it
#   TB_LLAMA_MODELS  the models: its moe-study F16 is used, else
#                    llama-models.sh --moe makes one
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
export TB_BIN

llama=${LLAMA_SERVER:-}
[ -n "$llama" ] || llama=$("$SCRIPTS/llama-build.sh" --where 2>/dev/null)/llama-server
case $llama in /*) ;; *) llama=$PWD/$llama ;; esac
why=
if [ ! -x "$llama" ]; then
	why="no llama-server (${LLAMA_SERVER:-none built}): run scripts/llama-build.sh, or set LLAMA_SERVER"
	llama_unavailable "make moe on llama-server" "$why"
fi
# the model: from TB_LLAMA_MODELS, else made beside the build (F16: the
# CPU backend repacks Q4_0 and Q4_K into memory of its own at load, and
# those weights are then never read from the file)
# (.ci/run's TB_LLAMA_MODELS names the dense test models only: then it is
# made here too)
: >"$TRASH_ROOT/models.err"
moe_f16() {
	for m in "$@"; do
		case $m in */moe-study-F16.gguf | moe-study-F16.gguf) echo "$(cd "$(dirname "$m")" && pwd)/$(basename "$m")" ;; esac
	done
}
F16=$(moe_f16 ${TB_LLAMA_MODELS:-})
[ -n "$F16" ] || F16=$(moe_f16 $(LLAMA_BIN=$(dirname "$llama") "$SCRIPTS/llama-models.sh" --moe 2>"$TRASH_ROOT/models.err"))

test_expect_success 'the moe-study model is there' '
	test -n "$F16" && test -r "$F16" || { cat "$TRASH_ROOT/models.err" >&2; exit 1; }
'

# study NAME EVICT: make moe on llama-server into NAME/, one thread
study() {
	free_port LS || return 1
	MODEL=moe-study MODEL_FILE=$F16 BASE_URL=http://127.0.0.1:$LS_PORT/v1 RESULTS=$PWD/$1 EVICT=$2 \
		START="$llama -m $F16 --host 127.0.0.1 --port $LS_PORT --no-warmup -c 2048 -np 1 -t 1" \
		"$SCRIPTS/moe.sh" >"$1.made" 2>"$1.err" || { cat "$1.err" "$1"/*.server.log >&2; return 1; }
	test "$(wc -l <"$1.made")" -eq 8 &&
		# the server it started is gone
		! curl -sf "http://127.0.0.1:$LS_PORT/health" >/dev/null
}
# shellcheck disable=SC2086 # $1 is a pattern
fig() { jq -r "$2" $1; }
# ge A B: A >= B
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

test_expect_success 'llama-server'"'"'s load alone brings the whole file into the page cache' '
	study plain 0 &&
	test "$(fig "plain/*-p1-code.json" .page_cache.start)" = 1 &&
	# all of it mapped, but for the header and what llama.cpp unmaps as unused
	ge "$(fig "plain/*-p1-code.json" .page_cache.mapped_start)" 0.99
'

test_expect_success 'paged out after the load: the cold pass grows what the server maps, the warm pass adds nothing' '
	study ev 1 &&
	test "$(fig "ev/*-p1-code.json" .page_cache.start)" = 0 &&
	test "$(fig "ev/*-p1-code.json" .page_cache.mapped_start)" = 0 &&
	first=$(fig "ev/*-p1-code.json" .page_cache.mapped_end) &&
	last=$(fig "ev/*-p1-multilingual.json" .page_cache.mapped_end) &&
	echo "cold: after code $first, after the last domain $last" &&
	ge "$first" 0.2 &&
	awk -v a="$first" -v b="$last" "BEGIN { exit !(b > a) }" &&
	for d in code prose math multilingual; do
		for p in 1 2; do
			f=$(ls ev/*-p$p-$d.json) &&
			s=$(jq -r .page_cache.mapped_start "$f") && e=$(jq -r .page_cache.mapped_end "$f") &&
			ge "$e" "$s" &&
			# the page cache holds at least what the server maps
			ge "$(jq -r .page_cache.end "$f")" "$e" &&
			{ [ $p = 1 ] || { test "$e" = "$s" && test "$e" = "$last"; }; } || exit 1
		done
	done &&
	"$TB_BIN/report" --charts none -o rep.md ev/*.json &&
	{ grep "^| [12] |" rep.md || true; } &&
	grep -q "^After the first pass the server'"'"'s mappings held .* nothing new was touched\.$" rep.md &&
	# (a request whose reply is one token has no decode speed: n may be
	# under 3; the page cache itself may still grow on the warm pass, by
	# the cold pass'"'"'s asynchronous readahead completing, which is the
	# kernel'"'"'s, not the server'"'"'s: only the mappings must not)
	test "$(grep -c "^| 2 | [a-z]* | [0-9.]* % | [-+][0-9.]* | [0-9.]* % | +0.0 | [0-9.—]* (n [0-9]) |$" rep.md)" -eq 4
'

test_done
