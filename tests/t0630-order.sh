#!/usr/bin/env bash
# Order effects: a plan run in two passes, the second in reverse order, on
# an llmsim that slows as it works (a machine that heats up), and on one
# that does not: the report flags the first, not the second.
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
export TB_BIN

# plan URL: two entries on one server, each its standard set once
plan() {
	cat <<-EOF2
	[defaults]
	reps = 1
	warmup = 0
	sweep = 1
	max_tokens = 10
	server = llmsim
	mem_interval = 20ms
	passes = 2
	base_url = $1

	[first]
	model = Order
	quant = A

	[second]
	model = Order
	quant = B
	EOF2
}

test_expect_success 'a server that slows after 0.5 s: the reversed pass changes the ranking, and the report says so' '
	llmsim_start H --tps 50 --ttft 5ms --slow-after 500ms --slow-factor 0.5 --power-dir "$PWD/pw" &&
	plan "$H_URL" >plan.conf &&
	POWER=1 POWER_ROOT=$PWD/pw RESULTS=res REPORT=rep/r.md "$SCRIPTS/matrix.sh" plan.conf >out 2>err &&
	# each entry'"'"'s outcome: its pass, its place, its start and the
	# machine'"'"'s state then (llmsim'"'"'s sensor; no thermal state on Linux)
	jq -r "select(.workload == \"std\") | [.pass, .order, .entry] | @tsv" res/plan-*.outcomes.ndjson >order &&
	printf "1\t1\tfirst\n1\t2\tsecond\n2\t1\tsecond\n2\t2\tfirst\n" >want &&
	test_cmp want order &&
	jq -s -e "map(select(.workload == \"std\")) | all(.t_start > 0 and (.temp_c | type) == \"number\"
		and .thermal == null and (.run | endswith(\".json\")))" res/plan-*.outcomes.ndjson &&
	jq -s -e "map(select(.workload == \"std\")) | (.[1].t_start > .[0].t_start and .[3].t_start > .[2].t_start)" \
		res/plan-*.outcomes.ndjson &&
	# the machine slowed 0.5 s into the first entry: the first pass ranks
	# it ahead, the second (both after the slowdown) ties them
	grep -q "^## Order effects" rep/r.md &&
	grep -q "^- \*\*The ranking of first and second changed between passes\*\*: pass 1 ran first, second and had first ([0-9.]* tok/s) ahead of second ([0-9.]*); pass 2 ran second, first and had first ([0-9.]* tok/s) tied with second ([0-9.]*)\." rep/r.md &&
	# llmsim'"'"'s throttle count rises from its slowdown on: the second
	# pass starts on a throttled machine, the first did not
	grep -q "^| 1 | 1 | first | [0-9.]* | unknown | [0-9.]* | no | [0-9.]* |$" rep/r.md &&
	grep -q "^| 2 | 1 | second | [0-9.]* | unknown | [0-9.]* | yes | [0-9.]* |$" rep/r.md &&
	# the estimate counts both passes: 5 requests an entry each pass
	"$TB_BIN/matrix" --estimate --root "$TESTS/.." plan.conf >est &&
	grep -q "each entry run 2 times (passes)" est &&
	grep -q "^  \[first\] *10 requests " est
'

test_expect_success 'a steady server: the same plan in two passes is not flagged' '
	llmsim_start S --tps 50 --ttft 5ms &&
	plan "$S_URL" >plan.conf &&
	mkdir none &&
	POWER_ROOT=$PWD/none RESULTS=res REPORT=rep/r.md "$SCRIPTS/matrix.sh" plan.conf >out 2>err &&
	grep -q "^## Order effects" rep/r.md &&
	grep -q "^No ranking changed between passes" rep/r.md &&
	! grep -q "changed between passes\*\*" rep/r.md &&
	# no sensor: the state is unknown, never 0
	jq -s -e "map(select(.workload == \"std\")) | all(.temp_c == null and .thermal == null)" res/plan-*.outcomes.ndjson
'

test_done
