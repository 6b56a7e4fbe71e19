#!/usr/bin/env bash
# Teacher forcing on vLLM alone (#25 level c): the reference's generation
# run on vLLM names its tokens' ids when gen asks (--token-ids:
# return_tokens_as_token_ids, every logprobs token "token_id:N";
# docs/servers.md, Teacher forcing), so a vLLM reference is the source of
# the passes.  llmsim --as vllm answers that field from the same truth as
# its llama-server ids: the whole level on vLLM must give the figures of
# the llama-server path.  A vLLM that ignores the field is said in one
# line, the level missing, never a silent zero.
. "$(dirname "$0")/lib.sh"

SET=$TESTS/../prompts/std.json
gen() { "$TB_BIN/gen" "$@"; }
agg() { "$TB_BIN/agg" "$@"; }

# ref NAME AS [gen options]: the reference's greedy run on a llmsim
# imitating AS, into NAME.nd (llmsim's options in SIM_OPTS)
ref() {
	local name=$1 as=$2
	shift 2
	llmsim_start S --tps 0 --as "$as" ${SIM_OPTS:-} &&
	gen -u "$S_URL" -m ref --model-id llmsim -l family=sim -p "$SET" --max-tokens 48 \
		--logprobs 12 --temperature 0 --no-progress "$@" >"$name.nd" 2>"$name.err"
	local rc=$?
	llmsim_stop S
	return $rc
}

# pass NAME SOURCE AS [llmsim options]: a pass of SOURCE on a llmsim
# imitating AS, its truth in NAME.log
pass() {
	local name=$1 src=$2 as=$3
	shift 3
	tf_pass "$name" "$src" "$as" 12 "$@"
}

# ids FILE: each done event's output ids, one line a request
ids() { jq -c 'select(.ev == "done") | [.logprobs.content[].id]' "$1"; }

near() { jq -n -e "($1 - $2) | fabs <= $3" >/dev/null; }

test_expect_success '--token-ids: only with --logprobs, not with --teacher-force' '
	test_expect_code 2 gen -u http://127.0.0.1:9/v1 -m x --token-ids 2>err &&
	test_contains err "--token-ids: only with --logprobs" &&
	test_expect_code 2 gen -u http://127.0.0.1:9/v1 -m x --token-ids \
		--logprobs 4 --teacher-force none.nd 2>err &&
	test_contains err "not with --teacher-force"
'

test_expect_success 'vLLM names its tokens ids when asked (chat and completions), the ids llama-server gives' '
	cd $TRASH_ROOT &&
	ref genv vllm --token-ids &&
	ref plain vllm &&
	jq -s -e "map(select(.ev == \"done\")) | length == 5 and all(.status == \"ok\"
		and .logprobs.given == \"all\" and (.logprobs.content | length) == 48
		and all(.logprobs.content[]; .id >= 0 and (.t | startswith(\"token_id:\"))))" genv.nd &&
	jq -s -e ".[0].config.token_ids == true and .[0].server.kind == \"vllm\"" genv.nd &&
	jq -s -e "[.[] | select(.ev == \"done\") | .logprobs.content[]] | length == 240
		and all(has(\"id\") | not)" plain.nd &&
	ref idl llamacpp --no-cache-bust &&
	ref idv vllm --no-cache-bust --token-ids &&
	ids idl.nd >a && ids idv.nd >b && test_cmp a b &&
	ref cmpl vllm --api completions --token-ids &&
	jq -s -e "[.[] | select(.ev == \"done\") | .logprobs.content[]] | length == 240
		and all(.id >= 0 and (.top | length) == 12)" cmpl.nd
'

test_expect_success 'the pass of a vLLM reference run: vLLM'"'"'s equals llama-server'"'"'s' '
	cd $TRASH_ROOT &&
	GEN_OPTS="-p $SET" pass ref genv.nd llamacpp &&
	GEN_OPTS="-p $SET" pass refv genv.nd vllm &&
	jq -s -e "map(select(.ev == \"done\")) | length == 5 and all(.status == \"ok\"
		and .tf.given == \"all\" and .tf.positions == 48 and .tf.requests == 1)" refv.nd &&
	jq -c "select(.ev == \"done\") | .tf | [.ctx, .forced, .text, .content]" ref.nd >a &&
	jq -c "select(.ev == \"done\") | .tf | [.ctx, .forced, .text, .content]" refv.nd >b &&
	test_cmp a b &&
	jq -c "select(.ev == \"done\") | [.logprobs.content[].id]" genv.nd >a &&
	jq -c "select(.ev == \"done\") | .tf.forced" refv.nd >b &&
	test_cmp a b
'

test_expect_success 'a vLLM candidate of the vLLM reference: the llama-server path'"'"'s figures' '
	cd $TRASH_ROOT &&
	pass q4 ref.nd llamacpp --logit-noise 0.4 &&
	pass q4v refv.nd vllm --logit-noise 0.4 &&
	agg --reference ref.nd q4.nd >q4.json &&
	agg --reference refv.nd q4v.nd >q4v.json &&
	tf=".quality.teacher_forced" &&
	jq -e "$tf | .evidence == \"teacher_forced\" and .positions == 240 and .exact
		and .kl.mean > 0" q4v.json &&
	for f in kl.mean kl.p99 same_top1.share perplexity.reference \
		perplexity.candidate perplexity.delta.mean; do
		near "$(jq $tf.$f q4.json)" "$(jq $tf.$f q4v.json)" 1e-9 || return 1
	done
'

test_expect_success 'a vLLM that ignores return_tokens_as_token_ids: one line, the level missing' '
	cd $TRASH_ROOT &&
	SIM_OPTS="--fault no-token-ids" ref old vllm --token-ids &&
	jq -s -e "[.[] | select(.ev == \"done\") | .logprobs.content[]] | length == 240
		and all(has(\"id\") | not)" old.nd &&
	GEN_OPTS="-p $SET" test_expect_code 1 pass oldtf old.nd vllm &&
	cat oldtf.err &&
	test "$(wc -l <oldtf.err)" = 1 &&
	test_contains oldtf.err "gave no token ids with its logprobs" &&
	test_contains oldtf.err "level c) is missing there" &&
	! test -s oldtf.nd
'

test_expect_success 'make quality'"'"'s teacher-forced level with vLLM as reference and candidate' '
	cd $TRASH_ROOT && mkdir -p mq &&
	T="$TESTS/../scripts/teacher.sh" &&
	llmsim_start S --tps 0 --as vllm &&
	MODEL=tiny MODEL_ID=llmsim LABELS="quant=BF16" BASE_URL=$S_URL RESULTS=mq TF_TOKENS=16 TF_K=12 \
		"$T" >ref.path 2>ref.err &&
	llmsim_stop S && test_contains ref.err "give it to each candidate" &&
	llmsim_start S --tps 0 --as vllm --logit-noise 0.4 &&
	MODEL=tiny MODEL_ID=llmsim LABELS="quant=Q4_K_M" BASE_URL=$S_URL RESULTS=mq TF_TOKENS=16 TF_K=12 \
		REFERENCE=$(cat ref.path) "$T" >cand.path &&
	llmsim_stop S &&
	jq -e ".quality.teacher_forced | .evidence == \"teacher_forced\" and .positions == 80
		and .exact and .kl.mean > 0" "$(cat cand.path)"
'

test_expect_success 'make quality on a vLLM reference that ignores the field: said, exit 0' '
	cd $TRASH_ROOT && mkdir -p mq2 &&
	llmsim_start S --tps 0 --as vllm --fault no-token-ids &&
	MODEL=tiny MODEL_ID=llmsim LABELS="quant=BF16" BASE_URL=$S_URL RESULTS=mq2 TF_TOKENS=16 TF_K=12 \
		"$TESTS/../scripts/teacher.sh" >old.path 2>old.err &&
	llmsim_stop S && cat old.err &&
	test "$(wc -l <old.err)" = 1 && test_contains old.err "level c) is missing there" &&
	! test -s old.path
'

test_done
