#!/usr/bin/env bash
# Community figures (#27): gen --bench's pp and tg through llmsim, whose
# prefill and decode rates are scripted, come out at the truth; every
# request's prompt is exactly the test's tokens by the server's count;
# make community's script and the report's table in llama-bench's shape,
# with llama-bench's own figure beside; bad input refused with no figure.
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
export TB_BIN

# near_span A B SECONDS: A within 1 % of B plus 2 ms of the SECONDS the
# figure is timed over: a loaded machine moves any span by a millisecond
# or two (CI saw 1.3 % on a 64 ms prefill), a wrong definition by far more.
near_span() {
	near "$1" "$2" "$(jq -n "0.01 + 0.002 / ($3)")"
}

# near A B TOL: |A / B - 1| <= TOL
near() {
	jq -n -e --argjson a "$1" --argjson b "$2" --argjson t "$3" '($a / $b - 1) | fabs <= $t' >/dev/null || {
		echo "near: $1 is not within $3 of $2" >&2
		return 1
	}
}

test_expect_success 'pp at depths: exactly d + N tokens, prefill at the scripted rate' '
	llmsim_start S --as llamacpp --ttft 0 --prefill 2000 --tps 200 --jitter 0 &&
	for d in 0 512; do
		"$TB_BIN/gen" -u "$S_URL" -m sim --no-progress --bench "pp256@d$d" -n 3 >pp$d.ndjson &&
		"$TB_BIN/agg" pp$d.ndjson >pp$d.json &&
		want=$((256 + d)) &&
		jq -s -e --argjson w $want "[.[] | select(.ev == \"done\") | .usage.prompt_tokens]
			| length == 4 and all(. == \$w)" pp$d.ndjson &&
		jq -e --argjson w $want ".bench | .exact and .prompt_tokens == \$w and .tps.n == 3
			and .server_tps.n == 3
			and .test == (if $d == 0 then \"pp256\" else \"pp256 @ d512\" end)" pp$d.json &&
		near_span "$(jq .bench.tps.mean pp$d.json)" 2000 "$want / 2000" || return 1
	done
'

SIM="--as llamacpp --ttft 0 --prefill 2000 --tps 200 --jitter 0"

test_expect_success 'tg at a depth: N tokens with EOS ignored, decode at the scripted rate' '
	llmsim_start S $SIM &&
	"$TB_BIN/gen" -u "$S_URL" -m sim --no-progress --bench tg64@d300 -n 3 >tg.ndjson &&
	"$TB_BIN/agg" tg.ndjson >tg.json &&
	jq -s -e "[.[] | select(.ev == \"done\")] | length == 4
		and all(.[]; .usage.prompt_tokens == 300 and .usage.completion_tokens == 64)" tg.ndjson &&
	jq -e ".bench | .exact and .type == \"tg\" and .tps.n == 3 and .server_tps.n == 3" tg.json &&
	near_span "$(jq .bench.tps.mean tg.json)" 200 "63 / 200" &&
	near "$(jq .bench.server_tps.mean tg.json)" 200 0.01 &&
	head -n 1 tg.ndjson | jq -e ".kind == {name: \"bench\", depth: 300, test: \"tg\", n: 64}
		and .config.repetitions == 3 and .config.warmup == 1
		and (.config.prompt_count | .target == 300 and .exact and .method == \"tokenize\")" &&
	jq -e ".bench.count_method == \"tokenize\"" tg.json
'

test_expect_success 'make community: a result per test, the report in llama-bench'"'"'s shape beside llama-bench' '
	llmsim_start S $SIM &&
	MODEL=sim BASE_URL=$S_URL N=2 TESTS="pp128 tg16" DEPTHS="0 256" RESULTS=res \
		"$SCRIPTS/community.sh" >paths &&
	test_lines paths 4 &&
	jq -e ".run.kind.name == \"bench\" and (.run.kind.series | length > 0)" $(head -n 1 paths) &&
	printf "%s\n" "[{\"model_type\": \"sim\", \"model_size\": 1048576, \"model_n_params\": 1500000,
		\"n_threads\": 4, \"n_prompt\": 128, \"n_gen\": 0, \"n_depth\": 0,
		\"avg_ts\": 4000, \"stddev_ts\": 10, \"samples_ts\": [3990, 4010]},
		{\"model_type\": \"sim\", \"n_prompt\": 0, \"n_gen\": 512, \"n_depth\": 0,
		\"avg_ts\": 1, \"stddev_ts\": 0, \"samples_ts\": [1]}]" >lb.json &&
	"$TB_BIN/report" --charts none -o rep.md --llama-bench lb.json res 2>err &&
	sed -n "/^## Community figures/,\$p" rep.md >sect &&
	test_contains sect "| model | size | params | backend | threads | test | t/s | server t/s | llama-bench t/s | served / in-process |" &&
	grep -E "^\| sim none \| 1.00 MiB \| 1.50 M \| llmsim \| 4 \| pp128 \| [0-9.]+ ± [0-9.]+ \| [0-9.]+ ± [0-9.]+ \| 4000.00 ± 10.00 \| [0-9.]+ \|$" sect >row &&
	# the ratio is the served mean over llama-bench'"'"'s (about 2000 / 4000)
	awk -F"|" "{ split(\$8, s, \" \"); r = s[1] / 4000
		if (\$11 + 0 < r - 0.006 || \$11 + 0 > r + 0.006 || r < 0.45 || r > 0.55) exit 1 }" row &&
	grep -E "^\| sim none \| .* \| tg16 @ d256 \| [0-9.]+ ± [0-9.]+ \|" sect &&
	test_contains sect "1 of llama-bench'"'"'s tests have no served run of the same test."
'

test_expect_success 'bad input: N = 0, a depth beyond the context, no usage: no figure' '
	llmsim_start S &&
	test_expect_code 2 "$TB_BIN/gen" -u "$S_URL" -m sim --bench pp0 >out 2>err &&
	test_contains err "n=0: not a parameter a bench run takes" &&
	test_expect_code 2 "$TB_BIN/gen" -u "$S_URL" -m sim --bench pp512@4096 >out 2>err &&
	test_contains err "want ppN or tgN, then @dDEPTH" &&
	llmsim_start C --ctx 2048 &&
	test_expect_code 1 "$TB_BIN/gen" -u "$C_URL" -m sim --bench pp512@d4096 >out 2>err &&
	test_contains err "are beyond the context the server has loaded .2048.; no figure is made" &&
	! test -s out &&
	# a server with neither /tokenize nor usage: no count at all
	llmsim_start U --no-usage --as vllm &&
	test_expect_code 1 "$TB_BIN/gen" -u "$U_URL" -m llmsim --bench pp64 >out 2>err &&
	test_contains err "not brought to 64 tokens by the server.s count .usage.: the server.s reply has no usage.prompt_tokens: its count of the prompt is unknown; no figure is made" &&
	! test -s out &&
	# one whose /tokenize counts but whose replies have no usage: the
	# requests cannot be seen to be exact, so agg makes no figure
	llmsim_start T --no-usage &&
	"$TB_BIN/gen" -u "$T_URL" -m sim --no-progress --bench pp64 -n 2 >t.ndjson &&
	"$TB_BIN/agg" t.ndjson >t.json 2>err &&
	test_contains err "agg: bench pp64: request 2: the reply has no usage.prompt_tokens, so its prompt.s tokens are unknown; no figure is made" &&
	jq -e ".bench | .exact == false and .tps == null and .server_tps == null" t.json
'

test_expect_success 'report --bench md|csv|json: llama-bench'"'"'s own shapes; --compare-bench: speedups with intervals' '
	llmsim_start S $SIM &&
	MODEL=sim BASE_URL=$S_URL N=3 TESTS="pp64 tg16" DEPTHS="0 128" LABELS="threads=4" RESULTS=res \
		"$SCRIPTS/community.sh" >paths &&
	"$TB_BIN/report" --bench md res >b.md &&
	head -n 2 b.md >head &&
	printf "%s\n" "| model                          |       size |     params | backend    | threads |            test |                  t/s |" \
		"| ------------------------------ | ---------: | ---------: | ---------- | ------: | --------------: | -------------------: |" >want &&
	test_cmp want head &&
	grep -E "^\| sim none {23}\| {10}\? \| {10}\? \| llmsim {5}\| {7}4 \| {5}pp64 @ d128 \| +[0-9.]+ ± [0-9.]+ \|$" b.md &&
	test "$(grep -c "^| sim none " b.md)" -eq 4 &&
	tail -n 1 b.md | grep -q "^build: tokbench .*; t/s through the server (gen --bench), not in-process$" &&
	# the report'"'"'s chart of t/s against depth (two depths a test)
	"$TB_BIN/report" -o rep.md res 2>/dev/null &&
	test -s rep-assets/bench_depth.png &&
	grep -q "^!\[t/s against depth, served\](rep-assets/bench_depth.png)$" rep.md &&
	test_lines rep-assets/bench-1.csv 3 &&
	head -n 1 rep-assets/bench-1.csv | grep -q "^depth,\"sim none llmsim pp64\",sd,\"sim none pp64 llama-bench\",lb_sd$" &&
	"$TB_BIN/report" --bench csv res >b.csv &&
	head -n 1 b.csv | grep -q "^cpu_info,model_filename,model_type,model_size,model_n_params,n_threads,n_prompt,n_gen,n_depth,test_time,avg_ts,stddev_ts," &&
	test_lines b.csv 5 &&
	"$TB_BIN/report" --bench json res >b.json &&
	# every field where llama-bench has it, the figures as agg wrote them
	# (their rates are the first tests'"'"' to check)
	jq -e "length == 4 and all(.[]; .model_type == \"sim none\" and .n_threads == 4
		and (.samples_ts | length) == 3 and .repetitions == 3 and .exact)
		and ([.[] | select(.n_prompt == 64 and .n_depth == 0)][0] | .n_gen == 0)" b.json &&
	jq -e --slurpfile r "$(grep -l "\"test\":\"pp64\"" res/*.json)" \
		"[.[] | select(.n_prompt == 64 and .n_depth == 0)][0].avg_ts == \$r[0].bench.tps.mean" b.json &&
	# each format reads back; against itself every speedup is 1
	"$TB_BIN/report" --compare-bench b.json b.csv >cmp.md &&
	test "$(grep -c "^| sim none | .* | 1.00 | [0-9.]*–[0-9.]* |$" cmp.md)" -eq 4 &&
	# against llama-bench'"'"'s own files (captured, the same four tests):
	# by test alone, said; its CSV has no repetitions: no interval, said
	lb=$TESTS/fixtures/llama-bench &&
	"$TB_BIN/report" --compare-bench "$lb/lb.json" b.json >lb.md 2>err &&
	test_contains lb.md "Each file names one model, under other names" &&
	test_contains lb.md "^\| Model \| Test \| t/s .*lb.json \| t/s b.json \| Speedup \| 95 % interval \|$" &&
	test "$(grep -c "^| llama ?B Q8\\\\_0 | [pt][pg]\(64\|16\)\( @ d128\)\? | .* | [0-9.]* | [0-9.]*–[0-9.]* |$" lb.md)" -eq 4 &&
	! grep -q "are not in" lb.md &&
	"$TB_BIN/report" --compare-bench "$lb/lb.csv" b.csv >lbc.md &&
	test_contains lbc.md "tests? without an interval: a file does not say its repetitions" &&
	! grep -q "[0-9]–[0-9]" lbc.md
'

test_expect_success 'report --bench and --compare-bench: bad input gets one line, no table' '
	mkdir none && printf "%s\n" "a,b" "1,2" >bad.csv &&
	test_expect_code 2 "$TB_BIN/report" --bench xml none 2>err &&
	test_contains err "^report: --bench xml: want md, csv or json$" &&
	test_expect_code 1 "$TB_BIN/report" --compare-bench bad.csv bad.csv >out 2>err &&
	test_lines err 1 && test_contains err "bad.csv: record 1 is not llama-bench.s .no n_prompt" &&
	! test -s out &&
	test_expect_code 2 "$TB_BIN/report" --compare-bench bad.csv >out 2>err &&
	test_expect_code 1 "$TB_BIN/report" --compare-bench "$TESTS/fixtures/llama-bench/lb.json" nosuch.json >out 2>err &&
	test_contains err "nosuch.json: No such file" && ! test -s out
'

test_expect_success 'gen --prompt-tokens: exactly N by the server'"'"'s count, by /tokenize or usage, said' '
	printf "%s\n" "{\"q\": {\"prompt\": \"What is the text above about?\", \"max_tokens\": 4}}" >q.json &&
	llmsim_start S &&
	"$TB_BIN/gen" -u "$S_URL" -m sim --no-progress -p q.json --prompt-tokens 777 -n 3 >a.ndjson &&
	jq -s -e "[.[] | select(.ev == \"done\") | .usage.prompt_tokens] == [777, 777, 777]" a.ndjson &&
	head -n 1 a.ndjson | jq -e ".config.prompt_count == {target: 777, method: \"tokenize\", requests: 2, exact: true}" &&
	# a server without /tokenize is counted by its usage
	llmsim_start V --as vllm &&
	"$TB_BIN/gen" -u "$V_URL" -m llmsim --no-progress -p q.json --prompt-tokens 777 -n 2 >b.ndjson &&
	jq -s -e "[.[] | select(.ev == \"done\") | .usage.prompt_tokens] == [777, 777]" b.ndjson &&
	head -n 1 b.ndjson | jq -e ".config.prompt_count | .method == \"usage\" and .exact" &&
	# a bench test counted by usage: the last count (the whole prompt and
	# one token) was llama-bench'"'"'s warm-up, so none more is sent
	"$TB_BIN/gen" -u "$V_URL" -m llmsim --no-progress --bench pp64@d100 -n 2 >w.ndjson &&
	head -n 1 w.ndjson | jq -e ".config.warmup == 0 and .config.prompt_count.warmup
		and .config.prompt_count.method == \"usage\"" &&
	jq -s -e "[.[] | select(.ev == \"req\")] | length == 2 and all(.[]; .warmup == false)" w.ndjson
'

test_expect_success 'gen --prompt-tokens: N = 0, two prompts, beyond the context: refused, nothing sent' '
	printf "%s\n" "{\"q\": {\"prompt\": \"a\"}, \"r\": {\"prompt\": \"b\"}}" >two.json &&
	llmsim_start C --ctx 2048 &&
	test_expect_code 2 "$TB_BIN/gen" -u "$C_URL" -m sim -p two.json --prompt-tokens 0 >out 2>err &&
	test_contains err "--prompt-tokens" && ! test -s out &&
	test_expect_code 2 "$TB_BIN/gen" -u "$C_URL" -m sim -p two.json --prompt-tokens 100 >out 2>err &&
	test_contains err "gen: --prompt-tokens: two.json has 2 prompts; one is brought to a count .--only NAME." &&
	! test -s out &&
	test_expect_code 2 "$TB_BIN/gen" -u "$C_URL" -m sim --bench pp64 --prompt-tokens 100 >out 2>err &&
	test_contains err "not with --bench" &&
	# beyond the loaded context: the run says why, and sends nothing
	test_expect_code 1 "$TB_BIN/gen" -u "$C_URL" -m sim --no-progress -p two.json --only q \
		--prompt-tokens 4000 >out 2>err &&
	test_lines err 1 &&
	test_contains err "gen: --prompt-tokens 4000: 4000 tokens of prompt and 256 of output are beyond the context the server has loaded .2048.; nothing is sent" &&
	jq -s -e "length == 2 and .[0].config.prompt_count.exact == false
		and (.[0].config.prompt_count.why | test(\"beyond the context\"))
		and .[1].reason == \"not_counted\"" out &&
	! grep -q "\"ev\":\"req\"" out &&
	# a server with neither /tokenize nor usage: no count, nothing sent
	llmsim_start U --no-usage --as vllm &&
	test_expect_code 1 "$TB_BIN/gen" -u "$U_URL" -m llmsim --no-progress -p two.json --only q \
		--prompt-tokens 100 >out 2>err &&
	test_lines err 1 &&
	test_contains err "gen: --prompt-tokens 100: the prompt was not brought to 100 tokens by the server.s count .usage.: the server.s reply has no usage.prompt_tokens: its count of the prompt is unknown; nothing is sent" &&
	! grep -q "\"ev\":\"req\"" out
'

test_done
