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
