#!/usr/bin/env bash
# make install into a DESTDIR: the tools under their installed names, the
# data they read (llmsim's profiles, the prompt sets), the manual pages made
# from docs/*.md (mandoc -Tlint clean, every option of -h
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
	test -f dest/usr/share/tokbench/profiles/llmsim.json &&
	test -f dest/usr/share/tokbench/prompts/std.json &&
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

# The tarball's version is the commit's (never -dirty: it holds the commit).
v=$(git -C "$top" describe --tags --always)
epoch=$(git -C "$top" log -1 --format=%ct)
export v epoch

# make dist into $1 (made), quietly; a second argument runs it under that umask.
tb_dist() {
	mkdir -p "$1" &&
		(umask "${2:-022}" && make -s -C "$top" DISTDIR="$PWD/$1" dist) >dist.out 2>&1 ||
		{ cat dist.out >&2; return 1; }
}

test_expect_success 'make dist: the tracked files and a VERSION file, nothing built, its SHA-256 beside it' '
	tb_dist d && test ! -e "d/.tokbench-$v.tmp" &&
	tar -tzf "d/tokbench-$v.tar.gz" | grep -v "/\$" | sed "s|^tokbench-$v/||" | sort >listed &&
	{ git -C "$top" ls-tree -r --name-only HEAD; echo VERSION; } | sort >want &&
	test_cmp want listed &&
	(cd d && sha256sum -c "tokbench-$v.tar.gz.sha256") &&
	tar -xzf "d/tokbench-$v.tar.gz" && test "$(cat "tokbench-$v/VERSION")" = "$v"
'

# Two runs, the second under another umask, give the same bytes; the
# archive says why: names in order (each directory sorted, as tar
# --sort=name walks it), owner and group 0 without names, every mtime the
# commit's.
test_expect_success 'make dist is reproducible: the same SHA-256 twice; sorted, owner 0, the commit time' '
	tb_dist a && tb_dist b 077 &&
	test_cmp "a/tokbench-$v.tar.gz.sha256" "b/tokbench-$v.tar.gz.sha256" &&
	cmp "a/tokbench-$v.tar.gz" "b/tokbench-$v.tar.gz" &&
	tar -tzf "a/tokbench-$v.tar.gz" >names &&
	sed "s|/|\x01|g" names | LC_ALL=C sort | sed "s|\x01|/|g" >sorted &&
	test_cmp sorted names &&
	TZ=UTC tar --full-time -tvzf "a/tokbench-$v.tar.gz" >long &&
	test "$(awk "{ print \$2 }" long | sort -u)" = "0/0" &&
	test "$(awk "{ print \$4, \$5 }" long | sort -u)" = "$(TZ=UTC date -d "@$epoch" "+%Y-%m-%d %H:%M:%S")" &&
	SOURCE_DATE_EPOCH=86400 tb_dist e &&
	TZ=UTC tar --full-time -tvzf "e/tokbench-$v.tar.gz" | awk "{ print \$4 }" | sort -u >day &&
	echo 1970-01-02 >want && test_cmp want day
'

# make formula gives the Homebrew formula the tarball's url, version and
# checksum, and changes nothing else of it.
test_expect_success 'make formula: the tarball'"'"'s url, version and sha256, the rest as written' '
	make -s -C "$top" DISTDIR="$PWD/d" FORMULA="$PWD/f.rb" RELEASE_URL=https://example.org/t.tar.gz \
		formula >formula.out 2>&1 || { cat formula.out; exit 1; } &&
	sha=$(cut -d " " -f 1 "d/tokbench-$v.tar.gz.sha256") &&
	grep -x "  url \"https://example.org/t.tar.gz\"" f.rb &&
	grep -x "  version \"${v#v}\"" f.rb &&
	grep -x "  sha256 \"$sha\"" f.rb &&
	diff "$top/Formula/tokbench.rb" f.rb | grep "^[<>]" | sed "s/ \".*//" | sort -u >changed &&
	printf "%s\n" "<   sha256" "<   url" "<   version" ">   sha256" ">   url" ">   version" >want &&
	test_cmp want changed &&
	if command -v ruby >/dev/null 2>&1; then ruby -c f.rb; fi
'

# What a packager does (the Homebrew formula: make install PREFIX=...): a
# build from the tarball alone, installed, with the source then gone; the
# installed llmsim, started through PATH, finds its profiles in PREFIX.
test_expect_success 'make install from the tarball alone: its version; llmsim finds the installed profiles' '
	tb_dist d && tar -xzf "d/tokbench-$v.tar.gz" && test ! -e "tokbench-$v/.git" &&
	make -s -C "tokbench-$v" -j2 CFLAGS=-O0 PREFIX="$PWD/inst" install >build.out 2>&1 ||
		{ cat build.out; exit 1; } &&
	rm -rf "tokbench-$v" &&
	echo "tokbench-gen $v" >want && inst/bin/tokbench-gen --version >got && test_cmp want got &&
	test -f inst/share/tokbench/prompts/std.json &&
	PATH="$PWD/inst/bin:$PATH" tokbench-llmsim --list-profiles >listed &&
	grep -q "\"id\":\"minimax-m2.1-mlx-4bit\"" listed
'

test_done
