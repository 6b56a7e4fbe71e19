#!/usr/bin/env bash
# check-server.sh: are tokbench's numbers right for this server and version?
# A fixed battery of short requests against a running server (gen, agg and
# memsample, as a study runs them), judged by srvcheck: one line per check,
# "check-server: <server> <version>: <check>: ok|FAIL|n/a (<figures>)", then
# "N passed, N failed, N n/a".  docs/srvcheck.md says what each check does.
#
#   URL          the server's base URL (required), e.g. http://localhost:1234/v1
#   SERVER_PID   the server's process: memsample's peak is checked against
#                the kernel's high-water mark (Linux)
#   MODEL        the model id to send (default: the one the server says it
#                has loaded; LM Studio and Ollama need one that is loaded)
#   OUT          where the battery's files go (default: a new directory
#                under ${TMPDIR:-/tmp}); kept, and named on stderr
#   MAX_TOKENS   the basic step's output length (default 128)
# It sends requests and nothing else: it loads, unloads and configures
# nothing.  Exit status: 0 every check passed (or did not apply), 1 a check
# failed or the battery could not run, 2 a usage error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
prompts=$here/../prompts/check.json
URL=${URL:-}
[ -n "$URL" ] || { echo "check-server: set URL=http://host:port/v1 (the server's base URL)" >&2; exit 2; }
case ${SERVER_PID:-} in
''|[1-9]*) ;;
*) echo "check-server: SERVER_PID=$SERVER_PID is not a process id" >&2; exit 2 ;;
esac
MAX_TOKENS=${MAX_TOKENS:-128}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/check-server.XXXXXX")} || exit 1
mkdir -p "$OUT" || exit 1
echo "check-server: $URL: the battery's files are in $OUT" >&2

memsample_pid=
stop_memsample() {
	[ -n "$memsample_pid" ] || return 0
	kill -TERM "$memsample_pid" 2>/dev/null
	wait "$memsample_pid" 2>/dev/null
	memsample_pid=
}
# mem_caught_up T: memsample has written a sample taken after time T (the
# shared wall clock of every tool's "t").
mem_caught_up() {
	local t
	t=$(tail -n 1 "$OUT/mem.ndjson" 2>/dev/null | sed -n 's/^{"ev":"mem","t":\([0-9.]*\).*/\1/p')
	[ -n "$t" ] && awk -v a="$t" -v b="$1" 'BEGIN { exit !(a > b) }'
}
trap 'stop_memsample; exit 130' INT
trap 'stop_memsample; exit 143' TERM

gen_run() { # step, then gen's options
	local step=$1
	shift
	"$bin/gen" -u "$URL" -m check-server --no-progress -p "$prompts" \
		-l check="$step" "$@" >"$OUT/$step.ndjson" 2>"$OUT/$step.err"
	local rc=$?
	[ $rc -le 1 ] || echo "check-server: $step: gen exit $rc: $(tail -n 1 "$OUT/$step.err")" >&2
	"$bin/agg" --per-request "$OUT/$step.ndjson" >"$OUT/$step.json" 2>>"$OUT/$step.err" ||
		rm -f "$OUT/$step.json"
	return 0
}

# The load mechanism and the model: a /health poll that gives up at once,
# whose run event says what gen detected.
"$bin/gen" -u "$URL" -m check-server --no-progress -p "$prompts" --load-only \
	--load-health --no-wait --timeout-first 3s >"$OUT/health.ndjson" 2>"$OUT/health.err"
served=$(sed -n '1s/.*"server":{[^}]*"model_id":"\([^"]*\)".*/\1/p' "$OUT/health.ndjson")
model=${MODEL:-${served:-check-server}}
id=(--model-id "$model")
# Ollama sends its own durations only on its native API (v0.33
# openai/openai.go has none): the steps whose figures are checked against
# the server's use it there, the rest its OpenAI API.
kind=$(sed -n '1s/.*"server":{"kind":"\([a-z]*\)".*/\1/p' "$OUT/health.ndjson")
figs=()
[ "$kind" = ollama ] && figs=(--api ollama)

if [ -n "${SERVER_PID:-}" ]; then
	"$bin/memsample" -p "$SERVER_PID" -i 50ms >"$OUT/mem.ndjson" 2>"$OUT/mem.err" &
	memsample_pid=$!
fi

gen_run basic "${id[@]}" ${figs[@]+"${figs[@]}"} --only count -n 5 --ignore-eos --max-tokens "$MAX_TOKENS"
gen_run natural "${id[@]}" --only count -n 3 --max-tokens 256
gen_run reasoning "${id[@]}" --only reasoning

# The context the server told (per slot for llama-server): the cached
# prompt is 1,500 tokens or an eighth of it (tokenizers differ), and the
# over-long one twice it (1.1M tokens, beyond every model's, when untold).
ctx=$(sed -n '1s/.*"server":{[^}]*"ctx_size":\([0-9]*\).*/\1/p' "$OUT/basic.ndjson")
ctx=${ctx:-0}
long=$(( ctx > 0 && ctx / 8 < 1500 ? ctx / 8 : 1500 ))
over=$(( ctx > 0 ? ctx * 2 : 1100000 ))
printf '{"cache": {"prompt": "Summarise the text above in one sentence.", "max_tokens": 8, "synthetic_tokens": %d},
 "overflow": {"prompt": "Summarise the text above.", "max_tokens": 16, "synthetic_tokens": %d}}\n' \
	"$long" "$over" >"$OUT/sized-prompts.json"
prompts=$OUT/sized-prompts.json gen_run bust "${id[@]}" ${figs[@]+"${figs[@]}"} --only cache -n 4
prompts=$OUT/sized-prompts.json gen_run nobust "${id[@]}" --only cache -n 4 --no-cache-bust
gen_run nousage "${id[@]}" --only count -n 2 --max-tokens 16 --no-stream-options
# Refused or cut; two minutes at most.
prompts=$OUT/sized-prompts.json gen_run overflow "${id[@]}" --only overflow --timeout-first 120s
gen_run unknown --no-check-model --model-id "tokbench-no-such-model-$$" --only count --max-tokens 8

# The last steps' memory is in the samples only if one came after them: a
# server whose last request ended less than an interval before the stop
# would show a peak memsample never saw.  Two seconds at most.
if [ -n "$memsample_pid" ]; then
	last=$(sed -n 's/^{"ev":"end","t":\([0-9.]*\).*/\1/p' "$OUT/unknown.ndjson")
	for _ in $(seq 1 100); do
		if [ -z "$last" ] || mem_caught_up "$last" || ! kill -0 "$memsample_pid" 2>/dev/null; then
			break
		fi
		sleep 0.02
	done
fi
stop_memsample
pidopt=()
[ -n "${SERVER_PID:-}" ] && pidopt=(--server-pid "$SERVER_PID")
"$bin/srvcheck" ${pidopt[@]+"${pidopt[@]}"} "$OUT"
