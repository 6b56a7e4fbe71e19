#!/usr/bin/env bash
# memsample: known allocations, process trees, exits, schedule, GPU, errors.
. "$(dirname "$0")/lib.sh"

HOG=$TB_UNIT/memhog
ms() { "$TB_BIN/memsample" "$@"; }

# hog SECONDS SIZES...: starts memhog, waits until it holds its memory,
# and sets HOG_PID.
hog() {
	local out=$TRASH_ROOT/hog.$$.$RANDOM
	"$HOG" "$@" >"$out" &
	HOG_PID=$!
	echo "$HOG_PID" >>"$TRASH_ROOT/hogs.pids"
	test_at_exit "kill $HOG_PID"
	for i in $(seq 1 100); do
		grep -q ready "$out" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "memhog did not get ready" >&2
	return 1
}

# samples_over FILE N: FILE holds more than N mem samples.
samples_over() {
	[ "$(grep -c "\"ev\":\"mem\"" "$1")" -gt "$2" ]
}

test_expect_success 'usage errors exit 2; a PID that does not exist exits 1' '
	test_expect_code 2 ms -i 0 2>err &&
	test_expect_code 2 ms -i fast 2>err && grep -q "^memsample: -i fast: not a number" err &&
	test_expect_code 2 ms -p abc 2>err &&
	test_expect_code 2 ms -d -1s 2>err &&
	test_expect_code 2 ms extra 2>err &&
	test_expect_code 1 ms -p 2147483000 2>err &&
	grep -q "^memsample: -p 2147483000: no such process" err &&
	ms -h | grep -q "^usage: memsample"
'

test_expect_success 'a process holding 200 MiB: the sampled peak is within 5 %' '
	hog 5 200MiB &&
	ms -p $HOG_PID -i 20ms -d 300ms >ev &&
	jq -s -e "
		(map(select(.ev == \"mem\")) | .[0].format == \"tokbench-events\") and
		(map(select(.ev == \"mem\")) | map(.proc.rss_bytes) | max) as \$peak |
		\$peak >= 209715200 and \$peak <= 209715200 * 1.05
	" ev &&
	jq -s -e ".[-1] | .ev == \"end\" and .reason == \"duration\" and .tool == \"memsample\"" ev
'

test_expect_success 'the tree: a child and a forked grandchild are counted' '
	hog 5 100MiB 30MiB 50MiB &&
	ms -p $HOG_PID -i 20ms -d 200ms >ev &&
	jq -s -e "
		map(select(.ev == \"mem\"))[-1].proc as \$p |
		\$p.n == 3 and (\$p.pids | length) == 3 and
		\$p.rss_bytes >= 188743680 and \$p.rss_bytes <= 188743680 * 1.05 and
		\$p.anon_bytes >= 188743680
	" ev
'

test_expect_success 'the watched process exits: a final event says so, exit 0' '
	hog 1 20MiB &&
	ms -p $HOG_PID -i 20ms >ev &&
	jq -s -e ".[-1] | .ev == \"end\" and .reason == \"exited\"" ev &&
	# after the exit: no process, so no proc figures (never a 0)
	jq -s -e "map(select(.ev == \"mem\")) | length >= 10 and .[-1].proc == null and .[0].proc.n == 1" ev
'

# stop_hogs: ends every memhog started so far (and waits until each has).
stop_hogs() {
	local p
	[ -f "$TRASH_ROOT/hogs.pids" ] || return 0
	while read -r p; do
		kill "$p" 2>/dev/null
		wait_for 10 eval "! pid_alive $p" || return 1
	done <"$TRASH_ROOT/hogs.pids"
	rm -f "$TRASH_ROOT/hogs.pids"
}

test_expect_success '-n NAME finds the one process of that name' '
	stop_hogs && hog 5 40MiB &&
	ms -n memhog -i 20ms -d 200ms >ev &&
	jq -s -e "map(select(.ev == \"mem\"))[-1].proc | .n >= 1 and .rss_bytes >= 41943040" ev
'

test_expect_success '-n NAME that nothing has: said at once, never a 0, exit 1' '
	# LM Studio'"'"'s helper under a name that is not there: no proc figures
	# at all (a 0 would read as a measurement), system figures still
	test_expect_code 1 ms -n "No Such Server Helper" --system -i 20ms -d 200ms >ev 2>err &&
	grep -q "^memsample: -n No Such Server Helper: nothing matches (yet); no memory of it is sampled until it appears$" err &&
	grep -q "^memsample: -n No Such Server Helper: no process ever matched: nothing of the server.s memory was sampled$" err &&
	jq -s -e "map(select(.ev == \"mem\")) | length > 3 and all(.proc == null and .sys.total_bytes > 0)" ev &&
	jq -s -e ".[-1] | .ev == \"end\" and .peak_rss_bytes == null" ev &&
	# one that appears later is watched from then on, exit 0
	stop_hogs &&
	{ "$TB_BIN/memsample" -n memhog -i 20ms >ev2 2>err2 & } && mpid=$! &&
	test_at_exit "kill $mpid" &&
	wait_for 10 test -s ev2 &&
	hog 5 8MiB &&
	wait_for 20 jq -s -e "any(.[]; .ev == \"mem\" and .proc != null)" ev2 &&
	kill -TERM $mpid && wait $mpid &&
	jq -s -e "map(select(.ev == \"mem\" and .proc != null)) | all(.proc.rss_bytes > 0)" ev2
'

test_expect_success '-n NAME that several unrelated processes have is refused, naming them' '
	stop_hogs && hog 5 8MiB && a=$HOG_PID && hog 5 8MiB && b=$HOG_PID &&
	test_expect_code 1 ms -n memhog -i 20ms -d 200ms >ev 2>err &&
	{ grep -q "^memsample: -n memhog: 2 processes match (pid $a, $b); choose one with -p PID" err ||
	  grep -q "^memsample: -n memhog: 2 processes match (pid $b, $a); choose one with -p PID" err; }
'

test_expect_success '--port PORT watches the process listening there, and its tree' '
	llmsim_start M --mem 48MiB &&
	port=${M_URL##*:} && port=${port%/v1} &&
	ms --port "$port" -i 20ms -d 300ms >ev &&
	jq -s -e "map(select(.ev == \"mem\"))[-1].proc | .n >= 1 and .rss_bytes >= 50331648" ev &&
	test_expect_code 2 ms --port 70000 2>err && grep -q "^memsample: --port" err &&
	llmsim_stop M
'

test_expect_success 'samples keep to the schedule: no drift over 50 intervals' '
	ms --system -i 20ms -d 1s >ev &&
	jq -s -e "
		map(select(.ev == \"mem\") | .t) as \$t |
		(\$t | length) >= 48 and (\$t | length) <= 52 and
		(((\$t[-1] - \$t[0]) / ((\$t | length) - 1)) - 0.02 | fabs) < 0.0005
	" ev &&
	jq -s -e "map(select(.ev == \"mem\"))[0].sys | .total_bytes > 0 and .available_bytes > 0 and .used_bytes > 0" ev
'

test_expect_success 'SIGTERM, SIGINT and SIGHUP end it with complete lines and exit 0' '
	# memsample'"'"'s exit status through a file, not bash'"'"'s wait: make
	# check once saw "wait: No record of process" here; the file also
	# says at once if memsample ended before the signal
	for sig in TERM INT HUP; do
		# the last signal'"'"'s files go first: its ev, read before the new
		# one truncates it, would pass the wait at once
		rm -f rc ms.pid ev err
		{ sh -c "echo \$\$ >ms.pid; exec \"\$0\" --system -i 10ms" "$TB_BIN/memsample" >ev 2>err
		  echo $? >rc; } &
		wait_for 20 samples_over ev 11 && wait_for 20 test -s ms.pid && pid=$(cat ms.pid) &&
		{ ! test -s rc || { echo "memsample ended early: $(cat rc) $(cat err)"; return 1; }; } &&
		kill -$sig "$pid" && wait_for 20 test -s rc &&
		{ test "$(cat rc)" = 0 || { echo "memsample exit $(cat rc) on SIG$sig: $(cat err)"; false; }; } &&
		{ jq -s -e ".[-1] | .reason == \"signal\" and .samples > 10" ev >/dev/null ||
		  { echo "SIG$sig: the last line: $(tail -n 1 ev)"; false; }; } || return 1
	done
'

test_expect_success '--gpu with nvidia-smi: every GPU parsed from its CSV' '
	mkdir bin && cat >bin/nvidia-smi <<-\EOF &&
	#!/bin/sh
	echo "$*" >>nv.starts
	case "$*" in *=index,name,memory.used,memory.total,power.draw,temperature.gpu,clocks_throttle_reasons.active\ *) ;; *) exit 9 ;; esac
	while :; do
		echo "0, NVIDIA Test GPU, 1024, 81920, 65.43, 50, 0x0000000000000000"
		echo "1, NVIDIA Test GPU, 2048, 81920, [N/A], [N/A], [N/A]"
		sleep 0.05
	done
	EOF
	chmod +x bin/nvidia-smi &&
	PATH=$PWD/bin:$PATH ms --gpu -i 50ms -d 400ms >ev &&
	jq -s -e "map(select(.ev == \"mem\"))[-1].gpu | length == 2 and .[0].used_bytes == 1073741824
		and .[0].total_bytes == 85899345920 and .[0].power_w == 65.43 and (.[1] | has(\"power_w\") | not)" ev
'

test_expect_success '--gpu without nvidia-smi: a clear error, exit 1' '
	PATH=/usr/bin:/bin test_expect_code 1 ms --gpu -d 100ms >ev 2>err &&
	grep -q "^memsample: --gpu: nvidia-smi not found on PATH" err
'

test_expect_success '--power with no source: every one unknown with its reason, said once, exit 0' '
	mkdir empty &&
	PATH=/usr/bin:/bin ms --power --sys-root "$PWD/empty" -i 20ms -d 100ms >ev 2>err &&
	test "$(grep -c "rapl unknown: " err)" = 1 &&
	test "$(grep -c "^memsample: --power: nvidia unknown: nvidia-smi not found on PATH" err)" = 1 &&
	grep -q "^memsample: --power: hwmon unknown: .*/empty/class/hwmon: No such file or directory" err &&
	jq -s -e "map(select(.ev == \"power\")) | length >= 4 and
		(.[0].unknown | has(\"rapl\") and has(\"hwmon\") and has(\"cpu-throttle\") and has(\"thermal\") and has(\"nvidia\")) and
		(.[1:] | all(has(\"unknown\") | not)) and
		all(has(\"w\") or has(\"w_total\") or has(\"temp_c\") or has(\"throttled\") | not)" ev &&
	# a mem event and a power event per sample, on the same clock
	jq -s -e "(map(select(.ev == \"mem\")) | map(.t)) == (map(select(.ev == \"power\")) | map(.t))" ev
'

test_expect_success '--gpu --power: one nvidia-smi serves both; sysfs sensors and GPUs in one event, a throttled GPU named' '
	mkdir -p bin && cat >bin/nvidia-smi <<-\EOF &&
	#!/bin/sh
	echo "$*" >>nv.starts
	case "$*" in *=index,name,memory.used,memory.total,power.draw,temperature.gpu,clocks_throttle_reasons.active\ *) ;; *) exit 9 ;; esac
	while :; do
		echo "0, NVIDIA A100-SXM4-80GB, 20480, 81920, 312.45, 71, 0x0000000000000000"
		echo "1, NVIDIA A100-SXM4-80GB, 79012, 81920, 398.10, 84, 0x0000000000000060"
		sleep 0.05
	done
	EOF
	chmod +x bin/nvidia-smi && rm -f nv.starts &&
	PATH=$PWD/bin:$PATH ms --gpu --power --sys-root "$FIXTURES/power/sys" -i 50ms -d 400ms >ev 2>err &&
	! grep -q nvidia err &&
	test "$(wc -l <nv.starts)" = 1 &&
	jq -s -e "map(select(.ev == \"mem\"))[-1].gpu | length == 2 and .[1].used_bytes == 79012 * 1048576 and .[1].power_w == 398.1" ev &&
	jq -s -e "map(select(.ev == \"power\"))[-1] |
		.w[\"nvidia:1\"] == 398.1 and .w[\"hwmon:amdgpu/power1_average\"] == 187.25 and
		.w[\"rapl:package-0\"] == 0 and
		(.w_total - (312.45 + 398.1 + 187.25) | fabs) < 0.01 and
		(.w_total_of | index(\"rapl:dram-0\") != null) and
		.temp_c[\"hwmon:coretemp/Package id 0\"] == 67 and .temp_c[\"nvidia:1\"] == 84 and
		.temp_c[\"thermal:zone0/x86_pkg_temp\"] == 67 and (.temp_c | has(\"thermal:zone2/iwlwifi_1\") | not) and
		.throttled == true and .throttled_by == \"nvidia:1\" and has(\"thermal\") == false" ev
'

test_expect_success 'memsample beside gen | agg: baseline, peak and TPS per GB' '
	llmsim_start S --mem 96MiB &&
	{ "$TB_BIN/memsample" -p $S_PID -i 20ms >mem & } && mpid=$! &&
	# a baseline of a few samples before the first request, and one after
	wait_for 20 samples_over mem 4 &&
	"$TB_BIN/gen" --no-progress -u "$S_URL" --max-tokens 60 -n 2 <"$TESTS/../prompts/std.json" >ev &&
	n=$(grep -c "\"ev\":\"mem\"" mem) &&
	wait_for 20 samples_over mem "$n" &&
	kill $mpid && wait $mpid &&
	"$TB_BIN/agg" --mem mem ev >run.json &&
	jq -e ".memory | .measure == \"proc.rss_bytes\" and .peak_bytes >= 100663296
		and .baseline_bytes >= 100663296 and .tps_per_gb > 0 and (.timeline | length) > 5
		and .leak.points == 10" run.json
'

test_done
