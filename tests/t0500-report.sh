#!/usr/bin/env bash
# report: golden Markdown, charts rendered by gnuplot, hostile labels, bad input.
. "$(dirname "$0")/lib.sh"

R=$FIXTURES/report
H=$FIXTURES/report-hostile
report() { "$TB_BIN/report" "$@"; }

# Every table row of a Markdown file has as many unescaped pipes as the
# header row of its table: no cell content can break a table.
tables_intact() {
	awk '
	/^\|/ {
		line = $0; gsub(/\\\|/, "", line); n = gsub(/\|/, "", line)
		if (!intable) { want = n; intable = 1 } else if (n != want) { print FILENAME ":" NR ": " n " pipes, want " want; bad = 1 }
		next
	}
	{ intable = 0 }
	END { exit bad }' "$1"
}

test_expect_success 'golden Markdown for a fixed set of runs (several models, levels, a failure)' '
	# the runs beside the report: the Runs table names them relative to it
	cp -R "$FIXTURES/report" report &&
	"$TB_BIN/report" --charts none -o out.md report 2>err &&
	test_cmp "$GOLDEN/report/report.md" out.md &&
	grep -q "broken.json:3:11: invalid JSON (listed as skipped)" err
'

test_expect_success 'every section is there and the marks show' '
	report --charts none -o out.md --baseline quant=Q4_K_M,model=MiniMax-M2.1 "$R" 2>/dev/null &&
	for s in "## The answer" "## Summary" "## Per prompt" "## Concurrency" "## Context length" \
		 "## Baseline vs candidates" "## Outputs" "## Runs"; do
		grep -q "^$s" out.md || { echo "missing: $s"; exit 1; }
	done &&
	grep -q "Q6\\\\_K · gguf ‡" out.md && grep -q "Q8\\\\_0 · gguf †" out.md &&
	grep -q "older format ‡" out.md && grep -q "skipped: 3:11: invalid JSON" out.md &&
	grep -q "^Not in this table.*: Qwen3-Coder-Next · BF16 · gguf.$" out.md &&
	grep -q "100.0 % of requests failed (timeout 10); the model load failed" out.md &&
	tables_intact out.md
'

test_expect_success 'repeated runs, levels and the baseline comparison are computed right' '
	report --charts none -o out.md --baseline quant=Q4_K_M,model=MiniMax-M2.1 "$R" 2>/dev/null &&
	# two runs: the mean of their means 45.73 and 45.9, with the CI from the
	# two (t95(1) 12.706 x sd 0.1202 / sqrt 2 = 1.08); steady 0.98 x 135.5 GB
	grep -q "| MiniMax-M2.1 · 4bit · mlx | 2 | 21.38 (server 21.18) | 132.8 | 138.0 | 45.81 ± 1.08 (2 runs) | 68.0 (short) |" out.md &&
	# 4 users: 118 / 42.609 aggregate = 2.77 scaling, efficiency 0.69; 10
	# requests cannot give a p95
	grep -q "^| 4 | 1 | 10 | 118.00 | 22.86 | 2.77 | 0.69 | 4.523 | — (n 10) |" out.md &&
	# Q8_0 vs Q4_K_M: every request pair 28.7 / 38.6
	grep -q "^| decode TPS (mean) | 38.60 | 28.70 | 0.74× (every pair the same ratio, Holm p < 0.001, 10 request pairs) | \*\*worse\*\* |" out.md &&
	# a group that never ran the workload is not compared
	grep -q "| decode TPS (mean) | 38.60 | — | not compared: not run on the same workload | untested |" out.md
'

test_expect_success 'charts: gnuplot renders every chart as PNG of plausible size' '
	report -o out.md "$R" 2>err &&
	for c in decode_tps ttft tps_vs_memory concurrency memory context; do
		test -s out-assets/$c.png || { echo "no $c.png"; exit 1; }
		test $(wc -c <out-assets/$c.png) -gt 8000 || { echo "$c.png too small"; exit 1; }
		head -c 8 out-assets/$c.png | od -c | grep -q "P   N   G" || exit 1
		grep -q "(out-assets/$c.png)" out.md || exit 1
	done &&
	grep -q "wrote out.md (7 groups, 6 charts)" err && ! grep -q warning err
'

# labels_apart DIR: no two point labels of DIR/tps_vs_memory overlap, in
# the pixels of the plot area the script fixes (900 x 420; 6.6 px per
# character, 14 px a line; labels start at their x, centred on their y).
labels_apart() {
	xr=$(sed -n "s/^set xrange \[0:\(.*\)\]\$/\1/p" "$1/tps_vs_memory.gp") &&
	yr=$(sed -n "s/^set yrange \[0:\(.*\)\]\$/\1/p" "$1/tps_vs_memory.gp") &&
	test -n "$xr" && test -n "$yr" &&
	sed "1d; s/·/./g; s/\"//g" "$1/tps_vs_memory.csv" |
	awk -F, -v xr="$xr" -v yr="$yr" "
	{ n++; x0[n] = \$4 * 900 / xr; x1[n] = x0[n] + length(\$1) * 6.6
	  y0[n] = \$5 * 420 / yr - 7; y1[n] = y0[n] + 14; name[n] = \$1 }
	END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (x0[i] < x1[j] - 0.5 && x0[j] < x1[i] - 0.5 && y0[i] < y1[j] - 0.5 && y0[j] < y1[i] - 0.5) {
			print \"overlap: \" name[i] \" / \" name[j]; bad = 1 }
	      exit bad }"
}

# many_groups N DIR: N runs of three models with long names, close in
# speed and memory, so that their labels compete for room.
many_groups() {
	mkdir -p "$2" && for i in $(seq 1 "$1"); do
		jq ".run.model = \"Model-$((i % 3))-with-a-rather-long-name\"
		    | .run.labels.quant = \"Q${i}_K_M-imatrix-long\"
		    | .metrics.decode_tps.mean = $((30 + i % 7))
		    | .metrics.decode_tps.ci95_lo = $((29 + i % 7)) | .metrics.decode_tps.ci95_hi = $((31 + i % 7))
		    | .memory.steady_bytes = $((100 + i * 3))000000000" \
			"$R/minimax-q4_k_m-c1.json" >"$2/run-$i.json" || return 1
	done
}

test_expect_success 'charts: labels never overlap, with 1, 2, 8 and 20 groups and long names' '
	for n in 1 2 8 20; do
		many_groups $n g$n && report -o g$n.md g$n 2>/dev/null &&
		labels_apart g$n-assets || { echo "with $n groups"; exit 1; }
	done &&
	# 20 long names cannot all fit: some points carry a number, named below
	grep -q "^Numbered points on the chart above: [0-9]*: Model-" g20.md &&
	n=$(grep -c "^\"[0-9]*\"," g20-assets/tps_vs_memory.csv) && test "$n" -gt 0 &&
	test "$(grep -o "; [0-9]*: Model-\|above: [0-9]*: Model-" g20.md | wc -l)" -eq "$n" &&
	! grep -q "^Numbered" g2.md
'

test_expect_success 'charts: concurrency in panels on whole users, memory in GB' '
	report -o c.md "$R" 2>/dev/null &&
	grep -q "^set logscale x 2$" c-assets/concurrency.gp &&
	grep -q "^set xtics (1, 4, 8)$" c-assets/concurrency.gp &&
	grep -q "^set multiplot layout 1,1 " c-assets/concurrency.gp &&
	head -n 1 c-assets/conc-1.csv | grep -q "MiniMax-M2.1.*4bit mlx: all users together.*4bit mlx: each user" &&
	grep -q "^set ylabel .memory (GB).$" c-assets/memory.gp &&
	# the first Summary run'"'"'s 136,000 MB peak is 136 GB on the chart
	cut -d, -f2 c-assets/mem-1.csv | sort -n | tail -n 1 | grep -qx "136"
'

test_expect_success 'charts: SVG on request' '
	report --charts svg -o out.md "$R" 2>/dev/null &&
	grep -q "<svg" out-assets/decode_tps.svg && grep -q "(out-assets/decode_tps.svg)" out.md
'

test_expect_success 'without gnuplot: tables only, one warning, exit 0' '
	mkdir nobin && ln -s "$(command -v jq)" nobin/jq &&
	PATH=$PWD/nobin report -o out.md "$R" 2>err &&
	test "$(grep -c "gnuplot not found" err)" -eq 1 &&
	! grep -q "\.png" out.md && grep -q "^## Summary" out.md
'

test_expect_success 'hostile labels: no broken table, no HTML, no gnuplot command runs' '
	report -o evil.md "$H" 2>err &&
	tables_intact evil.md &&
	! grep -q "<script>\|<img" evil.md &&
	grep -q "a\\\\|b \\\\\`tick\\\\\` &lt;script&gt;" evil.md &&
	test ! -e PWNED && test ! -e evil-assets/PWNED &&
	test -s evil-assets/decode_tps.png &&
	! grep -q "PWNED" evil-assets/*.gp
'

test_expect_success 'missing fields show as dashes, never as numbers' '
	report --charts none -o min.md "$H/minimal.json" 2>err &&
	grep -q "^| — · — · — | 1 | — | — | — | — | — | — | — | — |$" min.md
'

test_expect_success '--csv exports the summary; output is deterministic; results untouched' '
	(cd "$R" && cat *.json | cksum) >before &&
	report --charts none -o a.md --csv a.csv "$R" 2>/dev/null &&
	report --charts none -o b.md --csv b.csv "$R" 2>/dev/null &&
	test_cmp a.md b.md && test_cmp a.csv b.csv &&
	head -n 1 a.csv | grep -q "^\"model\",\"quant\",\"backend\",runs,load_s,model_gb,memory_gb,peak_gb," &&
	grep -q "^\"MiniMax-M2.1\",\"4bit\",\"mlx\",2,21.375,,132.79,138,45.815," a.csv &&
	(cd "$R" && cat *.json | cksum) >after && test_cmp before after &&
	! ls | grep -q tmp
'

test_expect_success '--by a label groups configuration experiments' '
	report --charts none --by model,GGML_METAL_N_CB -o by.md "$R" 2>/dev/null &&
	grep -q "^| Qwen3-Coder-Next · 2 | 1 |" by.md &&
	grep -q "^| Qwen3-Coder-Next · — † ‡ | 2 | failed |" by.md
'

test_expect_success '--by a recorded host setting: the wired-memory limit experiment' '
	mkdir wl &&
	jq ".run.host.wired_limit_mb = 0" "$R/minimax-q4_k_m-c1.json" >wl/a.json &&
	jq ".run.host.wired_limit_mb = 480000" "$R/minimax-q4_k_m-c1.json" >wl/b.json &&
	report --charts none --by model,quant,wired_limit_mb --baseline wired_limit_mb=0 \
		-o wl.md wl 2>err &&
	grep -qF "| MiniMax-M2.1 · Q4\_K\_M · 0 | 1 | 26.50" wl.md &&
	grep -qF "| MiniMax-M2.1 · Q4\_K\_M · 480000 | 1 | 26.50" wl.md &&
	# without the field, the two runs are one group
	report --charts none --by model,quant -o one.md wl 2>/dev/null &&
	grep -qF "| MiniMax-M2.1 · Q4\_K\_M | 2 | 26.50" one.md &&
	# a field no run records (misspelt) is said, not shown as one group
	test_expect_code 1 report --charts none --by model,quant,wired_limit -o typo.md wl 2>err &&
	grep -q "^report: --by wired_limit: no run records it" err && test ! -e typo.md
'

test_expect_success '--by a label, --baseline its default: the Metal experiment of the Mac plan' '
	mkdir mt &&
	jq ".run.labels.metal = \"default\"" "$R/minimax-q4_k_m-c1.json" >mt/a.json &&
	jq ".run.labels.metal = \"fusion-off\" | .run.env.GGML_METAL_FUSION_DISABLE = \"1\"" \
		"$R/minimax-q4_k_m-c1.json" >mt/b.json &&
	report --charts none --by model,quant,metal --baseline metal=default -o mt.md mt 2>err &&
	grep -qF "| MiniMax-M2.1 · Q4\_K\_M · default | 1 |" mt.md &&
	grep -qF "| MiniMax-M2.1 · Q4\_K\_M · fusion-off | 1 |" mt.md &&
	grep -q "^## Baseline vs candidates" mt.md &&
	sed -n "/^## Baseline vs candidates/,/^## [A-Z]/p" mt.md >base &&
	grep -q "fusion-off" base
'

test_expect_success 'errors: bad options exit 2; a baseline that matches nothing, no runs exit 1' '
	test_expect_code 2 report --charts gif "$R" 2>err &&
	test_expect_code 2 report --bogus 2>err &&
	test_expect_code 1 report --charts none -o x.md --baseline quant=Q9 "$R" 2>err &&
	grep -q "^report: --baseline quant=Q9: no group matches it" err &&
	mkdir empty && test_expect_code 1 report -o x.md empty 2>err &&
	grep -q "no readable run JSON files" err &&
	test_expect_code 1 report --charts none -o nodir/x.md "$R" 2>err &&
	grep -q "^report: nodir/x.md: No such file or directory" err
'

test_expect_success 'agg output feeds report end to end' '
	"$TB_BIN/agg" "$FIXTURES/agg/basic.ndjson" >run.json 2>/dev/null &&
	report --charts none -o e2e.md run.json 2>/dev/null &&
	grep -q "^| q4\\\\_k\\\\_m · Q4\\\\_K\\\\_M · — | 1 |" e2e.md
'

test_expect_success 'quantizations from the smallest to the largest, in tables and charts' '
	(cd "$FIXTURES" && "$TB_BIN/report" --charts png -o "$TRASH/q.md" report) 2>/dev/null &&
	cut -d, -f1 q-assets/decode_tps.csv | tr -d "\"" >x &&
	printf "quantization\n4bit\nQ4_K_M\nQ6_K\nQ8_0\n" >want && test_cmp want x &&
	cut -d, -f1 q-assets/ttft.csv | tr -d "\"" >x && test_cmp want x &&
	sed -n "/^## Summary/,/^## /p" q.md | grep "^| Qwen3-Coder-Next · " | cut -d"|" -f2 | sed "s/ *$//" >rows &&
	printf " Qwen3-Coder-Next · Q4\\\\_K\\\\_M · gguf\n Qwen3-Coder-Next · Q6\\\\_K · gguf ‡\n Qwen3-Coder-Next · Q8\\\\_0 · gguf †\n" >want &&
	test_cmp want rows
'

test_expect_success 'the Runs table names run files relative to the report, never this machine'"'"'s paths' '
	cp -R "$FIXTURES/report" runs && mkdir -p out/deep &&
	"$TB_BIN/report" --charts none -o out/deep/r.md "$PWD/runs" 2>/dev/null &&
	sed -n "/^| file |/,\$p" out/deep/r.md >table &&
	grep -q "^| ../../runs/" table && ! grep -q "$PWD" out/deep/r.md
'

test_expect_success 'the simulated banner says exactly how many runs were simulated' '
	mkdir mix && for f in "$FIXTURES"/report/*.json; do
		jq . "$f" >/dev/null 2>&1 && cp "$f" mix/ ; done &&
	n=$(ls mix | wc -l) && first=$(ls mix | head -n 1) &&
	jq ".run.server.simulated = true" "mix/$first" >t && mv t "mix/$first" &&
	"$TB_BIN/report" --charts none -o a.md mix 2>/dev/null &&
	grep -q "^> \*\*Partly simulated.\*\* 1 of the $n runs measured llmsim" a.md &&
	for f in mix/*.json; do jq ".run.server.simulated = true" "$f" >t && mv t "$f"; done &&
	"$TB_BIN/report" --charts none -o b.md mix 2>/dev/null &&
	grep -q "^> \*\*Simulated.\*\* All $n runs measured llmsim" b.md
'

test_expect_success 'agg'"'"'s leak verdict reaches the report' '
	mkdir lk && cp "$FIXTURES/report/minimax-mlx4-c1.json" "$FIXTURES/report/minimax-q8_0-c1.json" lk/ &&
	jq ".memory.leak.verdict = \"leak suspected\" | .memory.leak.mb_per_request = 4.2 | .memory.leak.r2 = 0.9
		| .memory.leak.mb_per_request_ci95 = [3.9, 4.5] | .memory.leak.mb_per_minute = 71.6" \
		lk/minimax-q8_0-c1.json >t && mv t lk/minimax-q8_0-c1.json &&
	"$TB_BIN/report" --charts none -o r.md lk 2>/dev/null &&
	# each run named: a group has several (workloads, levels, soaks)
	grep -q "^- MiniMax-M2.1 · Q8\\\\_0 · gguf (std.json, 2 prompts, max 100 tokens; 1 user; minimax-q8\\\\_0-c1.json): \*\*leak suspected\*\*, 4.20 (95 % CI 3.90 to 4.50) MB per request, 71.60 MB per minute (r² 0.90)" r.md &&
	grep -q "^The other 1 run with enough requests (8 or more) showed no leak." r.md &&
	# and the answer names it among what failed
	grep -q "^  - MiniMax-M2.1 · Q8\\\\_0 · gguf: its memory grew: a leak is suspected" r.md
'

test_expect_success 'a run that slowed or ran throttled is flagged in the Summary, and its pick says so' '
	mkdir dr && cp "$FIXTURES/report/minimax-mlx4-c1.json" "$FIXTURES/report/minimax-q8_0-c1.json" dr/ &&
	report --charts none -o before.md dr 2>/dev/null &&
	! grep -q "Slowed or throttled\|note: its" before.md &&
	jq ".sustained = {first_n: 10, last_n: 10, ratio: 0.8, ratio_ci95: [0.78, 0.82], verdict: \"slowed\"}
		| .power = {throttled_share: 0.4, thermal_max: \"serious\"}" \
		dr/minimax-mlx4-c1.json >t && mv t dr/minimax-mlx4-c1.json &&
	report --charts none -o r.md dr 2>/dev/null &&
	grep -q "^- MiniMax-M2.1 · 4bit · mlx (std.json, 2 prompts, max 100 tokens; 1 user; minimax-mlx4-c1.json): decode slowed, its last third at 0.80× the first third.s speed (95 % CI 0.78–0.82); the machine was throttled for 40 % of the run; the machine.s thermal state reached serious.$" r.md &&
	# the answer still picks it (the fastest), never without saying so
	grep -q "^- \*\*One interactive user:\*\* MiniMax-M2.1 · 4bit · mlx .*; note: its decode slowed and its machine was throttled while it ran (Summary), so these figures are not its sustained speed.$" r.md &&
	# a stable run, or one whose verdict is unknown, is not flagged
	jq ".sustained.verdict = \"stable\" | .power = null" dr/minimax-mlx4-c1.json >t && mv t dr/minimax-mlx4-c1.json &&
	report --charts none -o s.md dr 2>/dev/null &&
	! grep -q "Slowed or throttled\|note: its" s.md
'

test_expect_success 'power: J/token and watts where measured, unknown with the reason where not, and the chart' '
	mkdir pw && cp "$FIXTURES/report/minimax-mlx4-c1.json" "$FIXTURES/report/minimax-q8_0-c1.json" pw/ &&
	report --charts none -o none.md pw 2>/dev/null &&
	! grep -q "J/token\|Power, heat" none.md &&
	jq ".power = {samples: 40, window_s: 4, covered_s: 4, energy_j: 120, mean_w: 30, p95_w: 38.5,
		j_per_output_token: 0.25, energy_source: \"rapl:package-0\", peak_temp_c: 61.5,
		timeline: [[0, 20, 40], [1, 35, 50], [2, null, 55], [3, 30, null]]}" \
		pw/minimax-mlx4-c1.json >t && mv t pw/minimax-mlx4-c1.json &&
	jq ".power = {samples: 40, window_s: 4, covered_s: 0, energy_j: null, mean_w: null, j_per_output_token: null,
		unknown: {rapl: \"/sys/class/powercap: No such file or directory\"}}
		| .sustained = {first_n: 2, last_n: 2, ratio: null, ratio_ci95: null, band: 0.05,
		verdict: \"unknown\", reason: \"2 and 2 requests with a decode speed in the first and last thirds; a verdict needs 5 in each\"}" \
		pw/minimax-q8_0-c1.json >t && mv t pw/minimax-q8_0-c1.json &&
	report -o p.md pw 2>/dev/null &&
	grep "^| group " p.md | grep -qF "| J/token | mean W |" &&
	grep "^| MiniMax-M2.1 · 4bit · mlx |" p.md | grep -qF "| 0.250 | 30.0 |" &&
	grep -F "| MiniMax-M2.1 · Q8\_0 · gguf |" p.md | grep -qF "| unknown: rapl: /sys/class/powercap: No such file or directory | unknown |" &&
	grep -q "^## Power, heat and sustained speed" p.md &&
	grep -qF "| minimax-mlx4-c1.json | MiniMax-M2.1 · 4bit · mlx | 0.250 | 30.0 | 38.5 | 61.5 | rapl:package-0 |" p.md &&
	grep -qF "| minimax-q8\_0-c1.json | MiniMax-M2.1 · Q8\_0 · gguf | unknown: rapl: /sys/class/powercap: No such file or directory | unknown | unknown | unknown |" p.md &&
	# a sustained verdict that is unknown says why (agg'"'"'s reason)
	grep -F "| minimax-q8\_0-c1.json |" p.md | grep -qF "| unknown: 2 and 2 requests with a decode speed in the first and last thirds; a verdict needs 5 in each |" &&
	! grep "^| minimax-" p.md | grep -q "| 0 |\|| 0.0 |" &&
	# the chart: the timeline as written, null as unknown
	test_cmp - p-assets/power-1.csv <<-\EOF &&
	seconds,"MiniMax-M2.1 · 4bit · mlx","°C"
	0,20,40
	1,35,50
	2,?,55
	3,30,?
	EOF
	test -s p-assets/power.png &&
	grep -q "^!\[Power and temperature during each group.s Summary run\](p-assets/power.png)" p.md
'

test_expect_success 'the machine'"'"'s memory: columns only above 0, a line past 1 GB of swap, the CSV always' '
	grep -v "\"mem\"" "$FIXTURES/agg/basic.ndjson" >gen.nd &&
	# a Mac where the model did not fit (wired 393.2 GB, compressed +30.6
	# GB, swap +3.76 GB: tests/fixtures/agg) beside a Linux run whose swap
	# never moved (no wired or compressed memory there)
	"$TB_BIN/agg" gen.nd "$FIXTURES/agg/mac-nofit.mem.ndjson" >mac.json &&
	printf "%s\n" \
		"{\"ev\":\"mem\",\"t\":998.9,\"sys\":{\"used_bytes\":3000000000,\"swap_used_bytes\":0}}" \
		"{\"ev\":\"mem\",\"t\":1000.5,\"sys\":{\"used_bytes\":9000000000,\"swap_used_bytes\":0}}" >lin.nd &&
	"$TB_BIN/agg" gen.nd lin.nd | jq ".run.model = \"linux\"" >lin.json &&
	mkdir both && cp mac.json lin.json both/ &&
	report --charts none -o both.md --csv both.csv both 2>/dev/null &&
	grep -q "^| group | runs | load s | memory GB | largest peak GB | wired GB (peak) | compressed GB (peak growth) | swap GB (peak growth) | decode TPS |" both.md &&
	grep -q "^| q4\\\\_k\\\\_m · Q4\\\\_K\\\\_M · — | 1 | — | 400.0 | 410.0 | 393.2 | 30.6 | 3.8 | 21.67 " both.md &&
	grep -q "^| linux · Q4\\\\_K\\\\_M · — | 1 | — | — | — | — | — | 0.000 | 21.67 " both.md &&
	# never the answer, and said so with the failures
	grep -q "^  - q4\\\\_k\\\\_m · Q4\\\\_K\\\\_M · —: .*the machine.s swap grew by 3.8 GB while it ran: it did not fit in memory, and is not picked\.$" both.md &&
	# both clean of failures: the one that fits is the answer, alone
	F=".requests.error_rate = 0 | .requests.failed = 0 | .requests.by_status = {ok: 3} |
		.requests.measured = 3" &&
	mkdir clean && jq "$F" mac.json >clean/mac.json && jq "$F" lin.json >clean/lin.json &&
	report --charts none -o clean.md clean 2>/dev/null &&
	sed -n "/^### q4/,/^###/p" clean.md | grep -q "^- \*\*One interactive user:\*\* none: no group that may be picked" &&
	sed -n "/^### Across models/,/^###/p" clean.md | grep -q "^- \*\*One interactive user:\*\* linux · " &&
	grep -q "^  - q4\\\\_k\\\\_m · Q4\\\\_K\\\\_M · —: the machine.s swap grew by 3.8 GB while it ran: it did not fit in memory, and is not picked\.$" clean.md &&
	grep -q "^- q4\\\\_k\\\\_m · Q4\\\\_K\\\\_M · — (?, 3 prompts, uneven mix; 2 users; mac.json): swap grew by 3.8 GB while it ran: the model did not fit in the memory left free, so its speed is not the speed of a model that fits$" both.md &&
	test "$(grep -c "^- .*: swap grew by" both.md)" = 1 &&
	tables_intact both.md &&
	head -n 1 both.csv | grep -q ",quality_n,wired_peak_gb,compressed_growth_gb,swap_growth_gb$" &&
	grep -q "^\"q4_k_m\",.*,393.216,30.6314,3.7581$" both.csv &&
	grep -q "^\"linux\",.*,,,0$" both.csv &&
	# the Linux run alone: no column of the machine'"'"'s memory (nothing
	# above 0), no line; the CSV keeps its columns, empty when unknown
	report --charts none -o lin.md --csv lin.csv lin.json 2>/dev/null &&
	grep -q "^| group | runs | load s | memory GB | largest peak GB | decode TPS |" lin.md &&
	! grep -q "wired GB\|swap GB\|swap grew by [0-9]\|Did not fit" lin.md &&
	head -n 1 lin.csv | grep -q ",wired_peak_gb,compressed_growth_gb,swap_growth_gb$" &&
	grep -q "^\"linux\",.*,,,0$" lin.csv &&
	# 1 GB of swap growth is not past the limit; 1.01 GB is
	jq ".memory.system.swap_used.growth_bytes = 1000000000" mac.json >at.json &&
	report --charts none -o at.md at.json 2>/dev/null && ! grep -q "Did not fit" at.md &&
	jq ".memory.system.swap_used.growth_bytes = 1010000000" mac.json >over.json &&
	report --charts none -o over.md over.json 2>/dev/null && grep -q "swap grew by 1.0 GB while it ran" over.md &&
	# a growth no machine can have is a bad value, and decides nothing
	jq ".memory.system.swap_used.growth_bytes = 1e300" mac.json >bad.json &&
	report --charts none -o bad.md bad.json 2>/dev/null &&
	grep -q "^| q4\\\\_k\\\\_m · .* | 30.6 | bad value | 21.67 " bad.md && ! grep -q "Did not fit" bad.md
'

test_expect_success 'quality is compared only where measured on enough outputs, never weighed against speed' '
	mkdir qa && cp "$FIXTURES/report/minimax-mlx4-c1.json" "$FIXTURES/report/minimax-q8_0-c1.json" qa/ &&
	for f in qa/*.json; do jq ".quality = {checked: 20, passed: 10, pass_rate: 0.5}" "$f" >t && mv t "$f"; done &&
	"$TB_BIN/report" --charts none -o a.md qa 2>/dev/null &&
	grep -q "^- \*\*Expect checks:\*\* no difference: every group passed 50 % of its expect checks." a.md &&
	! grep -q "quality 50 %" a.md &&
	# the slower group is more accurate: it is named, and speed still ranks speed
	jq ".quality = {checked: 20, passed: 18, pass_rate: 0.9}" qa/minimax-q8_0-c1.json >t && mv t qa/minimax-q8_0-c1.json &&
	"$TB_BIN/report" --charts none -o b.md qa 2>/dev/null &&
	grep -q "^- \*\*Highest expect pass rate:\*\* MiniMax-M2.1 · Q8\\\\_0 · gguf — 90 % of 20 checked outputs (the lowest: 50 %)" b.md &&
	grep -q "^- \*\*One interactive user:\*\* MiniMax-M2.1 · 4bit · mlx" b.md &&
	# too few checked outputs: not compared
	for f in qa/*.json; do jq ".quality = {checked: 3, passed: 0, pass_rate: 0}" "$f" >t && mv t "$f"; done &&
	"$TB_BIN/report" --charts none -o c.md qa 2>/dev/null &&
	grep -q "^- \*\*Expect checks:\*\* not compared" c.md
'

test_expect_success 'the Runs table names the build that measured each run' '
	mkdir runs &&
	sed "s/\"run\": *{/\"run\": {\"tool_version\": \"v9.9-3-gabc1234\", /" \
		"$FIXTURES/report/minimax-q8_0-c1.json" >runs/a.json &&
	"$TB_BIN/report" --charts none -o out.md runs 2>err &&
	grep "^| runs/a.json |" out.md >row &&
	grep -q "| v9.9-3-gabc1234 |\$" row
'

test_done
