#!/usr/bin/env bash
# Teacher-forced quality on the real build against llama.cpp's own
# llama-perplexity --kl-divergence (#25, level c): the tiny llama at F16 is
# the reference, Q8_0 and Q4_K_M the candidates, and both tools score the
# same tokens: those of llama-perplexity's base file, which gen
# --teacher-force feeds to llama-server position by position.  The
# figures must agree within the tolerances docs/quality.md states, and
# Q4_K_M must read worse than Q8_0 on every one of them, in both tools.
#
# Without the build the file says it did not run (a "# SKIP" line); with
# TB_REQUIRE_LLAMA=1, as .ci/run sets, that is a failure saying why.
#   LLAMA_SERVER     the server (default: the cached build); llama-perplexity beside it
#   TB_LLAMA_MODELS  the models (default: llama-models.sh --where): its
#                    tiny-llama F16, Q8_0 and Q4_K_M are used
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
TEXT=$TESTS/fixtures/quality/tiny-llama-greedy.txt
CTX=256 CHUNKS=4 # 4 x (256 - 1 - 128) = 508 positions
export TB_BIN

llama=${LLAMA_SERVER:-}
[ -n "$llama" ] || llama=$("$SCRIPTS/llama-build.sh" --where 2>/dev/null)/llama-server
models=${TB_LLAMA_MODELS:-$(LLAMA_BIN=$(dirname "$llama") "$SCRIPTS/llama-models.sh" --where 2>/dev/null)}
case $llama in /*) ;; *) llama=$PWD/$llama ;; esac
ppl=$(dirname "$llama")/llama-perplexity
model() { # model QUANT: the tiny llama of that quantization
	local m
	for m in $models; do
		case $m in */tiny-llama-$1.gguf | tiny-llama-$1.gguf)
			case $m in /*) echo "$m" ;; *) echo "$PWD/$m" ;; esac
			return ;;
		esac
	done
}
F16=$(model F16) Q8=$(model Q8_0) Q4=$(model Q4_K_M)
why=
if [ ! -x "$llama" ] || [ ! -x "$ppl" ]; then
	why="no llama-server and llama-perplexity (${LLAMA_SERVER:-none built}): run scripts/llama-build.sh, or set LLAMA_SERVER"
elif [ -z "$F16" ] || [ -z "$Q8" ] || [ -z "$Q4" ]; then
	why="no tiny-llama F16, Q8_0 and Q4_K_M: run scripts/llama-models.sh, or set TB_LLAMA_MODELS"
fi
[ -z "$why" ] || llama_unavailable "llama-server and llama-perplexity on the tiny llama" "$why"

# lp MODEL NAME [options]: llama-perplexity over the text's first chunks,
# one thread; its log in NAME.log
lp() {
	local m=$1 name=$2
	shift 2
	"$ppl" -m "$m" -c $CTX --chunks $CHUNKS -t 1 "$@" >"$name.log" 2>&1 || {
		tail -n 5 "$name.log" >&2
		return 1
	}
	# llama-perplexity exits 0 when its KL part stops early (a base file
	# it cannot read, a failed decode: perplexity.cpp, kl_divergence):
	# without its statistics, say what it said
	case " $* " in *" --kl-divergence "*)
		grep -q "^Mean    KLD:" "$name.log" || {
			echo "llama-perplexity ($name) gave no KL statistics; its log ends:" >&2
			grep -v "^llama_\|^load\|^print_info" "$name.log" | tail -n 15 >&2
			return 1
		} ;;
	esac
}

# figures LOG: llama-perplexity's KL statistics as JSON (its own labels)
figures() {
	awk '/^Mean PPL\(base\)/ { base = $4 }
		/^Mean PPL\(Q\)-PPL\(base\)/ { d = $4; dse = $6 }
		/^Mean ln\(PPL\(Q\)\/PPL\(base\)\)/ { ln = $4 }
		/^Mean    KLD:/ { kl = $3 }
		/^99.0%   KLD:/ { p99 = $3 }
		/^Same top p:/ { top = $4 }
		END { printf "{\"ppl_base\":%s,\"dppl\":%s,\"dppl_se\":%s,\"ln_ratio\":%s,\"kl\":%s,\"p99\":%s,\"same\":%s}\n",
			base, d, dse, ln, kl, p99, top / 100 }' "$1"
}

# pass QUANT MODEL: gen --teacher-force of the base file's tokens on
# llama-server serving MODEL, every alternative asked (1024, the vocabulary)
pass() {
	"$llama" -m "$2" --host 127.0.0.1 --port 0 -c 4096 -np 1 -t 1 >"server-$1.log" 2>&1 &
	local pid=$!
	echo "$pid" >>"$TRASH_ROOT/servers.pids"
	wait_for 120 grep -q "listening on http://127.0.0.1:[0-9]" "server-$1.log" &&
	local url=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\).*|\1/v1|p' "server-$1.log") &&
	wait_for 10 http_code_is 200 "${url%/v1}/health" &&
	"$TB_BIN/gen" -u "$url" -m "$1" -l family=tiny-llama --teacher-force src.nd \
		--logprobs 1024 --no-progress >"$1.nd"
	local rc=$?
	kill "$pid" && wait "$pid" 2>/dev/null
	return $rc
}

# fed_whole NAME: every chunk's positions read, each the whole vocabulary
fed_whole() {
	jq -s -e "map(select(.ev == \"done\")) | length == $CHUNKS and all(.status == \"ok\"
		and .tf.given == \"all\" and .tf.positions == $((CTX - 1 - CTX / 2))
		and .tf.top_min == 1024)" "$1.nd" >/dev/null
}

# near A B REL ABS: |A - B| <= REL |B| + ABS
near() {
	jq -n -e "($1 - $2) | fabs <= $3 * ($2 | fabs) + $4" >/dev/null || {
		echo "not near: $1 and $2 (within $3 relative + $4)" >&2
		return 1
	}
}

test_expect_success 'llama-perplexity: F16 as the base, Q8_0 and Q4_K_M against it' '
	cd "$TRASH_ROOT" &&
	lp "$F16" base -f "$TEXT" --kl-divergence-base base.kld &&
	lp "$Q8" lq8 --kl-divergence-base base.kld --kl-divergence &&
	lp "$Q4" lq4 --kl-divergence-base base.kld --kl-divergence &&
	figures lq8.log >lq8.json && figures lq4.log >lq4.json &&
	cat lq8.json lq4.json &&
	jq -e ".kl > 0 and .same > 0" lq8.json lq4.json >/dev/null
'

# The base file: "_logits_", n_ctx, n_vocab, n_chunk (4 bytes each), then
# the tokens of every chunk (perplexity.cpp, perplexity() and
# kl_divergence()); each chunk is evaluated with its first token replaced
# by BOS (the file's first token: the tokenizer's BOS), and its second
# half scored: the context is tokens 0 .. n_ctx/2, the forced tokens the
# rest.
test_expect_success 'the same tokens: the base file'"'"'s chunks as a source for gen' '
	cd "$TRASH_ROOT" &&
	test "$(od -An -t d4 -j 8 -N 12 base.kld | tr -s " " " ")" = " $CTX 1024 $CHUNKS" &&
	od -An -v -t d4 -j 20 -N $((4 * CTX * CHUNKS)) base.kld | tr -s " \n" "\n" |
		grep -v "^$" >tokens.txt &&
	test_lines tokens.txt $((CTX * CHUNKS)) &&
	bos=$(head -n 1 tokens.txt) &&
	{
		echo "{\"ev\":\"run\",\"t\":0,\"format\":\"tokbench-events\",\"version\":2,\"tool\":\"gen\",\"run_id\":\"base.kld\",\"model\":\"F16\",\"api\":\"completions\",\"config\":{\"teacher_force\":{\"source\":\"base.kld\"}},\"labels\":{\"family\":\"tiny-llama\"},\"server\":{\"kind\":\"llamacpp\",\"n_vocab\":1024}}" &&
		jq -s -c --argjson c $CTX --argjson bos "$bos" ". as \$t | range(0; length / \$c) as \$k
			| (\$t[\$k * \$c:(\$k + 1) * \$c] | .[0] = \$bos) as \$s
			| {ev: \"req\", t: 0, id: (\$k + 1), prompt: \"chunk\(\$k + 1)\"},
			  {ev: \"done\", t: 0, id: (\$k + 1), status: \"ok\",
			   tf: {ctx: \$s[0:\$c / 2 + 1], forced: \$s[\$c / 2 + 1:]}}" tokens.txt
	} >src.nd &&
	test_lines src.nd $((2 * CHUNKS + 1))
'

test_expect_success 'gen --teacher-force on llama-server: F16, Q8_0, Q4_K_M' '
	cd "$TRASH_ROOT" &&
	pass F16 "$F16" && pass Q8_0 "$Q8" && pass Q4_K_M "$Q4" &&
	fed_whole F16 && fed_whole Q8_0 && fed_whole Q4_K_M &&
	"$TB_BIN/agg" --reference F16.nd Q8_0.nd >tq8.json &&
	"$TB_BIN/agg" --reference F16.nd Q4_K_M.nd >tq4.json &&
	jq -c ".quality.teacher_forced" tq8.json tq4.json | cut -c1-700
'

# The tolerances (docs/quality.md): llama-perplexity keeps its base's
# log-probabilities as 16-bit steps and evaluates a chunk in one batch,
# the server one token at a time after its cache: mean KL within 5 % + 1e-5
# nats, p99 within 10 % + 1e-5 (it interpolates between ranks), same top-1
# within half a point, the base perplexity within 0.1 %, Δ perplexity
# within two of llama-perplexity's standard errors.
for q in q8 q4; do
	test_expect_success "$q: tokbench agrees with llama-perplexity on the same tokens" "
		cd \"\$TRASH_ROOT\" &&
		tf=.quality.teacher_forced &&
		jq -e \"\$tf | .evidence == \\\"teacher_forced\\\" and .exact and .positions == $((CHUNKS * (CTX - 1 - CTX / 2)))\" t$q.json &&
		near \$(jq \$tf.kl.mean t$q.json) \$(jq .kl l$q.json) 0.05 1e-5 &&
		near \$(jq \$tf.kl.p99 t$q.json) \$(jq .p99 l$q.json) 0.10 1e-5 &&
		near \$(jq \$tf.same_top1.share t$q.json) \$(jq .same l$q.json) 0 0.005 &&
		near \$(jq \$tf.perplexity.reference t$q.json) \$(jq .ppl_base l$q.json) 0.001 0 &&
		near \$(jq \$tf.perplexity.delta.mean t$q.json) \$(jq .dppl l$q.json) 0 \$(jq '2 * .dppl_se' l$q.json)
	"
done

test_expect_success 'Q4_K_M reads worse than Q8_0 on every figure, in both tools' '
	cd "$TRASH_ROOT" &&
	jq -e -n --slurpfile a lq8.json --slurpfile b lq4.json "\$a[0] as \$a | \$b[0] as \$b |
		\$b.kl > \$a.kl and \$b.p99 > \$a.p99 and \$b.same < \$a.same and
		\$b.dppl > \$a.dppl and \$b.ln_ratio > \$a.ln_ratio" &&
	jq -e -n --slurpfile a tq8.json --slurpfile b tq4.json "
		\$a[0].quality.teacher_forced as \$a | \$b[0].quality.teacher_forced as \$b |
		\$b.kl.mean > \$a.kl.mean and \$b.kl.p99 > \$a.kl.p99 and
		\$b.same_top1.share < \$a.same_top1.share and
		\$b.perplexity.delta.mean > \$a.perplexity.delta.mean and
		\$b.perplexity.ln_ratio > \$a.perplexity.ln_ratio and (\$b.tie | not)"
'

test_done
