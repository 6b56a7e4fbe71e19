#!/usr/bin/env bash
# Teacher forcing through vLLM's prompt_logprobs (#25 level c): llmsim --as
# vllm answers /v1/completions with a prompt of token ids and
# prompt_logprobs as vLLM's source says (docs/servers.md, Teacher forcing),
# the whole sequence in one request.  The figures of the vLLM path must
# equal those of the llama-server path on the same truth, and llmsim's
# truth itself.
. "$(dirname "$0")/lib.sh"

SET=$TESTS/../prompts/std.json
gen() { "$TB_BIN/gen" "$@"; }
agg() { "$TB_BIN/agg" "$@"; }

# pass NAME SOURCE AS [llmsim options]: a pass of SOURCE on a llmsim
# imitating AS (llamacpp or vllm), its truth in NAME.log
pass() {
	local name=$1 src=$2 as=$3
	shift 3
	tf_pass "$name" "$src" "$as" 12 "$@"
}

# truth LOG: llmsim's mean true KL, top-1 agreements and positions
truth() {
	jq -s '[.[] | select(.what == "tf")] as $t | ($t | length) as $n |
		{n: $n, kl: (([$t[].kl] | add) / $n),
		 same: ([$t[] | select(.same_top)] | length)}' "$1"
}

near() { jq -n -e "($1 - $2) | fabs <= $3" >/dev/null; }

test_expect_success 'the reference on llama-server, then its pass both ways' '
	cd $TRASH_ROOT &&
	llmsim_start S --tps 0 --as llamacpp &&
	gen -u "$S_URL" -m ref -l family=sim -p "$SET" --max-tokens 48 \
		--logprobs 12 --temperature 0 --no-progress >gen.nd &&
	llmsim_stop S &&
	GEN_OPTS="-p $SET" pass ref gen.nd llamacpp &&
	GEN_OPTS="-p $SET" pass refv gen.nd vllm &&
	jq -s -e ".[0].config.teacher_force | .shape == \"vllm\" and .batch == 0" refv.nd &&
	jq -s -e ".[0].config.teacher_force | .shape == \"llamacpp\" and .batch == 64" ref.nd &&
	jq -s -e "map(select(.ev == \"done\")) | length == 5 and all(.status == \"ok\"
		and .tf.given == \"all\" and .tf.positions == 48 and .tf.requests == 1)" refv.nd &&
	test "$(jq -s "map(select(.what == \"tf\")) | length" refv.log)" = 240
'

test_expect_success 'vLLM tokenizes the prompts and reads every position as llama-server does' '
	cd $TRASH_ROOT &&
	jq -c "select(.ev == \"done\") | .tf | [.ctx, .forced, .text]" ref.nd >a &&
	jq -c "select(.ev == \"done\") | .tf | [.ctx, .forced, .text]" refv.nd >b &&
	test_cmp a b &&
	jq -c "select(.ev == \"done\") | .tf.content" ref.nd >a &&
	jq -c "select(.ev == \"done\") | .tf.content" refv.nd >b &&
	test_cmp a b
'

test_expect_success 'a perturbed candidate: the vLLM path equals the llama-server path and the truth' '
	cd $TRASH_ROOT &&
	pass q4 ref.nd llamacpp --logit-noise 0.4 &&
	pass q4v ref.nd vllm --logit-noise 0.4 &&
	agg --reference ref.nd q4.nd >q4.json &&
	agg --reference refv.nd q4v.nd >q4v.json &&
	agg --reference ref.nd q4v.nd >mixed.json &&
	tf=".quality.teacher_forced" &&
	jq -e "$tf | .evidence == \"teacher_forced\" and .positions == 240 and .exact
		and .tie == false" q4v.json &&
	for f in kl.mean kl.p99 same_top1.share perplexity.reference \
		perplexity.candidate perplexity.delta.mean; do
		near "$(jq $tf.$f q4.json)" "$(jq $tf.$f q4v.json)" 1e-9 &&
		near "$(jq $tf.$f q4.json)" "$(jq $tf.$f mixed.json)" 1e-9 || return 1
	done &&
	truth q4v.log >want.json && cat want.json &&
	near "$(jq .kl want.json)" "$(jq $tf.kl.mean q4v.json)" 1e-6 &&
	test "$(jq .same want.json)" = "$(jq $tf.same_top1.same q4v.json)" &&
	test "$(jq .n want.json)" = 240
'

test_expect_success 'a vLLM that ignores prompt_logprobs, or cuts the lists: said, never a zero' '
	cd $TRASH_ROOT &&
	test_expect_code 1 pass none ref.nd vllm --fault no-probs &&
	test_contains none.err "ignores prompt_logprobs" &&
	agg --reference ref.nd none.nd >none.json 2>/dev/null &&
	jq -e ".quality.teacher_forced | .evidence == \"none\" and has(\"kl\") == false" none.json &&
	pass cut ref.nd vllm --logit-noise 0.4 --fault probs-cut:3 &&
	test_contains cut.err "fewer than 12 alternatives" &&
	agg --reference ref.nd cut.nd >cut.json &&
	jq -e ".quality.teacher_forced | .exact == false and .kl.estimator == \"top_k_and_rest\"" cut.json
'

test_expect_success 'vLLM refuses prompt_logprobs on a stream, as its source does' '
	cd $TRASH_ROOT &&
	llmsim_start S --tps 0 --as vllm &&
	curl -s -X POST -H "Content-Type: application/json" "${S_URL}/completions" \
		-d "{\"model\":\"x\",\"prompt\":[1,2],\"prompt_logprobs\":2,\"stream\":true}" >stream.json &&
	llmsim_stop S &&
	jq -e ".error.message | test(\"not available when\")" stream.json
'

test_expect_success 'make quality'"'"'s teacher-forced level: reference, vLLM candidate, Ollama said missing' '
	cd $TRASH_ROOT && mkdir -p mq &&
	T="$TESTS/../scripts/teacher.sh" &&
	llmsim_start S --tps 0 --as llamacpp &&
	MODEL=tiny LABELS="quant=BF16" BASE_URL=$S_URL RESULTS=mq TF_TOKENS=16 TF_K=12 \
		"$T" >ref.path 2>ref.err &&
	llmsim_stop S && test_contains ref.err "give it to each candidate" &&
	llmsim_start S --tps 0 --as vllm --logit-noise 0.4 &&
	MODEL=tiny LABELS="quant=Q4_K_M" BASE_URL=$S_URL RESULTS=mq TF_TOKENS=16 TF_K=12 \
		REFERENCE=$(cat ref.path) "$T" >cand.path &&
	llmsim_stop S &&
	jq -e ".quality.teacher_forced | .evidence == \"teacher_forced\" and .positions == 80
		and .kl.mean > 0" "$(cat cand.path)" &&
	llmsim_start S --tps 0 --as ollama &&
	MODEL=llmsim LABELS="quant=Q8_0" BASE_URL=$S_URL RESULTS=mq REFERENCE=$(cat ref.path) \
		"$T" >oll.path 2>oll.err &&
	llmsim_stop S && cat oll.err &&
	test "$(wc -l <oll.err)" = 1 && test_contains oll.err "level c) is missing there" &&
	! test -s oll.path
'

test_expect_success 'the report labels the level missing on a server without it' '
	cd $TRASH_ROOT && mkdir -p lab &&
	llmsim_start S --as ollama --graded "$TESTS/../prompts/graded.json" &&
	"$TB_BIN/gen" -u "$S_URL" -m llmsim -l quant=Q8_0 -p "$SET" --max-tokens 16 \
		--no-progress >lab/o.nd &&
	"$TB_BIN/gen" -u "$S_URL" -m llmsim -l quant=Q8_0 -p "$TESTS/../prompts/graded.json" \
		--only arith-mod-01,arith-mod-02 --temperature 0 --no-progress >lab/g.nd &&
	llmsim_stop S &&
	"$TB_BIN/agg" --per-request lab/o.nd >lab/o.json &&
	"$TB_BIN/agg" --per-request lab/g.nd >lab/g.json &&
	"$TB_BIN/report" --charts none -o lab.md lab 2>/dev/null &&
	grep -F "teacher-forced level missing (ollama has none)" lab.md
'

test_done
