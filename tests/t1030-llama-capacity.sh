#!/usr/bin/env bash
# make capacity against a real llama-server with four slots (-np 4, then a
# queue): the search must stop at four users or fewer, TTFT the objective
# that breaks (#26 item 6).
#
# Why the objective is E4 / 8, E4 the shortest E2E of requests run four at
# a time, measured here first: every request asks for the same 1536
# tokens (EOS ignored), and with four slots busy each holds its slot about
# T = E4 (a loaded machine only adds).  Up to four users, a request finds a
# slot free and its TTFT is the prefill and a batch step (20 to 50 ms
# here).  At five, a closed loop keeps all four slots busy (so each
# request takes about E4) and one request queued, so by Little's law the
# mean wait is 5 T / 4 - T = T / 4 (less the client's turnaround of a
# millisecond), and no wait exceeds T (it is first in line).  A share s of
# waits above x then satisfies s (T - x) + x >= T / 4, so for x < 0.21 T
# more than 5 % wait longer than x: the TTFT p95 passes 0.21 E4, well past
# E4 / 8.  Seen failing: with -np 6 the same test holds 6 users (a slot
# for each, TTFT p95 under 50 ms), not four.  Measured from one user
# instead (E1 / 8), the objective came within 2x of the TTFT of five or
# six users in six slots, which broke it there: the slots would not be
# what the search found.  The tiny CPU models stream thousands of tokens a
# second, so no default objective (3 s) can see the queue; the default's
# speed objective (10 tokens/s) is kept beside, and held at every level.
#
# Without the build the file says it did not run; with TB_REQUIRE_LLAMA=1
# (CI) that is a failure.
#   LLAMA_SERVER     the server (default: the cached build of llama-build.sh)
#   TB_LLAMA_MODELS  the models (default: llama-models.sh --where); the first is used
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
export TB_BIN

llama=${LLAMA_SERVER:-}
[ -n "$llama" ] || llama=$("$SCRIPTS/llama-build.sh" --where 2>/dev/null)/llama-server
models=${TB_LLAMA_MODELS:-$(LLAMA_BIN=$(dirname "$llama") "$SCRIPTS/llama-models.sh" --where 2>/dev/null)}
model=
for m in $models; do model=$m; break; done
case $model in /* | "") ;; *) model=$PWD/$model ;; esac
case $llama in /*) ;; *) llama=$PWD/$llama ;; esac
why=
if [ ! -x "$llama" ]; then
	why="no llama-server (${LLAMA_SERVER:-none built}): run scripts/llama-build.sh, or set LLAMA_SERVER"
elif [ -z "$model" ]; then
	why="no test models: run scripts/llama-models.sh, or set TB_LLAMA_MODELS"
fi
[ -z "$why" ] || llama_unavailable "a real llama-server with four slots and a test model" "$why"

# Four slots of 2048 tokens each (-c 8192 shared by -np 4); one thread, as
# t1010 says why.  Stopped at the end (its pid in servers.pids).
"$llama" -m "$model" --host 127.0.0.1 --port 0 -c 8192 -np 4 -t 1 >"$TRASH_ROOT/server.log" 2>&1 &
PID=$!
echo $PID >>"$TRASH_ROOT/servers.pids"
wait_for 120 grep -q "listening on http://127.0.0.1:[0-9]" "$TRASH_ROOT/server.log"
URL=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\).*|\1/v1|p' "$TRASH_ROOT/server.log")
wait_for 30 http_code_is 200 "${URL%/v1}/health"

PROMPTS=$TESTS/../prompts/check.json
TOKENS=1536

test_expect_success 'the server has four slots; four users'"'"' E2E gives the TTFT objective' '
	grep -q "n_slots = 4" "$TRASH_ROOT/server.log" &&
	"$TB_BIN/gen" -u "$URL" -m tiny --no-progress -p "$PROMPTS" --only count \
		--ignore-eos --max-tokens $TOKENS -c 4 -n 8 >four.ndjson &&
	"$TB_BIN/agg" four.ndjson >four.json &&
	jq -e ".requests.ok == 8 and .metrics.output_tokens.min == $TOKENS" four.json &&
	e4=$(jq .metrics.e2e_s.min four.json) &&
	ms=$(awk -v e="$e4" "BEGIN { printf \"%d\", e * 1000 / 8 }") &&
	test "$ms" -ge 1 &&
	echo "ttft_p95<=${ms}ms per_user_tps_p5>=10" >"$TRASH_ROOT/slo" &&
	echo "E4 $e4 s: $(cat "$TRASH_ROOT/slo")" >&2
'

test_expect_success 'the search stops at four users or fewer, TTFT breaking first' '
	slo=$(cat "$TRASH_ROOT/slo") &&
	MODEL=tiny BASE_URL=$URL PROMPTS=$PROMPTS ONLY=count MAX_TOKENS=$TOKENS \
		GEN_ARGS=--ignore-eos SLO=$slo MAX_USERS=6 SERVER_PID=$PID RESULTS=res \
		"$SCRIPTS/capacity.sh" >answer 2>err &&
	cat err >&2 &&
	read -r done holds breaks undecided <answer &&
	test "$done" = done && test "$undecided" = 0 &&
	test "$holds" -ge 1 && test "$holds" -le 4 && test "$breaks" = $((holds + 1)) &&
	grep -q "^capacity: holds $holds users* at $slo; at $breaks users the TTFT p95 is .* (objective at most .*)$" err &&
	# every level that broke, broke on TTFT; the speed held everywhere
	for j in res/*-capacity-c*.json; do
		jq -e "(.goodput.verdict == \"held\" or .goodput.worst == \"${slo%% *}\")
			and .goodput.objectives[1].verdict == \"held\"" "$j" >/dev/null ||
			{ echo "$j: $(jq -c .goodput "$j")"; exit 1; }
	done
'

test_done
