#!/usr/bin/env bash
# -h of every tool: the synopsis, then every option with its meaning, the
# environment it reads and where the manual is, made from the manual page.
. "$(dirname "$0")/lib.sh"

for tool in gen agg memsample report llmsim capacity matrix; do
	test_expect_success "$tool -h: every option of its synopsis is explained, exit 0" '
		"$TB_BIN/'"$tool"'" -h >out 2>err && test ! -s err &&
		head -n 1 out | grep -q "^usage: '"$tool"' " &&
		grep -q "^'"$tool"': " out && grep -q "^options:" out &&
		grep -q "^manual: docs/'"$tool"'.md" out &&
		# the long options of the synopsis (the lines before the first blank)
		sed "/^\$/q" out | grep -o -e "--[a-z][a-z-]*" | sort -u >synopsis &&
		test -s synopsis &&
		# each has an entry of its own in the options list
		sed -n "/^options:/,/^\$/p" out | grep "^  -" >entries &&
		while read -r opt; do
			grep -q -e "$opt\\b" entries || { echo "not explained: $opt"; exit 1; }
		done <synopsis &&
		# and the manual says the same (the list is made from it)
		grep -q "^| \`-h, --help\` |" "$TESTS/../docs/'"$tool"'.md"
	'
done

# --version: "TOOL VERSION" on stdout, exit 0, the same version in every
# tool (the build's git describe, or a tarball's VERSION file).
for tool in gen agg memsample report llmsim srvcheck capacity matrix; do
	test_expect_success "$tool --version: its name and the build's version, exit 0" '
		"$TB_BIN/'"$tool"'" --version >out 2>err && test ! -s err &&
		test "$(wc -l <out)" -eq 1 &&
		grep -q "^'"$tool"' [^ ][^ ]*\$" out &&
		cut -d" " -f2 out >>"$TRASH_ROOT/versions"
	'
done

test_expect_success 'every tool prints the same version' '
	test "$(sort -u "$TRASH_ROOT/versions" | wc -l)" -eq 1
'

test_expect_success 'gen -h names the environment variables it reads' '
	"$TB_BIN/gen" -h >out &&
	grep -q "^  OPENAI_BASE_URL" out && grep -q "^  OPENAI_API_KEY" out
'

test_done
