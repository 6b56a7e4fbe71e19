#!/usr/bin/env bash
# gen and agg against a real llama-server: the one scripts/llama-build.sh
# builds from a pinned llama.cpp release, serving the random-weight models
# of scripts/llama-models.sh (a llama and a qwen3moe, each in F16, Q8_0 and
# Q4_K_M).  What the other tests prove on llmsim is proven here on the real
# server: the stream parses, usage equals the chunks (the end-of-turn token
# counted by the server on natural stops, left out by agg), --ignore-eos
# gives exactly max_tokens, the server's own timings agree with the
# client's within srvcheck's documented bounds (docs/srvcheck.md: decode
# TPS within 2 % at the median, TTFT never before the server's first
# token), and make check-server passes.
#
# Without the build the file says it did not run (a "# SKIP" line that
# tests/run shows); with TB_REQUIRE_LLAMA=1, as .ci/run sets, a missing
# server or model is a failure that says why.
#   LLAMA_SERVER     the server (default: the cached build of llama-build.sh)
#   TB_LLAMA_MODELS  the models, space-separated (default: llama-models.sh --where)
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
export TB_BIN

llama=${LLAMA_SERVER:-}
[ -n "$llama" ] || llama=$("$SCRIPTS/llama-build.sh" --where 2>/dev/null)/llama-server
models=${TB_LLAMA_MODELS:-$(LLAMA_BIN=$(dirname "$llama") "$SCRIPTS/llama-models.sh" --where 2>/dev/null)}
# the tests run in scratch directories: paths made absolute here
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
llama=$(abs "$llama")
models=$(for m in $models; do abs "$m"; done)
models=$(echo $models)
why=
if [ ! -x "$llama" ]; then
	why="no llama-server (${LLAMA_SERVER:-none built}): run scripts/llama-build.sh, or set LLAMA_SERVER"
elif [ -z "$models" ]; then
	why="no test models: run scripts/llama-models.sh, or set TB_LLAMA_MODELS"
fi
[ -z "$why" ] || llama_unavailable "a real llama-server and its test models" "$why"

# llama_start MODEL: llama-server serving MODEL on a loopback port of the
# kernel's choosing (--port 0; the log names it), waited for until it
# listens (two minutes at most: a large model loads slowly) and /health
# answers 200; sets URL and PID.  Stopped by llama_stop, or when the
# file ends.  One thread: with two, a busy machine that takes a core away
# makes the other wait at every barrier of every token for a scheduler
# slice (200 ms a token was seen here); nothing proven here depends on
# the speed.
llama_start() {
	"$llama" -m "$1" --host 127.0.0.1 --port 0 -c 8192 -t 1 >server.log 2>&1 &
	PID=$!
	echo "$PID" >>"$TRASH_ROOT/servers.pids"
	wait_for 120 grep -q "listening on http://127.0.0.1:[0-9]" server.log || {
		tail -n 5 server.log >&2
		return 1
	}
	URL=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\).*|\1/v1|p' server.log)
	wait_for 10 http_code_is 200 "${URL%/v1}/health"
}
llama_stop() {
	kill "$PID" && wait "$PID" 2>/dev/null
	return 0
}

# run NAME gen-options...: gen against the server (the check prompt set),
# agg --per-request on its events; the done events in NAME.done.
run() {
	local name=$1
	shift
	"$TB_BIN/gen" -u "$URL" -m t1010 --no-progress -p "$TESTS/../prompts/check.json" \
		--only count "$@" >"$name.ndjson" 2>"$name.err" &&
	"$TB_BIN/agg" --per-request "$name.ndjson" >"$name.json" &&
	jq -c 'select(.ev == "done")' "$name.ndjson" >"$name.done"
}

# all NAME FILTER: every done event of the run matches the jq filter; the
# ones that do not are shown.
all() {
	jq -s -e "length > 0 and all(.[]; $2)" "$1.done" >/dev/null && return 0
	echo "all $1: not every done event matches: $2" >&2
	jq -c "select(($2) | not) | {id, status, finish, chunks, tokens, usage, timings}" "$1.done" >&2
	return 1
}

# chunks_are NAME N: N content chunks per request in the tok events
# themselves, counted apart from gen's own count.
chunks_are() {
	jq -s -e --argjson n "$2" '[.[] | select(.ev == "tok" and .ch == "content")]
		| group_by(.id) | length > 0 and all(.[]; length == $n)' "$1.ndjson" >/dev/null || {
		echo "chunks_are $1: not $2 content chunks in every request" >&2
		return 1
	}
}

# ratio_median NAME: the median over requests of agg's decode TPS over the
# server's timings.predicted_per_second.
ratio_median() {
	jq -n --slurpfile run "$1.json" --slurpfile dones "$1.done" '
		[$run[0].per_request[] as $r | $dones[] | select(.id == $r.id)
			| $r.decode_tps / .timings.predicted_per_second] | sort
		| .[(length - 1) / 2 | floor]'
}

# ratio_ok NAME: that median within 2 % + 1 ms of the median
# first-to-last span (check-server's tolerance: a tiny model's span of
# a few milliseconds moves by scheduling alone).
ratio_ok() {
	local r span
	r=$(ratio_median "$1") &&
	span=$(jq -n --slurpfile run "$1.json" '[$run[0].per_request[]
		| select(.decode_tps > 0) | (.output_tokens - 1) / .decode_tps] | sort
		| .[(length - 1) / 2 | floor]') &&
	awk -v r="$r" -v s="$span" 'BEGIN { tol = 0.02 + 0.001 / s
		if (r < 1 - tol || r > 1 + tol) {
			print "decode TPS client/server, median of 5: " r " (within " tol ")" >"/dev/stderr"; exit 1 } }'
}

# decode_from_chunks NAME: agg's per-request decode TPS is (n − 1) over
# the time from the first content chunk to the last, n the chunks (so the
# end-of-turn token that usage counts on a natural stop is left out), and
# none when fewer than two came or all in one read (a reply can be the end
# of turn alone); recomputed here from the tok events.  Its output tokens
# are usage's.
decode_from_chunks() {
	jq -n -c --slurpfile ev "$1.ndjson" --slurpfile run "$1.json" '
		def abs: if . < 0 then -. else . end;
		[$ev[] | select(.ev == "tok" and .ch == "content")] | group_by(.id)
		| map({id: .[0].id, tps: (if length > 1 and .[-1].t > .[0].t
			then (length - 1) / (.[-1].t - .[0].t) else null end)})
		as $mine
		| [$ev[] | select(.ev == "done")] as $done
		| $run[0].per_request[] as $r
		| ([$mine[] | select(.id == $r.id)][0] // {tps: null}) as $m
		| ($done[] | select(.id == $r.id)) as $d
		| {id: $r.id, agg_tokens: $r.output_tokens, usage: $d.usage.completion_tokens,
		   agg_tps: $r.decode_tps, chunks_tps: $m.tps,
		   ok: ($r.output_tokens == $d.usage.completion_tokens and
			(if $m.tps == null then $r.decode_tps == null
			 else ($r.decode_tps / $m.tps - 1 | abs) < 0.001 end))}' >"$1.mine" &&
	test_lines "$1.mine" 5 &&
	! grep -q '"ok":false' "$1.mine" || {
		echo "decode_from_chunks $1: agg's per-request figures are not the chunks':" >&2
		cat "$1.mine" >&2
		return 1
	}
}

# ignore_eos: --ignore-eos gives exactly max_tokens, each token one chunk,
# usage and the server's own count agreeing; the server's timings agree
# with the client's: decode TPS within 2 % + 1 ms at the median, TTFT never
# before the server's own first token (2 % + 1 ms).
ignore_eos() {
	run ign -n 5 --ignore-eos --max-tokens 128 &&
	all ign '.status == "ok" and .finish == "length" and .done_marker' &&
	all ign '.tokens.source == "usage" and .tokens.content == 128 and .tokens.chunk_tokens == 128' &&
	all ign '.usage.completion_tokens == 128 and .timings.predicted_n == 128' &&
	all ign '.usage.prompt_tokens == .timings.prompt_n + .timings.cache_n' &&
	chunks_are ign 128 &&
	decode_from_chunks ign &&
	ratio_ok ign &&
	jq -n -e --slurpfile run ign.json --slurpfile dones ign.done '
		[$run[0].per_request[] as $r | $dones[] | select(.id == $r.id)
			| $r.ttft_s * 1000 >= .timings.prompt_ms * 0.98 - 1] | length == 5 and all' >/dev/null
}

# natural_stops: the model ends some replies itself; the server counts the
# end-of-turn token in usage (one more than the chunks), agg's decode TPS
# leaves it out.
natural_stops() {
	run nat -n 5 --max-tokens 256 &&
	all nat '.status == "ok" and (.finish == "stop" or .finish == "length")' &&
	all nat '.usage.completion_tokens == .timings.predicted_n' &&
	all nat '.usage.completion_tokens == .tokens.chunk_tokens + (if .finish == "stop" then 1 else 0 end)' &&
	jq -s -e 'any(.[]; .finish == "stop")' nat.done >/dev/null &&
	decode_from_chunks nat
}

for m in $models; do
	name=$(basename "$m" .gguf)
	test_expect_success "$name: --ignore-eos = max_tokens = usage = chunks; the server's timings agree" "
		llama_start '$m' && ignore_eos && llama_stop
	"
	test_expect_success "$name: natural stops: usage counts the end of turn, agg times the chunks" "
		llama_start '$m' && natural_stops && llama_stop
	"
done

first=${models%% *}
test_expect_success "make check-server passes on $(basename "$first" .gguf)" '
	llama_start "$first" &&
	URL=$URL SERVER_PID=$PID OUT=cs "$SCRIPTS/check-server.sh" >cs.out 2>cs.err &&
	cat cs.out &&
	grep -q "^[0-9]* passed, 0 failed, [0-9]* n/a$" cs.out &&
	grep -q ": token counts: ok (" cs.out && grep -q ": decode TPS: ok (" cs.out &&
	grep -q ": memory peak: ok (" cs.out &&
	llama_stop
'

test_done
