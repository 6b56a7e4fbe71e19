#!/usr/bin/env bash
# Graded accuracy end to end: llmsim answers the shipped graded set with a
# known share of wrong answers (--graded-error), which items fixed by the
# item's name and the profile; gen sends the items' answers in its req
# events, agg grades each output (lib/grade) and must find exactly the
# wrong answers llmsim's ground-truth log names.
. "$(dirname "$0")/lib.sh"

SET=$TESTS/../prompts/graded.json
gen() { "$TB_BIN/gen" "$@"; }
agg() { "$TB_BIN/agg" "$@"; }

# the items llmsim answered wrongly (its log) and those agg graded wrong
truth_wrong() { jq -r 'select(.what == "req" and .answer_right == false) | .item' "$1" | sort; }
agg_wrong() { jq -r '.per_request[] | select(.answer_correct == false) | .prompt' "$1" | sort; }

test_expect_success 'the shipped set: at least 100 graded items of four kinds, each answer gradable' '
	gen --list-prompts -p "$SET" >names &&
	test "$(wc -l <names)" -ge 100 &&
	for k in arith word prog fact format; do grep -q "^$k-" names || return 1; done &&
	test "$(jq "[to_entries[] | select(.key | startswith(\"_\") | not) | select(.value.answer == null)] | length" "$SET")" = 0
'

test_expect_success 'a profile that always answers right: every item graded correct' '
	llmsim_start G0 --graded "$SET" --tps 0 --log g0.log &&
	gen -u "$G0_URL" -m right -p "$SET" --no-progress >g0.nd &&
	llmsim_stop G0 &&
	agg --per-request g0.nd >g0.json &&
	jq -e ".quality.graded | .items >= 100 and .checked == .items and .correct == .checked
		and .accuracy == 1 and .ci95_hi == 1 and .ci95_lo > 0.95" g0.json &&
	test -z "$(truth_wrong g0.log)"
'

test_expect_success 'a known share of wrong answers: agg finds exactly the items llmsim got wrong' '
	llmsim_start G2 --graded "$SET" --graded-error 0.3 --tps 0 --log g2.log &&
	gen -u "$G2_URL" -m wrong30 -p "$SET" --no-progress >g2.nd &&
	llmsim_stop G2 &&
	agg --per-request g2.nd >g2.json &&
	truth_wrong g2.log >want &&
	agg_wrong g2.json >got &&
	test -s want &&
	test_cmp want got &&
	n=$(jq -r .quality.graded.checked g2.json) &&
	k=$(jq -r .quality.graded.correct g2.json) &&
	test "$k" -eq $((n - $(wc -l <want))) &&
	# the interval holds the accuracy and is about a Wilson interval wide
	jq -e ".quality.graded | .ci95_lo < .accuracy and .accuracy < .ci95_hi
		and (.ci95_hi - .ci95_lo) > 0.1 and (.ci95_hi - .ci95_lo) < 0.25" g2.json &&
	jq -e "[.per_prompt[] | .graded.checked] | add == $n" g2.json
'

test_expect_success 'a reasoning model: the answer after its reasoning is graded, not the reasoning' '
	llmsim_start G3 --graded "$SET" --reasoning 12 --tps 0 &&
	gen -u "$G3_URL" -m reason -p "$SET" --only arith-mul-01,fact-01,format-01 --no-progress >g3.nd &&
	llmsim_stop G3 &&
	agg --per-request g3.nd >g3.json &&
	jq -e ".quality.graded | .checked == 3 and .correct == 3" g3.json
'

test_expect_success 'a bad answer in a prompt set is refused, naming the prompt' '
	echo "{\"x\": {\"prompt\": \"hi\", \"answer\": {\"exact\": \"Paris\"}}}" >bad.json &&
	test_expect_code 1 gen -p bad.json --list-prompts 2>err &&
	grep -q "prompt \"x\": \"answer\": \"exact\" must be an array of strings" err
'

test_done
