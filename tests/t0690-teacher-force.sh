#!/usr/bin/env bash
# Teacher-forced quality end to end (#25, level c): gen --teacher-force feeds
# a reference run's own tokens to llmsim's llama-server /completion, whose
# logprob model logs the truth of every position (src/llmsim/simtf); agg
# --reference compares a candidate's pass with the reference's, and every
# figure must equal the truth within its tolerance.  Bad input (another
# vocabulary, a server that ignores n_probs, a list cut short, a server
# without /completion) gets a clear message and a labelled level, never a
# silent zero.
. "$(dirname "$0")/lib.sh"

SET=$TESTS/../prompts/std.json
gen() { "$TB_BIN/gen" "$@"; }
agg() { "$TB_BIN/agg" "$@"; }

# pass NAME SOURCE K [llmsim options]: a teacher-forced pass of SOURCE on a
# llmsim of its own (imitating llama-server), its truth in NAME.log
pass() {
	local name=$1 src=$2 k=$3
	shift 3
	tf_pass "$name" "$src" llamacpp "$k" "$@"
}

# truth LOG: llmsim's figures over the positions of a pass: mean and
# nearest-rank p99 of the true KL, top-1 agreements, both perplexities
truth() {
	jq -s '[.[] | select(.what == "tf")] as $t | ($t | length) as $n |
		([$t[].kl] | sort) as $k |
		{n: $n, kl: (([$t[].kl] | add) / $n),
		 p99: $k[(((0.99 * $n) | ceil) - 1)],
		 same: ([$t[] | select(.same_top)] | length),
		 ppl_ref: ((([$t[].nll_ref] | add) / $n) | exp),
		 ppl_cand: ((([$t[].nll_cand] | add) / $n) | exp)}' "$1"
}

# near A B TOL
near() { jq -n -e "($1 - $2) | fabs <= $3" >/dev/null; }

test_expect_success 'the reference: its greedy output with token ids, then its own pass' '
	cd $TRASH_ROOT &&
	llmsim_start S --tps 0 --as llamacpp &&
	gen -u "$S_URL" -m ref -l family=sim -p "$SET" --max-tokens 48 \
		--logprobs 12 --temperature 0 --no-progress >gen.nd &&
	llmsim_stop S &&
	jq -s -e "map(select(.ev == \"done\") | .logprobs.content | map(.id) |
		all(type == \"number\")) | length == 5 and all" gen.nd &&
	GEN_OPTS="-p $SET" pass ref gen.nd 12 &&
	jq -s -e ".[0].config.teacher_force.source == \"gen.nd\" and
		.[0].server.n_vocab == 536870924" ref.nd &&
	jq -s -e "map(select(.ev == \"done\")) | length == 5 and all(.status == \"ok\"
		and .tf.given == \"all\" and .tf.positions == 48 and .tf.top_min == 12
		and (.tf.ctx | length) > 0 and (.tf.text | type) == \"string\")" ref.nd &&
	test "$(jq -s "map(select(.what == \"tf\")) | length" ref.log)" = 240
'

test_expect_success 'the reference fed again reads as equal: KL 0, top-1 100 %, a tie' '
	cd $TRASH_ROOT &&
	pass same ref.nd 12 &&
	agg --reference ref.nd same.nd >same.json &&
	jq -e ".quality.teacher_forced | .evidence == \"teacher_forced\" and
		.prompts == 5 and .positions == 240 and .exact and .kl.mean == 0 and
		.kl.p99 == 0 and .same_top1.share == 1 and .perplexity.delta.mean == 0
		and .tie and .family_checked" same.json &&
	jq -e ".quality | has(\"agreement\") == false and has(\"logprobs\") == false" same.json
'

test_expect_success 'a perturbed candidate: every figure equals llmsim truth' '
	cd $TRASH_ROOT &&
	pass q4 ref.nd 12 --logit-noise 0.4 &&
	agg --reference ref.nd q4.nd >q4.json &&
	truth q4.log >want.json &&
	cat want.json && jq -c .quality.teacher_forced q4.json | cut -c1-600 &&
	jq -e ".n == 240 and .kl > 0.001 and .same < 240" want.json &&
	tf=".quality.teacher_forced" &&
	near "$(jq .kl want.json)" "$(jq $tf.kl.mean q4.json)" 1e-6 &&
	near "$(jq .p99 want.json)" "$(jq $tf.kl.p99 q4.json)" 1e-6 &&
	test "$(jq .same want.json)" = "$(jq $tf.same_top1.same q4.json)" &&
	near "$(jq .ppl_ref want.json)" "$(jq $tf.perplexity.reference q4.json)" 1e-5 &&
	near "$(jq .ppl_cand want.json)" "$(jq $tf.perplexity.candidate q4.json)" 1e-5 &&
	jq -e "$tf | .tie == false and .kl.ci95_lo <= .kl.mean and .kl.mean <= .kl.ci95_hi
		and .same_top1.ci95_lo < .same_top1.share and .perplexity.delta.ci95_lo
		<= .perplexity.delta.mean" q4.json
'

test_expect_success 'more noise, more loss: the figures order the quantizations' '
	cd $TRASH_ROOT &&
	pass q2 ref.nd 12 --logit-noise 1.2 &&
	agg --reference ref.nd q2.nd >q2.json &&
	near "$(jq .kl <(truth q2.log))" "$(jq .quality.teacher_forced.kl.mean q2.json)" 1e-6 &&
	jq -e -n --slurpfile a q4.json --slurpfile b q2.json "
		\$b[0].quality.teacher_forced.kl.mean > \$a[0].quality.teacher_forced.kl.mean and
		\$b[0].quality.teacher_forced.same_top1.share <
			\$a[0].quality.teacher_forced.same_top1.share"
'

test_expect_success 'top 3 of 12: the KL estimate is a lower bound, labelled so' '
	cd $TRASH_ROOT &&
	pass ref3 ref.nd 3 && pass q2k3 ref.nd 3 --logit-noise 1.2 &&
	agg --reference ref3.nd q2k3.nd >k3.json &&
	jq -e ".quality.teacher_forced | .exact == false and .top_k == 3 and
		.kl.estimator == \"top_k_and_rest\"" k3.json &&
	jq -e -n --slurpfile k k3.json --slurpfile t q2.json "
		\$k[0].quality.teacher_forced.kl.mean <=
			\$t[0].quality.teacher_forced.kl.mean + 1e-9"
'

test_expect_success 'a server that ignores n_probs: said, a level of none, never a zero' '
	cd $TRASH_ROOT &&
	test_expect_code 1 pass noprobs ref.nd 12 --fault no-probs &&
	test_contains noprobs.err "ignores n_probs" &&
	jq -s -e "map(select(.ev == \"done\")) | all(.tf.given == \"none\" and .tf.positions == 0)" noprobs.nd &&
	agg --reference ref.nd noprobs.nd >noprobs.json 2>err &&
	jq -e ".quality.teacher_forced | .evidence == \"none\" and .given.none == 5 and
		(.why | test(\"no probabilities\")) and has(\"kl\") == false" noprobs.json &&
	test_contains err "no teacher-forced figures"
'

test_expect_success 'a list cut short: counted, warned, the KL labelled a lower bound' '
	cd $TRASH_ROOT &&
	pass cut ref.nd 12 --logit-noise 0.4 --fault probs-cut:3 &&
	test_contains cut.err "fewer than 12 alternatives" &&
	jq -s -e "map(select(.ev == \"done\")) | all(.tf.given == \"truncated\")" cut.nd &&
	agg --reference ref.nd cut.nd >cut.json &&
	jq -e ".quality.teacher_forced | .truncated_positions == 240 and .exact == false
		and .kl.estimator == \"top_k_and_rest\"" cut.json
'

test_expect_success 'another vocabulary, family or sequence: refused with the reason' '
	cd $TRASH_ROOT &&
	sed "s/\"n_vocab\":536870924/\"n_vocab\":32000/" ref.nd >vocab.nd &&
	test_expect_code 1 pass v1 vocab.nd 12 && test_contains v1.err "different vocabularies" &&
	sed "s/\"text\":\"/\"text\":\"x/" ref.nd >text.nd &&
	test_expect_code 1 pass v2 text.nd 12 && test_contains v2.err "read as other text" &&
	llmsim_start S --tps 0 --as llamacpp &&
	test_expect_code 1 gen -u "$S_URL" -m o -l family=other --teacher-force ref.nd \
		--no-progress >/dev/null 2>fam.err &&
	llmsim_stop S && test_contains fam.err "family" &&
	sed "s/\"n_vocab\":536870924/\"n_vocab\":32000/" q4.nd >q4v.nd &&
	test_expect_code 1 agg --reference ref.nd q4v.nd >/dev/null 2>agg.err &&
	test_contains agg.err "different vocabularies" &&
	jq -c "if .ev == \"done\" then .tf.forced[0] = 3 else . end" q4.nd >q4f.nd &&
	test_expect_code 1 agg --reference ref.nd q4f.nd >/dev/null 2>agg2.err &&
	test_contains agg2.err "not fed the same tokens"
'

test_expect_success 'no token ids, a server without teacher forcing, no pass to compare with: each said' '
	cd $TRASH_ROOT &&
	llmsim_start S --tps 0 &&
	gen -u "$S_URL" -m plain -p "$SET" --max-tokens 8 --logprobs 3 --no-progress >plain.nd &&
	test_expect_code 1 gen -u "$S_URL" -m x --teacher-force plain.nd -p "$SET" \
		--no-progress >/dev/null 2>ids.err &&
	llmsim_stop S && test_contains ids.err "token ids" &&
	llmsim_start S --tps 0 --as ollama &&
	test_expect_code 1 gen -u "$S_URL" -m llmsim --teacher-force ref.nd \
		--no-progress >/dev/null 2>srv.err &&
	llmsim_stop S && cat srv.err && test "$(wc -l <srv.err)" = 1 &&
	test_contains srv.err "is ollama, which takes no prompt of token ids" &&
	test_contains srv.err "level c) is missing there" &&
	agg --reference gen.nd q4.nd >mixed.json 2>/dev/null &&
	jq -e ".quality.teacher_forced | .evidence == \"none\" and
		(.why | test(\"not a teacher-forced run\"))" mixed.json &&
	test_expect_code 2 gen --teacher-force ref.nd -c 4 2>use.err &&
	test_contains use.err "one request at a time"
'

test_done
