#!/bin/bash
# profile-gen.sh: where gen's CPU goes, by part, under perf (issue #33).
#
#   scripts/profile-gen.sh [STREAMS...]
#
# For each stream count, paced (llmsim --tps 500 per stream, 100-token
# answers) and unpaced (--tps 0, 400 tokens), runs gen under
# `perf record` (cpu-clock, 2999 Hz) against a fresh llmsim and prints one
# Markdown row: the share of gen's samples in each part.  Parts, by the
# shared object and symbol a sample fell in:
#   kernel   the kernel: socket reads, the ACKs they send, epoll, writes
#   curl     libcurl (HTTP, its transfer loop)
#   json     reading chunks: the SSE lines, cJSON or the one-pass scanner,
#            and the libc string calls under them (strcmp, strtod, memchr)
#   format   writing events: jw_* (and snprintf under it, where used)
#   alloc    malloc and free
#   event    libevent
#   other    the rest of gen and libc (string functions, the clock's vDSO)
# Needs perf (Debian: linux-perf) and a kernel that lets this user profile
# (kernel.perf_event_paranoid <= 1, or root).  Writes nothing but stdout.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
bin=${TB_BIN:-$top/bin}      # TB_BIN=dir: profile another build's gen
command -v perf >/dev/null || { echo "profile-gen: perf not found (Debian: apt install linux-perf)" >&2; exit 1; }
work=$(mktemp -d) || exit 1
SIM=
trap '[ -n "$SIM" ] && kill $SIM 2>/dev/null; rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- 1 64 256 1000

row() { # row LABEL STREAMS TPS TOKENS_PER_REQUEST REQUESTS
	"$bin/llmsim" --port 0 --tps "$3" >"$work/url" 2>/dev/null &
	SIM=$!
	for _ in $(seq 1 200); do [ -s "$work/url" ] && break; sleep 0.05; done
	[ -s "$work/url" ] || { echo "profile-gen: llmsim did not start" >&2; exit 1; }
	perf record -q -e cpu-clock -F 2999 -o "$work/perf.data" \
		"$bin/gen" --no-progress --no-text -u "$(head -n 1 "$work/url")" -c "$2" \
		--requests "$5" --max-tokens "$4" <"$top/prompts/std.json" >"$work/ev" 2>"$work/err" ||
		{ echo "profile-gen: gen failed at $2 streams: $(tail -n 1 "$work/err")" >&2; exit 1; }
	kill "$SIM"; wait "$SIM" 2>/dev/null; SIM=
	perf report -i "$work/perf.data" --no-children --sort dso,sym -g none --stdio 2>/dev/null |
		awk -v label="$1" -v c="$2" -v ev="$(wc -l <"$work/ev")" '
		/^#/ || NF < 4 { next }
		{
			pct = $1; sub(/%/, "", pct); dso = $2; sym = $NF
			if (dso ~ /kernel/) part = "kernel"
			else if (dso ~ /libcurl/) part = "curl"
			else if (dso ~ /cjson/ || sym ~ /^(oai_|sse_|on_sse|str_of|choice_fault|decode_choice|open_root|jget_|str_raw|str_value|str_decode|each_member|skip_|root_member|choice_member|delta_member|choices_value|process_line|end_line|dispatch|add_data)/ || sym ~ /strcmp|strncmp|strtod|round_and_return|__memchr/) part = "json"
			else if (sym ~ /printf|mpn_|hack_digit|__strchrnul|_IO_|^jw_|^ev_|outstring|^reserve$|^member$|^put$|^digits$/) part = "format"
			else if (sym ~ /malloc|free|^_int_|realloc|calloc|tcache/) part = "alloc"
			else if (dso ~ /libevent/) part = "event"
			else part = "other"
			s[part] += pct
		}
		END {
			printf "| %s | %d | %d |", label, c, ev
			n = split("kernel curl json format alloc event other", k, " ")
			for (i = 1; i <= n; i++) printf " %.1f |", s[k[i]]
			printf "\n"
		}'
}

echo "| run | streams | events | kernel % | curl % | json % | format % | alloc % | event % | other % |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in "$@"; do
	row paced "$c" 500 100 $((c * 3 > 30 ? c * 3 : 30))
	per=$((400000 / c)); [ $per -lt 200 ] && per=200
	row unpaced "$c" 0 "$per" "$c"
done
