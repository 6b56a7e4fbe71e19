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
	cp g0.nd "$TRASH_ROOT/g0.nd" &&
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
	cp g2.nd g2.json want "$TRASH_ROOT/" &&
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

test_expect_success 'greedy agreement with a reference: identical where both answered alike, parting at the answer' '
	# the reference (g0) answered every item right, the candidate (g2)
	# 30 % wrong: the texts are the same exactly where g2 was right, and
	# a wrong number parts after "The answer is" (3 tokens), a wrong
	# word, JSON or list at once or within its few tokens
	cp "$TRASH_ROOT/g0.nd" "$TRASH_ROOT/g2.nd" "$TRASH_ROOT/g2.json" "$TRASH_ROOT/want" . &&
	agg --reference g0.nd g2.nd >ag.json 2>ag.err &&
	n=$(jq -r .quality.graded.checked g2.json) &&
	w=$(wc -l <want) &&
	jq -e ".quality.agreement | .evidence == \"greedy_text\" and .prompts == $n
		and .identical == $n - $w and .tokens_to_divergence.diverged == $w
		and .ci95_lo < .share and .share < .ci95_hi
		and .tokens_to_divergence.p10 >= 0 and .tokens_to_divergence.p90 <= 4" ag.json &&
	# the same run against itself: every output identical, a tie
	agg --reference g2.nd g2.nd >self.json 2>/dev/null &&
	jq -e ".quality.agreement | .identical == .prompts and .share == 1
		and .tokens_to_divergence.diverged == 0" self.json &&
	# a run without output text has nothing to compare, and says so
	jq -c "del(.text)" g2.nd >notext.nd &&
	agg --reference g0.nd notext.nd >nt.json 2>nt.err &&
	jq -e ".quality.agreement | .evidence == \"none\" and (.why | test(\"no prompt with an output text\"))" nt.json &&
	grep -q "no greedy agreement: no prompt with an output text" nt.err
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

# Quantizations of one model on llmsim, each with its share of wrong
# answers: BF16 and Q8_0 none, Q4_K_M 30 % (and the fastest).  The report
# must pair each with BF16 (the most precise), count the discordant items
# llmsim's logs name, call Q8_0 a tie within the budget, Q4_K_M over it,
# and pick Q8_0 for one user although Q4_K_M is faster.
Q=$TRASH_ROOT/quant
has() { grep -F -q -- "$2" "$1" || { echo "has: no line of $1 holds: $2" >&2; cat "$1" >&2; return 1; }; }
quant_run() {
	llmsim_start Q --graded "$SET" --graded-error "$2" --tps "$3" --log "$Q/$1.log" &&
	gen -u "$Q_URL" -m tiny -l quant="$1" -p "$SET" -c 4 --temperature 0 --seed 1 \
		--no-progress >"$Q/$1.nd" &&
	llmsim_stop Q &&
	agg --per-request "$Q/$1.nd" >"$Q/runs/$1.json"
}

test_expect_success 'report: each quantization against the reference, as llmsim answered' '
	mkdir -p "$Q/runs" &&
	quant_run BF16 0 1000 && quant_run Q8_0 0 2000 && quant_run Q4_K_M 0.3 4000 &&
	"$TB_BIN/report" --charts none -o "$Q/q.md" "$Q/runs" 2>err &&
	sed -n "/^## Quality/,/^## [^Q]/p" "$Q/q.md" >section &&
	w=$(truth_wrong "$Q/Q4_K_M.log" | wc -l) &&
	test -z "$(truth_wrong "$Q/BF16.log")" && test -z "$(truth_wrong "$Q/Q8_0.log")" &&
	test "$w" -gt 15 &&
	has section "Reference: **tiny · BF16 · " &&
	has section "graded answers, any server" &&
	has section "Agreement with a reference run, where \`agg --reference\` computed it" &&
	! grep -q "^Agreement with a reference run (agg --reference):" section &&
	acc=$(awk -v w="$w" "BEGIN { printf \"%.1f\", (105 - w) * 100 / 105 }") &&
	drop=$(awk -v w="$w" "BEGIN { printf \"%.1f\", -w * 100 / 105 }") &&
	grep -F "| tiny · Q4\\_K\\_M" section >q4 &&
	has q4 "| $acc % (95 % CI " &&
	has q4 "| $((105 - w)) of 105 (105 items) | 105 | $w | 0 | $drop | < 0.001 |" &&
	has q4 "**exceeds budget** (significantly worse)" &&
	grep -F "| tiny · Q8\\_0" section >q8 &&
	has q8 "| 105 of 105 (105 items) | 105 | 0 | 0 | +0.0 | 1.000 |" &&
	has q8 "within budget (a tie)" &&
	grep -F "| tiny · BF16" section >bf &&
	has bf "| reference |"
'

test_expect_success 'report: the answer passes over the faster quantization beyond the budget' '
	grep -F "One interactive user" "$Q/q.md" >pick &&
	has pick "**One interactive user:** tiny · Q8\\_0" &&
	has pick "within the quality budget against tiny · BF16" &&
	has pick "tiny · Q4\\_K\\_M · " &&
	has pick "is faster but over the quality budget" &&
	has pick "so it is not picked"
'

test_expect_success 'report: --quality-ref names the reference; one that no group has is refused' '
	"$TB_BIN/report" --charts none --quality-ref q8_0 -o r8.md "$Q/runs" 2>err &&
	has r8.md "named by --quality-ref" &&
	grep -F "Reference: **tiny · Q8\\_0" r8.md &&
	grep -F "| tiny · BF16" r8.md >bf &&
	has bf "within budget (a tie)" &&
	test_expect_code 1 "$TB_BIN/report" --charts none --quality-ref Q5_K_M -o r5.md "$Q/runs" 2>err &&
	has err "report: --quality-ref Q5_K_M: no group has that quantization" &&
	test ! -e r5.md
'

test_expect_success 'report: with no graded run there is no Quality section, and the answer says so' '
	mkdir plain &&
	jq "del(.per_request[].answer_correct)" "$Q/runs/BF16.json" >plain/bf16.json &&
	"$TB_BIN/report" --charts none -o p.md plain 2>err &&
	! grep -q "^## Quality" p.md &&
	has p.md "Quality was not measured (no run has graded answers: make quality)"
'

# The same quantizations with agreement figures: BF16 the reference run
# (aggregated without --reference: not measured), Q8_0 against it from the
# texts alone, Q4_K_M from the texts and, on another prompt set (llmsim
# sends no logprobs on a graded one), its logprobs (--logit-noise).  The report must show each run's figures as agg wrote
# them, and name the levels of evidence each group has and lacks.
A=$TRASH_ROOT/agree
agree_run() {
	llmsim_start A --graded "$SET" --graded-error "$2" --tps 0 &&
	gen -u "$A_URL" -m tiny -l quant="$1" -p "$SET" --temperature 0 --seed 1 \
		--no-progress >"$A/$1.nd" &&
	llmsim_stop A
}
# lp_run QUANT [llmsim options]: the standard set with logprobs
lp_run() {
	local q=$1
	shift
	llmsim_start A --tps 0 "$@" &&
	gen -u "$A_URL" -m tiny -l quant="$q" -p "$TESTS/../prompts/std.json" \
		--max-tokens 48 --logprobs 5 --no-progress >"$A/$q.lp.nd" &&
	llmsim_stop A
}
# pct FRACTION: as the report prints a share (one decimal of a percentage)
pct() { awk -v v="$1" "BEGIN { printf \"%.1f\", v * 100 }"; }
dec() { awk -v v="$1" -v p="$2" "BEGIN { printf \"%.*f\", p, v }"; }

test_expect_success 'report: agreement with a reference run, each figure as the run JSON has it' '
	mkdir -p "$A/runs" &&
	agree_run BF16 0 && agree_run Q8_0 0 && agree_run Q4_K_M 0.3 &&
	lp_run BF16 && lp_run Q4_K_M --logit-noise 0.4 &&
	agg --per-request "$A/BF16.nd" >"$A/runs/BF16.json" &&
	agg --per-request --reference "$A/BF16.nd" "$A/Q8_0.nd" >"$A/runs/Q8_0.json" 2>/dev/null &&
	agg --per-request --reference "$A/BF16.nd" "$A/Q4_K_M.nd" >"$A/runs/Q4_K_M.json" 2>/dev/null &&
	agg --reference "$A/BF16.lp.nd" "$A/Q4_K_M.lp.nd" >"$A/runs/Q4_K_M.lp.json" &&
	j=$A/runs/Q4_K_M.json &&
	jq -e ".quality.agreement.evidence == \"greedy_text\"" "$j" &&
	jq -e ".quality.logprobs.evidence == \"logprobs\"" "$A/runs/Q4_K_M.lp.json" &&
	jq -e ".quality.agreement.evidence == \"greedy_text\" and .quality.logprobs.evidence == \"none\"" "$A/runs/Q8_0.json" &&
	"$TB_BIN/report" --charts none -o "$A/a.md" "$A/runs" 2>err &&
	sed -n "/^Agreement with a reference run (agg --reference):/,/^#/p" "$A/a.md" | grep "^|" >table &&
	has table "| group | identical outputs | identical of prompts | tokens to divergence (median) | top-1 agreement | mean KL (nats) | KL p99 | evidence |" &&
	a=.quality.agreement && l=.quality.logprobs &&
	g() { jq -r "$1" "$j"; } &&
	want="| tiny · Q4\\_K\\_M · " &&
	grep -F "$want" table >q4 &&
	has q4 " | $(pct "$(g $a.share)") % (95 % CI $(pct "$(g $a.ci95_lo)")–$(pct "$(g $a.ci95_hi)")) | $(g $a.identical) of $(g $a.prompts) | $(dec "$(g $a.tokens_to_divergence.median)" 0) | " &&
	j=$A/runs/Q4_K_M.lp.json &&
	has q4 " | $(pct "$(g $l.top1_agreement.mean)") % (95 % CI $(pct "$(g $l.top1_agreement.ci95_lo)")–$(pct "$(g $l.top1_agreement.ci95_hi)")) | $(dec "$(g $l.kl.mean)" 4) (95 % CI $(dec "$(g $l.kl.ci95_lo)" 4)–$(dec "$(g $l.kl.ci95_hi)" 4)) | $(dec "$(g $l.kl.p99)" 4) | " &&
	has q4 "| greedy agreement, any server; logprobs (server returned them); teacher-forced not measured: gen --teacher-force on llama-server or vLLM (make quality) |" &&
	test "$(g $a.identical)" -lt "$(g $a.prompts)" &&
	j=$A/runs/Q8_0.json &&
	grep -F "| tiny · Q8\\_0 · " table >q8 &&
	has q8 " | 100.0 % (95 % CI $(pct "$(g $a.ci95_lo)")–100.0) | $(g $a.prompts) of $(g $a.prompts) | — | — | — | — | greedy agreement, any server; logprobs not measured: gen --logprobs, then agg --reference; teacher-forced not measured: gen --teacher-force on llama-server or vLLM (make quality) |" &&
	grep -F "| tiny · BF16 · " table >bf &&
	has bf "| — | — | — | — | — | — | not measured: run agg --reference REF.ndjson on its events (logprobs: gen --logprobs too) |"
'

# tf_run QUANT SOURCE [llmsim options]: a teacher-forced pass of SOURCE on a
# llmsim imitating llama-server (the standard set's outputs, with ids)
tf_run() {
	local q=$1 src=$2
	shift 2
	llmsim_start A --tps 0 --as llamacpp "$@" &&
	gen -u "$A_URL" -m tiny -l quant="$q" -p "$TESTS/../prompts/std.json" \
		--teacher-force "$src" --no-progress >"$A/$q.tf.nd" &&
	llmsim_stop A
}

test_expect_success 'report: teacher-forced figures (level c) as the run JSON has them' '
	llmsim_start A --tps 0 --as llamacpp &&
	gen -u "$A_URL" -m tiny -l quant=BF16 -p "$TESTS/../prompts/std.json" \
		--max-tokens 48 --logprobs 12 --temperature 0 --no-progress >"$A/BF16.ids.nd" &&
	llmsim_stop A &&
	tf_run BF16 "$A/BF16.ids.nd" && tf_run Q4_K_M "$A/BF16.tf.nd" --logit-noise 0.4 &&
	agg --reference "$A/BF16.tf.nd" "$A/Q4_K_M.tf.nd" >"$A/runs/Q4_K_M.tf.json" &&
	"$TB_BIN/report" --charts none -o "$A/t.md" "$A/runs" 2>err &&
	sed -n "/^Teacher-forced against the reference/,/^#/p" "$A/t.md" | grep "^|" >tft &&
	has tft "| group | positions | mean KL (nats) | KL p99 | same top-1 | Δ perplexity | evidence |" &&
	j=$A/runs/Q4_K_M.tf.json && t=.quality.teacher_forced &&
	g() { jq -r "$1" "$j"; } &&
	grep -F "| tiny · Q4\\_K\\_M · " tft >q4 &&
	has q4 " | $(g $t.positions) | $(dec "$(g $t.kl.mean)" 6) (95 % CI $(dec "$(g $t.kl.ci95_lo)" 6)–$(dec "$(g $t.kl.ci95_hi)" 6)) | $(dec "$(g $t.kl.p99)" 6) | $(pct "$(g $t.same_top1.share)") % (95 % CI $(pct "$(g $t.same_top1.ci95_lo)")–$(pct "$(g $t.same_top1.ci95_hi)")) | " &&
	has q4 "| teacher-forced (whole distributions: KL exact) |" &&
	grep -F "| tiny · Q8\\_0 · " tft >q8 &&
	has q8 "| — | — | — | — | — | not measured |" &&
	grep -F "| tiny · Q8\\_0 · " "$A/t.md" | grep -F "teacher-forced not measured: gen --teacher-force on llama-server or vLLM (make quality)" >/dev/null
'

test_done
