#!/usr/bin/env bash
# check-servers.sh: make check-server against every server installed here,
# each started on loopback, checked and stopped.  Looks for:
#   llama-server   $LLAMA_SERVER, else on PATH; with CHECK_GGUF naming one
#                  or more models (space-separated), each checked in turn,
#                  on CHECK_LLAMA_THREADS compute threads (default half the
#                  cores, at least one)
#   ollama         on PATH, with CHECK_OLLAMA_MODEL (a model already pulled)
#   mlx_lm.server  on PATH, with CHECK_MLX_MODEL (a local model or repo id)
#   lms            LM Studio's CLI, with CHECK_LMS_MODEL (a downloaded model)
# A server found without its model is named and skipped.  Where none can
# be checked it says what it looked for and that it checked nothing: it
# never passes silently, and never stands llmsim in for a real server.
# Exit status: 0 every server checked passed (or none could be), 1 a check
# failed or a server did not start.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${TB_BIN:-$here/../bin}
out=${CHECK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/check-servers.XXXXXX")} && mkdir -p "$out" || exit 1
checked=0
failed=0
failures=() # the first failing check of each server, said again at the end
server_pid=

stop_server() {
	[ -n "$server_pid" ] || return 0
	kill -TERM "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=
}
trap 'stop_server; exit 130' INT
trap 'stop_server; exit 143' TERM

# A free loopback port: bind to port 0 and read what the kernel gave.
free_port() {
	"$bin/llmsim" --port 0 >"$out/port.url" 2>/dev/null &
	local pid=$! i
	for i in $(seq 1 250); do
		[ -s "$out/port.url" ] && break
		sleep 0.02
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	sed 's|.*:\([0-9]*\)/v1$|\1|' "$out/port.url"
}

# ready URL PID: the server answers a one-token request (polled for up to
# ten minutes: a large model loads slowly) while its process lives.
ready() {
	local i
	for i in $(seq 1 3000); do
		kill -0 "$2" 2>/dev/null || return 1
		"$bin/gen" -u "$1" -m check-servers ${model:+--model-id "$model"} \
			-p "$here/../prompts/check.json" --only count --max-tokens 1 \
			--no-progress --no-wait --timeout-first 30s >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

# check NAME PORT COMMAND...: starts the server, waits until it answers,
# runs the battery with its process for the memory check, stops it.
check() {
	local name=$1 port=$2 url
	shift 2
	url=http://127.0.0.1:$port/v1
	echo "check-servers: $name: $*" >&2
	"$@" >"$out/$name.log" 2>&1 &
	server_pid=$!
	if ! ready "$url" "$server_pid"; then
		echo "check-servers: $name: FAIL (did not start: $(tail -n 1 "$out/$name.log"))"
		failures+=("$name: did not start")
		failed=$((failed + 1))
		stop_server
		return
	fi
	URL=$url SERVER_PID=$server_pid MODEL=${model:-} OUT=$out/$name \
		"$here/check-server.sh" 2>>"$out/$name.check.err" | tee "$out/$name.out"
	[ "${PIPESTATUS[0]}" -eq 0 ] || {
		failed=$((failed + 1))
		failures+=("$name: $(grep -m 1 ': FAIL (' "$out/$name.out" || echo "the battery did not finish")")
	}
	checked=$((checked + 1))
	stop_server
}

looked="llama-server (\$LLAMA_SERVER or PATH, models in \$CHECK_GGUF), ollama (\$CHECK_OLLAMA_MODEL), mlx_lm.server (\$CHECK_MLX_MODEL), lms (\$CHECK_LMS_MODEL)"

llama=${LLAMA_SERVER:-$(command -v llama-server || true)}
if [ -n "$llama" ]; then
	if [ -z "${CHECK_GGUF:-}" ]; then
		echo "check-servers: $llama found, but no CHECK_GGUF=model.gguf: not checked"
	fi
	# llama-server computes on every core by default.  Its HTTP thread
	# and the client then wait for one, and chunks leave in bursts: on 2
	# cores, 15 tokens at once after 4 ms in 8 of 20 streams, where one
	# thread gave none in 20.  The checks time the stream, so they leave
	# cores free (half, as llama.cpp's default on a machine with SMT).
	threads=${CHECK_LLAMA_THREADS:-$(($(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2) / 2))}
	[ "$threads" -ge 1 ] 2>/dev/null || threads=1
	for g in ${CHECK_GGUF:-}; do
		p=$(free_port)
		model= check "llama-server-$(basename "$g" .gguf)" "$p" \
			"$llama" -m "$g" --host 127.0.0.1 --port "$p" -c 16384 -t "$threads"
	done
fi
if command -v ollama >/dev/null 2>&1; then
	if [ -z "${CHECK_OLLAMA_MODEL:-}" ]; then
		echo "check-servers: ollama found, but no CHECK_OLLAMA_MODEL: not checked"
	else
		p=$(free_port)
		model=$CHECK_OLLAMA_MODEL OLLAMA_HOST=127.0.0.1:$p check ollama "$p" ollama serve
	fi
fi
if command -v mlx_lm.server >/dev/null 2>&1; then
	if [ -z "${CHECK_MLX_MODEL:-}" ]; then
		echo "check-servers: mlx_lm.server found, but no CHECK_MLX_MODEL: not checked"
	else
		p=$(free_port)
		model=$CHECK_MLX_MODEL check mlx_lm "$p" mlx_lm.server --model "$CHECK_MLX_MODEL" \
			--host 127.0.0.1 --port "$p"
	fi
fi
if command -v lms >/dev/null 2>&1; then
	if [ -z "${CHECK_LMS_MODEL:-}" ]; then
		echo "check-servers: lms found, but no CHECK_LMS_MODEL: not checked"
	else
		# LM Studio's server is a daemon: started and the model loaded
		# with its CLI, checked, then the model unloaded.
		p=$(free_port)
		if lms server start --port "$p" >"$out/lms.log" 2>&1 &&
		   lms load "$CHECK_LMS_MODEL" --yes >>"$out/lms.log" 2>&1; then
			URL=http://127.0.0.1:$p/v1 MODEL=$CHECK_LMS_MODEL OUT=$out/lmstudio \
				"$here/check-server.sh" 2>>"$out/lms.check.err" || failed=$((failed + 1))
			checked=$((checked + 1))
			lms unload --all >/dev/null 2>&1
		else
			echo "check-servers: lms: FAIL (did not start: $(tail -n 1 "$out/lms.log"))"
			failed=$((failed + 1))
		fi
		lms server stop >/dev/null 2>&1
	fi
fi

if [ $checked -eq 0 ] && [ $failed -eq 0 ]; then
	echo "check-servers: looked for $looked: none to check here; nothing was checked"
	exit 0
fi
for f in ${failures[@]+"${failures[@]}"}; do echo "check-servers: FAIL: $f"; done
echo "check-servers: $checked server run(s) checked, $failed failed (files in $out)"
[ $failed -eq 0 ]
