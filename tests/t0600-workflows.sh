#!/usr/bin/env bash
# Workflows: bench, sweep, matrix (with a failing entry) and the demo, end to end.
. "$(dirname "$0")/lib.sh"

SCRIPTS=$TESTS/../scripts
export TB_BIN

test_expect_success 'bench: gen, memsample and agg into a result, raw events kept' '
	llmsim_start S --mem 32MiB &&
	MODEL=sim BASE_URL=$S_URL SERVER_PID=$S_PID LABELS="quant=Q4_K_M x=a/b" \
		MAX_TOKENS=8 RESULTS=res "$SCRIPTS/bench.sh" >path 2>err &&
	r=$(cat path) && test -f "$r" &&
	case $r in res/sim-Q4_K_M-a_b-c1-*.json) ;; *) echo "bad name $r"; exit 1 ;; esac &&
	test -s "${r%.json}.ndjson" && test -s "${r%.json}.mem.ndjson" &&
	jq -e ".requests.ok == 5 and .memory.peak_bytes >= 33554432 and .run.labels.quant == \"Q4_K_M\"" "$r"
'

# bench_signalled SIG: a bench run of 5 long answers (10 s each) sent SIG
# alone once its first token is in: gen stops at once, and the run is still
# summarised, its requests aborted, bench's exit gen's.
has_token() { cat "$1"/*[0-9]Z.ndjson 2>/dev/null | grep -q "\"ev\":\"tok\""; }
bench_signalled() {
	llmsim_start B$1 --tps 20 || return 1
	# bench started with SIG at its default, as a terminal leaves it: a
	# shell cannot trap a signal ignored when it started, and a suite run
	# under nohup ignores SIGHUP (then so does bench, as nohup asks)
	MODEL=sig BASE_URL=$(eval echo \$B$1_URL) MAX_TOKENS=200 RESULTS=res$1 \
		perl -e '$SIG{$ARGV[0]} = "DEFAULT"; shift; exec @ARGV or die "exec: $!\n"' \
		$1 "$SCRIPTS/bench.sh" >path 2>err &
	b=$!
	{ wait_for 20 has_token res$1 || { kill -TERM $b; wait $b; exit 1; }; } &&
	kill -$1 $b &&
	{ wait $b; rc=$?; } || { rc=$?; true; } &&
	echo "bench exited $rc" &&
	test "$rc" -eq 143 &&
	r=$(cat path) && test -s "$r" &&
	jq -e ".requests.ok == 0 and .requests.by_status.aborted >= 1" "$r"
}

test_expect_success 'bench: a SIGTERM to bench.sh alone (as make passes on) stops gen; the run is summarised' '
	bench_signalled TERM
'

test_expect_success 'bench: a hangup stops gen; the run is summarised, not lost with the shell' '
	bench_signalled HUP
'

test_expect_success 'bench with no SERVER_PID samples the process listening on the URL'"'"'s port' '
	llmsim_start P --mem 40MiB &&
	MODEL=byport BASE_URL=$P_URL MAX_TOKENS=4 RESULTS=res "$SCRIPTS/bench.sh" >path 2>err &&
	r=$(cat path) &&
	jq -e ".memory.measure == \"proc.rss_bytes\" and .memory.peak_bytes >= 41943040" "$r"
'

test_expect_success 'the leak check finds a leaking server'"'"'s slope and clears a clean one' '
	# llmsim --leak keeps 2 MiB (2.097 MB) for every request it serves; a
	# sanitizer build of llmsim holds about 14 % more for it (ASan'"'"'s
	# shadow memory is an eighth, and its allocator adds redzones); ASan'"'"'s
	# quarantine of freed memory would look like a leak of its own: off
	ASAN_OPTIONS=quarantine_size_mb=0 llmsim_start LK --mem 8MiB --tps 2000 --leak 2MiB &&
	MODEL=lk BASE_URL=$LK_URL SERVER_PID=$LK_PID MAX_TOKENS=4 REQUESTS=40 WARMUP=3 \
		MEM_INTERVAL=10ms RESULTS=leak GEN_ARGS=--shuffle "$SCRIPTS/bench.sh" >path 2>/dev/null &&
	jq -e ".memory.leak | .verdict == \"leak suspected\" and .points >= 30
		and .mb_per_request >= 2.097152 * 0.98 and .mb_per_request <= 2.097152 * 1.2
		and .mb_per_request_ci95[0] > 2 and .mb_per_request_ci95[1] < 2.6" "$(cat path)" &&
	ASAN_OPTIONS=quarantine_size_mb=0 llmsim_start CL --mem 8MiB --tps 2000 &&
	MODEL=cl BASE_URL=$CL_URL SERVER_PID=$CL_PID MAX_TOKENS=4 REQUESTS=40 WARMUP=3 \
		MEM_INTERVAL=10ms RESULTS=leak GEN_ARGS=--shuffle "$SCRIPTS/bench.sh" >path 2>/dev/null &&
	jq -e ".memory.leak | .verdict == \"no leak\" and .mb_per_request_ci95[1] < 1" "$(cat path)" &&
	# the report: a section of soaks with each verdict, and their memory
	"$TB_BIN/report" -o lk.md leak 2>/dev/null &&
	grep -q "^## Leak soaks" lk.md &&
	grep -q "^- lk · .*, 40 requests: \*\*leak suspected\*\*, 2\.[0-9][0-9] (95 % CI" lk.md &&
	grep -q "^- cl · .*, 40 requests: \*\*no leak\*\*" lk.md &&
	test -s lk-assets/soak.png && grep -q "(lk-assets/soak.png)" lk.md
'

test_expect_success 'the context ladder climbs to the simulated context, stops there saying why, figures as scheduled' '
	# a model loaded with 5,000 tokens of its 32,768, whose KV cache is
	# 1 MB (simulated) per token; TTFT = 10 ms + prompt tokens / 20,000
	cat >lad.json <<-EOF &&
	{"profiles": [{"id": "lad", "name": "ladder test (simulated)", "family": "Lad",
	  "backend": "gguf", "quant": "Q4_K_M", "ttft_s": 0.01, "prefill_tps": 20000,
	  "decode_tps": 400, "mem_gb": 8, "ctx_size": 5000, "ctx_train": 32768,
	  "kv_kb_per_token": 1000}]}
	EOF
	ASAN_OPTIONS=quarantine_size_mb=0 llmsim_start LD --profiles lad.json -P lad --load-time 0 &&
	MODEL=lad MODEL_ID=lad BASE_URL=$LD_URL SERVER_PID=$LD_PID RESULTS=lad MEM_INTERVAL=10ms \
		DEPTHS="1000 2000 4000 8000 16000" N=2 MAX_TOKENS=8 "$SCRIPTS/ctx.sh" >paths 2>err &&
	test "$(wc -l <paths)" -eq 4 &&
	# 8,000 tokens and 8 out are beyond the 5,000 loaded: nothing is sent
	grep -q "^ctx: lad: stopped at 8000 tokens: 8000 tokens of prompt and 8 of output are beyond the context the server has loaded (5000)$" err &&
	for r in $(cat paths); do
		jq -r "[.run.kind.depth, .requests.ok, .per_prompt[].prompt_tokens.mean // 0,
			.metrics.ttft_s.mean // 0, .memory.peak_bytes] | @tsv" "$r"
	done >rungs &&
	cat rungs &&
	# every depth below the limit worked, its prompt exactly the depth by
	# the server'"'"'s count, at the scheduled TTFT (within 5 % and 3 ms);
	# the failed one has no request that succeeded
	awk -F"\t" "\$1 < 8000 { want = 0.01 + \$3 / 20000; if (\$2 != 2 || \$3 != \$1 || \$4 < want * 0.95 || \$4 > want * 1.05 + 0.003) bad = 1 }
		\$1 == 8000 && \$2 != 0 { bad = 1 } END { exit bad || NR != 4 }" rungs &&
	# memory grows with context: 3,000 more tokens hold 3 GB (simulated)
	# more KV cache, within 10 %; a sanitizer build keeps some 1 KB a
	# prompt token more in its allocator (its RSS at 1,000 tokens and at
	# 4,000 differ by 4.2 GB there)
	case $TB_BIN in */san/*) hi=4.7 ;; *) hi=3.3 ;; esac &&
	awk -F"\t" -v hi=$hi "\$1 == 1000 { a = \$5 } \$1 == 4000 { b = \$5 }
		END { d = (b - a) / 1e9; print d; exit !(d > 2.9 && d < hi) }" rungs &&
	# the report: the ladder, where and why it stopped, its chart
	"$TB_BIN/report" -o lad.md lad 2>/dev/null &&
	grep -q "^## Context ladder" lad.md &&
	grep -q "^\*\*Largest depth that worked: 4k\*\* tokens of the model.s advertised 32,768 (loaded with 5k)\. Stopped at 8k: 8000 tokens of prompt and 8 of output are beyond the context the server has loaded (5000)\.$" lad.md &&
	grep -q "^Each depth is the whole prompt.s tokens by the server.s own count (.*brought to exactly the depth by the server.s tokenizer, /tokenize)\." lad.md &&
	grep -q "^| 4k | 4000 | 2 of 2 | " lad.md && grep -q "^| 8k | — ⚠ | 0 of 0 | " lad.md &&
	test -s lad-assets/ladder.png && grep -q "(lad-assets/ladder.png)" lad.md &&
	# a ladder is not the Summary'"'"'s workload, nor an error of the group
	! grep -q "^## Summary" lad.md
'

test_expect_success 'the mixed workload by class: short requests starve behind long ones on one slot, not on many' '
	# three classes of 20, 100 and 400 tokens at 1,000 tokens/s, 3 users;
	# alone, a class decodes at the schedule: E2E = 20 ms + (n - 1) / 1000
	cat >mix.json <<-EOF &&
	{"short": {"prompt": "a", "max_tokens": 20}, "medium": {"prompt": "b", "max_tokens": 100},
	 "long": {"prompt": "c", "max_tokens": 400}}
	EOF
	for slots in 1 0; do
		llmsim_start M$slots --tps 1000 --ttft 20ms --slots $slots &&
		eval "url=\$M${slots}_URL pid=\$M${slots}_PID" &&
		MODEL=s$slots BASE_URL=$url SERVER_PID=$pid RESULTS=mix$slots PROMPTS=mix.json \
			CS=3 PER_USER=2 "$SCRIPTS/mixed.sh" >/dev/null 2>&1 || exit 1
		test "$(ls mix$slots/*.json | wc -l)" -eq 4 || exit 1
	done &&
	"$TB_BIN/report" -o mix.md mix1 mix0 2>/dev/null &&
	grep -q "^## Mixed workload" mix.md &&
	# one slot, first come first served: the short class waits behind the
	# long one in the mix, never alone
	grep -A1 "^### s1 · none · sim · 3 users" mix.md >/dev/null &&
	sed -n "/^### s1 · /,/^##/p" mix.md >s1 &&
	grep -q "^\*\*The shortest class (short) starves\*\* in the mix: TTFT [2-9][0-9.]*×" s1 &&
	# many slots: no class waits; each alone and mixed is the schedule
	sed -n "/^### s0 · /,/^##/p" mix.md >s0 &&
	grep -q "^\*\*The shortest class (short) does not starve\*\* in the mix: TTFT [01]\.[0-9]*×, E2E [01]\.[0-9]*× its own alone" s0 &&
	grep "^| short \|^| long " s0 | tr -d " " >rows &&
	awk -F"|" "{ n = \$3; want = 0.02 + (n - 1) / 1000;
		for (i = 7; i <= 8; i++) if (\$i < want * 0.95 || \$i > want * 1.1 + 0.005) bad = 1 }
		END { exit bad || NR != 2 }" rows &&
	# the runs are not a workload of their own in the other sections
	! grep -q "^## Other workloads" mix.md
'

test_expect_success 'make load: each load cold or warm by the page cache, the server'"'"'s own figure beside' '
	# a server started afresh 3 times, reading a 16 MB model file at each
	# load: dropped from the page cache first, the first load is cold (0 %);
	# the next two hold more of it, warm or partial as the kernel left it
	# (proactive reclaim can take pages read a second ago: docs/metrics.md),
	# each state agreeing with its share; each load timed to /health 200
	dd if=/dev/zero of=weights bs=1048576 count=16 2>/dev/null &&
	free_port LP &&
	MODEL=lp RESULTS=lp BASE_URL=http://127.0.0.1:$LP_PORT/v1 LOADS=3 MODEL_FILE=$PWD/weights \
		LOAD_COLD=1 START="$TB_BIN/llmsim --port $LP_PORT --load-time 200ms --model-file $PWD/weights" \
		"$SCRIPTS/load.sh" >paths 2>err &&
	test "$(wc -l <paths)" -eq 3 &&
	for r in $(cat paths); do
		jq -r "[.run.kind.rep, .run.kind.cache, .run.kind.resident,
			.load.method, .load.status, .load.seconds] | @tsv" "$r"
	done >loads &&
	cat loads &&
	awk -F"\t" "NR == 1 { cold = \$3; if (\$2 != \"cold\" || \$3 >= 0.1) bad = 1 }
		NR > 1 && !(\$3 > cold) { bad = 1 }
		\$2 != (\$3 < 0.1 ? \"cold\" : \$3 >= 0.9 ? \"warm\" : \"partial\") { bad = 1 }
		\$4 != \"health_poll\" || \$5 != \"ok\" || \$6 < 0.2 { bad = 1 }
		END { exit bad || NR != 3 }" loads &&
	nwarm=$(cut -f2 loads | grep -c "^warm$" || :) &&
	# LM Studio'"'"'s REST load (llmsim imitates it): the server'"'"'s own
	# load_time_seconds beside the client'"'"'s; no file named: unknown
	llmsim_start LA --load-time 300ms &&
	MODEL=la RESULTS=la BASE_URL=$LA_URL LOADS=2 LOAD=api MODEL_ID=llmsim "$SCRIPTS/load.sh" >paths2 2>err2 &&
	for r in $(cat paths2); do
		jq -r "[.run.kind.cache, .load.method, .load.server_seconds, .load.seconds] | @tsv" "$r"
	done >api &&
	cat api &&
	awk -F"\t" "\$1 != \"unknown\" || \$2 != \"lmstudio_api\" || \$3 < 0.29 || \$3 > 0.31 || \$4 < \$3 { bad = 1 }
		END { exit bad || NR != 2 }" api &&
	"$TB_BIN/report" -o l.md lp la 2>/dev/null &&
	grep -q "^## Load times" l.md &&
	# the saving from the warm loads alone; none warm: no saving claimed
	if [ "$nwarm" -gt 0 ]; then
		grep -q "^Cold \*\*[0-9.]* s\*\*, warm \*\*[0-9.]* s\*\* (median of $nwarm)" l.md
	else
		! grep -q "^Cold " l.md
	fi &&
	grep -q "^| 1 | cold | 0 % | [0-9.]* | — |$" l.md &&
	# (the server'"'"'s figure as the awk above bounds it: 0.29-0.31 s, the
	# timer late by up to 10 ms on a busy machine)
	grep -q "^| 2 | unknown | — | [0-9.]* | 0\.\(29\|3[01]\) |$" l.md &&
	# without a way to load: a usage error
	test_expect_code 2 env MODEL=x "$SCRIPTS/load.sh" 2>err3 &&
	grep -q "say how to load" err3
'

test_expect_success 'bench on a Mac samples the GPU too where memsample can read it; elsewhere as before' '
	# stand-ins: a uname that says Darwin or Linux; an nvidia-smi for the
	# GPU memory that ioreg gives on a Mac (this build'"'"'s memsample --gpu
	# reads nvidia-smi); a memsample that logs how bench runs it
	mkdir mac lin gpu wbin &&
	printf "#!/bin/sh\necho Darwin\n" >mac/uname && printf "#!/bin/sh\necho Linux\n" >lin/uname &&
	cat >gpu/nvidia-smi <<-\EOF &&
	#!/bin/sh
	while :; do echo "0, Test GPU, 1024, 81920, 65.43"; sleep 0.05; done
	EOF
	chmod +x mac/uname lin/uname gpu/nvidia-smi &&
	ln -s "$TB_BIN/gen" "$TB_BIN/agg" wbin/ &&
	printf "#!/bin/sh\necho \"\$*\" >>\"%s/ms.log\"\nexec \"%s/memsample\" \"\$@\"\n" "$PWD" "$TB_BIN" >wbin/memsample &&
	chmod +x wbin/memsample &&
	llmsim_start M --mem 8MiB &&
	bench() { TB_BIN=$PWD/wbin MODEL=m BASE_URL=$M_URL SERVER_PID=$M_PID MAX_TOKENS=4 RESULTS=res "$SCRIPTS/bench.sh"; } &&
	# a Mac whose GPU memory memsample reads: asked once, then sampled
	PATH=$PWD/mac:$PWD/gpu:$PATH bench >path 2>err &&
	printf "%s\n" "--gpu -i 1ms -d 1ms" "-p $M_PID --gpu --system -i 100ms" >want &&
	test_cmp want ms.log && ! grep -q "GPU is not sampled" err &&
	jq -e ".memory.peak_bytes > 0" "$(cat path)" &&
	# a Mac where it reads none: said once, and the rest sampled without it
	rm ms.log && PATH=$PWD/mac:/usr/bin:/bin bench >path 2>err &&
	printf "%s\n" "--gpu -i 1ms -d 1ms" "-p $M_PID --system -i 100ms" >want &&
	test_cmp want ms.log &&
	grep -q "^bench: memsample --gpu reads no GPU memory on this Mac; the GPU is not sampled$" err &&
	jq -e ".memory.peak_bytes > 0" "$(cat path)" &&
	# Linux: never --gpu, never asked, even with a GPU tool there
	rm ms.log && PATH=$PWD/lin:$PWD/gpu:$PATH bench >path 2>err &&
	echo "-p $M_PID --system -i 100ms" >want && test_cmp want ms.log &&
	jq -e ".memory.peak_bytes > 0" "$(cat path)"
'

test_expect_success 'bench never overwrites a result' '
	llmsim_start T &&
	for i in 1 2 3; do
		MODEL=same BASE_URL=$T_URL MAX_TOKENS=4 RESULTS=res "$SCRIPTS/bench.sh" >/dev/null 2>&1 || exit 1
	done &&
	test "$(ls res/same-c1-*.json | wc -l)" -eq 3
'

test_expect_success 'bench: a server process that never appears fails the run, which is kept' '
	llmsim_start NP &&
	test_expect_code 1 env MODEL=np BASE_URL=$NP_URL MAX_TOKENS=4 RESULTS=res N=1 WARMUP=0 \
		SERVER_NAME="LM Studio Helper" MEM_INTERVAL=20ms "$SCRIPTS/bench.sh" >path 2>err &&
	grep -q "^bench: memsample -n LM Studio Helper: no process ever matched: res/np-c1-.*\.json has no memory of the server$" err &&
	jq -e ".requests.ok == 5 and .memory.peak_bytes == null" "$(cat path)" &&
	llmsim_stop NP
'

test_expect_success 'the make targets pass the model id (MODEL_ID) to every workflow' '
	for t in bench sweep mixed leak ctx capacity; do
		make -s -n -C "$TESTS/.." "$t" MODEL=m MODEL_ID=the-id >mk 2>/dev/null || exit 1
		grep -q "MODEL_ID=\"the-id\"" mk || { echo "make $t: no MODEL_ID"; exit 1; }
	done
'

# One slot, 0.2 s a request (10 tokens at 50/s), 20 arrivals a second: the
# server falls behind at once.  With no cap every request is still sent
# when it is due and waits in the server's queue (TTFT grows); a cap of 1,
# as bench once passed with its default C, would hold each one back in
# the client instead, where the latencies from the send do not see it.
test_expect_success 'bench with RATE: an open loop, no cap on requests in flight unless C is given' '
	llmsim_start O --slots 1 --tps 50 &&
	MODEL=open BASE_URL=$O_URL RATE=20 REQUESTS=6 ONLY=short MAX_TOKENS=10 \
		RESULTS=res "$SCRIPTS/bench.sh" >path 2>err &&
	r=$(cat path) &&
	case $r in res/open-r20-*.json) ;; *) echo "bad name $r"; exit 1 ;; esac &&
	jq -e ".run.config | .concurrency == 0 and .rate == 20 and .arrival == \"poisson\"" "$r" &&
	jq -s -e "[.[] | select(.ev == \"req\" and .warmup == false) | .t - .t_sched]
		| length == 6 and max < 0.1" "${r%.json}.ndjson" &&
	jq -e ".metrics.ttft_s.max > 0.5" "$r" &&
	MODEL=open BASE_URL=$O_URL RATE=20 C=1 REQUESTS=6 ONLY=short MAX_TOKENS=10 \
		RESULTS=res "$SCRIPTS/bench.sh" >path 2>err &&
	r=$(cat path) &&
	case $r in res/open-c1-*.json) ;; *) echo "bad name $r"; exit 1 ;; esac &&
	jq -e ".run.config.concurrency == 1 and .metrics.queue_delay_s.max > 0.5" "$r"
'

test_expect_success 'bench without MODEL is a usage error' '
	test_must_fail env -u MODEL "$SCRIPTS/bench.sh" 2>err &&
	grep -q "set MODEL" err
'

test_expect_success 'sweep: one result per level, whole prompt sets, at least PER_USER per user' '
	llmsim_start W --slots 2 &&
	MODEL=sw BASE_URL=$W_URL CS="1 2 4" PER_USER=2 MAX_TOKENS=4 RESULTS=res \
		"$SCRIPTS/sweep.sh" >/dev/null 2>err &&
	grep -q "^sweep: sw at 1 concurrent user$" err &&
	grep -q "^sweep: sw at 2 concurrent users$" err &&
	# 5 prompts: 1 and 2 users send the set once (5 >= 2, 4), 4 users twice
	# (10 >= 8); every prompt equally often, so the levels are comparable
	for c in 1:5:1 2:5:1 4:10:2; do
		f=$(ls res/sw-sweep-c${c%%:*}-*.json) && want=${c#*:} &&
		jq -e ".run.config.concurrency == ${c%%:*} and .requests.ok == ${want%:*}
			and ([.per_prompt[].n] | unique == [${c##*:}])" "$f" || exit 1
	done &&
	test_expect_code 2 env MODEL=x CS="1 x" "$SCRIPTS/sweep.sh" 2>/dev/null
'

test_expect_success 'matrix: two entries and one that fails; the failure is recorded and reported' '
	free_port P1 && free_port P2 && free_port P3 &&
	p1=$P1_PORT p2=$P2_PORT p3=$P3_PORT &&
	cat >plan.conf <<-EOF &&
	# a test plan
	[defaults]
	reps = 1
	warmup = 0
	sweep = 1 2
	per_user = 1
	max_tokens = 6
	server = llmsim
	mem_interval = 20ms
	timeout_first = 3s
	ignore_eos = yes

	[alpha]
	model = Alpha
	quant = Q4_K_M
	backend = gguf
	base_url = http://127.0.0.1:$p1/v1
	env = GGML_METAL_N_CB=2
	quality = yes
	start = $TB_BIN/llmsim --port $p1 --load-time 200ms --mem 16MiB --tps 0

	[broken]
	model = Broken
	quant = BF16
	base_url = http://127.0.0.1:$p2/v1
	start = $TB_BIN/llmsim --no-such-flag

	[beta]
	model = Beta
	quant = Q8_0
	base_url = http://127.0.0.1:$p3/v1
	capacity = 2
	start = TB_PLAN_VAR=1 $TB_BIN/llmsim --port $p3 --mem 24MiB
	EOF
	RESULTS=res REPORT=rep/report.md test_expect_code 1 "$SCRIPTS/matrix.sh" plan.conf >out 2>err &&
	grep -q "entries with failures (recorded in their results and in res/plan-[0-9TZ]*-[0-9]*\.outcomes\.ndjson): broken" err &&
	# every workload'"'"'s outcome: the broken entry'"'"'s later ones skipped
	# once its server had exited, the others ran
	jq -r "[.entry, .workload, .status] | @tsv" res/plan-*.outcomes.ndjson >outcomes &&
	cat outcomes &&
	printf "alpha\tstd\tok\nalpha\tquality\tok\nalpha\tsweep\tok\nbroken\tstd\tfailed\nbroken\tsweep\tskipped\nbeta\tstd\tok\nbeta\tsweep\tok\nbeta\tcapacity\tok\n" >want &&
	test_cmp want outcomes &&
	grep -q "^## Plan outcomes" rep/report.md &&
	grep -q "^| plan | broken | sweep | skipped: the entry.s server had exited |$" rep/report.md &&
	grep -q "^| plan | broken | std | \*\*failed\*\* (exit 1): " rep/report.md &&
	a=$(ls res/Alpha-Q4_K_M-gguf-std-c1-*.json) &&
	jq -e ".load.method == \"health_poll\" and .load.seconds >= 0.2 and .load.status == \"ok\"
		and .run.env.GGML_METAL_N_CB == \"2\" and .memory.peak_bytes >= 16777216
		and .run.config.ignore_eos == true" "$a" &&
	ls res/Alpha-Q4_K_M-gguf-sweep-c2-*.json >/dev/null &&
	# quality = yes: the graded set, greedy, each item once
	jq -e ".quality.graded.items == 105 and .run.config.temperature == 0" \
		res/Alpha-Q4_K_M-gguf-quality-c1-*.json &&
	b=$(ls res/Broken-BF16-std-c1-*.json) &&
	jq -e ".load.status == \"error\" and .requests.ok == 0" "$b" &&
	# the server that died at once was noticed at once, with its status and words
	jq -e ".load.error | test(\"exited before it was ready\")" "$b" &&
	jq -e ".load.seconds < 2" "$b" &&
	grep -q "^matrix: \[broken\] the server exited with status 2; its last lines:" err &&
	grep -q "^matrix:   .*no-such-flag" err &&
	# a start command that begins with VAR=value runs (exec alone failed)
	bt=$(ls res/Beta-Q8_0-std-c1-*.json) &&
	jq -e ".load.status == \"ok\" and .requests.ok > 0" "$bt" &&
	# its capacity search (capacity = 2): levels of 1 and 2 users, labelled one search
	test "$(jq -r "select(.run.kind.name == \"capacity\") | .run.config.concurrency" res/Beta-*.json | sort -u | tr "\n" " ")" = "1 2 " &&
	grep -q "^## Capacity" rep/report.md &&
	grep -q "Broken · BF16 · —: .*the model load failed" rep/report.md &&
	# the load column shows the run'"'"'s load time (timed from the server'"'"'s start)
	load=$(printf "%.2f" "$(jq .load.seconds "$a")") &&
	grep -q "^| Alpha · Q4\\\\_K\\\\_M · gguf | 1 | $load |" rep/report.md &&
	# the entry'"'"'s server was stopped: nothing answers on its port any more
	test_expect_code 7 curl -s -o /dev/null "http://127.0.0.1:$p1/v1/models"
'

test_expect_success 'matrix: a workload whose requests fail marks the entry; the next ones run' '
	# half the requests get HTTP 500 (seeded): the standard run fails, and
	# the sweep and the leak soak of the same entry run all the same
	free_port P4 && p4=$P4_PORT &&
	printf "{\"a\": {\"prompt\": \"one\"}, \"b\": {\"prompt\": \"two\"}, \"c\": {\"prompt\": \"three\"}, \"d\": {\"prompt\": \"four\"}}\n" >p.json &&
	cat >plan.conf <<-EOF &&
	[defaults]
	reps = 1
	warmup = 0
	sweep = 1 2
	per_user = 1
	max_tokens = 4
	mem_interval = 20ms
	prompts = $PWD/p.json

	[flaky]
	model = Flaky
	quant = Q4_K_M
	base_url = http://127.0.0.1:$p4/v1
	leak = 4
	start = $TB_BIN/llmsim --port $p4 --fault http500 --fault-rate 0.5 --seed 7
	EOF
	RESULTS=res REPORT=rep/report.md test_expect_code 1 "$SCRIPTS/matrix.sh" plan.conf >out 2>err &&
	jq -r "[.entry, .workload, .status, .exit] | @tsv" res/plan-*.outcomes.ndjson >outcomes &&
	cat outcomes &&
	grep -q "^flaky	std	failed	1$" outcomes &&
	grep -q "^flaky	sweep	" outcomes &&
	grep -q "^flaky	leak	" outcomes &&
	ls res/Flaky-Q4_K_M-sweep-c2-*.json >/dev/null &&
	ls res/Flaky-Q4_K_M-leak-c1-*.json >/dev/null &&
	# why, in gen'"'"'s words
	jq -s -e "map(select(.workload == \"std\"))[0].why | test(\"^gen: [0-9]* of [0-9]* requests failed.*HTTP 500\")" res/plan-*.outcomes.ndjson &&
	grep -q "^| plan | flaky | std | \*\*failed\*\* (exit 1): .*HTTP 500" rep/report.md
'

test_expect_success 'matrix: a bad plan is refused with file:line' '
	printf "[a]\nmodle = x\n" >bad.conf &&
	test_expect_code 2 "$SCRIPTS/matrix.sh" bad.conf 2>err &&
	grep -q "^matrix: bad.conf:2: unknown key .modle." err &&
	printf "model = x\n" >bad2.conf &&
	test_expect_code 2 "$SCRIPTS/matrix.sh" bad2.conf 2>err &&
	grep -q "a key before any \[section\]" err &&
	printf "[a]\nreps = 1\n[b]\n[a]\n" >dup.conf &&
	test_expect_code 2 "$SCRIPTS/matrix.sh" dup.conf 2>err &&
	grep -q "^matrix: dup.conf:4: \[a\] again (first at line 1)$" err &&
	printf "[a]\nsweep = 1 x\n" >sweep.conf &&
	test_expect_code 2 "$SCRIPTS/matrix.sh" sweep.conf 2>err &&
	grep -q "^matrix: sweep.conf:2: \[a\] sweep = 1 x: want whole numbers$" err &&
	test_expect_code 2 "$SCRIPTS/matrix.sh" missing.conf 2>/dev/null
'

test_expect_success 'matrix: an env no engine would read is refused; so is a count that is not a number' '
	printf "[defaults]\nreps = 1\n[a]\nenv = GGML_METAL_N_CB=2\nload = lms load x -y\n" >env.conf &&
	test_expect_code 2 "$SCRIPTS/matrix.sh" env.conf 2>err &&
	grep -q "^matrix: env.conf:4: \[a\] env = GGML_METAL_N_CB=2: no engine would read it" err &&
	grep -q "lms load passes LM Studio no variable" err &&
	printf "[a]\nreps = three\nload = true\n" >num.conf &&
	test_expect_code 2 "$SCRIPTS/matrix.sh" num.conf 2>err &&
	grep -q "^matrix: num.conf:2: \[a\] reps = three: want a number" err
'

test_expect_success 'matrix --estimate: requests, tokens and hours from the plan, assumed then measured' '
	printf "{\"a\": {\"prompt\": \"ab\", \"max_tokens\": 10}, \"b\": {\"prompt\": \"cd\", \"max_tokens\": 20}}\n" >two.json &&
	cat >est.conf <<-EOF &&
	[defaults]
	prompts = $PWD/two.json
	reps = 2
	warmup = 1
	sweep = 1 2
	per_user = 2
	leak = 4
	loads = 1
	est_tps = 0.1
	est_load_s = 1
	[e]
	model = M
	quant = Q4_K_M
	load = false
	[skipped]
	skip = yes
	EOF
	# std 2 x 2 + 1 warm-up, 60 + 15 tokens; the level of 2 users 2 whole
	# sets (ceil(2 x 2 / 2)), 60; the soak 4, 60: 13 requests, 195 tokens;
	# 195 / 0.1 s + 2 loads x 1 s = 1952 s = 33 min
	RESULTS=none "$SCRIPTS/matrix.sh" --estimate est.conf >out 2>err &&
	grep -q "^  \[e\]  *13 requests  *195 tokens out (at most)  *13 in  *33 min at 0.1 tok/s (assumed)$" out &&
	! grep -q skipped out &&
	grep -q "^matrix: in all 13 requests, about 33 min at most$" out &&
	test ! -e none &&
	# a single-user result of the model: its speeds are used
	mkdir res1 &&
	echo "{\"format\": \"tokbench-run\", \"run\": {\"model\": \"M\", \"labels\": {\"quant\": \"Q4_K_M\"},
		\"config\": {\"concurrency\": 1}}, \"metrics\": {\"decode_tps\": {\"p50\": 1}},
		\"load\": {\"status\": \"ok\", \"seconds\": 3}}" >res1/r.json &&
	RESULTS=res1 "$SCRIPTS/matrix.sh" --estimate est.conf >out 2>err &&
	grep -q "^  \[e\]  *13 requests  *195 tokens out (at most)  *13 in  *3 min at 1 tok/s (measured)$" out
'

test_expect_success 'matrix: unload before the entry and after; a failed setup runs none of it' '
	llmsim_start MU &&
	cat >mu.conf <<-EOF &&
	[defaults]
	reps = 1
	warmup = 0
	sweep = 1
	max_tokens = 4
	server = llmsim
	model_id = llmsim
	base_url = $MU_URL
	unload = echo unload >>$PWD/order
	[first]
	load = echo load >>$PWD/order
	ladder = 200 400
	[badsetup]
	setup = echo no password >&2; exit 3
	load = echo load-bad >>$PWD/order
	EOF
	RESULTS=mures REPORT=rep/mu.md test_expect_code 1 "$SCRIPTS/matrix.sh" mu.conf >out 2>err &&
	# first: unloaded before its load and after; badsetup: unloaded, then
	# its setup failed and nothing of it ran, not even the unload after
	printf "unload\nload\nunload\nunload\n" >want && test_cmp want order &&
	grep -q "^matrix: \[badsetup\] setup failed (exit 3): echo no password >&2; exit 3: no password; the entry is not run" err &&
	jq -r "[.entry, .workload, .status, .exit] | @tsv" mures/plan-*.outcomes.ndjson >outc &&
	grep -q "^first	std	ok	0$" outc &&
	grep -q "^first	ladder	ok	0$" outc &&
	# the load command, with the settings it passes, recorded in the run
	jq -e ".load.method == \"command\" and .load.command == \"echo load >>$PWD/order\"" "$(ls mures/first-std-c1-*.json)" &&
	test "$(jq -r "select(.run.kind.name == \"ladder\") | .run.kind.depth" mures/*.json | sort -n | tr "\n" " ")" = "200 400 " &&
	grep -q "^badsetup	setup	failed	3$" outc &&
	! grep -q "^badsetup	std" outc &&
	llmsim_stop MU
'

test_expect_success 'matrix: a preflight of every lms load finds keys lms cannot load, before anything runs' '
	# a stand-in lms: the one model it has is "one"; "grouped@q4_k_m" is a
	# variant (lms #588: not found); "dup" matches two on one device
	mkdir -p fake &&
	cat >fake/lms <<-\EOF &&
	#!/bin/sh
	echo "$*" >>"$LMS_LOG"
	case "$2" in
	one) echo "Estimated GPU memory: 1 GB" ;;
	dup) echo "2 models match the provided model key on the same device. Loading the first one." ;;
	*) echo "Model not found"; echo "No model found that matches model key \"$2\"."; exit 1 ;;
	esac
	EOF
	chmod +x fake/lms &&
	cat >pf.conf <<-EOF &&
	[defaults]
	reps = 1
	[good]
	load = lms load one --context-length 4096 -y
	[grouped]
	load = lms load grouped@q4_k_m -y
	[dup]
	load = lms load dup -y
	[other]
	load = true
	[skipped]
	skip = yes
	load = lms load gone -y
	EOF
	LMS_LOG=$PWD/lms.log PATH=$PWD/fake:$PATH RESULTS=pfres REPORT=rep/pf.md \
		test_expect_code 1 "$SCRIPTS/matrix.sh" pf.conf >out 2>err &&
	cat err &&
	grep -q "^matrix: the estimate" err &&
	grep -q "^matrix: \[grouped\] preflight: lms load grouped@q4_k_m -y: exit 1: Model not found No model found" err &&
	grep -q "^matrix: \[dup\] preflight: lms load dup -y: the key matches more than one model" err &&
	! grep -q "\[good\] preflight" err &&
	grep -q "^matrix: preflight: 2 of 3 lms loads would not load the entry.s model; fix their keys (lms ls) or skip them: nothing run$" err &&
	# nothing loaded, nothing run: every call was an estimate
	test "$(grep -c -- "--estimate-only$" lms.log)" -eq 3 && test "$(wc -l <lms.log)" -eq 3 &&
	test ! -e pfres &&
	# alone (make matrix PREFLIGHT=1), and a plan whose keys all resolve
	printf "[good]\nload = lms load one -y\n" >ok.conf &&
	LMS_LOG=$PWD/lms2.log PATH=$PWD/fake:$PATH "$SCRIPTS/matrix.sh" --preflight ok.conf 2>err2 &&
	grep -q "^matrix: preflight: each of 1 lms loads names one downloaded model$" err2 &&
	LMS_LOG=$PWD/lms3.log PATH=$PWD/fake:$PATH make -s -C "$TESTS/.." matrix PLAN="$PWD/ok.conf" PREFLIGHT=1 2>err3 &&
	grep -q "^matrix: preflight: each of 1" err3 &&
	test "$(cat lms3.log)" = "load one -y --estimate-only"
'

test_expect_success 'the shipped plans parse, and mac512 fits a night at the study'"'"'s speeds' '
	# (the estimate checks the plan first: an env without start is refused)
	for p in "$TESTS/../plans/"*.conf; do
		RESULTS=none "$SCRIPTS/matrix.sh" --estimate "$p" >"est-$(basename "$p")" || exit 1
	done &&
	test ! -e none &&
	cat est-mac512.conf &&
	h=$(sed -n "s/^matrix: in all [0-9]* requests, about \([0-9.]*\) h at most$/\1/p" est-mac512.conf) &&
	awk -v h="$h" "BEGIN { exit !(h > 5 && h <= 10) }" &&
	# and no key lms cannot load (a grouped variant: lms #588)
	! grep "^load = lms load [^ ]*@" "$TESTS/../plans/mac512.conf" &&
	# every LM Studio entry: nothing loaded beside, the settings named,
	# and the instance it loads is the one gen is told to measure
	P=$TESTS/../plans/mac512.conf &&
	grep -q "^unload = lms unload --all$" "$P" &&
	# llama-bench'"'"'s pp512 and tg128 at 0, 4k, 16k and 32k (make
	# community), in place of that entry'"'"'s ladder, in the estimate
	"$TB_BIN/matrix" --list "$P" | grep -P "^qwen3-coder-next-q4_k_m\tbench\tpp512 tg128$" &&
	"$TB_BIN/matrix" --list "$P" | grep -P "^qwen3-coder-next-q4_k_m\tbench_depths\t0 4096 16384 32768$" &&
	"$TB_BIN/matrix" --list "$P" | grep -P "^qwen3-coder-next-q4_k_m\tladder\t$" &&
	grep -q "^  \[qwen3-coder-next-q4_k_m\] *940 requests .* 446470 in " est-mac512.conf &&
	grep -q "^server_name = LM Studio$" "$P" &&
	grep "^load = lms load" "$P" >loads &&
	test "$(wc -l <loads)" -eq 16 &&
	! grep -v -- "--context-length 131072 --gpu max .*--identifier [a-z0-9_-]* -y$" loads &&
	test "$(grep -c -- "--parallel 4" loads)" -eq 11 &&
	awk "/^\[/ { id = \"\" } /^model_id = / { id = \$3 } /^load = lms load/ {
		for (i = 1; i <= NF; i++) if (\$i == \"--identifier\" && \$(i + 1) != id) bad = 1 }
		END { exit bad }" "$P"
'

test_expect_success 'demo (quick): every section and chart, said to be simulated' '
	# (a sanitizer build'"'"'s quarantine of freed memory would read as leaks)
	ASAN_OPTIONS=quarantine_size_mb=0 DEMO_QUICK=1 DEMO_RESULTS=$PWD/demo \
		DEMO_REPORT=$PWD/rep/demo.md "$SCRIPTS/demo.sh" >out 2>err &&
	# 8 models: the standard set, a sweep level, a leak soak, a ladder of 2
	# depths (the 3 Qwen servers'"'"' second depth fails: 16 runs), and the
	# mixed workload with its 3 classes alone (32 runs); two models load
	# three times more (6); a capacity search of 1 and 2 users each (16);
	# the graded set (8); llama-bench'"'"'s pp and tg at two depths (32); one
	# model'"'"'s MoE study, 4 domains twice (8); the teacher-forced pass of
	# each quantization but the references (6); the throttling machine'"'"'s
	# run (1)
	test "$(ls demo/*.json | wc -l)" -eq 149 &&
	for s in "## The answer" "### MiniMax-M2.1" "### Qwen3-Coder-Next" "## Summary" \
		 "## Per prompt" "## Concurrency" "## Capacity" "## Mixed workload" "## Context ladder" "## Load times" \
		 "## Baseline vs candidates" "## Outputs" "## Quality" "## Runs" "## Community figures" \
		 "## MoE: weights touched by domain"; do
		grep -q "^$s" rep/demo.md || { echo "missing $s"; exit 1; }
	done &&
	# each model gets its own pick for one user; a p99 needs 100 requests
	test "$(grep -c "^- \*\*One interactive user:\*\*" rep/demo.md)" -eq 3 &&
	# and the users it holds at the default objectives (make capacity)
	test "$(grep -c "^- \*\*Several users\*\* (at ttft.*, make capacity): .* holds .* users\?" rep/demo.md)" -eq 3 &&
	sed -n "/^## Concurrency/,/^## Capacity/p" rep/demo.md | grep "^| [0-9]" >rows &&
	test -s rows && ! cut -d"|" -f11 rows | grep -v "^ — (n [0-9]*) $" &&
	grep -q "^> \*\*Simulated.\*\* All 149 runs measured llmsim" rep/demo.md &&
	# power: every Summary run measured it from llmsim'"'"'s model; the
	# throttling run (0.8 after 4.5 s) is flagged, its slowdown within 5 %
	# of 0.8, and an answer that picks its group says so
	test "$(grep -c "^| [^|]* | [^|]* | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* | rapl:package-0 |" rep/demo.md)" -ge 8 &&
	grep "^| group " rep/demo.md | head -n 1 | grep -qF "| J/token | mean W |" &&
	grep "^- Qwen3-Coder-Next · Q6\\\\_K · gguf (.*-hot-c1-.*): decode slowed, its last third at 0\.[0-9]*× " rep/demo.md >hot &&
	r=$(sed "s/.*its last third at \(0\.[0-9]*\)× .*/\1/" hot) &&
	echo "throttled run: $r of its first third'"'"'s speed, truly 0.8" &&
	awk -v r="$r" "BEGIN { exit !(r >= 0.76 && r <= 0.84) }" &&
	! grep "^- \*\*One interactive user:\*\*.*Q6\\\\_K" rep/demo.md | grep -v "Q6\\\\_K · gguf slowed\|its decode slowed" &&
	# the community figures: each model and quantization, pp and tg at
	# both depths, exactly their tokens, and the chart against depth
	sed -n "/^## Community figures/,\$p" rep/demo.md >community &&
	test "$(grep -c "^| \(MiniMax-M2.1\|Qwen3-Coder-Next\) [^|]* | [0-9.]* GiB | ? | llmsim \(gguf\|mlx\) | ? | \(pp64\|tg8\)\( @ d1000\)\? | [0-9.]* ± [0-9.]* | [0-9.]* ± [0-9.]* |$" community)" -eq 32 &&
	! grep -q "⚠" community &&
	grep -q "^!\[t/s against depth, served\](demo-assets/bench_depth.png)$" community &&
	# the quality story (profiles graded_error): the fastest and smallest
	# of each model are over the budget; a larger one is picked, saying why
	test "$(grep -c "^- \*\*One interactive user:\*\*.* is faster but over the quality budget" rep/demo.md)" -eq 3 &&
	grep -q "^- \*\*Memory-bound.*\*\* MiniMax-M2.1 · Q4\\\\_K\\\\_M · gguf .* MiniMax-M2.1 · 4bit · mlx is smaller but over the quality budget" rep/demo.md &&
	grep -q "^| MiniMax-M2.1 · 8bit · mlx | 100.0 % .* within budget (a tie) |$" rep/demo.md &&
	# level (c) (profiles logit_noise): a teacher-forced figure beside
	# every pick that is not a reference, a table per model
	test "$(grep -c "^- \*\*\(One interactive user\|Memory-bound\|Several users\).* teacher-forced mean KL [0-9.]* nats, same top-1 [0-9.]* %" rep/demo.md)" -ge 6 &&
	test "$(grep -c "^Teacher-forced against the reference" rep/demo.md)" -eq 2 &&
	grep "^| Qwen3-Coder-Next · Q4\\\\_K\\\\_M · gguf | [0-9]* | 0\.[0-9]* (95 % CI" rep/demo.md |
		awk -F"|" "\$4 + 0 > 0.05 { ok = 1 } END { exit !ok }" &&
	test "$(grep -c "^\*\*The shortest class (short-4) \(starves\|does not starve\)\*\* in the mix: TTFT [0-9.]*×, E2E [0-9.]*× its own alone\.$" rep/demo.md)" -eq 8 &&
	# the repeated loads: each series cold first (its file dropped from the
	# page cache), then more of the file cached than that: warm, or partial
	# where the kernel reclaimed some of it since (docs/metrics.md)
	test "$(grep -c "^| 1 | cold | 0 % | [0-9.]* | " rep/demo.md)" -eq 2 &&
	test "$(grep -c "^| [23] | \\(warm\\|partial\\) | [0-9]* % | [0-9.]* | " rep/demo.md)" -eq 4 &&
	# the ladder: Qwen3-Coder-Next, loaded with 1,500 tokens, stops at 2k
	# and says why; MiniMax-M2.1 holds both depths, its memory growing
	sed -n "/^## Context ladder/,/^## [A-Z]/p" rep/demo.md >ladder &&
	# a ladder that stopped where its prompt could not be counted sent
	# nothing there: its finding, not a run of the group cut short
	! grep -q "a run was cut short" rep/demo.md &&
	test "$(grep -c "^\*\*Largest depth that worked: 1k\*\* tokens of the model.s advertised 262,144 (loaded with 1,500)\. Stopped at 2k: 2000 tokens of prompt and [0-9]* of output are beyond the context the server has loaded (1500)\.$" ladder)" -eq 3 &&
	test "$(grep -c "^\*\*Largest depth that worked: 2k\*\* tokens of the model.s advertised 196,608 (loaded with 131,072); every depth asked worked\.$" ladder)" -eq 5 &&
	# the leak soaks: one line and a verdict for each of the 8 servers.
	# Which verdict is not asserted here: make check runs this under the
	# sanitizers, whose allocator grows some 30 KB a request (30 MB at the
	# demo'"'"'s memory scale), as much as the leaking server'"'"'s 16 KiB,
	# so any server may read as leaking or inconclusive.  CI checks the
	# verdicts on the release build: the leaking one flagged, the four
	# other GGUF servers cleared (.ci/run); t0600'"'"'s leak test checks the
	# verdicts on servers whose growth is known.
	sed -n "/^## Leak soaks/,/^## /p" rep/demo.md >soaks &&
	test "$(grep -c "^- " soaks)" -eq 8 &&
	test "$(grep -c "^- .*, 10 requests: \*\*\(leak suspected\|no leak\|inconclusive\)\*\*" soaks)" -eq 8 &&
	for c in decode_tps ttft tps_vs_memory concurrency memory power ladder quality_vs_speed bench_depth; do
		test $(wc -c <rep/demo-assets/$c.png) -gt 8000 || { echo "chart $c"; exit 1; }
		grep -q "demo-assets/$c.png" rep/demo.md || exit 1
	done &&
	test "$(grep -c "^| MiniMax-M2.1 · \|^| Qwen3-Coder-Next · " rep/demo.md)" -ge 8 &&
	grep -q "| MiniMax-M2.1 · 4bit · mlx | 1 | " rep/demo.md &&
	# the terminal: a line when it starts, one when each model is done,
	# and the report; each model'"'"'s tools spoke into its own log
	test "$(grep -c "^demo: [a-z0-9._-]* done$" err)" -eq 8 &&
	! grep -v "^demo: \|^report: wrote " err &&
	grep -q "^memsample: --power: " demo/minimax-m2.1-q8_0.log
'

test_expect_success 'demo: a model that fails is named with the end of its log, and the demo fails' '
	# every tool the real one but gen, which fails at once
	mkdir -p fakebin && for t in "$TB_BIN"/*; do ln -sf "$t" fakebin/; done &&
	rm fakebin/gen && printf "#!/bin/sh\necho \"gen: the test stand-in fails\" >&2\nexit 1\n" >fakebin/gen &&
	chmod +x fakebin/gen &&
	test_expect_code 1 env TB_BIN=$PWD/fakebin DEMO_QUICK=1 DEMO_RESULTS=$PWD/dfail \
		DEMO_REPORT=$PWD/rep/dfail.md "$SCRIPTS/demo.sh" >out 2>err &&
	test "$(grep -c "^demo: [a-z0-9._-]* failed; its log, $PWD/dfail/[a-z0-9._-]*\.log, ends:$" err)" -eq 8 &&
	test "$(grep -c "^demo:   gen: the test stand-in fails$" err)" -ge 8 &&
	! grep -q " done$" err
'

# procs_naming TEXT: "pid command" of each live process whose command line
# holds TEXT (Linux's /proc; nothing where there is none).
procs_naming() {
	local p c
	for p in /proc/[0-9]*; do
		c=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case $c in *"$1"*) pid_alive "${p#/proc/}" && echo "${p#/proc/} $c" ;; esac
	done
	return 0
}
no_procs_naming() { test -z "$(procs_naming "$1")"; }
servers_up() { test "$(cat "$1"/*.url 2>/dev/null | grep -c "^http")" -ge "$2"; }

test_expect_success 'demo: a SIGTERM to it alone (as make sends when it is killed) stops every model'"'"'s server, gen and memsample' '
	DEMO_QUICK=1 DEMO_RESULTS=$PWD/dterm DEMO_REPORT=$PWD/rep/dterm.md "$SCRIPTS/demo.sh" >out 2>err &
	d=$! &&
	# each model'"'"'s own server up (the two that load first start theirs later)
	{ wait_for 60 servers_up dterm 6 || { kill $d; wait $d; exit 1; }; } &&
	cat dterm/*.url | grep "^http" >urls &&
	kill -TERM $d &&
	wait_for 30 eval "! pid_alive $d" &&
	while read -r u; do
		wait_for 10 http_code_is 000 "$u/models" || { echo "still serving: $u"; exit 1; }
	done <urls &&
	wait_for 10 no_procs_naming "$PWD/dterm" || { procs_naming "$PWD/dterm"; exit 1; }
'

test_done
