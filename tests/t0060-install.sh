#!/usr/bin/env bash
# make install into a DESTDIR: the tools under their installed names, the
# manual pages made from docs/*.md (mandoc -Tlint clean, every option of -h
# in its page), and make uninstall removing every file install wrote.
. "$(dirname "$0")/lib.sh"

top=$(cd "$TESTS/.." && pwd)
# The build under test: make check's sanitizer build, or the plain one in
# bin/ (whose man pages are in build/release).
if [ "$TB_BIN" = "$top/build/san/bin" ]; then
	MAKE_BUILD="SAN=1"
else
	MAKE_BUILD="BINDIR=$TB_BIN"
fi
export top MAKE_BUILD
TOOLS="gen agg memsample report llmsim srvcheck capacity matrix"

# install / uninstall into $1 (PREFIX /usr), quietly.
tb_make() {
	make -s -C "$top" $MAKE_BUILD DESTDIR="$2" PREFIX=/usr "$1" >make.out 2>&1 ||
		{ cat make.out >&2; return 1; }
}

# Every file and link of a tree, with its mode, sorted.
tree_list() {
	(cd "$1" && find . \( -type f -o -type l \) -exec ls -ld {} + |
		awk '{ print $1, $NF }' | sort)
}

test_expect_success 'make install: the tools as tokbench-TOOL, their pages in man1, the formats in man5' '
	mkdir dest && tb_make install "$PWD/dest" &&
	for t in '"$TOOLS"'; do
		test -x dest/usr/bin/tokbench-$t &&
		test -f dest/usr/share/man/man1/tokbench-$t.1 || { echo "missing: $t"; exit 1; }
	done &&
	test -f dest/usr/share/man/man5/tokbench-events.5 &&
	test -f dest/usr/share/man/man5/tokbench-run-json.5 &&
	dest/usr/bin/tokbench-gen --version | grep -q "^tokbench-gen " &&
	head -n 3 dest/usr/share/man/man1/tokbench-gen.1 | grep -q "^\.TH \"TOKBENCH-GEN\" 1 " &&
	grep -q "^tokbench-gen \\\\- " dest/usr/share/man/man1/tokbench-gen.1
'

# Each page documents every option its -h lists (both are made from
# docs/TOOL.md; this catches a page generator that drops rows).
for t in $TOOLS; do
	test_expect_success "tokbench-$t.1 has every option of $t -h" '
		mkdir dest && tb_make install "$PWD/dest" &&
		page=dest/usr/share/man/man1/tokbench-'"$t"'.1 &&
		"$TB_BIN/'"$t"'" -h | sed -n "/^options:/,/^\$/p" |
			grep "^  -" | sed "s/^  //" >options &&
		test -s options && grep -q -e "--version" options &&
		while read -r o; do
			# the page escapes a backslash and nothing an option has
			grep -q -F -x -e "$o" "$page" || { echo "not in the page: $o"; exit 1; }
		done <options
	'
done

if command -v mandoc >/dev/null 2>&1; then
	test_expect_success 'mandoc -Tlint: every page clean' '
		mkdir dest && tb_make install "$PWD/dest" &&
		mandoc -Tlint dest/usr/share/man/man1/*.1 dest/usr/share/man/man5/*.5 >lint 2>&1 ||
			{ cat lint; exit 1; } &&
		test ! -s lint
	'
else
	test_skip 'mandoc -Tlint: every page clean' 'no mandoc here (Debian package mandoc; CI installs it)'
fi

test_expect_success 'make uninstall removes every file make install wrote, and only those' '
	mkdir -p dest/usr/bin dest/usr/share/man/man1 &&
	echo mine >dest/usr/bin/other && echo mine >dest/usr/share/man/man1/other.1 &&
	tree_list dest >before &&
	tb_make install "$PWD/dest" && tree_list dest >installed &&
	test "$(wc -l <installed)" -gt "$(wc -l <before)" &&
	tb_make uninstall "$PWD/dest" && tree_list dest >after &&
	test_cmp before after
'

# make dist packs the tracked files: it needs git and the checkout's .git
# (a fresh machine with only the README's prerequisites has neither).
if ! command -v git >/dev/null 2>&1 || ! git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	test_skip 'make dist' 'no git or no git checkout here: make dist packs the tracked files'
	test_done
	exit
fi

test_expect_success 'make dist: the tracked files and a VERSION file, which a build without .git reads' '
	make -s -C "$top" DISTDIR="$PWD" dist >dist.out 2>&1 || { cat dist.out; exit 1; } &&
	v=$(git -C "$top" describe --tags --always --dirty) &&
	test -f "tokbench-$v.tar.gz" && test ! -e ".tokbench-$v.tmp" &&
	tar -tzf "tokbench-$v.tar.gz" | grep -v "/\$" | sed "s|^tokbench-$v/||" | sort >listed &&
	{ git -C "$top" ls-tree -r --name-only HEAD; echo VERSION; } | sort >want &&
	test_cmp want listed &&
	tar -xzf "tokbench-$v.tar.gz" && test "$(cat "tokbench-$v/VERSION")" = "$v" &&
	make -n -C "tokbench-$v" bin/gen >plan 2>&1 &&
	grep -q -F -e "-DTB_VERSION='"'"'\"$v\"'"'"'" plan
'

test_done
