#!/usr/bin/env bash
# agg: every metric against hand-computed answers, bad input, ground truth.
. "$(dirname "$0")/lib.sh"

# one_request I T: the events of request I, sent at second T: two tokens
# 0.2 s and 0.3 s after, done at 0.4 s.
one_request() {
	echo "{\"ev\":\"req\",\"t\":$2.0,\"id\":$1,\"prompt\":\"p\",\"rep\":$1,\"warmup\":false,\"t_sched\":$2.0,\"max_tokens\":4}"
	echo "{\"ev\":\"tok\",\"t\":$2.2,\"id\":$1,\"ch\":\"content\",\"bytes\":3}"
	echo "{\"ev\":\"tok\",\"t\":$2.3,\"id\":$1,\"ch\":\"content\",\"bytes\":3}"
	echo "{\"ev\":\"done\",\"t\":$2.4,\"id\":$1,\"status\":\"ok\",\"http\":200,\"finish\":\"stop\",\"chunks\":2,\"tokens\":{\"content\":2,\"reasoning\":0,\"tool\":0,\"source\":\"chunks\",\"chunk_tokens\":2}}"
}

B=$FIXTURES/agg/basic.ndjson
agg() { "$TB_BIN/agg" "$@"; }
# near FILE JQ-EXPR VALUE [TOL]: the expression is VALUE within TOL.
near() {
	jq -e --argjson v "$3" --argjson tol "${4:-1e-6}" "($2) as \$x | (\$x - \$v | fabs) <= \$tol" "$1" >/dev/null || {
		echo "near: $2 = $(jq "$2" "$1"), want $3 +/- ${4:-1e-6}" >&2
		return 1
	}
}

test_expect_success 'counts: measured, warm-up excluded, failures by status' '
	agg <"$B" >run.json &&
	cp run.json "$TRASH_ROOT/basic.json" &&
	jq -e ".format == \"tokbench-run\" and .version == 2 and .incomplete == false" run.json &&
	jq -e ".requests | .measured == 5 and .warmup == 1 and .ok == 3 and .failed == 2
		and .by_status == {\"ok\":3,\"http_error\":1,\"aborted\":1} and .error_rate == 0.4" run.json &&
	jq -e ".tokens | .output == 18 and .content == 16 and .reasoning == 2
		and .source_usage == 2 and .source_chunks == 3 and .usage_minus_chunks_mean == 2" run.json
'

# Request 1: sent 1000.000, tokens at .100 .150 .200 .250 .300, done .310,
#   5 tokens, 20 prompt tokens.
# Request 2: sent 1000.050 (scheduled .040), reasoning at .250 .300,
#   content at .400 .450, done .500, 4 tokens.
# Request 3: sent 1001.000, 3 chunks at .100 .200 .300 carrying 7 tokens
#   (usage), done .310, 30 prompt tokens.
test_expect_success 'TTFT, TTFB, TTFO, prefill: first token of any channel vs content' '
	R="$TRASH_ROOT/basic.json" &&
	near "$R" .metrics.ttft_s.mean 0.133333 &&          # (0.1 + 0.2 + 0.1) / 3
	near "$R" .metrics.ttft_s.p50 0.1 && near "$R" .metrics.ttft_s.p99 0.2 &&
	near "$R" .metrics.ttfo_s.mean 0.183333 &&          # (0.1 + 0.35 + 0.1) / 3
	near "$R" .metrics.ttfo_s.max 0.35 &&
	near "$R" .metrics.ttfb_s.n 2 &&                     # t_first_event given twice
	near "$R" .metrics.ttfb_s.max 0.2 &&
	near "$R" .metrics.prefill_tps.mean 250 0.001 &&     # (20/0.1 + 30/0.1) / 2
	near "$R" .metrics.queue_delay_s.max 0.01
'

test_expect_success 'decode TPS = (N-1)/(t_last - t_first); E2E; both TPOTs' '
	R="$TRASH_ROOT/basic.json" &&
	jq -e ".metrics.decode_tps | .n == 3 and .min == 15 and .p50 == 20 and .max == 30" "$R" &&
	near "$R" .metrics.decode_tps.mean 21.667 0.001 &&
	near "$R" .metrics.e2e_s.mean 0.356667 &&            # (0.31 + 0.45 + 0.31) / 3
	near "$R" .metrics.e2e_tps.max 22.580645 0.001 &&    # 7 / 0.31
	near "$R" .metrics.tpot_vllm_s.min 0.035 &&          # (0.31 - 0.1) / 6
	near "$R" .metrics.tpot_vllm_s.max 0.0833333 &&      # (0.45 - 0.2) / 3
	near "$R" .metrics.tpot_guidellm_s.max 0.1125 &&     # 0.45 / 4
	near "$R" .metrics.decode_tps.ci95_hi 40.641 0.001   # 21.667 + 4.303 * 7.638 / sqrt 3
'

test_expect_success 'ITL: chunk gaps, multi-token chunks spread over their tokens' '
	R="$TRASH_ROOT/basic.json" &&
	near "$R" .metrics.itl_s.n 13 &&                     # 4 + 3 + 6 (2 gaps x 3 tokens)
	near "$R" .metrics.itl_s.mean 0.046154 &&            # 0.6 / 13
	near "$R" .metrics.itl_s.min 0.033333 &&
	near "$R" .metrics.itl_s.max 0.1 &&
	near "$R" .metrics.itl_s.p50 0.05 0.00025            # within the 0.5 % precision
'

test_expect_success 'aggregate throughput, request rate, fairness' '
	R="$TRASH_ROOT/basic.json" &&
	near "$R" .throughput.aggregate_tps 12.308 0.001 &&  # 16 / (1001.3 - 1000.0)
	near "$R" .throughput.request_rate 2.2901 0.0001 &&  # 3 / 1.31
	near "$R" .throughput.jain_fairness 0.9235 0.0001 && # 65^2 / (3 * 1525)
	near "$R" .throughput.concurrency 2
'

test_expect_success 'memory: baseline before the first request, peak, delta, TPS per GB' '
	R="$TRASH_ROOT/basic.json" &&
	jq -e ".memory | .measure == \"proc.rss_bytes\" and .baseline_bytes == 100000000
		and .peak_bytes == 180000000 and .delta_bytes == 80000000 and .samples == 5" "$R" &&
	near "$R" .memory.tps_per_gb 120.3704 0.001 &&       # 21.667 / 0.18
	jq -e ".memory.timeline | length == 5 and .[0][1] == 100" "$R"
'

test_expect_success 'quality from expect; per-prompt stats; sample outputs; server speeds' '
	R="$TRASH_ROOT/basic.json" &&
	jq -e ".quality == {\"checked\":2,\"passed\":1,\"pass_rate\":0.5}" "$R" &&
	jq -e ".per_prompt.short | .n == 1 and .category == \"简短问答\" and .quality.passed == 1
		and .output.text == \"量子计算是\" and .output.chars == 15" "$R" &&
	jq -e ".per_prompt.multi | .n == 3 and .ok == 1 and .decode_tps.mean == 30" "$R" &&
	near "$R" .server_reported.decode_tps.mean 21 &&
	near "$R" .server_reported.prefill_tps.mean 210
'

test_expect_success 'golden run JSON for the hand-written stream' '
	agg --per-request -p 50,90,95,99 --slo ttft=150ms,tpot=60ms <"$B" >got.json &&
	# agg'"'"'s own version is the build'"'"'s (git describe): the golden says VERSION
	v=$("$TB_BIN/agg" --version | cut -d" " -f2) &&
	sed "s/^{\"format\":\"tokbench-run\",\"version\":2,\"tool\":\"agg\",\"tool_version\":\"$v\",/{\"format\":\"tokbench-run\",\"version\":2,\"tool\":\"agg\",\"tool_version\":\"VERSION\",/" \
		got.json >got-v.json &&
	test_cmp "$GOLDEN/agg/basic.json" got-v.json
'

test_expect_success 'steady-state memory: the median sample inside the measured window' '
	agg <"$B" >r.json &&
	# the window is the first measured send (1000.0; the warm-up at 999 is
	# outside it) to the last end (1001.3): samples of 150, 180 and 170 MB
	# there, whose median is 170; the 100 MB before and 160 MB after are out
	jq -e ".memory.steady_bytes == 170000000 and .memory.peak_bytes == 180000000" r.json
'

test_expect_success 'a run with no measured request: the summary, a reason, exit 1' '
	grep "\"ev\":\"run\"" "$B" >norun.nd &&
	printf "{\"ev\":\"load\",\"t\":999.5,\"method\":\"health_poll\",\"status\":\"error\",\"error\":\"the server exited\"}\n" >>norun.nd &&
	test_expect_code 1 agg norun.nd >r.json 2>err &&
	grep -q "^agg: no measured request in the run: the load failed: the server exited; the summary has no speed figures" err &&
	jq -e ".requests.measured == 0 and .load.status == \"error\"" r.json
'

test_expect_success 'goodput: requests meeting every SLO' '
	agg --slo ttft=150ms,tpot=60ms <"$B" >r.json &&
	# 1: ttft 0.1, tpot 0.0525; 3: ttft 0.1, tpot 0.035; 2 misses (ttft 0.2)
	jq -e ".goodput | .met == 2 and .fraction == 0.4" r.json
'

test_expect_success 'goodput in tokens/s and its interval; thresholds give no verdict' '
	agg --slo ttft=150ms,tpot=60ms <"$B" >r.json &&
	# requests 1 and 3 met both: 5 + 7 tokens over the 1.31 s window
	jq -e ".goodput | .tokens_per_s == 9.16 and .verdict == null and
		.ci95_lo < 0.4 and .ci95_hi > 0.4 and .objectives == []" r.json
'

test_expect_success 'an open loop: the objectives count from when a request was due, TTFT from its send' '
	# request 1 sent 100 ms after it was due: its TTFT is 0.1 s from the
	# send, 0.2 s from the schedule, which misses 150 ms; request 2 (0.2 s,
	# 10 ms late) reads 0.21, the median of 0.1 0.2 0.21 and two failed; in
	# a closed loop the same events keep the send
	sed -e "s/\"config\":{\"concurrency\":2}/\"config\":{\"concurrency\":0,\"rate\":5}/" \
		-e "s/\"id\":1,\(.*\)\"t_sched\":1000.000000/\"id\":1,\1\"t_sched\":999.900000/" \
		"$B" >open.nd &&
	grep -q "\"t_sched\":999.900000" open.nd &&
	agg --slo "ttft=150ms ttft_p50<=150ms" open.nd >o.json &&
	jq -e ".goodput.met == 1 and .goodput.objectives[0].value == 0.21
		and .metrics.ttft_s.min == 0.1" o.json &&
	agg --slo ttft=150ms "$B" >c.json && jq -e ".goodput.met == 2" c.json
'

test_expect_success 'objectives at a percentile: failed requests count as missed, too few is undecided' '
	agg --slo "ttft_p50<=150ms per_user_tps_p5>=10" <"$B" >r.json &&
	# TTFT 0.1 0.1 0.2 and two failed (worst): the median is 0.2, past 150 ms;
	# 5 speeds are too few for a p5 (20 needed): undecided, the level broke
	jq -e ".goodput | .verdict == \"broke\" and .worst == \"ttft_p50<=150ms\"
		and .objectives[0].value == 0.2 and .objectives[0].verdict == \"broke\"
		and .objectives[1] == {\"objective\":\"per_user_tps_p5>=10\",
			\"metric\":\"per_user_tps\",\"pct\":5,\"bound\":10,\"n\":5,
			\"need\":20,\"value\":0,\"verdict\":\"undecided\"}" r.json &&
	agg --slo "ttft_p50<=250ms per_user_tps_p5>=10" <"$B" >u.json &&
	jq -e ".goodput | .verdict == \"undecided\" and .worst == \"per_user_tps_p5>=10\"" u.json
'

test_expect_success 'a malformed objective is refused with the grammar' '
	test_expect_code 2 agg --slo "ttft_p95>=3s" <"$B" >/dev/null 2>err &&
	grep -q "^agg: --slo .ttft_p95>=3s.: want METRIC_pP<=DURATION (METRIC ttft, ttfo, tpot, itl, e2e) or per_user_tps_pP>=RATE" err &&
	test_expect_code 2 agg --slo "decode_p50<=1s" <"$B" >/dev/null 2>err &&
	grep -q "want METRIC_pP<=DURATION" err
'

test_expect_success 'events and memory in separate files; order does not matter' '
	grep -v "\"mem\"" "$B" >gen.nd && grep "\"mem\"" "$B" | tac >mem.nd &&
	agg --mem mem.nd gen.nd >a.json &&
	jq -S "del(.input)" a.json >a && jq -S "del(.input)" "$TRASH_ROOT/basic.json" >b &&
	test_cmp b a
'

test_expect_success 'a truncated run is summarised and flagged incomplete' '
	head -n 19 "$B" >cut.nd &&
	agg cut.nd >r.json 2>err &&
	jq -e ".incomplete == true and (.incomplete_reasons | length) == 2 and .requests.unfinished == 1" r.json &&
	grep -q "^agg: incomplete run: no end event" err
'

test_expect_success 'a run cut before any request ended: named unfinished, not as a failure kind' '
	grep -v "\"ev\":\"done\"" "$B" | grep -v "\"ev\":\"end\"" >nodone.nd &&
	test_expect_code 1 agg nodone.nd >r.json 2>err &&
	jq -e ".requests.unfinished == .requests.measured and .requests.failed == 0" r.json &&
	grep -q "^agg: no request succeeded: [0-9]* of [0-9]* unfinished (no done event)" err &&
	! grep -q "most with" err
'

test_expect_success 'invalid lines: counted and named file:line, or fatal with --strict' '
	{ head -n 3 "$B"; echo "{broken"; echo "[1]"; tail -n +4 "$B"; } >bad.nd &&
	agg bad.nd >r.json 2>err &&
	grep -q "^agg: bad.nd:4: skipped: invalid JSON at byte [0-9]" err &&
	grep -q "^agg: bad.nd:5: skipped: not a JSON object" err &&
	jq -e ".input.invalid_lines == 2 and .requests.ok == 3" r.json &&
	test_expect_code 1 agg --strict bad.nd >r.json 2>err &&
	grep -q "^agg: bad.nd:4: invalid JSON at byte [0-9]" err
'

test_expect_success 'unknown events counted; newer format, two runs, no events refused' '
	{ cat "$B"; echo "{\"ev\":\"future\",\"t\":1}"; } | agg >r.json &&
	jq -e ".input.unknown_events == 1" r.json &&
	sed "s/\"version\":1,\"tool\":\"gen\"/\"version\":3,\"tool\":\"gen\"/" "$B" >v3.nd &&
	test_expect_code 1 agg v3.nd 2>err && grep -q "v3.nd:2: event format version 3 is newer" err &&
	{ cat "$B"; sed -n 2p "$B" | sed s/r-test/r-other/; } >two.nd &&
	test_expect_code 1 agg two.nd 2>err && grep -q "a second run (r-other)" err &&
	: | test_expect_code 1 agg 2>err && grep -q "no events in the input" err &&
	test_expect_code 1 agg missing.nd 2>err && grep -q "^agg: missing.nd: No such file" err
'

test_expect_success '-o writes atomically and never overwrites; usage errors exit 2' '
	agg -o out.json <"$B" && jq -e .version out.json &&
	test_expect_code 1 agg -o out.json <"$B" 2>err && grep -q "never overwritten" err &&
	agg -o out.json --force <"$B" && ls | grep -c tmp | grep -qx 0 &&
	test_expect_code 2 agg -p 50,200 <"$B" 2>err &&
	test_expect_code 2 agg --slo speed=1 <"$B" 2>err &&
	test_expect_code 2 agg --bogus <"$B" 2>err
'

test_expect_success 'scaling is the report'"'"'s (like for like), not agg'"'"'s: --baseline is gone' '
	test_expect_code 2 agg --baseline "$TRASH_ROOT/basic.json" <"$B" 2>err &&
	agg <"$B" >r.json &&
	jq -e ".throughput | has(\"scaling_factor\") | not" r.json
'

test_expect_success 'a memory peak above the machine'"'"'s is an error, never a figure (exit 1)' '
	sed "s/\"host\":{\"os\":\"Linux\"}/\"host\":{\"os\":\"Linux\",\"mem_total_bytes\":150000000}/" \
		"$B" >small.nd &&
	test_expect_code 1 agg small.nd >r.json 2>err &&
	grep -q "^agg: memory: the sampled processes. memory peaks at 0.2 GB, more than this machine.s 0.1 GB" err &&
	jq -e ".memory | has(\"error\") and (has(\"peak_bytes\") | not) and (has(\"tps_per_gb\") | not)" r.json &&
	jq -e ".metrics.decode_tps.n > 0" r.json # the rest of the summary is kept
'

test_expect_success 'memory that falls steadily over the requests is no leak verdict but an error' '
	{
		echo "{\"ev\":\"run\",\"t\":999,\"format\":\"tokbench-events\",\"version\":1,\"tool\":\"gen\",\"run_id\":\"r\",\"model\":\"m\",\"config\":{\"concurrency\":1},\"host\":{\"os\":\"Linux\",\"mem_total_bytes\":8000000000},\"server\":{\"kind\":\"openai\"}}" &&
		for i in $(seq 1 10); do
			t=$((1000 + i))
			one_request "$i" "$t"
			echo "{\"ev\":\"mem\",\"t\":$t.5,\"proc\":{\"pids\":[7],\"rss_bytes\":$((2000000000 - i * 50000000))}}"
		done &&
		echo "{\"ev\":\"end\",\"t\":1011,\"tool\":\"gen\",\"reason\":\"complete\",\"requests\":10,\"ok\":10,\"failed\":0,\"aborted\":0}"
	} >fall.nd &&
	test_expect_code 1 agg fall.nd >r.json 2>err &&
	grep -q "^agg: memory: memory fell by 50.0 MB per request" err &&
	jq -e ".memory.leak.verdict == \"error\" and (.memory.leak.error | test(\"changed during the run\"))" r.json
'

test_expect_success 'a sample without proc is no process figure: never -1, never 0' '
	grep -v "\"mem\"" "$B" >gen.nd &&
	# the GPU alone (memsample --gpu with no process found): its peak, and
	# no process figure at all
	cat >gpu.nd <<-\EOF &&
	{"ev":"mem","t":998.9,"format":"tokbench-events","version":1,"gpu":[{"index":0,"used_bytes":5000000000}]}
	{"ev":"mem","t":1000.5,"gpu":[{"index":0,"used_bytes":6000000000}]}
	{"ev":"mem","t":1001.2,"gpu":[{"index":0,"used_bytes":5500000000}]}
	EOF
	agg gen.nd gpu.nd >r.json &&
	jq -e ".memory == {\"samples\":3,\"gpu_peak_bytes\":6000000000}" r.json &&
	# the process found only after the first request: its first sample is
	# the baseline, not the -1 of the samples before it
	cat >late.nd <<-\EOF &&
	{"ev":"mem","t":998.9,"format":"tokbench-events","version":1,"gpu":[{"index":0,"used_bytes":5000000000}]}
	{"ev":"mem","t":1000.05,"gpu":[{"index":0,"used_bytes":5000000000}]}
	{"ev":"mem","t":1000.5,"proc":{"pids":[4],"rss_bytes":180000000},"gpu":[{"index":0,"used_bytes":6000000000}]}
	{"ev":"mem","t":1001.2,"proc":{"pids":[4],"rss_bytes":170000000}}
	EOF
	agg gen.nd late.nd >r.json &&
	jq -e ".memory | .baseline_bytes == 180000000 and .peak_bytes == 180000000
		and .delta_bytes == 0 and .steady_bytes == 170000000 and .samples == 4
		and .gpu_peak_bytes == 6000000000
		and .baseline_from == \"first sample (none before the first request)\"" r.json &&
	# 3 MB more after every request, but a GPU-only sample comes first:
	# the leak fit takes the next sample with a process figure
	{
		echo "{\"ev\":\"run\",\"t\":999,\"format\":\"tokbench-events\",\"version\":1,\"tool\":\"gen\",\"run_id\":\"r\",\"model\":\"m\",\"config\":{\"concurrency\":1},\"server\":{\"kind\":\"openai\"}}" &&
		for i in $(seq 1 10); do
			t=$((1000 + i))
			one_request "$i" "$t"
			echo "{\"ev\":\"mem\",\"t\":$t.45,\"gpu\":[{\"index\":0,\"used_bytes\":1000}]}"
			echo "{\"ev\":\"mem\",\"t\":$t.5,\"proc\":{\"pids\":[7],\"rss_bytes\":$((2000000000 + i * 3000000))}}"
		done &&
		echo "{\"ev\":\"end\",\"t\":1011,\"tool\":\"gen\",\"reason\":\"complete\",\"requests\":10,\"ok\":10,\"failed\":0,\"aborted\":0}"
	} >gaps.nd &&
	agg gaps.nd >r.json &&
	jq -e ".memory.leak | .points == 10 and .mb_per_request == 3 and .verdict == \"leak suspected\"" r.json &&
	jq -e ".memory | .baseline_bytes == 2003000000 and .samples == 20" r.json
'

test_expect_success 'macOS system memory: wired, compressed, swap and used, each baseline, peak, growth' '
	grep -v "\"mem\"" "$B" >gen.nd &&
	agg gen.nd "$FIXTURES/agg/mac-nofit.mem.ndjson" >r.json &&
	# the baseline is the last sample carrying the figure at or before the
	# first request (999.0): 998.9, but for compressed memory, unknown (-1)
	# there, 998.5; the peak is the largest known; growth = peak - baseline
	jq -e ".memory.system == {
		\"wired\": {\"baseline_bytes\": 194151923712, \"peak_bytes\": 393216000000, \"growth_bytes\": 199064076288},
		\"compressed\": {\"baseline_bytes\": 2136588288, \"peak_bytes\": 32768000000, \"growth_bytes\": 30631411712},
		\"swap_used\": {\"baseline_bytes\": 536870912, \"peak_bytes\": 4294967296, \"growth_bytes\": 3758096384},
		\"used\": {\"baseline_bytes\": 321000000000, \"peak_bytes\": 530000000000, \"growth_bytes\": 209000000000}}" r.json &&
	# the first sample, with no proc, counts for the system only
	jq -e ".memory | .samples == 6 and .measure == \"proc.footprint_bytes\"
		and .baseline_bytes == 2000000000 and .peak_bytes == 410000000000
		and .gpu_peak_bytes == 385000000000" r.json
'

test_expect_success 'system memory on Linux: no wired or compressed figure, never a 0 for one' '
	grep -v "\"mem\"" "$B" >gen.nd &&
	# memsample --system alone: sys without proc, as on Linux (no wired or
	# compressed memory); one sample cannot read swap
	cat >sys.nd <<-\EOF &&
	{"ev":"mem","t":998.9,"format":"tokbench-events","version":1,"tool":"memsample","sys":{"total_bytes":25276194816,"used_bytes":3000000000,"available_bytes":22276194816,"swap_used_bytes":0}}
	{"ev":"mem","t":1000.5,"sys":{"total_bytes":25276194816,"used_bytes":9000000000,"available_bytes":16276194816,"swap_used_bytes":0}}
	{"ev":"mem","t":1001.2,"sys":{"total_bytes":25276194816,"used_bytes":8500000000,"available_bytes":16776194816}}
	EOF
	agg gen.nd sys.nd >r.json &&
	jq -e ".memory == {\"samples\": 3, \"system\": {
		\"swap_used\": {\"baseline_bytes\": 0, \"peak_bytes\": 0, \"growth_bytes\": 0},
		\"used\": {\"baseline_bytes\": 3000000000, \"peak_bytes\": 9000000000, \"growth_bytes\": 6000000000}}}" r.json &&
	# a run whose samples carry no system figure has no system object
	agg <"$B" >r.json &&
	jq -e ".memory | has(\"system\") | not" r.json
'

test_expect_success 'a reader that goes away: agg exits 1 with a message, not by SIGPIPE' '
	{
		echo "{\"ev\":\"run\",\"t\":999,\"format\":\"tokbench-events\",\"version\":1,\"tool\":\"gen\",\"run_id\":\"r\",\"model\":\"m\",\"config\":{\"concurrency\":1},\"server\":{\"kind\":\"openai\"}}" &&
		for i in $(seq 1 1200); do
			echo "{\"ev\":\"req\",\"t\":1000,\"id\":$i,\"prompt\":\"p\",\"rep\":$i,\"warmup\":false,\"t_sched\":1000,\"max_tokens\":4}"
			echo "{\"ev\":\"tok\",\"t\":1000.1,\"id\":$i,\"ch\":\"content\",\"bytes\":3}"
			echo "{\"ev\":\"done\",\"t\":1000.2,\"id\":$i,\"status\":\"ok\",\"http\":200,\"finish\":\"stop\",\"chunks\":1,\"tokens\":{\"content\":1,\"reasoning\":0,\"tool\":0,\"source\":\"chunks\",\"chunk_tokens\":1}}"
		done
	} >many.nd &&
	# --per-request makes the summary larger than a pipe holds: head leaves first
	{ "$TB_BIN/agg" --per-request many.nd 2>err; echo $? >rc; } | head -c 1 >/dev/null &&
	test "$(cat rc)" = 1 && grep -q "^agg: stdout: write error: Broken pipe" err
'

test_expect_success 'events that cannot be true leave their request out, said, never as figures' '
	# out of order: the second half of the file read first
	head -n 17 "$B" >p1.nd && tail -n +18 "$B" >p2.nd &&
	agg p2.nd p1.nd >r.json 2>err &&
	jq -e ".incomplete == true and (.incomplete_reasons[0] | test(\"left out: events out of order\"))" r.json &&
	grep -q "^agg: incomplete run: 1 request left out: events out of order" err &&
	# a done before its req (done.t of 0): no negative E2E
	sed "17s/\"t\":1000.310000/\"t\":0/" "$B" >t0.nd &&
	agg t0.nd >r.json 2>err &&
	jq -e "(.incomplete_reasons | map(test(\"ends before it began\")) | any) and .metrics.e2e_s.min >= 0" r.json &&
	# a token count of 1e300: no overflow into negative speeds
	sed "17s/\"content\":5,/\"content\":1e300,/" "$B" >big.nd &&
	agg big.nd >r.json 2>err &&
	jq -e "(.incomplete_reasons | map(test(\"token count that cannot be true\")) | any) and .metrics.decode_tps.min > 0 and .tokens.output < 1000" r.json &&
	# a done without its req is no measured success
	sed "6d" "$B" >noreq.nd &&
	agg noreq.nd >r.json 2>err &&
	jq -e "(.incomplete_reasons | map(test(\"done event without its req\")) | any) and .requests.ok == 2" r.json
'

llmsim_start S --tps 100 --ttft 40ms --prefill 10000 --log "$TRASH_ROOT/s.log"

test_expect_success 'gen | agg against llmsim: metrics equal the scripted schedule' '
	"$TB_BIN/gen" --no-progress -u "$S_URL" -n 3 --max-tokens 41 <"$TESTS/../prompts/std.json" |
		tee "$TRASH_ROOT/sim.ev" | agg >r.json &&
	cp r.json "$TRASH_ROOT/sim.json" &&
	jq -e ".requests.ok == 15 and .tokens.output == 615" r.json &&
	near r.json .metrics.decode_tps.mean 100 1 &&        # 1 token / 10 ms
	near r.json .metrics.itl_s.p50 0.010 0.0005 &&
	near r.json .metrics.tpot_vllm_s.mean 0.010 0.0005 &&
	near r.json .metrics.ttft_s.min 0.040 0.004 &&       # 40 ms + prompt / 10k tok/s
	jq -e ".metrics.ttft_s.max < 0.2" r.json
'

test_expect_success 'agg decode TPS equals the one computed from the ground-truth log' '
	wait_for 10 sim_caught_up "$TRASH_ROOT/s.log" "$TRASH_ROOT/sim.ev" &&
	jq -s "[group_by(.rid)[] | map(select(.what == \"chunk\" and .ch == \"content\") | .t)
		| select(length > 1) | (length - 1) / (.[-1] - .[0])] | add / length" "$TRASH_ROOT/s.log" >truth &&
	near "$TRASH_ROOT/sim.json" .metrics.decode_tps.mean "$(cat truth)" 0.5
'

test_expect_success 'decode TPS on natural stops with the EOS in usage (llama-server) matches the schedule' '
	llmsim_start E --tps 50 --natural-len 12 --eos-in-usage --log "$TRASH_ROOT/e.log" &&
	"$TB_BIN/gen" --no-progress -u "$E_URL" -n 2 --max-tokens 40 <"$TESTS/../prompts/std.json" |
		tee e.ev | agg >r.json &&
	# every request stopped naturally with usage one over its chunks
	jq -s -e "map(select(.ev == \"done\")) | all(.finish == \"stop\" and
		.usage.completion_tokens == .tokens.chunk_tokens + 1)" e.ev &&
	wait_for 10 sim_caught_up "$TRASH_ROOT/e.log" e.ev &&
	jq -s "[group_by(.rid)[] | map(select(.what == \"chunk\" and .ch == \"content\") | .t)
		| select(length > 1) | (length - 1) / (.[-1] - .[0])] | add / length" "$TRASH_ROOT/e.log" >truth &&
	# within 1 %; counting the EOS as a token would be 12/11 - 1 = 9 % high
	near r.json .metrics.decode_tps.mean "$(cat truth)" "$(jq -n "$(cat truth) * 0.01")"
'

llmsim_start P --tps 200 --ttft 10ms

test_expect_success 'power: energy, watts and J per token over the measured window, with their sources' '
	"$TB_BIN/gen" --no-progress -u "$P_URL" --max-tokens 40 -n 4 -c 2 <"$TESTS/../prompts/std.json" >ev &&
	# 50 W from a known source every 10 ms across the run, 60 degrees
	# and throttled in its second half
	jq -s -r "
		(map(select(.ev == \"req\") | .t) | min - 0.05) as \$a |
		(map(select(.ev == \"done\") | .t) | max + 0.05) as \$b |
		[range(0; ((\$b - \$a) * 100 | floor) + 1)] | .[] | {
			ev: \"power\", t: (\$a + . / 100), w_total: 50,
			w_total_of: [\"rapl:package-0\", \"nvidia:0\"],
			temp_c: {\"nvidia:0\": (if . % 7 == 0 then 61 else 60 end)},
			throttled: ((\$a + . / 100) > ((\$a + \$b) / 2)),
			throttled_by: \"nvidia:0\"
		} | tojson" ev >power &&
	"$TB_BIN/agg" --mem power ev >run.json &&
	jq -e ".power as \$p | .tokens.output as \$tok |
		(.requests.ok) as \$n |
		(\$p.energy_j - 50 * \$p.window_s | fabs) < 0.01 and
		(\$p.mean_w - 50 | fabs) < 1e-6 and \$p.p95_w == 50 and
		(\$p.j_per_output_token - \$p.energy_j / \$tok | fabs) < 1e-5 and
		(\$p.j_per_request - \$p.energy_j / \$n | fabs) < 1e-3 and
		\$p.energy_source == \"rapl:package-0+nvidia:0\" and
		\$p.peak_temp_c == 61 and \$p.peak_temp_source == \"nvidia:0\" and
		\$p.thermal_max == null and \$p.throttled_by == \"nvidia:0\" and
		\$p.throttled_share > 0.2 and \$p.throttled_share < 0.8" run.json
'

test_expect_success 'power: no source at all: every figure null, the reasons kept, nothing fails' '
	mkdir empty &&
	PATH=/usr/bin:/bin "$TB_BIN/memsample" --power --sys-root "$PWD/empty" -i 20ms -d 200ms >mem 2>err &&
	"$TB_BIN/gen" --no-progress -u "$P_URL" --max-tokens 10 -n 2 <"$TESTS/../prompts/std.json" >ev &&
	"$TB_BIN/agg" --mem mem ev >run.json &&
	jq -e ".power | .energy_j == null and .mean_w == null and .j_per_output_token == null and
		.peak_temp_c == null and .thermal_max == null and .throttled_share == null and
		(.unknown.rapl | test(\"No such file\")) and (.unknown.nvidia | test(\"not found\"))" run.json &&
	"$TB_BIN/agg" ev >run0.json && jq -e ".power == null" run0.json
'

# The throttling profile: decode at 80 % of its rate from 4.5 s after the
# first request, the middle third of a 9 s run.
test_expect_success 'sustained speed: a server that slows by a known factor is measured within 5 % and called slowed' '
	llmsim_start T --tps 100 --ttft 10ms --slow-after 4.5s --slow-factor 0.8 --log "$TRASH_ROOT/t.log" &&
	"$TB_BIN/gen" --no-progress -u "$T_URL" -c 2 --duration 9s --max-tokens 30 <"$TESTS/../prompts/std.json" >ev &&
	"$TB_BIN/agg" ev >run.json &&
	# the truth, from the log: when the slowdown began, and by how much
	jq -s -e ".[0] | .what == \"start\" and .slow_factor == 0.8 and .slow_after_s == 4.5" "$TRASH_ROOT/t.log" &&
	slow_at=$(jq -s "map(select(.what == \"slowdown\"))[0].t_onset" "$TRASH_ROOT/t.log") &&
	# the slowdown falls in the middle third (counted from the first
	# request, so however late gen starts; asserted, not assumed)
	jq -s -e --argjson s "$slow_at" "
		(map(select(.ev == \"req\" and .warmup == false) | .t) | min) as \$a |
		(map(select(.ev == \"done\" and .status == \"ok\") | .t) | max) as \$b |
		((\$b - \$a) / 3) as \$w |
		if \$s > \$a + \$w + 0.3 and \$s < \$b - \$w - 0.3 then true
		else error(\"slowdown at \(\$s - \$a) s of a \(\$b - \$a) s run: not in its middle third\") end" ev &&
	jq -e ".sustained | .first_n >= 5 and .last_n >= 5 and .verdict == \"slowed\" and
		.ratio_ci95[1] < 0.95 and .ratio_ci95[0] <= .ratio and .ratio <= .ratio_ci95[1]" run.json &&
	near run.json .sustained.ratio 0.8 0.04 &&
	jq -e ".memory == null or .memory.leak.verdict != \"leak suspected\"" run.json &&
	# the report flags it in the Summary, and its pick says so
	mkdir rep && cp run.json rep/ &&
	"$TB_BIN/report" --charts none -o r.md rep 2>/dev/null &&
	grep -q "^\*\*Slowed or throttled while it ran\*\*" r.md &&
	grep -q "decode slowed, its last third at 0\.[78][0-9]× the first third.s speed" r.md &&
	grep -q "note: its decode slowed while it ran (Summary), so these figures are not its sustained speed" r.md
'

test_expect_success 'sustained speed: a server at one speed is stable' '
	"$TB_BIN/gen" --no-progress -u "$P_URL" -c 2 --duration 3s --max-tokens 30 <"$TESTS/../prompts/std.json" >ev &&
	"$TB_BIN/agg" ev >run.json &&
	jq -e ".sustained | .first_n >= 5 and .last_n >= 5 and .verdict == \"stable\" and .reason == null" run.json
'

# llmsim's power model: 20 W idle, 10 W more per stream decoding, its
# energy in a simulated powercap zone that memsample reads as it reads /sys.
test_expect_success 'power: J per token from llmsim'"'"'s simulated RAPL zone is within 2 % of its truth' '
	llmsim_start W --tps 100 --ttft 10ms --power-dir "$PWD/pw" --idle-w 20 --stream-w 10 --log "$TRASH_ROOT/w.log" &&
	{ "$TB_BIN/memsample" --power --sys-root "$PWD/pw" -i 20ms >mem 2>mem.err & } &&
	mpid=$! &&
	test_at_exit "kill $mpid 2>/dev/null" &&
	wait_for 10 eval "[ \$(grep -c \"w_total\" mem) -ge 2 ]" &&
	"$TB_BIN/gen" --no-progress -u "$W_URL" -c 2 -n 4 --max-tokens 30 <"$TESTS/../prompts/std.json" >ev &&
	# a sample after the last reply, so that the window'"'"'s end is covered
	b=$(jq -s "map(select(.ev == \"done\") | .t) | max" ev) &&
	wait_for 10 eval "tail -n 1 mem | jq -e \".t > $b\" >/dev/null" &&
	kill $mpid && wait $mpid &&
	"$TB_BIN/agg" --mem mem ev >run.json &&
	wait_for 10 sim_caught_up "$TRASH_ROOT/w.log" ev &&
	# the truth: the energy between the window'"'"'s edges, read off the log
	truth=$(jq -n --slurpfile ev ev --slurpfile log "$TRASH_ROOT/w.log" --slurpfile run run.json "
		(\$run[0].tokens.output) as \$tok |
		(\$ev | map(select(.ev == \"req\" and .warmup == false) | .t) | min) as \$a |
		(\$ev | map(select(.ev == \"done\" and .status == \"ok\") | .t) | max) as \$b |
		([\$log[0] | {t, w: .idle_w, j: 0}] + (\$log | map(select(.what == \"power\")))) as \$p |
		def e(\$t): (\$p | map(select(.t <= \$t)) | last) as \$q | \$q.j + \$q.w * (\$t - \$q.t);
		(e(\$b) - e(\$a)) / \$tok") &&
	echo "truth $truth J/token" &&
	jq -e ".power.energy_source == \"rapl:package-0\" and .tokens.output > 0" run.json &&
	near run.json .power.j_per_output_token "$truth" "$(jq -n "$truth * 0.02")"
'

test_done
