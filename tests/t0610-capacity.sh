#!/usr/bin/env bash
# make capacity on llmsim, whose batching model gives each level's per-user
# speed and queueing exactly: the search must find the analytic capacity,
# goodput must count the requests of the events that met every objective.
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
export TB_BIN

# Runs a search at the objectives $1 against $2 (MAX_TOKENS $3); its
# answer (done HOLDS BREAKS UNDECIDED) in answer, its lines in err.
search() {
	MODEL=sim BASE_URL=$2 ONLY=short MAX_TOKENS=$3 SLO=$1 MAX_USERS=16 \
		LABELS=${4:+quant=$4} RESULTS=res "$SCRIPTS/capacity.sh" >answer 2>err
}

# The measured requests of an event file that met "TTFT <= $2 s" and, with
# $3, "decode TPS >= $3", counted from the events alone.
met_in_events() {
	jq -s --argjson ttft "$2" --argjson tps "${3:-0}" '
		[.[] | select(.id != null)] | group_by(.id) | map(
			(map(select(.ev == "req"))[0]) as $r |
			(map(select(.ev == "tok" and .ch != "role"))) as $t |
			(map(select(.ev == "done"))[0]) as $d |
			select($r.warmup == false and $d.status == "ok" and ($t | length) >= 2) |
			select($t[0].t - $r.t <= $ttft) |
			select((($t | length) - 1) / ($t[-1].t - $t[0].t) >= $tps)
		) | length' "$1"
}

# Per-user TPS: r(n) = tps / (1 + k (n - 1)) with every user decoding at
# once (no slot limit): the most users with r(n) >= the objective.
test_expect_success 'a profile limited by per-user TPS: the analytic capacity exactly' '
	llmsim_start K --tps 100 --batch-k 0.5 &&
	want=$(awk "BEGIN { for (n = 1; 100 / (1 + 0.5 * (n - 1)) >= 45; n++) c = n; print c }") &&
	test "$want" = 3 &&
	search "per_user_tps_p5>=45" "$K_URL" 32 K &&
	echo "done $want $((want + 1)) 0" >expect && test_cmp expect answer &&
	grep -q "^capacity: holds 3 users at per_user_tps_p5>=45; at 4 users the per-user TPS p5 is .* (objective at least 45 tokens/s)$" err &&
	# goodput counts what the events say met the objective, level by level
	for j in res/*-capacity-c*.json; do
		met=$(met_in_events "${j%.json}.ndjson" 1e9 45) &&
		jq -e --argjson m "$met" ".goodput.met == \$m" "$j" >/dev/null ||
			{ echo "$j: goodput is not $met"; exit 1; }
	done &&
	mkdir -p "$TRASH_ROOT/all" && cp res/*.json "$TRASH_ROOT/all/"
'

# TTFT: with S slots and n > S users in a closed loop, a request in n
# waits for a slot about a whole request (16 tokens at 50/s: 0.32 s) while
# up to S run at once with a TTFT of milliseconds: the capacity is S.
test_expect_success 'a profile limited by TTFT (slots): the analytic capacity exactly' '
	llmsim_start T --tps 50 --slots 5 &&
	search "ttft_p95<=100ms" "$T_URL" 16 T &&
	echo "done 5 6 0" >expect && test_cmp expect answer &&
	grep -q "^capacity: holds 5 users at ttft_p95<=100ms; at 6 users the TTFT p95 is .* (objective at most 100 ms)$" err &&
	for j in res/*-capacity-c*.json; do
		met=$(met_in_events "${j%.json}.ndjson" 0.1) &&
		jq -e --argjson m "$met" ".goodput.met == \$m" "$j" >/dev/null ||
			{ echo "$j: goodput is not $met"; exit 1; }
	done &&
	# the levels: doubling 1 2 4 8, then bisecting 6 5
	for j in res/*-capacity-c*.json; do jq -r .run.config.concurrency "$j"; done |
		sort -n | tr "\n" " " >levels &&
	printf "1 2 4 5 6 8 " >expect && test_cmp expect levels &&
	mkdir -p "$TRASH_ROOT/all" && cp res/*.json "$TRASH_ROOT/all/" &&
	# the bound is printed before it starts, a line per level, never past it
	head -n 1 err | grep -q "^capacity: sim at ttft_p95<=100ms: at most [0-9]* levels and [0-9]* measured requests (1 to 16 users, at least 20 requests a level)$" &&
	bound=$(head -n 1 err | sed "s/.*at most \([0-9]*\) levels and \([0-9]*\) measured.*/\1 \2/") &&
	test $(grep -c "^capacity: sim: level [0-9]*: " err) = 6 &&
	test $(grep -c "^capacity: [0-9]* users*: \(held\|broke\)" err) = 6 &&
	sent=$(cat res/*-capacity-c*.json | jq -s "map(.requests.measured) | add") &&
	test "$sent" -le "${bound#* }" && test 6 -le "${bound% *}"
'

test_expect_success 'an objective one user cannot meet reads 0 users, with the reason' '
	llmsim_start Z &&
	search "ttft_p95<=1us" "$Z_URL" 4 &&
	echo "done 0 1 0" >expect && test_cmp expect answer &&
	grep -q "^capacity: holds 0 users at ttft_p95<=1us; at 1 user the TTFT p95 is .* (objective at most 1 us)$" err
'

test_expect_success 'a level with too few values is run again, then undecided, never guessed' '
	# one token a reply: no decode speed to judge per_user_tps by
	llmsim_start U --natural-len 1 &&
	search "per_user_tps_p5>=10" "$U_URL" 8 &&
	echo "done 0 0 1" >expect && test_cmp expect answer &&
	grep -q "^capacity: sim: level 2: 1 user, 40 requests, again: undecided the first time$" err &&
	grep -q "^capacity: undecided at 1 user: per_user_tps_p5>=10 has 0 of the 20 values it needs" err
'

test_expect_success 'a malformed objective is refused with the grammar, before any request' '
	test_expect_code 2 search "ttft<3s" http://127.0.0.1:9/v1 4 &&
	grep -q "want METRIC_pP<=DURATION" err && test ! -e res
'

# The open loop: Poisson arrivals at k x 2 requests/s on llmsim with two
# slots and 20 tokens at 100/s (T = 2 ms + 19 x 10 ms = 192 ms a request,
# no batching slowdown).  Each level's waits follow from its own arrivals
# (the t_sched of its events) by the queue's recursion: a request starts
# when it arrives or when the earlier of the two slots frees, whichever
# is later, and holds the slot T.  Its TTFT from the arrival is that wait
# plus 2 ms, its E2E the wait plus T.  The same seed gives every level the
# same arrivals scaled by its rate, so the answer is known: the TTFT p95 is
# 106-270 ms up to 10/s and 792 ms at 12/s, past the server's throughput
# of S / T = 10.4 requests/s, where the queue only grows; the E2E median
# is T up to 8/s and 290 ms at 10/s, past 1.25 T: the knee.  Every margin
# is 45 ms or more, several times the few ms a loaded machine adds.
model() {
	jq -s --argjson S 2 --argjson T 0.192 '
		[.[] | select(.ev == "req" and .warmup == false) | .t_sched] | sort
		| reduce .[] as $a ({free: [range(0; $S) | 0], w: []};
			(.free | min) as $f | (if $f > $a then $f else $a end) as $st
			| .free = (.free | sort | .[0] = $st + $T) | .w += [$st - $a])
		| .w | sort | {ttft_p95: (.[(0.95 * length | ceil) - 1] + 0.002),
			e2e_p50: (.[(0.5 * length | ceil) - 1] + $T)}' "$1"
}

test_expect_success 'an open-loop rate search: the sustained rate and the knee the queue predicts' '
	llmsim_start R --slots 2 --tps 100 &&
	MODEL=sim BASE_URL=$R_URL ONLY=short MAX_TOKENS=20 SLO="ttft_p95<=500ms" \
		RATE_STEP=2 RATE_SECONDS=4 RESULTS=res "$SCRIPTS/capacity.sh" >answer 2>err &&
	echo "done 10 12 0 8 10" >expect && test_cmp expect answer &&
	grep -q "^capacity: sustains 10 requests/s at ttft_p95<=500ms; at 12 requests/s the TTFT p95 is .* (objective at most 500 ms)$" err &&
	grep -q "^capacity: latency departs between 8 and 10 requests/s: E2E median " err &&
	# below the server'"'"'s throughput, and the next step above it
	awk "BEGIN { mu = 2 / 0.192; exit !(10 <= mu && mu < 12) }" &&
	# every level: open, uncapped, and its figures what its arrivals predict
	for j in res/*-capacity-r*.json; do
		m=$(model "${j%.json}.ndjson") &&
		jq -e --argjson m "$m" ".run.config.concurrency == 0 and
			.run.config.arrival == \"poisson\" and
			((.goodput.objectives[0].value - \$m.ttft_p95) | fabs) <= 0.02 + 0.1 * \$m.ttft_p95 and
			((.metrics.e2e_s.p50 - \$m.e2e_p50) | fabs) <= 0.01 + 0.1 * \$m.e2e_p50" "$j" >/dev/null ||
			{ echo "$j: not as the queue predicts: $m"; jq -c "[.goodput.objectives[0].value, .metrics.e2e_s.p50]" "$j"; exit 1; }
	done &&
	for j in res/*-capacity-r*.json; do jq -r .run.config.rate "$j"; done |
		sort -n | tr "\n" " " >levels &&
	printf "2 4 8 10 12 16 " >expect && test_cmp expect levels &&
	cp res/*-capacity-r8-*.json "$TRASH_ROOT/r8.json" &&
	cp res/*.json "$TRASH_ROOT/all/" # the report shows no users search of them
'

test_expect_success 'a rate search needs a latency objective and open-loop levels' '
	test_expect_code 2 "$TB_BIN/capacity" --rate-step 1 --slo "per_user_tps_p5>=10" --plan 2>err &&
	grep -q "a rate search needs a latency from the arrival (ttft, ttfo or e2e)" err &&
	test_expect_code 2 "$TB_BIN/capacity" --rate-step 1 --per-user 3 --plan 2>err &&
	j=$TRASH_ROOT/r8.json && c=$(ls "$TRASH_ROOT"/all/sim-T-*.json | head -n 1) &&
	test_expect_code 1 "$TB_BIN/capacity" --rate-step 2 --slo "ttft_p95<=100ms" "$c" 2>err &&
	grep -q "not an open loop without a cap" err &&
	test_expect_code 1 "$TB_BIN/capacity" --rate-step 3 --slo "ttft_p95<=500ms" "$j" 2>err &&
	grep -q "8 requests/s is not a step of --rate-step 3" err &&
	test_expect_code 1 "$TB_BIN/capacity" --slo "ttft_p95<=500ms" "$j" 2>err &&
	grep -q "not a closed loop" err
'

test_expect_success 'the report: a Capacity section with each search, its levels and chart' '
	"$TB_BIN/report" -o r.md "$TRASH_ROOT/all" 2>err &&
	sed -n "/^## Capacity/,/^## /p" r.md >cap &&
	grep -q "^At per.*user.*tps.*p5&gt;=45: holds \*\*3 users\*\*; at 4 users the per-user TPS p5 is .* (objective at least 45 tokens/s)\.$" cap &&
	grep -q "^At ttft.*p95&lt;=100ms: holds \*\*5 users\*\*; at 6 users the TTFT p95 is .* (objective at most 100 ms)\.$" cap &&
	test $(grep -c "^| [0-9]* | \(held\|broke\) |" cap) = 10 &&
	if command -v gnuplot >/dev/null; then
		test -s r-assets/capacity.png && grep -q "(r-assets/capacity.png)" cap
	fi
'

test_done
