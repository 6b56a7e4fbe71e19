#!/usr/bin/env bash
# gen's read window (docs/gen.md, READ WINDOW; src/gen/rdwin.h): with many
# streams the loop lets chunks gather before it reads them, and each chunk
# keeps the kernel's receive time all the same; one stream, --read-window
# 0 (the default) and libcurl never wait.
. "$(dirname "$0")/lib.sh"

P=$TESTS/../prompts/std.json
gen() { "$TB_BIN/gen" --no-progress "$@"; }
# ends FILE: the end event's "read_waits multi_chunk_reads"
ends() { jq -r 'select(.ev == "end") | "\(.read_waits) \(.multi_chunk_reads)"' "$1"; }

llmsim_start S --tps 500 --log "$TRASH_ROOT/s.log"

# The window opens only after a period (25 ms) with no read that carried
# two chunks of one stream: 16 streams for 1.2 s give it some forty.
# Each chunk's time against llmsim's log: read up to 0.5 ms late, it must
# still be the kernel's receive time (a wake-up's time would put the
# median error near a quarter of a millisecond).
test_expect_success 'sixteen steady streams: the window opens, each chunk keeps its kernel time' '
	gen --read-window 0.5ms -u "$S_URL" -c 16 --requests 64 --max-tokens 150 -p "$P" >"$TRASH_ROOT/w16.ev" &&
	wait_for 10 sim_caught_up "$TRASH_ROOT/s.log" "$TRASH_ROOT/w16.ev" &&
	jq -s -e ".[0].config.read_window == 0.0005" "$TRASH_ROOT/w16.ev" &&
	read waits merged <<<"$(ends "$TRASH_ROOT/w16.ev")" &&
	test "$waits" -gt 0 &&
	"$TB_UNIT/tbperf" fidelity "$TRASH_ROOT/w16.ev" "$TRASH_ROOT/s.log" >fid &&
	jq -e ".chunks == 9600 and .arrival_ms.p50 < 0.1 and .arrival_ms.max < 25" fid
'

# A whole response ends when its last bytes arrived, not when the loop came
# to them: llmsim writes the last token, the finish, usage and [DONE] at
# once, so done.t is the last token's time (the loop reaches the end some
# microseconds after that read, up to a window later)
test_expect_success 'done.t: when the last bytes arrived, the window open' '
	jq -s -r "(map(select(.ev == \"tok\")) | group_by(.id) | map({key: (.[0].id | tostring), value: .[-1].t}) | from_entries) as \$last
		| map(select(.ev == \"done\")) | map((.t - \$last[.id | tostring]) * 1e6 | round) | sort
		| \"\(length) \(.[0]) \(.[length / 2 | floor]) \(.[-1])\"" "$TRASH_ROOT/w16.ev" >dd &&
	read n min med max <dd &&
	test "$n" = 64 && test "$min" -ge 0 && test "$med" = 0 && test "$max" -lt 25000
'

test_expect_success 'no window: one stream, by default, libcurl' '
	gen --read-window 0.5ms -u "$S_URL" -c 1 --requests 2 --max-tokens 100 -p "$P" >w1.ev &&
	read waits merged <<<"$(ends w1.ev)" && test "$waits" = 0 &&
	gen -u "$S_URL" -c 16 --requests 32 --max-tokens 100 -p "$P" >w0.ev &&
	jq -s -e ".[0].config.read_window == 0" w0.ev &&
	read waits merged <<<"$(ends w0.ev)" && test "$waits" = 0 &&
	gen --read-window 0.5ms --transport curl -u "$S_URL" -c 16 --requests 16 --max-tokens 20 -p "$P" >wc.ev &&
	jq -s -e ".[0].config.read_window == 0 and (.[-1] | has(\"read_waits\") | not)" wc.ev
'

test_expect_success '--read-window: usage errors' '
	test_expect_code 2 gen --read-window 20ms -u "$S_URL" -p "$P" 2>err &&
	grep -qx "gen: --read-window: 20ms is over 10ms (a window is at most a quarter of the gaps between a stream.s chunks)" err &&
	test_expect_code 2 gen --read-window soon -u "$S_URL" -p "$P" 2>err &&
	grep -q "^gen: --read-window" err
'

llmsim_stop S
test_done
