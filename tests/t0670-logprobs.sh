#!/usr/bin/env bash
# Logprob agreement end to end (#25, level b): llmsim's logprob model
# knows the true KL divergence and top-1 agreement of every position
# (src/llmsim/simlp); gen --logprobs records what it streams, agg --reference
# compares a candidate run with the reference run, and every figure must
# equal llmsim's logged truth within its tolerance.
. "$(dirname "$0")/lib.sh"

SET=$TESTS/../prompts/std.json
gen() { "$TB_BIN/gen" "$@"; }
agg() { "$TB_BIN/agg" "$@"; }

# run NAME LOGPROBS [llmsim options]: one run of the set, its events in
# NAME.nd, llmsim's ground truth in NAME.log; GEN_OPTS: more for gen
run() {
	local name=$1 k=$2
	shift 2
	llmsim_start S --tps 0 --log "$name.log" "$@" &&
	gen -u "$S_URL" -m "$name" -l family=sim -p "$SET" --max-tokens 48 \
		--logprobs "$k" --no-progress ${GEN_OPTS:-} >"$name.nd" &&
	llmsim_stop S
}

# truth LOG: llmsim's figures over the positions agg compares (up to and
# including the first divergence): mean over prompts of each prompt's mean
# KL and top-1 agreement, the nearest-rank p99 of every position's KL, the
# median of the tokens before the first divergence, prompts that diverged
truth() {
	jq -s '[.[] | select(.what == "req") | .lp] as $r | ($r | length) as $n |
		([$r[] | .kl[0:.n][]] | sort) as $all |
		([$r[] | if .first_div < 0 then .n else .first_div end] | sort) as $d |
		{kl: ([$r[].kl_mean] | add / $n), top1: ([$r[].top1] | add / $n),
		 p99: $all[(((0.99 * ($all | length)) | ceil) - 1)],
		 div: (if $n % 2 == 1 then $d[($n - 1) / 2] else $d[$n / 2 - 1] end),
		 diverged: ([$r[] | select(.first_div >= 0)] | length)}' "$1"
}

# near A B TOL
near() { jq -n -e "($1 - $2) | fabs <= $3" >/dev/null; }

test_expect_success 'the reference: greedy output and the logprobs of every token' '
	cd $TRASH_ROOT &&
	run ref 12 &&
	jq -s -e "map(select(.ev == \"done\") | .logprobs) | length == 5 and all(.given == \"all\"
		and .asked == 12 and .positions == 48 and .top_min == 12)" ref.nd &&
	jq -s -e "map(select(.ev == \"run\")) | .[0].config.logprobs == 12" ref.nd &&
	jq -s -e "map(select(.what == \"req\") | .lp) | length == 5 and
		all(.first_div == -1 and .kl_mean == 0 and .top1 == 1)" ref.log
'

test_expect_success 'an unperturbed candidate reads as equal: KL 0, top-1 100 %, no divergence' '
	cd $TRASH_ROOT &&
	run same 12 &&
	agg --reference ref.nd same.nd >same.json &&
	jq -e ".quality.logprobs | .evidence == \"logprobs\" and .prompts == 5
		and .positions == 240 and .top1_agreement.mean == 1 and .kl.mean <= 1e-6
		and .kl.p99 <= 1e-6 and .first_divergence.diverged == 0
		and .first_divergence.median == 48 and .family_checked and .truncated == false" same.json
'

test_expect_success 'a perturbed candidate: every figure equals llmsim truth' '
	cd $TRASH_ROOT &&
	run q4 12 --logit-noise 0.4 &&
	agg --reference ref.nd q4.nd >q4.json &&
	truth q4.log >want.json &&
	cat want.json &&
	jq -c .quality.logprobs q4.json &&
	jq -e ".diverged > 0 and .kl > 0.001 and .top1 < 1" want.json &&
	near "$(jq .kl want.json)" "$(jq .quality.logprobs.kl.mean q4.json)" 1e-5 &&
	near "$(jq .p99 want.json)" "$(jq .quality.logprobs.kl.p99 q4.json)" 1e-5 &&
	near "$(jq .top1 want.json)" "$(jq .quality.logprobs.top1_agreement.mean q4.json)" 1e-6 &&
	near "$(jq .div want.json)" "$(jq .quality.logprobs.first_divergence.median q4.json)" 0 &&
	test "$(jq .diverged want.json)" = "$(jq .quality.logprobs.first_divergence.diverged q4.json)" &&
	jq -e ".quality.logprobs | .kl.ci95_lo <= .kl.mean and .kl.mean <= .kl.ci95_hi
		and .top1_agreement.ci95_lo <= .top1_agreement.mean" q4.json
'

test_expect_success 'more noise, more divergence: the figures order the quantizations' '
	cd $TRASH_ROOT &&
	run q2 12 --logit-noise 1.2 &&
	agg --reference ref.nd q2.nd >q2.json &&
	truth q2.log >want2.json &&
	near "$(jq .kl want2.json)" "$(jq .quality.logprobs.kl.mean q2.json)" 1e-5 &&
	jq -e -n --slurpfile a q4.json --slurpfile b q2.json \
		"\$b[0].quality.logprobs.kl.mean > \$a[0].quality.logprobs.kl.mean"
'

test_expect_success 'top 3 of 12: the KL from the top-K lists is a lower bound of the truth' '
	cd $TRASH_ROOT &&
	run ref3 3 && run q4k3 3 --logit-noise 0.4 &&
	agg --reference ref3.nd q4k3.nd >k3.json &&
	jq -e ".quality.logprobs | .top_k == 3 and .kl.mean >= 0" k3.json &&
	jq -e -n --slurpfile k k3.json --slurpfile t q4.json \
		"\$k[0].quality.logprobs.kl.mean <= \$t[0].quality.logprobs.kl.mean + 1e-6" &&
	near "$(jq .top1 want.json)" "$(jq .quality.logprobs.top1_agreement.mean k3.json)" 1e-6
'

test_expect_success 'llama-server shape (chat, token ids) and the completions shape read the same' '
	cd $TRASH_ROOT &&
	run llama 12 --logit-noise 0.4 --as llamacpp &&
	jq -s -e "map(select(.ev == \"done\") | .logprobs.given) | unique == [\"all\"]" llama.nd &&
	agg --reference ref.nd llama.nd >llama.json &&
	near "$(jq .quality.logprobs.kl.mean q4.json)" "$(jq .quality.logprobs.kl.mean llama.json)" 1e-9 &&
	llmsim_start C --tps 0 --log cref.log &&
	gen -u "$C_URL" -m cref -l family=sim -p "$SET" --api completions --max-tokens 48 \
		--logprobs 12 --no-progress >cref.nd &&
	llmsim_stop C &&
	llmsim_start C --tps 0 --log cq4.log --logit-noise 0.4 &&
	gen -u "$C_URL" -m cq4 -l family=sim -p "$SET" --api completions --max-tokens 48 \
		--logprobs 12 --no-progress >cq4.nd &&
	llmsim_stop C &&
	agg --reference cref.nd cq4.nd >cq4.json &&
	truth cq4.log >wantc.json &&
	near "$(jq .kl wantc.json)" "$(jq .quality.logprobs.kl.mean cq4.json)" 1e-5 &&
	near "$(jq .top1 wantc.json)" "$(jq .quality.logprobs.top1_agreement.mean cq4.json)" 1e-6
'

test_expect_success 'a server that ignores logprobs (mlx_lm.server streams none): said, never a zero' '
	cd $TRASH_ROOT &&
	GEN_OPTS="--model-id default_model" run mlx 12 --logit-noise 0.4 --as mlx &&
	jq -s -e "map(select(.ev == \"done\") | .logprobs) | length == 5 and
		all(.given == \"none\" and .positions == 0)" mlx.nd &&
	agg --reference ref.nd mlx.nd >mlx.json 2>err &&
	jq -e ".quality.logprobs | .evidence == \"none\" and .given.none == 5
		and (.why | test(\"sent none\")) and .kl == null" mlx.json &&
	test_contains err "no logprob figures"
'

test_expect_success 'no reference: what the server gave, evidence none, no figure' '
	cd $TRASH_ROOT &&
	agg q4.nd >alone.json &&
	jq -e ".quality.logprobs | .evidence == \"none\" and .given.all == 5
		and (.why | test(\"reference\"))" alone.json
'

test_expect_success 'another family, or runs without logprobs asked: refused or labelled' '
	cd $TRASH_ROOT &&
	sed "s/\"family\":\"sim\"/\"family\":\"other\"/" q4.nd >other.nd &&
	test_expect_code 1 agg --reference ref.nd other.nd >/dev/null 2>err &&
	test_contains err "family" &&
	llmsim_start S --tps 0 &&
	gen -u "$S_URL" -m plain -p "$SET" --max-tokens 8 --no-progress >plain.nd &&
	llmsim_stop S &&
	! grep -q "\"logprobs\"" plain.nd &&
	agg plain.nd >plain.json &&
	jq -e ".quality.logprobs == null" plain.json
'

test_done
