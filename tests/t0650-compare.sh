#!/usr/bin/env bash
# Comparisons end to end: a matrix of llmsim entries with known, different
# TTFT and decode schedules, and what the report concludes from them.
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
export TB_BIN

# The Baseline table's row for a group and metric: "ratio | verdict".
row() {
	sed -n "/^### $1\$/,/^### /p" r.md | grep "^| $2 " | cut -d"|" -f5,6
}

test_expect_success 'a matrix of known profiles: 2x TTFT wins, equal profiles tie, unlike workloads are not compared' '
	free_port P1 && free_port P2 && free_port P3 && free_port P4 && free_port P5 &&
	sim="$TB_BIN/llmsim --profiles $TESTS/../profiles/llmsim.json --mem 8MiB" &&
	cat >plan.conf <<-EOF &&
	[defaults]
	reps = 2
	warmup = 0
	sweep = 1
	max_tokens = 8
	ignore_eos = yes
	server = llmsim
	mem_interval = 20ms

	[xa]
	model = X
	quant = A
	base_url = http://127.0.0.1:$P1_PORT/v1
	start = $sim --port $P1_PORT --ttft 100ms --tps 50 --timings
	[xb]
	model = X
	quant = B
	base_url = http://127.0.0.1:$P2_PORT/v1
	start = $sim --port $P2_PORT --ttft 50ms --tps 50
	[xc]
	model = X
	quant = C
	base_url = http://127.0.0.1:$P3_PORT/v1
	start = $sim --port $P3_PORT --ttft 100ms --tps 50
	[ya]
	model = Y
	quant = A
	base_url = http://127.0.0.1:$P4_PORT/v1
	start = $sim --port $P4_PORT --ttft 20ms --tps 100
	[yb]
	model = Y
	quant = B
	max_tokens = 16
	base_url = http://127.0.0.1:$P5_PORT/v1
	start = $sim --port $P5_PORT --ttft 20ms --tps 100
	EOF
	RESULTS=res REPORT=rep.md "$SCRIPTS/matrix.sh" plan.conf >out 2>err &&
	"$TB_BIN/report" --charts none -o r.md --baseline model=X,quant=A res 2>/dev/null &&
	# half the TTFT on every request (50 ms against 100): certain, and the
	# right way round.  Measured TTFTs carry the client'"'"'s and the
	# server'"'"'s own few milliseconds, more on a loaded machine, which pull
	# the ratio up from 0.5: it is checked to lie well below 1, not to
	# two digits
	row "X · B · sim" "TTFT ms (mean)" >got &&
	grep -q "^ 0\.[4-6][0-9]× (95 % CI .*Holm p < 0.001, 10 request pairs) | \*\*better\*\* $" got &&
	row "X · B · sim" "decode TPS (mean)" | grep -q "| tie $" &&
	# the same schedule: a tie on every metric
	test "$(sed -n "/^### X · C · sim\$/,/^### /p" r.md | grep -c "| tie |$")" -eq 3 &&
	# another output limit is another workload: never a delta
	row "Y · B · sim" "decode TPS (mean)" | grep -q "not compared: not run on the same workload | untested" &&
	sed -n "/^## Other workloads/,/^## /p" r.md | grep -Eq "^\| Y · B · sim \| 1 \| 1 \| [0-9.]+ ± " &&
	# each model its own pick; equal decode speeds are a tie, not a win
	sed -n "/^### X\$/,/^### /p" r.md | grep -q "^- \*\*One interactive user:\*\* .* \*\*tie\*\*" &&
	sed -n "/^### Y\$/,/^### /p" r.md | grep -q "^- \*\*One interactive user:\*\* Y · A · sim — decode" &&
	# decode TPS is the schedule: the client'"'"'s figure against what the
	# server says it did (llama-server timings: the times it really wrote,
	# load or not), and near the nominal 50 and 100 tokens/s.  Both count
	# the 7 steps after the first of 8 tokens over the same span, as
	# llama-server does: client / server is 1, within 1 %
	# (one run each, of 2 repetitions: the Summary says 1 run)
	grep "^| X · A · sim | 1 |" r.md >row && cut -d"|" -f7 row >dec && cut -d"|" -f8 row | tr -d "()" >srv &&
	grep "^| Y · A · sim | 1 |" r.md | cut -d"|" -f7 >ydec && cat dec srv ydec &&
	awk "NR == 1 { ok = \$1 > 40 && \$1 < 60 } END { exit !ok }" dec &&
	awk "NR == 1 { ok = \$1 > 45 && \$2 > 0.99 && \$2 < 1.01 } END { exit !ok }" srv &&
	awk "NR == 1 { ok = \$1 > 80 && \$1 < 120 } END { exit !ok }" ydec
'

test_done
